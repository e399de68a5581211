//! The screen's conventions at fixed sizes: picker ids, footer hints that
//! fit, wide layouts, the lag sparkline against its bound, natural counts,
//! ellipses and the help overlay.

mod common;

use drconsole::journal::entry::EntryKind;
use drconsole::keys::Keymap;
use drconsole::ui::export::to_text;
use drconsole::ui::theme::DARK;
use drconsole::ui::view::LogView;
use drconsole::ui::widgets::{PaneCtx, sparkline};
use drconsole::ui::{log, popup};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn ctx() -> PaneCtx<'static> {
    PaneCtx {
        theme: &DARK,
        now: common::now(),
        focused: false,
        scroll: 0,
        zoomed: false,
        filter: "",
    }
}

fn canvas(width: u16, height: u16) -> Buffer {
    Buffer::empty(Rect::new(0, 0, width, height))
}

#[test]
fn picker_shows_each_scenarios_id_beside_its_title() {
    let mut buf = canvas(80, 24);
    popup::picker(buf.area, &mut buf, &common::runbook(), 0, &DARK);
    let text = to_text(&buf);
    let row = |title: &str| {
        text.lines()
            .find(|l| l.contains(title))
            .unwrap_or_else(|| panic!("{title:?} missing:\n{text}"))
            .to_string()
    };
    assert!(
        row("▶ Database instance failure").contains("Database instance failure  db-failure"),
        "{text}"
    );
    assert!(
        row("Application failure").contains("Application failure  app-failure"),
        "{text}"
    );
    // The one-step scenario says "1 step".
    assert!(text.contains("    1 step · RTO 30m"), "{text}");
    assert!(text.contains("    5 steps · RTO 1h"), "{text}");
}

#[test]
fn sparkline_is_scaled_to_the_bound() {
    // Against a 60 s bound: 0 is empty, 30 half, 60 and over full.
    assert_eq!(sparkline(&[0, 30, 60, 95], 4, 60), " ▄██");
    // Values well under the bound stay low even though one is the max.
    assert_eq!(sparkline(&[3, 15], 2, 60), "▁▂");
    // Only the last `width` values are drawn.
    assert_eq!(sparkline(&[60, 0, 60], 2, 60), " █");
    // A zero bound does not divide by zero: anything above it is full.
    assert_eq!(sparkline(&[0, 1], 2, 0), " █");
}

#[test]
fn log_counts_read_naturally_and_an_undo_says_undid() {
    let mut undo = common::entry(2, EntryKind::Undone, Some("declare"), None);
    undo.undoes = Some(1);
    let one = vec![common::entry(
        1,
        EntryKind::Confirmed,
        Some("declare"),
        None,
    )];
    let two = vec![one[0].clone(), undo];
    let mut buf = canvas(60, 5);
    log::render(
        buf.area,
        &mut buf,
        &LogView {
            entries: &one,
            already_done: &Default::default(),
        },
        &ctx(),
    );
    assert!(
        to_text(&buf).contains(" Log · 1 entry "),
        "{}",
        to_text(&buf)
    );
    let mut buf = canvas(60, 5);
    log::render(
        buf.area,
        &mut buf,
        &LogView {
            entries: &two,
            already_done: &Default::default(),
        },
        &ctx(),
    );
    let text = to_text(&buf);
    assert!(text.contains(" Log · 2 entries "), "{text}");
    assert!(text.contains("alice undid declare (#1)"), "{text}");
}

fn footer_at(width: u16) -> String {
    let mut buf = canvas(width, 1);
    drconsole::ui::footer::render(
        buf.area,
        &mut buf,
        &drconsole::ui::view::FooterView::Hints(&Keymap::default()),
        &DARK,
    );
    to_text(&buf).trim_end().to_string()
}

#[test]
fn footer_shows_the_most_useful_hints_that_fit_whole() {
    assert_eq!(
        footer_at(60),
        " Enter confirm  x start  s skip  n note  ? help  q quit"
    );
    assert_eq!(
        footer_at(100),
        " Enter confirm  x start  s skip  n note  ? help  q quit  : cmd  y copy  u undo  d declare  / filter"
    );
    assert_eq!(
        footer_at(160),
        " Enter confirm  x start  s skip  n note  ? help  q quit  : cmd  y copy  u undo  d declare  / filter  c ready  z zoom  Tab pane  r refresh"
    );
    // One column short of the next hint: it is left out, not cut.
    let six = footer_at(60).chars().count();
    assert_eq!(footer_at((six + 6) as u16), footer_at(60));
    assert!(footer_at((six + 7) as u16).ends_with(": cmd"));
}

fn widths(width: u16) -> Vec<(drconsole::app::Pane, u16)> {
    use drconsole::app::Pane;
    let areas = drconsole::ui::layout::areas(Rect::new(0, 0, width, 50), 2, Pane::Checklist, false);
    areas.panes.iter().map(|(p, r)| (*p, r.width)).collect()
}

#[test]
fn on_wide_screens_the_state_panes_share_the_width() {
    use drconsole::app::Pane::*;
    // The checklist column stops at 90; RDS and ECS columns split the rest.
    assert_eq!(
        widths(150),
        [
            (Checklist, 60),
            (Rds, 45),
            (Backups, 45),
            (Ecs, 45),
            (Alarms, 45),
            (Log, 60)
        ]
    );
    assert_eq!(
        widths(200),
        [
            (Checklist, 66),
            (Rds, 67),
            (Backups, 67),
            (Ecs, 67),
            (Alarms, 67),
            (Log, 66)
        ]
    );
    assert_eq!(
        widths(300),
        [
            (Checklist, 90),
            (Rds, 105),
            (Backups, 105),
            (Ecs, 105),
            (Alarms, 105),
            (Log, 90)
        ]
    );
    // Under 150 columns: two halves, the state panes on the right.
    assert_eq!(
        widths(120),
        [
            (Checklist, 60),
            (Rds, 60),
            (Backups, 60),
            (Ecs, 60),
            (Alarms, 60),
            (Log, 60)
        ]
    );
}

#[test]
fn a_wide_screen_gives_the_rds_pane_its_room() {
    let app = common::app_with_live();
    let mut buf = canvas(300, 40);
    drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
    let text = to_text(&buf);
    let rds_row = text
        .lines()
        .find(|l| l.contains("shop-db-replica available"))
        .unwrap_or_else(|| panic!("{text}"));
    // Wide enough that the replica's line is whole, not cut.
    assert!(
        rds_row.contains("us-west-2b · replica of shop-db "),
        "{rds_row}"
    );
}

const FIX: &str = "User: arn:aws:iam::123456789012:user/ops is not authorized to perform: \
rds:DescribeDBInstances because no identity-based policy allows it; attach AmazonRDSReadOnlyAccess";

fn failing_rds(zoomed: bool, width: u16) -> String {
    let mut feed = drconsole::domain::snapshot::Feed::default();
    feed.apply(
        common::now(),
        Err(drconsole::domain::snapshot::SourceError::new(
            "AccessDenied",
            FIX,
        )),
    );
    let limits = drconsole::domain::health::Limits::from_runbook(&common::runbook());
    let mut buf = canvas(width, 10);
    drconsole::ui::rds::render(
        buf.area,
        &mut buf,
        &drconsole::ui::view::RdsView {
            feed: &feed,
            limits: &limits,
        },
        &PaneCtx { zoomed, ..ctx() },
    );
    to_text(&buf)
}

/// The screen's text with the pane borders and line breaks taken out.
fn joined(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_matches(|c| c == '│' || c == '┃' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn a_zoomed_pane_wraps_a_long_error_so_its_fix_shows() {
    let zoomed = failing_rds(true, 60);
    assert!(
        joined(&zoomed).contains("attach AmazonRDSReadOnlyAccess (0s ago)"),
        "{zoomed}"
    );
    // Not zoomed, the same error is cut to its row with an ellipsis.
    let small = failing_rds(false, 60);
    let row = small.lines().nth(1).unwrap_or_default();
    assert!(
        row.starts_with("│⚠ AccessDenied User: arn:aws:iam"),
        "{small}"
    );
    assert!(row.ends_with("…│"), "{small}");
    assert!(!small.contains("AmazonRDSReadOnlyAccess"), "{small}");
}

#[test]
fn a_zoomed_pane_names_what_aws_said_about_a_part_it_could_not_read() {
    let mut error = drconsole::domain::snapshot::SourceError::new("AccessDenied", FIX);
    error.region = Some("us-west-2".into());
    error.api = Some("DescribeDBInstances".into());
    let zoomed = PaneCtx {
        zoomed: true,
        ..ctx()
    };
    let line = zoomed.unlisted_line(&error, 40).to_string();
    assert_eq!(
        line,
        format!("✗ us-west-2: DescribeDBInstances AccessDenied — {FIX}")
    );
    let line = ctx().unlisted_line(&error, 40).to_string();
    assert_eq!(line, "✗ us-west-2: DescribeDBInstances Access…");
}

#[test]
fn cut_text_ends_with_an_ellipsis_and_the_header_keeps_the_regions() {
    let app = common::app_with_live();
    let mut buf = canvas(80, 24);
    drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
    let text = to_text(&buf);
    let lines: Vec<&str> = text.lines().collect();
    // The names give way to the regions, each cut with an ellipsis.
    assert_eq!(
        lines[0],
        " drconsole │  SIMULATED  │ Fixture prod… │ Databas… │ us-east-1 → us-west-2 (DR)"
    );
    assert!(
        lines[1].ends_with("(replica lag of shop-db-replic…"),
        "{text}"
    );
    // A pane title too long for its pane keeps its age.
    assert!(
        lines[2].starts_with("┏ Checklist · Database ins… · 0/5 done ┓"),
        "{text}"
    );
}

#[test]
fn zooming_the_rds_pane_of_the_console_shows_the_whole_error() {
    let mut app = common::app_with_live();
    app.update(drconsole::app::Action::Source(
        drconsole::sources::SourceUpdate::Fetched {
            key: drconsole::sources::FeedKey::whole(drconsole::domain::snapshot::SourceKind::Rds),
            at: common::now(),
            result: Err(drconsole::domain::snapshot::SourceError::new(
                "AccessDenied",
                FIX,
            )),
        },
    ));
    let mut view = app.view();
    view.focus = drconsole::app::Pane::Rds;
    let mut buf = canvas(80, 24);
    drconsole::ui::render(buf.area, &mut buf, &view, &DARK);
    assert!(
        !to_text(&buf).contains("AmazonRDSReadOnlyAccess"),
        "{}",
        to_text(&buf)
    );
    view.zoomed = true;
    let mut buf = canvas(80, 24);
    drconsole::ui::render(buf.area, &mut buf, &view, &DARK);
    let text = to_text(&buf);
    assert!(
        joined(&text).contains("attach AmazonRDSReadOnlyAccess (0s ago)"),
        "{text}"
    );
}

fn help_at(width: u16, height: u16, keys: &Keymap, scroll: usize) -> String {
    let mut buf = canvas(width, height);
    popup::help(buf.area, &mut buf, keys, scroll, &DARK);
    to_text(&buf)
}

/// Every row of help at 80×24, scrolling down until the frame says
/// nothing more is below.
fn whole_help(keys: &Keymap) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for scroll in 0..100 {
        let text = help_at(80, 24, keys, scroll);
        let lines: Vec<&str> = text.lines().collect();
        // The whole box is on screen: both borders.
        let top = lines.iter().position(|l| l.starts_with('╔'));
        let bottom = lines.iter().position(|l| l.starts_with('╚'));
        let (Some(top), Some(bottom)) = (top, bottom) else {
            panic!("help is cut at 80x24:\n{text}");
        };
        let body = &lines[top + 1..bottom];
        if scroll == 0 {
            rows.extend(body.iter().map(|l| l.to_string()));
        } else {
            rows.push(body.last().unwrap_or(&"").to_string());
        }
        if !lines[bottom].contains('↓') {
            return rows;
        }
    }
    panic!("help never reaches its end");
}

#[test]
fn help_fits_80x24_scrolls_to_its_end_and_wraps_descriptions_under_their_column() {
    let keys = Keymap::default();
    let lines = whole_help(&keys);
    let text = lines.join("\n");
    assert!(text.contains("any other key closes"), "{text}");
    assert!(
        help_at(80, 24, &keys, 0).contains("↓"),
        "the first page says there is more"
    );
    // Every key and every word of its description shows.
    let body = joined(&text.replace('║', " "));
    for b in drconsole::keys::BINDINGS {
        let shown = keys.shown(b);
        assert!(text.contains(&shown), "{shown:?} missing:\n{text}");
        let words: Vec<&str> = b.help.split(' ').collect();
        assert!(body.contains(&words.join(" ")), "{:?} cut:\n{text}", b.help);
    }
    // A description too long for one row goes on under its column, not
    // back at the key column.
    let second = lines
        .iter()
        .position(|l| l.contains("Start the selected step"))
        .map(|i| lines[i + 1].clone())
        .unwrap_or_default();
    let column = lines
        .iter()
        .find(|l| l.contains("Start the selected step"))
        .and_then(|l| l.find("Start the"))
        .unwrap_or_default();
    let indent = second.len() - second.trim_start_matches(['║', ' ']).len();
    assert_eq!(indent, column, "{text}");
    // The marks on screen are explained.
    assert!(
        text.contains("confirmed!      Confirmed against an unmet check"),
        "{text}"
    );
    assert!(
        text.contains("checks          ● met  ✗ not met  ? unknown"),
        "{text}"
    );
}

#[test]
fn words_wrap_at_spaces_and_an_overlong_word_is_split() {
    use drconsole::ui::widgets::wrap_words;
    assert_eq!(
        wrap_words("run aws sso login first", 10),
        ["run aws", "sso login", "first"]
    );
    assert_eq!(wrap_words("abcdefghij k", 4), ["abcd", "efgh", "ij k"]);
    assert_eq!(wrap_words("", 4), [""]);
}

#[test]
fn help_and_footer_show_the_keys_in_effect() {
    let remaps = vec![("zoom".to_string(), vec!["F5".to_string()])];
    let keys = Keymap::remapped(&remaps).unwrap();
    let text = whole_help(&keys).join("\n");
    assert!(
        text.contains("F5              Zoom the focused pane"),
        "{text}"
    );
    let mut buf = canvas(160, 1);
    drconsole::ui::footer::render(
        buf.area,
        &mut buf,
        &drconsole::ui::view::FooterView::Hints(&keys),
        &DARK,
    );
    assert!(to_text(&buf).contains("F5 zoom"), "{}", to_text(&buf));
}

#[test]
fn the_console_answers_the_keys_in_effect_and_help_scrolls() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    use drconsole::app::{Action, Mode};
    let remaps = vec![("zoom".to_string(), vec!["F5".to_string()])];
    let mut app = common::app_with_live().with_keymap(Keymap::remapped(&remaps).unwrap());
    let press = |app: &mut drconsole::app::App, code| {
        app.update(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    };
    press(&mut app, KeyCode::Char('z'));
    assert!(!app.view().zoomed, "z no longer zooms");
    press(&mut app, KeyCode::F(5));
    assert!(app.view().zoomed, "F5 zooms");
    press(&mut app, KeyCode::Char('?'));
    press(&mut app, KeyCode::Char('j'));
    press(&mut app, KeyCode::Down);
    assert_eq!(app.mode(), &Mode::Help { scroll: 2 });
    press(&mut app, KeyCode::Char('k'));
    assert_eq!(app.mode(), &Mode::Help { scroll: 1 });
    press(&mut app, KeyCode::Char('x'));
    assert_eq!(app.mode(), &Mode::Normal, "any other key closes help");
}
