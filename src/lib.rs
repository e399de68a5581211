//! drconsole: a terminal incident console for AWS disaster recovery.

pub mod app;
pub mod clock;
pub mod domain;
pub mod journal;
pub mod keys;
pub mod runbook;
pub mod sources;
pub mod ui;
pub mod runtime;
pub mod tui;
