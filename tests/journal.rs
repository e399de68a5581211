//! The journal against real files in temporary directories: append and read
//! back, permissions, torn lines, resume, directory resolution and export.

mod common;

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use drconsole::domain::verify::{Evidence, Outcome};
use drconsole::journal::store::{self, resolve_dir_from};
use drconsole::journal::{Draft, Entry, EntryEvidence, EntryKind, Journal, SessionMeta};
use drconsole::journal::{chain, export, lock};
use drconsole::runbook::model::Runbook;
use jiff::Timestamp;

const INCOMPLETE_LINE_3: &str =
    "line 3 is incomplete (the session likely crashed while writing it); ignored";

fn at(time: &str) -> Timestamp {
    format!("2025-03-01T{time}Z").parse().unwrap()
}

fn meta(runbook: &str, scenario: &str, actor: &str) -> SessionMeta {
    SessionMeta {
        runbook: runbook.into(),
        scenario: scenario.into(),
        actor: actor.into(),
        drill: false,
    }
}

fn rally(actor: &str) -> SessionMeta {
    meta("Rally production", "regional-outage", actor)
}

fn draft(time: &str, kind: EntryKind) -> Draft {
    Draft::new(at(time), kind)
}

fn step(time: &str, kind: EntryKind, id: &str) -> Draft {
    Draft {
        step: Some(id.into()),
        ..draft(time, kind)
    }
}

/// A session started at `started` with one `session_started` entry.
fn session(dir: &Path, meta: SessionMeta, started: &str) -> Journal {
    let mut journal = Journal::create(dir, meta, at(started)).unwrap();
    journal
        .append(draft(started, EntryKind::SessionStarted))
        .unwrap();
    journal
}

fn lines(path: &Path) -> Vec<String> {
    fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

fn seqs(entries: &[Entry]) -> Vec<u64> {
    entries.iter().map(|e| e.seq).collect()
}

#[test]
fn append_then_read_round_trips_with_seqs() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = Journal::create(dir.path(), rally("alice"), at("02:00:00")).unwrap();
    assert_eq!(
        journal.path().file_name().unwrap(),
        "rally-production-regional-outage-20250301T020000Z.jsonl"
    );

    let mut written = vec![
        journal
            .append(draft("02:00:00", EntryKind::SessionStarted))
            .unwrap(),
    ];
    written.push(
        journal
            .append(Draft {
                note: Some("line one\nline two".into()),
                ..step("02:05:00", EntryKind::Confirmed, "assess")
            })
            .unwrap(),
    );
    written.push(
        journal
            .append(Draft {
                scenario: Some("other".into()),
                ..draft("02:06:00", EntryKind::Note)
            })
            .unwrap(),
    );

    assert_eq!(seqs(&written), [1, 2, 3]);
    assert!(
        written
            .iter()
            .all(|e| e.actor == "alice" && e.runbook == "Rally production" && !e.drill)
    );
    // The session's scenario fills drafts naming none; an explicit one stays.
    assert_eq!(written[0].scenario.as_deref(), Some("regional-outage"));
    assert_eq!(written[2].scenario.as_deref(), Some("other"));

    // One line per entry, each complete: the note's newline is escaped.
    let raw = fs::read_to_string(journal.path()).unwrap();
    assert!(raw.ends_with('\n'));
    assert_eq!(raw.matches('\n').count(), 3);

    let read = store::read(journal.path()).unwrap();
    assert_eq!(read.entries, written);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
}

#[test]
fn create_never_clobbers_an_existing_session() {
    let dir = tempfile::tempdir().unwrap();
    let first = session(dir.path(), rally("alice"), "02:00:00");
    let second = Journal::create(dir.path(), rally("bob"), at("02:00:00")).unwrap();
    let third = Journal::create(dir.path(), rally("cy"), at("02:00:00")).unwrap();
    assert_ne!(first.path(), second.path());
    assert!(
        second
            .path()
            .to_string_lossy()
            .ends_with("20250301T020000Z-2.jsonl")
    );
    assert!(third.path().to_string_lossy().ends_with("-3.jsonl"));
    assert_eq!(lines(first.path()).len(), 1, "the first file is untouched");
}

#[test]
fn empty_file_has_no_entries_and_no_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let journal = Journal::create(dir.path(), rally("alice"), at("02:00:00")).unwrap();
    let read = store::read(journal.path()).unwrap();
    assert!(read.entries.is_empty());
    assert!(read.warnings.is_empty());
}

#[cfg(unix)]
#[test]
fn files_are_0600_and_created_dirs_0700() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("data").join("journal");
    let journal = session(&dir, rally("alice"), "02:00:00");
    let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(journal.path()), 0o600);
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&root.path().join("data")), 0o700);
}

#[test]
fn torn_last_line_is_a_warning_and_resume_appends_on_a_clean_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = session(dir.path(), rally("alice"), "02:00:00");
    journal
        .append(step("02:05:00", EntryKind::Confirmed, "assess"))
        .unwrap();
    let path = journal.path().to_path_buf();
    drop(journal);
    // A crash halfway through writing the third line.
    let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(br#"{"seq":3,"time":"2025-03-01T02:10:00Z","act"#)
        .unwrap();
    drop(file);

    let read = store::read(&path).unwrap();
    assert_eq!(seqs(&read.entries), [1, 2]);
    assert_eq!(read.warnings, [INCOMPLETE_LINE_3]);

    let (mut resumed, replay) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
    assert_eq!(resumed.path(), path);
    assert_eq!(seqs(&replay.entries), [1, 2]);
    assert_eq!(
        replay.warnings,
        [INCOMPLETE_LINE_3],
        "resume reports it too"
    );
    assert_eq!(resumed.next_seq(), Some(3));

    let entry = resumed
        .append(draft("02:12:00", EntryKind::SessionResumed))
        .unwrap();
    assert_eq!((entry.seq, entry.actor.as_str()), (3, "bob"));

    // The torn bytes are gone: every line is an entry, nothing to warn about.
    let reread = store::read(&path).unwrap();
    assert_eq!(seqs(&reread.entries), [1, 2, 3]);
    assert!(reread.warnings.is_empty(), "{:?}", reread.warnings);
    for line in lines(&path) {
        serde_json::from_str::<Entry>(&line).unwrap();
    }
}

#[test]
fn a_whole_last_entry_missing_only_its_newline_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let journal = session(dir.path(), rally("alice"), "02:00:00");
    let path = journal.path().to_path_buf();
    drop(journal);
    let raw = fs::read_to_string(&path).unwrap();
    fs::write(&path, raw.trim_end()).unwrap();

    let (mut resumed, replay) = Journal::resume(dir.path(), rally("alice"))
        .unwrap()
        .unwrap();
    assert_eq!(seqs(&replay.entries), [1]);
    assert!(replay.warnings.is_empty());
    resumed.append(draft("02:01:00", EntryKind::Note)).unwrap();
    let reread = store::read(&path).unwrap();
    assert_eq!(seqs(&reread.entries), [1, 2]);
    assert!(reread.warnings.is_empty(), "{:?}", reread.warnings);
}

#[test]
fn a_bad_line_in_the_middle_is_a_warning_and_reading_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = session(dir.path(), rally("alice"), "02:00:00");
    let path = journal.path().to_path_buf();
    fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap()
        .write_all(b"{garbage}\n")
        .unwrap();
    journal.append(draft("02:01:00", EntryKind::Note)).unwrap();

    let read = store::read(&path).unwrap();
    assert_eq!(seqs(&read.entries), [1, 2]);
    assert_eq!(read.warnings.len(), 1);
    assert!(
        read.warnings[0].starts_with("line 2 is not a valid journal entry ("),
        "{}",
        read.warnings[0]
    );
}

#[test]
fn resume_picks_the_latest_unfinished_session_of_that_runbook_and_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let other_scenario = |actor| meta("Rally production", "db-failure", actor);

    // Paths only: a console still holding a session would refuse the resume.
    let older = session(d, rally("alice"), "01:00:00").path().to_path_buf();
    let wanted = session(d, rally("alice"), "02:00:00").path().to_path_buf();
    // Later, but finished.
    let mut finished = session(d, rally("alice"), "03:00:00");
    finished
        .append(draft("03:30:00", EntryKind::SessionCompleted))
        .unwrap();
    // Later, but another scenario, another runbook, or a drill.
    session(d, other_scenario("alice"), "04:00:00");
    session(
        d,
        meta("Other runbook", "regional-outage", "alice"),
        "04:00:00",
    );
    session(
        d,
        SessionMeta {
            drill: true,
            ..rally("alice")
        },
        "04:00:00",
    );
    // Later, named like our scenario but holding another: content decides.
    let disguised = session(d, other_scenario("alice"), "05:00:00");
    fs::rename(
        disguised.path(),
        d.join("rally-production-regional-outage-20250301T050000Z.jsonl"),
    )
    .unwrap();
    // Not a session at all.
    fs::write(d.join("notes.txt"), "hello").unwrap();
    fs::write(d.join("garbage.jsonl"), "\u{0}\u{0}\u{0}").unwrap();

    let (journal, replay) = Journal::resume(d, rally("bob")).unwrap().unwrap();
    assert_eq!(journal.path(), wanted);
    assert_ne!(journal.path(), older);
    assert_eq!(replay.entries[0].time, at("02:00:00"));
    drop(journal);

    // A completed session that was undone counts as unfinished again.
    let mut reopened = finished;
    reopened
        .append(Draft {
            undoes: Some(2),
            ..draft("03:31:00", EntryKind::Undone)
        })
        .unwrap();
    let path = reopened.path().to_path_buf();
    drop(reopened);
    let (journal, _) = Journal::resume(d, rally("bob")).unwrap().unwrap();
    assert_eq!(journal.path(), path);
}

#[test]
fn resume_breaks_ties_on_start_time_by_creation_order_of_names() {
    let dir = tempfile::tempdir().unwrap();
    session(dir.path(), rally("alice"), "02:00:00");
    let second = session(dir.path(), rally("alice"), "02:00:00")
        .path()
        .to_path_buf();
    let (journal, _) = Journal::resume(dir.path(), rally("alice"))
        .unwrap()
        .unwrap();
    assert_eq!(journal.path(), second, "the -2 file was created last");
}

#[test]
fn resume_finds_nothing_in_a_missing_or_finished_dir() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope");
    assert!(Journal::resume(&missing, rally("a")).unwrap().is_none());
    let mut done = session(dir.path(), rally("a"), "02:00:00");
    done.append(draft("02:10:00", EntryKind::SessionCompleted))
        .unwrap();
    assert!(Journal::resume(dir.path(), rally("a")).unwrap().is_none());
}

#[test]
fn seq_continues_across_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = session(dir.path(), rally("alice"), "02:00:00");
    journal.append(draft("02:01:00", EntryKind::Note)).unwrap();
    drop(journal);
    for (n, time) in [(3, "02:02:00"), (4, "02:03:00")] {
        let (mut resumed, _) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
        let entry = resumed
            .append(draft(time, EntryKind::SessionResumed))
            .unwrap();
        assert_eq!(entry.seq, n);
    }
    let read = store::read(
        &dir.path()
            .join("rally-production-regional-outage-20250301T020000Z.jsonl"),
    )
    .unwrap();
    assert_eq!(seqs(&read.entries), [1, 2, 3, 4]);
}

#[test]
fn list_sessions_summarizes_each_file_oldest_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut done = session(dir.path(), rally("alice"), "03:00:00");
    done.append(draft("03:40:00", EntryKind::SessionCompleted))
        .unwrap();
    let open = session(
        dir.path(),
        meta("Rally production", "db-failure", "bob"),
        "01:00:00",
    );
    Journal::create(dir.path(), rally("x"), at("05:00:00")).unwrap(); // empty

    let list = store::list_sessions(dir.path()).unwrap().sessions;
    assert_eq!(list.len(), 2, "an empty file holds no session");
    assert_eq!(list[0].path, open.path());
    assert_eq!(list[0].scenario.as_deref(), Some("db-failure"));
    assert!(!list[0].finished);
    assert_eq!(list[1].runbook, "Rally production");
    assert_eq!(
        (list[1].started, list[1].last),
        (at("03:00:00"), at("03:40:00"))
    );
    assert!(list[1].finished);
    assert_eq!(list[1].entries, 2);
}

#[test]
fn journal_dir_flag_beats_env_beats_default() {
    let flag = PathBuf::from("/flag");
    let default = Some(PathBuf::from("/default"));
    let env = || Some("/env".into());
    assert_eq!(
        resolve_dir_from(Some(&flag), env(), default.clone()).unwrap(),
        flag
    );
    assert_eq!(
        resolve_dir_from(None, env(), default.clone()).unwrap(),
        PathBuf::from("/env")
    );
    assert_eq!(
        resolve_dir_from(None, Some("".into()), default.clone()).unwrap(),
        PathBuf::from("/default"),
        "an empty variable counts as unset"
    );
    let err = resolve_dir_from(None, None, None).unwrap_err();
    assert!(err.contains("--journal-dir") && err.contains("DRCONSOLE_JOURNAL_DIR"));
    assert!(store::default_dir().is_none_or(|d| d.ends_with("drconsole/journal")));
}

/// The only test in this binary touching the process environment.
#[test]
fn resolve_dir_reads_the_environment_variable() {
    // SAFETY: no other test in this binary reads or writes this variable.
    unsafe { std::env::set_var(store::DIR_ENV, "/from-env") };
    let from_env = store::resolve_dir(None);
    let from_flag = store::resolve_dir(Some(Path::new("/from-flag")));
    unsafe { std::env::remove_var(store::DIR_ENV) };
    assert_eq!(from_env.unwrap(), PathBuf::from("/from-env"));
    assert_eq!(from_flag.unwrap(), PathBuf::from("/from-flag"));
}

const RUNBOOK: &str = r#"
name = "Rally production"
objectives = { rto = "1h", rpo = "15m" }

[environment]
regions = { primary = "us-east-1", dr = "us-west-2" }

[[scenario]]
id = "regional-outage"
title = "Regional outage: promote the DR replica"

[[scenario.step]]
id = "assess"
title = "Confirm the region is down"
expected = "5m"

[[scenario.step]]
id = "promote"
title = "Promote the DR replica"
expected = "15m"

[[scenario.step]]
id = "scale-ecs"
title = "Scale the DR service"
expected = "10m"

[[scenario.step]]
id = "dns"
title = "Point DNS at the DR region"
expected = "30m"

[[scenario.step]]
id = "comms"
title = "Tell customers"
"#;

fn evidence(outcome: Outcome, seen: &str, against: bool) -> Option<EntryEvidence> {
    Some(EntryEvidence {
        check: Some(Evidence {
            outcome,
            seen: seen.into(),
        }),
        against_evidence: against,
        state: vec!["rally-db-dr: available, lag 3s".into()],
        rpo: None,
    })
}

/// Alice works the incident, quits; Bob resumes it and finishes.
fn incident(dir: &Path) -> Vec<Entry> {
    let mut j = session(dir, rally("alice"), "02:00:00");
    let drafts = [
        Draft {
            note: Some("us-east-1 unreachable".into()),
            ..draft("02:01:00", EntryKind::IncidentDeclared)
        },
        Draft {
            evidence: evidence(Outcome::Met, "rally-api-5xx is ALARM", false),
            ..step("02:05:00", EntryKind::Confirmed, "assess")
        },
        Draft {
            evidence: evidence(
                Outcome::NotMet,
                "rally-db-dr still replicates rally-db",
                true,
            ),
            ..step("02:25:00", EntryKind::Confirmed, "promote")
        },
        Draft {
            undoes: Some(4),
            note: Some("promotion still running".into()),
            ..step("02:26:00", EntryKind::Undone, "promote")
        },
        Draft {
            evidence: evidence(Outcome::Met, "rally-db-dr is standalone (available)", false),
            ..step("02:35:00", EntryKind::Confirmed, "promote")
        },
        Draft {
            note: Some("already at full capacity | checked".into()),
            ..step("02:40:00", EntryKind::Skipped, "scale-ecs")
        },
        draft("02:41:00", EntryKind::SessionPaused),
    ];
    for d in drafts {
        j.append(d).unwrap();
    }
    drop(j);
    let (mut j, _) = Journal::resume(dir, rally("bob")).unwrap().unwrap();
    for d in [
        draft("02:50:00", EntryKind::SessionResumed),
        step("02:55:00", EntryKind::Confirmed, "dns"),
        step("03:05:00", EntryKind::Confirmed, "comms"),
        draft("03:06:00", EntryKind::SessionCompleted),
    ] {
        j.append(d).unwrap();
    }
    store::read(j.path()).unwrap().entries
}

#[test]
fn markdown_export_is_a_postmortem_timeline() {
    let dir = tempfile::tempdir().unwrap();
    let entries = incident(dir.path());
    let runbook: Runbook = toml::from_str(RUNBOOK).unwrap();
    let md = export::markdown(&entries, Some(&runbook));
    insta::assert_snapshot!("incident_markdown", md);

    let has = |line: &str| assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    has("# Incident timeline: Rally production — Regional outage: promote the DR replica");
    has("- **Operators:** alice, bob");
    has("- **Ended:** 2025-03-01 03:06:00 UTC (completed)");
    has("- **Incident began:** 2025-03-01 02:01:00 UTC");
    // 02:01 declared → 03:05 last step, against 1h.
    has("- **RTO achieved:** 1h4m (declared → last step resolved); target 1h: **missed** by 4m");
    has("- **Steps:** 4 confirmed, 1 skipped, 0 not done; 1 undo(s)");
    // Durations run from the previous standing resolution.
    has(
        "| `assess` Confirm the region is down | confirmed | 02:05:00 | 4m | 5m (within) | met: rally-api-5xx is ALARM |",
    );
    has(
        "| `promote` Promote the DR replica | confirmed; earlier confirmed #4 undone by #5 | 02:35:00 | 30m | 15m (**over by 15m**) | met: rally-db-dr is standalone (available) |",
    );
    has(
        "| `scale-ecs` Scale the DR service | skipped: already at full capacity \\| checked | 02:40:00 | 5m | 10m (within) |  |",
    );
    // The undone entry stays in the timeline, marked.
    has("| 4 | 02:25:00 | alice | confirmed (undone by #5) **against evidence** | `promote` |  |");
    has("| 5 | 02:26:00 | alice | undone #4 | `promote` | promotion still running |");
    has("- **confirmed against evidence**: the check was not met");
}

#[test]
fn markdown_export_without_runbook_or_finish_says_so() {
    let entry = |seq, time, kind| Entry {
        seq,
        time: at(time),
        actor: "alice".into(),
        kind,
        runbook: "Rally production".into(),
        scenario: Some("db-failure".into()),
        step: None,
        note: None,
        undoes: None,
        at: None,
        evidence: None,
        drill: true,
        runbook_ref: None,
        drill_detail: None,
        prev: None,
        share: None,
    };
    let entries = vec![
        entry(1, "02:00:00", EntryKind::IncidentDeclared),
        Entry {
            step: Some("restore".into()),
            ..entry(2, "02:20:00", EntryKind::Confirmed)
        },
    ];
    let md = export::markdown(&entries, None);
    assert!(md.starts_with("# [DRILL] Incident timeline: Rally production — db-failure\n"));
    assert!(md.contains("- **Ended:** not completed; last entry at 2025-03-01 02:20:00 UTC"));
    assert!(md.contains(
        "- **RTO achieved:** 20m (declared → last step resolved); no runbook given, so no target"
    ));
    assert!(md.contains("| `restore` | confirmed | 02:20:00 | 20m |  |  |"));
    assert_eq!(
        export::markdown(&[], None),
        "# Incident timeline\n\nThe journal holds no entries.\n"
    );
}

/// Declared 30 minutes back at 02:10: the row shows when the incident
/// began, and when the declaration was written beside it; the runbook
/// line says where the targets came from when the caller says.
#[test]
fn the_declaration_row_shows_the_declared_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut journal = session(dir.path(), rally("alice"), "02:00:00");
    let declared = journal
        .append(Draft {
            at: Some(at("01:40:00")),
            ..draft("02:10:00", EntryKind::IncidentDeclared)
        })
        .unwrap();
    let entries = vec![journal_entries(&journal)[0].clone(), declared];
    let md = export::markdown_noting(&entries, None, Some("rally (built in)"));
    assert!(
        md.contains("| 2 | 01:40:00 | alice | incident declared (recorded at 02:10:00) |  |  |"),
        "{md}"
    );
    assert!(
        md.contains("- **Incident began:** 2025-03-01 01:40:00 UTC\n"),
        "{md}"
    );
    assert!(
        md.contains("- **Targets from:** rally (built in)\n"),
        "{md}"
    );
    // Declared as of the moment it was written: one time, as any row.
    let now = Entry {
        at: Some(at("02:10:00")),
        ..entries[1].clone()
    };
    let md = export::markdown(&[entries[0].clone(), now], None);
    assert!(
        md.contains("| 2 | 02:10:00 | alice | incident declared |  |  |"),
        "{md}"
    );
    assert!(!md.contains("Targets from"), "{md}");
}

fn journal_entries(journal: &Journal) -> Vec<Entry> {
    store::read(journal.path()).unwrap().entries
}

/// A plain session exports the same object as a drill, without a scorecard.
#[test]
fn json_export_is_one_object_with_the_entries_and_chain_head() {
    let dir = tempfile::tempdir().unwrap();
    let entries = incident(dir.path());
    let path = store::list_sessions(dir.path()).unwrap().sessions[0]
        .path
        .clone();
    let chain = chain::verify(&fs::read(&path).unwrap());
    let text = export::json(&entries, &chain, None);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut keys: Vec<&str> = value
        .as_object()
        .unwrap()
        .keys()
        .map(|k| k.as_str())
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["chain", "chain_head", "entries"]);
    let back: Vec<Entry> = serde_json::from_value(value["entries"].clone()).unwrap();
    assert_eq!(back, entries);
    assert_eq!(value["chain"], "verified");
    assert_eq!(value["chain_head"], chain::hash(entries.last().unwrap()));
    assert_eq!(text, export::json(&entries, &chain, None), "deterministic");
}

// Issue 9, item 3: the reader says what it found.

#[test]
fn a_byte_order_mark_is_tolerated_when_reading_and_resuming() {
    let dir = tempfile::tempdir().unwrap();
    let journal = session(dir.path(), rally("alice"), "02:00:00");
    let path = journal.path().to_path_buf();
    drop(journal);
    // An editor saved it with a BOM, and without the final newline.
    let raw = fs::read_to_string(&path).unwrap();
    fs::write(&path, format!("\u{feff}{}", raw.trim_end())).unwrap();

    let read = store::read(&path).unwrap();
    assert_eq!(seqs(&read.entries), [1]);
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);

    // The only line is whole: resume keeps it rather than cutting it off.
    let (mut resumed, replay) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
    assert_eq!(seqs(&replay.entries), [1]);
    assert_eq!(
        resumed
            .append(draft("02:01:00", EntryKind::Note))
            .unwrap()
            .seq,
        2
    );
    let reread = store::read(&path).unwrap();
    assert_eq!(seqs(&reread.entries), [1, 2]);
    assert!(reread.warnings.is_empty(), "{:?}", reread.warnings);
}

#[test]
fn a_complete_bad_last_line_is_corrupt_not_torn_and_resume_keeps_it() {
    let dir = tempfile::tempdir().unwrap();
    let journal = session(dir.path(), rally("alice"), "02:00:00");
    let path = journal.path().to_path_buf();
    drop(journal);
    let mut file = fs::OpenOptions::new().append(true).open(&path).unwrap();
    file.write_all(b"{\"seq\":2,\"oops\"}\n").unwrap();
    drop(file);

    let read = store::read(&path).unwrap();
    assert_eq!(seqs(&read.entries), [1]);
    assert_eq!(read.warnings.len(), 1, "{:?}", read.warnings);
    assert!(
        read.warnings[0].starts_with("line 2 is not a valid journal entry ("),
        "{}",
        read.warnings[0]
    );

    // It was written whole, so it is evidence, not a torn write: kept.
    let (mut resumed, _) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
    resumed.append(draft("02:01:00", EntryKind::Note)).unwrap();
    assert_eq!(lines(&path)[1], "{\"seq\":2,\"oops\"}");
}

fn drconsole(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn log_list_names_the_files_it_cannot_read() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let good = session(d, rally("alice"), "02:00:00").path().to_path_buf();
    fs::create_dir(d.join("folder.jsonl")).unwrap();
    fs::write(d.join("garbage.jsonl"), b"\xff\xfe not a journal\n").unwrap();
    fs::write(d.join("empty.jsonl"), b"").unwrap(); // a session just created

    let out = drconsole(&["log", "list", "--journal-dir", d.to_str().unwrap()]);
    assert!(out.status.success());
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(stdout.contains(&good.display().to_string()), "{stdout}");
    let stderr: Vec<&str> = stderr.lines().collect();
    assert_eq!(stderr.len(), 2, "{stderr:?}");
    assert_eq!(
        stderr[0],
        format!(
            "cannot read {}: it is a directory",
            d.join("folder.jsonl").display()
        )
    );
    assert!(
        stderr[1].starts_with(&format!(
            "cannot read {}: no valid journal entry: line 1 is not a valid journal entry (",
            d.join("garbage.jsonl").display()
        )),
        "{}",
        stderr[1]
    );

    // With no session left, it says so without hiding the unreadable ones.
    fs::remove_file(&good).unwrap();
    let out = drconsole(&["log", "list", "--journal-dir", d.to_str().unwrap()]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 3, "{stderr}");
    assert_eq!(
        stderr.lines().last().unwrap(),
        format!("no readable sessions in {}", d.display())
    );

    // `log export` of the latest session says the same, and where to look.
    let out = drconsole(&["log", "export", "--journal-dir", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap().trim_end(),
        format!(
            "drconsole: no readable sessions in {} (2 file(s) cannot be read; \
             `drconsole log list` names them)",
            d.display()
        )
    );
}

/// The session file of `session` with its one entry's seq set to `seq`.
fn session_at_seq(dir: &Path, seq: u64) -> PathBuf {
    let path = session(dir, rally("alice"), "02:00:00")
        .path()
        .to_path_buf();
    let raw = fs::read_to_string(&path).unwrap();
    fs::write(
        &path,
        raw.replacen("\"seq\":1,", &format!("\"seq\":{seq},"), 1),
    )
    .unwrap();
    path
}

#[test]
fn a_journal_at_the_last_seq_is_refused_never_wrapped() {
    let dir = tempfile::tempdir().unwrap();
    let path = session_at_seq(dir.path(), u64::MAX);
    let before = fs::read(&path).unwrap();
    let err = Journal::resume(dir.path(), rally("bob")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::InvalidData);
    assert_eq!(
        err.to_string(),
        format!(
            "cannot resume {}: its last seq is 18446744073709551615, the largest there is; \
             start a new session instead",
            path.display()
        )
    );
    assert_eq!(fs::read(&path).unwrap(), before, "nothing written");
}

#[test]
fn appending_stops_at_the_last_seq_instead_of_wrapping() {
    let dir = tempfile::tempdir().unwrap();
    let path = session_at_seq(dir.path(), u64::MAX - 1);
    let (mut journal, _) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
    assert_eq!(journal.next_seq(), Some(u64::MAX));
    let last = journal.append(draft("02:01:00", EntryKind::Note)).unwrap();
    assert_eq!(last.seq, u64::MAX);
    assert_eq!(journal.next_seq(), None);
    let err = journal
        .append(draft("02:02:00", EntryKind::Note))
        .unwrap_err();
    assert!(err.to_string().contains("the largest there is"), "{err}");
    assert_eq!(
        seqs(&store::read(&path).unwrap().entries),
        [u64::MAX - 1, u64::MAX]
    );
}

// Issue 9, item 7: one console per session.

#[test]
fn a_second_console_is_refused_and_told_who_holds_the_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut alice = session(dir.path(), rally("alice"), "02:00:00");
    let path = alice.path().to_path_buf();

    let holder = lock::holder(&path).unwrap();
    assert_eq!(
        (holder.operator.as_str(), holder.pid),
        ("alice", std::process::id())
    );
    let err = Journal::resume(dir.path(), rally("bob")).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::ResourceBusy);
    assert_eq!(
        err.to_string(),
        format!(
            "session {} is in use by alice on {} (pid {}) since {}",
            path.display(),
            holder.host,
            holder.pid,
            holder.since.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    );
    assert!(!holder.host.is_empty());

    // The refusal wrote nothing; the holder carries on with the next seq.
    assert_eq!(
        alice
            .append(draft("02:01:00", EntryKind::Note))
            .unwrap()
            .seq,
        2
    );
    // Once she closes it, her record is cleared and Bob takes over after her.
    drop(alice);
    assert_eq!(lock::holder(&path), None);
    let (mut bob, _) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
    assert_eq!(lock::holder(&path).unwrap().operator, "bob");
    assert_eq!(
        bob.append(draft("02:02:00", EntryKind::Note)).unwrap().seq,
        3
    );
    assert_eq!(seqs(&store::read(&path).unwrap().entries), [1, 2, 3]);
    let listed = store::list_sessions(dir.path()).unwrap();
    assert_eq!(
        (listed.sessions.len(), listed.unreadable.len()),
        (1, 0),
        "the lock file is no session"
    );
}

const HOLD_DIR: &str = "DRCONSOLE_TEST_HOLD_DIR";

/// The child process of `a_killed_holder_never_blocks_the_next_console`:
/// resumes the session in `HOLD_DIR`, appends one entry, holds it forever.
#[test]
#[ignore = "a helper process, started by a_killed_holder_never_blocks_the_next_console"]
fn hold_a_session_until_killed() {
    let Some(dir) = std::env::var_os(HOLD_DIR) else {
        return;
    };
    let (mut journal, _) = Journal::resume(Path::new(&dir), rally("carol"))
        .unwrap()
        .unwrap();
    journal.append(draft("02:30:00", EntryKind::Note)).unwrap();
    loop {
        std::thread::sleep(std::time::Duration::from_secs(3600));
    }
}

/// Kills the child on every exit path, so a failed test leaves no process.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_killed_holder_never_blocks_the_next_console() {
    let dir = tempfile::tempdir().unwrap();
    let path = session(dir.path(), rally("alice"), "02:00:00")
        .path()
        .to_path_buf();
    let mut child = KillOnDrop(
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "hold_a_session_until_killed", "--ignored"])
            .env(HOLD_DIR, dir.path())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap(),
    );
    let pid = child.0.id();
    let watched = path.clone();
    common::mutate::within(
        std::time::Duration::from_secs(60),
        "the child's lock",
        move || {
            while lock::holder(&watched).is_none_or(|h| h.pid != pid)
                || store::read(&watched).unwrap().entries.len() < 2
            {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        },
    );
    let err = Journal::resume(dir.path(), rally("bob")).unwrap_err();
    assert!(err.to_string().contains("is in use by carol on "), "{err}");
    assert!(err.to_string().contains(&format!("(pid {pid})")), "{err}");

    // kill -9: no destructor runs, its record stays behind, its lock does not.
    child.0.kill().unwrap();
    child.0.wait().unwrap();
    assert_eq!(lock::holder(&path).unwrap().pid, pid, "a stale record");
    let (mut bob, replay) = Journal::resume(dir.path(), rally("bob")).unwrap().unwrap();
    assert_eq!(seqs(&replay.entries), [1, 2]);
    assert_eq!(lock::holder(&path).unwrap().pid, std::process::id());
    assert_eq!(
        bob.append(draft("02:40:00", EntryKind::Note)).unwrap().seq,
        3
    );
    assert_eq!(seqs(&store::read(&path).unwrap().entries), [1, 2, 3]);
}

/// On a pseudo-terminal, so the console would really start if the refusal
/// did not stop it first.
#[cfg(unix)]
#[test]
fn a_held_session_named_on_the_command_line_stops_the_console_before_it_starts() {
    let dir = tempfile::tempdir().unwrap();
    let drill = SessionMeta {
        drill: true,
        ..meta("Rally production", "instance-failure", "alice")
    };
    let held = session(dir.path(), drill, "02:00:00");
    let before = fs::read(held.path()).unwrap();
    let journal_dir = dir.path().display().to_string();
    let args = [
        "demo",
        "--scenario",
        "instance-failure",
        "--resume",
        "--operator",
        "bob",
        "--journal-dir",
        journal_dir.as_str(),
    ];
    let mut pty = common::pty::Pty::spawn(&args, dir.path(), 24, 400);
    let status = pty.wait_exit();
    let output = pty.screen.lock().unwrap().screen().contents();
    let holder = lock::holder(held.path()).unwrap();
    assert_eq!(status, Some(2), "{output}");
    assert_eq!(
        output.trim(),
        format!(
            "drconsole: session {} is in use by alice on {} (pid {}) since {}",
            held.path().display(),
            holder.host,
            std::process::id(),
            holder.since.strftime("%Y-%m-%dT%H:%M:%SZ")
        )
    );
    assert_eq!(fs::read(held.path()).unwrap(), before);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        2,
        "no new session"
    );
}
