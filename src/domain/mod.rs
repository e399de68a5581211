//! Plain snapshots of live state and the rules that judge them.

pub mod health;
pub mod snapshot;
pub mod verify;
