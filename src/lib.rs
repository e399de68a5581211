//! drconsole: a terminal incident console for AWS disaster recovery.

pub mod app;
pub mod arn;
pub mod cli;
pub mod clipboard;
pub mod clock;
pub mod commands;
pub mod config;
pub mod domain;
pub mod drill;
pub mod journal;
pub mod keys;
pub mod palette;
pub mod runbook;
pub mod runtime;
pub mod sources;
pub mod switch;
pub mod ticks;
pub mod tui;
pub mod ui;
