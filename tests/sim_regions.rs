//! The simulated world is served in one feed per kind and region, like the
//! AWS source: a drill's region fault (unreachable, slow, throttled, one
//! API or all) fails that region's feeds alone, its rows stay marked
//! stale, and the header says so; a failed backup job shows in the pane.

mod common;

use std::time::Duration;

use drconsole::clock::Clock;
use drconsole::domain::health::{Limits, newest_completed_age};
use drconsole::domain::regions::{RegionState, region_health};
use drconsole::domain::snapshot::{LiveState, RecoveryPointStatus, SourceKind};
use drconsole::drill::model::{Api, ApiHealth};
use drconsole::drill::{self, Fault};
use drconsole::runbook::builtin::builtin;
use drconsole::sources::poller::FETCH_TIMEOUT;
use drconsole::sources::sim::{SimSource, SimWorld};
use drconsole::sources::{Source, fetch_within};
use drconsole::ui::export::to_text;
use drconsole::ui::theme::DARK;
use drconsole::ui::view::BackupsView;
use drconsole::ui::widgets::PaneCtx;
use jiff::{SignedDuration, Timestamp};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use common::console::Console;
use crossterm::event::KeyCode;

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn at(minutes: i64) -> Timestamp {
    common::now() + SignedDuration::from_mins(minutes)
}

fn regami() -> SimWorld {
    SimWorld::new(&builtin("regami").unwrap().environment, 7, at(0))
}

fn region_fault(region: &str, api_of: Option<Api>, health: ApiHealth) -> Fault {
    Fault::RegionApi {
        region: region.into(),
        api_of,
        health,
        latency: None,
    }
}

/// Every feed of the world fetched once at `now`, into `live`.
fn poll(world: &SimWorld, live: &mut LiveState, now: Timestamp) {
    for key in world.feeds() {
        live.apply(&key, now, world.fetch_feed_at(&key, now, FETCH_TIMEOUT));
    }
}

#[test]
fn the_world_has_a_feed_per_kind_and_region_primary_first() {
    let feeds = regami().feeds();
    let regions: Vec<&str> = feeds.iter().filter_map(|k| k.region.as_deref()).collect();
    assert_eq!(regions.len(), 8, "{feeds:?}");
    assert_eq!(regions[..4], [EAST; 4]);
    assert_eq!(regions[4..], [WEST; 4]);
    for kind in SourceKind::ALL {
        assert_eq!(feeds.iter().filter(|k| k.kind == kind).count(), 2);
    }
}

#[test]
fn an_unreachable_region_fails_alone_its_rows_stale_until_it_answers_again() {
    let mut world = regami();
    let mut live = LiveState::default();
    poll(&world, &mut live, at(0));
    world.inject(&region_fault(EAST, None, ApiHealth::Unreachable), at(1));
    poll(&world, &mut live, at(2));

    for (key, feed) in live.feeds() {
        let failing = feed.error.as_ref().map(|(_, e)| e.code.as_str());
        match key.region.as_deref() {
            Some(EAST) => assert_eq!(failing, Some("Unreachable"), "{key:?}"),
            _ => assert_eq!(failing, None, "{key:?}"),
        }
    }
    let rds = live.rds.data.as_ref().unwrap();
    let primary = rds.instance("regami-db").expect("the primary's row stays");
    let stale = primary.stale.as_ref().expect("marked stale");
    assert_eq!(stale.region.as_deref(), Some(EAST));
    assert_eq!(stale.api.as_deref(), Some("DescribeDBInstances"));
    // The world knows when its fault began: dated from then, not from the
    // last good answer before it (as AWS errors are).
    assert_eq!(stale.since, Some(at(1)), "dated from the fault");
    let replica = rds.instance("regami-db-replica").unwrap();
    assert_eq!(replica.stale, None);
    assert!(replica.lag_secs.is_some(), "the DR region's metrics answer");
    let ecs = live.ecs.data.as_ref().unwrap();
    assert!(
        ecs.services
            .iter()
            .all(|s| s.stale.is_some() == (s.region == EAST))
    );
    assert_eq!(live.rds.error, None, "the kind still answers in us-west-2");

    let health = region_health(&[EAST, WEST], &live);
    assert_eq!(
        (health[0].state, health[0].since, health[0].why.as_deref()),
        (
            RegionState::Unreachable,
            Some(at(1)),
            Some("DescribeDBInstances: Unreachable")
        )
    );
    assert_eq!(health[1].state, RegionState::Ok);

    // `clear = true` (api = "ok") ends it.
    world.inject(&region_fault(EAST, None, ApiHealth::Ok), at(3));
    poll(&world, &mut live, at(4));
    assert!(live.feeds().all(|(_, f)| f.error.is_none()));
    let rds = live.rds.data.as_ref().unwrap();
    assert_eq!(rds.instance("regami-db").unwrap().stale, None);
    assert_eq!(region_health(&[EAST], &live)[0].state, RegionState::Ok);
}

#[test]
fn one_throttled_api_degrades_its_region_and_leaves_the_rest_answering() {
    let mut world = regami();
    world.inject(
        &region_fault(EAST, Some(Api::Ecs), ApiHealth::Throttled),
        at(0),
    );
    let live = world.live_at(at(1));
    let failing: Vec<String> = live
        .feeds()
        .filter(|(_, f)| f.error.is_some())
        .map(|(k, _)| k.label())
        .collect();
    assert_eq!(failing, ["ECS us-east-1"]);
    let (_, error) = live
        .feeds()
        .find_map(|(_, f)| f.error.clone())
        .expect("the ECS feed fails");
    assert_eq!(error.code, "Throttled");
    assert!(error.message.contains("ThrottlingException"), "{error}");
    let health = region_health(&[EAST, WEST], &live);
    assert_eq!(health[0].state, RegionState::Degraded);
    assert_eq!(
        health[0].why.as_deref(),
        Some("DescribeServices: Throttled")
    );
    assert_eq!(health[1].state, RegionState::Ok);
    assert!(
        live.rds
            .data
            .as_ref()
            .unwrap()
            .instance("regami-db")
            .is_some(),
        "RDS in us-east-1 still answers"
    );
}

#[test]
fn a_failing_api_inside_a_feed_leaves_its_other_parts_answering() {
    let mut world = regami();
    // CloudWatch in the DR region: the replica's lag is unknown, with why.
    world.inject(
        &region_fault(WEST, Some(Api::Cloudwatch), ApiHealth::Unreachable),
        at(0),
    );
    // AWS Backup in the primary region: its RDS snapshots are still listed.
    world.inject(
        &region_fault(EAST, Some(Api::Backup), ApiHealth::Unreachable),
        at(0),
    );
    let live = world.live_at(at(1));
    let rds = live.rds.data.as_ref().unwrap();
    let replica = rds.instance("regami-db-replica").unwrap();
    assert_eq!((replica.stale.is_none(), replica.lag_secs), (true, None));
    let why = rds.metrics_unavailable(WEST).expect("named");
    assert_eq!(why.code, "Unreachable");

    let backups = live.backups.data.as_ref().unwrap();
    let east: Vec<_> = backups
        .recovery_points
        .iter()
        .filter(|p| p.region == EAST)
        .collect();
    assert!(!east.is_empty());
    assert!(east.iter().all(|p| p.vault.is_none()), "only RDS snapshots");
    assert!(
        backups
            .recovery_points
            .iter()
            .any(|p| p.region == WEST && p.vault.is_some()),
        "the DR vault answers"
    );
    let unlisted: Vec<_> = backups
        .unavailable
        .iter()
        .map(|e| (e.region.as_deref(), e.api.as_deref()))
        .collect();
    assert_eq!(
        unlisted,
        [(Some(EAST), Some("ListRecoveryPointsByBackupVault"))]
    );
    let health = region_health(&[EAST, WEST], &live);
    assert_eq!(
        (health[0].state, health[1].state),
        (RegionState::Degraded, RegionState::Degraded)
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_region_answers_after_its_latency_or_times_out() {
    let runbook = builtin("regami").unwrap();
    let clock = Clock::sim(at(0));
    let source = SimSource::new(&runbook.environment, 7, clock.clone());
    let east_rds = source
        .feeds()
        .into_iter()
        .find(|k| k.kind == SourceKind::Rds && k.region.as_deref() == Some(EAST))
        .unwrap();
    let slow = |latency| Fault::RegionApi {
        region: EAST.into(),
        api_of: Some(Api::Rds),
        health: ApiHealth::Slow,
        latency,
    };
    source.world().inject(&slow(Some(3)), at(0));
    let started = tokio::time::Instant::now();
    let answer = fetch_within(&source, &east_rds, FETCH_TIMEOUT).await;
    assert!(answer.is_ok(), "{answer:?}");
    assert_eq!(started.elapsed(), Duration::from_secs(3));

    source.world().inject(&slow(None), clock.now());
    let started = tokio::time::Instant::now();
    let error = fetch_within(&source, &east_rds, FETCH_TIMEOUT)
        .await
        .unwrap_err();
    assert_eq!(started.elapsed(), FETCH_TIMEOUT);
    assert_eq!(
        (error.code.as_str(), error.region.as_deref()),
        ("Timeout", Some(EAST))
    );
    // A one-shot read of the world (status, screenshots) times out alike.
    let later = clock.now();
    let error = source
        .world()
        .fetch_feed_at(&east_rds, later, FETCH_TIMEOUT)
        .unwrap_err();
    assert_eq!(error.code, "Timeout");
}

/// The header of a console on the built-in drill of `runbook`'s
/// `scenario`, polled for a minute of paused time.
async fn header_during(runbook: &str, scenario: &str) -> (String, Console) {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open_drill(dir.path(), runbook, scenario);
    console.run_for(Duration::from_secs(60)).await;
    (header_of(&console), console)
}

fn header_of(console: &Console) -> String {
    let mut buf = Buffer::empty(Rect::new(0, 0, 140, 2));
    drconsole::ui::header::render(buf.area, &mut buf, &console.app().view().header, &DARK);
    to_text(&buf)
}

#[tokio::test(start_paused = true)]
async fn the_regional_outage_drill_shows_us_east_1_unreachable_in_the_header() {
    let (header, console) = header_during("rally", "regional-outage").await;
    assert!(header.contains("us-east-1 ✗ unreachable 60s"), "{header}");
    let live = console.app().live();
    let (_, error) = live.rds.error.clone().expect("rally has only us-east-1");
    assert_eq!(
        (error.code.as_str(), error.region.as_deref()),
        ("Unreachable", Some(EAST))
    );
}

#[tokio::test(start_paused = true)]
async fn the_region_failover_drill_loses_us_east_1_while_us_west_2_answers() {
    let (header, console) = header_during("regami", "region-failover").await;
    assert!(
        header.contains("us-east-1 ✗ unreachable 60s → us-west-2 (DR)"),
        "{header}"
    );
    let rds = console.app().live().rds.data.clone().unwrap();
    assert!(rds.instance("regami-db").is_none(), "never answered");
    let replica = rds.instance("regami-db-replica").unwrap();
    assert_eq!(replica.stale, None);
    assert_eq!(replica.status, "available");
}

#[test]
fn a_failed_backup_job_shows_with_its_message_and_the_newest_completed_point_stays() {
    let runbook = builtin("rally").unwrap();
    let staged = |drills| {
        let source =
            SimSource::new(&runbook.environment, 7, Clock::Fixed(at(0))).with_drills(drills);
        source.scenario_began("instance-failure");
        let declare = &runbook.scenarios[0].steps[0];
        assert_eq!(declare.id, "declare");
        source.step_run(declare, at(0));
        source
    };
    let source = staged(drill::builtin_for("rally"));
    let calm = staged(Vec::new());
    let now = at(5);
    let live = source.world().live_at(now);
    let backups = live.backups.data.as_ref().unwrap();
    let failed: Vec<_> = backups
        .recovery_points
        .iter()
        .filter(|p| p.status == RecoveryPointStatus::Failed)
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].created, at(1), "a minute after the step");
    assert_eq!(failed[0].completed, None);
    let calm_backups = calm.world().live_at(now).backups.data.unwrap();
    let newest_age = newest_completed_age(backups, now);
    assert_eq!(newest_age, newest_completed_age(&calm_backups, now));
    assert_eq!(
        backups.recovery_points.len(),
        calm_backups.recovery_points.len() + 1
    );

    let mut buf = Buffer::empty(Rect::new(0, 0, 120, 12));
    let ctx = PaneCtx {
        theme: &DARK,
        now,
        focused: false,
        scroll: 0,
        zoomed: false,
        filter: "",
    };
    let view = BackupsView {
        feed: &live.backups,
        rds: &live.rds,
        limits: &Limits::from_runbook(&runbook),
        newest_age,
    };
    drconsole::ui::backups::render(buf.area, &mut buf, &view, &ctx);
    let text = to_text(&buf);
    let lines: Vec<&str> = text.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.contains("failed ") && l.contains("rally-prod-db · rally-prod-vault"))
        .unwrap_or_else(|| panic!("no failed row:\n{text}"));
    assert!(
        lines[row + 1].contains("DB instance rally-prod-db is in state failed"),
        "{text}"
    );
    let x = lines[row].find("failed").unwrap();
    let x = lines[row][..x].chars().count() as u16;
    assert_eq!(buf[(x, row as u16)].fg, DARK.critical);
}

#[tokio::test(start_paused = true)]
async fn a_resumed_outage_drill_dates_the_outage_from_the_fault_not_the_relaunch() {
    let dir = tempfile::tempdir().unwrap();
    let open = |resume| {
        Console::open_staged(
            dir.path(),
            resume,
            builtin("rally").unwrap(),
            "regional-outage",
            drill::builtin_for("rally"),
        )
    };
    let east = |console: &Console| console.app().view().header.region_health[0].clone();
    let mut console = open(false);
    // The drill loses us-east-1 as it begins, with the session.
    let began = console.clock.now();
    console.run_for(Duration::from_secs(90)).await;
    assert_eq!(east(&console).since, Some(began));
    console.press(KeyCode::Char('q'));
    console.press(KeyCode::Char('y'));
    drop(console);

    let mut resumed = open(true);
    resumed.run_for(Duration::from_secs(5)).await;
    let health = east(&resumed);
    assert_eq!(
        (health.region.as_str(), health.state, health.since),
        (EAST, RegionState::Unreachable, Some(began))
    );
    let header = header_of(&resumed);
    assert!(header.contains("us-east-1 ✗ unreachable 95s"), "{header}");
    // The RDS pane, which never had an answer since the relaunch, dates
    // its error from the fault too, not "since unknown".
    let rds = resumed
        .app()
        .live()
        .rds
        .stale_error()
        .expect("the region is dark");
    assert_eq!(rds.since, Some(began));
}
