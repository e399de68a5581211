//! A snapshot per pane at a fixed size, plus asserts on the cells whose
//! colour carries meaning (insta does not capture colour).

mod common;

use drconsole::app::{Action, App};
use drconsole::domain::health::{Limits, newest_completed_age};
use drconsole::domain::snapshot::{Feed, SourceError};
use drconsole::journal::entry::EntryKind;
use drconsole::ui::export::to_text;
use drconsole::ui::theme::DARK;
use drconsole::ui::view::{AlarmsView, BackupsView, EcsView, LogView, RdsView};
use drconsole::ui::widgets::PaneCtx;
use drconsole::ui::{alarms, backups, checklist, ecs, log, rds};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

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

fn limits() -> Limits {
    Limits::from_runbook(&common::runbook())
}

fn canvas(width: u16, height: u16) -> Buffer {
    Buffer::empty(Rect::new(0, 0, width, height))
}

/// Foreground colour of the first cell of `needle`, searched row by row.
fn colour_of(buf: &Buffer, needle: &str) -> Color {
    let text = to_text(buf);
    for (y, line) in text.lines().enumerate() {
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            return buf[(x, y as u16)].fg;
        }
    }
    panic!("{needle:?} not on screen:\n{text}");
}

/// Colour of the status dot on the row that mentions `needle`.
fn dot_on_row_of(buf: &Buffer, needle: &str) -> Color {
    let text = to_text(buf);
    let (y, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle:?} not on screen:\n{text}"));
    let x = line.chars().position(|c| c == '●').expect("row has a dot") as u16;
    buf[(x, y as u16)].fg
}

#[test]
fn rds_pane() {
    let mut buf = canvas(64, 8);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(common::rds()));
    rds::render(
        buf.area,
        &mut buf,
        &RdsView {
            feed: &feed,
            limits: &limits(),
        },
        &ctx(),
    );
    insta::assert_snapshot!(to_text(&buf));
    assert_eq!(
        dot_on_row_of(&buf, "shop-db "),
        DARK.ok,
        "available primary"
    );
    // 95 s of lag against a 60 s bound.
    assert_eq!(dot_on_row_of(&buf, "shop-db-replica"), DARK.critical);
    assert_eq!(colour_of(&buf, "lag 95s"), DARK.critical);
}

#[test]
fn rds_pane_lists_aurora_clusters_after_instances() {
    let mut buf = canvas(64, 8);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(common::rds_with_clusters()));
    rds::render(
        buf.area,
        &mut buf,
        &RdsView {
            feed: &feed,
            limits: &limits(),
        },
        &ctx(),
    );
    insta::assert_snapshot!(to_text(&buf));
    let text = to_text(&buf);
    let row = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap();
    assert!(row("shop-db-replica") < row("shop-aurora "), "{text}");
    assert!(text.contains("cluster · 2 members · us-east-1"), "{text}");
    assert!(text.contains("cluster · 1 member · us-west-2"), "{text}");
    assert_eq!(dot_on_row_of(&buf, "shop-aurora "), DARK.ok);
    assert_eq!(colour_of(&buf, "failing-over"), DARK.warn);
    assert_eq!(dot_on_row_of(&buf, "shop-aurora-dr"), DARK.warn);
}

#[test]
fn backups_pane_shows_a_primary_clusters_restore_window() {
    let mut buf = canvas(64, 9);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(common::backups()));
    let mut rds_feed = Feed::default();
    rds_feed.apply(common::now(), Ok(common::rds_with_clusters()));
    backups::render(
        buf.area,
        &mut buf,
        &BackupsView {
            feed: &feed,
            rds: &rds_feed,
            limits: &limits(),
            newest_age: newest_completed_age(&common::backups(), common::now()),
        },
        &ctx(),
    );
    let text = to_text(&buf);
    assert!(
        text.contains("PITR shop-aurora: 03-11 02:00 … 2m ago"),
        "{text}"
    );
    assert_eq!(colour_of(&buf, "PITR shop-aurora:"), DARK.accent);
}

#[test]
fn rds_pane_shows_error_and_keeps_last_good_data() {
    let mut buf = canvas(64, 8);
    let mut feed = Feed::default();
    let earlier = common::now() - jiff::SignedDuration::from_secs(120);
    feed.apply(earlier, Ok(common::rds()));
    feed.apply(
        common::now(),
        Err(SourceError::new(
            "AccessDenied",
            "not authorized to rds:DescribeDBInstances",
        )),
    );
    rds::render(
        buf.area,
        &mut buf,
        &RdsView {
            feed: &feed,
            limits: &limits(),
        },
        &ctx(),
    );
    let text = to_text(&buf);
    assert!(text.contains("last good 2m ago"), "{text}");
    assert!(
        text.contains("shop-db-replica"),
        "stale data still shown:\n{text}"
    );
    assert_eq!(colour_of(&buf, "⚠ AccessDenied"), DARK.critical);
}

#[test]
fn backups_pane() {
    let mut buf = canvas(64, 9);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(common::backups()));
    let mut rds_feed = Feed::default();
    rds_feed.apply(common::now(), Ok(common::rds()));
    backups::render(
        buf.area,
        &mut buf,
        &BackupsView {
            feed: &feed,
            rds: &rds_feed,
            limits: &limits(),
            newest_age: newest_completed_age(&common::backups(), common::now()),
        },
        &ctx(),
    );
    insta::assert_snapshot!(to_text(&buf));
    assert_eq!(colour_of(&buf, "newest completed"), DARK.ok);
    assert_eq!(colour_of(&buf, "running"), DARK.warn);
    assert_eq!(colour_of(&buf, "failed"), DARK.critical);
}

#[test]
fn backups_pane_without_completed_point_is_critical() {
    let mut buf = canvas(64, 6);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(Default::default()));
    backups::render(
        buf.area,
        &mut buf,
        &BackupsView {
            feed: &feed,
            rds: &Feed::default(),
            limits: &limits(),
            newest_age: None,
        },
        &ctx(),
    );
    assert_eq!(
        colour_of(&buf, "no completed recovery point"),
        DARK.critical
    );
}

#[test]
fn ecs_pane() {
    let mut buf = canvas(72, 10);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(common::ecs()));
    ecs::render(buf.area, &mut buf, &EcsView { feed: &feed }, &ctx());
    insta::assert_snapshot!(to_text(&buf));
    assert_eq!(
        dot_on_row_of(&buf, "shop-web"),
        DARK.warn,
        "rolling out, 1/2 running"
    );
    assert_eq!(dot_on_row_of(&buf, "shop-worker"), DARK.ok);
}

#[test]
fn alarms_pane_puts_firing_first() {
    let mut buf = canvas(60, 6);
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(common::alarms()));
    alarms::render(buf.area, &mut buf, &AlarmsView { feed: &feed }, &ctx());
    insta::assert_snapshot!(to_text(&buf));
    let text = to_text(&buf);
    let first = text.lines().nth(1).unwrap();
    assert!(first.contains("shop-5xx"), "{text}");
    assert_eq!(colour_of(&buf, "ALARM"), DARK.critical);
    assert_eq!(dot_on_row_of(&buf, "shop-high-cpu"), DARK.ok);
    assert_eq!(dot_on_row_of(&buf, "shop-queue-depth"), DARK.muted);
}

#[test]
fn checklist_pane() {
    let mut app = common::app_with_live();
    app.update(Action::Journaled(common::entry(
        1,
        EntryKind::SessionStarted,
        None,
        None,
    )));
    app.update(Action::Journaled(common::entry(
        2,
        EntryKind::Confirmed,
        Some("declare"),
        None,
    )));
    let mut buf = canvas(70, 16);
    checklist::render(buf.area, &mut buf, &app.view().checklist, &ctx());
    insta::assert_snapshot!(to_text(&buf));
    assert_eq!(colour_of(&buf, "✓"), DARK.ok, "confirmed step");
    // The restore target does not exist yet: its check is not met.
    assert_eq!(colour_of(&buf, "✗ not met"), DARK.critical);
    assert_eq!(
        colour_of(&buf, "? unknown"),
        DARK.muted,
        "backups not fetched"
    );
    // Selection moved on to the next pending step, highlighted.
    let text = to_text(&buf);
    assert!(
        text.lines().any(|l| l.contains("▶ ○  2. Restore")),
        "{text}"
    );
}

#[test]
fn log_pane() {
    let mut skipped = common::entry(
        3,
        EntryKind::Skipped,
        Some("redeploy"),
        Some("web tier unaffected"),
    );
    skipped.actor = "bob".into();
    let entries = vec![
        common::entry(1, EntryKind::SessionStarted, None, None),
        common::entry(2, EntryKind::Confirmed, Some("declare"), None),
        skipped,
        common::entry(
            4,
            EntryKind::Note,
            Some("restore"),
            Some("restore started at 02:01"),
        ),
    ];
    let mut buf = canvas(70, 6);
    log::render(
        buf.area,
        &mut buf,
        &LogView {
            entries: &entries,
            already_done: &Default::default(),
        },
        &ctx(),
    );
    insta::assert_snapshot!(to_text(&buf));
    assert_eq!(colour_of(&buf, "confirmed"), DARK.ok);
    assert_eq!(colour_of(&buf, "skipped"), DARK.warn);
}

#[test]
fn whole_screen_at_80x24_keeps_checklist_and_state_readable() {
    let app = common::app_with_live();
    let mut buf = canvas(80, 24);
    drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
    insta::assert_snapshot!(to_text(&buf));
    let text = to_text(&buf);
    for must in [
        "Restore the database to",
        "shop-db",
        "shop-web",
        "ALARM",
        "RTO",
        "SIMULATED",
    ] {
        assert!(text.contains(must), "{must:?} missing at 80x24:\n{text}");
    }
    assert_eq!(colour_of(&buf, "SIMULATED"), DARK.bg_or_black());
}

#[test]
fn tiny_and_huge_screens_do_not_panic() {
    let app = common::app_with_live();
    for (w, h) in [(1, 1), (10, 3), (40, 10), (79, 23), (300, 100)] {
        let mut buf = canvas(w, h);
        drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
    }
}

#[test]
fn a_click_on_a_step_row_selects_that_step() {
    let app = common::app_with_live();
    let view = app.view();
    let area = Rect::new(0, 0, 80, 24);
    // Header is 2 rows, the checklist border 1: row 3 is step 1, row 5 step 3.
    assert_eq!(drconsole::ui::layout::step_at(area, &view, 10, 3), Some(0));
    assert_eq!(drconsole::ui::layout::step_at(area, &view, 10, 5), Some(2));
    assert_eq!(
        drconsole::ui::layout::step_at(area, &view, 10, 2),
        None,
        "border"
    );
    assert_eq!(
        drconsole::ui::layout::step_at(area, &view, 60, 5),
        None,
        "RDS pane"
    );
    let mut app = app;
    app.update(Action::SelectStep(2));
    assert_eq!(app.selected(), 2);
}

#[test]
fn readiness_overlay_shows_each_check_and_the_verdict() {
    let mut app = common::app_with_live();
    app.update(Action::Key(crossterm::event::KeyEvent::new(
        crossterm::event::KeyCode::Char('c'),
        crossterm::event::KeyModifiers::NONE,
    )));
    assert_eq!(*app.mode(), drconsole::app::Mode::Readiness);
    let mut buf = canvas(110, 30);
    drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
    let text = to_text(&buf);
    // The scenario restores to a point in time: the RPO is judged on the
    // primary's restore window, which the RDS data in this fixture has.
    assert!(text.contains("READY (3 of 3 met)"), "{text}");
    assert_eq!(colour_of(&buf, "READY (3"), DARK.ok);
    assert!(text.contains("PITR window of shop-db"), "{text}");
    assert!(
        text.contains("RPO basis: latest restorable time of shop-db, within 15m"),
        "{text}"
    );
    assert!(
        text.contains("shop-web exists (ACTIVE, 1/2 running)"),
        "{text}"
    );
}

#[test]
fn primary_load_and_why_tasks_stopped_are_shown() {
    use drconsole::domain::snapshot::{DbMetrics, StoppedTask};
    let mut rds_data = common::rds();
    rds_data.instances[0].metrics = Some(DbMetrics {
        cpu_percent: Some(87.4),
        free_storage_bytes: Some(42.0 * (1u64 << 30) as f64),
        connections: Some(120.0),
    });
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(rds_data));
    let mut buf = canvas(72, 8);
    rds::render(
        buf.area,
        &mut buf,
        &RdsView {
            feed: &feed,
            limits: &limits(),
        },
        &ctx(),
    );
    let text = to_text(&buf);
    assert!(
        text.contains("↳ cpu 87% · 120 connections · 42.0 GiB free"),
        "{text}"
    );

    let mut ecs_data = common::ecs();
    ecs_data.services[0].stopped_tasks = vec![StoppedTask {
        id: "0f3c".into(),
        stopped_at: Some(common::now() - jiff::SignedDuration::from_secs(60)),
        reason: "Essential container in task exited (exit code 137)".into(),
    }];
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(ecs_data));
    let mut buf = canvas(90, 12);
    ecs::render(buf.area, &mut buf, &EcsView { feed: &feed }, &ctx());
    let text = to_text(&buf);
    assert!(
        text.contains(
            "✗ 60s ago task 0f3c stopped: Essential container in task exited (exit code 137)"
        ),
        "{text}"
    );
    assert_eq!(colour_of(&buf, "✗ 60s ago task"), DARK.critical);
}

/// An unreachable region is named in the header with how long it has been
/// so, beside the region that still answers; a good answer clears it.
#[test]
fn the_header_says_which_region_cannot_be_reached_and_since_when() {
    use drconsole::domain::snapshot::SourceKind;
    use drconsole::sources::SourceUpdate;
    let mut app = common::app_with_live();
    let failed = |minutes: i64| SourceUpdate::Fetched {
        key: drconsole::sources::FeedKey::whole(SourceKind::Rds),
        at: common::now() + jiff::SignedDuration::from_mins(minutes),
        result: Err(SourceError::new("Unreachable", "cannot reach the endpoint")
            .from_call("us-east-1", "DescribeDBInstances")),
    };
    app.update(Action::Source(failed(1)));
    app.update(Action::Source(failed(3)));
    app.update(Action::Tick(
        common::now() + jiff::SignedDuration::from_mins(4),
    ));
    let header = |app: &App| {
        let mut buf = canvas(140, 2);
        drconsole::ui::header::render(buf.area, &mut buf, &app.view().header, &DARK);
        buf
    };
    let buf = header(&app);
    let text = to_text(&buf);
    assert!(
        text.contains("us-east-1 ✗ unreachable 3m → us-west-2 (DR)"),
        "{text}"
    );
    assert_eq!(colour_of(&buf, "✗ unreachable"), DARK.critical);

    app.update(Action::Source(SourceUpdate::Fetched {
        key: drconsole::sources::FeedKey::whole(SourceKind::Rds),
        at: common::now() + jiff::SignedDuration::from_mins(5),
        result: Ok(drconsole::sources::Payload::Rds(common::rds())),
    }));
    let text = to_text(&header(&app));
    assert!(text.contains("us-east-1 → us-west-2 (DR)"), "{text}");
}

/// The primary region stopped answering two minutes ago and CloudWatch in
/// the DR region one minute ago: the primary's row keeps its last status,
/// marked with why and as of when; the replica keeps its live status and
/// its lag is unknown with the reason, never the old figure.
#[test]
fn rows_of_a_failing_region_and_figures_of_a_failing_api_say_so() {
    use drconsole::domain::snapshot::{LiveState, RdsSnapshot, SourceKind};
    use drconsole::sources::{FeedKey, FeedPart, Payload};
    let minutes_ago = |m: i64| common::now() - jiff::SignedDuration::from_mins(m);
    let all = common::rds();
    let in_region = |region: &str| {
        Ok(Payload::Rds(RdsSnapshot {
            instances: all
                .instances
                .iter()
                .filter(|db| db.region == region)
                .cloned()
                .collect(),
            ..RdsSnapshot::default()
        }))
    };
    let east = FeedKey::of(SourceKind::Rds, FeedPart::State, "us-east-1", 0);
    let west = FeedKey::of(SourceKind::Rds, FeedPart::State, "us-west-2", 1);
    let metrics = FeedKey::of(SourceKind::Rds, FeedPart::Metrics, "us-west-2", 2);
    let mut live = LiveState::default();
    live.apply(&east, minutes_ago(2), in_region("us-east-1"));
    live.apply(&west, minutes_ago(2), in_region("us-west-2"));
    live.apply(
        &metrics,
        minutes_ago(2),
        Ok(Payload::RdsDetails(Default::default())),
    );
    live.apply(
        &metrics,
        minutes_ago(1),
        Err(metrics.error("Unreachable", "no route".into())),
    );
    live.apply(
        &east,
        minutes_ago(1),
        Err(east.error("Unreachable", "no route".into())),
    );
    live.apply(&west, common::now(), in_region("us-west-2"));

    let mut buf = canvas(100, 8);
    let view = RdsView {
        feed: &live.rds,
        limits: &limits(),
    };
    rds::render(buf.area, &mut buf, &view, &ctx());
    let text = to_text(&buf);
    assert!(
        text.contains("✗ us-east-1: DescribeDBInstances Unreachable · last good 2m ago"),
        "{text}"
    );
    assert!(
        text.contains("shop-db         available ✗ Unreachable · as of 2m ago · us-east-1a"),
        "{text}"
    );
    assert_eq!(dot_on_row_of(&buf, "as of 2m ago"), DARK.muted);
    assert!(
        text.contains("↳ lag ?     GetMetricData Unreachable · last good 2m ago"),
        "{text}"
    );
    assert_eq!(colour_of(&buf, "GetMetricData Unreachable"), DARK.critical);
}

/// When every feed of a pane fails, its one error line says so; the same
/// failure is not named again below it, and the kept rows are marked.
#[test]
fn a_pane_whose_only_feed_fails_names_the_failure_once() {
    use drconsole::domain::snapshot::{EcsSnapshot, LiveState, SourceKind};
    use drconsole::sources::{FeedKey, FeedPart, Payload};
    let key = FeedKey::of(SourceKind::Ecs, FeedPart::State, "us-east-1", 0).with_scope("shop");
    let mut live = LiveState::default();
    let earlier = common::now() - jiff::SignedDuration::from_mins(1);
    let services = EcsSnapshot {
        services: common::ecs().services,
        ..EcsSnapshot::default()
    };
    live.apply(&key, earlier, Ok(Payload::Ecs(services)));
    live.apply(
        &key,
        common::now(),
        Err(key.error("Unreachable", "no route".into())),
    );
    let mut buf = canvas(90, 10);
    ecs::render(buf.area, &mut buf, &EcsView { feed: &live.ecs }, &ctx());
    let text = to_text(&buf);
    assert_eq!(
        text.matches("Unreachable").count(),
        1 + common::ecs().services.len(),
        "{text}"
    );
    assert!(text.contains("⚠ Unreachable no route"), "{text}");
    assert!(!text.contains("✗ us-east-1: DescribeServices"), "{text}");
    assert!(text.contains("✗ Unreachable · as of 60s ago"), "{text}");
}

/// A vault that could not be listed is named above the points that could.
#[test]
fn backups_pane_names_a_listing_that_failed() {
    let mut data = common::backups();
    data.unavailable = vec![
        SourceError::new("AccessDenied", "not authorized")
            .from_call("us-west-2", "ListRecoveryPointsByBackupVault"),
    ];
    let mut feed = Feed::default();
    feed.apply(common::now(), Ok(data));
    let mut rds = Feed::default();
    rds.apply(common::now(), Ok(common::rds()));
    let view = BackupsView {
        feed: &feed,
        rds: &rds,
        newest_age: newest_completed_age(feed.data.as_ref().unwrap(), common::now()),
        limits: &limits(),
    };
    let mut buf = canvas(90, 12);
    backups::render(buf.area, &mut buf, &view, &ctx());
    let text = to_text(&buf);
    assert!(
        text.contains("✗ us-west-2: ListRecoveryPointsByBackupVault AccessDenied"),
        "{text}"
    );
    assert!(text.contains("newest completed 3h old"), "{text}");
}
