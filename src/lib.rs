//! drconsole: a terminal incident console for AWS disaster recovery.

pub mod app;
pub mod arn;
pub mod cli;
pub mod clock;
pub mod domain;
pub mod journal;
pub mod keys;
pub mod ready;
pub mod runbook;
pub mod runtime;
pub mod screenshot;
pub mod sources;
pub mod status;
pub mod tui;
pub mod ui;
