//! The live AWS source's refresh as the poller runs it, against mocked
//! clients whose every call takes 60 ms, each client capped at
//! `AwsTuning::CALLS_IN_FLIGHT` calls in flight as the live ones are. Two
//! regions, each with RDS instances, an Aurora cluster, a backup vault,
//! ECS services (one of them struggling) and alarms.
//!
//! A refresh is the state round: every state feed of `Source::feeds`
//! (instances, clusters, recovery points, services, alarms) fetched at once
//! with `fetch_feed`. Its calls run concurrently and the batch limits keep
//! their count flat, so it should take about one call's time. The details
//! round (metrics, restore windows, stopped tasks: every detail feed at
//! once, after a state round they follow) is measured on its own and never
//! counted in the refresh: the poller runs it on its own cadence. It takes
//! two calls' time: stopped tasks are a ListTasks, then a DescribeTasks of
//! what it listed.
//!
//! Under `cargo bench` it first prints, at 10, 100 and 500 resources per
//! region, each round's time over one call's, measured in the same run
//! through the same slow, capped client (~1× means one round trip), and the
//! clients that had more calls than the cap: theirs queue, one round of
//! `CALLS_IN_FLIGHT` after another.

use std::time::{Duration, Instant};

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
use drconsole::domain::snapshot::SourceError;
use drconsole::runbook::model::Environment;
use drconsole::sources::aws::limit::CappedHttpClient;
use drconsole::sources::aws::{AwsSource, AwsTuning, RegionClients, Watchlist};
use drconsole::sources::{FeedKey, Payload, Source};

const CALL: Duration = Duration::from_millis(60);
const REGIONS: [&str; 2] = ["eu-west-1", "eu-central-1"];
/// The one service per region that struggles, so the details round asks
/// why its tasks stopped.
const STRUGGLING: &str = "svc-0";

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

/// A client of `$krate` whose calls the rules answer after `CALL`, capped
/// as the live clients are. A call no rule answers passes through to the
/// mock HTTP client's 418: an error the feed reports, never a panic.
macro_rules! slow_client {
    ($krate:ident, $region:expr, $rules:expr) => {{
        let mut interceptor = MockResponseInterceptor::new()
            .rule_mode(RuleMode::MatchAny)
            .allow_passthrough();
        for rule in $rules {
            interceptor = interceptor.with_rule(rule);
        }
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

/// One region's mocks, per client: an answer to every call a feed makes.
struct Mocks {
    rds: Vec<Rule>,
    ecs: Vec<Rule>,
    cloudwatch: Vec<Rule>,
    backup: Vec<Rule>,
}

impl Mocks {
    fn new() -> Self {
        Self {
            rds: rds_rules(),
            ecs: ecs_rules(),
            cloudwatch: cloudwatch_rules(),
            backup: backup_rules(),
        }
    }

    fn clients(&self, region: &'static str) -> RegionClients {
        RegionClients {
            region: region.into(),
            rds: slow_client!(aws_sdk_rds, region, &self.rds),
            ecs: slow_client!(aws_sdk_ecs, region, &self.ecs),
            cloudwatch: slow_client!(aws_sdk_cloudwatch, region, &self.cloudwatch),
            backup: slow_client!(aws_sdk_backup, region, &self.backup),
        }
    }

    /// Calls answered so far, per client.
    fn calls(&self) -> [(&'static str, usize); 4] {
        let sum = |rules: &[Rule]| rules.iter().map(Rule::num_calls).sum();
        [
            ("RDS", sum(&self.rds)),
            ("ECS", sum(&self.ecs)),
            ("CloudWatch", sum(&self.cloudwatch)),
            ("Backup", sum(&self.backup)),
        ]
    }
}

fn rds_rules() -> Vec<Rule> {
    use aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput;
    use aws_sdk_rds::operation::describe_db_instance_automated_backups::DescribeDbInstanceAutomatedBackupsOutput;
    use aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput;
    use aws_sdk_rds::operation::describe_db_snapshots::DescribeDbSnapshotsOutput;
    use aws_sdk_rds::types::{DbCluster, DbInstance};
    vec![
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
        mock!(aws_sdk_rds::Client::describe_db_clusters).then_compute_output(|req| {
            let mut out = DescribeDbClustersOutput::builder();
            for id in req.filters()[0].values() {
                out = out.db_clusters(
                    DbCluster::builder()
                        .db_cluster_identifier(id)
                        .status("available")
                        .build(),
                );
            }
            out.build()
        }),
        mock!(aws_sdk_rds::Client::describe_db_instance_automated_backups)
            .then_output(|| DescribeDbInstanceAutomatedBackupsOutput::builder().build()),
        mock!(aws_sdk_rds::Client::describe_db_snapshots)
            .then_output(|| DescribeDbSnapshotsOutput::builder().build()),
    ]
}

fn ecs_rules() -> Vec<Rule> {
    use aws_sdk_ecs::operation::describe_services::DescribeServicesOutput;
    use aws_sdk_ecs::operation::describe_tasks::DescribeTasksOutput;
    use aws_sdk_ecs::operation::list_tasks::ListTasksOutput;
    use aws_sdk_ecs::types::{Service, Task};
    vec![
        mock!(aws_sdk_ecs::Client::describe_services).then_compute_output(|req| {
            let mut out = DescribeServicesOutput::builder();
            for name in req.services() {
                let running = if name == STRUGGLING { 1 } else { 2 };
                out = out.services(
                    Service::builder()
                        .service_name(name)
                        .status("ACTIVE")
                        .desired_count(2)
                        .running_count(running)
                        .build(),
                );
            }
            out.build()
        }),
        mock!(aws_sdk_ecs::Client::list_tasks).then_output(|| {
            ListTasksOutput::builder()
                .task_arns("arn:aws:ecs:eu-west-1:123456789012:task/apps/0123")
                .build()
        }),
        mock!(aws_sdk_ecs::Client::describe_tasks).then_compute_output(|req| {
            let mut out = DescribeTasksOutput::builder();
            for arn in req.tasks() {
                out = out.tasks(
                    Task::builder()
                        .task_arn(arn)
                        .group(format!("service:{STRUGGLING}"))
                        .stopped_reason("Essential container in task exited")
                        .build(),
                );
            }
            out.build()
        }),
    ]
}

fn cloudwatch_rules() -> Vec<Rule> {
    use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput;
    use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
    vec![
        mock!(aws_sdk_cloudwatch::Client::get_metric_data)
            .then_output(|| GetMetricDataOutput::builder().build()),
        mock!(aws_sdk_cloudwatch::Client::describe_alarms)
            .then_output(|| DescribeAlarmsOutput::builder().build()),
    ]
}

fn backup_rules() -> Vec<Rule> {
    use aws_sdk_backup::operation::list_recovery_points_by_backup_vault::ListRecoveryPointsByBackupVaultOutput;
    vec![
        mock!(aws_sdk_backup::Client::list_recovery_points_by_backup_vault)
            .then_output(|| ListRecoveryPointsByBackupVaultOutput::builder().build()),
    ]
}

/// Per region: `instances` RDS instances, one Aurora cluster, `services`
/// ECS services in one cluster, a vault; alarms by name and prefix.
fn environment(instances: usize, services: usize) -> Environment {
    let (mut rds, mut clusters, mut ecs) = (Vec::new(), Vec::new(), Vec::new());
    for region in REGIONS {
        for n in 0..instances {
            rds.push(format!(
                "{{ id = \"db-{region}-{n}\", region = \"{region}\" }}"
            ));
        }
        clusters.push(format!(
            "{{ id = \"aurora-{region}\", region = \"{region}\" }}"
        ));
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
        rds_clusters = [{}]
        ecs = [{}]
        backup_vaults = [{{ name = "main" }}, {{ name = "dr", region = "{}" }}]
        alarms = {{ names = ["a", "b"], prefixes = ["shop-", "db-"] }}
        "#,
        REGIONS[0],
        REGIONS[1],
        rds.join(", "),
        clusters.join(", "),
        ecs.join(", "),
        REGIONS[1],
    ))
    .unwrap()
}

/// A source on mocked regions, its feeds split into the two rounds.
struct World {
    source: AwsSource,
    /// Per region, in `REGIONS` order.
    mocks: [Mocks; 2],
    /// A client of the first region, for one call on its own.
    probe: aws_sdk_cloudwatch::Client,
    state: Vec<FeedKey>,
    details: Vec<FeedKey>,
    /// Per region.
    instances: usize,
    services: usize,
}

impl World {
    fn new(instances: usize, services: usize) -> Self {
        let env = environment(instances, services);
        let mocks = [Mocks::new(), Mocks::new()];
        let clients = [mocks[0].clients(REGIONS[0]), mocks[1].clients(REGIONS[1])];
        let probe = clients[0].cloudwatch.clone();
        let watch = Watchlist::new(&env, None, &[]);
        let source = AwsSource::from_clients(watch, AwsTuning::default(), clients).unwrap();
        let (details, state) = source.feeds().into_iter().partition(|k| k.part.is_detail());
        Self {
            source,
            mocks,
            probe,
            state,
            details,
            instances,
            services,
        }
    }

    /// One refresh: every state feed at once, each checked.
    async fn state_round(&self) {
        let rows = rows(round(&self.source, &self.state).await);
        let want = Rows {
            instances: self.instances * REGIONS.len(),
            clusters: REGIONS.len(),
            services: self.services * REGIONS.len(),
            stopped: 0,
        };
        assert_eq!(rows, want, "the state round saw every watched row");
    }

    /// Every detail feed at once, each checked; follows the last state round.
    async fn details_round(&self) {
        let rows = rows(round(&self.source, &self.details).await);
        let want = Rows {
            stopped: REGIONS.len(),
            ..Rows::default()
        };
        assert_eq!(
            rows, want,
            "each region's struggling service has a stopped task"
        );
    }

    /// One call alone through the same slow, capped client.
    async fn one_call(&self) {
        self.probe.describe_alarms().send().await.unwrap();
    }

    /// Calls answered so far per client and region.
    fn calls(&self) -> Vec<((&'static str, &'static str), usize)> {
        REGIONS
            .iter()
            .zip(&self.mocks)
            .flat_map(|(region, mocks)| mocks.calls().map(|(api, n)| ((api, *region), n)))
            .collect()
    }
}

async fn round(source: &AwsSource, keys: &[FeedKey]) -> Vec<(FeedKey, Payload)> {
    let fetches = keys.iter().map(|key| async move {
        let result = source.fetch_feed(key).await;
        (key.clone(), succeeded(key, result))
    });
    futures::future::join_all(fetches).await
}

/// The payload of a feed that must have answered in full.
fn succeeded(key: &FeedKey, result: Result<Payload, SourceError>) -> Payload {
    let payload = result.unwrap_or_else(|e| panic!("{} failed: {e}", key.label()));
    let unavailable = match &payload {
        Payload::Rds(rds) => rds.unavailable.len(),
        Payload::Backups(backups) => backups.unavailable.len(),
        Payload::Ecs(ecs) => ecs.unavailable.len(),
        Payload::Alarms(alarms) => alarms.unavailable.len(),
        Payload::RdsDetails(_) | Payload::StoppedTasks(_) => 0,
    };
    assert_eq!(unavailable, 0, "{} answered only in part", key.label());
    payload
}

/// What a round's feeds returned, counted.
#[derive(Debug, Default, PartialEq)]
struct Rows {
    instances: usize,
    clusters: usize,
    /// Services ECS answered for (a missing one is reported "MISSING").
    services: usize,
    stopped: usize,
}

fn rows(fetched: Vec<(FeedKey, Payload)>) -> Rows {
    let mut rows = Rows::default();
    for (_, payload) in fetched {
        match payload {
            Payload::Rds(rds) => {
                rows.instances += rds.instances.len();
                rows.clusters += rds.clusters.len();
            }
            Payload::Ecs(ecs) => {
                rows.services += ecs.services.iter().filter(|s| s.status == "ACTIVE").count();
            }
            Payload::StoppedTasks(tasks) => rows.stopped += tasks.len(),
            Payload::RdsDetails(_) | Payload::Backups(_) | Payload::Alarms(_) => {}
        }
    }
    rows
}

/// The fastest of 5 runs of `run`.
fn fastest<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    run: impl Fn() -> F,
) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            runtime.block_on(run());
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The calls of one run of `run`, per client and region.
fn calls_of<F: Future<Output = ()>>(
    runtime: &tokio::runtime::Runtime,
    world: &World,
    run: impl Fn() -> F,
) -> Vec<((&'static str, &'static str), usize)> {
    let before = world.calls();
    runtime.block_on(run());
    world
        .calls()
        .into_iter()
        .zip(before)
        .map(|((client, after), (_, before))| (client, after - before))
        .collect()
}

/// A round's time over one call's, with its calls and the clients that had
/// more than the cap, whose calls queued in rounds.
fn report(name: &str, took: Duration, call: Duration, calls: &[((&str, &str), usize)]) -> String {
    let cap = AwsTuning::CALLS_IN_FLIGHT;
    let total: usize = calls.iter().map(|(_, n)| n).sum();
    let queued: Vec<String> = calls
        .iter()
        .filter(|(_, n)| *n > cap)
        .map(|((api, region), n)| format!("{api} {region} {n} ({} rounds)", n.div_ceil(cap)))
        .collect();
    let queued = if queued.is_empty() {
        format!("none over {cap} on one client")
    } else {
        format!("over {cap}: {}", queued.join(", "))
    };
    format!(
        "{name:<8} {took:>8.1?}  x{:.2}  {total:>3} calls; {queued}",
        took.as_secs_f64() / call.as_secs_f64(),
    )
}

/// Each round's time over one call's, fastest of 5, per environment size.
fn print_ratios(runtime: &tokio::runtime::Runtime) {
    eprintln!(
        "aws_refresh: a round of feeds over one call (mocked {CALL:?}), 2 regions, \
         at most {} calls in flight per API and region",
        AwsTuning::CALLS_IN_FLIGHT
    );
    for resources in [10, 100, 500] {
        let world = World::new(resources / 2, resources / 2);
        let call = fastest(runtime, || world.one_call());
        eprintln!("  {resources:>4} resources per region; one call alone {call:.1?}");
        // The state round first: the details follow what it found.
        let calls = calls_of(runtime, &world, || world.state_round());
        let took = fastest(runtime, || world.state_round());
        eprintln!("    {}", report("refresh", took, call, &calls));
        let calls = calls_of(runtime, &world, || world.details_round());
        let took = fastest(runtime, || world.details_round());
        eprintln!("    {}", report("details", took, call, &calls));
    }
}

fn bench(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // `cargo bench` passes --bench; the suite's smoke run skips the table.
    if std::env::args().any(|a| a == "--bench") {
        print_ratios(&runtime);
    }
    for (name, instances, services) in [("small", 3, 8), ("large", 150, 60)] {
        let world = World::new(instances, services);
        let calls: usize = calls_of(&runtime, &world, || world.state_round())
            .iter()
            .map(|(_, n)| n)
            .sum();
        eprintln!(
            "aws_refresh/{name}: {} instances, {} services in 2 regions: {calls} calls a refresh, \
             each {CALL:?}; run one after another they would take {:?}",
            instances * 2,
            services * 2,
            CALL * calls as u32,
        );
        c.bench_function(&format!("aws_refresh/{name}"), |b| {
            b.iter(|| runtime.block_on(world.state_round()));
        });
        if name == "large" {
            c.bench_function("aws_refresh/details_large", |b| {
                b.iter(|| runtime.block_on(world.details_round()));
            });
        }
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
