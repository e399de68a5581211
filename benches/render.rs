//! One full frame at 200x60 with 50 RDS instances, 200 ECS services and
//! 2,000 recovery points: the bound is 2 ms. Also measures the
//! work done per idle event-loop turn (an `Unchanged` poll result), which
//! must not dirty the screen.

use criterion::{Criterion, criterion_group, criterion_main};
use drconsole::app::{Action, App, Origin};
use drconsole::domain::snapshot::*;
use drconsole::runbook::model::Runbook;
use drconsole::sources::{FeedKey, Payload, SourceUpdate};
use drconsole::ui::theme::DARK;
use jiff::{SignedDuration, Timestamp};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

fn now() -> Timestamp {
    "2026-03-14T02:00:00Z".parse().unwrap()
}

fn big_live(app: &mut App) {
    let ago = |s: i64| now() - SignedDuration::from_secs(s);
    let instances = (0..50)
        .map(|i| DbInstance {
            stale: None,
            id: format!("db-{i:02}"),
            region: "us-east-1".into(),
            replica_of: (i % 2 == 1).then(|| format!("db-{:02}", i - 1)),
            status: "available".into(),
            engine: Some("postgres".into()),
            multi_az: i % 3 == 0,
            az: Some("us-east-1a".into()),
            endpoint: None,
            earliest_restorable: Some(ago(7 * 86_400)),
            latest_restorable: Some(ago(120)),
            replication_state: Some("replicating".into()),
            lag_secs: Some((i * 7 % 90) as f64),
            lag_history: (0..60).map(|k| (k * i) % 97).collect(),
            metrics: None,
        })
        .collect();
    let services = (0..200)
        .map(|i| EcsService {
            stale: None,
            cluster: "cluster".into(),
            name: format!("service-{i:03}"),
            region: "us-east-1".into(),
            status: "ACTIVE".into(),
            desired: 2,
            running: 2,
            pending: 0,
            deployments: vec![Deployment {
                id: format!("d-{i}"),
                status: "PRIMARY".into(),
                task_definition: format!("td/service-{i}:3"),
                rollout: Some(RolloutState::Completed),
                desired: 2,
                running: 2,
                pending: 0,
                failed_tasks: 0,
                updated: Some(ago(3600)),
            }],
            events: (0..5)
                .map(|k| EcsEvent {
                    at: ago(600 * k),
                    message: format!("(service service-{i:03}) has reached a steady state."),
                })
                .collect(),
            circuit_breaker: true,
            stopped_tasks: Vec::new(),
        })
        .collect();
    let recovery_points = (0..2000)
        .map(|i| RecoveryPoint {
            id: format!("rp-{i}"),
            kind: RecoveryPointKind::Backup,
            vault: Some("vault".into()),
            region: "us-east-1".into(),
            resource: format!("arn:aws:rds:us-east-1:1:db:db-{:02}", i % 50),
            status: RecoveryPointStatus::Completed,
            created: ago(3600 * i),
            completed: Some(ago(3600 * i - 300)),
            size_bytes: Some(1 << 30),
            delete_at: None,
            cold_storage_at: None,
            status_message: None,
        })
        .collect();
    let alarms = (0..100)
        .map(|i| Alarm {
            stale: None,
            name: format!("alarm-{i:03}"),
            region: "us-east-1".into(),
            state: if i % 10 == 0 {
                AlarmState::Alarm
            } else {
                AlarmState::Ok
            },
            reason: "Threshold crossed".into(),
            updated: ago(60 * i),
            metric: None,
        })
        .collect();
    for payload in [
        Payload::Rds(RdsSnapshot {
            instances,
            clusters: Vec::new(),
            unavailable: Vec::new(),
        }),
        Payload::Ecs(EcsSnapshot {
            services,
            unavailable: Vec::new(),
        }),
        Payload::Backups(BackupSnapshot {
            recovery_points,
            unavailable: Vec::new(),
        }),
        Payload::Alarms(AlarmSnapshot {
            alarms,
            unavailable: Vec::new(),
        }),
    ] {
        app.update(Action::Source(SourceUpdate::Fetched {
            key: FeedKey::whole(payload.kind()),
            at: now(),
            result: Ok(payload),
        }));
    }
}

fn app() -> App {
    let runbook: Runbook = toml::from_str(drconsole::runbook::builtin::RALLY_TOML).unwrap();
    let origin = Origin {
        source: "bench".into(),
        simulated: true,
    };
    let scenario = runbook.scenarios[0].id.clone();
    let mut app = App::new(runbook, origin, now(), Some(&scenario));
    big_live(&mut app);
    app
}

fn bench(c: &mut Criterion) {
    let app = app();
    let mut buf = Buffer::empty(Rect::new(0, 0, 200, 60));
    c.bench_function("full frame 200x60 (50 db, 200 svc, 2000 rp)", |b| {
        b.iter(|| {
            buf.reset();
            drconsole::ui::render(buf.area, &mut buf, &app.view(), &DARK);
        })
    });
    let mut idle = app.clone();
    idle.take_dirty();
    c.bench_function("idle turn: unchanged poll result", |b| {
        b.iter(|| {
            idle.update(Action::Source(SourceUpdate::Unchanged {
                key: FeedKey::whole(SourceKind::Rds),
                at: now(),
            }));
            assert!(!idle.take_dirty(), "an unchanged poll must not redraw");
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
