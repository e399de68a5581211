//! drconsole: a terminal incident console for AWS disaster recovery.

pub mod clock;
pub mod domain;
pub mod journal;
pub mod runbook;
pub mod sources;
