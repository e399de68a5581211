//! The live AWS source against real AWS emulators started by
//! `./scripts/test`: moto's server (RDS, ECS) and MiniStack (CloudWatch).
//! Each test seeds its own uniquely named resources through the SDK and
//! checks that `fetch` returns exactly what was seeded, with regions. These
//! tests fail, never skip, when the emulators are missing.

mod emulators;

use std::time::Duration;

use aws_sdk_cloudwatch::types::StateValue;
use aws_sdk_ecs::types::LaunchType;
use drconsole::domain::snapshot::{
    AlarmSnapshot, AlarmState, BackupSnapshot, EcsSnapshot, RdsSnapshot, RecoveryPointKind,
    RecoveryPointStatus, RolloutState, SourceKind,
};
use drconsole::runbook::model::{
    AlarmSpec, EcsSpec, Environment, RdsClusterSpec, RdsRole, RdsSpec, Regions, VaultSpec,
};
use drconsole::sources::aws::{AwsSource, Watchlist};
use drconsole::sources::{Payload, Source};
use emulators::*;
use jiff::Timestamp;

const PRIMARY: &str = "eu-west-3";
const DR: &str = "ca-central-1";

fn env(rds: Vec<RdsSpec>, ecs: Vec<EcsSpec>, alarms: AlarmSpec) -> Environment {
    Environment {
        regions: Regions {
            primary: PRIMARY.into(),
            dr: Some(DR.into()),
        },
        rds,
        ecs,
        alarms,
        ..Environment::default()
    }
}

fn db(id: &str, region: Option<&str>, source: Option<&str>) -> RdsSpec {
    RdsSpec {
        id: id.into(),
        region: region.map(String::from),
        role: if source.is_some() {
            RdsRole::Replica
        } else {
            RdsRole::Primary
        },
        source: source.map(String::from),
        engine: None,
    }
}

fn source_for(env: &Environment, extra: &[String]) -> AwsSource {
    let (moto, ministack) = (moto(), ministack());
    let clients = [PRIMARY, DR].map(|r| region_clients(r, &moto, &ministack));
    AwsSource::from_clients(Watchlist::new(env, None, extra), test_tuning(), clients).unwrap()
}

async fn rds_of(source: &AwsSource) -> RdsSnapshot {
    match source.fetch(SourceKind::Rds).await {
        Ok(Payload::Rds(rds)) => rds,
        other => panic!("RDS fetch: {other:?}"),
    }
}

async fn ecs_of(source: &AwsSource) -> EcsSnapshot {
    match source.fetch(SourceKind::Ecs).await {
        Ok(Payload::Ecs(ecs)) => ecs,
        other => panic!("ECS fetch: {other:?}"),
    }
}

async fn alarms_of(source: &AwsSource) -> AlarmSnapshot {
    match source.fetch(SourceKind::Alarms).await {
        Ok(Payload::Alarms(alarms)) => alarms,
        other => panic!("alarms fetch: {other:?}"),
    }
}

async fn backups_of(source: &AwsSource) -> BackupSnapshot {
    match source.fetch(SourceKind::Backups).await {
        Ok(Payload::Backups(backups)) => backups,
        other => panic!("backups fetch: {other:?}"),
    }
}

/// Creates an instance; returns its ARN.
async fn create_instance(region: &str, id: &str, engine: &str, multi_az: bool) -> String {
    let out = rds(region, &moto())
        .create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine(engine)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .allocated_storage(25)
        .multi_az(multi_az)
        .backup_retention_period(7)
        .send()
        .await
        .unwrap();
    out.db_instance()
        .and_then(|d| d.db_instance_arn())
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn rds_instances_replicas_lag_and_load_are_what_was_seeded() {
    let main = unique("ledger-main");
    let audit = unique("ledger-audit");
    let replica = unique("ledger-dr");
    let unrelated = unique("not-watched");
    let main_arn = create_instance(PRIMARY, &main, "postgres", true).await;
    create_instance(PRIMARY, &audit, "mysql", false).await;
    create_instance(PRIMARY, &unrelated, "postgres", false).await;
    create_replica(DR, &replica, &main_arn).await;
    put_series(DR, &replica, "ReplicaLag", &[4.0, 9.0, 31.0, 17.0]).await;
    put_series(PRIMARY, &main, "CPUUtilization", &[40.0, 42.5]).await;
    put_series(PRIMARY, &main, "FreeStorageSpace", &[15.0e9]).await;
    put_series(PRIMARY, &main, "DatabaseConnections", &[37.0]).await;

    let env = env(
        vec![
            db(&main, None, None),
            db(&audit, None, None),
            db(&replica, Some(DR), Some(&main)),
        ],
        vec![],
        AlarmSpec::default(),
    );
    let source = source_for(&env, &[]);
    let rds = rds_of(&source).await;

    let ids: Vec<(&str, &str)> = rds
        .instances
        .iter()
        .map(|d| (d.id.as_str(), d.region.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            (main.as_str(), PRIMARY),
            (audit.as_str(), PRIMARY),
            (replica.as_str(), DR)
        ],
        "the runbook's instances, each in its region, nothing else"
    );

    let primary = rds.instance(&main).unwrap();
    assert_eq!(primary.status, "available");
    assert_eq!(primary.engine.as_deref(), Some("postgres"));
    assert!(primary.multi_az);
    assert_eq!(primary.replica_of, None);
    assert!(primary.endpoint.as_deref().unwrap().starts_with(&main));
    assert!(primary.latest_restorable.is_some());
    let load = primary
        .metrics
        .expect("CloudWatch load figures of a primary");
    assert_eq!(load.cpu_percent, Some(42.5));
    assert_eq!(load.free_storage_bytes, Some(15.0e9));
    assert_eq!(load.connections, Some(37.0));
    assert_eq!(primary.lag_secs, None);

    let other = rds.instance(&audit).unwrap();
    assert_eq!(other.engine.as_deref(), Some("mysql"));
    assert!(!other.multi_az);
    assert_eq!(other.metrics, None, "no datapoints, no figures");

    let dr = rds.instance(&replica).unwrap();
    assert_eq!(dr.region, DR);
    assert_eq!(dr.replica_of.as_deref(), Some(main.as_str()));
    assert_eq!(dr.lag_history, [4, 9, 31, 17]);
    assert_eq!(dr.lag_secs, Some(17.0));
    assert_eq!(dr.metrics, None, "a replica shows lag, not load");
}

fn aurora(id: &str, region: Option<&str>) -> RdsClusterSpec {
    RdsClusterSpec {
        id: id.into(),
        region: region.map(String::from),
        engine: None,
    }
}

#[tokio::test]
async fn aurora_clusters_are_what_was_seeded_in_their_regions() {
    let orders = unique("orders-aurora");
    let reports = unique("reports-aurora");
    let unrelated = unique("not-watched-aurora");
    let absent = unique("never-created-aurora");
    let (writer, reader) = (format!("{orders}-a"), format!("{orders}-b"));
    let orders_arn = create_aurora(PRIMARY, &orders, None, &[&writer, &reader]).await;
    create_aurora(DR, &reports, Some(&orders_arn), &[]).await;
    create_aurora(PRIMARY, &unrelated, None, &[]).await;

    let mut env = env(vec![], vec![], AlarmSpec::default());
    env.rds_clusters = vec![
        aurora(&orders, None),
        aurora(&reports, Some(DR)),
        aurora(&absent, None),
    ];
    let source = source_for(&env, &[]);
    let seen = rds_of(&source).await;

    assert!(seen.instances.is_empty(), "clusters add no instances");
    let ids: Vec<(&str, &str)> = seen
        .clusters
        .iter()
        .map(|c| (c.id.as_str(), c.region.as_str()))
        .collect();
    assert_eq!(
        ids,
        [(orders.as_str(), PRIMARY), (reports.as_str(), DR)],
        "the runbook's clusters, each in its region; the absent one is simply missing"
    );

    let c = seen.cluster(&orders).unwrap();
    assert_eq!(c.status, "available");
    assert_eq!(c.engine.as_deref(), Some("aurora-postgresql"));
    assert_eq!(c.writer.as_deref(), Some(writer.as_str()));
    assert_eq!(c.readers, [reader]);
    assert_eq!(c.members(), 2);
    let endpoint = c.endpoint.as_deref().unwrap();
    assert!(
        endpoint.starts_with(&format!("{orders}.cluster-")),
        "{endpoint}"
    );
    let reader_endpoint = c.reader_endpoint.as_deref().unwrap();
    assert!(
        reader_endpoint.starts_with(&format!("{orders}.cluster-ro-")),
        "{reader_endpoint}"
    );
    assert_eq!(c.replica_of, None, "a standalone cluster");
    // moto opens the window at creation and keeps its latest end at now.
    let (earliest, latest) = (c.earliest_restorable.unwrap(), c.latest_restorable.unwrap());
    assert!(earliest <= latest, "{earliest} … {latest}");
    let age = Timestamp::now().duration_since(earliest);
    assert!(age.as_secs() < 600, "opened at creation: {age:?}");

    let secondary = seen.cluster(&reports).unwrap();
    assert_eq!(secondary.region, DR);
    assert_eq!(
        secondary.replica_of.as_deref(),
        Some(orders.as_str()),
        "ARN -> id"
    );
    assert_eq!(
        (secondary.writer.as_deref(), secondary.members()),
        (None, 0)
    );

    // The same snapshot judged as `status` would: the absent one is critical.
    let runbook = drconsole::runbook::model::Runbook {
        name: "aurora".into(),
        description: None,
        share: None,
        objectives: drconsole::runbook::model::Objectives {
            rto: drconsole::runbook::duration::HumanDuration::from_hours(1),
            rpo: drconsole::runbook::duration::HumanDuration::from_mins(5),
        },
        environment: env.clone(),
        scenarios: vec![],
    };
    let mut live = drconsole::domain::snapshot::LiveState::default();
    live.rds.apply(Timestamp::now(), Ok(seen));
    let findings =
        drconsole::domain::assess::runbook_health(&runbook, &live, Timestamp::now()).findings;
    let missing = findings.iter().find(|f| f.resource == absent).unwrap();
    assert_eq!(missing.health, drconsole::domain::health::Health::Critical);
    assert_eq!(missing.region.as_deref(), Some(PRIMARY));

    // Promoting the replica cluster makes it standalone.
    rds(DR, &moto())
        .promote_read_replica_db_cluster()
        .db_cluster_identifier(&reports)
        .send()
        .await
        .unwrap();
    let promoted = rds_of(&source).await;
    assert_eq!(promoted.cluster(&reports).unwrap().replica_of, None);
}

#[tokio::test]
async fn point_in_time_restore_and_promotion_show_up() {
    let main = unique("books-main");
    let replica = unique("books-dr");
    let restored = unique("books-restored");
    let main_arn = create_instance(PRIMARY, &main, "postgres", false).await;
    create_replica(DR, &replica, &main_arn).await;
    let env = env(
        vec![db(&main, None, None), db(&replica, Some(DR), Some(&main))],
        vec![],
        AlarmSpec::default(),
    );
    // The restore target is not declared: it is watched in every region
    // because a verify check names it.
    let source = source_for(&env, std::slice::from_ref(&restored));
    let before = rds_of(&source).await;
    assert!(before.instance(&restored).is_none());
    assert!(before.instance(&replica).unwrap().is_replica());

    let client = rds(PRIMARY, &moto());
    client
        .restore_db_instance_to_point_in_time()
        .source_db_instance_identifier(&main)
        .target_db_instance_identifier(&restored)
        .use_latest_restorable_time(true)
        .send()
        .await
        .unwrap();
    rds(DR, &moto())
        .promote_read_replica()
        .db_instance_identifier(&replica)
        .send()
        .await
        .unwrap();

    let after = rds_of(&source).await;
    let restore = after.instance(&restored).expect("the restored instance");
    assert_eq!(restore.region, PRIMARY);
    assert_eq!(restore.status, "available");
    // Its role is not checked: moto reports a restore's source as
    // ReadReplicaSourceDBInstanceIdentifier, which real RDS does not.
    let promoted = after.instance(&replica).unwrap();
    assert_eq!(promoted.region, DR);
    assert_eq!(promoted.status, "available");
    // moto keeps ReadReplicaSourceDBInstanceIdentifier after
    // PromoteReadReplica (real RDS drops it), so the role change itself is
    // checked against mocked responses in aws_mocked.rs.
}

#[tokio::test]
async fn snapshots_newest_per_kind_and_copies_in_the_dr_region() {
    let main = unique("ledger-snap");
    create_instance(PRIMARY, &main, "postgres", false).await;
    let client = rds(PRIMARY, &moto());
    let mut manual_arn = String::new();
    for n in 1..=2 {
        let out = client
            .create_db_snapshot()
            .db_instance_identifier(&main)
            .db_snapshot_identifier(format!("{main}-manual-{n}"))
            .send()
            .await
            .unwrap();
        manual_arn = out.db_snapshot().unwrap().db_snapshot_arn().unwrap().into();
        tokio::time::sleep(Duration::from_millis(1100)).await; // distinct creation times
    }
    rds(DR, &moto())
        .copy_db_snapshot()
        .source_db_snapshot_identifier(&manual_arn)
        .target_db_snapshot_identifier(format!("{main}-copy"))
        .send()
        .await
        .unwrap();

    let env = env(vec![db(&main, None, None)], vec![], AlarmSpec::default());
    let backups = backups_of(&source_for(&env, &[])).await;
    let mut seen: Vec<(String, String, RecoveryPointKind)> = backups
        .recovery_points
        .iter()
        .map(|p| (p.id.clone(), p.region.clone(), p.kind))
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    let automated = backups
        .recovery_points
        .iter()
        .find(|p| p.kind == RecoveryPointKind::AutomatedSnapshot)
        .expect("moto takes an automated snapshot at creation");
    let mut expected = vec![
        (
            automated.id.clone(),
            PRIMARY.to_string(),
            RecoveryPointKind::AutomatedSnapshot,
        ),
        (
            format!("{main}-manual-2"),
            PRIMARY.to_string(),
            RecoveryPointKind::ManualSnapshot,
        ),
        (
            format!("{main}-copy"),
            DR.to_string(),
            RecoveryPointKind::ManualSnapshot,
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen, expected,
        "newest manual only, the copy in its own region"
    );
    for point in &backups.recovery_points {
        assert_eq!(point.resource, main);
        assert_eq!(point.status, RecoveryPointStatus::Completed);
        assert_eq!(point.size_bytes, Some(25 << 30));
    }
    let newest_first: Vec<Timestamp> = backups
        .recovery_points
        .iter()
        .map(|p| p.restorable_at())
        .collect();
    assert!(newest_first.windows(2).all(|w| w[0] >= w[1]));
}

async fn create_service(region: &str, cluster: &str, name: &str, task_def: &str, desired: i32) {
    ecs(region, &moto())
        .create_service()
        .cluster(cluster)
        .service_name(name)
        .task_definition(task_def)
        .desired_count(desired)
        .send()
        .await
        .unwrap();
}

/// Moto starts services with nothing running; an update makes them run.
async fn scale(region: &str, cluster: &str, name: &str, desired: i32) {
    ecs(region, &moto())
        .update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(desired)
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn ecs_services_counts_rollouts_missing_ones_and_stopped_reasons() {
    let cluster = unique("ledger-apps");
    let dr_cluster = unique("ledger-apps-dr");
    let client = ecs(PRIMARY, &moto());
    client
        .create_cluster()
        .cluster_name(&cluster)
        .send()
        .await
        .unwrap();
    ecs(DR, &moto())
        .create_cluster()
        .cluster_name(&dr_cluster)
        .send()
        .await
        .unwrap();
    let task_def = register_task_definition(PRIMARY, &unique("ledger-task")).await;
    let dr_task_def = register_task_definition(DR, &unique("ledger-task")).await;
    create_service(PRIMARY, &cluster, "api", &task_def, 4).await;
    scale(PRIMARY, &cluster, "api", 4).await;
    create_service(PRIMARY, &cluster, "worker", &task_def, 2).await;
    create_service(DR, &dr_cluster, "api", &dr_task_def, 1).await;
    scale(DR, &dr_cluster, "api", 1).await;

    // Two crashed worker tasks and one of the healthy api.
    for (group, reason) in [
        ("service:worker", "Essential container in task exited"),
        ("service:worker", "Task failed ELB health checks"),
        ("service:api", "Scaling activity initiated by deployment"),
    ] {
        let task = client
            .run_task()
            .cluster(&cluster)
            .task_definition(&task_def)
            .launch_type(LaunchType::Fargate)
            .group(group)
            .send()
            .await
            .unwrap();
        let arn = task.tasks()[0].task_arn().unwrap().to_string();
        client
            .stop_task()
            .cluster(&cluster)
            .task(&arn)
            .reason(reason)
            .send()
            .await
            .unwrap();
    }

    let spec = |cluster: &str, service: &str, region: Option<&str>| EcsSpec {
        cluster: cluster.into(),
        service: service.into(),
        region: region.map(String::from),
    };
    let env = env(
        vec![],
        vec![
            spec(&cluster, "api", None),
            spec(&cluster, "worker", None),
            spec(&cluster, "ghost", None),
            spec("no-such-cluster", "api", None),
            spec(&dr_cluster, "api", Some(DR)),
        ],
        AlarmSpec::default(),
    );
    let snapshot = ecs_of(&source_for(&env, &[])).await;
    let rows: Vec<(&str, &str, &str, &str, u32, u32, u32)> = snapshot
        .services
        .iter()
        .map(|s| {
            (
                s.region.as_str(),
                s.cluster.as_str(),
                s.name.as_str(),
                s.status.as_str(),
                s.desired,
                s.running,
                s.pending,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (PRIMARY, cluster.as_str(), "api", "ACTIVE", 4, 4, 0),
            (PRIMARY, cluster.as_str(), "worker", "ACTIVE", 2, 0, 2),
            (PRIMARY, cluster.as_str(), "ghost", "MISSING", 0, 0, 0),
            (PRIMARY, "no-such-cluster", "api", "MISSING", 0, 0, 0),
            (DR, dr_cluster.as_str(), "api", "ACTIVE", 1, 1, 0),
        ]
    );
    let worker = snapshot.service(&cluster, "worker").unwrap();
    let primary = worker.primary_deployment().unwrap();
    assert_eq!(primary.status, "PRIMARY");
    assert_eq!(primary.rollout, Some(RolloutState::InProgress));
    assert_eq!(
        primary.task_definition,
        task_def.rsplit('/').next().unwrap()
    );
    let mut reasons: Vec<&str> = worker
        .stopped_tasks
        .iter()
        .map(|t| t.reason.as_str())
        .collect();
    reasons.sort();
    assert_eq!(
        reasons,
        [
            "Essential container in task exited",
            "Task failed ELB health checks"
        ],
        "a struggling service's stopped tasks, by their group"
    );
    let api = snapshot.service(&cluster, "api").unwrap();
    assert!(
        api.stopped_tasks.is_empty(),
        "a healthy service is not asked about"
    );
    // moto sets a deployment's rollout once, at creation (nothing ran yet),
    // and scaling does not move it on; COMPLETED and FAILED are checked
    // against mocked responses in aws_mocked.rs.
    assert_eq!(
        api.primary_deployment().unwrap().rollout,
        Some(RolloutState::InProgress)
    );
}

#[tokio::test]
async fn alarms_by_name_and_prefix_in_every_region_without_repeats() {
    let prefix = unique("ledger") + "-";
    let cpu = format!("{prefix}db-cpu");
    let api = format!("{prefix}api-5xx");
    let dr_lag = format!("{prefix}dr-lag");
    let named = unique("payments-latency");
    let ignored = unique("other-team");
    put_alarm(PRIMARY, &cpu, StateValue::Alarm, "CPU above 90%").await;
    put_alarm(PRIMARY, &api, StateValue::Ok, "fine").await;
    put_alarm(DR, &dr_lag, StateValue::InsufficientData, "no data").await;
    put_alarm(PRIMARY, &named, StateValue::Alarm, "p99 above 2s").await;
    put_alarm(PRIMARY, &ignored, StateValue::Alarm, "not ours").await;

    let env = env(
        vec![],
        vec![],
        AlarmSpec {
            // `cpu` both by name and by prefix: listed once.
            names: vec![named.clone(), cpu.clone()],
            prefixes: vec![prefix.clone()],
        },
    );
    let alarms = alarms_of(&source_for(&env, &[])).await;
    let mut rows: Vec<(&str, &str, AlarmState, &str)> = alarms
        .alarms
        .iter()
        .map(|a| {
            (
                a.region.as_str(),
                a.name.as_str(),
                a.state,
                a.reason.as_str(),
            )
        })
        .collect();
    rows.sort_by_key(|r| r.1);
    let mut expected = vec![
        (PRIMARY, cpu.as_str(), AlarmState::Alarm, "CPU above 90%"),
        (PRIMARY, api.as_str(), AlarmState::Ok, "fine"),
        (PRIMARY, named.as_str(), AlarmState::Alarm, "p99 above 2s"),
        (DR, dr_lag.as_str(), AlarmState::InsufficientData, "no data"),
    ];
    expected.sort_by_key(|r| r.1);
    assert_eq!(rows, expected);
    let cpu_alarm = alarms.alarm(&cpu).unwrap();
    assert_eq!(cpu_alarm.metric.as_deref(), Some("Unpublished"));
    let age = Timestamp::now().duration_since(cpu_alarm.updated);
    assert!(age.as_secs() < 600, "state time is real: {age:?}");
}

/// Calls grow with the batch limits, not with the resources: 25 services
/// take 3 DescribeServices calls; 150 instances take 2 DescribeDBInstances
/// calls (100 filter values each); 120 Aurora clusters take 2
/// DescribeDBClusters calls.
#[tokio::test]
async fn call_counts_follow_batch_limits() {
    let cluster = unique("batch-cluster");
    let client = ecs(PRIMARY, &moto());
    client
        .create_cluster()
        .cluster_name(&cluster)
        .send()
        .await
        .unwrap();
    let task_def = register_task_definition(PRIMARY, &unique("batch-task")).await;
    let mut specs = Vec::new();
    for n in 0..25 {
        let name = format!("svc-{n:02}");
        create_service(PRIMARY, &cluster, &name, &task_def, 1).await;
        scale(PRIMARY, &cluster, &name, 1).await;
        specs.push(EcsSpec {
            cluster: cluster.clone(),
            service: name,
            region: None,
        });
    }
    let dbs: Vec<RdsSpec> = (0..150)
        .map(|n| db(&unique(&format!("batch-db{n}")), None, None))
        .collect();
    let clusters: Vec<RdsClusterSpec> = (0..120)
        .map(|n| aurora(&unique(&format!("batch-aurora{n}")), None))
        .collect();
    let env = Environment {
        regions: Regions {
            primary: PRIMARY.into(),
            dr: None,
        },
        rds: dbs,
        rds_clusters: clusters,
        ecs: specs,
        backup_vaults: Vec::<VaultSpec>::new(),
        ..Environment::default()
    };
    let counter = CallCounter::default();
    let clients = [counted_region_clients(
        PRIMARY,
        &moto(),
        &ministack(),
        &counter,
    )];
    let source =
        AwsSource::from_clients(Watchlist::new(&env, None, &[]), test_tuning(), clients).unwrap();

    let services = ecs_of(&source).await.services;
    assert_eq!(services.len(), 25);
    assert!(services.iter().all(|s| s.running == 1));
    assert_eq!(counter.get("DescribeServices"), 3);
    assert_eq!(counter.get("ListTasks"), 0, "no struggling service");

    let rds = rds_of(&source).await;
    assert!(rds.instances.is_empty(), "none of them exists");
    assert_eq!(counter.get("DescribeDBInstances"), 2);
    assert_eq!(
        counter.get("DescribeDBClusters"),
        2,
        "120 clusters, 100 a call"
    );
    assert_eq!(
        counter.get("GetMetricData"),
        0,
        "metrics are asked for instances that exist, by their role"
    );
    assert_eq!(counter.get("DescribeDBInstanceAutomatedBackups"), 2);

    // Within the metrics interval a refresh reads instances only.
    counter.reset();
    rds_of(&source).await;
    assert_eq!(counter.get("DescribeDBInstances"), 2);
    assert_eq!(
        counter.get("GetMetricData"),
        0,
        "metrics are cached for 60 s"
    );
}
