//! The journal's hash chain (issue 14, item 5): every entry names the
//! SHA-256 of the one before it; `log verify` walks the chain and names the
//! first entry changed, removed or inserted; `log export` prints the head.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use drconsole::domain::rpo::RpoEstimate;
use drconsole::domain::verify::{Evidence, Outcome};
use drconsole::drill::Fault;
use drconsole::journal::chain::{self, Finding, GENESIS};
use drconsole::journal::entry::DrillDetail;
use drconsole::journal::{Draft, EntryEvidence, EntryKind, Journal, SessionMeta};
use drconsole::runbook::reference::RunbookRef;
use jiff::Timestamp;
use proptest::prelude::*;
use sha2::{Digest, Sha256};

fn at(minute: u32) -> Timestamp {
    format!("2025-03-01T02:{minute:02}:00Z").parse().unwrap()
}

fn meta() -> SessionMeta {
    SessionMeta {
        runbook: "Rally production".into(),
        scenario: "regional-outage".into(),
        actor: "alice".into(),
        drill: false,
    }
}

/// A session of `n` entries: a start, then notes `note 2`, `note 3`, …
fn session(dir: &Path, n: u32) -> PathBuf {
    let mut journal = Journal::create(dir, meta(), at(0)).unwrap();
    journal
        .append(Draft::new(at(0), EntryKind::SessionStarted))
        .unwrap();
    for i in 2..=n {
        journal
            .append(Draft {
                note: Some(format!("note {i}")),
                ..Draft::new(at(i), EntryKind::Note)
            })
            .unwrap();
    }
    journal.path().to_path_buf()
}

/// SHA-256 in hex, computed here rather than by the code under test.
fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    fs::write(
        path,
        lines.iter().map(|l| format!("{l}\n")).collect::<String>(),
    )
    .unwrap();
}

/// Line `k` (from 1) with one field set to a new value.
fn edit(path: &Path, k: usize, field: &str, value: serde_json::Value) {
    let mut lines = lines(path);
    let mut entry: serde_json::Value = serde_json::from_str(&lines[k - 1]).unwrap();
    assert_ne!(entry[field], value, "the edit changes something");
    entry[field] = value;
    lines[k - 1] = entry.to_string();
    write_lines(path, &lines);
}

fn drconsole(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .env_remove("DRCONSOLE_JOURNAL_DIR")
        .output()
        .unwrap()
}

/// `log verify FILE`: its exit status and standard output.
fn verify(path: &Path, extra: &[&str]) -> (Option<i32>, String) {
    let mut args = vec!["log", "verify", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = drconsole(&args);
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn every_entry_links_to_the_previous_line_and_verify_reports_the_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 5);
    let lines = lines(&path);
    let prevs: Vec<String> = lines
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["prev"].as_str().unwrap().to_string()
        })
        .collect();
    // The first entry starts the chain; each next one names the line before.
    assert_eq!(prevs[0], GENESIS);
    for k in 1..5 {
        assert_eq!(prevs[k], sha256(lines[k - 1].as_bytes()), "entry {}", k + 1);
    }
    let head = sha256(lines[4].as_bytes());
    assert_eq!(
        verify(&path, &[]),
        (
            Some(0),
            format!("{}: intact: 5 entries, chain head {head}\n", path.display())
        )
    );
    assert_eq!(verify(&path, &["--head", &head]).0, Some(0));
}

/// Every optional field set (evidence, a drill's inject, the runbook's
/// reference): what is written re-derives to the same bytes, so a genuine
/// journal never reads as tampered.
#[test]
fn entries_with_every_field_verify() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::create(
        dir.path(),
        SessionMeta {
            drill: true,
            ..meta()
        },
        at(0),
    )
    .unwrap();
    journal
        .append(Draft {
            runbook_ref: Some(RunbookRef::File("/runbooks/rally prod.toml".into())),
            drill_detail: Some(DrillDetail {
                wall: Some(at(1)),
                name: Some("db-failure".into()),
                fault: Some(Fault::CrashLoop {
                    service: "api".into(),
                    reason: "OOM \"killed\"\n".into(),
                    lasting: Some(60),
                }),
                speed: Some(0),
            }),
            ..Draft::new(at(0), EntryKind::SessionStarted)
        })
        .unwrap();
    journal
        .append(Draft {
            step: Some("promote".into()),
            note: Some("naïve — ünïcode ✓".into()),
            undoes: Some(1),
            at: Some("2025-03-01T01:59:59.123456789Z".parse().unwrap()),
            evidence: Some(EntryEvidence {
                check: Some(Evidence {
                    outcome: Outcome::NotMet,
                    seen: "lag 3s".into(),
                }),
                against_evidence: true,
                state: vec!["rally-db-dr: available".into()],
                rpo: Some(RpoEstimate {
                    secs: 180,
                    basis: "replica lag".into(),
                }),
            }),
            ..Draft::new(at(2), EntryKind::Confirmed)
        })
        .unwrap();
    journal.append(Draft::new(at(3), EntryKind::Note)).unwrap();
    let verdict = chain::verify(&fs::read(journal.path()).unwrap());
    assert_eq!(verdict.tampered, None);
    assert_eq!(verdict.status(), chain::Status::Verified);
}

/// The hash is over the entry, not the line: key order and whitespace do
/// not matter, so a re-serialised journal verifies with the same head.
#[test]
fn a_reserialised_journal_still_verifies_with_the_same_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 4);
    let before = chain::verify(&fs::read(&path).unwrap());
    let reordered: Vec<String> = lines(&path)
        .iter()
        .map(|l| {
            // serde_json's map sorts the keys: `actor` first, not `seq`.
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            serde_json::to_string(&v).unwrap().replace("\":", "\" : ")
        })
        .collect();
    assert_ne!(reordered, lines(&path));
    write_lines(&path, &reordered);
    let after = chain::verify(&fs::read(&path).unwrap());
    assert_eq!(after, before);
    assert_eq!(after.tampered, None);
}

#[test]
fn an_edited_entry_is_named_as_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 6);
    edit(&path, 3, "note", "nothing happened here".into());
    assert_eq!(
        verify(&path, &[]),
        (
            Some(1),
            format!(
                "{}: tampered: entry seq 3 (line 3) was changed: its hash does not match \
                 the prev of the next entry (seq 4, line 4)\n",
                path.display()
            )
        )
    );
}

#[test]
fn an_entry_whose_own_prev_was_edited_is_named_as_changed() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 6);
    edit(&path, 4, "prev", GENESIS.into());
    assert_eq!(
        verify(&path, &[]),
        (
            Some(1),
            format!(
                "{}: tampered: entry seq 4 (line 4) was changed: its prev does not match the \
                 entry before it, nor its hash the next entry's prev\n",
                path.display()
            )
        )
    );
}

#[test]
fn a_deleted_line_is_named_as_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 6);
    let mut kept = lines(&path);
    kept.remove(2); // seq 3
    write_lines(&path, &kept);
    assert_eq!(
        verify(&path, &[]),
        (
            Some(1),
            format!(
                "{}: tampered: entry seq 3 was removed before line 3: seq 4 follows seq 2 \
                 and its prev does not match\n",
                path.display()
            )
        )
    );
}

#[test]
fn a_deleted_first_line_is_named_as_removed() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 3);
    let kept = lines(&path)[1..].to_vec();
    write_lines(&path, &kept);
    assert_eq!(
        verify(&path, &[]).1,
        format!(
            "{}: tampered: entry seq 1 was removed before line 1: seq 2 follows seq 0 \
             and its prev does not match\n",
            path.display()
        )
    );
}

/// A forger who copies the shape of an entry but not the chain: its prev
/// does not link, and the real entry after it links to the one before.
#[test]
fn a_forged_line_is_named_as_inserted() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 5);
    let mut all = lines(&path);
    let mut forged: serde_json::Value = serde_json::from_str(&all[2]).unwrap();
    forged["note"] = "replica promoted".into();
    forged["prev"] = GENESIS.into();
    all.insert(2, forged.to_string()); // a second seq 3, before the real one
    write_lines(&path, &all);
    assert_eq!(
        verify(&path, &[]),
        (
            Some(1),
            format!(
                "{}: tampered: entry seq 3 (line 3) was inserted: its prev does not link to \
                 the entry before it, and the next entry (seq 3, line 4) does\n",
                path.display()
            )
        )
    );
}

/// A forger who knows the scheme links the forged entry to the one before
/// it; the real next entry still links past it.
#[test]
fn a_forged_line_with_a_correct_prev_is_named_as_inserted() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 5);
    let mut all = lines(&path);
    // A copy of seq 3 with another note, so the same prev: linked to seq 2.
    let mut forged: serde_json::Value = serde_json::from_str(&all[2]).unwrap();
    forged["note"] = "replica promoted".into();
    all.insert(2, forged.to_string());
    write_lines(&path, &all);
    assert_eq!(
        verify(&path, &[]),
        (
            Some(1),
            format!(
                "{}: tampered: entry seq 3 (line 3) was inserted: the next entry (seq 3, line 4) \
                 links past it\n",
                path.display()
            )
        )
    );
}

#[test]
fn a_forged_line_out_of_order_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 5);
    let mut all = lines(&path);
    let mut forged: serde_json::Value = serde_json::from_str(&all[0]).unwrap();
    forged["note"] = "all clear".into();
    all.insert(3, forged.to_string()); // seq 1 again, after seq 3
    write_lines(&path, &all);
    assert_eq!(
        verify(&path, &[]).1,
        format!(
            "{}: tampered: entry seq 1 (line 4) was inserted: its prev does not link to the \
             entry before it (its seq repeats or goes back after seq 3), and the next entry \
             (seq 4, line 5) does\n",
            path.display()
        )
    );
}

#[test]
fn a_torn_last_line_is_a_crash_not_tampering() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 3);
    let head = sha256(lines(&path)[2].as_bytes());
    let mut bytes = fs::read(&path).unwrap();
    bytes.extend_from_slice(br#"{"seq":4,"time":"2025-03-01T02:0"#);
    fs::write(&path, bytes).unwrap();
    assert_eq!(
        verify(&path, &[]),
        (
            Some(0),
            format!(
                "{file}: line 4 is torn (the session likely crashed while writing it): not \
                 tampering; ignored\n{file}: intact: 3 entries, chain head {head}\n",
                file = path.display()
            )
        )
    );
}

/// What a drconsole before the chain wrote: the same lines, no `prev`.
const OLD: &str = concat!(
    r#"{"seq":1,"time":"2025-03-01T02:00:00Z","actor":"alice","kind":"session_started","runbook":"Rally production","scenario":"regional-outage"}"#,
    "\n",
    r#"{"seq":2,"time":"2025-03-01T02:05:00Z","actor":"alice","kind":"note","runbook":"Rally production","scenario":"regional-outage","note":"paging the DBA"}"#,
    "\n",
);

#[test]
fn an_old_journal_is_unchained_and_resumes_into_a_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.jsonl");
    fs::write(&path, OLD).unwrap();
    assert_eq!(
        verify(&path, &[]),
        (
            Some(2),
            format!(
                "{}: unchained: none of its 2 entries carries the hash chain (written before \
                 drconsole chained its journal); they cannot be verified\n",
                path.display()
            )
        )
    );

    // Resumed, the chain starts from the last old entry.
    let (mut journal, read) = Journal::resume(dir.path(), meta()).unwrap().unwrap();
    assert_eq!(read.entries.len(), 2);
    let resumed = journal
        .append(Draft::new(at(10), EntryKind::SessionResumed))
        .unwrap();
    let old_last = OLD.lines().nth(1).unwrap();
    assert_eq!(resumed.prev, Some(sha256(old_last.as_bytes())));
    let head = sha256(lines(&path)[2].as_bytes());
    assert_eq!(
        verify(&path, &[]),
        (
            Some(2),
            format!(
                "{}: partly unchained: the first 2 of 3 entries carry no hash chain (written \
                 before drconsole chained its journal) and cannot be verified; the 1 after \
                 them are intact, chain head {head}\n",
                path.display()
            )
        )
    );
}

#[test]
fn resume_continues_the_chain_from_the_last_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 3);
    let (mut journal, _) = Journal::resume(dir.path(), meta()).unwrap().unwrap();
    let resumed = journal
        .append(Draft::new(at(20), EntryKind::SessionResumed))
        .unwrap();
    assert_eq!(resumed.seq, 4);
    assert_eq!(resumed.prev, Some(sha256(lines(&path)[2].as_bytes())));
    assert_eq!(verify(&path, &[]).0, Some(0));
}

/// The chain alone cannot see the last entry changed or cut: the head a
/// postmortem cites can.
#[test]
fn a_cut_last_entry_is_caught_by_the_cited_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 4);
    let all = lines(&path);
    let cited = sha256(all[3].as_bytes());
    write_lines(&path, &all[..3]);
    let head = sha256(all[2].as_bytes());
    assert_eq!(
        verify(&path, &["--head", &cited]),
        (
            Some(1),
            format!(
                "{}: tampered: the chain head is {head}, not {cited}: the last entry was \
                 changed, or entries were added to or removed from the end\n",
                path.display()
            )
        )
    );
}

#[test]
fn verify_cannot_read_a_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = drconsole(&[
        "log",
        "verify",
        dir.path().join("nope.jsonl").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.starts_with("drconsole: cannot read "), "{stderr}");
}

#[test]
fn export_prints_the_chain_head() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), 4);
    let head = sha256(lines(&path)[3].as_bytes());
    let file = path.to_str().unwrap();

    let out = drconsole(&["log", "export", file]);
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        md.lines().last(),
        Some(format!("Log chain head: {head} (4 entries, verified)").as_str())
    );

    let out = drconsole(&["log", "export", "--format", "json", file]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["chain_head"], head.as_str());
    assert_eq!(json["chain"], "verified");
    assert_eq!(json["entries"].as_array().unwrap().len(), 4);
    assert!(json.get("scorecard").is_none(), "not a drill: {json}");

    // An edited journal exports, saying so on the head's line.
    edit(&path, 2, "note", "edited".into());
    let md = String::from_utf8(drconsole(&["log", "export", file]).stdout).unwrap();
    assert_eq!(
        md.lines().last(),
        Some(
            format!(
                "Log chain head: {head} (4 entries, NOT verified: entry seq 2 (line 2) was \
                 changed: its hash does not match the prev of the next entry (seq 3, line 3))"
            )
            .as_str()
        )
    );
    let out = drconsole(&["log", "export", "--format", "json", file]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["chain"], "tampered");
    assert!(
        json["chain_finding"]
            .as_str()
            .unwrap()
            .starts_with("entry seq 2 (line 2) was changed"),
        "{json}"
    );
}

/// A single edit of one field of entry `k`.
#[derive(Debug, Clone)]
enum Edit {
    Note(String),
    Actor(String),
    TimeShift(i64),
    Seq(u64),
    Prev,
}

fn edits() -> impl Strategy<Value = Edit> {
    prop_oneof![
        "[a-z ]{0,12}".prop_map(Edit::Note),
        "[a-z]{1,8}".prop_map(Edit::Actor),
        (1i64..100_000).prop_map(Edit::TimeShift),
        (0u64..1000).prop_map(Edit::Seq),
        Just(Edit::Prev),
    ]
}

fn apply(entry: &mut serde_json::Value, edit: &Edit) {
    match edit {
        Edit::Note(text) => {
            let old = entry["note"].as_str().unwrap_or_default().to_string();
            entry["note"] = format!("{old}|{text}").into();
        }
        Edit::Actor(name) => entry["actor"] = format!("{name}!").into(),
        Edit::TimeShift(secs) => {
            let time: Timestamp = entry["time"].as_str().unwrap().parse().unwrap();
            let moved = time
                .checked_add(jiff::SignedDuration::from_secs(*secs))
                .unwrap();
            entry["time"] = moved.to_string().into();
        }
        Edit::Seq(offset) => {
            let seq = entry["seq"].as_u64().unwrap();
            entry["seq"] = (seq + 1 + offset).into();
        }
        Edit::Prev => entry["prev"] = sha256(b"something else").into(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Whatever the session and whichever single field of whichever entry
    /// is edited, verify names exactly that entry; the last entry has no
    /// successor to catch a change of its content, so there only the head
    /// moves.
    #[test]
    fn verify_names_exactly_the_edited_entry(
        kinds in prop::collection::vec(0usize..4, 0..12),
        notes in prop::collection::vec(prop::option::of("[a-z]{1,6}"), 12),
        pick in any::<prop::sample::Index>(),
        edit in edits(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut journal = Journal::create(dir.path(), meta(), at(0)).unwrap();
        journal.append(Draft::new(at(0), EntryKind::SessionStarted)).unwrap();
        let kinds_of = [EntryKind::Note, EntryKind::StepStarted, EntryKind::Confirmed, EntryKind::Skipped];
        for (i, &kind) in kinds.iter().enumerate() {
            let minute = u32::try_from(i + 1).unwrap();
            journal.append(Draft {
                note: notes[i].clone(),
                step: (kind != 0).then(|| format!("step-{i}")),
                ..Draft::new(at(minute), kinds_of[kind])
            }).unwrap();
        }
        let path = journal.path().to_path_buf();
        let mut all = lines(&path);
        let n = all.len();
        let intact = chain::verify(&fs::read(&path).unwrap());
        prop_assert_eq!(intact.tampered.clone(), None);

        let k = pick.index(n);
        let mut entry: serde_json::Value = serde_json::from_str(&all[k]).unwrap();
        apply(&mut entry, &edit);
        all[k] = entry.to_string();
        write_lines(&path, &all);
        let verdict = chain::verify(&fs::read(&path).unwrap());

        let last = k + 1 == n;
        let prev_of_last = last && matches!(edit, Edit::Prev);
        if !last {
            // Named by the seq it now has in the file.
            let seq = entry["seq"].as_u64().unwrap();
            prop_assert!(
                matches!(&verdict.tampered, Some(Finding::Changed { seq: s, line, .. }) if *s == seq && *line == k + 1),
                "edit {:?} of entry {}: {:?}", edit, k + 1, verdict.tampered
            );
        } else if prev_of_last && n == 1 {
            prop_assert!(
                matches!(&verdict.tampered, Some(Finding::Changed { seq: 1, line: 1, .. })),
                "{:?}", verdict.tampered
            );
        } else if prev_of_last {
            // The broken link is seen, but with nothing after the last
            // entry an edit of its prev reads like a change to the entry
            // before: the finding names that one and says so.
            let seq = u64::try_from(k).unwrap();
            prop_assert!(
                matches!(&verdict.tampered, Some(Finding::Changed { seq: s, line, why })
                    if *s == seq && *line == k && why.ends_with("; or that last entry's prev was edited")),
                "{:?}", verdict.tampered
            );
        } else {
            prop_assert_eq!(verdict.tampered, None);
            prop_assert_ne!(verdict.head, intact.head);
        }
    }
}
