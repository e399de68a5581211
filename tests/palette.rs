//! The `:` palette, the `/` filter and `y` copy, driven through the app's
//! update loop with keys as an operator types them.

mod common;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::{Action, App, Effect, Mode, Origin, Pane};
use drconsole::journal::entry::EntryKind;
use drconsole::journal::{export, store};
use drconsole::runbook::model::Runbook;
use drconsole::ui::export::to_text;
use drconsole::ui::theme::{DARK, Theme};
use drconsole::ui::view::{AlarmsView, EcsView, RdsView};
use drconsole::ui::widgets::PaneCtx;
use drconsole::ui::{alarms, ecs, popup, rds};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use common::console::Console;

fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    text.chars()
        .flat_map(|c| press(app, KeyCode::Char(c)))
        .collect()
}

/// Opens the palette, types `line` and presses Enter.
fn run(app: &mut App, line: &str) -> Vec<Effect> {
    press(app, KeyCode::Char(':'));
    type_text(app, line);
    press(app, KeyCode::Enter)
}

fn palette_text(app: &App) -> String {
    match app.mode() {
        Mode::Palette(state) => state.text.clone(),
        other => panic!("palette not open: {other:?}"),
    }
}

fn palette_error(app: &App) -> Option<String> {
    match app.mode() {
        Mode::Palette(state) => state.error.clone(),
        other => panic!("palette not open: {other:?}"),
    }
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
    to_text(&buf)
}

fn ctx(filter: &str) -> PaneCtx<'_> {
    PaneCtx {
        theme: &DARK,
        now: common::now(),
        focused: true,
        scroll: 0,
        zoomed: false,
        filter,
    }
}

#[test]
fn colon_the_tab_completes_theme_and_enter_switches_it_live() {
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Char(':'));
    assert!(matches!(app.mode(), Mode::Palette(_)));
    type_text(&mut app, "the");
    press(&mut app, KeyCode::Tab);
    assert_eq!(palette_text(&app), "theme ");
    type_text(&mut app, "li");
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects, Vec::new());
    assert_eq!(app.mode(), &Mode::Normal);
    assert_eq!(app.theme_name(), Some("light"));
    let light = Theme::load("light").unwrap();
    assert_eq!(app.view().theme, Some(&light));
    assert_eq!(app.message(), Some("theme light"));
}

#[test]
fn tab_again_moves_through_the_completions() {
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "theme ");
    let mut seen = Vec::new();
    for _ in 0..4 {
        press(&mut app, KeyCode::Tab);
        seen.push(palette_text(&app));
    }
    assert_eq!(
        seen,
        [
            "theme dark",
            "theme light",
            "theme high-contrast",
            "theme dark"
        ]
    );
    // Editing lets go of the list: completions follow the text again.
    press(&mut app, KeyCode::Backspace);
    assert_eq!(palette_text(&app), "theme dar");
    press(&mut app, KeyCode::Tab);
    assert_eq!(palette_text(&app), "theme dark");
}

#[test]
fn up_and_down_recall_this_sessions_commands() {
    let mut app = common::app_with_live();
    assert_eq!(run(&mut app, "refresh"), vec![Effect::Refresh]);
    run(&mut app, "theme dark");
    press(&mut app, KeyCode::Char(':'));
    let mut recalled = Vec::new();
    for key in [
        KeyCode::Up,
        KeyCode::Up,
        KeyCode::Up,
        KeyCode::Down,
        KeyCode::Down,
    ] {
        press(&mut app, key);
        recalled.push(palette_text(&app));
    }
    assert_eq!(
        recalled,
        ["theme dark", "refresh", "refresh", "theme dark", ""]
    );
}

#[test]
fn an_unknown_command_is_named_in_the_palette_and_esc_closes_it() {
    let mut app = common::app_with_live();
    let effects = run(&mut app, "frobnicate");
    assert_eq!(effects, Vec::new());
    assert_eq!(
        palette_error(&app).as_deref(),
        Some("unknown command \"frobnicate\"; Tab completes")
    );
    assert!(screen(&app, 100, 30).contains("✗ unknown command \"frobnicate\""));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn an_argument_that_matches_nothing_keeps_the_palette_open() {
    let mut app = common::app_with_live();
    run(&mut app, "theme zzz");
    assert_eq!(
        palette_error(&app).as_deref(),
        Some("no theme matches \"zzz\"")
    );
    assert_eq!(app.theme_name(), None);
}

#[test]
fn presenter_mode_refuses_a_theme_switch_and_keeps_high_contrast() {
    let mut app = common::app_with_live().with_presenter(true);
    let effects = run(&mut app, "theme dark");
    assert_eq!(effects, Vec::new());
    assert_eq!(
        palette_error(&app).as_deref(),
        Some("presenter mode keeps the high-contrast theme")
    );
    assert_eq!(app.theme_name(), None);
    assert_eq!(app.view().theme, None);
}

#[test]
fn a_shared_session_keeps_its_scenario() {
    let mut app = common::app_with_live().shared(true);
    let effects = run(&mut app, "scenario Application failure");
    assert_eq!(effects, Vec::new());
    let error = palette_error(&app).unwrap_or_default();
    assert!(
        error.starts_with("a shared session keeps its scenario"),
        "{error}"
    );
    assert_eq!(app.current().map(|s| s.id.as_str()), Some("db-failure"));
    // Unshared, the same command switches.
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Esc);
    run(&mut app, "scenario Application failure");
    assert_ne!(app.current().map(|s| s.id.as_str()), Some("db-failure"));
}

#[test]
fn keyed_commands_run_from_the_palette_as_their_keys_do() {
    let mut app = common::app_with_live();
    run(&mut app, "help");
    assert_eq!(app.mode(), &Mode::Help { scroll: 0 });
    press(&mut app, KeyCode::Esc);
    run(&mut app, "readiness");
    assert_eq!(app.mode(), &Mode::Readiness);
    press(&mut app, KeyCode::Esc);
    run(&mut app, "quit");
    assert_eq!(app.mode(), &Mode::ConfirmQuit);
}

#[test]
fn step_selects_by_number_or_title() {
    let mut app = common::app_with_live();
    run(&mut app, "step 3");
    assert_eq!(app.selected(), 2);
    run(&mut app, "step alarms back");
    assert_eq!(app.steps()[app.selected()].id, "alarms");
    run(&mut app, "step 9");
    assert_eq!(
        palette_error(&app).as_deref(),
        Some("step numbers run from 1 to 5")
    );
}

#[test]
fn completion_offers_scenario_ids_and_titles_and_step_titles() {
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "scenario appl");
    let Some(drconsole::ui::view::PopupView::Palette { matches, .. }) = app.view().popup else {
        panic!("no palette overlay");
    };
    assert_eq!(matches[0], "scenario Application failure");
    press(&mut app, KeyCode::Esc);
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "step redeploy");
    press(&mut app, KeyCode::Tab);
    assert_eq!(palette_text(&app), "step 3 Redeploy the web service");
}

#[test]
fn help_lists_the_palette_commands_beside_the_keys() {
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Char('?'));
    let text = screen(&app, 100, 40);
    for must in [
        ":scenario <id or title>",
        ":export",
        "r  :refresh",
        "Open the command palette",
    ] {
        assert!(text.contains(must), "{must:?} missing from help:\n{text}");
    }
}

#[test]
fn palette_overlay_at_64_by_14() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 64, 14));
    let matches = ["theme dark", "theme light", "theme high-contrast"].map(String::from);
    popup::palette(buf.area, &mut buf, "theme ", &matches, Some(1), None, &DARK);
    insta::assert_snapshot!(to_text(&buf));
}

#[tokio::test(start_paused = true)]
async fn switching_scenario_pauses_this_journal_and_begins_another() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open_with(dir.path(), false, common::runbook(), "db-failure");
    let first = console.session.journal_path().unwrap();
    console.press(KeyCode::Char(':'));
    console.type_text("scenario app-failure");
    console.press(KeyCode::Enter);

    assert_eq!(console.app().current().unwrap().id, "app-failure");
    assert_eq!(console.app().mode(), &Mode::Normal);
    let second = console.session.journal_path().unwrap();
    assert_ne!(first, second);
    let old = store::read(&first).unwrap().entries;
    let kinds: Vec<_> = old.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EntryKind::SessionStarted, EntryKind::SessionPaused]);
    assert_eq!(
        old[1].note.as_deref(),
        Some("switched to scenario app-failure")
    );
    let new = store::read(&second).unwrap().entries;
    assert_eq!(new.len(), 1);
    assert_eq!(new[0].kind, EntryKind::SessionStarted);
    assert_eq!(new[0].scenario.as_deref(), Some("app-failure"));
    // The console shows the new session only.
    assert_eq!(console.app().log(), new.as_slice());
    assert!(!console.session.exit);
}

#[tokio::test(start_paused = true)]
async fn switching_is_refused_once_a_step_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open_with(dir.path(), false, common::runbook(), "db-failure");
    let path = console.session.journal_path().unwrap();
    console.press(KeyCode::Char('x'));
    let before = store::read(&path).unwrap().entries.len();
    console.press(KeyCode::Char(':'));
    console.type_text("scenario app-failure");
    console.press(KeyCode::Enter);

    assert_eq!(console.app().current().unwrap().id, "db-failure");
    assert_eq!(
        palette_error(console.app()).as_deref(),
        Some(
            "this session already records steps: q quits (--resume continues it), \
             then start with --scenario app-failure"
        )
    );
    assert_eq!(store::read(&path).unwrap().entries.len(), before);
    assert_eq!(console.session.journal_path(), Some(path));
}

#[tokio::test(start_paused = true)]
async fn export_writes_what_log_export_writes_next_to_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open_with(dir.path(), false, common::runbook(), "db-failure");
    console.press(KeyCode::Char('x'));
    console.press(KeyCode::Char(':'));
    console.type_text("export");
    console.press(KeyCode::Enter);

    let journal = console.session.journal_path().unwrap();
    let out = journal.with_extension("md");
    let written = std::fs::read_to_string(&out).unwrap();
    let entries = store::read(&journal).unwrap().entries;
    assert_eq!(
        written,
        export::markdown(&entries, Some(&common::runbook()))
    );
    assert_eq!(
        console.app().message(),
        Some(format!("exported to {}", out.display()).as_str())
    );
}

#[test]
fn slash_filters_the_focused_pane_and_its_title_shows_the_filter() {
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.focus(), Pane::Rds);
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode(), &Mode::Filter(Pane::Rds));
    type_text(&mut app, "REPLICA");
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.mode(), &Mode::Normal);
    assert_eq!(app.filter(Pane::Rds), "REPLICA");
    let text = screen(&app, 120, 30);
    assert!(text.contains(" RDS /REPLICA "), "{text}");
    assert!(text.contains("shop-db-replica"), "{text}");
    // The primary's own row is gone (it is still named as the source).
    assert!(!text.contains("● shop-db "), "{text}");
    // The data is untouched: only the view filters.
    assert_eq!(app.live().rds.data.as_ref().unwrap().instances.len(), 2);

    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(Pane::Rds), "");
    assert!(screen(&app, 120, 30).contains("● shop-db "));
}

#[test]
fn esc_while_typing_a_filter_clears_it() {
    let mut app = common::app_with_live();
    for _ in 0..3 {
        press(&mut app, KeyCode::Tab);
    }
    assert_eq!(app.focus(), Pane::Ecs);
    press(&mut app, KeyCode::Char('/'));
    type_text(&mut app, "work");
    assert_eq!(app.filter(Pane::Ecs), "work");
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.filter(Pane::Ecs), "");
    assert_eq!(app.mode(), &Mode::Normal);
}

#[test]
fn slash_on_the_checklist_says_where_it_works() {
    let mut app = common::app_with_live();
    press(&mut app, KeyCode::Char('/'));
    assert_eq!(app.mode(), &Mode::Normal);
    assert_eq!(
        app.message(),
        Some("/ filters a list pane: Tab to RDS, backups, ECS, alarms or the log")
    );
}

#[test]
fn filtered_rds_pane_at_60_by_8() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 60, 8));
    let feed = drconsole::domain::snapshot::Feed {
        data: Some(common::rds()),
        last_good: Some(common::now()),
        ..Default::default()
    };
    let limits = drconsole::domain::health::Limits::from_runbook(&common::runbook());
    let view = RdsView {
        feed: &feed,
        limits: &limits,
    };
    rds::render(buf.area, &mut buf, &view, &ctx("replica"));
    insta::assert_snapshot!(to_text(&buf));
}

#[test]
fn filtered_ecs_pane_keeps_only_matching_services() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 60, 8));
    let feed = drconsole::domain::snapshot::Feed {
        data: Some(common::ecs()),
        last_good: Some(common::now()),
        ..Default::default()
    };
    ecs::render(buf.area, &mut buf, &EcsView { feed: &feed }, &ctx("WORKER"));
    let text = to_text(&buf);
    assert!(text.contains("shop-worker"), "{text}");
    assert!(!text.contains("shop-web"), "{text}");
    assert!(text.contains("ECS /WORKER"), "{text}");
}

#[test]
fn a_filter_that_hides_every_row_says_so() {
    let mut buf = Buffer::empty(Rect::new(0, 0, 60, 6));
    let feed = drconsole::domain::snapshot::Feed {
        data: Some(common::alarms()),
        last_good: Some(common::now()),
        ..Default::default()
    };
    alarms::render(buf.area, &mut buf, &AlarmsView { feed: &feed }, &ctx("zzz"));
    let text = to_text(&buf);
    assert!(text.contains("no rows match /zzz (Esc clears)"), "{text}");
    assert!(!text.contains("shop-"), "{text}");
}

const COPY_RUNBOOK: &str = r#"
name = "Copy"
[objectives]
rto = "1h"
rpo = "15m"
[environment]
regions = { primary = "us-east-1" }

[[scenario]]
id = "s"
title = "S"

[[scenario.step]]
id = "two"
title = "Two commands"
commands = ["echo hi", "echo bye"]

[[scenario.step]]
id = "none"
title = "No commands"
"#;

fn copy_app() -> App {
    let runbook: Runbook = toml::from_str(COPY_RUNBOOK).unwrap();
    let origin = Origin {
        source: "simulated".into(),
        simulated: true,
    };
    App::new(runbook, origin, common::now(), Some("s"))
}

#[test]
fn y_copies_the_steps_commands_through_osc_52() {
    let mut app = copy_app();
    let effects = press(&mut app, KeyCode::Char('y'));
    // base64 of "echo hi\necho bye", between OSC 52's markers; nothing journaled.
    assert_eq!(
        effects,
        vec![Effect::Terminal(
            "\x1b]52;c;ZWNobyBoaQplY2hvIGJ5ZQ==\x07".into()
        )]
    );
    assert_eq!(app.message(), Some("copied 2 commands"));
    assert!(screen(&app, 100, 30).contains("copied 2 commands"));
}

#[test]
fn y_on_a_step_without_commands_says_so() {
    let mut app = copy_app();
    press(&mut app, KeyCode::Down);
    let effects = press(&mut app, KeyCode::Char('y'));
    assert_eq!(effects, Vec::new());
    assert_eq!(app.message(), Some("this step has no commands to copy"));
}

#[tokio::test(start_paused = true)]
async fn profile_and_region_in_a_drill_say_there_is_none_and_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open_with(dir.path(), false, common::runbook(), "db-failure");
    console.run_for(std::time::Duration::from_secs(5)).await;
    let live = console.app().live().clone();
    assert!(live.rds.data.is_some());
    let path = console.session.journal_path().unwrap();
    let entries = store::read(&path).unwrap().entries;

    for line in ["profile x", "region eu-west-1"] {
        console.press(KeyCode::Char(':'));
        console.type_text(line);
        console.press(KeyCode::Enter);
        assert_eq!(
            palette_error(console.app()).as_deref(),
            Some("the simulated environment has no AWS profile or region: nothing to switch"),
            "{line}"
        );
        console.press(KeyCode::Esc);
    }
    assert!(console.session.take_switch().is_none());
    assert_eq!(console.app().live(), &live);
    assert_eq!(store::read(&path).unwrap().entries, entries);
    assert_eq!(console.app().view().header.primary_region, "us-east-1");
}

/// An app as a console on AWS starts it, on profile `prod`.
fn aws_app() -> App {
    let origin = Origin {
        source: "aws".into(),
        simulated: false,
    };
    let mut app = App::new(common::runbook(), origin, common::now(), Some("db-failure"));
    app.set_aws_profile(Some("prod".into()), vec!["ci".into(), "prod".into()]);
    app
}

#[test]
fn profile_and_region_complete_from_the_files_and_the_runbook() {
    let mut app = aws_app();
    press(&mut app, KeyCode::Char(':'));
    type_text(&mut app, "profile ");
    press(&mut app, KeyCode::Tab);
    assert_eq!(palette_text(&app), "profile ci");
    press(&mut app, KeyCode::Esc);

    let regions = |app: &mut App| {
        press(app, KeyCode::Char(':'));
        type_text(app, "region ");
        let mut seen = Vec::new();
        for _ in 0..3 {
            press(app, KeyCode::Tab);
            seen.push(palette_text(app));
        }
        press(app, KeyCode::Esc);
        seen
    };
    // The runbook's regions; Tab wraps around.
    assert_eq!(
        regions(&mut app),
        ["region us-east-1", "region us-west-2", "region us-east-1"]
    );
    // After a switch elsewhere, the current region is offered too.
    let effects = run(&mut app, "region eu-south-2");
    let [Effect::SwitchSource(target)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    app.update(Action::SourceSwitched(Ok(target.clone())));
    assert_eq!(
        regions(&mut app),
        ["region eu-south-2", "region us-east-1", "region us-west-2"]
    );
}

#[test]
fn a_switch_asks_for_a_new_source_and_its_result_clears_the_live_state() {
    let mut app = aws_app();
    app.update(Action::Source(drconsole::sources::SourceUpdate::Fetched {
        key: drconsole::sources::FeedKey::whole(drconsole::domain::snapshot::SourceKind::Rds),
        at: common::now(),
        result: Ok(drconsole::sources::Payload::Rds(common::rds())),
    }));
    assert!(app.live().rds.data.is_some());

    let effects = run(&mut app, "region eu-south-2");
    let target = drconsole::switch::SourceTarget {
        profile: Some("prod".into()),
        region: "eu-south-2".into(),
    };
    assert_eq!(effects, [Effect::SwitchSource(target.clone())]);
    assert!(screen(&app, 100, 30).contains("switching to profile prod, region eu-south-2…"));
    // The old data stays on screen while the new source is built.
    assert!(app.live().rds.data.is_some());

    let effects = app.update(Action::SourceSwitched(Ok(target)));
    assert!(app.live().rds.data.is_none());
    assert_eq!(app.view().header.primary_region, "eu-south-2");
    assert_eq!(app.view().header.origin.source, "aws · prod");
    let [Effect::Append(draft)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    assert_eq!(draft.kind, EntryKind::Note);
    assert_eq!(
        draft.note.as_deref(),
        Some("source switched to profile prod, region eu-south-2")
    );
}

#[test]
fn a_failed_switch_keeps_the_source_and_says_why() {
    let mut app = aws_app();
    let effects = run(&mut app, "profile ci");
    let [Effect::SwitchSource(target)] = effects.as_slice() else {
        panic!("{effects:?}")
    };
    let effects = app.update(Action::SourceSwitched(Err((
        target.clone(),
        "the SSO token expired".into(),
    ))));
    assert_eq!(effects, []);
    assert_eq!(
        app.message(),
        Some(
            "cannot switch to profile ci, region us-east-1: the SSO token expired; \
             still on profile prod, region us-east-1"
        )
    );
    assert_eq!(app.view().header.origin.source, "aws · prod");
}

#[test]
fn region_takes_only_a_region_name_and_not_the_current_one() {
    let mut app = aws_app();
    assert_eq!(run(&mut app, "region Europe"), []);
    assert_eq!(
        palette_error(&app).as_deref(),
        Some("\"Europe\" is not a region name (such as eu-west-1)")
    );
    press(&mut app, KeyCode::Esc);
    assert_eq!(run(&mut app, "region us-east-1"), []);
    assert_eq!(
        palette_error(&app).as_deref(),
        Some("already on profile prod, region us-east-1")
    );
}
