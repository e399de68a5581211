//! One full refresh of the live AWS source (RDS with metrics and restore
//! windows, recovery points, ECS, alarms, in two regions) against mocked
//! clients whose every call takes 25 ms. The calls of a refresh run
//! concurrently, so the refresh should take about one call's time, not the
//! sum of all of them. The batch limits keep the call count flat as the
//! environment grows: the "large" case watches 150 instances and 60
//! services per region. Each client is capped at `AwsTuning::CALLS_IN_FLIGHT`
//! calls in flight, as the live clients are.
//!
//! Under `cargo bench` it first prints one refresh against one call's time
//! at 10, 100 and 500 resources per region (issue 10's measure: ~1× means
//! one round trip).

use std::time::Duration;

use aws_config::{BehaviorVersion, Region};
use aws_credential_types::Credentials;
use aws_smithy_mocks::{MockResponseInterceptor, Rule, RuleMode, create_mock_http_client, mock};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use criterion::{Criterion, criterion_group, criterion_main};
use drconsole::domain::snapshot::SourceKind;
use drconsole::runbook::model::Environment;
use drconsole::sources::Source;
use drconsole::sources::aws::limit::CappedHttpClient;
use drconsole::sources::aws::{AwsSource, AwsTuning, RegionClients, Watchlist};

const CALL: Duration = Duration::from_millis(60);
const REGIONS: [&str; 2] = ["eu-west-1", "eu-central-1"];

/// Every call waits `CALL` before the mock answers.
#[derive(Debug, Clone)]
struct Slow(SharedHttpClient);

impl HttpClient for Slow {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(SlowConnector(self.0.http_connector(settings, components)))
    }
}

#[derive(Debug)]
struct SlowConnector(SharedHttpConnector);

impl HttpConnector for SlowConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let inner = self.0.clone();
        HttpConnectorFuture::new(async move {
            tokio::time::sleep(CALL).await;
            inner.call(request).await
        })
    }
}

macro_rules! slow_client {
    ($krate:ident, $region:expr $(, $rule:expr)*) => {{
        let mut interceptor = MockResponseInterceptor::new().rule_mode(RuleMode::MatchAny);
        $( interceptor = interceptor.with_rule(&$rule); )*
        $krate::Client::from_conf(
            $krate::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .region(Region::new($region))
                .credentials_provider(Credentials::new("bench", "bench", None, None, "bench"))
                .http_client(CappedHttpClient::new(
                    SharedHttpClient::new(Slow(create_mock_http_client())),
                    AwsTuning::CALLS_IN_FLIGHT,
                ))
                .interceptor(interceptor)
                .build(),
        )
    }};
}

fn rules() -> [Rule; 8] {
    use aws_sdk_backup::operation::list_recovery_points_by_backup_vault::ListRecoveryPointsByBackupVaultOutput;
    use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
    use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
    use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
    use aws_sdk_rds::operation::describe_db_instance_automated_backups::DescribeDbInstanceAutomatedBackupsOutput;
    use aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput;
    use aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput;
    use aws_sdk_rds::types::DbInstance;
    [
        mock!(aws_sdk_rds::Client::describe_db_instances).then_compute_output(|req| {
            let mut out = DescribeDbInstancesOutput::builder();
            for id in req.filters()[0].values() {
                out = out.db_instances(
                    DbInstance::builder()
                        .db_instance_identifier(id)
                        .db_instance_status("available")
                        .build(),
                );
            }
            out.build()
        }),
        mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
            .then_output(|| DescribeDbInstanceAutomatedBackupsOutput::builder().build()),
        mock!(aws_sdk_rds::Client::describe_db_snapshots)
            .then_output(|| DescribeDbSnapshotsOutput::builder().build()),
        mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .then_output(|| GetMetricDataOutput::builder().build()),
        mock!(aws_sdk_cloudwatch::Client::describe_alarms)
            .then_output(|| DescribeAlarmsOutput::builder().build()),
        mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(|req| {
            let mut out = DescribeServicesOutput::builder();
            for name in req.services() {
                out = out.services(
                    aws_sdk_ecs::types::Service::builder()
                        .service_name(name)
                        .status("ACTIVE")
                        .desired_count(2)
                        .running_count(2)
                        .build(),
                );
            }
            out.build()
        }),
        mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
            .then_output(|| ListRecoveryPointsByBackupVaultOutput::builder().build()),
        // Unused by healthy services; here so a stray call would not panic.
        mock!(aws_sdk_ecs::Client::list_tasks)
            .then_output(|| aws_sdk_ecs::operation::list_tasks::ListTasksOutput::builder().build()),
    ]
}

fn clients(region: &'static str, rules: &[Rule; 8]) -> RegionClients {
    let [
        describe,
        windows,
        snapshots,
        metrics,
        alarms,
        services,
        points,
        tasks,
    ] = rules;
    RegionClients {
        region: region.into(),
        rds: slow_client!(aws_sdk_rds, region, describe, windows, snapshots),
        ecs: slow_client!(aws_sdk_ecs, region, services, tasks),
        cloudwatch: slow_client!(aws_sdk_cloudwatch, region, metrics, alarms),
        backup: slow_client!(aws_sdk_backup, region, points),
    }
}

fn environment(instances: usize, services: usize) -> Environment {
    let mut rds = Vec::new();
    let mut ecs = Vec::new();
    for region in REGIONS {
        for n in 0..instances {
            rds.push(format!(
                "{{ id = \"db-{region}-{n}\", region = \"{region}\" }}"
            ));
        }
        for n in 0..services {
            ecs.push(format!(
                "{{ cluster = \"apps\", service = \"svc-{n}\", region = \"{region}\" }}"
            ));
        }
    }
    toml::from_str(&format!(
        r#"
        regions = {{ primary = "{}", dr = "{}" }}
        rds = [{}]
        ecs = [{}]
        backup_vaults = [{{ name = "main" }}, {{ name = "dr", region = "{}" }}]
        alarms = {{ names = ["a", "b"], prefixes = ["shop-", "db-"] }}
        "#,
        REGIONS[0],
        REGIONS[1],
        rds.join(", "),
        ecs.join(", "),
        REGIONS[1],
    ))
    .unwrap()
}

fn source(env: &Environment, rules: &[Rule; 8]) -> AwsSource {
    let tuning = AwsTuning {
        // Metrics and windows fetched on every refresh: the worst case.
        metrics_interval: Duration::ZERO,
        ..AwsTuning::default()
    };
    let all = REGIONS.map(|r| clients(r, rules));
    AwsSource::from_clients(Watchlist::new(env, None, &[]), tuning, all).unwrap()
}

/// What the poller does when every kind is due at once.
async fn full_refresh(source: &AwsSource) {
    let fetches = SourceKind::ALL.map(|kind| source.fetch(kind));
    for result in futures::future::join_all(fetches).await {
        result.expect("mocked fetch succeeds");
    }
}

/// One refresh over one call's time, fastest of 3, per environment size.
fn print_ratios(runtime: &tokio::runtime::Runtime) {
    eprintln!(
        "aws_refresh: one full refresh / one call ({CALL:?}), at most {} calls in flight per API and region",
        AwsTuning::CALLS_IN_FLIGHT
    );
    for resources in [10, 100, 500] {
        let rules = rules();
        let env = environment(resources / 2, resources / 2);
        let source = source(&env, &rules);
        let took = (0..3)
            .map(|_| {
                let start = std::time::Instant::now();
                runtime.block_on(full_refresh(&source));
                start.elapsed()
            })
            .min()
            .unwrap_or_default();
        eprintln!(
            "  {resources:>4} resources per region (2 regions)  {took:>8.1?}  x{:.2}",
            took.as_secs_f64() / CALL.as_secs_f64()
        );
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // `cargo bench` passes --bench; the suite's smoke run skips the table.
    if std::env::args().any(|a| a == "--bench") {
        print_ratios(&runtime);
    }
    for (name, instances, services) in [("small", 3, 8), ("large", 150, 60)] {
        let rules = rules();
        let env = environment(instances, services);
        let source = source(&env, &rules);
        runtime.block_on(full_refresh(&source));
        let calls: usize = rules.iter().map(Rule::num_calls).sum();
        eprintln!(
            "aws_refresh/{name}: {} instances, {} services in 2 regions: {calls} calls a refresh, \
             each {CALL:?}; run one after another they would take {:?}",
            instances * 2,
            services * 2,
            CALL * calls as u32,
        );
        c.bench_function(&format!("aws_refresh/{name}"), |b| {
            b.iter(|| runtime.block_on(full_refresh(&source)));
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
