//! How one console's entries and the shared log fit together: the shared
//! copy of a local entry, which local entries are not shared yet, and the
//! one list the app shows (the shared log, then this console's entries not
//! in it yet, numbered on from it).

use crate::journal::chain;
use crate::journal::entry::{Entry, ShareDetail};

/// Who wrote an entry and its seq in that console's journal: the same
/// entry before and after it is shared (its shared seq may differ).
pub fn identity(entry: &Entry) -> Option<(&str, u64)> {
    let share = entry.share.as_ref()?;
    Some((share.console.as_str(), share.local_seq.unwrap_or(entry.seq)))
}

/// The shared seq of `console`'s entry of local seq `local`, if shared.
fn shared_seq(shared: &[Entry], console: &str, local: u64) -> Option<u64> {
    shared
        .iter()
        .rev()
        .find(|e| identity(e) == Some((console, local)))
        .map(|e| e.seq)
}

/// The highest local seq of `console` in `shared`: its local entries up
/// to there are shared (uploads keep their order).
pub fn last_shared(shared: &[Entry], console: &str) -> Option<u64> {
    shared
        .iter()
        .filter_map(identity)
        .filter(|(c, _)| *c == console)
        .map(|(_, seq)| seq)
        .max()
}

/// `console`'s local entries that are not in the shared log. Uploads go in
/// order, so these are the ones after the last shared.
pub fn not_shared(local: &[Entry], shared: &[Entry], console: &str) -> Vec<Entry> {
    let last = last_shared(shared, console);
    local
        .iter()
        .filter(|e| last.is_none_or(|last| e.seq > last))
        .cloned()
        .collect()
}

/// The object a local entry becomes: the next seq after `shared`, chained
/// to its last entry, naming its writer and local seq; an undo of this
/// console's own entry names that entry's shared seq (it was uploaded
/// first: uploads keep their order).
pub fn shared_copy(local: &Entry, shared: &[Entry], console: &str) -> Entry {
    let detail = local.share.clone().unwrap_or_default();
    let undoes = match detail.undoes_local {
        Some(own) => shared_seq(shared, console, own),
        None => local.undoes,
    };
    Entry {
        seq: u64::try_from(shared.len())
            .unwrap_or(u64::MAX)
            .saturating_add(1),
        undoes,
        prev: Some(
            shared
                .last()
                .map_or_else(|| chain::GENESIS.to_string(), chain::hash),
        ),
        share: Some(written_by(console, local)),
        ..local.clone()
    }
}

/// How a shared or shown copy of `local` names its writer.
fn written_by(console: &str, local: &Entry) -> ShareDetail {
    ShareDetail {
        console: console.to_string(),
        local_seq: Some(local.seq),
        session: None,
        undoes_local: None,
    }
}

/// What the app shows: the shared log, then `pending` (this console's
/// entries not shared yet) numbered on from it (`pending_shown`).
pub fn merged(shared: &[Entry], pending: &[Entry], console: &str) -> Vec<Entry> {
    let mut out = shared.to_vec();
    out.extend((0..pending.len()).filter_map(|i| pending_shown(shared, pending, i, console)));
    out
}

/// The `index`th entry of `pending` as the app shows it: numbered on from
/// the shared log, naming its writer so it is recognised once shared, its
/// undo pointing at the seq shown.
pub fn pending_shown(
    shared: &[Entry],
    pending: &[Entry],
    index: usize,
    console: &str,
) -> Option<Entry> {
    let local = pending.get(index)?;
    let base = u64::try_from(shared.len()).unwrap_or(u64::MAX);
    let after_shared = |i: usize| {
        u64::try_from(i)
            .ok()
            .map(|i| base.saturating_add(i).saturating_add(1))
    };
    let undoes = match local.share.as_ref().and_then(|d| d.undoes_local) {
        Some(own) => shared_seq(shared, console, own)
            .or_else(|| after_shared(pending.iter().position(|p| p.seq == own)?)),
        None => local.undoes,
    };
    Some(Entry {
        seq: after_shared(index)?,
        undoes,
        prev: None,
        share: Some(written_by(console, local)),
        ..local.clone()
    })
}

/// What an undo of the entry shown as `seq` records locally: a shared seq
/// in `undoes`, or this console's own entry not shared yet by local seq.
pub enum Target {
    Shared(u64),
    Own(u64),
}

pub fn target(seq: u64, shared: &[Entry], pending: &[Entry]) -> Option<Target> {
    let base = u64::try_from(shared.len()).unwrap_or(u64::MAX);
    if seq <= base {
        return Some(Target::Shared(seq));
    }
    let index = usize::try_from(seq.checked_sub(base)?.checked_sub(1)?).ok()?;
    pending.get(index).map(|p| Target::Own(p.seq))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::entry::EntryKind;

    fn entry(seq: u64, actor: &str, kind: EntryKind, console: &str) -> Entry {
        Entry {
            seq,
            time: jiff::Timestamp::UNIX_EPOCH,
            actor: actor.into(),
            kind,
            runbook: "r".into(),
            scenario: Some("s".into()),
            step: Some("a".into()),
            note: None,
            undoes: None,
            at: None,
            evidence: None,
            drill: false,
            runbook_ref: None,
            drill_detail: None,
            prev: None,
            share: Some(ShareDetail {
                console: console.into(),
                ..ShareDetail::default()
            }),
        }
    }

    /// Bob's confirm landed first; alice's confirm and her undo of it wait.
    fn alice_behind_bob() -> (Vec<Entry>, Vec<Entry>) {
        let bob = shared_copy(&entry(1, "bob", EntryKind::Confirmed, "b"), &[], "b");
        let confirm = entry(1, "alice", EntryKind::Confirmed, "a");
        let mut undo = entry(2, "alice", EntryKind::Undone, "a");
        undo.share.as_mut().unwrap().undoes_local = Some(1);
        (vec![bob], vec![confirm, undo])
    }

    #[test]
    fn waiting_entries_are_shown_after_the_shared_log_their_undo_pointing_at_the_seq_shown() {
        let (shared, pending) = alice_behind_bob();
        let shown = merged(&shared, &pending, "a");
        let seqs: Vec<(u64, &str)> = shown.iter().map(|e| (e.seq, e.actor.as_str())).collect();
        assert_eq!(seqs, [(1, "bob"), (2, "alice"), (3, "alice")]);
        assert_eq!(shown[2].undoes, Some(2));
        // An undo the app draws for what it shows as 2 names alice's own entry.
        assert!(matches!(target(2, &shared, &pending), Some(Target::Own(1))));
        assert!(matches!(
            target(1, &shared, &pending),
            Some(Target::Shared(1))
        ));
        assert!(target(4, &shared, &pending).is_none());
    }

    #[test]
    fn an_undo_of_an_own_entry_is_uploaded_naming_its_shared_seq() {
        let (mut shared, pending) = alice_behind_bob();
        let confirm = shared_copy(&pending[0], &shared, "a");
        assert_eq!(confirm.seq, 2);
        assert_eq!(
            confirm.prev.as_deref(),
            Some(chain::hash(&shared[0]).as_str())
        );
        shared.push(confirm);
        let undo = shared_copy(&pending[1], &shared, "a");
        assert_eq!((undo.seq, undo.undoes), (3, Some(2)));
        assert_eq!(identity(&undo), Some(("a", 2)));
        // Once shared, nothing of alice's waits.
        shared.push(undo);
        assert!(not_shared(&pending, &shared, "a").is_empty());
        assert_eq!(not_shared(&pending, &shared[..2], "a").len(), 1);
    }
}
