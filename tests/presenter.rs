//! Presenter mode (`--presenter`) as the room sees it: account ids, ARNs
//! and endpoints masked wherever they are drawn, the big RTO clock, and
//! only the panes the selected step's check is judged in.

mod common;

use std::process::Command;

use drconsole::app::{Action, App, Pane};
use drconsole::domain::snapshot::{EcsEvent, SourceKind};
use drconsole::journal::entry::{Entry, EntryKind};
use drconsole::sources::{FeedKey, Payload, SourceUpdate};
use drconsole::ui::export::to_text;
use drconsole::ui::theme::Theme;
use jiff::{SignedDuration, Timestamp};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const ACCOUNT: &str = "123456789012";

fn high_contrast() -> Theme {
    Theme::load("high-contrast").unwrap()
}

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    let mut buf = Buffer::empty(Rect::new(0, 0, width, height));
    drconsole::ui::render(buf.area, &mut buf, &app.view(), &high_contrast());
    buf
}

fn started(seq: u64, time: Timestamp) -> Entry {
    Entry {
        seq,
        time,
        actor: "alice".into(),
        kind: EntryKind::SessionStarted,
        runbook: "Fixture production".into(),
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
    }
}

/// The fixture's live state, with what AWS really says in ECS events:
/// target group ARNs, endpoints, account ids.
fn live_like_app() -> App {
    let mut runbook = common::runbook();
    runbook.name = format!("Shop (account {ACCOUNT})");
    let redeploy = &mut runbook.scenarios[0].steps[2];
    redeploy.commands = vec![format!(
        "aws ecs update-service --cluster shop-cluster --service shop-web \
         --task-definition arn:aws:ecs:us-east-1:{ACCOUNT}:task-definition/shop-web:42"
    )];
    let origin = drconsole::app::Origin {
        source: "simulated".into(),
        simulated: true,
    };
    let mut app = App::new(runbook, origin, common::now(), Some("db-failure")).with_presenter(true);
    let mut ecs = common::ecs();
    ecs.services[0].events = vec![
        EcsEvent {
            at: common::now(),
            message: format!(
                "(service shop-web) registered 1 targets in (target-group \
                 arn:aws:elasticloadbalancing:us-east-1:{ACCOUNT}:targetgroup/shop/0a1b)"
            ),
        },
        EcsEvent {
            at: common::now(),
            message: "(service shop-web) cannot reach shop-db.c9ak.us-east-1.rds.amazonaws.com"
                .into(),
        },
    ];
    app.update(Action::Source(SourceUpdate::Fetched {
        key: FeedKey::whole(SourceKind::Ecs),
        at: common::now(),
        result: Ok(Payload::Ecs(ecs)),
    }));
    app
}

#[test]
fn account_ids_arns_and_endpoints_are_masked_where_they_are_drawn() {
    let mut app = live_like_app();
    // The redeploy step: its check watches ECS, so the ECS pane shows.
    app.update(Action::SelectStep(2));
    let text = to_text(&draw(&app, 300, 40));
    assert!(!text.contains(ACCOUNT), "{text}");
    // The header's runbook name.
    assert!(text.contains("Shop (account ••••••••9012)"), "{text}");
    // The ECS pane's events: the ARN keeps its region and type, the
    // endpoint its region and service.
    assert!(
        text.contains(
            "(target-group arn:aws:elasticloadbalancing:us-east-1:••••••••••••:targetgroup/shop/0a1b)"
        ),
        "{text}"
    );
    assert!(
        text.contains("cannot reach •••••••.••••.us-east-1.rds.amazonaws.com"),
        "{text}"
    );
    // The checklist's command for the step.
    assert!(
        text.contains("arn:aws:ecs:us-east-1:••••••••••••:task-definition/shop-web:42"),
        "{text}"
    );
}

/// A command's ARN, wrapped onto further rows by a narrow checklist, is
/// masked across the breaks.
#[test]
fn an_arn_wrapped_across_rows_is_masked() {
    let mut app = live_like_app();
    app.update(Action::SelectStep(2));
    let text = to_text(&draw(&app, 80, 30));
    // The checklist's inner column, its rows read in order.
    let column: String = text
        .lines()
        .filter_map(|row| row.split('┃').nth(1))
        .collect();
    assert!(
        column.contains("--task-definition") && !column.contains("--task-definition arn"),
        "the ARN should be cut by the wrap: {text}"
    );
    assert!(
        column.contains("arn:aws:ecs:us-east-1:••••••••••••:task-definition/shop-web:42"),
        "{text}"
    );
    assert!(!column.contains(ACCOUNT), "{text}");
}

/// Without presenter mode nothing is masked: the same frame shows the ids.
#[test]
fn the_usual_console_masks_nothing() {
    let app = live_like_app().with_presenter(false);
    let text = to_text(&draw(&app, 240, 40));
    assert!(
        text.contains(&format!("Shop (account {ACCOUNT})")),
        "{text}"
    );
}

#[test]
fn the_rto_clock_is_drawn_in_big_digits_against_its_target() {
    let mut app = live_like_app();
    app.update(Action::Journaled(started(1, common::now())));
    // 50m07s of the scenario's 1h: past three quarters, so the warning colour.
    let now = common::now() + SignedDuration::from_secs(50 * 60 + 7);
    app.update(Action::Tick(now));
    let buf = draw(&app, 120, 30);
    let text = to_text(&buf);
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[1].contains("RTO 00:50:07 / 1h"), "{text}");
    assert_eq!(
        rows[2..5],
        [
            " █▀█ █▀█ ▄ █▀▀ █▀█ ▄ █▀█ ▀▀█  RTO",
            " █ █ █ █ ▄ ▀▀█ █ █ ▄ █ █   █  target 1h",
            " ▀▀▀ ▀▀▀   ▀▀▀ ▀▀▀   ▀▀▀   ▀  0/5 steps",
        ],
        "{text}"
    );
    let warn = high_contrast().warn;
    for x in 1..30 {
        let cell = &buf[(x, 2)];
        if cell.symbol() != " " {
            assert_eq!(cell.fg, warn, "column {x}: {text}");
        }
    }
}

/// The pane titles in a frame, in the order they are drawn.
fn panes_shown(text: &str) -> Vec<&'static str> {
    let titles = [
        ("Checklist", "┃ Checklist"),
        ("RDS", " RDS ·"),
        ("Backups", " Backups ·"),
        ("ECS", " ECS ·"),
        ("Alarms", " Alarms ·"),
        ("Log", " Log ·"),
    ];
    let text = text.replace(['┏', '┌'], "┃");
    titles
        .into_iter()
        .filter(|(_, title)| text.contains(title))
        .map(|(name, _)| name)
        .collect()
}

#[test]
fn the_panes_follow_the_selected_step() {
    let mut app = live_like_app();
    // Steps: declare (no check), restore (instance status), redeploy (ECS
    // stable), backup-fresh (recovery point age), alarms (alarm state).
    let expected = [
        (vec![Pane::Log], ["Checklist", "Log"]),
        (vec![Pane::Rds], ["Checklist", "RDS"]),
        (vec![Pane::Ecs], ["Checklist", "ECS"]),
        (vec![Pane::Backups], ["Checklist", "Backups"]),
        (vec![Pane::Alarms], ["Checklist", "Alarms"]),
    ];
    for (step, (panes, titles)) in expected.into_iter().enumerate() {
        app.update(Action::SelectStep(step));
        let view = app.view();
        assert_eq!(view.presenter.map(|p| p.panes), Some(panes), "step {step}");
        let text = to_text(&draw(&app, 120, 30));
        assert_eq!(panes_shown(&text), titles, "step {step}: {text}");
    }
}

/// A check of several predicates shows each kind's pane once, in screen
/// order; a point-in-time window is seen in the backups pane.
#[test]
fn a_combined_check_shows_each_of_its_panes() {
    let step: drconsole::runbook::model::Step = toml::from_str(
        r#"
        id = "all"
        title = "Everything"
        verify.all = [
          { alarm_state = { alarm = "shop-5xx", state = "OK" } },
          { pitr_covers = { instance = "shop-db", before_incident = "5m" } },
          { instance_status = { instance = "shop-db", status = "available" } },
          { alarm_state = { alarm = "shop-db-down", state = "OK" } },
        ]
        "#,
    )
    .unwrap();
    let presenter = drconsole::ui::presenter::Presenter::for_step(Some(&step));
    assert_eq!(presenter.panes, [Pane::Rds, Pane::Backups, Pane::Alarms]);
}

#[test]
fn presenter_is_a_flag_of_demo_run_and_screenshot() {
    use clap::Parser;
    use drconsole::cli::{Cli, Command as Sub};
    let presenter = |args: &[&str]| match Cli::try_parse_from(args)
        .unwrap_or_else(|e| panic!("{args:?}: {e}"))
        .command_or_demo()
    {
        Sub::Demo(a) => a.console.presenter,
        Sub::Run(a) => a.console.presenter,
        Sub::Screenshot(a) => a.presenter,
        other => panic!("no --presenter on {other:?}"),
    };
    assert!(presenter(&["drconsole", "demo", "--presenter"]));
    assert!(presenter(&["drconsole", "run", "rally", "--presenter"]));
    assert!(presenter(&[
        "drconsole",
        "screenshot",
        "--presenter",
        "--out",
        "x.txt"
    ]));
    assert!(!presenter(&["drconsole", "demo"]));
    let help = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(["demo", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    assert!(
        help.contains("high-contrast theme (whatever --theme says)"),
        "{help}"
    );
}

/// `screenshot --presenter` draws the presenter view in high contrast,
/// whatever `--theme` says, with the runbook's ARN masked.
#[test]
fn screenshot_draws_the_presenter_view() {
    let dir = tempfile::tempdir().unwrap();
    let shot = |theme: &str, presenter: bool| {
        let out = dir.path().join(format!("{theme}-{presenter}.svg"));
        let mut args = vec![
            "screenshot",
            "--runbook",
            "regami",
            "--scenario",
            "failback",
            "--at",
            "10m",
            "--confirm",
            "1",
            "--theme",
            theme,
            "--out",
            out.to_str().unwrap(),
        ];
        if presenter {
            args.push("--presenter");
        }
        let run = Command::new(env!("CARGO_BIN_EXE_drconsole"))
            .args(&args)
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        std::fs::read_to_string(out).unwrap()
    };
    let presented = shot("dark", true);
    assert_eq!(presented, shot("high-contrast", true));
    assert_ne!(presented, shot("high-contrast", false));
    assert!(shot("dark", false).contains(ACCOUNT));
    assert!(!presented.contains(ACCOUNT), "{presented}");
    assert!(presented.contains("••••••••••••"), "{presented}");
}
