//! Hand-made live state and runbook shared by the UI and app tests: fixed
//! values, so snapshots and colour asserts do not depend on the simulator.
#![allow(dead_code)]

pub mod console;
pub mod hostile;
pub mod mutate;
pub mod pty;

/// Points a `drconsole` child process at AWS on a closed local port, with
/// fake credentials and no profile files: every call fails fast as
/// `Unreachable`, and nothing can reach real AWS.
pub fn unreachable_aws<'a>(
    cmd: &'a mut std::process::Command,
    dir: &std::path::Path,
) -> &'a mut std::process::Command {
    cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "fake")
        .env("AWS_SECRET_ACCESS_KEY", "fake")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", dir.join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", dir.join("none"))
        .env_remove("AWS_PROFILE")
}

use drconsole::domain::snapshot::*;
use drconsole::runbook::model::Runbook;
use jiff::{SignedDuration, Timestamp};

pub fn now() -> Timestamp {
    "2026-03-14T02:00:00Z".parse().unwrap()
}

fn ago(secs: i64) -> Timestamp {
    now() - SignedDuration::from_secs(secs)
}

pub const RUNBOOK: &str = r#"
name = "Fixture production"
[objectives]
rto = "1h"
rpo = "15m"
[environment]
regions = { primary = "us-east-1", dr = "us-west-2" }
rds = [
  { id = "shop-db", engine = "postgres" },
  { id = "shop-db-replica", region = "us-west-2", role = "replica", source = "shop-db" },
]
ecs = [
  { cluster = "shop-cluster", service = "shop-web" },
  { cluster = "shop-cluster", service = "shop-worker" },
]
backup_vaults = [{ name = "shop-vault" }]
alarms = { names = ["shop-5xx"], prefixes = ["shop-"] }
thresholds = { replica_lag = "60s" }

[[scenario]]
id = "db-failure"
title = "Database instance failure"

[[scenario.step]]
id = "declare"
title = "Declare the incident and freeze deploys"
role = "Incident Commander"
expected = "5m"

[[scenario.step]]
id = "restore"
title = "Restore the database to the latest restorable time"
role = "DB ops"
commands = ["aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier shop-db --target-db-instance-identifier shop-db-restore --use-latest-restorable-time"]
expected = "45m"
verify.instance_status = { instance = "shop-db-restore", status = "available" }

[[scenario.step]]
id = "redeploy"
title = "Redeploy the web service"
role = "App ops"
verify.ecs_stable = { cluster = "shop-cluster", service = "shop-web" }

[[scenario.step]]
id = "backup-fresh"
title = "A recovery point younger than a day exists"
verify.recovery_point_younger_than = { vault = "shop-vault", max_age = "1d" }

[[scenario.step]]
id = "alarms"
title = "Alarms back to OK"
verify.alarm_state = { alarm = "shop-5xx", state = "OK" }

[[scenario]]
id = "app-failure"
title = "Application failure"
rto = "30m"

[[scenario.step]]
id = "rollback"
title = "Roll back to the last good task definition"
"#;

pub fn runbook() -> Runbook {
    toml::from_str(RUNBOOK).unwrap()
}

pub fn rds() -> RdsSnapshot {
    RdsSnapshot {
        instances: vec![
            DbInstance {
                stale: None,
                id: "shop-db".into(),
                region: "us-east-1".into(),
                replica_of: None,
                status: "available".into(),
                engine: Some("postgres".into()),
                multi_az: false,
                az: Some("us-east-1a".into()),
                endpoint: Some("shop-db.abc.us-east-1.rds.amazonaws.com".into()),
                earliest_restorable: Some(ago(7 * 86_400)),
                latest_restorable: Some(ago(240)),
                replication_state: None,
                lag_secs: None,
                lag_history: vec![],
                metrics: None,
            },
            DbInstance {
                stale: None,
                id: "shop-db-replica".into(),
                region: "us-west-2".into(),
                replica_of: Some("arn:aws:rds:us-east-1:123456789012:db:shop-db".into()),
                status: "available".into(),
                engine: Some("postgres".into()),
                multi_az: false,
                az: Some("us-west-2b".into()),
                endpoint: None,
                earliest_restorable: None,
                latest_restorable: None,
                replication_state: Some("replicating".into()),
                lag_secs: Some(95.0),
                lag_history: vec![3, 5, 8, 4, 2, 10, 30, 60, 95],
                metrics: None,
            },
        ],
        clusters: Vec::new(),
        unavailable: Vec::new(),
    }
}

/// `common::rds()` plus two Aurora clusters: `shop-aurora`, available in
/// us-east-1 with a writer and a reader, and `shop-aurora-dr`, failing over
/// in us-west-2 with its writer only.
pub fn rds_with_clusters() -> RdsSnapshot {
    let cluster = |id: &str, region: &str, status: &str, readers: usize| DbCluster {
        stale: None,
        id: id.into(),
        region: region.into(),
        status: status.into(),
        engine: Some("aurora-postgresql".into()),
        multi_az: readers > 0,
        writer: Some(format!("{id}-instance-1")),
        readers: (0..readers)
            .map(|n| format!("{id}-instance-{}", n + 2))
            .collect(),
        endpoint: None,
        reader_endpoint: None,
        earliest_restorable: Some(ago(3 * 86_400)),
        latest_restorable: Some(ago(120)),
        replica_of: None,
    };
    RdsSnapshot {
        clusters: vec![
            cluster("shop-aurora", "us-east-1", "available", 1),
            cluster("shop-aurora-dr", "us-west-2", "failing-over", 0),
        ],
        ..rds()
    }
}

pub fn backups() -> BackupSnapshot {
    let point = |id: &str, kind, status, age: i64| RecoveryPoint {
        id: id.into(),
        kind,
        vault: (kind == RecoveryPointKind::Backup).then(|| "shop-vault".into()),
        region: "us-east-1".into(),
        resource: "arn:aws:rds:us-east-1:123456789012:db:shop-db".into(),
        status,
        created: ago(age),
        completed: (status == RecoveryPointStatus::Completed).then(|| ago(age - 600)),
        size_bytes: Some(12_000_000_000),
        delete_at: None,
        cold_storage_at: None,
        status_message: None,
    };
    BackupSnapshot {
        recovery_points: vec![
            point(
                "rp-running",
                RecoveryPointKind::Backup,
                RecoveryPointStatus::Running,
                300,
            ),
            point(
                "rp-1",
                RecoveryPointKind::Backup,
                RecoveryPointStatus::Completed,
                4 * 3600,
            ),
            point(
                "snap-1",
                RecoveryPointKind::AutomatedSnapshot,
                RecoveryPointStatus::Completed,
                23 * 3600,
            ),
            point(
                "rp-0",
                RecoveryPointKind::Backup,
                RecoveryPointStatus::Failed,
                8 * 3600,
            ),
        ],
        unavailable: Vec::new(),
    }
}

pub fn ecs() -> EcsSnapshot {
    let deployment = |id: &str, status: &str, rollout, running| Deployment {
        id: id.into(),
        status: status.into(),
        task_definition: format!(
            "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-web:{id}"
        ),
        rollout: Some(rollout),
        desired: 2,
        running,
        pending: 2 - running,
        failed_tasks: 0,
        updated: Some(ago(120)),
    };
    EcsSnapshot {
        services: vec![
            EcsService {
                stale: None,
                cluster: "shop-cluster".into(),
                name: "shop-web".into(),
                region: "us-east-1".into(),
                status: "ACTIVE".into(),
                desired: 2,
                running: 1,
                pending: 1,
                deployments: vec![
                    deployment("42", "PRIMARY", RolloutState::InProgress, 1),
                    deployment("41", "ACTIVE", RolloutState::Completed, 0),
                ],
                events: vec![EcsEvent {
                    at: ago(90),
                    message: "(service shop-web) has started 1 tasks.".into(),
                }],
                circuit_breaker: true,
                stopped_tasks: Vec::new(),
            },
            EcsService {
                stale: None,
                cluster: "shop-cluster".into(),
                name: "shop-worker".into(),
                region: "us-east-1".into(),
                status: "ACTIVE".into(),
                desired: 1,
                running: 1,
                pending: 0,
                deployments: vec![deployment("7", "PRIMARY", RolloutState::Completed, 1)],
                events: vec![EcsEvent {
                    at: ago(3600),
                    message: "(service shop-worker) has reached a steady state.".into(),
                }],
                circuit_breaker: false,
                stopped_tasks: Vec::new(),
            },
        ],
        unavailable: Vec::new(),
    }
}

pub fn alarms() -> AlarmSnapshot {
    let alarm = |name: &str, state, age| Alarm {
        stale: None,
        name: name.into(),
        region: "us-east-1".into(),
        state,
        reason: "Threshold crossed".into(),
        updated: ago(age),
        metric: None,
    };
    AlarmSnapshot {
        alarms: vec![
            alarm("shop-high-cpu", AlarmState::Ok, 7200),
            alarm("shop-5xx", AlarmState::Alarm, 180),
            alarm("shop-queue-depth", AlarmState::InsufficientData, 600),
        ],
        unavailable: Vec::new(),
    }
}

pub fn live() -> LiveState {
    let at = ago(5);
    let mut live = LiveState::default();
    live.rds.apply(at, Ok(rds()));
    live.backups.apply(at, Ok(backups()));
    live.ecs.apply(at, Ok(ecs()));
    live.alarms.apply(at, Ok(alarms()));
    live
}

/// The fixture runbook's db-failure scenario with RDS, ECS and alarms
/// fetched now (backups not yet).
pub fn app_with_live() -> drconsole::app::App {
    let origin = drconsole::app::Origin {
        source: "simulated".into(),
        simulated: true,
    };
    let mut app = drconsole::app::App::new(runbook(), origin, now(), Some("db-failure"));
    for (kind, payload) in [
        (
            drconsole::domain::snapshot::SourceKind::Rds,
            drconsole::sources::Payload::Rds(rds()),
        ),
        (
            drconsole::domain::snapshot::SourceKind::Ecs,
            drconsole::sources::Payload::Ecs(ecs()),
        ),
        (
            drconsole::domain::snapshot::SourceKind::Alarms,
            drconsole::sources::Payload::Alarms(alarms()),
        ),
    ] {
        app.update(drconsole::app::Action::Source(
            drconsole::sources::SourceUpdate::Fetched {
                key: drconsole::sources::FeedKey::whole(kind),
                at: now(),
                result: Ok(payload),
            },
        ));
    }
    app
}

/// A journal entry of the fixture runbook's db-failure drill, by alice.
pub fn entry(
    seq: u64,
    kind: drconsole::journal::entry::EntryKind,
    step: Option<&str>,
    note: Option<&str>,
) -> drconsole::journal::entry::Entry {
    drconsole::journal::entry::Entry {
        seq,
        time: now(),
        actor: "alice".into(),
        kind,
        runbook: "Fixture production".into(),
        scenario: Some("db-failure".into()),
        step: step.map(Into::into),
        note: note.map(Into::into),
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

/// A pane's drawing context for the pane tests: dark theme, unfocused,
/// unscrolled, unfiltered, at `now()`.
pub fn pane_ctx() -> drconsole::ui::widgets::PaneCtx<'static> {
    drconsole::ui::widgets::PaneCtx {
        theme: &drconsole::ui::theme::DARK,
        now: now(),
        focused: false,
        scroll: 0,
        zoomed: false,
        filter: "",
    }
}
