//! Shared by the tests that run against AWS emulators started by
//! `./scripts/test`: moto's server for RDS, ECS and Backup, MiniStack for
//! CloudWatch. Clients get static test credentials, a fixed region and the
//! emulator's URL as their service endpoint (what `AWS_ENDPOINT_URL_RDS`
//! and friends do through aws-config), so nothing reaches real AWS.
#![allow(dead_code)] // Each test binary uses its own part.

pub mod console;
pub mod fault_proxy;
pub mod s3;

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use drconsole::sources::aws::{AwsTuning, RegionClients};

pub const MOTO: &str = "DRCONSOLE_TEST_MOTO";
pub const MINISTACK: &str = "DRCONSOLE_TEST_MINISTACK";
pub const MOTO_SERVER: &str = "DRCONSOLE_TEST_MOTO_SERVER";

/// An emulator's URL from the environment; fails (never skips) without it.
pub fn required(var: &str) -> String {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => value,
        _ => panic!(
            "{var} is not set: this test needs the AWS emulators; run ./scripts/test, \
             which installs moto and MiniStack and starts them on 127.0.0.1"
        ),
    }
}

pub fn moto() -> String {
    required(MOTO)
}

pub fn ministack() -> String {
    required(MINISTACK)
}

/// A fault proxy of the caller's own in front of both emulators.
pub async fn fault_proxy() -> fault_proxy::FaultProxy {
    fault_proxy::FaultProxy::start(&moto(), &ministack()).await
}

/// Names unique to this process and call, so tests sharing one emulator
/// never see each other's resources: `<prefix>-<pid>-<n>`.
pub fn unique(prefix: &str) -> String {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}-{}-{n}", std::process::id())
}

/// Fast retries and short timeouts: an emulator answers at once or never.
pub fn test_tuning() -> AwsTuning {
    AwsTuning {
        connect_timeout: Duration::from_secs(2),
        attempt_timeout: Duration::from_secs(10),
        operation_timeout: Duration::from_secs(20),
        max_attempts: 2,
        ..AwsTuning::default()
    }
}

/// A region's config with static test credentials and no endpoint yet.
pub fn sdk_config(region: &str) -> SdkConfig {
    let tuning = test_tuning();
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_string()))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing",
            "testing",
            None,
            None,
            "drconsole-tests",
        )))
        .retry_config(RetryConfig::standard().with_max_attempts(tuning.max_attempts))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(tuning.connect_timeout)
                .operation_attempt_timeout(tuning.attempt_timeout)
                .operation_timeout(tuning.operation_timeout)
                .build(),
        )
        .build()
}

pub fn rds(region: &str, endpoint: &str) -> aws_sdk_rds::Client {
    let config = aws_sdk_rds::config::Builder::from(&sdk_config(region))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_rds::Client::from_conf(config)
}

pub fn ecs(region: &str, endpoint: &str) -> aws_sdk_ecs::Client {
    let config = aws_sdk_ecs::config::Builder::from(&sdk_config(region))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_ecs::Client::from_conf(config)
}

pub fn cloudwatch(region: &str, endpoint: &str) -> aws_sdk_cloudwatch::Client {
    let config = aws_sdk_cloudwatch::config::Builder::from(&sdk_config(region))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_cloudwatch::Client::from_conf(config)
}

pub fn backup(region: &str, endpoint: &str) -> aws_sdk_backup::Client {
    let config = aws_sdk_backup::config::Builder::from(&sdk_config(region))
        .endpoint_url(endpoint)
        .build();
    aws_sdk_backup::Client::from_conf(config)
}

/// One region's clients: RDS, ECS and Backup on `moto`, CloudWatch on
/// `ministack`.
pub fn region_clients(region: &str, moto: &str, ministack: &str) -> RegionClients {
    RegionClients {
        region: region.to_string(),
        rds: rds(region, moto),
        ecs: ecs(region, moto),
        cloudwatch: cloudwatch(region, ministack),
        backup: backup(region, moto),
    }
}

/// Counts API calls (not attempts) per operation name, across clients.
#[derive(Debug, Clone, Default)]
pub struct CallCounter(std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, usize>>>);

impl CallCounter {
    pub fn get(&self, operation: &str) -> usize {
        self.0.lock().unwrap().get(operation).copied().unwrap_or(0)
    }
    pub fn reset(&self) {
        self.0.lock().unwrap().clear();
    }
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    // Once per call (retries re-run later hooks only); the operation's name
    // is in the config bag from here on.
    fn read_before_serialization(
        &self,
        _context: &aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef<'_>,
        _components: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        if let Some(meta) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            *self
                .0
                .lock()
                .unwrap()
                .entry(meta.name().to_string())
                .or_default() += 1;
        }
        Ok(())
    }
}

/// Like `region_clients`, with every call counted.
pub fn counted_region_clients(
    region: &str,
    moto: &str,
    ministack: &str,
    counter: &CallCounter,
) -> RegionClients {
    let sdk = sdk_config(region);
    RegionClients {
        region: region.to_string(),
        rds: aws_sdk_rds::Client::from_conf(
            aws_sdk_rds::config::Builder::from(&sdk)
                .endpoint_url(moto)
                .interceptor(counter.clone())
                .build(),
        ),
        ecs: aws_sdk_ecs::Client::from_conf(
            aws_sdk_ecs::config::Builder::from(&sdk)
                .endpoint_url(moto)
                .interceptor(counter.clone())
                .build(),
        ),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&sdk)
                .endpoint_url(ministack)
                .interceptor(counter.clone())
                .build(),
        ),
        backup: aws_sdk_backup::Client::from_conf(
            aws_sdk_backup::config::Builder::from(&sdk)
                .endpoint_url(moto)
                .interceptor(counter.clone())
                .build(),
        ),
    }
}

/// One datapoint per minute, the last one a minute ago, oldest first.
pub async fn put_series(region: &str, instance: &str, metric: &str, values: &[f64]) {
    let now = jiff::Timestamp::now().as_second();
    let data: Vec<aws_sdk_cloudwatch::types::MetricDatum> = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let minutes_ago = (values.len() - i) as i64;
            aws_sdk_cloudwatch::types::MetricDatum::builder()
                .metric_name(metric)
                .dimensions(
                    aws_sdk_cloudwatch::types::Dimension::builder()
                        .name("DBInstanceIdentifier")
                        .value(instance)
                        .build(),
                )
                .timestamp(aws_sdk_cloudwatch::primitives::DateTime::from_secs(
                    now - 60 * minutes_ago,
                ))
                .value(*v)
                .build()
        })
        .collect();
    cloudwatch(region, &ministack())
        .put_metric_data()
        .namespace("AWS/RDS")
        .set_metric_data(Some(data))
        .send()
        .await
        .unwrap();
}

/// An alarm on a metric nobody publishes, so MiniStack never re-evaluates
/// the state it is set to.
pub async fn put_alarm(
    region: &str,
    name: &str,
    state: aws_sdk_cloudwatch::types::StateValue,
    reason: &str,
) {
    let client = cloudwatch(region, &ministack());
    put_unevaluated_alarm(&client, name).await;
    client
        .set_alarm_state()
        .alarm_name(name)
        .state_value(state)
        .state_reason(reason)
        .send()
        .await
        .unwrap();
}

/// A small PostgreSQL instance, as the tests' primaries are; its ARN.
pub async fn create_postgres(client: &aws_sdk_rds::Client, id: &str) -> String {
    client
        .create_db_instance()
        .db_instance_identifier(id)
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .allocated_storage(20)
        .send()
        .await
        .unwrap()
        .db_instance()
        .and_then(|d| d.db_instance_arn())
        .unwrap()
        .to_string()
}

/// A read replica of `source` (an identifier in the same region, or the
/// ARN of an instance in another).
pub async fn create_replica(region: &str, id: &str, source: &str) {
    rds(region, &moto())
        .create_db_instance_read_replica()
        .db_instance_identifier(id)
        .source_db_instance_identifier(source)
        .db_instance_class("db.t3.micro")
        .send()
        .await
        .unwrap();
}

/// An Aurora PostgreSQL cluster in moto, replicating `source` (a cluster
/// ARN, if given) and, for each `members` name, an instance in it (the first
/// one created becomes the writer). Returns the cluster's ARN.
pub async fn create_aurora(
    region: &str,
    id: &str,
    source: Option<&str>,
    members: &[&str],
) -> String {
    let client = rds(region, &moto());
    let out = client
        .create_db_cluster()
        .db_cluster_identifier(id)
        .engine("aurora-postgresql")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(7)
        .set_replication_source_identifier(source.map(String::from))
        .send()
        .await
        .unwrap();
    for member in members {
        client
            .create_db_instance()
            .db_instance_identifier(*member)
            .db_cluster_identifier(id)
            .db_instance_class("db.r6g.large")
            .engine("aurora-postgresql")
            .send()
            .await
            .unwrap();
    }
    out.db_cluster()
        .and_then(|c| c.db_cluster_arn())
        .unwrap()
        .to_string()
}

/// A one-container task definition in moto; its ARN.
pub async fn register_task_definition(region: &str, family: &str) -> String {
    ecs(region, &moto())
        .register_task_definition()
        .family(family)
        .container_definitions(
            aws_sdk_ecs::types::ContainerDefinition::builder()
                .name("app")
                .image("example/app:1")
                .memory(512)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .unwrap()
        .to_string()
}

/// Clients whose every call goes to `url` (a fault proxy), built the way
/// `AwsSource::connect` builds them (capped HTTP clients, the tuning's
/// retry mode and timeouts).
pub fn proxied_clients(url: &str, region: &str, tuning: &AwsTuning) -> RegionClients {
    let config = sdk_config(region)
        .into_builder()
        .endpoint_url(url)
        .retry_config(tuning.retry_config())
        .timeout_config(tuning.timeout_config())
        .build();
    RegionClients::from_config(&config, tuning).unwrap()
}

/// An alarm on a metric nobody publishes, in whatever state MiniStack
/// gives a new alarm.
pub async fn put_unevaluated_alarm(client: &aws_sdk_cloudwatch::Client, name: &str) {
    client
        .put_metric_alarm()
        .alarm_name(name)
        .namespace("Drconsole/Test")
        .metric_name("Unpublished")
        .statistic(aws_sdk_cloudwatch::types::Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
}
