//! An emulator goes down in the middle of a console session and comes back:
//! the panes it serves (RDS, ECS, and the recovery points, which include
//! RDS snapshots) show the error beside their last good data while the
//! alarms pane, served by MiniStack, keeps updating; after the restart they
//! recover by themselves. The test runs a moto of its own, on its own port,
//! so stopping it disturbs no other test. Needs `./scripts/test`.

mod emulators;

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::StateValue;
use drconsole::domain::snapshot::{Feed, SourceKind};
use drconsole::runbook::model::Runbook;
use drconsole::sources::SourceUpdate;
use drconsole::sources::aws::{AwsSource, AwsTuning, Watchlist};
use emulators::console::LiveConsole;
use emulators::*;

const REGION: &str = "ap-southeast-2";

/// A moto server of this test's own, stopped when dropped.
struct PrivateMoto {
    child: Option<Child>,
    port: u16,
}

impl PrivateMoto {
    fn start(port: u16) -> Self {
        let child = Command::new(required(MOTO_SERVER))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("moto_server starts");
        let moto = Self {
            child: Some(child),
            port,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "moto did not listen on {port} in 30 s"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PrivateMoto {
    fn drop(&mut self) {
        self.stop();
    }
}

fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// What moto serves; seeded again after a restart (moto keeps nothing).
async fn seed_moto(moto: &str, db: &str, cluster: &str) {
    create_postgres(&rds(REGION, moto), db).await;
    let client = ecs(REGION, moto);
    client
        .create_cluster()
        .cluster_name(cluster)
        .send()
        .await
        .unwrap();
    client
        .create_service()
        .cluster(cluster)
        .service_name("checkout")
        .desired_count(2)
        .send()
        .await
        .unwrap();
}

async fn seed_alarm(name: &str) {
    put_alarm(REGION, name, StateValue::Alarm, "checkout errors").await;
}

fn runbook(db: &str, cluster: &str, alarm: &str) -> Runbook {
    toml::from_str(&format!(
        r#"
        name = "Outage drill"
        [objectives]
        rto = "1h"
        rpo = "15m"
        [environment]
        regions = {{ primary = "{REGION}" }}
        rds = [{{ id = "{db}" }}]
        ecs = [{{ cluster = "{cluster}", service = "checkout" }}]
        alarms = {{ names = ["{alarm}"] }}
        [[scenario]]
        id = "watch"
        title = "Watch"
        [[scenario.step]]
        id = "look"
        title = "Look"
        "#
    ))
    .unwrap()
}

/// Counts good alarm fetches (new or unchanged) among the updates.
fn count_alarms(count: &mut usize) -> impl FnMut(&SourceUpdate) + '_ {
    move |update| {
        let alarms_ok = match update {
            SourceUpdate::Fetched { key, result, .. } => {
                key.kind == SourceKind::Alarms && result.is_ok()
            }
            SourceUpdate::Unchanged { key, .. } => key.kind == SourceKind::Alarms,
        };
        *count += usize::from(alarms_ok);
    }
}

fn failing<T>(feed: &Feed<T>) -> Option<&str> {
    feed.error.as_ref().map(|(_, e)| e.code.as_str())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_emulator_fails_its_panes_only_and_they_recover() {
    let port = free_port();
    let mut moto = PrivateMoto::start(port);
    let db = unique("shop-db");
    let cluster = unique("shop");
    let alarm = unique("shop-checkout-errors");
    seed_moto(&moto.url(), &db, &cluster).await;
    seed_alarm(&alarm).await;

    let runbook = runbook(&db, &cluster, &alarm);
    let tuning = AwsTuning {
        state_interval: Duration::from_secs(1),
        recovery_points_interval: Duration::from_secs(1),
        ..test_tuning()
    };
    let clients = [region_clients(REGION, &moto.url(), &ministack())];
    let watch = Watchlist::new(&runbook.environment, None, &[]);
    let source = Arc::new(AwsSource::from_clients(watch, tuning, clients).unwrap());
    let mut console = LiveConsole::open(runbook, "watch", source);

    console
        .until(
            "every pane with data",
            |_| {},
            |app| {
                app.live().rds.data.is_some()
                    && app.live().ecs.data.is_some()
                    && app.live().backups.data.is_some()
                    && app.live().alarms.data.is_some()
            },
        )
        .await;
    let live = console.app().live();
    assert_eq!(live.rds.data.as_ref().unwrap().instances[0].id, db);
    assert_eq!(live.ecs.data.as_ref().unwrap().services[0].status, "ACTIVE");
    assert!(live.alarms.data.as_ref().unwrap().alarm(&alarm).is_some());

    moto.stop();
    let stopped = Instant::now();
    let mut alarms_meanwhile = 0;
    console
        .until(
            "RDS, ECS and recovery points failing",
            count_alarms(&mut alarms_meanwhile),
            |app| {
                failing(&app.live().rds).is_some()
                    && failing(&app.live().ecs).is_some()
                    && failing(&app.live().backups).is_some()
            },
        )
        .await;
    let noticed = stopped.elapsed();
    let live = console.app().live();
    assert_eq!(
        failing(&live.rds),
        Some("Unreachable"),
        "{:?}",
        live.rds.error
    );
    assert_eq!(
        failing(&live.ecs),
        Some("Unreachable"),
        "{:?}",
        live.ecs.error
    );
    assert_eq!(failing(&live.backups), Some("Unreachable"));
    assert!(
        live.rds.data.as_ref().unwrap().instance(&db).is_some(),
        "the last good data stays beside the error"
    );
    // One interval (1 s) plus one retry after a short backoff.
    assert!(
        noticed < Duration::from_secs(5),
        "noticed after {noticed:?}"
    );
    console
        .until(
            "the alarms pane updating during the outage",
            |_| {},
            |app| failing(&app.live().alarms).is_none(),
        )
        .await;
    let before = console.app().live().alarms.last_good;
    let mut more_alarms = 0;
    console
        .until(
            "a newer good alarms fetch",
            count_alarms(&mut more_alarms),
            move |app| app.live().alarms.last_good > before,
        )
        .await;
    assert!(alarms_meanwhile + more_alarms > 0);
    assert!(failing(&console.app().live().alarms).is_none());
    eprintln!("outage noticed after {noticed:?}");

    let moto = PrivateMoto::start(port);
    seed_moto(&moto.url(), &db, &cluster).await;
    let restarted = Instant::now();
    console
        .until(
            "RDS, ECS and recovery points recovered",
            |_| {},
            |app| {
                let seeded = app
                    .live()
                    .rds
                    .data
                    .as_ref()
                    .is_some_and(|r| !r.instances.is_empty())
                    && app
                        .live()
                        .ecs
                        .data
                        .as_ref()
                        .is_some_and(|e| e.services[0].status == "ACTIVE");
                seeded
                    && failing(&app.live().rds).is_none()
                    && failing(&app.live().ecs).is_none()
                    && failing(&app.live().backups).is_none()
            },
        )
        .await;
    eprintln!("recovered after {:?}", restarted.elapsed());
    let live = console.app().live();
    assert_eq!(live.rds.data.as_ref().unwrap().instances[0].id, db);
    assert_eq!(live.ecs.data.as_ref().unwrap().services[0].desired, 2);
}
