//! Where a shared session keeps what in its bucket:
//!
//! ```text
//! PREFIX/SESSION/entries/00000000000000000001.json   one object per entry, by seq
//! PREFIX/SESSION/participants/CONSOLE.json           each console's heartbeat
//! ```
//!
//! Seqs are zero-padded to 20 digits so that S3's key order is their order.

use futures::{StreamExt, TryStreamExt};

use super::s3::{Bucket, Listed, Put, S3Error};
use super::url::ShareUrl;
use crate::journal::chain;
use crate::journal::entry::Entry;

/// A session's objects.
#[derive(Debug, Clone)]
pub struct SessionLog {
    pub bucket: Bucket,
    pub url: ShareUrl,
}

/// The shared log cannot be read as one chain from seq 1: an object was
/// changed, removed or inserted, or is not an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken(pub String);

/// What reading new entries found.
#[derive(Debug)]
pub enum Fetched {
    Entries(Vec<Entry>),
    Broken(Broken),
}

/// GETs in flight at once while catching up.
const FETCH_AHEAD: usize = 8;

impl SessionLog {
    pub fn new(bucket: Bucket, url: ShareUrl) -> Self {
        Self { bucket, url }
    }

    fn entries_prefix(&self) -> String {
        format!("{}entries/", self.url.key_prefix())
    }

    pub fn entry_key(&self, seq: u64) -> String {
        format!("{}{seq:020}.json", self.entries_prefix())
    }

    pub fn participant_key(&self, console: &str) -> String {
        format!("{}participants/{console}.json", self.url.key_prefix())
    }

    pub fn participants_prefix(&self) -> String {
        format!("{}participants/", self.url.key_prefix())
    }

    /// Whether anything of a session is stored here.
    pub async fn exists(&self) -> Result<bool, S3Error> {
        Ok(!self
            .bucket
            .list(&self.entries_prefix(), None)
            .await?
            .is_empty())
    }

    /// The entries after `known` (the session's first `known.len()`
    /// entries, already checked), each checked to follow the one before:
    /// its seq is the next, its `prev` the hash of the one before.
    pub async fn fetch_after(&self, known: &[Entry]) -> Result<Fetched, S3Error> {
        let after = u64::try_from(known.len()).unwrap_or(u64::MAX);
        let start = (after > 0).then(|| self.entry_key(after));
        let listed = self
            .bucket
            .list(&self.entries_prefix(), start.as_deref())
            .await?;
        let mut expected = after.saturating_add(1);
        let mut keys = Vec::with_capacity(listed.len());
        for Listed { key, .. } in listed {
            match self.seq_of(&key) {
                Some(seq) if seq == expected => {
                    keys.push(key);
                    expected = expected.saturating_add(1);
                }
                Some(seq) => {
                    return Ok(Fetched::Broken(Broken(format!(
                        "seq {expected} is missing: the next object is seq {seq} ({key})"
                    ))));
                }
                None => {
                    return Ok(Fetched::Broken(Broken(format!(
                        "{key} is not an entry's object"
                    ))));
                }
            }
        }
        let bodies: Vec<(String, Vec<u8>)> = futures::stream::iter(keys)
            .map(|key| async move {
                let body = self.bucket.get(&key).await?;
                Ok::<_, S3Error>((key, body))
            })
            .buffered(FETCH_AHEAD)
            .try_collect()
            .await?;
        let mut head = known
            .last()
            .map_or_else(|| chain::GENESIS.to_string(), chain::hash);
        let mut seq = after;
        let mut out = Vec::with_capacity(bodies.len());
        for (key, body) in bodies {
            seq = seq.saturating_add(1);
            let entry: Entry = match serde_json::from_slice(&body) {
                Ok(entry) => entry,
                Err(e) => {
                    return Ok(Fetched::Broken(Broken(format!(
                        "seq {seq} ({key}) is not an entry: {e}"
                    ))));
                }
            };
            if entry.seq != seq {
                return Ok(Fetched::Broken(Broken(format!(
                    "{key} holds seq {}, not {seq}",
                    entry.seq
                ))));
            }
            if entry.prev.as_deref() != Some(head.as_str()) {
                return Ok(Fetched::Broken(Broken(format!(
                    "seq {seq} does not follow seq {}: an entry was changed, removed or inserted",
                    seq.saturating_sub(1)
                ))));
            }
            head = chain::hash(&entry);
            out.push(entry);
        }
        Ok(Fetched::Entries(out))
    }

    /// Writes `entry` as its seq's object, unless that seq is taken.
    pub async fn append(&self, entry: &Entry) -> Result<Put, S3Error> {
        let body = chain::canonical_bytes(entry);
        self.bucket.put_new(&self.entry_key(entry.seq), body).await
    }

    /// The raw objects of the session in key order, for `log verify`:
    /// one entry's bytes per line, as a journal file holds them.
    pub async fn download(&self) -> Result<Vec<u8>, S3Error> {
        let listed = self.bucket.list(&self.entries_prefix(), None).await?;
        let bodies: Vec<Vec<u8>> = futures::stream::iter(listed)
            .map(|l| async move { self.bucket.get(&l.key).await })
            .buffered(FETCH_AHEAD)
            .try_collect()
            .await?;
        let mut out = Vec::new();
        for mut body in bodies {
            // One object is one line, whatever it holds.
            body.retain(|&b| b != b'\n' && b != b'\r');
            out.extend(body);
            out.push(b'\n');
        }
        Ok(out)
    }

    fn seq_of(&self, key: &str) -> Option<u64> {
        let name = key.strip_prefix(&self.entries_prefix())?;
        let digits = name.strip_suffix(".json")?;
        (digits.len() == 20 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    }
}

/// The session a location names: itself when it holds one, else the
/// latest under it; `None` when there is none.
pub async fn locate(bucket: &Bucket, given: &ShareUrl) -> Result<Option<ShareUrl>, S3Error> {
    if SessionLog::new(bucket.clone(), given.clone())
        .exists()
        .await?
    {
        return Ok(Some(given.clone()));
    }
    let names = sessions(bucket, given).await?;
    Ok(names.first().map(|latest| given.child(latest)))
}

/// The sessions under a prefix, latest first: by the start time in their
/// names (`…-YYYYMMDDTHHMMSSZ-ID`), then by name.
pub async fn sessions(bucket: &Bucket, prefix: &ShareUrl) -> Result<Vec<String>, S3Error> {
    let mut names = bucket.folders(&prefix.key_prefix()).await?;
    names.sort_by(|a, b| started(b).cmp(&started(a)).then_with(|| b.cmp(a)));
    Ok(names)
}

/// The `YYYYMMDDTHHMMSSZ` part of a session's name, if it has one.
fn started(name: &str) -> Option<&str> {
    name.split('-').rev().find(|part| {
        part.len() == 16
            && part.ends_with('Z')
            && part.as_bytes().get(8) == Some(&b'T')
            && part
                .bytes()
                .enumerate()
                .all(|(i, b)| i == 8 || i == 15 || b.is_ascii_digit())
    })
}

/// A new session's name: the runbook, the scenario, when, and the
/// starting console's id (so two consoles starting in one second differ).
pub fn session_name(runbook: &str, scenario: &str, at: jiff::Timestamp, console: &str) -> String {
    format!(
        "{}-{}-{}-{console}",
        crate::journal::store::slug(runbook, "runbook"),
        crate::journal::store::slug(scenario, "scenario"),
        at.strftime("%Y%m%dT%H%M%SZ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_sort_by_their_start_then_name() {
        let mut names = vec![
            "rally-db-20261203T100000Z-aa".to_string(),
            "no-time-here".to_string(),
            "regami-x-20261203T110000Z-bb".to_string(),
            "rally-db-20261203T100000Z-cc".to_string(),
        ];
        names.sort_by(|a, b| started(b).cmp(&started(a)).then_with(|| b.cmp(a)));
        assert_eq!(
            names,
            [
                "regami-x-20261203T110000Z-bb",
                "rally-db-20261203T100000Z-cc",
                "rally-db-20261203T100000Z-aa",
                "no-time-here"
            ]
        );
    }
}
