//! One writer per session file: an exclusive OS lock (flock on Unix,
//! LockFileEx on Windows) held for as long as a console has the file open
//! for appending. The OS drops it when the process dies, so a crashed or
//! `kill -9`'d console never blocks the next one. Who holds it is written to
//! a small note beside the journal, readable without the lock, so a second
//! console can say whom it is waiting for.

use std::fs::{self, File, OpenOptions, TryLockError};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// The note's name is the journal's plus this: never `*.jsonl`, so it is
/// never taken for a session.
const NOTE_SUFFIX: &str = ".holder";

/// Who holds a session file's lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub operator: String,
    pub host: String,
    pub pid: u32,
    pub since: Timestamp,
}

impl Holder {
    /// This process, as `operator`, from now.
    fn me(operator: &str) -> Holder {
        Holder {
            operator: operator.to_string(),
            host: host_name(),
            pid: std::process::id(),
            since: Timestamp::now(),
        }
    }
}

/// The lock's note on disk, removed when the lock is given up. Drop it
/// before the locked `File`: removed after the unlock, it could remove the
/// note of the next holder.
#[derive(Debug)]
pub struct HolderNote {
    path: PathBuf,
}

impl Drop for HolderNote {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// Takes the exclusive lock on `file` (opened from `path`) without waiting
/// and records `operator` as its holder. A lock held elsewhere, even by
/// another handle in this process, is refused with `ResourceBusy` and a
/// message naming the holder.
pub fn acquire(file: &File, path: &Path, operator: &str) -> io::Result<HolderNote> {
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(io::Error::new(io::ErrorKind::ResourceBusy, in_use(path)));
        }
        Err(TryLockError::Error(e)) => {
            return Err(io::Error::new(
                e.kind(),
                format!("cannot lock {}: {e}", path.display()),
            ));
        }
    }
    let note = note_path(path);
    // Informational only: a note that cannot be written leaves the lock in
    // force, and a stale one from a crashed holder is simply overwritten.
    if let Ok(text) = serde_json::to_vec(&Holder::me(operator)) {
        let _ = write_private(&note, &text);
    }
    Ok(HolderNote { path: note })
}

/// The recorded holder of the session file at `path`, if its note is there
/// and readable.
pub fn holder(path: &Path) -> Option<Holder> {
    let text = fs::read(note_path(path)).ok()?;
    serde_json::from_slice(&text).ok()
}

/// "session X is in use by alice on host-1 (pid 42) since 2026-03-14T02:00:00Z".
fn in_use(path: &Path) -> String {
    let session = path.display();
    match holder(path) {
        Some(h) => format!(
            "session {session} is in use by {} on {} (pid {}) since {}",
            h.operator,
            h.host,
            h.pid,
            h.since.strftime("%Y-%m-%dT%H:%M:%SZ")
        ),
        None => format!("session {session} is in use by another console"),
    }
}

fn note_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(NOTE_SUFFIX);
    PathBuf::from(name)
}

/// The machine's name: the kernel's on Linux, else the usual variables.
fn host_name() -> String {
    let from_kernel = fs::read_to_string("/proc/sys/kernel/hostname").ok();
    from_kernel
        .into_iter()
        .chain(
            ["HOSTNAME", "COMPUTERNAME"]
                .map(|v| std::env::var(v).ok())
                .into_iter()
                .flatten(),
        )
        .map(|name| name.trim().to_string())
        .find(|name| !name.is_empty())
        .unwrap_or_else(|| "unknown host".to_string())
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(path)?;
    file.write_all(bytes)
}
