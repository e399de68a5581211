//! The hash chain that makes a journal tamper-evident: every entry's `prev`
//! is the SHA-256 of the entry before it, so changing, removing or inserting
//! an entry breaks a link. The hash is over an entry's canonical bytes (its
//! compact JSON, keys in struct order), re-derived from the parsed entry and
//! never from the stored line: key order, whitespace and where the entry is
//! stored (a local file, an S3 object) do not change it.

use std::fmt;

use sha2::{Digest, Sha256};

use super::entry::Entry;
use super::store::{self, Line};

/// The `prev` of a session's first entry: there is nothing before it.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The bytes an entry's hash is taken over: its compact JSON, `prev`
/// included, keys in the order of `Entry`'s fields, empty fields left out.
pub fn canonical_bytes(entry: &Entry) -> Vec<u8> {
    // An entry always serializes (string keys, no non-finite floats).
    serde_json::to_vec(entry).unwrap_or_default()
}

/// The hex SHA-256 of an entry's canonical bytes.
pub fn hash(entry: &Entry) -> String {
    hash_bytes(&canonical_bytes(entry))
}

pub(crate) fn hash_bytes(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What walking a session's chain found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// Valid entries read.
    pub entries: usize,
    /// The hash of the last entry: what a postmortem ties itself to.
    pub head: Option<String>,
    /// Leading entries without `prev` (written before the chain existed);
    /// a resumed old session has the chain start after them.
    pub unchained: usize,
    /// The line number of a torn last line (a crash mid-write), if any.
    pub torn: Option<usize>,
    /// The first sign of tampering, by line.
    pub tampered: Option<Finding>,
}

/// What a verdict comes to, in one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Every entry is chained and every link holds.
    Verified,
    Tampered,
    /// No entry carries the chain.
    Unchained,
    /// The chain starts after entries an older drconsole wrote, and holds.
    PartlyUnchained,
    /// No entries.
    Empty,
}

impl Status {
    /// As the JSON export writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Verified => "verified",
            Status::Tampered => "tampered",
            Status::Unchained => "unchained",
            Status::PartlyUnchained => "partly_unchained",
            Status::Empty => "empty",
        }
    }
}

impl Verdict {
    pub fn status(&self) -> Status {
        match self {
            Verdict {
                tampered: Some(_), ..
            } => Status::Tampered,
            Verdict { entries: 0, .. } => Status::Empty,
            Verdict { unchained: 0, .. } => Status::Verified,
            Verdict {
                unchained, entries, ..
            } if unchained == entries => Status::Unchained,
            _ => Status::PartlyUnchained,
        }
    }

    /// The head a postmortem can cite: none when no entry carries the chain.
    pub fn chained_head(&self) -> Option<&str> {
        match self.status() {
            Status::Unchained | Status::Empty => None,
            _ => self.head.as_deref(),
        }
    }
}

/// Said of entries without `prev`.
pub const UNCHAINED: &str = "written before drconsole chained its journal";

/// The first entry that was changed, removed or inserted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The entry at `line` no longer hashes to what its neighbour records.
    Changed { seq: u64, line: usize, why: String },
    /// A complete line that is not a valid entry any more.
    Corrupt { line: usize, why: String },
    /// Entries `from..=to` are missing before `line`.
    Removed { from: u64, to: u64, line: usize },
    /// The entry at `line` does not belong in the chain.
    Inserted { seq: u64, line: usize, why: String },
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Changed { seq, line, why } => {
                write!(f, "entry seq {seq} (line {line}) was changed: {why}")
            }
            Finding::Corrupt { line, why } => {
                write!(
                    f,
                    "line {line} was changed: it is not a valid entry ({why})"
                )
            }
            Finding::Removed { from, to, line } if from == to => write!(
                f,
                "entry seq {from} was removed before line {line}: seq {} follows seq {} and its prev does not match",
                to.saturating_add(1),
                from.saturating_sub(1)
            ),
            Finding::Removed { from, to, line } => write!(
                f,
                "entries seq {from}-{to} were removed before line {line}: seq {} follows seq {} and its prev does not match",
                to.saturating_add(1),
                from.saturating_sub(1)
            ),
            Finding::Inserted { seq, line, why } => {
                write!(f, "entry seq {seq} (line {line}) was inserted: {why}")
            }
        }
    }
}

impl Finding {
    fn line(&self) -> usize {
        match self {
            Finding::Changed { line, .. }
            | Finding::Corrupt { line, .. }
            | Finding::Removed { line, .. }
            | Finding::Inserted { line, .. } => *line,
        }
    }
}

/// Walks the chain of a session file's bytes.
pub fn verify(bytes: &[u8]) -> Verdict {
    let mut located: Vec<(usize, Entry)> = Vec::new();
    let mut corrupt: Option<Finding> = None;
    let mut torn = None;
    for line in store::lines(bytes) {
        match line {
            Line::Entry { number, entry } => located.push((number, *entry)),
            Line::Torn { number } => torn = Some(number),
            Line::Invalid { number, error } => {
                corrupt.get_or_insert(Finding::Corrupt {
                    line: number,
                    why: error,
                });
            }
        }
    }
    let (unchained, broken) = walk(&located);
    // The first finding in the file is the one to report.
    let tampered = match (corrupt, broken) {
        (Some(c), Some(b)) => Some(if c.line() <= b.line() { c } else { b }),
        (c, b) => c.or(b),
    };
    Verdict {
        entries: located.len(),
        head: located.last().map(|(_, e)| hash(e)),
        unchained,
        torn,
        tampered,
    }
}

/// Walks entries (with their line numbers) from the first chained one:
/// the count of leading unchained entries and the first broken link.
fn walk(entries: &[(usize, Entry)]) -> (usize, Option<Finding>) {
    let Some(start) = entries.iter().position(|(_, e)| e.prev.is_some()) else {
        return (entries.len(), None);
    };
    let hashes: Vec<String> = entries.iter().map(|(_, e)| hash(e)).collect();
    let link = |i: usize| match i.checked_sub(1) {
        None => GENESIS,
        Some(before) => hashes[before].as_str(),
    };
    let broken = (start..entries.len())
        .find(|&i| entries[i].1.prev.as_deref() != Some(link(i)))
        .map(|i| classify(entries, &hashes, i, &link));
    (start, broken)
}

/// Says what happened at `i`, the first entry whose `prev` does not link to
/// the entry before it. The neighbours' links tell an insertion (the next
/// entry links past it, or it links past the one before) from a change (the
/// next entry links to it, so what went wrong is before it) and a removal
/// (a gap in seq).
fn classify<'a>(
    entries: &[(usize, Entry)],
    hashes: &'a [String],
    i: usize,
    link: &dyn Fn(usize) -> &'a str,
) -> Finding {
    let (line, entry) = (entries[i].0, &entries[i].1);
    let prev_of = |j: usize| entries.get(j).and_then(|(_, e)| e.prev.as_deref());
    let seq_at = |j: usize| entries[j].1.seq;
    let next = i.checked_add(1).filter(|&j| j < entries.len());

    // The next entry links to the one before this: this one was slipped in.
    if let Some(j) = next
        && prev_of(j) == Some(link(i))
    {
        let out_of_order = match i.checked_sub(1) {
            Some(before) if entry.seq <= seq_at(before) => {
                format!(
                    " (its seq repeats or goes back after seq {})",
                    seq_at(before)
                )
            }
            _ => String::new(),
        };
        return Finding::Inserted {
            seq: entry.seq,
            line,
            why: format!(
                "its prev does not link to the entry before it{out_of_order}, and the next entry (seq {}, line {}) does",
                seq_at(j),
                entries[j].0
            ),
        };
    }
    // This one links past the entry before it: that one was slipped in.
    if let Some(before) = i.checked_sub(1)
        && entry.prev.as_deref() == Some(link(before))
    {
        return Finding::Inserted {
            seq: seq_at(before),
            line: entries[before].0,
            why: format!(
                "the next entry (seq {}, line {line}) links past it",
                entry.seq
            ),
        };
    }
    let next_links_here = next.is_none_or(|j| prev_of(j) == Some(hashes[i].as_str()));
    if !next_links_here {
        // Neither link around this entry holds: this entry itself changed.
        return Finding::Changed {
            seq: entry.seq,
            line,
            why: "its prev does not match the entry before it, nor its hash the next entry's prev"
                .to_string(),
        };
    }
    // This entry is as written; what is before it changed or went missing.
    let Some(before) = i.checked_sub(1) else {
        return match entry.seq {
            0 | 1 => Finding::Changed {
                seq: entry.seq,
                line,
                why: "the first entry's prev is not the chain's start".to_string(),
            },
            seq => Finding::Removed {
                from: 1,
                to: seq.saturating_sub(1),
                line,
            },
        };
    };
    let expected = seq_at(before).saturating_add(1);
    // The entry before is in sequence with its own predecessor, so a gap
    // after it is entries missing, not its seq edited.
    let before_in_sequence = match before.checked_sub(1) {
        None => seq_at(before) == 1,
        Some(b) => seq_at(before) == seq_at(b).saturating_add(1),
    };
    // Without an entry after this one, an edit of this one's prev cannot be
    // told from a change to the entry before: both are said.
    let or_last = if next.is_none() {
        "; or that last entry's prev was edited"
    } else {
        ""
    };
    let changed_before = || Finding::Changed {
        seq: seq_at(before),
        line: entries[before].0,
        why: format!(
            "its hash does not match the prev of the next entry (seq {}, line {line}){or_last}",
            entry.seq
        ),
    };
    if !before_in_sequence {
        return changed_before();
    }
    if entry.seq > expected {
        return Finding::Removed {
            from: expected,
            to: entry.seq.saturating_sub(1),
            line,
        };
    }
    if entry.seq < expected && next.is_none() {
        return Finding::Inserted {
            seq: entry.seq,
            line,
            why: format!(
                "its prev does not link to the entry before it, and its seq does not follow seq {}",
                seq_at(before)
            ),
        };
    }
    changed_before()
}
