//! `drconsole status` on the simulated environment: the verdict and exit
//! code follow the live state, and the JSON reports every resource.

use drconsole::clock::Clock;
use drconsole::commands::common::refresh;
use drconsole::commands::status::report;
use drconsole::domain::assess::{Overall, runbook_health};
use drconsole::domain::health::Health;
use drconsole::domain::snapshot::{AlarmState, SourceError, SourceKind};
use drconsole::runbook::builtin;
use drconsole::runbook::model::RdsClusterSpec;
use drconsole::sources::sim::SimSource;
use drconsole::sources::sim::world::SimWorld;
use jiff::Timestamp;
use std::time::Duration;

fn start() -> Timestamp {
    "2026-03-14T02:00:00Z".parse().unwrap()
}

async fn check(world: SimWorld, json: bool) -> (Overall, String) {
    let runbook = builtin::rally();
    let at = start() + jiff::SignedDuration::from_secs(60);
    let source = SimSource::from_world(world, Clock::Fixed(at));
    let live = refresh(&source, Duration::from_secs(5), at).await;
    let mut out = Vec::new();
    let overall = report(&runbook, "simulated", &live, at, json, &mut out).unwrap();
    (overall, String::from_utf8(out).unwrap())
}

fn world() -> SimWorld {
    SimWorld::new(&builtin::rally().environment, 7, start())
}

#[tokio::test]
async fn healthy_environment_exits_0() {
    let (overall, text) = check(world(), false).await;
    assert_eq!(overall, Overall::Healthy, "{text}");
    assert_eq!(overall.exit_code(), 0);
    assert!(
        text.contains("rally-prod-db") && text.contains("overall: healthy"),
        "{text}"
    );
}

#[tokio::test]
async fn a_firing_alarm_is_degraded_and_exits_1() {
    let mut world = world();
    world.set_alarm_override("rally-prod-app-5xx", Some(AlarmState::Alarm), start());
    let (overall, text) = check(world, false).await;
    assert_eq!(overall, Overall::Degraded, "{text}");
    assert_eq!(overall.exit_code(), 1);
    assert!(
        text.contains("CRITICAL") && text.contains("rally-prod-app-5xx"),
        "{text}"
    );
}

/// A part that cannot be read is news beside what can: degraded, with a
/// finding naming it, and everything else judged as usual.
#[tokio::test]
async fn a_failing_source_beside_readable_ones_is_degraded_and_exits_1() {
    let mut world = world();
    world.set_error(
        SourceKind::Ecs,
        Some(SourceError::new("AccessDenied", "not authorized")),
    );
    let (overall, text) = check(world, false).await;
    assert_eq!(overall, Overall::Degraded, "{text}");
    assert_eq!(overall.exit_code(), 1);
    assert!(
        text.contains("cannot be read: AccessDenied: not authorized"),
        "{text}"
    );
    assert_eq!(text.matches("AccessDenied").count(), 1, "said once: {text}");
    assert!(text.contains("rally-prod-db"), "RDS still judged: {text}");
}

/// Could not tell only when nothing at all could be read.
#[tokio::test]
async fn nothing_readable_is_could_not_tell_and_exits_2() {
    let mut world = world();
    for kind in SourceKind::ALL {
        world.set_error(
            kind,
            Some(SourceError::new("AccessDenied", "not authorized")),
        );
    }
    let (overall, text) = check(world, false).await;
    assert_eq!(overall, Overall::Unknown, "{text}");
    assert_eq!(overall.exit_code(), 2);
    assert!(!text.contains("cannot be read"), "{text}");
}

#[tokio::test]
async fn json_reports_every_resource_with_its_region() {
    let (overall, text) = check(world(), true).await;
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["overall"], "healthy");
    assert_eq!(json["exit_code"], overall.exit_code());
    let db = &json["live"]["rds"]["data"]["instances"][0];
    assert_eq!(db["id"], "rally-prod-db");
    assert_eq!(db["region"], "us-east-1");
    let services = json["live"]["ecs"]["data"]["services"].as_array().unwrap();
    assert_eq!(services[0]["name"], "rally-prod-service-fargate");
    assert!(
        !json["live"]["backups"]["data"]["recovery_points"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["kind"] == "alarms" && f["resource"] == "rally-prod-app-5xx")
    );
}

#[tokio::test]
async fn aurora_clusters_are_reported_and_judged() {
    let mut runbook = builtin::rally();
    runbook.environment.rds_clusters = vec![RdsClusterSpec {
        id: "rally-aurora".into(),
        region: None,
        engine: None,
    }];
    let at = start() + jiff::SignedDuration::from_secs(60);
    let world = SimWorld::new(&runbook.environment, 7, start());
    let source = SimSource::from_world(world, Clock::Fixed(at));
    let live = refresh(&source, Duration::from_secs(5), at).await;
    let mut out = Vec::new();
    let overall = report(&runbook, "simulated", &live, at, true, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(overall, Overall::Healthy);
    let cluster = &json["live"]["rds"]["data"]["clusters"][0];
    assert_eq!(cluster["id"], "rally-aurora");
    assert_eq!(cluster["writer"], "rally-aurora-instance-1");
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"] == "rally-aurora")
        .unwrap();
    assert_eq!(finding["health"], "ok");
    assert_eq!(finding["summary"], "available cluster primary, 2 members");

    // A cluster failing over warns; one the runbook names but AWS did not
    // return is critical, like a missing instance.
    runbook.environment.rds_clusters.push(RdsClusterSpec {
        id: "rally-aurora-gone".into(),
        region: Some("us-west-2".into()),
        engine: None,
    });
    let mut live = live;
    let mut rds = live.rds.data.clone().unwrap();
    rds.clusters[0].status = "failing-over".into();
    live.rds.apply(at, Ok(rds));
    let assessed = runbook_health(&runbook, &live, at);
    let health = |id: &str| {
        let f = assessed.findings.iter().find(|f| f.resource == id).unwrap();
        (f.health, f.region.clone().unwrap())
    };
    assert_eq!(health("rally-aurora"), (Health::Warn, "us-east-1".into()));
    assert_eq!(
        health("rally-aurora-gone"),
        (Health::Critical, "us-west-2".into())
    );
    assert_eq!(assessed.overall, Overall::Degraded);
}

#[tokio::test]
async fn json_without_clusters_has_no_clusters_key() {
    let (_, text) = check(world(), true).await;
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(json["live"]["rds"]["data"].get("clusters").is_none());
}

/// No completed recovery point is critical, unless a listing failed: then
/// a newer point may be where it could not see, and the finding is unknown
/// beside the failure's own.
#[tokio::test]
async fn no_recovery_point_is_unknown_while_a_listing_failed() {
    use drconsole::domain::snapshot::{BackupSnapshot, LiveState};
    use drconsole::sources::{FeedKey, Payload};
    let runbook = builtin::rally();
    let at = start();
    let health_with = |unavailable: Vec<SourceError>| {
        let mut live = LiveState::default();
        let backups = BackupSnapshot {
            recovery_points: Vec::new(),
            unavailable,
        };
        live.apply(
            &FeedKey::whole(SourceKind::Backups),
            at,
            Ok(Payload::Backups(backups)),
        );
        let verdict = runbook_health(&runbook, &live, at);
        verdict
            .findings
            .iter()
            .find(|f| f.resource == "recovery points")
            .map(|f| f.health)
    };
    assert_eq!(health_with(Vec::new()), Some(Health::Critical));
    let failed = SourceError::new("Unreachable", "cannot connect")
        .from_call("us-east-1", "DescribeDBSnapshots");
    assert_eq!(health_with(vec![failed]), Some(Health::Unknown));
}

/// An unreachable region heads the table, once, beside the regions that
/// answer; `--json` gives each region's health too.
#[tokio::test]
async fn an_unreachable_region_heads_the_report() {
    use drconsole::domain::snapshot::{LiveState, RdsSnapshot};
    use drconsole::sources::{FeedKey, FeedPart, Payload};
    let mut runbook = builtin::rally();
    runbook.environment.regions.dr = Some("us-west-2".into());
    let at = start();
    let east = FeedKey::of(SourceKind::Rds, FeedPart::State, "us-east-1", 0);
    let west = FeedKey::of(SourceKind::Rds, FeedPart::State, "us-west-2", 1);
    let mut live = LiveState::default();
    live.apply(
        &east,
        at,
        Err(east.error("Unreachable", "cannot connect".into())),
    );
    live.apply(&west, at, Ok(Payload::Rds(RdsSnapshot::default())));
    let mut out = Vec::new();
    let overall = report(&runbook, "aws", &live, at, false, &mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert_eq!(overall, Overall::Degraded, "{text}");
    assert!(
        text.contains(
            "Regions\n  UNREACHABLE us-east-1 (DescribeDBInstances: Unreachable)\n  ok          us-west-2\n"
        ),
        "{text}"
    );
    let mut out = Vec::new();
    report(&runbook, "aws", &live, at, true, &mut out).unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(json["regions"][0]["region"], "us-east-1");
    assert_eq!(json["regions"][0]["state"], "unreachable");
    assert_eq!(json["regions"][1]["state"], "ok");
}
