//! How many AWS calls one fetch of each kind makes, at 10, 100 and 500
//! resources, counted at the network edge by the fault proxy in front of
//! the real emulators (`./scripts/test`): the floor the batch limits allow,
//! no more. Also: calls in flight per API and region never exceed the cap
//! and do reach it; a hung API holds only its own permits; a throttled API
//! shows as `Throttled` after bounded attempts and recovers. Fails, never
//! skips, without the emulators.

mod emulators;

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_ecs::types::LaunchType;
use drconsole::domain::snapshot::{
    AlarmSnapshot, EcsSnapshot, RdsSnapshot, SourceError, SourceKind,
};
use drconsole::runbook::model::{
    AlarmSpec, EcsSpec, Environment, RdsRole, RdsSpec, Regions, VaultSpec,
};
use drconsole::sources::aws::{AwsSource, AwsTuning, Watchlist};
use drconsole::sources::{Payload, Source};
use emulators::fault_proxy::{Fault, FaultProxy, Rule};
use emulators::*;
use futures::StreamExt;

/// Seeding requests sent at once.
const SEEDING: usize = 16;

fn source(proxy: &FaultProxy, region: &str, env: &Environment) -> AwsSource {
    let tuning = test_tuning();
    let clients = [proxied_clients(&proxy.url(), region, &tuning)];
    AwsSource::from_clients(Watchlist::new(env, None, &[]), tuning, clients).unwrap()
}

async fn fetch(source: &AwsSource, kind: SourceKind) -> Payload {
    match source.fetch(kind).await {
        Ok(payload) => payload,
        Err(e) => panic!("{kind:?} fetch: {e}"),
    }
}

async fn rds_of(source: &AwsSource) -> RdsSnapshot {
    match fetch(source, SourceKind::Rds).await {
        Payload::Rds(rds) => rds,
        other => panic!("{other:?}"),
    }
}

async fn ecs_of(source: &AwsSource) -> EcsSnapshot {
    match fetch(source, SourceKind::Ecs).await {
        Payload::Ecs(ecs) => ecs,
        other => panic!("{other:?}"),
    }
}

async fn alarms_of(source: &AwsSource) -> AlarmSnapshot {
    match fetch(source, SourceKind::Alarms).await {
        Payload::Alarms(alarms) => alarms,
        other => panic!("{other:?}"),
    }
}

/// Runs the futures `SEEDING` at a time; their outputs are dropped.
async fn all<T, F: Future<Output = T>>(futures: impl IntoIterator<Item = F>) {
    futures::stream::iter(futures)
        .buffer_unordered(SEEDING)
        .collect::<Vec<T>>()
        .await;
}

/// What one size seeds: `n` RDS instances (a fifth of them replicas), `n`
/// ECS services (half in a cluster where they struggle, with two stopped
/// tasks, half healthy in another), `n` alarms (half by name, half by
/// prefix) and an empty backup vault.
struct Seeded {
    env: Environment,
    primaries: usize,
    replicas: usize,
    /// (struggling cluster, healthy cluster).
    clusters: (String, String),
    /// The struggling services whose tasks stopped: by group, by starter.
    stopped: (String, String),
}

async fn seed(region: &str, n: usize) -> Seeded {
    let replicas = n / 5;
    let primaries = n - replicas;
    let vault = unique("floor-vault");
    backup(region, &moto())
        .create_backup_vault()
        .backup_vault_name(&vault)
        .send()
        .await
        .unwrap();
    let (rds_specs, (ecs_specs, clusters, stopped), alarms) = tokio::join!(
        seed_rds(region, primaries, replicas),
        seed_ecs(region, n),
        seed_alarms(region, n)
    );
    Seeded {
        env: Environment {
            regions: Regions {
                primary: region.into(),
                dr: None,
            },
            rds: rds_specs,
            ecs: ecs_specs,
            alarms,
            backup_vaults: vec![VaultSpec {
                name: vault,
                region: None,
            }],
            ..Environment::default()
        },
        primaries,
        replicas,
        clusters,
        stopped,
    }
}

async fn seed_rds(region: &str, primaries: usize, replicas: usize) -> Vec<RdsSpec> {
    let client = rds(region, &moto());
    let prefix = unique("floor-db");
    let primary_ids: Vec<String> = (0..primaries).map(|i| format!("{prefix}-{i}")).collect();
    all(primary_ids.iter().map(|id| create_postgres(&client, id))).await;
    let source = primary_ids[0].clone();
    let replica_ids: Vec<String> = (0..replicas).map(|i| format!("{prefix}-r{i}")).collect();
    all(replica_ids.iter().map(|id| {
        let (client, source) = (client.clone(), source.clone());
        async move {
            client
                .create_db_instance_read_replica()
                .db_instance_identifier(id)
                .source_db_instance_identifier(source)
                .db_instance_class("db.t3.micro")
                .send()
                .await
                .unwrap();
        }
    }))
    .await;
    let spec = |id: &String, role| RdsSpec {
        id: id.clone(),
        region: None,
        role,
        source: None,
        engine: None,
    };
    primary_ids
        .iter()
        .map(|id| spec(id, RdsRole::Primary))
        .chain(replica_ids.iter().map(|id| spec(id, RdsRole::Replica)))
        .collect()
}

async fn seed_ecs(region: &str, n: usize) -> (Vec<EcsSpec>, (String, String), (String, String)) {
    let client = ecs(region, &moto());
    let struggling = unique("floor-struggling");
    let healthy = unique("floor-healthy");
    for cluster in [&struggling, &healthy] {
        client
            .create_cluster()
            .cluster_name(cluster)
            .send()
            .await
            .unwrap();
    }
    let task_def = register_task_definition(region, &unique("floor-task")).await;
    // Moto runs nothing for a service: one that wants a task struggles,
    // one that wants none is healthy.
    let services: Vec<(String, String, i32)> = (0..n)
        .map(|i| {
            if i % 2 == 0 {
                (struggling.clone(), format!("svc-{i}"), 1)
            } else {
                (healthy.clone(), format!("svc-{i}"), 0)
            }
        })
        .collect();
    all(services.iter().map(|(cluster, name, desired)| {
        let (client, task_def) = (client.clone(), task_def.clone());
        async move {
            client
                .create_service()
                .cluster(cluster)
                .service_name(name)
                .task_definition(task_def)
                .desired_count(*desired)
                .send()
                .await
                .unwrap();
        }
    }))
    .await;
    // svc-0's task carries its group; svc-2's was started by its deployment.
    let by_group = "svc-0".to_string();
    let by_starter = "svc-2".to_string();
    let deployment = client
        .describe_services()
        .cluster(&struggling)
        .services(&by_starter)
        .send()
        .await
        .unwrap()
        .services()[0]
        .deployments()[0]
        .id()
        .unwrap()
        .to_string();
    for (group, started_by, reason) in [
        (
            Some(format!("service:{by_group}")),
            None,
            "Essential container in task exited",
        ),
        (None, Some(deployment), "Task failed ELB health checks"),
    ] {
        let task = client
            .run_task()
            .cluster(&struggling)
            .task_definition(&task_def)
            .launch_type(LaunchType::Fargate)
            .set_group(group)
            .set_started_by(started_by)
            .send()
            .await
            .unwrap();
        client
            .stop_task()
            .cluster(&struggling)
            .task(task.tasks()[0].task_arn().unwrap())
            .reason(reason)
            .send()
            .await
            .unwrap();
    }
    let specs = services
        .into_iter()
        .map(|(cluster, service, _)| EcsSpec {
            cluster,
            service,
            region: None,
        })
        .collect();
    (specs, (struggling, healthy), (by_group, by_starter))
}

async fn seed_alarms(region: &str, n: usize) -> AlarmSpec {
    let client = cloudwatch(region, &ministack());
    let named_prefix = unique("floor-named") + "-";
    let prefix = unique("floor-prefixed") + "-";
    let names: Vec<String> = (0..n / 2).map(|i| format!("{named_prefix}{i}")).collect();
    let prefixed: Vec<String> = (0..n - n / 2).map(|i| format!("{prefix}{i}")).collect();
    all(names
        .iter()
        .chain(&prefixed)
        .map(|name| put_unevaluated_alarm(&client, name)))
    .await;
    AlarmSpec {
        names,
        prefixes: vec![prefix],
    }
}

/// `(region, service, operation) -> requests` as the proxy counts them.
fn counts(
    region: &str,
    expected: &[(&str, &str, usize)],
) -> BTreeMap<(String, String, String), usize> {
    expected
        .iter()
        .filter(|(_, _, n)| *n > 0)
        .map(|(service, op, n)| {
            (
                (region.to_string(), service.to_string(), op.to_string()),
                *n,
            )
        })
        .collect()
}

fn batches(items: usize, per_call: usize) -> usize {
    items.div_ceil(per_call)
}

/// One fetch of each kind at `n` resources makes exactly the floor of
/// calls, and the panes show everything seeded.
async fn floor(region: &'static str, n: usize) -> (FaultProxy, AwsSource, Seeded) {
    let seeded = seed(region, n).await;
    let proxy = fault_proxy().await;
    let source = source(&proxy, region, &seeded.env);

    let rds = rds_of(&source).await;
    assert_eq!(rds.instances.len(), n);
    assert_eq!(
        rds.instances.iter().filter(|db| db.is_replica()).count(),
        seeded.replicas
    );
    // A replica's role takes 1 metric query, a primary's 3.
    let queries = seeded.replicas + 3 * seeded.primaries;
    assert_eq!(
        proxy.all_requests(),
        counts(
            region,
            &[
                ("monitoring", "GetMetricData", batches(queries, 500)),
                ("rds", "DescribeDBInstanceAutomatedBackups", batches(n, 100)),
                ("rds", "DescribeDBInstances", batches(n, 100)),
            ]
        ),
        "RDS at {n}"
    );

    proxy.reset_counts();
    let ecs = ecs_of(&source).await;
    assert_eq!(ecs.services.len(), n);
    assert!(ecs.services.iter().all(|s| s.status == "ACTIVE"));
    let (struggling, healthy) = &seeded.clusters;
    let reasons = |name: &str| -> Vec<String> {
        ecs.service(struggling, name)
            .unwrap()
            .stopped_tasks
            .iter()
            .map(|t| t.reason.clone())
            .collect()
    };
    assert_eq!(
        reasons(&seeded.stopped.0),
        ["Essential container in task exited"]
    );
    assert_eq!(
        reasons(&seeded.stopped.1),
        ["Task failed ELB health checks"]
    );
    assert_eq!(
        ecs.services
            .iter()
            .filter(|s| !s.stopped_tasks.is_empty())
            .count(),
        2
    );
    assert!(ecs.services.iter().any(|s| &s.cluster == healthy));
    let per_cluster = batches(n / 2, 10) + batches(n - n / 2, 10);
    assert_eq!(
        proxy.all_requests(),
        counts(
            region,
            &[
                ("ecs", "DescribeServices", per_cluster),
                // One for the struggling cluster, none for the healthy one.
                ("ecs", "DescribeTasks", 1),
                ("ecs", "ListTasks", 1),
            ]
        ),
        "ECS at {n}"
    );

    proxy.reset_counts();
    let alarms = alarms_of(&source).await;
    assert_eq!(alarms.alarms.len(), n);
    // Names 100 a call; the prefix's matches 100 a page.
    let calls = batches(n / 2, 100) + batches(n - n / 2, 100);
    assert_eq!(
        proxy.all_requests(),
        counts(region, &[("monitoring", "DescribeAlarms", calls)]),
        "alarms at {n}"
    );

    proxy.reset_counts();
    let backups = match fetch(&source, SourceKind::Backups).await {
        Payload::Backups(backups) => backups,
        other => panic!("{other:?}"),
    };
    // Moto snapshots each primary as it creates it.
    assert_eq!(backups.recovery_points.len(), seeded.primaries);
    assert_eq!(
        proxy.all_requests(),
        counts(
            region,
            &[
                ("backup", "ListRecoveryPointsByBackupVault", 1),
                ("rds", "DescribeDBSnapshots", batches(n, 100)),
            ]
        ),
        "backups at {n}"
    );
    proxy.reset_counts();
    (proxy, source, seeded)
}

#[tokio::test]
async fn ten_resources_take_the_floor_of_calls() {
    floor("eu-south-1", 10).await;
}

#[tokio::test]
async fn a_hundred_resources_take_the_floor_of_calls() {
    floor("eu-south-2", 100).await;
}

/// At 500 resources; then, with every answer of the region delayed, calls
/// in flight per API reach the cap and never pass it.
#[tokio::test]
async fn five_hundred_resources_take_the_floor_of_calls_and_the_cap_holds() {
    const REGION: &str = "me-south-1";
    let (proxy, source, _) = floor(REGION, 500).await;
    let before = ecs_of(&source).await;
    proxy.reset_counts();
    proxy.set(Rule {
        region: Some(REGION),
        service: None,
        fault: Fault::Latency(Duration::from_millis(150)),
    });
    let after = ecs_of(&source).await;
    assert_eq!(after, before, "the same services, only later");
    // 50 DescribeServices calls at once, 8 through at a time.
    assert_eq!(
        proxy.max_in_flight(REGION, "ecs"),
        AwsTuning::CALLS_IN_FLIGHT
    );
    proxy.reset_counts();
    rds_of(&source).await;
    // 5 DescribeDBInstances calls (the metrics and windows are cached).
    assert_eq!(proxy.max_in_flight(REGION, "rds"), 5);
}

/// A hung API holds its own permits only: the region's other APIs and the
/// same API in another region answer meanwhile; calls beyond the cap wait
/// on our side, not at the endpoint.
#[tokio::test]
async fn a_hung_api_holds_only_its_own_permits() {
    const HUNG: &str = "il-central-1";
    const OTHER: &str = "af-south-1";
    let proxy = fault_proxy().await;
    let tuning = test_tuning();
    let (hung, other) = (
        proxied_clients(&proxy.url(), HUNG, &tuning),
        proxied_clients(&proxy.url(), OTHER, &tuning),
    );
    proxy.set(Rule {
        region: Some(HUNG),
        service: Some("rds"),
        fault: Fault::Hang,
    });
    let calls = tuning.calls_in_flight + 4;
    let held: Vec<_> = (0..calls)
        .map(|_| tokio::spawn(hung.rds.describe_db_instances().send()))
        .collect();
    within(Duration::from_secs(30), "the cap fills", async {
        while proxy.in_flight(HUNG, "rds") < tuning.calls_in_flight {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    // Other APIs of the region, and the API elsewhere, are not held.
    hung.ecs.list_clusters().send().await.unwrap();
    other.rds.describe_db_instances().send().await.unwrap();
    assert_eq!(proxy.in_flight(HUNG, "rds"), tuning.calls_in_flight);
    assert_eq!(
        proxy.requests(HUNG, "rds", "DescribeDBInstances"),
        tuning.calls_in_flight,
        "the rest wait for a permit"
    );
    proxy.clear();
    for call in held {
        call.await.unwrap().unwrap();
    }
    assert_eq!(proxy.requests(HUNG, "rds", "DescribeDBInstances"), calls);
    assert_eq!(proxy.max_in_flight(HUNG, "rds"), tuning.calls_in_flight);
}

/// A watchdog only: the condition is reached on its own well before.
async fn within<F: Future<Output = ()>>(limit: Duration, what: &str, f: F) {
    if tokio::time::timeout(limit, f).await.is_err() {
        panic!("{what} within {limit:?}");
    }
}

/// A throttled API: its pane says `Throttled`, naming the call and region;
/// each call was attempted `max_attempts` times, no more; once the
/// throttling stops, the next fetch answers.
#[tokio::test]
async fn a_throttled_api_shows_throttled_after_bounded_attempts_and_recovers() {
    const REGION: &str = "ap-southeast-3";
    // By prefix only: one call, so its attempts are all there is to count
    // (a fetch ends at its first error, cancelling its other calls).
    let prefixes = seed_alarms(REGION, 4).await.prefixes;
    let env = Environment {
        regions: Regions {
            primary: REGION.into(),
            dr: None,
        },
        alarms: AlarmSpec {
            names: Vec::new(),
            prefixes,
        },
        ..Environment::default()
    };
    let proxy = fault_proxy().await;
    let source = source(&proxy, REGION, &env);
    proxy.set(Rule {
        region: Some(REGION),
        service: Some("monitoring"),
        fault: Fault::Throttle,
    });
    let error: SourceError = match source.fetch(SourceKind::Alarms).await {
        Err(e) => e,
        Ok(p) => panic!("a throttled fetch answered: {p:?}"),
    };
    assert_eq!(error.code, "Throttled");
    assert!(
        error.message.starts_with(&format!(
            "DescribeAlarms in {REGION} is throttled; backing off"
        )),
        "{error}"
    );
    assert_eq!(
        proxy.requests(REGION, "monitoring", "DescribeAlarms"),
        test_tuning().max_attempts as usize
    );
    proxy.clear();
    proxy.reset_counts();
    let alarms = alarms_of(&source).await;
    assert_eq!(alarms.alarms.len(), 2);
    assert_eq!(proxy.requests(REGION, "monitoring", "DescribeAlarms"), 1);
}
