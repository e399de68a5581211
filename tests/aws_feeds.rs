//! The console end to end on live feeds: the real poller over an
//! `AwsSource` whose every call goes through a fault proxy in front of the
//! emulators, its updates dispatched into a real session. One region (or
//! one API) failing, hanging or throttled shows on exactly what it serves,
//! while the rest keeps updating, and everything recovers when the fault
//! clears. Needs `./scripts/test`.

mod emulators;

use std::sync::Arc;
use std::time::Duration;

use drconsole::app::App;
use drconsole::domain::regions::RegionState;
use drconsole::domain::snapshot::{DbInstance, SourceError, SourceKind};
use drconsole::domain::verify::Outcome;
use drconsole::runbook::load;
use drconsole::runbook::model::Runbook;
use drconsole::sources::aws::{AwsSource, AwsTuning, Watchlist};
use drconsole::sources::{FeedKey, FeedPart, SourceUpdate};
use emulators::console::LiveConsole;
use emulators::fault_proxy::{Fault, FaultProxy, Rule};
use emulators::*;
use jiff::Timestamp;

// No other test uses these regions.
const PRIMARY: &str = "eu-central-2";
const DR: &str = "ap-south-2";

/// Every state feed and the metrics each second; timeouts from `test_tuning`.
fn tuning() -> AwsTuning {
    AwsTuning {
        state_interval: Duration::from_secs(1),
        metrics_interval: Duration::from_secs(1),
        ..test_tuning()
    }
}

/// The runbook of both regions with this environment and scenario steps
/// (one without a check when `steps` is empty).
fn runbook(environment: &str, steps: &str) -> Runbook {
    let steps = match steps {
        "" => "[[scenario.step]]\nid = \"watch\"\ntitle = \"Watch\"\n",
        steps => steps,
    };
    let text = format!(
        r#"
name = "feeds"
[objectives]
rto = "1h"
rpo = "15m"
[environment.regions]
primary = "{PRIMARY}"
dr = "{DR}"
{environment}
[[scenario]]
id = "failover"
title = "Fail over"
{steps}
"#
    );
    load::parse(&text, "feeds.toml").unwrap().0
}

/// A console on both regions, every call through `proxy`.
fn console(proxy: &FaultProxy, runbook: Runbook, tuning: AwsTuning) -> LiveConsole {
    let clients = [PRIMARY, DR].map(|region| proxied_clients(&proxy.url(), region, &tuning));
    let watch = Watchlist::new(&runbook.environment, None, &[]);
    let source = AwsSource::from_clients(watch, tuning, clients).unwrap();
    LiveConsole::open(runbook, "failover", Arc::new(source))
}

fn instance<'a>(app: &'a App, id: &str) -> Option<&'a DbInstance> {
    app.live().rds.data.as_ref()?.instance(id)
}

fn outcome(app: &App, step: &str) -> Outcome {
    let index = app.steps().iter().position(|s| s.id == step).unwrap();
    app.evidence()[index].as_ref().unwrap().outcome
}

fn is_feed(key: &FeedKey, kind: SourceKind, part: FeedPart, region: &str) -> bool {
    key.kind == kind && key.part == part && key.region.as_deref() == Some(region)
}

/// The time of the latest good answer of the feeds `key` matches, as the
/// updates carried it.
fn last_good<'a>(
    matches: impl Fn(&FeedKey) -> bool + 'a,
    latest: &'a mut Option<Timestamp>,
) -> impl FnMut(&SourceUpdate) + 'a {
    move |update| {
        let good_at = match update {
            SourceUpdate::Fetched { key, at, result } => {
                (matches(key) && result.is_ok()).then_some(*at)
            }
            SourceUpdate::Unchanged { key, at } => matches(key).then_some(*at),
        };
        if good_at.is_some() {
            *latest = good_at;
        }
    }
}

fn feed_error(app: &App, matches: impl Fn(&FeedKey) -> bool) -> Option<&SourceError> {
    app.live()
        .feeds()
        .find(|(key, _)| matches(key))
        .and_then(|(_, feed)| feed.error.as_ref())
        .map(|(_, e)| e)
}

/// The primary region unreachable after a first good round: its rows stay
/// with their last status, marked stale since their last good answer, and
/// checks on them are unknown; the DR region keeps updating, so its
/// cluster's promotion shows and its check is met; the header names the
/// primary region unreachable. Clearing the fault brings the primary back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_primary_region_unreachable_keeps_its_rows_stale_while_dr_promotes() {
    let (db, replica) = (unique("feeds-db"), unique("feeds-db-dr"));
    let (orders, orders_dr) = (unique("feeds-orders"), unique("feeds-orders-dr"));
    let db_arn = create_postgres(&rds(PRIMARY, &moto()), &db).await;
    create_replica(DR, &replica, &db_arn).await;
    let orders_arn = create_aurora(PRIMARY, &orders, None, &[]).await;
    create_aurora(DR, &orders_dr, Some(&orders_arn), &[]).await;
    let runbook = runbook(
        &format!(
            r#"
[[environment.rds]]
id = "{db}"
[[environment.rds]]
id = "{replica}"
region = "{DR}"
role = "replica"
source = "{db}"
[[environment.rds_clusters]]
id = "{orders}"
[[environment.rds_clusters]]
id = "{orders_dr}"
region = "{DR}"
"#
        ),
        &format!(
            r#"
[[scenario.step]]
id = "primary-up"
title = "The primary answers"
verify.instance_status = {{ instance = "{db}", status = "available" }}
[[scenario.step]]
id = "promote"
title = "Promote the DR cluster"
verify.instance_promoted = {{ instance = "{orders_dr}" }}
"#
        ),
    );
    let proxy = fault_proxy().await;
    let mut console = console(&proxy, runbook, tuning());
    let primary_state = |k: &FeedKey| is_feed(k, SourceKind::Rds, FeedPart::State, PRIMARY);
    let mut primary_good = None;

    console
        .until(
            "a first good round of both regions",
            last_good(primary_state, &mut primary_good),
            |app| {
                let rds = app.live().rds.data.as_ref();
                rds.is_some_and(|r| {
                    r.instance(&db).is_some()
                        && r.instance(&replica).is_some()
                        && r.cluster(&orders).is_some()
                        && r.cluster(&orders_dr).is_some()
                })
            },
        )
        .await;
    assert_eq!(outcome(console.app(), "primary-up"), Outcome::Met);
    assert_eq!(outcome(console.app(), "promote"), Outcome::NotMet);

    let refused_at = Timestamp::now();
    proxy.set(Rule {
        region: Some(PRIMARY),
        service: None,
        fault: Fault::Refuse,
    });
    console
        .until(
            "the primary instance and cluster marked stale",
            last_good(primary_state, &mut primary_good),
            |app| {
                let rds = app.live().rds.data.as_ref();
                rds.and_then(|r| r.instance(&db))
                    .is_some_and(|d| d.stale.is_some())
                    && rds
                        .and_then(|r| r.cluster(&orders))
                        .is_some_and(|c| c.stale.is_some())
            },
        )
        .await;
    let app = console.app();
    let row = instance(app, &db).unwrap();
    assert_eq!(row.status, "available", "its last status stays");
    let stale = row.stale.as_ref().unwrap();
    assert_eq!(stale.code, "Unreachable", "{stale:?}");
    assert_eq!(stale.region.as_deref(), Some(PRIMARY));
    assert_eq!(
        stale.since, primary_good,
        "dated from the primary's last good answer"
    );
    assert_eq!(
        instance(app, &replica).unwrap().stale,
        None,
        "the DR region still answers"
    );
    let evidence = app.evidence()[0].as_ref().unwrap();
    assert_eq!(evidence.outcome, Outcome::Unknown, "{}", evidence.seen);
    let header = app.view().header;
    let primary_health = &header.region_health[0];
    assert_eq!(primary_health.region, PRIMARY);
    assert_eq!(
        primary_health.state,
        RegionState::Unreachable,
        "{primary_health:?}"
    );
    assert!(
        primary_health
            .since
            .is_some_and(|since| since >= refused_at),
        "since its failures began: {primary_health:?}"
    );
    assert_eq!(header.region_health[1].state, RegionState::Ok);

    // The DR cluster is promoted while the primary stays unreachable. A
    // cluster, not the replica instance: moto keeps an instance's
    // ReadReplicaSourceDBInstanceIdentifier after PromoteReadReplica (real
    // RDS drops it), but clears a cluster's replication source.
    rds(DR, &moto())
        .promote_read_replica_db_cluster()
        .db_cluster_identifier(&orders_dr)
        .send()
        .await
        .unwrap();
    console
        .until(
            "the promotion seen",
            |_| {},
            |app| outcome(app, "promote") == Outcome::Met,
        )
        .await;
    let app = console.app();
    let rds = app.live().rds.data.as_ref().unwrap();
    let promoted = rds.cluster(&orders_dr).unwrap();
    assert_eq!(
        (promoted.replica_of.as_deref(), &promoted.stale),
        (None, &None)
    );
    assert_eq!(
        rds.cluster(&orders)
            .unwrap()
            .stale
            .as_ref()
            .map(|e| e.code.as_str()),
        Some("Unreachable")
    );
    assert_eq!(outcome(app, "primary-up"), Outcome::Unknown);
    assert!(instance(app, &db).unwrap().stale.is_some());

    proxy.clear();
    console
        .until(
            "the primary region back: its rows fresh, its APIs healthy",
            |_| {},
            |app| {
                let rds = app.live().rds.data.as_ref();
                rds.and_then(|r| r.instance(&db))
                    .is_some_and(|d| d.stale.is_none())
                    && rds
                        .and_then(|r| r.cluster(&orders))
                        .is_some_and(|c| c.stale.is_none())
                    && app.view().header.region_health[0].state == RegionState::Ok
            },
        )
        .await;
    assert_eq!(outcome(console.app(), "primary-up"), Outcome::Met);
}

/// One region hanging holds up no other: the DR region's instances keep
/// coming every state interval while the primary's call is held.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hanging_region_holds_up_no_other() {
    let (db, dr_db) = (unique("feeds-hang-db"), unique("feeds-hang-dr"));
    create_postgres(&rds(PRIMARY, &moto()), &db).await;
    create_postgres(&rds(DR, &moto()), &dr_db).await;
    let runbook = runbook(
        &format!(
            r#"
[[environment.rds]]
id = "{db}"
[[environment.rds]]
id = "{dr_db}"
region = "{DR}"
"#
        ),
        "",
    );
    let proxy = fault_proxy().await;
    let tuning = tuning();
    let mut console = console(&proxy, runbook, tuning);
    console
        .until(
            "both regions' instances",
            |_| {},
            |app| instance(app, &db).is_some() && instance(app, &dr_db).is_some(),
        )
        .await;

    proxy.set(Rule {
        region: Some(PRIMARY),
        service: None,
        fault: Fault::Hang,
    });
    let before = proxy.requests(PRIMARY, "rds", "DescribeDBInstances");
    console
        .until(
            "a DescribeDBInstances of the primary region held",
            |_| {},
            |_| proxy.requests(PRIMARY, "rds", "DescribeDBInstances") > before,
        )
        .await;
    // The primary's feed finished its last fetch before sending the held
    // call, so anything it delivers from now on was fetched after this.
    let window_start = Timestamp::now();
    let window = tuning.state_interval * 5;
    assert!(
        window < tuning.attempt_timeout,
        "the held call cannot time out within the window"
    );
    let (mut dr_updates, mut primary_updates) = (0, 0);
    console
        .run_for(window, |update| {
            let (key, at) = match update {
                SourceUpdate::Fetched { key, at, .. } | SourceUpdate::Unchanged { key, at } => {
                    (key, *at)
                }
            };
            if is_feed(key, SourceKind::Rds, FeedPart::State, DR) {
                dr_updates += 1;
            }
            if is_feed(key, SourceKind::Rds, FeedPart::State, PRIMARY) && at >= window_start {
                primary_updates += 1;
            }
        })
        .await;
    eprintln!("in {window:?}: {dr_updates} DR updates, {primary_updates} primary");
    assert!(dr_updates >= 3, "{dr_updates} DR updates in {window:?}");
    assert_eq!(primary_updates, 0);
    assert!(proxy.in_flight(PRIMARY, "rds") > 0, "still held");
    assert_eq!(instance(console.app(), &dr_db).unwrap().stale, None);
}

/// A throttled region's ECS: more calls wanted than the cap lets through,
/// yet never more in flight than the cap; the feed says `Throttled` on its
/// rows; after the throttling ends the view recovers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_ecs_stays_under_the_cap_and_recovers() {
    const SERVICES: usize = 200;
    const CAP: usize = 4;
    let (apps, dr_apps) = (unique("feeds-apps"), unique("feeds-apps-dr"));
    for (region, cluster) in [(PRIMARY, &apps), (DR, &dr_apps)] {
        ecs(region, &moto())
            .create_cluster()
            .cluster_name(cluster)
            .send()
            .await
            .unwrap();
    }
    // The services need not exist: unknown ones are listed MISSING, and
    // each call of DescribeServices still asks for 10 of them.
    let mut environment: String = (0..SERVICES)
        .map(|i| format!("[[environment.ecs]]\ncluster = \"{apps}\"\nservice = \"svc-{i:03}\"\n"))
        .collect();
    environment.push_str(&format!(
        "[[environment.ecs]]\ncluster = \"{dr_apps}\"\nservice = \"api\"\nregion = \"{DR}\"\n"
    ));
    let runbook = runbook(&environment, "");
    let proxy = fault_proxy().await;
    let tuning = AwsTuning {
        calls_in_flight: CAP,
        ..tuning()
    };
    let mut console = console(&proxy, runbook, tuning);
    let services = |app: &App| app.live().ecs.data.as_ref().map_or(0, |e| e.services.len());
    console
        .until(
            "every service listed",
            |_| {},
            |app| services(app) == SERVICES + 1,
        )
        .await;

    proxy.set(Rule {
        region: Some(PRIMARY),
        service: Some("ecs"),
        fault: Fault::Throttle,
    });
    let primary_ecs = |k: &FeedKey| is_feed(k, SourceKind::Ecs, FeedPart::State, PRIMARY);
    console
        .until(
            "the primary's ECS feed throttled",
            |_| {},
            |app| feed_error(app, primary_ecs).is_some(),
        )
        .await;
    let app = console.app();
    let error = feed_error(app, primary_ecs).unwrap();
    assert_eq!(error.code, "Throttled", "{error:?}");
    assert_eq!(error.region.as_deref(), Some(PRIMARY));
    let view = app.live().ecs.data.as_ref().unwrap();
    let throttled = view
        .unavailable
        .iter()
        .find(|e| e.region.as_deref() == Some(PRIMARY));
    assert_eq!(
        throttled.map(|e| e.code.as_str()),
        Some("Throttled"),
        "{:?}",
        view.unavailable
    );
    let stale: Vec<&str> = view
        .services
        .iter()
        .filter_map(|s| s.stale.as_ref().map(|e| e.code.as_str()))
        .collect();
    assert_eq!(
        stale, ["Throttled"; SERVICES],
        "every primary service, no DR one"
    );
    let throttled_calls = proxy.requests(PRIMARY, "ecs", "DescribeServices");
    eprintln!(
        "throttled: {throttled_calls} DescribeServices, at most {} in flight",
        proxy.max_in_flight(PRIMARY, "ecs")
    );
    assert!(
        throttled_calls > CAP,
        "more calls than the cap went out: {throttled_calls}"
    );
    assert!(proxy.max_in_flight(PRIMARY, "ecs") <= CAP);

    proxy.clear();
    console
        .until(
            "the ECS view recovered",
            |_| {},
            |app| {
                let ecs = &app.live().ecs;
                ecs.error.is_none()
                    && ecs.data.as_ref().is_some_and(|e| {
                        e.unavailable.is_empty() && e.services.iter().all(|s| s.stale.is_none())
                    })
            },
        )
        .await;
    let app = console.app();
    assert_eq!(feed_error(app, primary_ecs), None);
    assert_eq!(services(app), SERVICES + 1);
    assert!(
        proxy.max_in_flight(PRIMARY, "ecs") <= CAP,
        "{} in flight",
        proxy.max_in_flight(PRIMARY, "ecs")
    );
}

/// CloudWatch down: the instances' state keeps updating (the primary is
/// seen stopping) while the replica's lag is unknown, says why and since
/// when, and a lag check is unknown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cloudwatch_down_leaves_the_state_live_and_the_lag_unknown() {
    let (db, replica) = (unique("feeds-cw-db"), unique("feeds-cw-dr"));
    let db_arn = create_postgres(&rds(PRIMARY, &moto()), &db).await;
    create_replica(DR, &replica, &db_arn).await;
    put_series(DR, &replica, "ReplicaLag", &[2.0, 3.0, 4.0]).await;
    let runbook = runbook(
        &format!(
            r#"
[[environment.rds]]
id = "{db}"
[[environment.rds]]
id = "{replica}"
region = "{DR}"
role = "replica"
source = "{db}"
"#
        ),
        &format!(
            r#"
[[scenario.step]]
id = "lag"
title = "The replica has caught up"
verify.replica_lag_below = {{ instance = "{replica}", max = "1m" }}
"#
        ),
    );
    let proxy = fault_proxy().await;
    let mut console = console(&proxy, runbook, tuning());
    let dr_metrics = |k: &FeedKey| is_feed(k, SourceKind::Rds, FeedPart::Metrics, DR);
    let mut metrics_good = None;
    console
        .until(
            "the replica's lag",
            last_good(dr_metrics, &mut metrics_good),
            |app| instance(app, &replica).is_some_and(|d| d.lag_secs == Some(4.0)),
        )
        .await;
    assert_eq!(outcome(console.app(), "lag"), Outcome::Met);

    proxy.set(Rule {
        region: None,
        service: Some("monitoring"),
        fault: Fault::Refuse,
    });
    rds(PRIMARY, &moto())
        .stop_db_instance()
        .db_instance_identifier(&db)
        .send()
        .await
        .unwrap();
    console
        .until(
            "the primary stopped and the lag unknown",
            last_good(dr_metrics, &mut metrics_good),
            |app| {
                instance(app, &db).is_some_and(|d| d.status == "stopped")
                    && instance(app, &replica).is_some_and(|d| d.lag_secs.is_none())
            },
        )
        .await;
    let app = console.app();
    let rds = app.live().rds.data.as_ref().unwrap();
    assert_eq!(rds.instance(&db).unwrap().stale, None);
    assert_eq!(rds.instance(&replica).unwrap().stale, None);
    let why = rds.unavailable_in(DR, "GetMetricData").unwrap();
    assert_eq!(why.code, "Unreachable", "{why:?}");
    assert_eq!(why.since, metrics_good, "since its last good answer");
    let evidence = app.evidence()[0].as_ref().unwrap();
    assert_eq!(evidence.outcome, Outcome::Unknown, "{}", evidence.seen);
}
