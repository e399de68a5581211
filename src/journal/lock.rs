//! One writer per session file: an exclusive OS lock (flock on Unix,
//! LockFileEx on Windows) held for as long as a console has the session open
//! for appending. The OS drops it when the process dies, so a crashed or
//! `kill -9`'d console never blocks the next one.
//!
//! The lock is taken on a small file beside the journal, `<session>.lock`,
//! not on the journal itself: Windows locks are mandatory, and a locked
//! journal could not be read by `log list` or by a second console looking
//! for the session to resume (which would then start another one, forking
//! the incident's record). The lock file also says who holds it. It is never
//! deleted: a console that opened the old file while a new one took its
//! place could otherwise hold a lock on a file nobody else sees.

use std::fs::{self, File, TryLockError};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

/// Appended to the journal's name: never `*.jsonl`, so never a session.
const SUFFIX: &str = ".lock";

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

/// A held lock; dropping it empties the record and releases the lock.
#[derive(Debug)]
pub struct Lease {
    file: File,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
        // Released outright, not left to the close: a process forked from
        // another thread just now shares the descriptor until it execs, and
        // would keep the lock that long.
        let _ = self.file.unlock();
    }
}

/// Takes the exclusive lock of the session file at `path` without waiting
/// and records `operator` as its holder. A lock held elsewhere, even by
/// another handle in this process, is refused with `ResourceBusy` and a
/// message naming the holder.
pub fn acquire(path: &Path, operator: &str) -> io::Result<Lease> {
    let lock_path = lock_path(path);
    let cannot = |e: io::Error| {
        io::Error::new(
            e.kind(),
            format!("cannot lock {}: {e}", lock_path.display()),
        )
    };
    // Not truncated on open: until the lock is ours, the record is the holder's.
    let mut file = open_lock_file(&lock_path).map_err(cannot)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            return Err(io::Error::new(io::ErrorKind::ResourceBusy, in_use(path)));
        }
        Err(TryLockError::Error(e)) => return Err(cannot(e)),
    }
    // The record is informational: if it cannot be written, the lock still
    // holds. A stale one from a crashed holder is overwritten here.
    if let Ok(text) = serde_json::to_vec(&Holder::me(operator)) {
        let _ = file.set_len(0).and_then(|()| file.write_all(&text));
    }
    Ok(Lease { file })
}

/// The recorded holder of the session file at `path`: `None` when nobody
/// has held it, the last holder let go cleanly, or the record is unreadable
/// (as it is on Windows while locked).
pub fn holder(path: &Path) -> Option<Holder> {
    let mut text = Vec::new();
    // Bounded: the record is a few hundred bytes; anything else is not ours.
    File::open(lock_path(path))
        .ok()?
        .take(64 * 1024)
        .read_to_end(&mut text)
        .ok()?;
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

fn lock_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(SUFFIX);
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

fn open_lock_file(path: &Path) -> io::Result<File> {
    super::store::private_file()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
}
