//! The live AWS source against canned SDK responses (aws-smithy-mocks), for
//! what no emulator serves: AWS Backup recovery points (no emulator has
//! them), RDS StatusInfos, restore windows and promotion, ECS events,
//! rollouts and stopped-task reasons, the paths of every error (throttling
//! with retries, AccessDenied, expired credentials, 5xx, timeouts) for every
//! service, pagination, and how many calls the batch limits take.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_types::error::ErrorMetadata;
use drconsole::domain::snapshot::{
    AlarmState, RecoveryPointKind, RecoveryPointStatus, RolloutState, SourceError, SourceKind,
};
use drconsole::runbook::model::Environment;
use drconsole::sources::aws::{AwsSource, AwsTuning, RegionClients, Watchlist};
use drconsole::sources::{Payload, Source};
use jiff::Timestamp;

const REGION: &str = "us-east-2";

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

/// A client of `$krate` that answers from `rules` only.
macro_rules! mocked {
    ($krate:ident $(, $rule:expr)* $(,)?) => {{
        #[allow(unused_mut)]
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        $( interceptor = interceptor.with_rule(&$rule); )*
        let config = $krate::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new("test", "test", None, None, "mock"))
            .http_client(create_mock_http_client())
            .interceptor(interceptor)
            .retry_config(fast_retries())
            .build();
        $krate::Client::from_conf(config)
    }};
}

/// Clients that answer nothing: for the services a test does not use.
fn idle() -> RegionClients {
    RegionClients {
        region: REGION.into(),
        rds: mocked!(aws_sdk_rds),
        ecs: mocked!(aws_sdk_ecs),
        cloudwatch: mocked!(aws_sdk_cloudwatch),
        backup: mocked!(aws_sdk_backup),
    }
}

fn env(toml_env: &str) -> Environment {
    toml::from_str(&format!(
        "regions = {{ primary = \"{REGION}\" }}\n{toml_env}"
    ))
    .unwrap()
}

fn source(env: &Environment, clients: RegionClients) -> AwsSource {
    AwsSource::from_clients(
        Watchlist::new(env, None, &[]),
        AwsTuning::default(),
        [clients],
    )
    .unwrap()
}

fn at(secs_ago: i64) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_secs(Timestamp::now().as_second() - secs_ago)
}

fn ts(secs: i64) -> aws_smithy_types::DateTime {
    aws_smithy_types::DateTime::from_secs(secs)
}

fn err_meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

// ------------------------------------------------------------------ Backup

mod backup_types {
    pub use aws_sdk_backup::operation::list_recovery_points_by_backup_vault::{
        ListRecoveryPointsByBackupVaultError, ListRecoveryPointsByBackupVaultOutput,
    };
    pub use aws_sdk_backup::types::{
        CalculatedLifecycle, RecoveryPointByBackupVault, RecoveryPointStatus as RawStatus,
    };
}

fn recovery_point(
    n: u32,
    status: backup_types::RawStatus,
) -> backup_types::RecoveryPointByBackupVault {
    backup_types::RecoveryPointByBackupVault::builder()
        .recovery_point_arn(format!(
            "arn:aws:backup:{REGION}:123456789012:recovery-point:rp-{n}"
        ))
        .backup_vault_name("ledger-vault")
        .resource_arn(format!("arn:aws:rds:{REGION}:123456789012:db:ledger-{n}"))
        .status(status)
        .creation_date(ts(1_700_000_000 + i64::from(n) * 3600))
        .completion_date(ts(1_700_000_000 + i64::from(n) * 3600 + 600))
        .backup_size_in_bytes(i64::from(n) * 1_000_000)
        .calculated_lifecycle(
            backup_types::CalculatedLifecycle::builder()
                .move_to_cold_storage_at(ts(1_800_000_000))
                .delete_at(ts(1_900_000_000))
                .build(),
        )
        .build()
}

/// Recovery points exist in no emulator: mapping and pagination against
/// canned ListRecoveryPointsByBackupVault pages.
#[tokio::test]
async fn backup_recovery_points_are_mapped_across_pages() {
    use backup_types::*;
    let first = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .match_requests(|r| {
            r.backup_vault_name() == Some("ledger-vault") && r.next_token().is_none()
        })
        .then_output(|| {
            ListRecoveryPointsByBackupVaultOutput::builder()
                .recovery_points(recovery_point(1, RawStatus::Completed))
                .recovery_points(recovery_point(2, RawStatus::Partial))
                .recovery_points(recovery_point(3, RawStatus::Creating))
                .next_token("page-2")
                .build()
        });
    let second = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .match_requests(|r| r.next_token() == Some("page-2"))
        .then_output(|| {
            ListRecoveryPointsByBackupVaultOutput::builder()
                .recovery_points(recovery_point(4, RawStatus::Expired))
                .recovery_points(recovery_point(5, RawStatus::Available))
                .recovery_points(recovery_point(6, RawStatus::Stopped))
                .recovery_points(recovery_point(7, RawStatus::Deleting))
                .build()
        });
    let clients = RegionClients {
        backup: mocked!(aws_sdk_backup, first, second),
        ..idle()
    };
    let env = env(r#"backup_vaults = [{ name = "ledger-vault" }]"#);
    let Ok(Payload::Backups(backups)) = source(&env, clients).fetch(SourceKind::Backups).await
    else {
        panic!("backups fetch failed");
    };
    assert_eq!(first.num_calls(), 1);
    assert_eq!(second.num_calls(), 1);
    let statuses: Vec<(String, RecoveryPointStatus)> = backups
        .recovery_points
        .iter()
        .map(|p| (p.resource.rsplit(':').next().unwrap().to_string(), p.status))
        .collect();
    assert_eq!(
        statuses,
        [
            ("ledger-7".to_string(), RecoveryPointStatus::Deleting),
            ("ledger-6".to_string(), RecoveryPointStatus::Failed),
            ("ledger-5".to_string(), RecoveryPointStatus::Completed),
            ("ledger-4".to_string(), RecoveryPointStatus::Expired),
            ("ledger-3".to_string(), RecoveryPointStatus::Running),
            ("ledger-2".to_string(), RecoveryPointStatus::Partial),
            ("ledger-1".to_string(), RecoveryPointStatus::Completed),
        ],
        "newest first, every page"
    );
    let one = backups.recovery_points.last().unwrap();
    assert_eq!(one.kind, RecoveryPointKind::Backup);
    assert_eq!(one.vault.as_deref(), Some("ledger-vault"));
    assert_eq!(one.region, REGION);
    assert!(one.id.ends_with("recovery-point:rp-1"));
    assert_eq!(one.created.as_second(), 1_700_003_600);
    assert_eq!(one.completed.map(|t| t.as_second()), Some(1_700_004_200));
    assert_eq!(one.size_bytes, Some(1_000_000));
    assert_eq!(
        one.cold_storage_at.map(|t| t.as_second()),
        Some(1_800_000_000)
    );
    assert_eq!(one.delete_at.map(|t| t.as_second()), Some(1_900_000_000));
    assert!(one.protects("ledger-1"));
}

/// A vault that does not exist holds nothing; the other vault still counts.
#[tokio::test]
async fn a_missing_vault_holds_no_recovery_points() {
    use backup_types::*;
    let missing = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .match_requests(|r| r.backup_vault_name() == Some("typo-vault"))
        .then_error(|| {
            ListRecoveryPointsByBackupVaultError::ResourceNotFoundException(
                aws_sdk_backup::types::error::ResourceNotFoundException::builder()
                    .message("Backup vault typo-vault does not exist")
                    .build(),
            )
        });
    let present = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .match_requests(|r| r.backup_vault_name() == Some("ledger-vault"))
        .then_output(|| {
            ListRecoveryPointsByBackupVaultOutput::builder()
                .recovery_points(recovery_point(1, RawStatus::Completed))
                .build()
        });
    let clients = RegionClients {
        backup: mocked!(aws_sdk_backup, missing, present),
        ..idle()
    };
    let env = env(r#"backup_vaults = [{ name = "typo-vault" }, { name = "ledger-vault" }]"#);
    let result = source(&env, clients).fetch(SourceKind::Backups).await;
    let Ok(Payload::Backups(backups)) = result else {
        panic!("{result:?}");
    };
    assert_eq!(backups.recovery_points.len(), 1);
    assert_eq!(missing.num_calls(), 1);
}

// ------------------------------------------------------------------ RDS

mod rds_types {
    pub use aws_sdk_rds::operation::describe_db_instance_automated_backups::DescribeDbInstanceAutomatedBackupsOutput;
    pub use aws_sdk_rds::operation::describe_db_instances::{
        DescribeDBInstancesError, DescribeDbInstancesInput, DescribeDbInstancesOutput,
    };
    pub use aws_sdk_rds::types::{
        DbInstance, DbInstanceAutomatedBackup, DbInstanceStatusInfo, RestoreWindow,
    };
}

fn db(id: &str, source: Option<&str>) -> rds_types::DbInstance {
    let mut b = rds_types::DbInstance::builder()
        .db_instance_identifier(id)
        .db_instance_status("available")
        .engine("postgres")
        .multi_az(source.is_none())
        .availability_zone(format!("{REGION}b"))
        .latest_restorable_time(at(300));
    if let Some(source) = source {
        b = b
            .read_replica_source_db_instance_identifier(source)
            .status_infos(
                rds_types::DbInstanceStatusInfo::builder()
                    .status_type("read replication")
                    .status("replicating")
                    .normal(true)
                    .build(),
            );
    }
    b.build()
}

type CwOutput = aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
type CwInput = aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataInput;

/// Answers each query from `series(instance, metric)`: (seconds ago, value).
fn metrics_answer(series: impl Fn(&str, &str) -> Vec<(i64, f64)> + Send + Sync + 'static) -> Rule {
    mock!(aws_sdk_cloudwatch::Client::get_metric_data).then_compute_output(move |req: &CwInput| {
        let mut out = CwOutput::builder();
        for q in req.metric_data_queries() {
            let metric = q.metric_stat().and_then(|s| s.metric()).unwrap();
            let instance = metric.dimensions()[0].value().unwrap();
            let points = series(instance, metric.metric_name().unwrap());
            let mut result =
                aws_sdk_cloudwatch::types::MetricDataResult::builder().id(q.id().unwrap());
            // CloudWatch answers newest first.
            for (ago, value) in points.iter().rev() {
                result = result.timestamps(at(*ago)).values(*value);
            }
            out = out.metric_data_results(result.build());
        }
        out.build()
    })
}

#[tokio::test]
async fn rds_instances_windows_lag_and_load_across_pages() {
    use rds_types::*;
    let page1 = mock!(aws_sdk_rds::Client::describe_db_instances)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            DescribeDbInstancesOutput::builder()
                .db_instances(db("orders", None))
                .db_instances(db(
                    "orders-dr",
                    Some("arn:aws:rds:us-west-2:123456789012:db:orders"),
                ))
                .marker("m2")
                .build()
        });
    let page2 = mock!(aws_sdk_rds::Client::describe_db_instances)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| {
            DescribeDbInstancesOutput::builder()
                // A promoted replica: no source any more.
                .db_instances(db("orders-old-replica", None))
                .db_instances(db("orders-stale", Some("orders")))
                .build()
        });
    let windows =
        mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups).then_output(|| {
            let window = |earliest, latest| {
                RestoreWindow::builder()
                    .earliest_time(ts(earliest))
                    .latest_time(ts(latest))
                    .build()
            };
            DescribeDbInstanceAutomatedBackupsOutput::builder()
                .db_instance_automated_backups(
                    DbInstanceAutomatedBackup::builder()
                        .db_instance_identifier("orders")
                        .region(REGION)
                        .status("active")
                        .restore_window(window(1_700_000_000, 1_700_600_000))
                        .build(),
                )
                // Replicated from another region: restores there, not here.
                .db_instance_automated_backups(
                    DbInstanceAutomatedBackup::builder()
                        .db_instance_identifier("orders-old-replica")
                        .region("eu-west-1")
                        .restore_window(window(1, 2))
                        .build(),
                )
                .build()
        });
    let metrics = metrics_answer(|instance, metric| match (instance, metric) {
        ("orders-dr", "ReplicaLag") => vec![(240, 3.0), (180, 8.4), (120, 41.0), (60, 12.6)],
        // The newest lag datapoint is 20 minutes old: lag unknown now.
        ("orders-stale", "ReplicaLag") => vec![(1500, 5.0), (1200, 6.0)],
        ("orders", "CPUUtilization") => vec![(120, 10.0), (60, 55.5)],
        ("orders", "DatabaseConnections") => vec![(60, 120.0)],
        _ => vec![],
    });
    let clients = RegionClients {
        rds: mocked!(aws_sdk_rds, page1, page2, windows),
        cloudwatch: mocked!(aws_sdk_cloudwatch, metrics),
        ..idle()
    };
    let env = env(r#"rds = [
        { id = "orders" }, { id = "orders-dr", role = "replica", source = "orders" },
        { id = "orders-old-replica" }, { id = "orders-stale", role = "replica" },
    ]"#);
    let Ok(Payload::Rds(rds)) = source(&env, clients).fetch(SourceKind::Rds).await else {
        panic!("RDS fetch failed");
    };
    assert_eq!(page1.num_calls() + page2.num_calls(), 2);
    let ids: Vec<&str> = rds.instances.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        ["orders", "orders-dr", "orders-old-replica", "orders-stale"]
    );

    let primary = rds.instance("orders").unwrap();
    assert_eq!(
        primary.earliest_restorable.map(|t| t.as_second()),
        Some(1_700_000_000)
    );
    assert!(primary.latest_restorable.is_some());
    assert_eq!(primary.az.as_deref(), Some("us-east-2b"));
    let load = primary.metrics.unwrap();
    assert_eq!(load.cpu_percent, Some(55.5));
    assert_eq!(load.connections, Some(120.0));
    assert_eq!(load.free_storage_bytes, None);

    let replica = rds.instance("orders-dr").unwrap();
    assert_eq!(replica.replica_of.as_deref(), Some("orders"), "ARN -> id");
    assert_eq!(replica.replication_state.as_deref(), Some("replicating"));
    assert_eq!(replica.lag_history, [3, 8, 41, 13]);
    assert_eq!(replica.lag_secs, Some(12.6));
    assert_eq!(replica.metrics, None);

    let promoted = rds.instance("orders-old-replica").unwrap();
    assert!(!promoted.is_replica());
    assert_eq!(promoted.earliest_restorable, None, "other region's window");

    let stale = rds.instance("orders-stale").unwrap();
    assert_eq!(stale.lag_secs, None);
    assert_eq!(stale.lag_history, [5, 6]);
}

/// 200 instances, 150 primaries and 50 replicas: 2 DescribeDBInstances
/// calls (100 identifiers each); only the metrics each role uses, 3 per
/// primary and 1 per replica, 500 queries in 1 GetMetricData call.
#[tokio::test]
async fn calls_grow_with_batch_limits_not_with_instances() {
    use rds_types::*;
    let describe = mock!(aws_sdk_rds::Client::describe_db_instances)
        .match_requests(|r| r.filters()[0].values().len() <= 100)
        .then_compute_output(|r: &DescribeDbInstancesInput| {
            let found = r.filters()[0].values().iter().map(|id| {
                let n: usize = id.trim_start_matches("db-").parse().unwrap();
                db(id, (n >= 150).then_some("db-0"))
            });
            DescribeDbInstancesOutput::builder()
                .set_db_instances(Some(found.collect()))
                .build()
        });
    let windows = mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
        .then_output(|| DescribeDbInstanceAutomatedBackupsOutput::builder().build());
    let queries = Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = queries.clone();
    let metrics = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .match_requests(move |r| {
            let names = r.metric_data_queries().iter().map(|q| {
                let metric = q.metric_stat().and_then(|s| s.metric()).unwrap();
                let instance = metric.dimensions()[0].value().unwrap().to_string();
                (instance, metric.metric_name().unwrap().to_string())
            });
            seen.lock().unwrap().extend(names);
            r.metric_data_queries().len() <= 500
        })
        .then_output(|| CwOutput::builder().build());
    let clients = RegionClients {
        rds: mocked!(aws_sdk_rds, describe, windows),
        cloudwatch: mocked!(aws_sdk_cloudwatch, metrics),
        ..idle()
    };
    let list: Vec<String> = (0..200).map(|n| format!("{{ id = \"db-{n}\" }}")).collect();
    let env = env(&format!("rds = [{}]", list.join(", ")));
    let result = source(&env, clients).fetch(SourceKind::Rds).await;
    assert!(result.is_ok(), "{result:?}");
    assert_eq!(describe.num_calls(), 2);
    assert_eq!(windows.num_calls(), 2);
    assert_eq!(metrics.num_calls(), 1);
    let mut queries = queries.lock().unwrap().clone();
    queries.sort();
    let mut expected: Vec<(String, String)> = (0..200)
        .flat_map(|n| {
            let metrics: &[&str] = if n >= 150 {
                &["ReplicaLag"]
            } else {
                &["CPUUtilization", "DatabaseConnections", "FreeStorageSpace"]
            };
            metrics
                .iter()
                .map(move |m| (format!("db-{n}"), m.to_string()))
        })
        .collect();
    expected.sort();
    assert_eq!(queries, expected);
}

// ------------------------------------------------------------------ Aurora

mod aurora_types {
    pub use aws_sdk_rds::operation::describe_db_clusters::{
        DescribeDBClustersError, DescribeDbClustersOutput,
    };
    pub use aws_sdk_rds::types::{DbCluster, DbClusterMember};
}

fn aurora_cluster(id: &str, source: Option<&str>) -> aurora_types::DbCluster {
    let member = |n: u32, writer: bool| {
        aurora_types::DbClusterMember::builder()
            .db_instance_identifier(format!("{id}-{n}"))
            .is_cluster_writer(writer)
            .build()
    };
    aurora_types::DbCluster::builder()
        .db_cluster_identifier(id)
        .status("available")
        .engine("aurora-mysql")
        .multi_az(true)
        .db_cluster_members(member(1, true))
        .db_cluster_members(member(2, false))
        .db_cluster_members(member(3, false))
        .endpoint(format!("{id}.cluster-xyz.{REGION}.rds.amazonaws.com"))
        .reader_endpoint(format!("{id}.cluster-ro-xyz.{REGION}.rds.amazonaws.com"))
        .earliest_restorable_time(ts(1_700_000_000))
        .latest_restorable_time(ts(1_700_600_000))
        .set_replication_source_identifier(source.map(String::from))
        .build()
}

/// Two pages of DescribeDBClusters, filtered by `db-cluster-id`; a cluster
/// the runbook does not name is dropped even if the answer carries it.
#[tokio::test]
async fn aurora_clusters_across_pages_with_windows_and_sources() {
    use aurora_types::*;
    let page1 = mock!(aws_sdk_rds::Client::describe_db_clusters)
        .match_requests(|r| {
            r.marker().is_none()
                && r.filters()[0].name() == Some("db-cluster-id")
                && r.filters()[0].values() == ["ledger", "ledger-dr"]
        })
        .then_output(|| {
            DescribeDbClustersOutput::builder()
                .db_clusters(aurora_cluster("ledger", None))
                .marker("m2")
                .build()
        });
    let page2 = mock!(aws_sdk_rds::Client::describe_db_clusters)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| {
            DescribeDbClustersOutput::builder()
                .db_clusters(aurora_cluster(
                    "ledger-dr",
                    Some("arn:aws:rds:us-west-2:123456789012:cluster:ledger-west"),
                ))
                .db_clusters(aurora_cluster("not-named", None))
                .build()
        });
    let clients = RegionClients {
        rds: mocked!(aws_sdk_rds, page1, page2),
        ..idle()
    };
    let env = env(r#"rds_clusters = [{ id = "ledger" }, { id = "ledger-dr" }]"#);
    let Ok(Payload::Rds(rds)) = source(&env, clients).fetch(SourceKind::Rds).await else {
        panic!("RDS fetch failed");
    };
    assert_eq!(page1.num_calls() + page2.num_calls(), 2);
    assert!(rds.instances.is_empty());
    let ids: Vec<&str> = rds.clusters.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["ledger", "ledger-dr"]);

    let primary = rds.cluster("ledger").unwrap();
    assert_eq!(primary.region, REGION);
    assert_eq!(primary.engine.as_deref(), Some("aurora-mysql"));
    assert!(primary.multi_az);
    assert_eq!(primary.writer.as_deref(), Some("ledger-1"));
    assert_eq!(primary.readers, ["ledger-2", "ledger-3"]);
    assert_eq!(
        primary.reader_endpoint.as_deref(),
        Some("ledger.cluster-ro-xyz.us-east-2.rds.amazonaws.com")
    );
    assert_eq!(
        primary.earliest_restorable.map(|t| t.as_second()),
        Some(1_700_000_000)
    );
    assert_eq!(
        primary.latest_restorable.map(|t| t.as_second()),
        Some(1_700_600_000)
    );
    assert_eq!(primary.replica_of, None);
    let secondary = rds.cluster("ledger-dr").unwrap();
    assert_eq!(secondary.replica_of.as_deref(), Some("ledger-west"));
}

/// 150 clusters take 2 DescribeDBClusters calls (100 identifiers each);
/// 100 take one.
#[tokio::test]
async fn aurora_clusters_are_described_100_a_call() {
    use aurora_types::*;
    for (clusters, calls) in [(100, 1), (150, 2)] {
        let describe = mock!(aws_sdk_rds::Client::describe_db_clusters)
            .match_requests(|r| r.filters()[0].values().len() <= 100)
            .then_output(|| DescribeDbClustersOutput::builder().build());
        let clients = RegionClients {
            rds: mocked!(aws_sdk_rds, describe),
            ..idle()
        };
        let list: Vec<String> = (0..clusters)
            .map(|n| format!("{{ id = \"aurora-{n}\" }}"))
            .collect();
        let env = env(&format!("rds_clusters = [{}]", list.join(", ")));
        let result = source(&env, clients).fetch(SourceKind::Rds).await;
        assert!(result.is_ok(), "{result:?}");
        assert_eq!(describe.num_calls(), calls, "{clusters} clusters");
    }
}

/// A failing DescribeDBClusters is named beside the instances that
/// answered; it does not take them away.
#[tokio::test]
async fn a_denied_describe_db_clusters_is_named_beside_the_instances() {
    use aurora_types::*;
    let clusters = mock!(aws_sdk_rds::Client::describe_db_clusters).then_error(|| {
        DescribeDBClustersError::generic(err_meta(
            "AccessDenied",
            "not authorized to perform: rds:DescribeDBClusters",
        ))
    });
    let instances = mock!(aws_sdk_rds::Client::describe_db_instances).then_output(|| {
        rds_types::DescribeDbInstancesOutput::builder()
            .db_instances(db("orders", None))
            .build()
    });
    let windows = mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
        .then_output(|| rds_types::DescribeDbInstanceAutomatedBackupsOutput::builder().build());
    let metrics = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_output(|| CwOutput::builder().build());
    let clients = RegionClients {
        rds: mocked!(aws_sdk_rds, clusters, instances, windows),
        cloudwatch: mocked!(aws_sdk_cloudwatch, metrics),
        ..idle()
    };
    let env = env(r#"
        rds = [{ id = "orders" }]
        rds_clusters = [{ id = "ledger" }]
    "#);
    let Ok(Payload::Rds(rds)) = source(&env, clients).fetch(SourceKind::Rds).await else {
        panic!("the instances answered");
    };
    assert_eq!(rds.instances.len(), 1);
    assert_eq!(rds.instances[0].id, "orders");
    assert!(rds.clusters.is_empty());
    let unlisted: Vec<_> = rds.unlisted().collect();
    assert_eq!(unlisted.len(), 1, "{unlisted:?}");
    assert_eq!(unlisted[0].code, "AccessDenied");
    assert_eq!(unlisted[0].api.as_deref(), Some("DescribeDBClusters"));
    assert_eq!(unlisted[0].region.as_deref(), Some("us-east-2"));
    assert!(
        unlisted[0]
            .message
            .starts_with("DescribeDBClusters in us-east-2"),
        "{}",
        unlisted[0]
    );
    assert_eq!(clusters.num_calls(), 1, "AccessDenied is not retried");
}

// ------------------------------------------------------------------ ECS

mod ecs_types {
    pub use aws_sdk_ecs::operation::describe_services::{
        DescribeServicesError, DescribeServicesOutput,
    };
    pub use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
    pub use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
    pub use aws_sdk_ecs::types::{
        Container, Deployment, DeploymentCircuitBreaker, DeploymentConfiguration,
        DeploymentRolloutState, Failure, Service, ServiceEvent, Task,
    };
}

fn service(
    name: &str,
    running: i32,
    rollout: ecs_types::DeploymentRolloutState,
) -> ecs_types::Service {
    use ecs_types::*;
    let mut b = Service::builder()
        .service_name(name)
        .status("ACTIVE")
        .desired_count(3)
        .running_count(running)
        .pending_count(3 - running)
        .deployment_configuration(
            DeploymentConfiguration::builder()
                .deployment_circuit_breaker(
                    DeploymentCircuitBreaker::builder()
                        .enable(true)
                        .rollback(true)
                        .build(),
                )
                .build(),
        )
        // ECS lists the draining deployment first here; PRIMARY must lead.
        .deployments(
            Deployment::builder()
                .id("ecs-svc/old")
                .status("ACTIVE")
                .task_definition("arn:aws:ecs:us-east-2:123456789012:task-definition/web:6")
                .desired_count(0)
                .running_count(1)
                .rollout_state(DeploymentRolloutState::Completed)
                .build(),
        )
        .deployments(
            Deployment::builder()
                .id("ecs-svc/new")
                .status("PRIMARY")
                .task_definition("arn:aws:ecs:us-east-2:123456789012:task-definition/web:7")
                .desired_count(3)
                .running_count(running)
                .failed_tasks(if running < 3 { 4 } else { 0 })
                .rollout_state(rollout)
                .updated_at(at(30))
                .build(),
        );
    for n in 0..12 {
        b = b.events(
            ServiceEvent::builder()
                .id(format!("e{n}"))
                .created_at(at(60 * n))
                .message(format!("({name}) event {n}"))
                .build(),
        );
    }
    b.build()
}

#[tokio::test]
async fn ecs_services_in_batches_of_ten_with_rollouts_events_and_stopped_reasons() {
    use ecs_types::*;
    let describe = mock!(aws_sdk_ecs::Client::describe_services)
        .match_requests(|r| r.services().len() <= 10 && r.cluster() == Some("shop"))
        .then_compute_output(|req| {
            let mut out = DescribeServicesOutput::builder();
            for name in req.services() {
                if name == "gone" {
                    out = out.failures(
                        Failure::builder()
                            .arn("arn:aws:ecs:us-east-2:123456789012:service/shop/gone")
                            .reason("MISSING")
                            .build(),
                    );
                } else if name == "web" {
                    out = out.services(service(name, 1, DeploymentRolloutState::Failed));
                } else {
                    out = out.services(service(name, 3, DeploymentRolloutState::Completed));
                }
            }
            out.build()
        });
    // The cluster's stopped tasks, whatever service they ran for.
    let list = mock!(aws_sdk_ecs::Client::list_tasks)
        .match_requests(|r| {
            r.cluster() == Some("shop")
                && r.service_name().is_none()
                && r.desired_status() == Some(&aws_sdk_ecs::types::DesiredStatus::Stopped)
        })
        .then_output(|| {
            ListTasksOutput::builder()
                .task_arns("arn:aws:ecs:us-east-2:123456789012:task/shop/t1")
                .task_arns("arn:aws:ecs:us-east-2:123456789012:task/shop/t2")
                .task_arns("arn:aws:ecs:us-east-2:123456789012:task/shop/t3")
                .task_arns("arn:aws:ecs:us-east-2:123456789012:task/shop/t4")
                .build()
        });
    let tasks = mock!(aws_sdk_ecs::Client::describe_tasks).then_output(|| {
        DescribeTasksOutput::builder()
            .tasks(
                Task::builder()
                    .task_arn("arn:aws:ecs:us-east-2:123456789012:task/shop/t1")
                    .group("service:web")
                    .stopped_reason("Essential container in task exited")
                    .stopped_at(at(120))
                    .containers(Container::builder().name("app").exit_code(137).build())
                    .build(),
            )
            .tasks(
                Task::builder()
                    .task_arn("arn:aws:ecs:us-east-2:123456789012:task/shop/t2")
                    // No group: started by web's PRIMARY deployment.
                    .started_by("ecs-svc/new")
                    .stopped_reason("Task failed ELB health checks")
                    .stopped_at(at(60))
                    .containers(
                        Container::builder()
                            .name("app")
                            .reason("OutOfMemoryError: Container killed")
                            .build(),
                    )
                    .build(),
            )
            // A healthy service's task and one nobody watched: not shown.
            .tasks(
                Task::builder()
                    .task_arn("arn:aws:ecs:us-east-2:123456789012:task/shop/t3")
                    .group("service:svc-00")
                    .stopped_reason("Scaling activity initiated by deployment")
                    .stopped_at(at(30))
                    .build(),
            )
            .tasks(
                Task::builder()
                    .task_arn("arn:aws:ecs:us-east-2:123456789012:task/shop/t4")
                    .started_by("someone-else")
                    .stopped_reason("Stopped by user")
                    .stopped_at(at(10))
                    .build(),
            )
            .build()
    });
    let clients = RegionClients {
        ecs: mocked!(aws_sdk_ecs, describe, list, tasks),
        ..idle()
    };
    // 25 services: 3 DescribeServices calls.
    let mut names: Vec<String> = (0..23).map(|n| format!("svc-{n:02}")).collect();
    names.insert(5, "web".into());
    names.push("gone".into());
    let list_toml: Vec<String> = names
        .iter()
        .map(|n| format!("{{ cluster = \"shop\", service = \"{n}\" }}"))
        .collect();
    let env = env(&format!("ecs = [{}]", list_toml.join(", ")));
    let Ok(Payload::Ecs(ecs)) = source(&env, clients).fetch(SourceKind::Ecs).await else {
        panic!("ECS fetch failed");
    };
    assert_eq!(describe.num_calls(), 3, "25 services, 10 a call");
    assert_eq!(list.num_calls(), 1, "one for the cluster");
    assert_eq!(tasks.num_calls(), 1);
    let order: Vec<&str> = ecs.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(order, names, "runbook order");

    let gone = ecs.service("shop", "gone").unwrap();
    assert_eq!(gone.status, "MISSING");

    let web = ecs.service("shop", "web").unwrap();
    assert_eq!((web.desired, web.running, web.pending), (3, 1, 2));
    assert!(web.circuit_breaker);
    let primary = &web.deployments[0];
    assert_eq!(primary.status, "PRIMARY", "PRIMARY first");
    assert_eq!(primary.task_definition, "web:7");
    assert_eq!(primary.rollout, Some(RolloutState::Failed));
    assert_eq!(primary.failed_tasks, 4);
    assert_eq!(web.deployments[1].rollout, Some(RolloutState::Completed));
    assert_eq!(web.events.len(), 10, "the latest ten");
    assert_eq!(web.events[0].message, "(web) event 0", "newest first");
    let reasons: Vec<(&str, &str)> = web
        .stopped_tasks
        .iter()
        .map(|t| (t.id.as_str(), t.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        [
            (
                "t2",
                "Task failed ELB health checks (app: OutOfMemoryError: Container killed)"
            ),
            ("t1", "Essential container in task exited (app exited 137)"),
        ],
        "newest first; a task without a group belongs to the deployment that started it"
    );
    let healthy = ecs.service("shop", "svc-00").unwrap();
    assert!(healthy.stopped_tasks.is_empty());
    assert_eq!(
        healthy.primary_deployment().unwrap().rollout,
        Some(RolloutState::Completed)
    );
}

// ------------------------------------------------------------------ Alarms

mod cw_types {
    pub use aws_sdk_cloudwatch::operation::describe_alarms::{
        DescribeAlarmsError, DescribeAlarmsOutput,
    };
    pub use aws_sdk_cloudwatch::types::{CompositeAlarm, MetricAlarm, StateValue};
}

fn metric_alarm(name: &str, state: cw_types::StateValue) -> cw_types::MetricAlarm {
    cw_types::MetricAlarm::builder()
        .alarm_name(name)
        .state_value(state)
        .state_reason("because")
        .state_updated_timestamp(ts(1_750_000_000))
        .metric_name("5XXError")
        .build()
}

#[tokio::test]
async fn alarms_by_names_and_prefixes_paginated_and_deduplicated() {
    use cw_types::*;
    let by_name = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(|r| !r.alarm_names().is_empty() && r.max_records() == Some(100))
        .then_output(|| {
            DescribeAlarmsOutput::builder()
                .metric_alarms(metric_alarm("shop-api-5xx", StateValue::Alarm))
                .build()
        });
    let prefix_page1 = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(|r| {
            r.alarm_name_prefix() == Some("shop-")
                && r.next_token().is_none()
                && r.max_records() == Some(100)
        })
        .then_output(|| {
            DescribeAlarmsOutput::builder()
                .metric_alarms(metric_alarm("shop-api-5xx", StateValue::Alarm))
                .metric_alarms(metric_alarm("shop-db-cpu", StateValue::Ok))
                .next_token("t2")
                .build()
        });
    let prefix_page2 = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .match_requests(|r| r.next_token() == Some("t2") && r.max_records() == Some(100))
        .then_output(|| {
            DescribeAlarmsOutput::builder()
                .composite_alarms(
                    CompositeAlarm::builder()
                        .alarm_name("shop-overall")
                        .state_value(StateValue::InsufficientData)
                        .state_updated_timestamp(ts(1_750_000_100))
                        .build(),
                )
                .build()
        });
    let clients = RegionClients {
        cloudwatch: mocked!(aws_sdk_cloudwatch, by_name, prefix_page1, prefix_page2),
        ..idle()
    };
    let env = env(r#"alarms = { names = ["shop-api-5xx"], prefixes = ["shop-"] }"#);
    let Ok(Payload::Alarms(alarms)) = source(&env, clients).fetch(SourceKind::Alarms).await else {
        panic!("alarms fetch failed");
    };
    let rows: Vec<(&str, AlarmState, Option<&str>)> = alarms
        .alarms
        .iter()
        .map(|a| (a.name.as_str(), a.state, a.metric.as_deref()))
        .collect();
    assert_eq!(
        rows,
        [
            ("shop-api-5xx", AlarmState::Alarm, Some("5XXError")),
            ("shop-db-cpu", AlarmState::Ok, Some("5XXError")),
            ("shop-overall", AlarmState::InsufficientData, None),
        ]
    );
    assert_eq!(alarms.alarms[0].updated.as_second(), 1_750_000_000);
    assert_eq!(
        by_name.num_calls() + prefix_page1.num_calls() + prefix_page2.num_calls(),
        3
    );
}

// ------------------------------------------------------------------ errors

/// Each kind's first call answers with this error metadata, every time.
fn failing_clients(meta: ErrorMetadata) -> (RegionClients, Vec<Rule>) {
    let m = meta.clone();
    let rds = mock!(aws_sdk_rds::Client::describe_db_instances)
        .then_error(move || rds_types::DescribeDBInstancesError::generic(m.clone()));
    let m = meta.clone();
    let ecs = mock!(aws_sdk_ecs::Client::describe_services)
        .then_error(move || ecs_types::DescribeServicesError::generic(m.clone()));
    let m = meta.clone();
    let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms)
        .then_error(move || cw_types::DescribeAlarmsError::generic(m.clone()));
    let m = meta;
    let backup = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .then_error(move || backup_types::ListRecoveryPointsByBackupVaultError::generic(m.clone()));
    // The RDS fetch also asks for windows and metrics: answer those well.
    let windows = mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
        .then_output(|| rds_types::DescribeDbInstanceAutomatedBackupsOutput::builder().build());
    let metrics = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_output(|| CwOutput::builder().build());
    let snapshots = mock!(aws_sdk_rds::Client::describe_db_snapshots).then_output(|| {
        aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput::builder().build()
    });
    let clients = RegionClients {
        region: REGION.into(),
        rds: mocked!(aws_sdk_rds, rds, windows, snapshots),
        ecs: mocked!(aws_sdk_ecs, ecs),
        cloudwatch: mocked!(aws_sdk_cloudwatch, alarms, metrics),
        backup: mocked!(aws_sdk_backup, backup),
    };
    (clients, vec![rds, ecs, alarms, backup])
}

fn every_kind_env() -> Environment {
    env(r#"
        rds = [{ id = "db" }]
        ecs = [{ cluster = "c", service = "s" }]
        backup_vaults = [{ name = "v" }]
        alarms = { prefixes = ["p"] }
    "#)
}

/// Each kind's error. The backups pane answers in parts: its snapshots
/// answer here, so the failing vault's error rides beside them.
async fn errors_of(source: &AwsSource) -> Vec<SourceError> {
    let mut out = Vec::new();
    for kind in SourceKind::ALL {
        match source.fetch(kind).await {
            Err(e) => out.push(e),
            Ok(Payload::Backups(b)) if b.unavailable.len() == 1 => {
                out.push(b.unavailable[0].clone())
            }
            Ok(p) => panic!("{kind:?} should fail: {p:?}"),
        }
    }
    out
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_then_reported_with_its_code() {
    let (clients, rules) = failing_clients(err_meta("ThrottlingException", "Rate exceeded"));
    let errors = errors_of(&source(&every_kind_env(), clients)).await;
    for (error, rule) in errors.iter().zip(&rules) {
        assert_eq!(error.code, "Throttled");
        assert!(
            error.message.contains("is throttled; backing off"),
            "{error}"
        );
        assert!(error.message.contains("Rate exceeded"), "{error}");
        assert!(error.message.contains(REGION), "{error}");
        assert_eq!(rule.num_calls(), 3, "three attempts: {error}");
    }
}

#[tokio::test]
async fn throttling_then_success_recovers_within_one_fetch() {
    let throttled = mock!(aws_sdk_ecs::Client::describe_services)
        .sequence()
        .error(|| {
            ecs_types::DescribeServicesError::generic(err_meta("ThrottlingException", "slow"))
        })
        .times(2)
        .output(|| {
            ecs_types::DescribeServicesOutput::builder()
                .services(service(
                    "s",
                    3,
                    ecs_types::DeploymentRolloutState::Completed,
                ))
                .build()
        })
        .build();
    let clients = RegionClients {
        ecs: mocked!(aws_sdk_ecs, throttled),
        ..idle()
    };
    let result = source(&env(r#"ecs = [{ cluster = "c", service = "s" }]"#), clients)
        .fetch(SourceKind::Ecs)
        .await;
    assert!(matches!(result, Ok(Payload::Ecs(_))), "{result:?}");
    assert_eq!(throttled.num_calls(), 3);
}

#[tokio::test]
async fn access_denied_is_not_retried_and_keeps_its_code() {
    let (clients, rules) = failing_clients(err_meta(
        "AccessDeniedException",
        "User: arn:aws:iam::123456789012:user/ops is not authorized",
    ));
    let errors = errors_of(&source(&every_kind_env(), clients)).await;
    for (error, rule) in errors.iter().zip(&rules) {
        assert_eq!(error.code, "AccessDeniedException");
        assert!(error.message.contains("not authorized"));
        assert_eq!(rule.num_calls(), 1);
    }
    assert!(
        errors[0]
            .message
            .starts_with("DescribeDBInstances in us-east-2")
    );
    assert!(
        errors[1]
            .message
            .starts_with("ListRecoveryPointsByBackupVault in us-east-2")
    );
    assert!(
        errors[2]
            .message
            .starts_with("DescribeServices in us-east-2")
    );
    assert!(errors[3].message.starts_with("DescribeAlarms in us-east-2"));
}

#[tokio::test]
async fn expired_credentials_say_how_to_refresh_them() {
    let (clients, _) = failing_clients(err_meta(
        "ExpiredTokenException",
        "The security token included in the request is expired",
    ));
    for error in errors_of(&source(&every_kind_env(), clients)).await {
        assert_eq!(error.code, "ExpiredTokenException");
        assert!(error.message.contains("aws sso login"), "{error}");
    }
}

#[derive(Debug)]
struct ExpiredSso;

impl ProvideCredentials for ExpiredSso {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::provider_error(
            "the SSO session associated with this profile has expired",
        )))
    }
}

/// Credentials that cannot be loaded never reach a service: the error is
/// named for what it is.
#[tokio::test]
async fn credentials_that_fail_to_load_are_named() {
    let config = aws_sdk_rds::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(ExpiredSso))
        .http_client(create_mock_http_client())
        .build();
    let metrics = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_output(|| CwOutput::builder().build());
    let clients = RegionClients {
        rds: aws_sdk_rds::Client::from_conf(config),
        cloudwatch: mocked!(aws_sdk_cloudwatch, metrics),
        ..idle()
    };
    let result = source(&env(r#"rds = [{ id = "db" }]"#), clients)
        .fetch(SourceKind::Rds)
        .await;
    let error = result.unwrap_err();
    assert_eq!(error.code, "ExpiredToken", "{error}");
    assert!(error.message.contains("SSO session"), "{error}");
    assert!(error.message.contains("aws sso login"), "{error}");
}

/// A 503 with nothing to parse: retried, then reported by its status.
#[tokio::test]
async fn server_errors_are_retried_then_reported_by_status() {
    let unavailable = || {
        aws_smithy_runtime_api::http::Response::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(503).unwrap(),
            aws_smithy_types::body::SdkBody::empty(),
        )
    };
    let rds = mock!(aws_sdk_rds::Client::describe_db_instances).then_http_response(unavailable);
    let ecs = mock!(aws_sdk_ecs::Client::describe_services).then_http_response(unavailable);
    let alarms = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_http_response(unavailable);
    let backup = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .then_http_response(unavailable);
    let (mut clients, _) = failing_clients(err_meta("unused", "unused"));
    let windows = mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
        .then_output(|| rds_types::DescribeDbInstanceAutomatedBackupsOutput::builder().build());
    let snapshots = mock!(aws_sdk_rds::Client::describe_db_snapshots).then_output(|| {
        aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput::builder().build()
    });
    let metrics = mock!(aws_sdk_cloudwatch::Client::get_metric_data)
        .then_output(|| CwOutput::builder().build());
    clients.rds = mocked!(aws_sdk_rds, rds, windows, snapshots);
    clients.ecs = mocked!(aws_sdk_ecs, ecs);
    clients.cloudwatch = mocked!(aws_sdk_cloudwatch, alarms, metrics);
    clients.backup = mocked!(aws_sdk_backup, backup);
    let errors = errors_of(&source(&every_kind_env(), clients)).await;
    for (error, rule) in errors.iter().zip([&rds, &backup, &ecs, &alarms]) {
        assert_eq!(error.code, "HTTP503", "{error}");
        assert!(
            error.message.ends_with("HTTP 503 without an error code"),
            "{error}"
        );
        assert_eq!(rule.num_calls(), 3, "retried: {error}");
    }
}

/// An endpoint that accepts connections and never answers: each attempt
/// times out, and the fetch reports `Timeout` after the retries.
#[tokio::test]
async fn a_silent_endpoint_times_out() {
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "test", "test", None, None, "static",
        )))
        .retry_config(fast_retries().with_max_attempts(2))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(Duration::from_millis(300))
                .build(),
        )
        .endpoint_url(&url)
        .build();
    let clients = RegionClients::from_config(&sdk, &AwsTuning::default()).unwrap();
    let source = Arc::new(source(&every_kind_env(), clients));
    let started = std::time::Instant::now();
    let errors = errors_of(&source).await;
    for error in &errors {
        assert_eq!(error.code, "Timeout", "{error}");
    }
    assert!(started.elapsed() < Duration::from_secs(10));
    drop(silent);
}

/// A closed port: `Unreachable`, retried first.
#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let sdk = aws_config::SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "test", "test", None, None, "static",
        )))
        .retry_config(fast_retries())
        .endpoint_url(&url)
        .build();
    let clients = RegionClients::from_config(&sdk, &AwsTuning::default()).unwrap();
    for error in errors_of(&source(&every_kind_env(), clients)).await {
        assert_eq!(error.code, "Unreachable", "{error}");
        assert!(error.message.contains("cannot reach"), "{error}");
    }
}

/// Lag datapoints as the pane sees them over time: a sparkline of whole
/// seconds, oldest first, and no lag while replication is stopped (-1).
#[tokio::test]
async fn negative_lag_means_replication_is_not_running() {
    use rds_types::*;
    let describe = mock!(aws_sdk_rds::Client::describe_db_instances).then_output(|| {
        DescribeDbInstancesOutput::builder()
            .db_instances(db("r", Some("p")))
            .build()
    });
    let windows = mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
        .then_output(|| DescribeDbInstanceAutomatedBackupsOutput::builder().build());
    let metrics = metrics_answer(|_, metric| match metric {
        "ReplicaLag" => vec![(120, 4.0), (60, -1.0)],
        _ => vec![],
    });
    let clients = RegionClients {
        rds: mocked!(aws_sdk_rds, describe, windows),
        cloudwatch: mocked!(aws_sdk_cloudwatch, metrics),
        ..idle()
    };
    let Ok(Payload::Rds(rds)) = source(&env(r#"rds = [{ id = "r", role = "replica" }]"#), clients)
        .fetch(SourceKind::Rds)
        .await
    else {
        panic!("RDS fetch failed");
    };
    let r = rds.instance("r").unwrap();
    assert_eq!(r.lag_secs, None);
    assert_eq!(r.lag_history, [4]);
}

/// The backups pane answers in parts, but with every part failing (the
/// vault and the region's snapshot listing) it fails as a whole.
#[tokio::test]
async fn backups_fail_as_a_whole_only_when_every_part_fails() {
    let denied = || err_meta("AccessDeniedException", "not authorized");
    let vault = mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
        .then_error(move || backup_types::ListRecoveryPointsByBackupVaultError::generic(denied()));
    let snapshots = mock!(aws_sdk_rds::Client::describe_db_snapshots).then_error(move || {
        aws_sdk_rds::operation::describe_db_snapshots::DescribeDBSnapshotsError::generic(err_meta(
            "AccessDenied",
            "no rds:DescribeDBSnapshots",
        ))
    });
    let clients = RegionClients {
        region: REGION.into(),
        rds: mocked!(aws_sdk_rds, snapshots),
        ecs: mocked!(aws_sdk_ecs),
        cloudwatch: mocked!(aws_sdk_cloudwatch),
        backup: mocked!(aws_sdk_backup, vault),
    };
    let error = source(&every_kind_env(), clients)
        .fetch(SourceKind::Backups)
        .await
        .expect_err("nothing answered");
    assert!(error.code.starts_with("AccessDenied"), "{error}");
}
