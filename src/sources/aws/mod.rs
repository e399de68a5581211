//! Live AWS behind the `Source` trait: one set of SDK clients per watched
//! region, built from aws-config's default chain (profiles, SSO,
//! credential_process, environment, and the standard `AWS_ENDPOINT_URL` /
//! `AWS_ENDPOINT_URL_<SERVICE>` variables), every region fetched at once.
//!
//! Each fetch runs all of its calls concurrently (regions, batches, pages of
//! different requests), and every region and part answers on its own: what
//! failed is named in the snapshot's `unavailable`, and only when nothing
//! answered does the fetch fail. CloudWatch metrics and the
//! RDS restore windows change slowly and are cached for
//! `AwsTuning::metrics_interval` between instance refreshes.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use futures::future::{BoxFuture, FutureExt, join_all};
use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

use super::{Payload, Source};
use crate::domain::snapshot::{
    AlarmSnapshot, BackupSnapshot, DbCluster, DbInstance, DbMetrics, EcsSnapshot, RdsSnapshot,
    SourceError, SourceKind,
};
use crate::runbook::model::Environment;

pub mod aurora;
pub mod backup;
pub mod cloudwatch;
pub mod ecs;
pub mod errors;
pub mod limit;
pub mod rds;
pub mod watch;

use cloudwatch::{DbMetric, Series, Window};
use limit::CappedHttpClient;
use rds::RestoreWindow;
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

/// The live AWS source.
pub struct AwsSource {
    watch: Watchlist,
    clients: BTreeMap<String, RegionClients>,
    tuning: AwsTuning,
    slow: Mutex<Option<Arc<SlowRds>>>,
}

/// The slowly changing part of the RDS pane, per (region, instance).
#[derive(Debug, Default)]
struct SlowRds {
    fetched: Option<Instant>,
    metrics: HashMap<(String, String, DbMetric), Series>,
    windows: HashMap<(String, String), RestoreWindow>,
    /// The calls that failed in the last refresh: their figures are unknown
    /// (never stale ones) until the next refresh answers.
    failed: Vec<SourceError>,
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
            slow: Mutex::new(None),
        })
    }

    fn clients(&self, region: &str) -> Result<&RegionClients, SourceError> {
        self.clients
            .get(region)
            .ok_or_else(|| SourceError::new("NoClient", format!("no clients for {region}")))
    }

    async fn fetch_rds(&self) -> Result<Payload, SourceError> {
        // Each region answers on its own: when the primary region cannot be
        // reached, the DR region's replica (the one being promoted) is still
        // shown, and what failed is named beside it. No identifiers in a
        // region make no calls there (each call takes a batch of them).
        let per_region = self.watch.regions.iter().map(|region| async move {
            let ids = self.watch.rds_ids_in(region);
            let cluster_ids = self.watch.cluster_ids_in(region);
            let clients = match self.clients(region) {
                Ok(clients) => clients,
                Err(e) => return (ids, cluster_ids, Err(e.clone()), Err(e)),
            };
            let (instances, clusters) = tokio::join!(
                rds::describe_instances(&clients.rds, region, &ids),
                aurora::describe_clusters(&clients.rds, region, &cluster_ids),
            );
            (ids, cluster_ids, instances, clusters)
        });
        let mut instances: Vec<DbInstance> = Vec::new();
        let mut clusters: Vec<DbCluster> = Vec::new();
        let mut unavailable = Vec::new();
        let (mut asked, mut answered) = (false, false);
        for (ids, cluster_ids, found, found_clusters) in join_all(per_region).await {
            asked |= !ids.is_empty() || !cluster_ids.is_empty();
            match found {
                Ok(found) => {
                    answered |= !ids.is_empty();
                    instances.extend(found);
                }
                Err(e) => unavailable.push(e),
            }
            match found_clusters {
                Ok(found) => {
                    answered |= !cluster_ids.is_empty();
                    clusters.extend(found);
                }
                Err(e) => unavailable.push(e),
            }
        }
        // Nothing answered at all: the pane's error, beside its last good data.
        if asked && !answered && !unavailable.is_empty() {
            return Err(unavailable.swap_remove(0));
        }
        // Metrics follow what each instance is now (a promoted replica
        // wants load, not lag), so they are asked for after it is known.
        // Metrics and restore windows failing (CloudWatch down) leave the
        // instances' own state standing: those figures are unknown instead.
        let slow = self.slow_rds(&instances).await;
        for db in &mut instances {
            self.apply_slow(db, &slow);
        }
        // Runbook order, then region order.
        let rank = |db: &DbInstance| {
            let by_id = self.watch.rds.iter().position(|w| w.id == db.id);
            let by_region = self.watch.regions.iter().position(|r| *r == db.region);
            (by_id, by_region)
        };
        instances.sort_by_key(|db| rank(db));
        clusters.sort_by_key(|c| {
            self.watch
                .rds_clusters
                .iter()
                .position(|(region, id)| *region == c.region && *id == c.id)
        });
        Ok(Payload::Rds(RdsSnapshot {
            instances,
            clusters,
            unavailable: unavailable.into_iter().chain(slow.failed.clone()).collect(),
        }))
    }

    /// The cached metrics and restore windows, refreshed when older than
    /// the metrics interval.
    /// A failed refresh is cached too, so a CloudWatch that hangs costs
    /// one timeout per metrics interval, not one per state refresh.
    async fn slow_rds(&self, instances: &[DbInstance]) -> Arc<SlowRds> {
        let cached = self.lock_slow().clone();
        if let Some(slow) = cached
            && slow
                .fetched
                .is_some_and(|at| at.elapsed() < self.tuning.metrics_interval)
        {
            return slow;
        }
        let fresh = Arc::new(self.fetch_slow_rds(instances).await);
        *self.lock_slow() = Some(fresh.clone());
        fresh
    }

    fn lock_slow(&self) -> std::sync::MutexGuard<'_, Option<Arc<SlowRds>>> {
        // Only a cache: a panic while holding it leaves nothing half-done.
        self.slow.lock().unwrap_or_else(|p| p.into_inner())
    }

    async fn fetch_slow_rds(&self, instances: &[DbInstance]) -> SlowRds {
        let end = Timestamp::now();
        let history = SignedDuration::try_from(self.tuning.lag_history)
            .unwrap_or(SignedDuration::from_hours(1));
        let window = Window {
            start: end.checked_sub(history).unwrap_or(end),
            end,
            period_secs: i32::try_from(self.tuning.metric_period.as_secs().max(1)).unwrap_or(60),
        };
        let per_region = self.watch.regions.iter().map(|region| async move {
            let ids = self.watch.rds_ids_in(region);
            let found: Vec<&DbInstance> =
                instances.iter().filter(|db| db.region == *region).collect();
            let clients = match self.clients(region) {
                Ok(clients) => clients,
                Err(e) => return (region, Err(e.clone()), Err(e)),
            };
            // Each answers on its own: windows come from RDS, metrics from
            // CloudWatch, and either may be down while the other is not.
            let (metrics, windows) = tokio::join!(
                cloudwatch::db_metrics(&clients.cloudwatch, region, &found, window),
                rds::restore_windows(&clients.rds, region, &ids),
            );
            (region, metrics, windows)
        });
        let mut slow = SlowRds {
            fetched: Some(Instant::now()),
            ..SlowRds::default()
        };
        for (region, metrics, windows) in join_all(per_region).await {
            match metrics {
                Ok(metrics) => {
                    for ((id, metric), series) in metrics {
                        slow.metrics.insert((region.clone(), id, metric), series);
                    }
                }
                Err(e) => slow.failed.push(e),
            }
            match windows {
                Ok(windows) => {
                    for (id, window) in windows {
                        slow.windows.insert((region.clone(), id), window);
                    }
                }
                Err(e) => slow.failed.push(e),
            }
        }
        slow
    }

    fn apply_slow(&self, db: &mut DbInstance, slow: &SlowRds) {
        let key = (db.region.clone(), db.id.clone());
        if let Some(window) = slow.windows.get(&key) {
            db.earliest_restorable = window.earliest;
            db.latest_restorable = db.latest_restorable.or(window.latest);
        }
        let series = |metric| slow.metrics.get(&(key.0.clone(), key.1.clone(), metric));
        if db.is_replica() {
            let lag = series(DbMetric::ReplicaLag)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            db.lag_history = lag
                .iter()
                .filter(|(_, v)| *v >= 0.0)
                .map(|(_, v)| v.round() as u64)
                .collect();
            db.lag_secs = latest_fresh(lag, self.stale_after());
        } else {
            let last = |metric| series(metric).and_then(|s| s.last()).map(|(_, v)| *v);
            let metrics = DbMetrics {
                cpu_percent: last(DbMetric::CpuUtilization),
                free_storage_bytes: last(DbMetric::FreeStorageSpace),
                connections: last(DbMetric::DatabaseConnections),
            };
            db.metrics = (metrics != DbMetrics::default()).then_some(metrics);
        }
    }

    /// A lag datapoint older than this says nothing about the lag now.
    fn stale_after(&self) -> SignedDuration {
        let five_periods = self.tuning.metric_period.saturating_mul(5);
        SignedDuration::try_from(five_periods.max(Duration::from_secs(300)))
            .unwrap_or(SignedDuration::from_mins(5))
    }

    async fn fetch_backups(&self) -> Result<Payload, SourceError> {
        let vaults = self.watch.vaults.iter().map(|(region, vault)| async move {
            backup::vault_points(&self.clients(region)?.backup, region, vault).await
        });
        let ids = self.watch.all_rds_ids();
        let snapshots = self.watch.regions.iter().map(|region| {
            let ids = &ids;
            async move { rds::newest_snapshots(&self.clients(region)?.rds, region, ids).await }
        });
        // Each vault and region answers on its own: what answered is shown,
        // what failed is named beside it; only when nothing answered does
        // the whole pane fail.
        let (vaults, snapshots) = tokio::join!(join_all(vaults), join_all(snapshots));
        let (mut recovery_points, mut unavailable) = (Vec::new(), Vec::new());
        let mut answered = false;
        for part in vaults.into_iter().chain(snapshots) {
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
        recovery_points.sort_by(|a, b| {
            b.restorable_at()
                .cmp(&a.restorable_at())
                .then_with(|| a.id.cmp(&b.id))
        });
        Ok(Payload::Backups(BackupSnapshot {
            recovery_points,
            unavailable,
        }))
    }

    async fn fetch_ecs(&self) -> Result<Payload, SourceError> {
        let clusters = self
            .watch
            .ecs
            .iter()
            .map(|((region, cluster), names)| async move {
                ecs::services(&self.clients(region)?.ecs, region, cluster, names).await
            });
        // Each cluster answers on its own; only when none does the pane fail.
        let (mut services, mut unavailable): (Vec<_>, Vec<_>) = (Vec::new(), Vec::new());
        let answers = join_all(clusters).await;
        let asked = answers.len();
        for answer in answers {
            match answer {
                Ok(found) => services.extend(found),
                Err(e) => unavailable.push(e),
            }
        }
        if asked > 0 && unavailable.len() == asked {
            return Err(unavailable.swap_remove(0));
        }
        let rank = |region: &str| self.watch.regions.iter().position(|r| r == region);
        // Stable: runbook order within a region.
        services.sort_by_key(|s| rank(&s.region));
        Ok(Payload::Ecs(EcsSnapshot {
            services,
            unavailable,
        }))
    }

    async fn fetch_alarms(&self) -> Result<Payload, SourceError> {
        if !self.watch.watches_alarms() {
            return Ok(Payload::Alarms(AlarmSnapshot::default()));
        }
        let per_region = self.watch.regions.iter().map(|region| async move {
            cloudwatch::alarms(
                &self.clients(region)?.cloudwatch,
                region,
                &self.watch.alarms,
            )
            .await
        });
        // Each region answers on its own; only when none does the pane fail.
        let (mut alarms, mut unavailable) = (Vec::new(), Vec::new());
        for answer in join_all(per_region).await {
            match answer {
                Ok(found) => alarms.extend(found),
                Err(e) => unavailable.push(e),
            }
        }
        if !unavailable.is_empty() && unavailable.len() == self.watch.regions.len() {
            return Err(unavailable.swap_remove(0));
        }
        Ok(Payload::Alarms(AlarmSnapshot {
            alarms,
            unavailable,
        }))
    }
}

impl Source for AwsSource {
    fn label(&self) -> &str {
        "aws"
    }

    fn fetch(&self, kind: SourceKind) -> BoxFuture<'_, Result<Payload, SourceError>> {
        match kind {
            SourceKind::Rds => self.fetch_rds().boxed(),
            SourceKind::Backups => self.fetch_backups().boxed(),
            SourceKind::Ecs => self.fetch_ecs().boxed(),
            SourceKind::Alarms => self.fetch_alarms().boxed(),
        }
    }

    fn interval(&self, kind: SourceKind) -> Duration {
        match kind {
            SourceKind::Rds | SourceKind::Ecs | SourceKind::Alarms => self.tuning.state_interval,
            SourceKind::Backups => self.tuning.recovery_points_interval,
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
