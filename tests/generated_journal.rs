//! Generated hostile journals: arbitrary bytes and a real session file
//! (`fixtures/journals/walk.jsonl`, a walked drill plus a takeover and a
//! completion) mutated the ways files break. Reading, listing, exporting
//! and resuming never panic or hang, every line is accounted for, and
//! resuming never reuses a sequence number.

mod common;

use std::time::Duration;

use common::mutate::{mutated, within};
use drconsole::journal::store::{self, ReadJournal};
use drconsole::journal::{Draft, Entry, EntryKind, Journal, SessionMeta, chain, export};
use drconsole::runbook::builtin;
use proptest::prelude::*;

const SEED: &[u8] = include_bytes!("fixtures/journals/walk.jsonl");
const WATCHDOG: Duration = Duration::from_secs(60);

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// The seed without its `session_completed` line, so it can be resumed.
fn unfinished_seed() -> &'static [u8] {
    let body = SEED.strip_suffix(b"\n").unwrap_or(SEED);
    let last_line = body.iter().rposition(|&b| b == b'\n').unwrap() + 1;
    &SEED[..last_line]
}

fn parse_within(bytes: Vec<u8>) -> ReadJournal {
    within(WATCHDOG, "store::parse", move || store::parse(&bytes))
}

/// Every non-blank line is an entry or a warning naming it; only the text
/// after the last newline can be called torn.
fn assert_lines_accounted_for(bytes: &[u8], read: &ReadJournal) {
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
    let non_blank = lines
        .iter()
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    let mut about_lines = 0;
    for warning in &read.warnings {
        let number: usize = warning
            .strip_prefix("line ")
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("warning names no line: {warning}"));
        assert!(
            (1..=lines.len()).contains(&number),
            "{warning} (the text has {} lines)",
            lines.len()
        );
        if warning.contains(" is incomplete ") {
            assert_eq!(number, lines.len(), "only the last line is torn: {warning}");
            assert!(
                !body.ends_with(b"\n"),
                "a complete line is not torn: {warning}"
            );
        }
        if !warning.contains(" has seq ") {
            about_lines += 1;
        }
    }
    assert_eq!(read.entries.len() + about_lines, non_blank);
}

proptest! {
    #![proptest_config(config(128))]

    #[test]
    fn parse_accounts_for_every_line_of_arbitrary_bytes(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let read = parse_within(bytes.clone());
        assert_lines_accounted_for(&bytes, &read);
    }

    #[test]
    fn parse_accounts_for_every_line_of_a_mutated_journal(bytes in mutated(SEED, 8)) {
        let read = parse_within(bytes.clone());
        assert_lines_accounted_for(&bytes, &read);
    }
}

proptest! {
    #![proptest_config(config(64))]

    #[test]
    fn a_mutated_journal_is_listed_or_named_and_exports(bytes in mutated(SEED, 8)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.jsonl");
        std::fs::write(&path, &bytes).unwrap();
        let read = store::read(&path).unwrap();

        let listing = store::list_sessions(dir.path()).unwrap();
        let (listed, named) = (listing.sessions.len(), listing.unreadable.len());
        if !read.entries.is_empty() {
            prop_assert_eq!((listed, named), (1, 0));
            prop_assert_eq!(listing.sessions[0].entries, read.entries.len());
        } else if !read.warnings.is_empty() {
            prop_assert_eq!((listed, named), (0, 1));
            prop_assert_eq!(&listing.unreadable[0].path, &path);
        } else {
            prop_assert_eq!((listed, named), (0, 0));
        }

        let entries = read.entries.clone();
        let (markdown, json) = within(WATCHDOG, "export", move || {
            let runbook = builtin::rally();
            // Walking the chain of garbage terminates too.
            let chain = chain::verify(&bytes);
            (
                export::markdown(&entries, Some(&runbook)),
                export::json(&entries, &chain, None),
            )
        });
        prop_assert!(markdown.starts_with('#'), "{}", markdown);
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        let back: Vec<Entry> = serde_json::from_value(json["entries"].clone()).unwrap();
        prop_assert_eq!(back, read.entries);
    }

    #[test]
    fn resuming_a_mutated_journal_never_reuses_a_seq(bytes in mutated(unfinished_seed(), 8)) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("session.jsonl");
        std::fs::write(&path, &bytes).unwrap();
        let before = store::read(&path).unwrap();
        let last = before.entries.iter().map(|e| e.seq).max();

        let meta = SessionMeta {
            runbook: "Rally production".into(),
            scenario: "instance-failure".into(),
            actor: "bob".into(),
            drill: true,
        };
        let resumed = within(WATCHDOG, "Journal::resume", {
            let dir = dir.path().to_path_buf();
            move || Journal::resume(&dir, meta)
        });
        match resumed {
            Ok(Some((mut journal, _))) => {
                let expected = last.map_or(1, |s| s + 1);
                prop_assert_eq!(journal.next_seq(), Some(expected));
                let time = "2026-03-14T04:00:00Z".parse().unwrap();
                let entry = journal.append(Draft::new(time, EntryKind::Note)).unwrap();
                prop_assert_eq!(entry.seq, expected);
                let after = store::read(&path).unwrap();
                prop_assert_eq!(after.entries.last(), Some(&entry));
                prop_assert_eq!(
                    after.entries.iter().filter(|e| e.seq == expected).count(),
                    1
                );
            }
            Ok(None) => {}
            Err(e) => {
                prop_assert_eq!(last, Some(u64::MAX), "{}", e);
                prop_assert!(e.to_string().contains("the largest there is"), "{}", e);
            }
        }
    }
}
