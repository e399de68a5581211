//! Runbook files: the model, loading with validation, and import.

pub mod duration;
pub mod import;
pub mod import_cmd;
pub mod model;
