//! The crash-safe, append-only incident journal: entry types, the store on
//! disk (append with fsync, tolerant reads, resume), one writer per session
//! (an OS lock) and export.

pub mod entry;
pub mod export;
pub mod lock;
pub mod store;

pub use entry::{Draft, Entry, EntryEvidence, EntryKind};
pub use store::{Journal, SessionMeta};
