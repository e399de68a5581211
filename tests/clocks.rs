//! The incident clocks under paused time: declaring (and setting back) the
//! start, the RPO as of declaration, and each step's time from its start.

mod common;

use std::time::Duration;

use common::console::Console;
use crossterm::event::KeyCode;
use drconsole::app::{Action, Mode, parse_start};
use drconsole::domain::verify::Outcome;
use drconsole::journal::entry::EntryKind;
use drconsole::journal::{export, store};
use drconsole::runbook::builtin;
use drconsole::ticks::Ticks;
use jiff::{SignedDuration, Timestamp};

fn now() -> Timestamp {
    "2026-03-14T02:00:00Z".parse().unwrap()
}

#[test]
fn start_times_as_an_operator_types_them() {
    let mins = |m| now() - SignedDuration::from_mins(m);
    assert_eq!(parse_start("", now()), Ok(now()));
    assert_eq!(parse_start("-25m", now()), Ok(mins(25)));
    assert_eq!(parse_start("25m ago", now()), Ok(mins(25)));
    assert_eq!(parse_start("1h 30m", now()), Ok(mins(90)));
    assert_eq!(parse_start("01:10", now()), Ok(mins(50)));
    // A clock time later than now is yesterday's.
    assert_eq!(parse_start("23:00", now()), Ok(mins(180)));
    assert_eq!(parse_start("2026-03-14T01:00:00Z", now()), Ok(mins(60)));
    assert!(
        parse_start("2026-03-15T01:00:00Z", now())
            .unwrap_err()
            .contains("future")
    );
    assert!(
        parse_start("after lunch", now())
            .unwrap_err()
            .contains("-25m")
    );
}

#[tokio::test(start_paused = true)]
async fn declaring_sets_the_start_back_and_records_the_rpo() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(10)).await;
    // Opening the console declares the incident at the session's start.
    let opened = console.app().incident_start().unwrap();

    console.press(KeyCode::Char('d'));
    console.type_text("soon");
    console.press(KeyCode::Enter);
    match console.app().mode() {
        Mode::Input {
            error: Some(error), ..
        } => assert!(error.contains("-25m"), "{error}"),
        other => panic!("a bad time is refused in the prompt: {other:?}"),
    }
    console.press(KeyCode::Esc);
    console.press(KeyCode::Char('d'));
    console.type_text("-30m");
    console.press(KeyCode::Enter);

    let start = console.app().incident_start().unwrap();
    assert_eq!(start, console.clock.now() - SignedDuration::from_mins(30));
    assert!(start < opened);
    let declared_rpo = console
        .app()
        .declared_rpo()
        .cloned()
        .expect("an RPO recorded with the declaration");
    // The figure recorded is the one the header shows (the keys arrived at
    // the same instant, so nothing was re-estimated since).
    assert_eq!(console.app().view().header.rpo, Some(&declared_rpo));
    assert!(
        declared_rpo.basis.contains("rally-prod-db")
            || declared_rpo.basis.contains("recovery point")
    );

    console.press(KeyCode::Char('q'));
    console.press(KeyCode::Char('y'));
    let entries = store::read(&console.session.journal_path().unwrap())
        .unwrap()
        .entries;
    let declared = entries
        .iter()
        .find(|e| e.kind == EntryKind::IncidentDeclared)
        .unwrap();
    assert_eq!(declared.at, Some(start));
    assert_eq!(
        declared.evidence.as_ref().unwrap().rpo.as_ref(),
        Some(&declared_rpo)
    );

    let markdown = export::markdown(&entries, Some(&builtin::rally()));
    assert!(
        markdown.contains("**Incident began:** 2026-03-14 01:30:10"),
        "{markdown}"
    );
    assert!(markdown.contains("**RPO at declaration:**"), "{markdown}");
    assert!(markdown.contains("target 4h: met"), "{markdown}");
}

#[tokio::test(start_paused = true)]
async fn starting_a_step_runs_it_and_times_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(3)).await;
    console.press(KeyCode::Enter); // declare (no check)

    // Start the restore: the simulated world begins it, the check turns met,
    // and confirming asks nothing.
    let restore = console.step_index("restore");
    assert_eq!(console.app().selected(), restore);
    assert_eq!(console.outcome("restore"), Outcome::NotMet);
    console.press(KeyCode::Char('x'));
    assert!(console.app().started()[restore].is_some());
    console.run_for(Duration::from_secs(7 * 60)).await;
    assert_eq!(console.outcome("restore"), Outcome::Met);
    let time = console.app().step_time(restore).unwrap();
    assert!(time.running && time.secs >= 7 * 60, "{time:?}");
    assert!(!time.over(), "10m expected");
    console.press(KeyCode::Enter);
    assert_eq!(
        *console.app().mode(),
        Mode::Normal,
        "no question: the check is met"
    );

    // The next step waits for the restore to finish, well past its start.
    console.run_for(Duration::from_secs(30 * 60)).await;
    console.press(KeyCode::Enter);
    console.press(KeyCode::Char('q'));
    console.press(KeyCode::Char('y'));

    let entries = store::read(&console.session.journal_path().unwrap())
        .unwrap()
        .entries;
    let kinds: Vec<_> = entries
        .iter()
        .map(|e| (e.kind, e.step.as_deref()))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (EntryKind::SessionStarted, None),
            (EntryKind::Confirmed, Some("declare")),
            (EntryKind::StepStarted, Some("restore")),
            (EntryKind::Confirmed, Some("restore")),
            (EntryKind::Confirmed, Some("restore-available")),
            (EntryKind::SessionPaused, None),
        ]
    );
    let confirmed = &entries[3];
    let evidence = confirmed.evidence.as_ref().unwrap();
    assert!(!evidence.against_evidence);
    assert_eq!(evidence.check.as_ref().unwrap().outcome, Outcome::Met);
    assert!(
        evidence.rpo.is_some(),
        "every step entry carries the live RPO"
    );
    assert_eq!(
        entries[4]
            .evidence
            .as_ref()
            .unwrap()
            .check
            .as_ref()
            .unwrap()
            .outcome,
        Outcome::Met
    );

    // The export measures the restore from its start, not from the step before.
    let markdown = export::markdown(&entries, Some(&builtin::rally()));
    let row = markdown
        .lines()
        .find(|l| l.contains("Start a point-in-time restore"))
        .unwrap();
    assert!(row.contains("7m"), "{row}");
}

/// The RTO clock's seconds as the header would draw them.
fn rto_shown(console: &Console) -> u64 {
    console.app().view().header.rto_elapsed.unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_sped_up_drill_counts_its_clock_second_by_second() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(3)).await;
    console.clock.drill().unwrap().set_speed(10);
    let mut ticks = Ticks::new(console.clock.clone());
    let mut shown = Vec::new();
    for _ in 0..5 {
        let at = ticks.tick().await;
        console.session.dispatch(Action::Tick(at));
        shown.push(rto_shown(&console));
    }
    let first = shown[0];
    assert_eq!(shown, (first..first + 5).collect::<Vec<_>>());
}

#[tokio::test(start_paused = true)]
async fn a_tick_within_the_shown_second_does_not_redraw() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(3)).await;
    let second = Timestamp::from_second(console.clock.now().as_second() + 1).unwrap();
    let tick = |console: &mut Console, millis| {
        let at = second + SignedDuration::from_millis(millis);
        console.session.dispatch(Action::Tick(at));
        (rto_shown(console), console.session.app.take_dirty())
    };
    let (rto, dirty) = tick(&mut console, 100);
    assert!(dirty, "a new second is drawn");
    assert_eq!(tick(&mut console, 600), (rto, false));
    assert_eq!(tick(&mut console, 1_050), (rto + 1, true));
}
