//! The journal on disk: one JSON Lines file per session, appended and
//! fsync'd entry by entry, read back tolerantly (a crash can tear the last
//! line; a bad line is a warning, never a failure), and resumed. A console
//! holds its session file's lock (`super::lock`) for as long as it appends.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use jiff::Timestamp;

use super::chain;
use super::entry::{Draft, Entry, EntryKind};
use super::lock::{self, Lease};

/// Overrides the journal directory when `--journal-dir` is not given.
pub const DIR_ENV: &str = "DRCONSOLE_JOURNAL_DIR";

/// Who runs the session and against what; stamped on every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionMeta {
    /// The runbook's name, as written in each entry's `runbook` field.
    pub runbook: String,
    /// The scenario id; used for entries whose draft names none.
    pub scenario: String,
    /// The operator (`--operator`, default the login name).
    pub actor: String,
    /// The session runs against the simulated source.
    pub drill: bool,
}

/// An open session file, ready to append to, locked against other writers.
#[derive(Debug)]
pub struct Journal {
    /// This console's lock on the session, for as long as it is open.
    _lease: Lease,
    file: File,
    path: PathBuf,
    meta: SessionMeta,
    /// `None` once seq `u64::MAX` is written: there is no next one.
    next_seq: Option<u64>,
    /// Length of the file after the last acknowledged entry, so a failed
    /// write can be rolled back instead of leaving a torn line behind.
    len: u64,
    /// The hash of the last entry, the next entry's `prev`.
    head: String,
}

/// The entries of a session file and what was wrong with it, if anything.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadJournal {
    pub entries: Vec<Entry>,
    pub warnings: Vec<String>,
}

/// One session file, as `drconsole log list` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionSummary {
    pub path: PathBuf,
    pub runbook: String,
    /// The first scenario named in the session.
    pub scenario: Option<String>,
    /// Time of the first entry.
    pub started: Timestamp,
    /// Time of the last entry.
    pub last: Timestamp,
    /// The session holds a `session_completed` entry that was not undone.
    pub finished: bool,
    pub drill: bool,
    pub entries: usize,
    pub warnings: usize,
}

/// The `*.jsonl` files of a journal directory: the sessions, and the files
/// that could not be read or held no entry at all, so nothing is silently
/// missing from `drconsole log list`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub sessions: Vec<SessionSummary>,
    pub unreadable: Vec<Unreadable>,
}

/// A `*.jsonl` file that is not a readable session, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unreadable {
    pub path: PathBuf,
    pub reason: String,
}

/// Gives up finding a free file name after this many suffixes.
const MAX_NAME_SUFFIX: u32 = 1000;

impl Journal {
    /// Creates a new session file in `dir` (created 0700 if missing), named
    /// `<runbook>-<scenario>-<YYYYMMDDTHHMMSSZ>[-N].jsonl`, mode 0600. An
    /// existing file is never reused: a name collision takes the next suffix.
    /// The file is locked for this console from the start.
    pub fn create(dir: &Path, meta: SessionMeta, started: Timestamp) -> io::Result<Journal> {
        create_private_dir(dir)?;
        let stem = format!(
            "{}-{}-{}",
            slug(&meta.runbook, "runbook"),
            slug(&meta.scenario, "scenario"),
            started.strftime("%Y%m%dT%H%M%SZ")
        );
        for n in 1..=MAX_NAME_SUFFIX {
            let name = match n {
                1 => format!("{stem}.jsonl"),
                n => format!("{stem}-{n}.jsonl"),
            };
            let path = dir.join(name);
            match open_new_private(&path) {
                Ok(file) => {
                    sync_dir(dir);
                    // Nobody resumes an empty file, but a racing console
                    // could once the first entry lands: lock it now.
                    let lease = lock::acquire(&path, &meta.actor)?;
                    return Ok(Journal {
                        _lease: lease,
                        file,
                        path,
                        meta,
                        next_seq: Some(1),
                        len: 0,
                        head: chain::GENESIS.to_string(),
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
        Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("no free journal file name for {stem} in {}", dir.display()),
        ))
    }

    /// Opens the latest unfinished session of `meta`'s runbook and scenario
    /// (and the same drill flag) in `dir` for appending. Sessions are matched
    /// by their entries, not their file names; the latest is the one whose
    /// first entry is latest, ties broken by file name. Returns `None` when
    /// there is nothing to resume. New entries carry `meta.actor`, so another
    /// operator can take over a session.
    ///
    /// A torn last line (no final newline and not a valid entry) is cut off
    /// so the file stays valid JSON Lines; the returned `ReadJournal` still
    /// carries the warning about it.
    ///
    /// A session another console holds is refused (`ResourceBusy`, naming
    /// the holder), as is one whose last seq cannot be followed: never
    /// silently another session, which would fork the incident's record.
    pub fn resume(dir: &Path, meta: SessionMeta) -> io::Result<Option<(Journal, ReadJournal)>> {
        let latest = list_sessions(dir)?
            .sessions
            .into_iter()
            .filter(|s| {
                !s.finished
                    && s.drill == meta.drill
                    && s.runbook == meta.runbook
                    && s.scenario.as_deref() == Some(meta.scenario.as_str())
            })
            .max_by_key(|s| (s.started, name_order(&s.path)));
        let Some(session) = latest else {
            return Ok(None);
        };
        Self::resume_file(session.path, meta)
    }

    /// Opens this operator's unfinished local journal of the shared session
    /// `session` (`s3://…`, stamped on its first entry), if there is one.
    pub fn resume_shared(
        dir: &Path,
        session: &str,
        meta: SessionMeta,
    ) -> io::Result<Option<(Journal, ReadJournal)>> {
        let mine = list_sessions(dir)?
            .sessions
            .into_iter()
            .filter(|s| !s.finished)
            .filter(|s| {
                read(&s.path).is_ok_and(|r| {
                    r.entries.first().is_some_and(|first| {
                        first.actor == meta.actor
                            && first.share.as_ref().and_then(|d| d.session.as_deref())
                                == Some(session)
                    })
                })
            })
            .max_by_key(|s| (s.started, name_order(&s.path)));
        match mine {
            Some(found) => Self::resume_file(found.path, meta),
            None => Ok(None),
        }
    }

    /// Opens one session file for appending, as `resume` describes.
    fn resume_file(path: PathBuf, meta: SessionMeta) -> io::Result<Option<(Journal, ReadJournal)>> {
        let lease = lock::acquire(&path, &meta.actor)?;
        let mut file = OpenOptions::new().read(true).append(true).open(&path)?;
        // Read under the lock: what the last holder wrote is all there is.
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes)?;
        let read = parse(&bytes);
        if is_finished(&read.entries) {
            return Ok(None); // finished while we were choosing it
        }
        let next_seq = match read.entries.iter().map(|e| e.seq).max() {
            None => 1,
            Some(last) => last.checked_add(1).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!(
                        "cannot resume {}: its last seq is {last}, the largest there is; \
                         start a new session instead",
                        path.display()
                    ),
                )
            })?,
        };
        let len = repair_tail(&file, &bytes)?;
        // The chain goes on from the last entry in the file, chained or not
        // (an older drconsole's session is chained from here on).
        let head = read
            .entries
            .last()
            .map_or_else(|| chain::GENESIS.to_string(), chain::hash);
        let journal = Journal {
            _lease: lease,
            file,
            path,
            meta,
            next_seq: Some(next_seq),
            len,
            head,
        };
        Ok(Some((journal, read)))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The seq the next appended entry will get; `None` once seq
    /// `u64::MAX` is taken (appending is then refused, never wrapped).
    pub fn next_seq(&self) -> Option<u64> {
        self.next_seq
    }

    /// Appends one entry and syncs it to disk before returning: only the
    /// returned entry may be shown as done. Fills in seq, actor, runbook and
    /// drill, and the session's scenario when the draft names none.
    pub fn append(&mut self, draft: Draft) -> io::Result<Entry> {
        let seq = self.next_seq.ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "{} holds seq {}, the largest there is; start a new session",
                    self.path.display(),
                    u64::MAX
                ),
            )
        })?;
        let entry = Entry {
            seq,
            time: draft.time,
            actor: self.meta.actor.clone(),
            kind: draft.kind,
            runbook: self.meta.runbook.clone(),
            scenario: draft.scenario.or_else(|| Some(self.meta.scenario.clone())),
            step: draft.step,
            note: draft.note,
            undoes: draft.undoes,
            at: draft.at,
            evidence: draft.evidence,
            drill: self.meta.drill,
            runbook_ref: draft.runbook_ref,
            drill_detail: draft.drill_detail,
            prev: Some(self.head.clone()),
            share: draft.share,
        };
        // The line is the entry's canonical bytes (`chain::canonical_bytes`,
        // kept fallible here). serde_json escapes control characters, so
        // the line holds no raw newline and one line is exactly one entry.
        let mut line = serde_json::to_vec(&entry).map_err(io::Error::other)?;
        let head = chain::hash_bytes(&line);
        line.push(b'\n');
        if let Err(e) = self
            .file
            .write_all(&line)
            .and_then(|()| self.file.sync_data())
        {
            // Best effort: drop whatever part of the line reached the file,
            // so the next append does not start on a torn line.
            let _ = self.file.set_len(self.len);
            return Err(e);
        }
        let written = u64::try_from(line.len()).unwrap_or(u64::MAX);
        self.len = self.len.saturating_add(written);
        self.next_seq = seq.checked_add(1);
        self.head = head;
        Ok(entry)
    }
}

/// Reads a session file. Bad lines become warnings; only failing to read
/// the file at all is an error.
pub fn read(path: &Path) -> io::Result<ReadJournal> {
    Ok(parse(&fs::read(path)?))
}

/// Parses JSON Lines tolerantly: a leading byte-order mark and blank lines
/// are skipped, an unparseable line is a warning, and an unparseable last
/// line with no final newline is reported as the torn write of a crash (a
/// complete line that does not parse is corrupt, wherever it is).
pub fn parse(bytes: &[u8]) -> ReadJournal {
    let mut out = ReadJournal::default();
    let mut previous_seq: Option<u64> = None;
    for line in lines(bytes) {
        match line {
            Line::Entry { number, entry } => {
                if let Some(prev) = previous_seq.filter(|&p| entry.seq <= p) {
                    out.warnings.push(format!(
                        "line {number} has seq {} after seq {prev}; kept",
                        entry.seq
                    ));
                }
                previous_seq = Some(entry.seq);
                out.entries.push(*entry);
            }
            Line::Torn { number } => out.warnings.push(format!(
                "line {number} is incomplete (the session likely crashed while writing it); ignored"
            )),
            Line::Invalid { number, error } => out.warnings.push(format!(
                "line {number} is not a valid journal entry ({error}); ignored"
            )),
        }
    }
    out
}

/// One non-blank line of a session file, numbered from 1.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Line {
    Entry {
        number: usize,
        entry: Box<Entry>,
    },
    /// The unparseable text after the last newline: a write a crash cut short.
    Torn {
        number: usize,
    },
    /// A complete line that is not an entry.
    Invalid {
        number: usize,
        error: String,
    },
}

/// The non-blank lines of a session file, parsed (a leading byte-order
/// mark is skipped): what `parse` and the chain's `verify` both read.
pub(crate) fn lines(bytes: &[u8]) -> Vec<Line> {
    let lines: Vec<&[u8]> = strip_bom(bytes).split(|&b| b == b'\n').collect();
    // A crash can only tear the line being written: the text after the
    // last newline (`split` always yields at least one piece).
    let unterminated = lines.len().saturating_sub(1);
    lines
        .iter()
        .enumerate()
        .filter(|(_, line)| !is_blank(line))
        .map(|(index, line)| {
            let number = index + 1;
            match serde_json::from_slice::<Entry>(line) {
                Ok(entry) => Line::Entry {
                    number,
                    entry: Box::new(entry),
                },
                Err(_) if index == unterminated => Line::Torn { number },
                Err(e) => Line::Invalid {
                    number,
                    error: e.to_string(),
                },
            }
        })
        .collect()
}

/// Every session file (`*.jsonl`) in `dir` holding at least one entry,
/// oldest first (by first entry, then file name), and the `*.jsonl` files
/// that could not be read or hold no valid entry, with why. An empty file
/// (a session just created) is neither. A missing directory has no sessions.
pub fn list_sessions(dir: &Path) -> io::Result<Listing> {
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Listing::default()),
        Err(e) => return Err(e),
    };
    let mut listing = Listing::default();
    for item in entries {
        let path = item?.path();
        if path.extension().is_none_or(|ext| ext != "jsonl") {
            continue;
        }
        let mut unreadable = |reason: String| {
            listing.unreadable.push(Unreadable {
                path: path.clone(),
                reason,
            })
        };
        // Only regular files are opened: reading a FIFO would hang.
        match fs::metadata(&path) {
            Ok(meta) if meta.is_file() => {}
            Ok(meta) if meta.is_dir() => {
                unreadable("it is a directory".into());
                continue;
            }
            Ok(_) => {
                unreadable("it is not a regular file".into());
                continue;
            }
            Err(e) => {
                unreadable(e.to_string());
                continue;
            }
        }
        let read = match read(&path) {
            Ok(read) => read,
            Err(e) => {
                unreadable(e.to_string());
                continue;
            }
        };
        match (summarize(path.clone(), &read), read.warnings.first()) {
            (Some(summary), _) => listing.sessions.push(summary),
            (None, Some(first)) => unreadable(format!("no valid journal entry: {first}")),
            (None, None) => {}
        }
    }
    listing
        .sessions
        .sort_by_cached_key(|s| (s.started, name_order(&s.path)));
    listing.unreadable.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(listing)
}

fn summarize(path: PathBuf, read: &ReadJournal) -> Option<SessionSummary> {
    let first = read.entries.first()?;
    let last = read.entries.last()?;
    Some(SessionSummary {
        runbook: first.runbook.clone(),
        scenario: read.entries.iter().find_map(|e| e.scenario.clone()),
        started: first.time,
        last: last.time,
        finished: is_finished(&read.entries),
        drill: first.drill,
        entries: read.entries.len(),
        warnings: read.warnings.len(),
        path,
    })
}

/// A session is finished once it holds a `session_completed` entry that
/// stands (is not undone).
pub fn is_finished(entries: &[Entry]) -> bool {
    let undone_by = undone_by(entries);
    entries
        .iter()
        .any(|e| e.kind == EntryKind::SessionCompleted && !taken_back(&undone_by, e.seq))
}

/// seq of an entry → seq of the `undone` entry that takes it back.
pub(crate) fn undone_by(entries: &[Entry]) -> HashMap<u64, u64> {
    entries
        .iter()
        .filter(|e| e.kind == EntryKind::Undone)
        .filter_map(|e| e.undoes.map(|target| (target, e.seq)))
        .collect()
}

/// Whether an entry stands undone. An undo can itself be undone, which
/// restores what it took back; bounded, so a garbage file cannot loop.
pub(crate) fn taken_back(undone_by: &HashMap<u64, u64>, seq: u64) -> bool {
    let mut undone = false;
    let mut current = seq;
    for _ in 0..=undone_by.len() {
        match undone_by.get(&current) {
            Some(&undo) => {
                undone = !undone;
                current = undo;
            }
            None => break,
        }
    }
    undone
}

/// The platform data directory's `journal` folder, e.g.
/// `~/.local/share/drconsole/journal` on Linux.
pub fn default_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "drconsole").map(|dirs| dirs.data_dir().join("journal"))
}

/// The journal directory: `--journal-dir`, else `DRCONSOLE_JOURNAL_DIR`,
/// else the platform default.
pub fn resolve_dir(flag: Option<&Path>) -> Result<PathBuf, String> {
    resolve_dir_from(flag, std::env::var_os(DIR_ENV), default_dir())
}

/// `resolve_dir` with the environment and default passed in, for tests.
/// An empty variable counts as unset.
pub fn resolve_dir_from(
    flag: Option<&Path>,
    env: Option<OsString>,
    default: Option<PathBuf>,
) -> Result<PathBuf, String> {
    if let Some(dir) = flag {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = env.filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    default.ok_or_else(|| {
        format!(
            "cannot find a data directory for the journal (no home directory?); \
             pass --journal-dir DIR or set {DIR_ENV}"
        )
    })
}

/// The login name from `USER`, `LOGNAME` or `USERNAME`, else "operator".
pub fn default_operator() -> String {
    operator_from(|name| std::env::var(name).ok())
}

/// `default_operator` with the environment lookup passed in, for tests.
pub fn operator_from(lookup: impl Fn(&str) -> Option<String>) -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .into_iter()
        .filter_map(lookup)
        .map(|v| v.trim().to_string())
        .find(|v| !v.is_empty())
        .unwrap_or_else(|| "operator".to_string())
}

/// Lowercase ASCII letters and digits, every other run of characters a
/// single '-', at most 40 characters: safe in a file name on any platform.
pub(crate) fn slug(text: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(40);
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        fallback.to_string()
    } else {
        out.to_string()
    }
}

/// Orders file names as created: `x.jsonl` < `x-2.jsonl` < `x-10.jsonl`
/// (plain string order would put `x-2` before `x` and `x-10` before `x-2`).
fn name_order(path: &Path) -> (String, u32) {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    if let Some((base, n)) = stem.rsplit_once('-')
        && let Ok(n) = n.parse::<u32>()
        && n >= 2
    {
        return (base.to_string(), n);
    }
    (stem, 1)
}

/// A UTF-8 byte-order mark, which some editors put at the start of a file.
const BOM: &[u8] = b"\xef\xbb\xbf";

fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(u8::is_ascii_whitespace)
}

/// Makes the file end on a clean line before appending, returning its new
/// length. A last line without a newline is a write cut short: if it still
/// parses, it gets its newline; otherwise it is cut off (it was never
/// acknowledged, so nothing shown on screen is lost).
fn repair_tail(file: &File, bytes: &[u8]) -> io::Result<u64> {
    if bytes.is_empty() || bytes.ends_with(b"\n") {
        return Ok(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
    }
    let line_start = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let tail = match line_start {
        0 => strip_bom(bytes),
        _ => bytes.get(line_start..).unwrap_or_default(),
    };
    let size = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
    let len = if serde_json::from_slice::<Entry>(tail).is_ok() {
        (&*file).write_all(b"\n")?;
        size(bytes.len()).saturating_add(1)
    } else {
        file.set_len(size(line_start))?;
        size(line_start)
    };
    file.sync_data()?;
    Ok(len)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> io::Result<()> {
    fs::create_dir_all(dir)
}

fn open_new_private(path: &Path) -> io::Result<File> {
    private_file().append(true).create_new(true).open(path)
}

/// Options for a file only its owner may read (0600 on Unix): journals
/// and their lock files name operators and incidents.
pub(crate) fn private_file() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Makes the new file's directory entry durable too; best effort, since
/// not every platform can sync a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(handle) = File::open(dir) {
        let _ = handle.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_file_name_safe() {
        assert_eq!(slug("Rally production", "x"), "rally-production");
        assert_eq!(slug("  DB: failover / PITR ", "x"), "db-failover-pitr");
        assert_eq!(slug("../..", "runbook"), "runbook");
        assert_eq!(slug(&"a".repeat(60), "x").len(), 40);
    }

    #[test]
    fn operator_falls_back_in_order() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        assert_eq!(
            operator_from(env(&[("USER", "ana"), ("LOGNAME", "x")])),
            "ana"
        );
        assert_eq!(
            operator_from(env(&[("USER", " "), ("LOGNAME", "bo")])),
            "bo"
        );
        assert_eq!(operator_from(env(&[("USERNAME", "cy")])), "cy");
        assert_eq!(operator_from(env(&[])), "operator");
    }

    #[test]
    fn parse_warns_about_garbage_without_failing() {
        let read = parse(b"not json\n\xff\xfe\n\n{\"seq\":1");
        assert!(read.entries.is_empty());
        assert_eq!(read.warnings.len(), 3, "{:?}", read.warnings);
        assert!(read.warnings[0].starts_with("line 1 is not a valid journal entry"));
        assert!(read.warnings[2].starts_with("line 4 is incomplete"));
        assert_eq!(parse(b""), ReadJournal::default());
    }
}
