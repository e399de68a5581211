//! A finished scenario is finished: the last confirm or skip journals the
//! completion at once, the RTO clock stops there, `--resume` leaves it
//! alone and `u` reopens it entry by entry. Prompts refuse bad values in
//! place, showing why, and journal nothing until the value is good.

mod common;

use std::time::Duration;

use common::console::Console;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::{Action, App, Effect, Mode, Origin, Prompt, StepStatus};
use drconsole::journal::entry::{Draft, Entry, EntryKind};
use drconsole::journal::store::{self, Journal, SessionMeta};
use drconsole::runbook::duration::secs_between;
use drconsole::ui::export::to_text;
use drconsole::ui::theme::DARK;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

/// The fixture's one-step scenario: one confirm or skip finishes it.
const ONE_STEP: &str = "app-failure";

fn open(dir: &std::path::Path, resume: bool) -> Console {
    Console::open_with(dir, resume, common::runbook(), ONE_STEP)
}

fn entries(console: &Console) -> Vec<Entry> {
    let path = console.session.journal_path().expect("a journal is open");
    store::read(&path).unwrap().entries
}

fn kinds(entries: &[Entry]) -> Vec<EntryKind> {
    entries.iter().map(|e| e.kind).collect()
}

fn screen(console: &Console, width: u16, height: u16) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    drconsole::ui::render(buf.area, &mut buf, &console.app().view(), &DARK);
    to_text(&buf)
}

fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

#[tokio::test(start_paused = true)]
async fn confirming_the_last_step_completes_at_once_and_stops_the_clock() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = open(dir.path(), false);
    console.run_for(Duration::from_secs(10 * 60)).await;
    console.press(KeyCode::Enter);

    let written = entries(&console);
    assert_eq!(
        kinds(&written),
        vec![
            EntryKind::SessionStarted,
            EntryKind::Confirmed,
            EntryKind::SessionCompleted
        ],
        "completed without pressing q"
    );
    let (started, confirmed, completed) = (&written[0], &written[1], &written[2]);
    assert_eq!(completed.time, confirmed.time, "at the step's time");
    assert!(console.app().is_complete());
    assert!(!console.session.exit, "the console stays open for review");

    let stopped = secs_between(started.time, confirmed.time);
    assert_eq!(stopped, 10 * 60);
    assert!(console.app().view().header.complete);
    assert_eq!(console.app().view().header.rto_elapsed, Some(stopped));
    console.run_for(Duration::from_secs(30 * 60)).await;
    assert_eq!(
        console.app().view().header.rto_elapsed,
        Some(stopped),
        "later ticks do not move the stopped clock"
    );
    let text = screen(&console, 120, 30);
    assert!(
        text.contains(&format!("COMPLETE in {} / RTO 30m", hms(stopped))),
        "{text}"
    );
    assert!(
        text.contains("scenario complete: the RTO clock is stopped; q quits, u reopens"),
        "{text}"
    );

    // Declaring again would move the stopped clock's start: refused.
    console.press(KeyCode::Char('d'));
    assert_eq!(*console.app().mode(), Mode::Normal);
    assert_eq!(
        console.app().message(),
        Some("the session is complete; u reopens it")
    );

    // The team's review note after completion does not move its end.
    console.press(KeyCode::Char('n'));
    console.type_text("reviewed");
    console.press(KeyCode::Enter);
    let written = entries(&console);
    assert_eq!(written.len(), 4);
    assert!(store::is_finished(&written));
    let markdown = drconsole::journal::export::markdown(&written, Some(&common::runbook()));
    assert!(
        markdown.contains("**Ended:** 2026-03-14 02:10:00 UTC (completed)"),
        "{markdown}"
    );

    // A signal now records no pause: the session is already complete.
    console.session.pause_and_exit("SIGTERM");
    assert!(console.session.exit);
    assert_eq!(entries(&console).len(), 4);
}

#[tokio::test(start_paused = true)]
async fn q_after_completion_quits_without_asking_or_writing() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = open(dir.path(), false);
    console.run_for(Duration::from_secs(60)).await;
    console.press(KeyCode::Enter);
    assert!(!console.session.exit);
    console.press(KeyCode::Char('q'));
    assert_eq!(*console.app().mode(), Mode::Normal);
    assert!(console.session.exit);
    assert_eq!(entries(&console).len(), 3);
}

#[tokio::test(start_paused = true)]
async fn an_empty_skip_reason_is_refused_in_place_and_the_last_skip_completes() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = open(dir.path(), false);
    console.run_for(Duration::from_secs(60)).await;
    console.press(KeyCode::Char('s'));
    console.type_text("   ");
    console.press(KeyCode::Enter);
    assert_eq!(
        *console.app().mode(),
        Mode::Input {
            prompt: Prompt::Skip(0),
            text: "   ".into(),
            error: Some("a skip needs a reason".into()),
        },
        "the prompt stays open with its text and the error"
    );
    let text = screen(&console, 100, 30);
    assert!(text.contains("✗ a skip needs a reason"), "{text}");
    assert_eq!(kinds(&entries(&console)), vec![EntryKind::SessionStarted]);

    console.type_text("rolled back by CI");
    console.press(KeyCode::Enter);
    let written = entries(&console);
    assert_eq!(
        kinds(&written),
        vec![
            EntryKind::SessionStarted,
            EntryKind::Skipped,
            EntryKind::SessionCompleted
        ]
    );
    assert_eq!(written[1].note.as_deref(), Some("rolled back by CI"));
    assert_eq!(written[2].time, written[1].time);
    assert!(console.app().view().header.complete);
}

#[tokio::test(start_paused = true)]
async fn resume_after_completion_starts_a_new_session() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = open(dir.path(), false);
    first.run_for(Duration::from_secs(60)).await;
    first.press(KeyCode::Enter);
    first.press(KeyCode::Char('q'));
    let finished = first.session.journal_path().unwrap();
    drop(first);

    let resumed = open(dir.path(), true);
    let path = resumed.session.journal_path().unwrap();
    assert_ne!(path, finished, "the finished session is not reopened");
    assert_eq!(kinds(&entries(&resumed)), vec![EntryKind::SessionStarted]);
    assert!(!resumed.app().is_complete());
    assert_eq!(resumed.app().statuses(), &[StepStatus::Pending]);
    let message = resumed.app().message().unwrap_or_default();
    assert!(
        message.contains("no unfinished session of app-failure to resume; starting a new one"),
        "{message}"
    );
    let old = store::read(&finished).unwrap().entries;
    assert_eq!(old.len(), 3, "nothing appended to the finished session");

    // log list and the export agree that it is finished.
    let sessions = store::list_sessions(dir.path()).unwrap();
    let summary = sessions
        .sessions
        .iter()
        .find(|s| s.path == finished)
        .unwrap();
    assert!(summary.finished);
    let markdown = drconsole::journal::export::markdown(&old, Some(&common::runbook()));
    assert!(
        markdown.contains("**Ended:** 2026-03-14 02:01:00 UTC (completed)"),
        "{markdown}"
    );
}

/// A crash between the last confirm and the completion (or a journal
/// written before completions were immediate): resuming completes it, and
/// the clock stops at the last confirm, not at the resume.
#[tokio::test(start_paused = true)]
async fn a_resolved_session_without_completion_is_completed_on_resume() {
    let dir = tempfile::tempdir().unwrap();
    let start: jiff::Timestamp = "2026-03-14T01:00:00Z".parse().unwrap();
    let confirmed_at: jiff::Timestamp = "2026-03-14T01:40:00Z".parse().unwrap();
    let meta = SessionMeta {
        runbook: common::runbook().name,
        scenario: ONE_STEP.into(),
        actor: "bob".into(),
        drill: true,
    };
    let mut journal = Journal::create(dir.path(), meta, start).unwrap();
    journal
        .append(Draft::new(start, EntryKind::SessionStarted))
        .unwrap();
    let mut confirm = Draft::new(confirmed_at, EntryKind::Confirmed);
    confirm.step = Some("rollback".into());
    journal.append(confirm).unwrap();
    let path = journal.path().to_path_buf();
    drop(journal);

    let mut console = open(dir.path(), true);
    assert_eq!(console.session.journal_path().unwrap(), path);
    let written = entries(&console);
    assert_eq!(
        kinds(&written),
        vec![
            EntryKind::SessionStarted,
            EntryKind::Confirmed,
            EntryKind::SessionResumed,
            EntryKind::SessionCompleted
        ]
    );
    assert!(store::is_finished(&written));
    assert!(console.app().is_complete());
    console.run_for(Duration::from_secs(600)).await;
    assert_eq!(
        console.app().view().header.rto_elapsed,
        Some(40 * 60),
        "declared 01:00, last step 01:40"
    );
}

#[tokio::test(start_paused = true)]
async fn undo_after_completion_reopens_the_session_then_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = open(dir.path(), false);
    console.run_for(Duration::from_secs(60)).await;
    console.press(KeyCode::Enter);
    console.press(KeyCode::Char('u'));

    let written = entries(&console);
    assert_eq!(
        kinds(&written),
        vec![
            EntryKind::SessionStarted,
            EntryKind::Confirmed,
            EntryKind::SessionCompleted,
            EntryKind::Undone,
            EntryKind::Undone
        ]
    );
    // Each undo names exactly one entry: the completion, then the step.
    assert_eq!(written[3].undoes, Some(written[2].seq));
    assert_eq!(written[3].step, None);
    assert_eq!(written[4].undoes, Some(written[1].seq));
    assert_eq!(written[4].step.as_deref(), Some("rollback"));
    assert!(!store::is_finished(&written));
    assert!(!console.app().is_complete());
    assert_eq!(console.app().statuses(), &[StepStatus::Pending]);

    // The clock runs again, and quitting asks first.
    let before = console.app().view().header.rto_elapsed.unwrap();
    console.run_for(Duration::from_secs(60)).await;
    assert!(!console.app().view().header.complete);
    assert_eq!(console.app().view().header.rto_elapsed, Some(before + 60));
    console.press(KeyCode::Char('q'));
    assert_eq!(*console.app().mode(), Mode::ConfirmQuit);
    console.press(KeyCode::Char('n'));

    // Confirming again completes again, with a new entry.
    console.press(KeyCode::Enter);
    let again = entries(&console);
    assert_eq!(again.len(), 7);
    assert_eq!(again[6].kind, EntryKind::SessionCompleted);
    assert!(store::is_finished(&again));
    assert!(console.app().is_complete());
}

/// Types `text` into the prompt `key` opens and presses Enter: the value is
/// refused, the prompt stays open with the error and what it accepts on
/// screen, and nothing is journaled.
fn refused(console: &mut Console, key: char, text: &str, error: &str, accepts: &str) {
    let before = entries(console).len();
    console.press(KeyCode::Char(key));
    console.type_text(text);
    console.press(KeyCode::Enter);
    match console.app().mode() {
        Mode::Input {
            text: kept,
            error: Some(shown),
            ..
        } => {
            assert_eq!(kept, text, "the text is kept");
            assert!(shown.contains(error), "{shown}");
        }
        other => panic!("{key} {text:?}: prompt closed or no error: {other:?}"),
    }
    // 100 columns: the footer cuts the error off, the box above it does not.
    let screen = screen(console, 100, 30);
    assert!(screen.contains(error), "{key} {text:?}:\n{screen}");
    assert!(screen.contains("Accepted:"), "{screen}");
    assert!(screen.contains(accepts), "{screen}");
    assert_eq!(entries(console).len(), before, "{key} {text:?}: journaled");

    // Editing clears the error (the box goes too); Esc leaves the prompt.
    console.press(KeyCode::Char('x'));
    assert!(matches!(
        console.app().mode(),
        Mode::Input { error: None, .. }
    ));
    assert!(!self::screen(console, 100, 30).contains("Accepted:"));
    console.press(KeyCode::Esc);
    assert_eq!(*console.app().mode(), Mode::Normal);
    assert_eq!(entries(console).len(), before);
}

#[tokio::test(start_paused = true)]
async fn bad_prompt_values_show_in_the_prompt_and_journal_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = open(dir.path(), false);
    console.run_for(Duration::from_secs(60)).await;
    refused(&mut console, 'd', "soon", "give the start as", "25m ago");
    refused(
        &mut console,
        'd',
        "2099-01-01T00:00:00Z",
        "cannot start in the future",
        "RFC 3339",
    );
    refused(
        &mut console,
        'd',
        "99999999999999999999m",
        "longer than the longest accepted",
        "25m ago",
    );
    refused(
        &mut console,
        's',
        "",
        "a skip needs a reason",
        "why the step",
    );
    refused(&mut console, 'n', "  ", "the note is empty", "any text");

    // A good value after a refused one is journaled once.
    console.press(KeyCode::Char('d'));
    console.type_text("soon");
    console.press(KeyCode::Enter);
    for _ in 0.."soon".len() {
        console.press(KeyCode::Backspace);
    }
    console.type_text("-5m");
    console.press(KeyCode::Enter);
    assert_eq!(*console.app().mode(), Mode::Normal);
    let written = entries(&console);
    assert_eq!(
        kinds(&written),
        vec![EntryKind::SessionStarted, EntryKind::IncidentDeclared]
    );
    assert_eq!(
        written[1].at,
        Some(console.app().now() - jiff::SignedDuration::from_mins(5))
    );
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever is typed as a skip reason: blank text (any Unicode
    /// whitespace) is refused in place with nothing to write; anything else
    /// is written once, trimmed.
    #[test]
    fn a_skip_reason_is_written_once_or_refused_in_place(
        typed in proptest::collection::vec(
            prop_oneof![Just(' '), Just('\t'), Just('\u{3000}'), any::<char>()],
            0..12,
        )
    ) {
        let origin = Origin { source: "simulated".into(), simulated: true };
        let mut app = App::new(common::runbook(), origin, common::now(), Some(ONE_STEP));
        let mut key = |code| app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
        key(KeyCode::Char('s'));
        for &c in &typed {
            key(KeyCode::Char(c));
        }
        let effects = key(KeyCode::Enter);
        let text: String = typed.iter().collect();
        if text.trim().is_empty() {
            prop_assert_eq!(effects, vec![]);
            prop_assert_eq!(
                app.mode(),
                &Mode::Input {
                    prompt: Prompt::Skip(0),
                    text,
                    error: Some("a skip needs a reason".into()),
                }
            );
        } else {
            let notes: Vec<_> = effects
                .iter()
                .map(|e| match e {
                    Effect::Append(d) => (d.kind, d.note.clone()),
                    other => panic!("only the skip is written: {other:?}"),
                })
                .collect();
            prop_assert_eq!(notes, vec![(EntryKind::Skipped, Some(text.trim().to_string()))]);
            prop_assert_eq!(app.mode(), &Mode::Normal);
        }
    }
}

/// Ctrl-C twice quits from wherever the operator is: the first asks (from
/// a prompt too, where it used to do nothing), the second quits; any
/// other key after the first keeps the console open.
#[tokio::test(start_paused = true)]
async fn ctrl_c_twice_quits_even_from_a_prompt() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open(dir.path(), false);
    console.run_for(Duration::from_secs(1)).await;
    let ctrl_c = |console: &mut Console| {
        console.session.dispatch(Action::Key(KeyEvent::new(
            KeyCode::Char('c'),
            KeyModifiers::CONTROL,
        )));
    };

    console.press(KeyCode::Char('n'));
    assert!(matches!(console.app().mode(), Mode::Input { .. }));
    ctrl_c(&mut console);
    assert_eq!(*console.app().mode(), Mode::ConfirmQuit);
    console.press(KeyCode::Char('n'));
    assert_eq!(*console.app().mode(), Mode::Normal);
    assert!(!console.session.exit);

    ctrl_c(&mut console);
    assert_eq!(*console.app().mode(), Mode::ConfirmQuit);
    ctrl_c(&mut console);
    assert!(console.session.exit);
    let written = entries(&console);
    assert_eq!(
        kinds(&written),
        [EntryKind::SessionStarted, EntryKind::SessionPaused]
    );
}
