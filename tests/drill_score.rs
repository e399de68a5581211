//! Drill scorecards (issue 12, item 7): scoring a session's entries against
//! its drill and runbook, the scorecard in `log export`, and `drill report`.

use std::path::Path;
use std::process::{Command, Output};

use drconsole::domain::rpo::RpoEstimate;
use drconsole::domain::snapshot::AlarmState;
use drconsole::drill::score::{self, StepOutcome, Trigger, Verdict};
use drconsole::drill::{self, Drill, Fault};
use drconsole::journal::entry::{Draft, DrillDetail, Entry, EntryEvidence, EntryKind};
use drconsole::journal::{Journal, SessionMeta};
use drconsole::runbook::builtin::builtin;
use drconsole::runbook::model::Runbook;
use drconsole::runbook::reference::RunbookRef;
use jiff::Timestamp;
use proptest::prelude::*;

/// Rally's instance failure, with an RTO of its own and three steps due.
const DRILL: &str = r#"
title = "Primary lost"
runbook = "rally"
scenario = "instance-failure"

[[inject]]
name = "primary-fails"
at = "0s"
instance = "rally-prod-db"
status = "failed"

[[inject]]
name = "app-errors"
at = "1m"
alarm = "rally-prod-app-5xx"
state = "ALARM"

[[inject]]
name = "errors-stop"
after_step = "redeploy"
delay = "2m"
alarm = "rally-prod-app-5xx"
state = "OK"

[[inject]]
name = "never"
after_step = "decommission"
alarm = "rally-prod-db-unavailable"
state = "OK"

[expect]
rto = "1h"

[[expect.step]]
step = "declare"
by = "5m"

[[expect.step]]
step = "restore"
by = "15m"

[[expect.step]]
step = "restore-available"
by = "45m"
"#;

fn drill() -> Drill {
    drill::parse(DRILL, "primary-lost.toml").unwrap()
}

fn rally() -> Runbook {
    builtin("rally").unwrap()
}

fn at(hms: &str) -> Timestamp {
    format!("2025-03-01T{hms}Z").parse().unwrap()
}

fn entry(seq: u64, time: &str, kind: EntryKind) -> Entry {
    Entry {
        seq,
        time: at(time),
        actor: "alice".into(),
        kind,
        runbook: "Rally production".into(),
        scenario: Some("instance-failure".into()),
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
    }
}

fn step(seq: u64, time: &str, kind: EntryKind, id: &str) -> Entry {
    Entry {
        step: Some(id.into()),
        ..entry(seq, time, kind)
    }
}

fn against_evidence(e: Entry) -> Entry {
    Entry {
        evidence: Some(EntryEvidence {
            against_evidence: true,
            ..EntryEvidence::default()
        }),
        ..e
    }
}

fn undo(seq: u64, time: &str, target: u64) -> Entry {
    Entry {
        undoes: Some(target),
        ..entry(seq, time, EntryKind::Undone)
    }
}

fn declared(seq: u64, time: &str, began: &str, rpo: u64) -> Entry {
    Entry {
        at: Some(at(began)),
        evidence: Some(EntryEvidence {
            rpo: Some(RpoEstimate {
                secs: rpo,
                basis: "latest restorable time of rally-prod-db".into(),
            }),
            ..EntryEvidence::default()
        }),
        ..entry(seq, time, EntryKind::IncidentDeclared)
    }
}

fn injected(seq: u64, time: &str, fault: Fault, note: &str) -> Entry {
    Entry {
        note: Some(note.into()),
        drill_detail: Some(DrillDetail {
            fault: Some(fault),
            ..DrillDetail::default()
        }),
        ..entry(seq, time, EntryKind::Injected)
    }
}

fn crash_loop() -> Fault {
    Fault::CrashLoop {
        service: "rally-prod-service-fargate".into(),
        reason: "OOM".into(),
        lasting: None,
    }
}

/// A whole drill: one step on time, one late, one undone then redone on
/// time, one skipped, one confirmed against the evidence, a facilitator's
/// inject, and an inject waiting for a step that never ran.
fn walked() -> Vec<Entry> {
    use EntryKind::*;
    vec![
        entry(1, "10:00:00", SessionStarted),
        declared(2, "10:00:30", "10:00:00", 180),
        step(3, "10:03:00", Confirmed, "declare"),
        step(4, "10:05:00", StepStarted, "restore"),
        step(5, "10:20:00", Confirmed, "restore"),
        step(6, "10:21:00", StepStarted, "restore-available"),
        against_evidence(step(7, "10:30:00", Confirmed, "restore-available")),
        undo(8, "10:31:00", 7),
        step(9, "10:40:00", Confirmed, "restore-available"),
        step(10, "10:41:00", Skipped, "validate-db"),
        injected(11, "10:42:00", crash_loop(), "surprise"),
        against_evidence(step(12, "10:45:00", Confirmed, "repoint-config")),
        step(13, "10:46:00", StepStarted, "redeploy"),
        step(14, "10:50:00", Confirmed, "redeploy"),
        step(15, "10:55:00", Confirmed, "verify-app"),
        step(16, "10:58:00", Confirmed, "status-update"),
        step(17, "10:58:30", Skipped, "decommission"),
        entry(18, "10:58:30", SessionCompleted),
    ]
}

fn step_score<'a>(card: &'a score::Scorecard, id: &str) -> &'a score::StepScore {
    card.steps.iter().find(|s| s.id == id).unwrap()
}

#[test]
fn rto_and_rpo_are_judged_against_the_drill_and_scenario_targets() {
    let card = score::score(&walked(), &drill(), &rally());
    assert_eq!(card.started, Some(at("10:00:00")));
    assert!(card.completed);
    // Declared start 10:00 → completion 10:58:30, against the drill's 1h.
    assert_eq!(card.rto.achieved, Some(58 * 60 + 30));
    assert_eq!(card.rto.target, Some(3600));
    assert_eq!(card.rto.target_from, "drill");
    assert_eq!(card.rto.verdict, Verdict::Met);
    // The declaration's estimate against the runbook's 4h.
    assert_eq!(card.rpo.achieved, Some(180));
    assert_eq!(card.rpo.target, Some(4 * 3600));
    assert_eq!(card.rpo.verdict, Verdict::Met);
    assert_eq!(card.result(), Verdict::Met);
}

#[test]
fn a_drill_past_its_rto_is_missed_and_without_its_own_rto_the_scenarios_counts() {
    let mut entries = walked();
    let last = entries.len() - 1;
    entries[last].time = at("11:00:01");
    let card = score::score(&entries, &drill(), &rally());
    assert_eq!(card.rto.achieved, Some(3601));
    assert_eq!(card.rto.verdict, Verdict::Missed);
    assert_eq!(card.result(), Verdict::Missed);

    let mut own = drill();
    own.expect.rto = None;
    let card = score::score(&entries, &own, &rally());
    assert_eq!(card.rto.target, Some(12 * 3600));
    assert_eq!(card.rto.target_from, "scenario");
    assert_eq!(card.rto.verdict, Verdict::Met);
}

#[test]
fn steps_on_time_late_skipped_and_confirmed_against_the_evidence() {
    let card = score::score(&walked(), &drill(), &rally());
    let declare = step_score(&card, "declare");
    assert_eq!(declare.outcome, StepOutcome::Confirmed);
    assert_eq!((declare.done_at, declare.due_by), (Some(180), Some(300)));
    assert_eq!(declare.on_time, Verdict::Met);
    // Never started: measured from the declared start.
    assert_eq!(
        (declare.actual, declare.actual_from),
        (Some(180), Some("declared"))
    );

    let restore = step_score(&card, "restore");
    assert_eq!((restore.done_at, restore.due_by), (Some(1200), Some(900)));
    assert_eq!(restore.on_time, Verdict::Missed);
    assert_eq!(
        (restore.actual, restore.actual_from),
        (Some(900), Some("started"))
    );
    assert_eq!(restore.expected, Some(600));

    let skipped = step_score(&card, "validate-db");
    assert_eq!(skipped.outcome, StepOutcome::Skipped);
    assert_eq!(skipped.actual, None);
    assert_eq!(skipped.on_time, Verdict::Unknown, "not due by any time");

    // Neither started: since the step before it (skipped at 10:41).
    let repoint = step_score(&card, "repoint-config");
    assert!(repoint.against_evidence);
    assert_eq!(
        (repoint.actual, repoint.actual_from),
        (Some(4 * 60), Some("previous step"))
    );
    assert!(!step_score(&card, "declare").against_evidence);
    assert_eq!(card.steps_on_time(), (2, 3));
    assert_eq!(card.steps_verdict(), Verdict::Missed);

    let md = card.markdown();
    let has = |line: &str| assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    has("| RTO | 1h (from the drill) | 58m30s | met |");
    has("| RPO at declaration | 4h | 3m (latest restorable time of rally-prod-db) | met |");
    has("| Steps on time | 3 due | 2 of 3 | missed |");
    has(
        "| `restore` Start a point-in-time restore to rally-prod-db-restore | confirmed | T+20m | 10m | 15m (**over by 5m**) | T+15m | missed |",
    );
    has(
        "| `repoint-config` Point the app's configuration at the new endpoint | confirmed **against evidence** | T+45m | 15m | 4m since previous step |  |  |",
    );
}

#[test]
fn an_undone_confirm_does_not_count() {
    let card = score::score(&walked(), &drill(), &rally());
    let redone = step_score(&card, "restore-available");
    assert_eq!(redone.undone, 1);
    // The standing confirm at 10:40, not the undone one against the evidence at 10:30.
    assert_eq!(redone.done_at, Some(40 * 60));
    assert_eq!(redone.actual, Some(19 * 60));
    assert!(!redone.against_evidence);
    assert_eq!(redone.on_time, Verdict::Met);

    // Undo the redone confirm too: the step is not done, and past its time.
    let mut entries = walked();
    entries.push(undo(19, "10:59:00", 9));
    let card = score::score(&entries, &drill(), &rally());
    let undone = step_score(&card, "restore-available");
    assert_eq!(undone.outcome, StepOutcome::NotDone);
    assert_eq!(undone.undone, 2);
    assert_eq!(undone.on_time, Verdict::Missed);

    // An undone completion: the drill goes on, its RTO not yet decided.
    let mut entries = walked();
    entries.push(undo(19, "10:59:00", 18));
    let card = score::score(&entries, &drill(), &rally());
    assert!(!card.completed);
    assert_eq!(
        card.rto.achieved,
        Some(58 * 60 + 30),
        "to the last resolution"
    );
    assert_eq!(card.rto.verdict, Verdict::Open);
}

#[test]
fn each_inject_is_answered_by_the_first_step_after_it_that_watches_its_resource() {
    let card = score::score(&walked(), &drill(), &rally());
    let by_name = |name: &str| {
        card.injects
            .iter()
            .find(|i| i.name.as_deref() == Some(name))
            .unwrap()
    };
    // The facilitator's crash loop at 10:42: `redeploy` watches the service.
    let surprise = by_name("surprise");
    assert_eq!(surprise.trigger, Trigger::Facilitator { seq: 11 });
    assert_eq!(surprise.at, Some(42 * 60));
    assert_eq!(surprise.answered_by.as_deref(), Some("redeploy"));
    assert_eq!(surprise.answered_after, Some(8 * 60));
    assert!(surprise.answer_watches);
    // `verify-app` watches the 5xx alarm; steps confirmed before it do not.
    let errors = by_name("app-errors");
    assert_eq!(errors.at, Some(60));
    assert_eq!(errors.answered_by.as_deref(), Some("verify-app"));
    assert_eq!(errors.answered_after, Some(54 * 60));
    // Two minutes after `redeploy` started (10:46).
    let stop = by_name("errors-stop");
    assert_eq!(stop.at, Some(48 * 60));
    assert_eq!(stop.answered_by.as_deref(), Some("verify-app"));
    assert_eq!(stop.answered_after, Some(7 * 60));
    // No step watches the old primary: the next step confirmed answers it.
    let primary = by_name("primary-fails");
    assert_eq!(primary.answered_by.as_deref(), Some("declare"));
    assert_eq!(primary.answered_after, Some(3 * 60));
    assert!(!primary.answer_watches);
    // `decommission` was skipped, never run: its inject never happened.
    let never = by_name("never");
    assert_eq!((never.at, &never.answered_by), (None, &None));
    assert_eq!(
        card.injects.last().and_then(|i| i.name.as_deref()),
        Some("never"),
        "those that never happened come last"
    );

    let md = card.markdown();
    assert!(
        md.lines().any(|l| l
            == "| surprise (rally-prod-service-fargate crash-loops) | facilitator (#11) | T+42m | `redeploy` | 8m |"),
        "{md}"
    );
    assert!(
        md.lines().any(|l| l
            == "| primary-fails (rally-prod-db failed) | timeline, T+0s | T+0s | `declare` (next confirmed) | 3m |"),
        "{md}"
    );
}

#[test]
fn an_undone_confirm_does_not_answer_an_inject() {
    use EntryKind::*;
    let entries = vec![
        entry(1, "10:00:00", SessionStarted),
        injected(2, "10:10:00", crash_loop(), "surprise"),
        step(3, "10:15:00", Confirmed, "redeploy"),
        undo(4, "10:16:00", 3),
        step(5, "10:25:00", Confirmed, "redeploy"),
    ];
    let card = score::score(&entries, &drill(), &rally());
    let surprise = card
        .injects
        .iter()
        .find(|i| i.trigger == Trigger::Facilitator { seq: 2 })
        .unwrap();
    assert_eq!(surprise.answered_after, Some(15 * 60));
    // No declaration: the incident began when the session did.
    assert_eq!(card.rto.achieved, Some(25 * 60));
    assert_eq!(card.rpo.verdict, Verdict::Unknown);
}

#[test]
fn the_json_scorecard_carries_every_figure() {
    let card = score::score(&walked(), &drill(), &rally());
    let json: serde_json::Value = serde_json::from_str(&card.json()).unwrap();
    assert_eq!(json["rto"]["achieved"], 58 * 60 + 30);
    assert_eq!(json["rto"]["verdict"], "met");
    assert_eq!(
        json["rpo"]["basis"],
        "latest restorable time of rally-prod-db"
    );
    let steps = json["steps"].as_array().unwrap();
    assert_eq!(
        steps.len(),
        rally().scenario("instance-failure").unwrap().steps.len()
    );
    assert_eq!(steps[1]["id"], "restore");
    assert_eq!(steps[1]["on_time"], "missed");
    assert_eq!(json["injects"][0]["trigger"]["kind"], "timeline");
}

fn any_kind() -> impl Strategy<Value = EntryKind> {
    use EntryKind::*;
    prop::sample::select(vec![
        SessionStarted,
        SessionResumed,
        IncidentDeclared,
        StepStarted,
        Confirmed,
        Skipped,
        Undone,
        Note,
        SessionPaused,
        SessionCompleted,
        Injected,
        ClockChanged,
        DrillScored,
    ])
}

proptest! {
    /// Any entries in any order, undoing anything (themselves, each other,
    /// what does not exist), at any time: scoring never panics, and what it
    /// says holds together.
    #[test]
    fn scoring_arbitrary_entries_never_panics(
        raw in prop::collection::vec(
            (any_kind(), 0usize..12, any::<i32>(), 0u64..40, prop::option::of(0u64..40), any::<bool>()),
            0..40,
        ),
    ) {
        let steps = ["declare", "restore", "restore-available", "redeploy", "verify-app", "nope"];
        let base = at("10:00:00");
        let entries: Vec<Entry> = raw
            .iter()
            .map(|&(kind, step, offset, seq, undoes, fault)| Entry {
                seq,
                time: base.saturating_add(jiff::SignedDuration::from_secs(offset.into())).unwrap(),
                step: steps.get(step).map(|s| s.to_string()),
                undoes,
                at: (step % 3 == 0).then_some(base),
                drill_detail: fault.then(|| DrillDetail {
                    fault: Some(Fault::Alarm {
                        alarm: "rally-prod-app-5xx".into(),
                        state: AlarmState::Alarm,
                    }),
                    ..DrillDetail::default()
                }),
                ..entry(0, "10:00:00", kind)
            })
            .collect();
        let card = score::score(&entries, &drill(), &rally());
        let scenario_steps = rally().scenario("instance-failure").unwrap().steps.len();
        prop_assert!(card.steps.len() >= scenario_steps);
        for s in &card.steps {
            if s.on_time == Verdict::Met {
                prop_assert!(s.done_at <= s.due_by && s.done_at.is_some());
            }
            prop_assert_eq!(s.actual.is_some(), s.outcome == StepOutcome::Confirmed);
        }
        for i in &card.injects {
            prop_assert!(i.answered_by.is_none() || i.at.is_some());
        }
        prop_assert!(card.markdown().starts_with("## Drill scorecard\n"));
        prop_assert!(serde_json::from_str::<serde_json::Value>(&card.json()).is_ok());
    }
}

// `log export` and `drill report`, through the binary.

fn drconsole(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drconsole {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// A finished session of rally's instance failure staging `drill_name`,
/// starting on `day` at 10:00, declared with an RPO of 3m, its last step
/// at `end` (HH:MM:SS that day).
fn write_session(dir: &Path, drill_name: Option<&str>, day: &str, end: &str) -> std::path::PathBuf {
    let time = |hms: &str| -> Timestamp { format!("{day}T{hms}Z").parse().unwrap() };
    let meta = SessionMeta {
        runbook: "Rally production".into(),
        scenario: "instance-failure".into(),
        actor: "alice".into(),
        drill: drill_name.is_some(),
    };
    let mut journal = Journal::create(dir, meta, time("10:00:00")).unwrap();
    let drafts = [
        Draft {
            runbook_ref: Some(RunbookRef::Builtin("rally".into())),
            drill_detail: drill_name.map(|name| DrillDetail {
                name: Some(name.into()),
                wall: Some(time("10:00:00")),
                ..DrillDetail::default()
            }),
            ..Draft::new(time("10:00:00"), EntryKind::SessionStarted)
        },
        Draft {
            evidence: Some(EntryEvidence {
                rpo: Some(RpoEstimate {
                    secs: 180,
                    basis: "latest restorable time of rally-prod-db".into(),
                }),
                ..EntryEvidence::default()
            }),
            at: Some(time("10:00:00")),
            ..Draft::new(time("10:00:10"), EntryKind::IncidentDeclared)
        },
        Draft {
            step: Some("declare".into()),
            ..Draft::new(time("10:04:00"), EntryKind::Confirmed)
        },
        Draft {
            step: Some("restore".into()),
            ..Draft::new(time("10:20:00"), EntryKind::Confirmed)
        },
        Draft {
            step: Some("restore-available".into()),
            ..Draft::new(time(end), EntryKind::Confirmed)
        },
        Draft::new(time(end), EntryKind::SessionCompleted),
    ];
    for draft in drafts {
        journal.append(draft).unwrap();
    }
    journal.path().to_path_buf()
}

#[test]
fn log_export_shows_the_scorecard_of_a_drill_session() {
    let dir = tempfile::tempdir().unwrap();
    let file = write_session(
        dir.path(),
        Some("rally-instance-failure"),
        "2025-03-01",
        "10:40:00",
    );
    let path = file.to_str().unwrap();

    let md = stdout(&drconsole(&["log", "export", path]));
    let has = |line: &str| assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    has("## Drill scorecard");
    // The shipped drill sets no RTO of its own: the scenario's 12h.
    has("| RTO | 12h (from the scenario) | 40m | met |");
    has("| Steps on time | 3 due | 2 of 3 | missed |");
    let scorecard = md.find("## Drill scorecard").unwrap();
    assert!(
        scorecard < md.find("## Steps").unwrap(),
        "after the summary: {md}"
    );

    let json: serde_json::Value = serde_json::from_str(&stdout(&drconsole(&[
        "log", "export", "--format", "json", path,
    ])))
    .unwrap();
    assert_eq!(json["entries"].as_array().unwrap().len(), 6);
    assert_eq!(json["scorecard"]["rto"]["achieved"], 40 * 60);
    assert_eq!(
        json["scorecard"]["drill"],
        "The primary database instance fails"
    );
}

#[test]
fn log_export_says_why_a_drill_session_has_no_scorecard() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("gone.toml");
    let file = write_session(
        dir.path(),
        Some(missing.to_str().unwrap()),
        "2025-03-01",
        "10:40:00",
    );
    let path = file.to_str().unwrap();
    let md = stdout(&drconsole(&["log", "export", path]));
    assert!(
        md.contains("## Drill scorecard\n\nNot scored: drill "),
        "{md}"
    );
    assert!(md.contains("gone.toml"), "{md}");

    let json: serde_json::Value = serde_json::from_str(&stdout(&drconsole(&[
        "log", "export", "--format", "json", path,
    ])))
    .unwrap();
    assert!(json["scorecard"].is_null());
    assert!(
        json["scorecard_unavailable"]
            .as_str()
            .unwrap()
            .contains("gone.toml")
    );
}

/// Tags open and close in order: enough to call the chart well-formed.
fn balanced(svg: &str) -> bool {
    let mut open: Vec<String> = Vec::new();
    for tag in svg.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or_default();
        let name = |t: &str| t.split_whitespace().next().unwrap_or_default().to_string();
        if let Some(closing) = tag.strip_prefix('/') {
            if open.pop() != Some(name(closing)) {
                return false;
            }
        } else if !tag.ends_with('/') {
            open.push(name(tag));
        }
    }
    open.is_empty()
}

#[test]
fn drill_report_tables_every_drill_of_the_runbook_and_charts_their_rto() {
    let dir = tempfile::tempdir().unwrap();
    let journals = dir.path().join("journals");
    write_session(
        &journals,
        Some("rally-instance-failure"),
        "2025-03-01",
        "10:40:00",
    );
    write_session(
        &journals,
        Some("rally-instance-failure"),
        "2025-06-01",
        "10:30:00",
    );
    write_session(&journals, None, "2025-07-01", "10:30:00"); // not a drill
    let d = journals.to_str().unwrap();
    let svg_path = dir.path().join("rto.svg");

    let md = stdout(&drconsole(&[
        "drill",
        "report",
        "--journal-dir",
        d,
        "--svg",
        svg_path.to_str().unwrap(),
    ]));
    let has = |line: &str| assert!(md.lines().any(|l| l == line), "missing {line:?} in\n{md}");
    has("## Rally production");
    has("| Metric | Target | Last drill | Status |");
    // The last drill is June's.
    has("| RTO | 12h | 30m | met |");
    has("| RPO | 4h | 3m | met |");
    has("| Steps on time | 3 due | 2 of 3 | missed |");
    has("| 2025-03-01 | `instance-failure` | 40m of 12h | 3m of 4h | 2 of 3 | met |");
    has("| 2025-06-01 | `instance-failure` | 30m of 12h | 3m of 4h | 2 of 3 | met |");
    assert_eq!(md.matches("| 2025-").count(), 2, "{md}");

    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{svg}"
    );
    assert!(svg.ends_with("</svg>\n"), "{svg}");
    assert!(balanced(&svg), "{svg}");
    assert_eq!(svg.matches("class=\"bar\"").count(), 2, "{svg}");
    assert_eq!(svg.matches("class=\"target\"").count(), 2, "{svg}");
    // The same drills draw the same chart.
    let again = dir.path().join("again.svg");
    drconsole(&[
        "drill",
        "report",
        "--journal-dir",
        d,
        "--svg",
        again.to_str().unwrap(),
    ]);
    assert_eq!(std::fs::read_to_string(&again).unwrap(), svg);

    let json: serde_json::Value = serde_json::from_str(&stdout(&drconsole(&[
        "drill",
        "report",
        "--journal-dir",
        d,
        "--format",
        "json",
        "--runbook",
        "rally",
    ])))
    .unwrap();
    let group = &json["runbooks"][0];
    assert_eq!(group["runbook"], "Rally production");
    let drills = group["drills"].as_array().unwrap();
    assert_eq!(drills.len(), 2);
    assert_eq!(drills[0]["scorecard"]["rto"]["achieved"], 40 * 60);
    assert_eq!(drills[1]["scorecard"]["rto"]["achieved"], 30 * 60);
    assert_eq!(group["summary"][0]["metric"], "RTO");
    assert_eq!(group["summary"][0]["status"], "met");

    // Another runbook's drills only.
    let md = stdout(&drconsole(&[
        "drill",
        "report",
        "--journal-dir",
        d,
        "--runbook",
        "regami",
    ]));
    assert_eq!(md, "# Drill report\n\nNo scored drill.\n");
}
