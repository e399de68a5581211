//! The crash-safe, append-only incident journal: entry types, the store on
//! disk (append with fsync, tolerant reads, resume), one writer per session
//! (an OS lock), the hash chain that makes it tamper-evident, and export.

pub mod chain;
pub mod entry;
pub mod export;
pub mod lock;
pub mod share;
pub mod store;

pub use entry::{Draft, Entry, EntryEvidence, EntryKind};
pub use store::{Journal, SessionMeta};
