//! Plain snapshots of live state, as the panes, `status` and verify
//! predicates see it. No clocks, no I/O: times are `jiff::Timestamp`s read
//! by the source, and "now" is passed in by the caller.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::feeds::{FeedKey, Payload};

pub use crate::runbook::model::AlarmStateName as AlarmState;

/// The four kinds of live data, each polled and failing on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Rds,
    Backups,
    Ecs,
    Alarms,
}

impl SourceKind {
    pub const ALL: [SourceKind; 4] = [Self::Rds, Self::Backups, Self::Ecs, Self::Alarms];
    pub fn label(self) -> &'static str {
        match self {
            Self::Rds => "RDS",
            Self::Backups => "Backups",
            Self::Ecs => "ECS",
            Self::Alarms => "Alarms",
        }
    }
}

/// A source call that failed: AWS error code (or a local one such as
/// "Timeout") and its message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceError {
    pub code: String,
    pub message: String,
    /// The region of the call that failed, when a live call failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The API operation that failed, e.g. "DescribeDBInstances".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api: Option<String>,
    /// For a failure that persists: when it began, if the source knows
    /// (the simulated world's fault), else the time of the last good
    /// answer, if there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Timestamp>,
}

impl SourceError {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            message: message.into(),
            region: None,
            api: None,
            since: None,
        }
    }

    /// Whether both say the same call failed the same way (their times and
    /// messages aside).
    pub fn same_failure(&self, other: &SourceError) -> bool {
        (&self.code, &self.region, &self.api) == (&other.code, &other.region, &other.api)
    }

    /// The same error, naming the region and API call it came from.
    pub fn from_call(self, region: &str, api: &str) -> Self {
        Self {
            region: Some(region.to_string()),
            api: Some(api.to_string()),
            ..self
        }
    }
}

impl std::fmt::Display for SourceError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// What a pane knows: the last good data, when it arrived, and the error
/// of the latest attempt if it failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feed<T> {
    pub data: Option<T>,
    pub last_good: Option<Timestamp>,
    pub error: Option<(Timestamp, SourceError)>,
    /// When the current run of failed attempts began (cleared by a good one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<Timestamp>,
}

impl<T> Default for Feed<T> {
    fn default() -> Self {
        Self {
            data: None,
            last_good: None,
            error: None,
            failing_since: None,
        }
    }
}

impl<T: PartialEq> Feed<T> {
    /// Applies one poll result. Returns whether anything visible changed.
    pub fn apply(&mut self, at: Timestamp, result: Result<T, SourceError>) -> bool {
        match result {
            Ok(data) => {
                let changed = self.data.as_ref() != Some(&data) || self.error.is_some();
                self.data = Some(data);
                self.last_good = Some(at);
                self.error = None;
                self.failing_since = None;
                changed
            }
            Err(err) => {
                let changed = self.error.as_ref().map(|(_, e)| e) != Some(&err);
                // The source's own date of the failure beats our first sight of it.
                self.failing_since = err.since.or(self.failing_since).or(Some(at));
                self.error = Some((at, err));
                changed
            }
        }
    }
}

/// Everything live, as last seen: one view per kind, folded from the
/// feeds (see `feeds`) by `LiveState::apply`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct LiveState {
    pub rds: Feed<RdsSnapshot>,
    pub backups: Feed<BackupSnapshot>,
    pub ecs: Feed<EcsSnapshot>,
    pub alarms: Feed<AlarmSnapshot>,
    /// Each feed's own answers, in the source's order.
    #[serde(skip)]
    pub(crate) feeds: BTreeMap<FeedKey, Feed<Payload>>,
}

// ---------------------------------------------------------------- RDS

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct RdsSnapshot {
    pub instances: Vec<DbInstance>,
    /// Aurora clusters the runbook names; absent from JSON when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub clusters: Vec<DbCluster>,
    /// Details that could not be read (CloudWatch metrics, restore windows)
    /// while the instances' own state could: their figures are unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<SourceError>,
}

impl RdsSnapshot {
    pub fn instance(&self, id: &str) -> Option<&DbInstance> {
        self.instances.iter().find(|i| i.id == id)
    }
    pub fn cluster(&self, id: &str) -> Option<&DbCluster> {
        self.clusters.iter().find(|c| c.id == id)
    }
    /// The regions whose instances or clusters could not be listed: what
    /// is not seen may be there.
    pub fn unlisted(&self) -> impl Iterator<Item = &SourceError> {
        self.unavailable.iter().filter(|e| {
            e.api.is_none()
                || matches!(
                    e.api.as_deref(),
                    Some("DescribeDBInstances" | "DescribeDBClusters")
                )
        })
    }
    /// Why a figure of an instance in `region` from `api` is unknown, if a
    /// call for it failed.
    pub fn unavailable_in(&self, region: &str, api: &str) -> Option<&SourceError> {
        self.unavailable
            .iter()
            .find(|e| e.region.as_deref() == Some(region) && e.api.as_deref() == Some(api))
    }
    /// Why the lag and load of instances in `region` are unknown, if CloudWatch failed.
    pub fn metrics_unavailable(&self, region: &str) -> Option<&SourceError> {
        self.unavailable_in(region, FeedKey::METRICS_API)
    }
    /// Why the restore windows of instances in `region` are unknown, if their call failed.
    pub fn windows_unavailable(&self, region: &str) -> Option<&SourceError> {
        self.unavailable_in(region, FeedKey::WINDOWS_API)
    }
}

/// An Aurora DB cluster as `DescribeDBClusters` reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbCluster {
    pub id: String,
    pub region: String,
    /// RDS cluster status, e.g. "available", "failing-over", "promoting".
    pub status: String,
    pub engine: Option<String>,
    pub multi_az: bool,
    /// The member instance that takes writes, if any (a headless or
    /// secondary cluster may have none).
    pub writer: Option<String>,
    pub readers: Vec<String>,
    pub endpoint: Option<String>,
    pub reader_endpoint: Option<String>,
    /// The cluster's point-in-time-restore window.
    pub earliest_restorable: Option<Timestamp>,
    pub latest_restorable: Option<Timestamp>,
    /// For the secondary of a global database or a replica cluster: the
    /// identifier of what it replicates (`ReplicationSourceIdentifier`,
    /// ARN shortened); `None` for a standalone or primary cluster.
    pub replica_of: Option<String>,
    /// Kept from the last good answer of a feed that now fails: its error,
    /// dated from that answer. Checks on a stale row are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<SourceError>,
}

impl DbCluster {
    pub fn is_replica(&self) -> bool {
        self.replica_of.is_some()
    }
    pub fn members(&self) -> usize {
        usize::from(self.writer.is_some()) + self.readers.len()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DbInstance {
    pub id: String,
    pub region: String,
    /// `None` for a standalone primary; the source identifier for a replica.
    pub replica_of: Option<String>,
    /// RDS status string, e.g. "available", "creating", "modifying".
    pub status: String,
    pub engine: Option<String>,
    pub multi_az: bool,
    pub az: Option<String>,
    pub endpoint: Option<String>,
    /// Start of the point-in-time-restore window (earliest restorable time).
    pub earliest_restorable: Option<Timestamp>,
    pub latest_restorable: Option<Timestamp>,
    /// Replication state as RDS reports it in StatusInfos ("replicating", "error", …).
    pub replication_state: Option<String>,
    /// Current replica lag in seconds (replicas only).
    pub lag_secs: Option<f64>,
    /// Recent lag samples in seconds, oldest first, for the sparkline.
    pub lag_history: Vec<u64>,
    /// Latest CloudWatch load figures of a primary (live AWS only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metrics: Option<DbMetrics>,
    /// Kept from the last good answer of a feed that now fails: its error,
    /// dated from that answer. Checks on a stale row are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<SourceError>,
}

/// A primary's load as CloudWatch last reported it; each figure is absent
/// when CloudWatch has no recent datapoint.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct DbMetrics {
    pub cpu_percent: Option<f64>,
    pub free_storage_bytes: Option<f64>,
    pub connections: Option<f64>,
}

impl DbInstance {
    /// An instance with nothing known but its name, region and status.
    pub fn new(id: &str, region: &str, status: &str) -> Self {
        Self {
            id: id.into(),
            region: region.into(),
            replica_of: None,
            status: status.into(),
            engine: None,
            multi_az: false,
            az: None,
            endpoint: None,
            earliest_restorable: None,
            latest_restorable: None,
            replication_state: None,
            lag_secs: None,
            lag_history: Vec::new(),
            metrics: None,
            stale: None,
        }
    }

    pub fn is_replica(&self) -> bool {
        self.replica_of.is_some()
    }
}

// ---------------------------------------------------------------- Backups

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct BackupSnapshot {
    /// Newest first.
    pub recovery_points: Vec<RecoveryPoint>,
    /// Parts of the fetch that failed (a vault the service would not list)
    /// while the others answered: the points above are then not all there are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<SourceError>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryPointKind {
    /// An AWS Backup recovery point in a vault.
    Backup,
    /// An automated RDS snapshot.
    AutomatedSnapshot,
    /// A manual RDS snapshot.
    ManualSnapshot,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecoveryPointStatus {
    Completed,
    Partial,
    Running,
    Expired,
    Deleting,
    Failed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecoveryPoint {
    pub id: String,
    pub kind: RecoveryPointKind,
    /// Backup vault name; `None` for RDS snapshots.
    pub vault: Option<String>,
    pub region: String,
    /// The protected resource (identifier or ARN).
    pub resource: String,
    pub status: RecoveryPointStatus,
    pub created: Timestamp,
    pub completed: Option<Timestamp>,
    pub size_bytes: Option<u64>,
    /// When it is deleted, as its lifecycle is configured.
    pub delete_at: Option<Timestamp>,
    /// When it moves to cold storage, as its lifecycle is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_storage_at: Option<Timestamp>,
    /// Why a job failed or is partial, as AWS Backup says it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
}

impl RecoveryPoint {
    /// The instant the data is from: completion if known, else creation.
    pub fn restorable_at(&self) -> Timestamp {
        self.completed.unwrap_or(self.created)
    }
    /// Whether `id` names this point's resource, by identifier or ARN suffix.
    pub fn protects(&self, id: &str) -> bool {
        self.resource == id || self.resource_name() == id
    }
    /// The resource's short name: the last part of an ARN.
    pub fn resource_name(&self) -> &str {
        crate::arn::id_of(&self.resource)
    }
}

// ---------------------------------------------------------------- ECS

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct EcsSnapshot {
    pub services: Vec<EcsService>,
    /// Clusters that could not be listed while others answered: their
    /// services are not shown, and may be there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<SourceError>,
}

impl EcsSnapshot {
    /// The clusters whose services could not be listed: what is not seen
    /// may be there.
    pub fn unlisted(&self) -> impl Iterator<Item = &SourceError> {
        self.unavailable
            .iter()
            .filter(|e| e.api.is_none() || e.api.as_deref() == Some("DescribeServices"))
    }
    pub fn service(&self, cluster: &str, service: &str) -> Option<&EcsService> {
        self.services
            .iter()
            .find(|s| s.cluster == cluster && s.name == service)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RolloutState {
    InProgress,
    Completed,
    Failed,
}

impl RolloutState {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InProgress => "IN_PROGRESS",
            Self::Completed => "COMPLETED",
            Self::Failed => "FAILED",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsService {
    pub cluster: String,
    pub name: String,
    pub region: String,
    /// "ACTIVE", "DRAINING", "INACTIVE" or "MISSING".
    pub status: String,
    pub desired: u32,
    pub running: u32,
    pub pending: u32,
    /// PRIMARY first.
    pub deployments: Vec<Deployment>,
    /// Newest first.
    pub events: Vec<EcsEvent>,
    pub circuit_breaker: bool,
    /// Recently stopped tasks of a struggling service, newest first, with
    /// why they stopped (live AWS only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stopped_tasks: Vec<StoppedTask>,
    /// Kept from the last good answer of a feed that now fails: its error,
    /// dated from that answer. Checks on a stale row are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<SourceError>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoppedTask {
    /// The task id (last part of its ARN).
    pub id: String,
    pub stopped_at: Option<Timestamp>,
    /// ECS's stoppedReason, plus the first container's reason or exit code.
    pub reason: String,
}

impl EcsService {
    pub fn primary_deployment(&self) -> Option<&Deployment> {
        self.deployments
            .iter()
            .find(|d| d.status == "PRIMARY")
            .or(self.deployments.first())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deployment {
    pub id: String,
    /// "PRIMARY", "ACTIVE" or "INACTIVE".
    pub status: String,
    pub task_definition: String,
    pub rollout: Option<RolloutState>,
    pub desired: u32,
    pub running: u32,
    pub pending: u32,
    pub failed_tasks: u32,
    pub updated: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EcsEvent {
    pub at: Timestamp,
    pub message: String,
}

// ---------------------------------------------------------------- Alarms

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct AlarmSnapshot {
    pub alarms: Vec<Alarm>,
    /// Regions whose alarms could not be read while others answered.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<SourceError>,
}

impl AlarmSnapshot {
    pub fn alarm(&self, name: &str) -> Option<&Alarm> {
        self.alarms.iter().find(|a| a.name == name)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alarm {
    pub name: String,
    pub region: String,
    pub state: AlarmState,
    pub reason: String,
    pub updated: Timestamp,
    pub metric: Option<String>,
    /// Kept from the last good answer of a feed that now fails: its error,
    /// dated from that answer. Checks on a stale row are unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<SourceError>,
}
