//! Runbook files: the model, loading with validation, and import.

pub mod aws_cli;
pub mod builtin;
pub mod duration;
pub mod import;
pub mod lines;
pub mod load;
pub mod model;
pub mod predicates;
pub mod reference;
pub mod schema;
