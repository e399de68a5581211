//! A shared session's log holds entries of several operators that can
//! conflict: the first resolution of a step stands and a second is logged
//! as already done; an undo takes back exactly the entry it names; the
//! checklist names whoever else started or resolved a step.

mod common;

use std::collections::BTreeMap;

use drconsole::app::{Action, AlreadyDone, App, StepStatus};
use drconsole::journal::entry::{Entry, EntryKind};
use drconsole::ui::export::to_text;
use drconsole::ui::{checklist, log};
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The fixture's db-failure console with live data, run by alice.
fn alices_console() -> App {
    let mut app = common::app_with_live();
    app.set_operator("alice".into());
    app
}

/// An entry of the fixture session by `actor`.
fn by(actor: &str, seq: u64, kind: EntryKind, step: &str) -> Entry {
    Entry {
        actor: actor.into(),
        ..common::entry(seq, kind, Some(step), None)
    }
}

fn undo(actor: &str, seq: u64, undoes: u64) -> Entry {
    Entry {
        actor: actor.into(),
        undoes: Some(undoes),
        ..common::entry(seq, EntryKind::Undone, None, None)
    }
}

fn opened() -> Entry {
    common::entry(1, EntryKind::SessionStarted, None, None)
}

/// A step's status as the pieces the tests compare: kind, seq, actor.
fn standing(app: &App, step: usize) -> Option<(&'static str, u64, String)> {
    let status = &app.statuses()[step];
    let kind = match status {
        StepStatus::Pending => return None,
        StepStatus::Confirmed { .. } => "confirmed",
        StepStatus::Skipped { .. } => "skipped",
    };
    Some((kind, status.seq()?, status.actor()?.to_string()))
}

fn log_text(app: &App) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, 90, 12));
    log::render(buf.area, &mut buf, &app.view().log, &common::pane_ctx());
    to_text(&buf)
}

fn checklist_text(app: &App) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, 90, 16));
    checklist::render(
        buf.area,
        &mut buf,
        &app.view().checklist,
        &common::pane_ctx(),
    );
    to_text(&buf)
}

fn line_with<'a>(text: &'a str, needle: &str) -> &'a str {
    text.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{text}"))
}

#[test]
fn a_second_confirm_keeps_the_first_and_is_logged_as_already_done() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![opened()]));
    app.update(Action::Journaled(by(
        "alice",
        12,
        EntryKind::Confirmed,
        "declare",
    )));
    app.update(Action::Replayed(vec![by(
        "bob",
        13,
        EntryKind::Confirmed,
        "declare",
    )]));

    assert_eq!(
        standing(&app, 0),
        Some(("confirmed", 12, "alice".into())),
        "the first resolution stands"
    );
    assert_eq!(app.log().len(), 3, "both confirms are in the log");
    let text = log_text(&app);
    assert!(
        line_with(&text, "bob confirmed").contains("declare (already done by alice, #12)"),
        "{text}"
    );
    assert!(
        !line_with(&text, "alice confirmed").contains("already done"),
        "{text}"
    );
}

#[test]
fn a_skip_after_a_confirm_keeps_the_confirm_and_tells_its_writer() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![
        opened(),
        by("bob", 2, EntryKind::Confirmed, "restore"),
    ]));
    // Alice's own skip lands after bob's confirm reached her console.
    app.update(Action::Journaled(by(
        "alice",
        3,
        EntryKind::Skipped,
        "restore",
    )));

    assert_eq!(standing(&app, 1), Some(("confirmed", 2, "bob".into())));
    assert_eq!(
        app.already_done().get(&3),
        Some(&AlreadyDone {
            seq: 2,
            actor: "bob".into()
        })
    );
    let message = app.message().unwrap_or_default();
    assert!(message.contains("already done by bob (#2)"), "{message}");
}

#[test]
fn undoing_the_first_resolution_lets_the_standing_second_stand() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![
        opened(),
        by("alice", 2, EntryKind::Confirmed, "declare"),
        by("bob", 3, EntryKind::Skipped, "declare"),
    ]));
    let remaining = app.remaining();

    app.update(Action::Replayed(vec![undo("alice", 4, 2)]));
    assert_eq!(standing(&app, 0), Some(("skipped", 3, "bob".into())));
    assert_eq!(app.remaining(), remaining, "the step is still resolved");

    // Taking back the second too leaves nothing standing.
    app.update(Action::Replayed(vec![undo("bob", 5, 3)]));
    assert_eq!(standing(&app, 0), None);
    assert_eq!(app.remaining(), remaining + 1);
}

#[test]
fn undoing_the_duplicate_changes_no_status() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![
        opened(),
        by("alice", 2, EntryKind::Confirmed, "declare"),
        by("bob", 3, EntryKind::Confirmed, "declare"),
    ]));
    app.update(Action::Replayed(vec![undo("bob", 4, 3)]));
    assert_eq!(standing(&app, 0), Some(("confirmed", 2, "alice".into())));

    // With the duplicate taken back, undoing the first leaves the step pending.
    app.update(Action::Replayed(vec![undo("alice", 5, 2)]));
    assert_eq!(standing(&app, 0), None);
}

#[test]
fn undoing_an_unknown_seq_or_an_entry_that_is_no_resolution_changes_nothing() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![
        opened(),
        by("alice", 2, EntryKind::StepStarted, "restore"),
        by("alice", 3, EntryKind::Confirmed, "declare"),
    ]));
    let before = app.statuses().to_vec();
    app.update(Action::Replayed(vec![
        undo("bob", 4, 99),
        undo("bob", 5, 1),
        undo("bob", 6, 2),
    ]));
    assert_eq!(app.statuses(), before.as_slice());
    assert!(app.started()[1].is_some(), "the start is not taken back");

    // The undo of seq 99 does not wait for it: an entry 99 arriving later stands.
    app.update(Action::Replayed(vec![by(
        "bob",
        99,
        EntryKind::Confirmed,
        "restore",
    )]));
    assert_eq!(standing(&app, 1), Some(("confirmed", 99, "bob".into())));
}

#[test]
fn u_names_the_latest_standing_resolution_not_a_duplicate() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![
        opened(),
        by("alice", 2, EntryKind::Confirmed, "declare"),
        by("bob", 3, EntryKind::Confirmed, "restore"),
        by("alice", 4, EntryKind::Confirmed, "restore"),
    ]));
    let effects = app.update(Action::Key(crossterm::event::KeyEvent::from(
        crossterm::event::KeyCode::Char('u'),
    )));
    let named: Vec<Option<u64>> = effects
        .iter()
        .filter_map(|e| match e {
            drconsole::app::Effect::Append(d) if d.kind == EntryKind::Undone => Some(d.undoes),
            _ => None,
        })
        .collect();
    assert_eq!(named, vec![Some(3)], "bob's standing confirm of restore");
}

/// Alice's own entries come back journaled; bob's arrive merged.
fn one_by_one(entries: &[Entry]) -> App {
    let mut app = alices_console();
    for entry in entries {
        match entry.actor.as_str() {
            "alice" => app.update(Action::Journaled(entry.clone())),
            _ => app.update(Action::Replayed(vec![entry.clone()])),
        };
    }
    app
}

fn replayed(entries: &[Entry]) -> App {
    let mut app = alices_console();
    app.update(Action::Replayed(entries.to_vec()));
    app
}

type State = (
    Vec<StepStatus>,
    Vec<Option<(jiff::Timestamp, String)>>,
    BTreeMap<u64, AlreadyDone>,
    usize,
);

fn state(app: &App) -> State {
    (
        app.statuses().to_vec(),
        app.started()
            .iter()
            .map(|s| s.as_ref().map(|s| (s.at, s.actor.clone())))
            .collect(),
        app.already_done().clone(),
        app.remaining(),
    )
}

#[test]
fn replaying_the_log_gives_the_state_applying_it_one_by_one_gives() {
    let entries = vec![
        opened(),
        by("bob", 2, EntryKind::StepStarted, "restore"),
        by("alice", 3, EntryKind::Confirmed, "declare"),
        by("bob", 4, EntryKind::Confirmed, "declare"),
        by("alice", 5, EntryKind::StepStarted, "restore"),
        undo("alice", 6, 3),
        by("alice", 7, EntryKind::Skipped, "redeploy"),
        undo("bob", 8, 4),
        by("bob", 9, EntryKind::Confirmed, "redeploy"),
    ];
    let live = one_by_one(&entries);
    assert_eq!(state(&replayed(&entries)), state(&live));
    // And that state is the one the rules give.
    assert_eq!(standing(&live, 0), None);
    assert_eq!(standing(&live, 2), Some(("skipped", 7, "alice".into())));
    assert_eq!(
        live.started()[1].as_ref().map(|s| s.actor.as_str()),
        Some("bob"),
        "the first start stands"
    );
}

#[test]
fn the_checklist_names_another_operator_who_started_or_resolved_a_step() {
    let mut app = alices_console();
    app.update(Action::Replayed(vec![
        opened(),
        by("bob", 2, EntryKind::StepStarted, "restore"),
        by("alice", 3, EntryKind::StepStarted, "redeploy"),
        by("bob", 4, EntryKind::Confirmed, "declare"),
        by("alice", 5, EntryKind::Skipped, "alarms"),
    ]));
    let text = checklist_text(&app);
    assert!(
        line_with(&text, "Restore the database").contains("started by bob"),
        "{text}"
    );
    assert!(
        line_with(&text, "Declare the incident").contains("confirmed by bob"),
        "{text}"
    );
    assert!(
        !line_with(&text, "Redeploy the web").contains(" by "),
        "alice's own start names no one:\n{text}"
    );
    assert!(
        !line_with(&text, "Alarms back to OK").contains(" by "),
        "alice's own skip names no one:\n{text}"
    );
}

#[test]
fn a_console_whose_entries_are_all_its_own_draws_as_one_naming_no_operator() {
    let entries = vec![
        opened(),
        by("alice", 2, EntryKind::StepStarted, "restore"),
        by("alice", 3, EntryKind::Confirmed, "declare"),
    ];
    let own = replayed(&entries);
    let mut anonymous = common::app_with_live();
    anonymous.update(Action::Replayed(entries));
    assert_eq!(checklist_text(&own), checklist_text(&anonymous));
}

#[derive(Debug, Clone)]
enum Op {
    Start(usize),
    Confirm(usize),
    Skip(usize),
    /// Names this seq: earlier, later or never written.
    Undo(u64),
}

const STEPS: [&str; 3] = ["declare", "restore", "redeploy"];

fn log_of(ops: &[(bool, Op)]) -> Vec<Entry> {
    let mut entries = vec![opened()];
    for (seq, (bobs, op)) in (2..).zip(ops) {
        let actor = if *bobs { "bob" } else { "alice" };
        entries.push(match op {
            Op::Start(s) => by(actor, seq, EntryKind::StepStarted, STEPS[*s]),
            Op::Confirm(s) => by(actor, seq, EntryKind::Confirmed, STEPS[*s]),
            Op::Skip(s) => by(actor, seq, EntryKind::Skipped, STEPS[*s]),
            Op::Undo(target) => undo(actor, seq, *target),
        });
    }
    entries
}

/// The rule, read off the whole log: a resolution is taken back by a
/// later undo naming it; the step's status is its earliest one standing.
fn earliest_standing(entries: &[Entry], step: &str) -> Option<(&'static str, u64, String)> {
    entries.iter().enumerate().find_map(|(k, e)| {
        let resolves = matches!(e.kind, EntryKind::Confirmed | EntryKind::Skipped)
            && e.step.as_deref() == Some(step);
        let undone = entries[k + 1..]
            .iter()
            .any(|u| u.kind == EntryKind::Undone && u.undoes == Some(e.seq));
        (resolves && !undone).then(|| {
            let kind = match e.kind {
                EntryKind::Confirmed => "confirmed",
                _ => "skipped",
            };
            (kind, e.seq, e.actor.clone())
        })
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 256,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn replayed_equals_one_by_one_and_the_earliest_standing_resolution_stands(
        ops in proptest::collection::vec(
            (
                any::<bool>(),
                prop_oneof![
                    (0..3usize).prop_map(Op::Start),
                    (0..3usize).prop_map(Op::Confirm),
                    (0..3usize).prop_map(Op::Skip),
                    (0..24u64).prop_map(Op::Undo),
                ],
            ),
            0..20,
        )
    ) {
        let entries = log_of(&ops);
        let live = one_by_one(&entries);
        prop_assert_eq!(state(&replayed(&entries)), state(&live));
        for (i, step) in STEPS.iter().enumerate() {
            prop_assert_eq!(standing(&live, i), earliest_standing(&entries, step), "{}", step);
            let first_start = entries
                .iter()
                .find(|e| e.kind == EntryKind::StepStarted && e.step.as_deref() == Some(*step))
                .map(|e| e.actor.clone());
            prop_assert_eq!(
                live.started()[i].as_ref().map(|s| s.actor.clone()),
                first_start
            );
        }
    }
}

/// The postmortem says what the consoles said: the first resolution of a
/// step stands, the second is not its outcome.
#[test]
fn the_export_names_the_first_resolver_of_a_step_done_twice() {
    let entries = vec![
        opened(),
        by("alice", 2, EntryKind::Confirmed, "declare"),
        by("bob", 3, EntryKind::Skipped, "declare"),
    ];
    let markdown = drconsole::journal::export::markdown(&entries, Some(&common::runbook()));
    let row = line_with(&markdown, "| `declare` ");
    assert!(row.contains("| confirmed |"), "{row}");
    assert!(!row.contains("skipped"), "{row}");
    assert!(
        markdown.contains("**Steps:** 1 confirmed, 0 skipped"),
        "{markdown}"
    );
}
