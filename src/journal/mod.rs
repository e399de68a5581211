//! The crash-safe, append-only incident journal.

pub mod entry;
