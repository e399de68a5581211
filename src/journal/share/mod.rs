//! Shared sessions: one session's entries on S3, one object per entry,
//! written by every operator's console and read by all of them.
//!
//! Each console keeps its own entries in its local journal first (the
//! source of truth for them, fsync'd before the screen shows them) and a
//! background task (`sync`) uploads them in order with conditional puts, so
//! two consoles never take one seq: the loser re-reads, re-sequences and
//! tries the next. The same task polls for the others' entries. The shared
//! copies are hash-chained like a journal file (`log verify s3://…`).

pub mod layout;
pub mod s3;
pub mod status;
pub mod sync;
pub mod url;
pub mod view;

pub use layout::SessionLog;
pub use status::{Mode, Participant, ShareStatus};
pub use url::ShareUrl;

/// A console's id in a session: 12 hex digits of a hash of what makes
/// this console unique here and now (no two consoles share all of it).
pub fn new_console_id(actor: &str) -> String {
    use sha2::{Digest, Sha256};
    let now = jiff::Timestamp::now();
    let mut hasher = Sha256::new();
    hasher.update(actor.as_bytes());
    hasher.update(std::process::id().to_le_bytes());
    hasher.update(now.as_nanosecond().to_le_bytes());
    hasher.update(std::env::var("HOSTNAME").unwrap_or_default().as_bytes());
    // The address of a fresh allocation differs between threads and runs.
    let marker = Box::new(0u8);
    hasher.update((std::ptr::from_ref(&*marker) as usize).to_le_bytes());
    hasher
        .finalize()
        .iter()
        .take(6)
        .map(|b| format!("{b:02x}"))
        .collect()
}
