//! Live AWS behind the `Source` trait: one set of SDK clients per watched
//! region, built from aws-config's default chain (profiles, SSO,
//! credential_process, environment, and the standard `AWS_ENDPOINT_URL` /
//! `AWS_ENDPOINT_URL_<SERVICE>` variables), every region fetched at once.
//!
//! Each region's answer for each kind, and each API's (instances, metrics,
//! restore windows, services, stopped tasks, alarms, recovery points), is
//! a feed of its own (`Source::feeds`): the poller runs each on its own
//! cadence, so a region or API that fails or hangs holds up no other, and
//! the state everyone watches comes back in one concurrent round while
//! details that need a second call (metrics, restore windows, why tasks
//! stopped) follow on theirs. Within a feed, calls run concurrently
//! (batches, pages of different requests).

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use futures::future::{BoxFuture, FutureExt, join_all};
use jiff::{SignedDuration, Timestamp};

use super::{FeedKey, FeedPart, Payload, Source};
use crate::domain::feeds::{DbFigures, RdsDetails, StoppedTasks};
use crate::domain::snapshot::{
    AlarmSnapshot, BackupSnapshot, DbMetrics, EcsService, EcsSnapshot, RdsSnapshot, SourceError,
    SourceKind,
};
use crate::runbook::model::Environment;

pub mod aurora;
pub mod backup;
pub mod cloudwatch;
pub mod ecs;
pub mod errors;
pub mod limit;
pub mod profiles;
pub mod rds;
pub mod watch;

use cloudwatch::{DbMetric, Series, Window};
use limit::CappedHttpClient;
pub use profiles::SharedFiles;
pub use watch::{Watchlist, undeclared_instances};

/// How often each kind is refreshed and how long calls may take.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AwsTuning {
    /// RDS instances, ECS services and alarms. Default 10 s.
    pub state_interval: Duration,
    /// CloudWatch metrics (replica lag, CPU, free storage, connections) and
    /// the RDS restore windows, cached between state refreshes. Default 60 s.
    pub metrics_interval: Duration,
    /// AWS Backup recovery points and RDS snapshots. Default 5 min.
    pub recovery_points_interval: Duration,
    /// How much replica lag history the sparkline gets. Default 1 h.
    pub lag_history: Duration,
    /// Resolution of every metric (CloudWatch period). Default 60 s.
    pub metric_period: Duration,
    /// Opening a connection. Default 3 s.
    pub connect_timeout: Duration,
    /// One attempt of one call. Default 5 s.
    pub attempt_timeout: Duration,
    /// One call with all its retries. Default 15 s.
    pub operation_timeout: Duration,
    /// Attempts per call, first included (standard retry mode: exponential
    /// backoff with jitter; retries spend a quota per API and region, so a
    /// throttled API is not hammered). Default 3.
    pub max_attempts: u32,
    /// Calls in flight at once per API and region, retries included; the
    /// rest wait their turn (within their attempt timeout).
    /// Default `CALLS_IN_FLIGHT`.
    pub calls_in_flight: usize,
    /// One whole fetch of one kind: every region, batch and page. Default 30 s.
    pub fetch_timeout: Duration,
}

impl Default for AwsTuning {
    fn default() -> Self {
        Self {
            state_interval: Duration::from_secs(10),
            metrics_interval: Duration::from_secs(60),
            recovery_points_interval: Duration::from_secs(300),
            lag_history: Duration::from_secs(3600),
            metric_period: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(3),
            attempt_timeout: Duration::from_secs(5),
            operation_timeout: Duration::from_secs(15),
            max_attempts: 3,
            calls_in_flight: AwsTuning::CALLS_IN_FLIGHT,
            fetch_timeout: Duration::from_secs(30),
        }
    }
}

impl AwsTuning {
    /// Calls in flight per API and region by default: enough to fetch
    /// hundreds of resources in a few rounds, few enough to stay under
    /// the APIs' request rates.
    pub const CALLS_IN_FLIGHT: usize = 8;

    pub fn timeout_config(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect_timeout)
            .operation_attempt_timeout(self.attempt_timeout)
            .operation_timeout(self.operation_timeout)
            .build()
    }

    pub fn retry_config(&self) -> RetryConfig {
        // Standard, not adaptive: adaptive's client-side rate limiter starts
        // from the rate it measured, which for a console's few calls is
        // near nothing, so after one throttle it holds each retry ~10 s
        // (0.5 tokens/s, 5 a retry) and the calls time out instead of
        // answering. Standard backs off with jitter and spends its retry
        // quota; the cap on calls in flight keeps the rate down.
        RetryConfig::standard().with_max_attempts(self.max_attempts.max(1))
    }
}

/// How to reach AWS. Everything else comes from aws-config's default chain.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    /// A profile of `~/.aws/config` (SSO, credential_process, role, keys);
    /// default: `AWS_PROFILE`, else "default".
    pub profile: Option<String>,
    /// Replaces the runbook's primary region: resources that name no region
    /// are looked for here, and credentials are fetched through it.
    pub region: Option<String>,
    /// RDS instances to look for in every watched region although the
    /// environment does not declare them (see `undeclared_instances`).
    pub extra_instances: Vec<String>,
    pub tuning: AwsTuning,
    /// Where the profiles are read from (default: where aws-config looks).
    pub shared_files: SharedFiles,
}

/// The clients of one region.
#[derive(Debug, Clone)]
pub struct RegionClients {
    pub region: String,
    pub rds: aws_sdk_rds::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub backup: aws_sdk_backup::Client,
}

impl RegionClients {
    /// Clients for the config's region. Service-specific endpoints
    /// (`AWS_ENDPOINT_URL_RDS`, …) that aws-config loaded apply here. Each
    /// client gets an HTTP client of its own (the config's, or the SDK's
    /// default) capped at `tuning.calls_in_flight`: the cap is per API and
    /// region.
    pub fn from_config(config: &SdkConfig, tuning: &AwsTuning) -> Result<Self, String> {
        let region = config
            .region()
            .ok_or("the SDK config names no region")?
            .to_string();
        let capped = || match config.http_client() {
            Some(inner) => CappedHttpClient::new(inner, tuning.calls_in_flight),
            None => CappedHttpClient::default_https(tuning.calls_in_flight),
        };
        Ok(Self {
            region,
            rds: aws_sdk_rds::Client::from_conf(
                aws_sdk_rds::config::Builder::from(config)
                    .http_client(capped())
                    .build(),
            ),
            ecs: aws_sdk_ecs::Client::from_conf(
                aws_sdk_ecs::config::Builder::from(config)
                    .http_client(capped())
                    .build(),
            ),
            cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
                aws_sdk_cloudwatch::config::Builder::from(config)
                    .http_client(capped())
                    .build(),
            ),
            backup: aws_sdk_backup::Client::from_conf(
                aws_sdk_backup::config::Builder::from(config)
                    .http_client(capped())
                    .build(),
            ),
        })
    }
}

/// The live AWS source: one feed per kind, region and API (see `feeds`).
pub struct AwsSource {
    watch: Watchlist,
    clients: BTreeMap<String, RegionClients>,
    tuning: AwsTuning,
    seen: Mutex<Seen>,
}

/// What the state feeds last found, for the detail feeds that follow it.
#[derive(Debug, Default)]
struct Seen {
    /// Per region: its instances, each with whether it is a replica now
    /// (a promoted replica wants load metrics, no longer lag).
    instances: HashMap<String, Vec<(String, bool)>>,
    /// Per (region, cluster): its services that struggle.
    troubled: HashMap<(String, String), Vec<EcsService>>,
}

impl AwsSource {
    /// Clients for every region the environment touches, from aws-config's
    /// default chain. Makes no network call: credentials are resolved on
    /// first use, so missing or expired ones show up as pane errors.
    pub async fn connect(env: &Environment, options: AwsOptions) -> Result<Self, String> {
        let watch = Watchlist::new(env, options.region.as_deref(), &options.extra_instances);
        let home = watch
            .regions
            .first()
            .cloned()
            .ok_or("the runbook names no region")?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(home))
            .retry_config(options.tuning.retry_config())
            .timeout_config(options.tuning.timeout_config());
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(files) = options.shared_files.profile_files() {
            loader = loader.profile_files(files);
        }
        let base = loader.load().await;
        let clients = watch
            .regions
            .iter()
            .map(|region| {
                let config = base
                    .to_builder()
                    .region(Region::new(region.clone()))
                    .build();
                RegionClients::from_config(&config, &options.tuning)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Self::from_clients(watch, options.tuning, clients)
    }

    /// A source on prebuilt clients (tests, emulators, custom endpoints).
    /// Every watched region needs its clients.
    pub fn from_clients(
        watch: Watchlist,
        tuning: AwsTuning,
        clients: impl IntoIterator<Item = RegionClients>,
    ) -> Result<Self, String> {
        let clients: BTreeMap<String, RegionClients> =
            clients.into_iter().map(|c| (c.region.clone(), c)).collect();
        if let Some(missing) = watch.regions.iter().find(|r| !clients.contains_key(*r)) {
            return Err(format!("no AWS clients for region {missing}"));
        }
        Ok(Self {
            watch,
            clients,
            tuning,
            seen: Mutex::new(Seen::default()),
        })
    }

    fn clients(&self, region: &str) -> Result<&RegionClients, SourceError> {
        self.clients
            .get(region)
            .ok_or_else(|| SourceError::new("NoClient", format!("no clients for {region}")))
    }

    fn lock_seen(&self) -> std::sync::MutexGuard<'_, Seen> {
        // Only a cache: a panic while holding it leaves nothing half-done.
        self.seen.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// A region's instances, in runbook order.
    async fn rds_instances(&self, region: &str) -> Result<Payload, SourceError> {
        let ids = self.watch.rds_ids_in(region);
        let clients = self.clients(region)?;
        let mut instances = rds::describe_instances(&clients.rds, region, &ids).await?;
        instances.sort_by_key(|db| self.watch.rds.iter().position(|w| w.id == db.id));
        self.lock_seen().instances.insert(
            region.to_string(),
            instances
                .iter()
                .map(|db| (db.id.clone(), db.is_replica()))
                .collect(),
        );
        Ok(Payload::Rds(RdsSnapshot {
            instances,
            ..RdsSnapshot::default()
        }))
    }

    /// A region's Aurora clusters, in runbook order.
    async fn rds_clusters(&self, region: &str) -> Result<Payload, SourceError> {
        let ids = self.watch.cluster_ids_in(region);
        let mut clusters =
            aurora::describe_clusters(&self.clients(region)?.rds, region, &ids).await?;
        clusters.sort_by_key(|c| ids.iter().position(|id| *id == c.id));
        Ok(Payload::Rds(RdsSnapshot {
            clusters,
            ..RdsSnapshot::default()
        }))
    }

    /// CloudWatch figures of a region's instances, each by its role as last
    /// seen (as the runbook declares it until the instances are listed).
    async fn rds_metrics(&self, region: &str) -> Result<Payload, SourceError> {
        let instances = self.lock_seen().instances.get(region).cloned();
        let instances = instances.unwrap_or_else(|| self.watch.declared_roles_in(region));
        let end = Timestamp::now();
        let history = SignedDuration::try_from(self.tuning.lag_history)
            .unwrap_or(SignedDuration::from_hours(1));
        let window = Window {
            start: end.checked_sub(history).unwrap_or(end),
            end,
            period_secs: i32::try_from(self.tuning.metric_period.as_secs().max(1)).unwrap_or(60),
        };
        let clients = self.clients(region)?;
        let series =
            cloudwatch::db_metrics(&clients.cloudwatch, region, &instances, window).await?;
        let stale_after = self.stale_after();
        let figures = instances
            .iter()
            .map(|(id, replica)| {
                let of = |metric| series.get(&(id.clone(), metric));
                (id.clone(), figures(*replica, of, stale_after))
            })
            .collect();
        Ok(Payload::RdsDetails(RdsDetails {
            figures,
            ..RdsDetails::default()
        }))
    }

    async fn rds_windows(&self, region: &str) -> Result<Payload, SourceError> {
        let ids = self.watch.rds_ids_in(region);
        let windows = rds::restore_windows(&self.clients(region)?.rds, region, &ids).await?;
        Ok(Payload::RdsDetails(RdsDetails {
            windows: windows.into_iter().collect(),
            ..RdsDetails::default()
        }))
    }

    /// A lag datapoint older than this says nothing about the lag now.
    fn stale_after(&self) -> SignedDuration {
        let five_periods = self.tuning.metric_period.saturating_mul(5);
        SignedDuration::try_from(five_periods.max(Duration::from_secs(300)))
            .unwrap_or(SignedDuration::from_mins(5))
    }

    /// A region's recovery points: its vaults' and the RDS snapshots kept
    /// there. Each vault answers on its own; only when nothing answered
    /// does the feed fail.
    async fn backups_in(&self, region: &str) -> Result<Payload, SourceError> {
        let clients = self.clients(region)?;
        let vaults = self
            .watch
            .vaults
            .iter()
            .filter(|(r, _)| r == region)
            .map(|(_, vault)| backup::vault_points(&clients.backup, region, vault).boxed());
        let ids = self.watch.all_rds_ids();
        let snapshots =
            (!ids.is_empty()).then(|| rds::newest_snapshots(&clients.rds, region, &ids).boxed());
        let (mut recovery_points, mut unavailable) = (Vec::new(), Vec::new());
        let mut answered = false;
        for part in join_all(vaults.chain(snapshots)).await {
            match part {
                Ok(points) => {
                    answered = true;
                    recovery_points.extend(points);
                }
                Err(e) => unavailable.push(e),
            }
        }
        if !answered && !unavailable.is_empty() {
            return Err(unavailable.swap_remove(0));
        }
        Ok(Payload::Backups(BackupSnapshot {
            recovery_points,
            unavailable,
        }))
    }

    /// The services of one cluster, in runbook order.
    async fn ecs_services(&self, region: &str, cluster: &str) -> Result<Payload, SourceError> {
        let key = (region.to_string(), cluster.to_string());
        let names = self.watch.ecs.get(&key).map_or(&[][..], Vec::as_slice);
        let services = ecs::services(&self.clients(region)?.ecs, region, cluster, names).await?;
        let troubled = services.iter().filter(|s| ecs::struggles(s)).cloned();
        self.lock_seen().troubled.insert(key, troubled.collect());
        Ok(Payload::Ecs(EcsSnapshot {
            services,
            ..EcsSnapshot::default()
        }))
    }

    /// Why the tasks of a region's struggling services stopped, one
    /// ListTasks per cluster with any (none when all are well).
    async fn stopped_tasks(&self, region: &str) -> Result<Payload, SourceError> {
        let clients = self.clients(region)?;
        let troubled: Vec<((String, String), Vec<EcsService>)> = self
            .lock_seen()
            .troubled
            .iter()
            .filter(|((r, _), services)| r == region && !services.is_empty())
            .map(|(key, services)| (key.clone(), services.clone()))
            .collect();
        let calls = troubled.iter().map(|((_, cluster), services)| async move {
            let tasks = ecs::stopped_tasks(&clients.ecs, region, cluster, services).await?;
            Ok::<_, SourceError>((cluster, tasks))
        });
        let mut out = StoppedTasks::new();
        for (cluster, tasks) in futures::future::try_join_all(calls).await? {
            for (service, task) in tasks {
                let kept = out.entry((cluster.clone(), service)).or_default();
                if kept.len() < ecs::STOPPED_TASKS_KEPT {
                    kept.push(task);
                }
            }
        }
        Ok(Payload::StoppedTasks(out))
    }

    async fn alarms_in(&self, region: &str) -> Result<Payload, SourceError> {
        let client = &self.clients(region)?.cloudwatch;
        let alarms = cloudwatch::alarms(client, region, &self.watch.alarms).await?;
        Ok(Payload::Alarms(AlarmSnapshot {
            alarms,
            ..AlarmSnapshot::default()
        }))
    }

    async fn fetch_feed_now(&self, key: &FeedKey) -> Result<Payload, SourceError> {
        let Some(region) = key.region.as_deref() else {
            // A kind with nothing to watch: nothing to call.
            return Ok(Payload::empty(key.kind));
        };
        match (key.kind, key.part, key.scope.as_deref()) {
            (SourceKind::Rds, FeedPart::State, _) => self.rds_instances(region).await,
            (SourceKind::Rds, FeedPart::Clusters, _) => self.rds_clusters(region).await,
            (SourceKind::Rds, FeedPart::Metrics, _) => self.rds_metrics(region).await,
            (SourceKind::Rds, FeedPart::Windows, _) => self.rds_windows(region).await,
            (SourceKind::Backups, FeedPart::State, _) => self.backups_in(region).await,
            (SourceKind::Ecs, FeedPart::State, Some(cluster)) => {
                self.ecs_services(region, cluster).await
            }
            (SourceKind::Ecs, FeedPart::StoppedTasks, _) => self.stopped_tasks(region).await,
            (SourceKind::Alarms, FeedPart::State, _) => self.alarms_in(region).await,
            _ => Err(key.error("NoFeed", format!("{} is not a feed", key.label()))),
        }
    }

    /// Every feed of one kind, state then details, as one answer.
    async fn fetch_kind(&self, kind: SourceKind) -> Result<Payload, SourceError> {
        super::fetch_all(self, &[kind], self.tuning.fetch_timeout, Timestamp::now())
            .await
            .answer(kind)
    }
}

/// What the panes show of one instance from its series: lag for a replica,
/// load for a primary.
fn figures<'a>(
    replica: bool,
    series: impl Fn(DbMetric) -> Option<&'a Series>,
    stale_after: SignedDuration,
) -> DbFigures {
    if replica {
        let lag = series(DbMetric::ReplicaLag)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        return DbFigures {
            lag_secs: latest_fresh(lag, stale_after),
            lag_history: lag
                .iter()
                .filter(|(_, v)| *v >= 0.0)
                .map(|(_, v)| v.round() as u64)
                .collect(),
            metrics: None,
        };
    }
    let last = |metric| series(metric).and_then(|s| s.last()).map(|(_, v)| *v);
    let metrics = DbMetrics {
        cpu_percent: last(DbMetric::CpuUtilization),
        free_storage_bytes: last(DbMetric::FreeStorageSpace),
        connections: last(DbMetric::DatabaseConnections),
    };
    DbFigures {
        metrics: (metrics != DbMetrics::default()).then_some(metrics),
        ..DbFigures::default()
    }
}

impl Source for AwsSource {
    fn label(&self) -> &str {
        "aws"
    }

    fn fetch(&self, kind: SourceKind) -> BoxFuture<'_, Result<Payload, SourceError>> {
        self.fetch_kind(kind).boxed()
    }

    /// Per region, primary first: RDS instances, clusters, metrics and
    /// restore windows; recovery points; each ECS cluster's services and
    /// the region's stopped tasks; alarms. Nothing is polled where nothing
    /// is watched.
    fn feeds(&self) -> Vec<FeedKey> {
        let watch = &self.watch;
        let mut keys: Vec<FeedKey> = Vec::new();
        let mut add = |kind, part, region: &str, scope: Option<&str>| {
            let key = FeedKey::of(kind, part, region, keys.len());
            keys.push(match scope {
                Some(scope) => key.with_scope(scope),
                None => key,
            });
        };
        let has_rds = !watch.rds.is_empty();
        for region in &watch.regions {
            if !watch.rds_ids_in(region).is_empty() {
                add(SourceKind::Rds, FeedPart::State, region, None);
                add(SourceKind::Rds, FeedPart::Metrics, region, None);
                add(SourceKind::Rds, FeedPart::Windows, region, None);
            }
            if !watch.cluster_ids_in(region).is_empty() {
                add(SourceKind::Rds, FeedPart::Clusters, region, None);
            }
            if has_rds || watch.vaults.iter().any(|(r, _)| r == region) {
                add(SourceKind::Backups, FeedPart::State, region, None);
            }
            let clusters: Vec<&String> = watch
                .ecs
                .keys()
                .filter(|(r, _)| r == region)
                .map(|(_, c)| c)
                .collect();
            for cluster in &clusters {
                add(SourceKind::Ecs, FeedPart::State, region, Some(cluster));
            }
            if !clusters.is_empty() {
                add(SourceKind::Ecs, FeedPart::StoppedTasks, region, None);
            }
            if watch.watches_alarms() {
                add(SourceKind::Alarms, FeedPart::State, region, None);
            }
        }
        for kind in SourceKind::ALL {
            if !keys.iter().any(|k| k.kind == kind) {
                keys.push(FeedKey::whole(kind));
            }
        }
        keys
    }

    fn fetch_feed(&self, key: &FeedKey) -> BoxFuture<'_, Result<Payload, SourceError>> {
        let key = key.clone();
        async move { self.fetch_feed_now(&key).await }.boxed()
    }

    fn feed_interval(&self, key: &FeedKey) -> Duration {
        match (key.kind, key.part) {
            (_, FeedPart::Metrics | FeedPart::Windows) => self.tuning.metrics_interval,
            (SourceKind::Backups, _) => self.tuning.recovery_points_interval,
            _ => self.tuning.state_interval,
        }
    }

    fn fetch_timeout(&self) -> Duration {
        self.tuning.fetch_timeout
    }
}

/// The newest value of a series if it is recent and meaningful (RDS
/// reports -1 lag while replication is not running).
fn latest_fresh(series: &[(Timestamp, f64)], stale_after: SignedDuration) -> Option<f64> {
    let (at, value) = series.last()?;
    let age = Timestamp::now().duration_since(*at);
    (age <= stale_after && *value >= 0.0).then_some(*value)
}

/// An SDK timestamp as a `jiff::Timestamp`; `None` if out of range.
pub(crate) fn timestamp(at: &aws_smithy_types::DateTime) -> Option<Timestamp> {
    let nanos = i32::try_from(at.subsec_nanos()).ok()?;
    Timestamp::new(at.secs(), nanos).ok()
}
