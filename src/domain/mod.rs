//! Plain snapshots of live state and the rules that judge them.

pub mod assess;
pub mod feeds;
pub mod health;
pub mod readiness;
pub mod regions;
pub mod rpo;
pub mod rpo_basis;
pub mod snapshot;
pub mod summary;
pub mod verify;
