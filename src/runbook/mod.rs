//! Runbook files: the model, loading with validation, and import.

pub mod duration;
pub mod model;
