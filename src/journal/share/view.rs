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

/// The highest local seq of `console` in the shared log.
fn last_shared(shared: &[Entry], console: &str) -> Option<u64> {
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
/// entries not shared yet) numbered on from it, each naming its writer so
/// it is recognised once shared, its undo pointing at the seq shown.
pub fn merged(shared: &[Entry], pending: &[Entry], console: &str) -> Vec<Entry> {
    let base = u64::try_from(shared.len()).unwrap_or(u64::MAX);
    let shown_seq = |local: u64| {
        shared_seq(shared, console, local).or_else(|| {
            pending
                .iter()
                .position(|p| p.seq == local)
                .and_then(|i| u64::try_from(i).ok())
                .map(|i| base.saturating_add(i).saturating_add(1))
        })
    };
    let mut out = shared.to_vec();
    for (i, local) in pending.iter().enumerate() {
        let detail = local.share.clone().unwrap_or_default();
        let undoes = match detail.undoes_local {
            Some(own) => shown_seq(own),
            None => local.undoes,
        };
        out.push(Entry {
            seq: base
                .saturating_add(u64::try_from(i).unwrap_or(u64::MAX))
                .saturating_add(1),
            undoes,
            prev: None,
            share: Some(written_by(console, local)),
            ..local.clone()
        });
    }
    out
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
