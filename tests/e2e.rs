//! End to end on the simulated source: keys go through the app's update
//! loop, entries through the real journal on disk, confirmations into the
//! simulated world, whose live state comes back through the real poller.

mod common;

use std::time::Duration;

use common::console::{Console, SCENARIO};
use crossterm::event::KeyCode;
use drconsole::app::{Action, App, Effect, Mode, Origin, StepStatus};
use drconsole::domain::verify::Outcome;
use drconsole::journal::entry::EntryKind;
use drconsole::journal::store;
use drconsole::sources::SourceUpdate;

#[tokio::test(start_paused = true)]
async fn walk_a_scenario_and_resume_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(5)).await;
    assert!(console.app().live().rds.data.is_some(), "live data arrived");

    // 1. declare: no check, confirmed at once.
    assert_eq!(console.app().selected(), console.step_index("declare"));
    console.press(KeyCode::Enter);
    // 2. restore: its check (the restore instance exists) is not met yet, so
    //    the console asks once more; confirming records it against the evidence.
    assert_eq!(console.app().selected(), console.step_index("restore"));
    assert_eq!(console.outcome("restore"), Outcome::NotMet);
    console.press(KeyCode::Enter);
    assert_eq!(
        *console.app().mode(),
        Mode::ConfirmAgainst {
            step: console.step_index("restore")
        }
    );
    console.press(KeyCode::Char('y'));

    // The simulated world reacts: the restore instance appears and, after
    // a while, becomes available, which the next step's check sees.
    console.run_for(Duration::from_secs(60)).await;
    assert_eq!(console.outcome("restore"), Outcome::Met);
    assert_eq!(console.outcome("restore-available"), Outcome::NotMet);
    console.run_for(Duration::from_secs(40 * 60)).await;
    assert_eq!(console.outcome("restore-available"), Outcome::Met);
    // 3. restore-available: met, confirmed without a question.
    console.press(KeyCode::Enter);
    assert_eq!(*console.app().mode(), Mode::Normal);

    // 4. validate-db: skipped with a reason, then the skip is undone.
    assert_eq!(console.app().selected(), console.step_index("validate-db"));
    console.press(KeyCode::Char('s'));
    console.press(KeyCode::Enter); // an empty reason is refused
    assert!(matches!(console.app().mode(), Mode::Input { .. }));
    console.type_text("psql not installed on the jump host");
    console.press(KeyCode::Enter);
    console.press(KeyCode::Char('u'));
    assert!(console.app().statuses()[console.step_index("validate-db")].is_pending());
    console.press(KeyCode::Char('n'));
    console.type_text("restored instance looks healthy");
    console.press(KeyCode::Enter);

    // Quit asks first while steps remain.
    console.press(KeyCode::Char('q'));
    assert_eq!(*console.app().mode(), Mode::ConfirmQuit);
    console.press(KeyCode::Char('y'));
    assert!(console.session.exit);

    let path = console.session.journal_path().unwrap();
    let read = store::read(&path).unwrap();
    assert!(read.warnings.is_empty(), "{:?}", read.warnings);
    let kinds: Vec<(EntryKind, Option<&str>)> = read
        .entries
        .iter()
        .map(|e| (e.kind, e.step.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EntryKind::SessionStarted, None),
            (EntryKind::Confirmed, Some("declare")),
            (EntryKind::Confirmed, Some("restore")),
            (EntryKind::Confirmed, Some("restore-available")),
            (EntryKind::Skipped, Some("validate-db")),
            (EntryKind::Undone, Some("validate-db")),
            (EntryKind::Note, Some("validate-db")),
            (EntryKind::SessionPaused, None),
        ]
    );
    let e = &read.entries;
    assert!(
        e.iter()
            .all(|e| e.drill && e.actor == "alice" && e.scenario.as_deref() == Some(SCENARIO))
    );
    let restore = e[2].evidence.as_ref().unwrap();
    assert!(restore.against_evidence);
    assert_eq!(restore.check.as_ref().unwrap().outcome, Outcome::NotMet);
    assert!(
        restore
            .state
            .iter()
            .any(|l| l.contains("rally-prod-db available")),
        "{:?}",
        restore.state
    );
    let available = e[3].evidence.as_ref().unwrap();
    assert!(!available.against_evidence);
    assert_eq!(available.check.as_ref().unwrap().outcome, Outcome::Met);
    assert_eq!(
        e[4].note.as_deref(),
        Some("psql not installed on the jump host")
    );
    assert_eq!(e[5].undoes, Some(e[4].seq));
    assert_eq!(
        e[6].note.as_deref(),
        Some("restored instance looks healthy")
    );
    assert!(e.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    // Times come from the simulated clock: the wait for the restore is in them.
    assert!(e[3].time.duration_since(e[2].time).as_secs() >= 40 * 60);

    // The export measures both objectives: the RTO from the session's start
    // (it declared the incident) and the RPO from the first estimate, made
    // with the first step since the session opened before any live data.
    let markdown =
        drconsole::journal::export::markdown(e, Some(&drconsole::runbook::builtin::rally()));
    assert!(
        markdown.contains("**RTO achieved:**") && markdown.contains("target 12h"),
        "{markdown}"
    );
    let rpo = markdown
        .lines()
        .find(|l| l.contains("**RPO at declaration:**"))
        .unwrap();
    assert!(
        rpo.contains("latest restorable time of rally-prod-db")
            && rpo.contains("first estimated at 02:00:05"),
        "{rpo}"
    );
    assert!(rpo.contains("target 4h: met"), "{rpo}");

    // --resume shows the same steps done and carries on in the same file,
    // once the first console has let go of it.
    drop(console);
    let mut resumed = Console::open(dir.path(), true);
    assert_eq!(resumed.session.journal_path().unwrap(), path);
    let statuses = resumed.app().statuses();
    for id in ["declare", "restore", "restore-available"] {
        assert!(
            matches!(
                statuses[resumed.step_index(id)],
                StepStatus::Confirmed { .. }
            ),
            "{id} confirmed after resume"
        );
    }
    assert!(statuses[resumed.step_index("validate-db")].is_pending());
    assert_eq!(
        resumed.app().selected(),
        resumed.step_index("validate-db"),
        "cursor on the first pending step"
    );
    assert_eq!(resumed.app().log().len(), 9, "8 replayed + resumed");
    assert_eq!(
        resumed.app().log().last().unwrap().kind,
        EntryKind::SessionResumed
    );
    resumed.run_for(Duration::from_secs(3)).await;
    resumed.press(KeyCode::Char('q'));
    resumed.press(KeyCode::Char('y'));
    let again = store::read(&path).unwrap();
    assert_eq!(again.entries.len(), 10);
    assert_eq!(again.entries[9].seq, 10);
}

#[tokio::test(start_paused = true)]
async fn three_confirmed_one_skipped_is_exactly_what_the_journal_holds() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(3)).await;
    for _ in 0..3 {
        console.press(KeyCode::Char(' '));
        if matches!(console.app().mode(), Mode::ConfirmAgainst { .. }) {
            console.press(KeyCode::Char('y'));
        }
    }
    console.press(KeyCode::Char('s'));
    console.type_text("done by hand");
    console.press(KeyCode::Enter);
    console.press(KeyCode::Char('q'));
    console.press(KeyCode::Char('y'));

    let read = store::read(&console.session.journal_path().unwrap()).unwrap();
    let steps: Vec<_> = read
        .entries
        .iter()
        .filter(|e| e.step.is_some())
        .map(|e| (e.kind, e.note.clone()))
        .collect();
    assert_eq!(
        steps,
        vec![
            (EntryKind::Confirmed, None),
            (EntryKind::Confirmed, None),
            (EntryKind::Confirmed, None),
            (EntryKind::Skipped, Some("done by hand".into())),
        ]
    );
    assert_eq!(
        read.entries.first().unwrap().kind,
        EntryKind::SessionStarted
    );
    assert_eq!(read.entries.last().unwrap().kind, EntryKind::SessionPaused);
    assert_eq!(read.entries.len(), 6);
}

#[tokio::test(start_paused = true)]
async fn a_journal_that_cannot_be_written_leaves_steps_pending() {
    let dir = tempfile::tempdir().unwrap();
    // A plain file where the journal directory should be: nothing can be
    // created under it, whoever runs the test.
    let blocked = dir.path().join("not-a-dir");
    std::fs::write(&blocked, "").unwrap();
    let mut console = Console::open(&blocked, false);
    console.run_for(Duration::from_secs(3)).await;
    console.press(KeyCode::Enter);
    assert!(console.app().statuses().iter().all(StepStatus::is_pending));
    let message = console.app().message().unwrap_or_default().to_string();
    assert!(message.contains("journal"), "{message}");
    assert!(console.session.journal_path().is_none());
}

#[tokio::test(start_paused = true)]
async fn nothing_redraws_while_nothing_changes() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(5)).await;
    console.session.app.take_dirty();
    // Feed only poll results for a minute (no clock ticks): the simulated
    // state that moves dirties the screen, an unchanged one must not.
    let mut unchanged = 0;
    let end = tokio::time::Instant::now() + Duration::from_secs(60);
    while let Ok(Some(update)) = tokio::time::timeout_at(end, console.updates.recv()).await {
        let is_unchanged = matches!(update, SourceUpdate::Unchanged { .. });
        console.session.dispatch(Action::Source(update));
        if is_unchanged {
            unchanged += 1;
            assert!(!console.session.app.take_dirty(), "unchanged data redrew");
        } else {
            console.session.app.take_dirty();
        }
    }
    assert!(
        unchanged > 0,
        "the simulated backups stay the same between polls"
    );
}

/// Appends are synchronous, so a second write never waits on the first:
/// each action that records something asks for its own append at once.
#[test]
fn every_write_is_asked_for_at_once() {
    use crossterm::event::{KeyEvent, KeyModifiers};
    let origin = Origin {
        source: "simulated".into(),
        simulated: true,
    };
    let now = "2026-03-14T02:00:00Z".parse().unwrap();
    let mut app = App::new(
        drconsole::runbook::builtin::rally(),
        origin,
        now,
        Some(SCENARIO),
    );
    let mut key = |code| app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    let appends = |effects: Vec<Effect>| {
        effects
            .iter()
            .filter(|e| matches!(e, Effect::Append(_)))
            .count()
    };
    assert_eq!(appends(key(KeyCode::Enter)), 1, "confirm the first step");
    key(KeyCode::Char('n'));
    key(KeyCode::Char('x'));
    assert_eq!(
        appends(key(KeyCode::Enter)),
        1,
        "a note before the confirm is back"
    );
    assert_eq!(app.message(), None);
}

/// Issue 9, item 7: a second console resuming a session another one holds
/// is refused, says who holds it, and records nothing anywhere, neither in
/// the held file nor in a new one (which would fork the incident's record).
#[tokio::test(start_paused = true)]
async fn a_second_console_on_a_held_session_is_refused_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Console::open(dir.path(), false);
    first.run_for(Duration::from_secs(3)).await;
    let path = first.session.journal_path().unwrap();
    let before = std::fs::read(&path).unwrap();

    let mut second = Console::open(dir.path(), true);
    let reason = second.session.refused().unwrap().to_string();
    assert!(
        reason.starts_with(&format!(
            "session {} is in use by alice on ",
            path.display()
        )),
        "{reason}"
    );
    assert!(
        reason.contains(&format!(" (pid {}) since ", std::process::id())),
        "{reason}"
    );
    assert_eq!(second.app().message(), Some(reason.as_str()));
    assert_eq!(second.session.journal_path(), None);

    second.run_for(Duration::from_secs(3)).await;
    second.press(KeyCode::Enter);
    assert_eq!(
        second.app().message(),
        Some("journal write failed, nothing recorded: no journal is open")
    );
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        2,
        "the file and its lock file"
    );

    // The holder carries on; after it, a resume continues the same seqs.
    first.press(KeyCode::Enter);
    drop((first, second));
    let third = Console::open(dir.path(), true);
    assert_eq!(third.session.refused(), None);
    assert_eq!(third.session.journal_path().unwrap(), path);
    let seqs: Vec<u64> = store::read(&path)
        .unwrap()
        .entries
        .iter()
        .map(|e| e.seq)
        .collect();
    assert_eq!(seqs, [1, 2, 3]);
}

/// The same refusal when the scenario is chosen in the picker: shown on
/// screen, nothing recorded.
#[tokio::test(start_paused = true)]
async fn choosing_a_held_session_in_the_picker_is_refused_on_screen() {
    use drconsole::runtime::{JournalSettings, launch};
    let dir = tempfile::tempdir().unwrap();
    let first = Console::open(dir.path(), false);
    let path = first.session.journal_path().unwrap();
    let before = std::fs::read(&path).unwrap();

    let runbook = drconsole::runbook::builtin::rally();
    let index = runbook
        .scenarios
        .iter()
        .position(|s| s.id == SCENARIO)
        .unwrap();
    let clock = drconsole::clock::Clock::sim("2026-03-14T02:10:00Z".parse().unwrap());
    let source = std::sync::Arc::new(drconsole::sources::sim::SimSource::new(
        &runbook.environment,
        7,
        clock.clone(),
    ));
    let origin = Origin {
        source: "simulated".into(),
        simulated: true,
    };
    let app = App::new(runbook, origin, clock.now(), None);
    let settings = JournalSettings {
        dir: dir.path().to_path_buf(),
        actor: "bob".into(),
        resume: true,
        runbook_ref: None,
        share: None,
    };
    let mut second = launch(app, source, clock, settings).session;
    assert_eq!(second.refused(), None, "nothing chosen yet");
    let key = |code| Action::Key(crossterm::event::KeyEvent::from(code));
    for _ in 0..index {
        second.dispatch(key(KeyCode::Down));
    }
    second.dispatch(key(KeyCode::Enter));

    let reason = second.refused().unwrap().to_string();
    assert!(
        reason.starts_with(&format!(
            "session {} is in use by alice on ",
            path.display()
        )),
        "{reason}"
    );
    assert_eq!(second.app.message(), Some(reason.as_str()));
    assert_eq!(second.journal_path(), None);
    assert_eq!(std::fs::read(&path).unwrap(), before);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2);
}
