//! Health rules: the one place that says what is healthy, shared by the
//! panes (colour), `status` (exit code) and the header.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::snapshot::{
    Alarm, AlarmState, BackupSnapshot, DbCluster, DbInstance, EcsService, RecoveryPointStatus,
    RolloutState,
};
use crate::runbook::duration::{HumanDuration, secs_between};
use crate::runbook::model::Runbook;

/// Ordered from best to worst so that `max` combines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Health {
    Ok,
    Unknown,
    Warn,
    Critical,
}

/// Bounds resolved from the runbook's thresholds and objectives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    pub replica_lag: HumanDuration,
    pub recovery_point_age: HumanDuration,
}

impl Limits {
    /// Replica lag defaults to the RPO (or 5 minutes if the RPO is zero);
    /// recovery point age to 26 hours, a day of snapshots plus slack.
    pub fn from_runbook(runbook: &Runbook) -> Self {
        let thresholds = runbook.environment.thresholds;
        let rpo = runbook.objectives.rpo;
        let lag_default = if rpo.secs() > 0 {
            rpo
        } else {
            HumanDuration::from_mins(5)
        };
        Self {
            replica_lag: thresholds.replica_lag.unwrap_or(lag_default),
            recovery_point_age: thresholds
                .recovery_point_age
                .unwrap_or(HumanDuration::from_hours(26)),
        }
    }
}

/// A row kept from a feed that now fails says nothing of now: unknown.
pub fn instance_health(db: &DbInstance, limits: &Limits) -> Health {
    if db.stale.is_some() {
        return Health::Unknown;
    }
    let status = match db.status.as_str() {
        "available" => Health::Ok,
        "backing-up"
        | "modifying"
        | "creating"
        | "rebooting"
        | "maintenance"
        | "upgrading"
        | "renaming"
        | "configuring-enhanced-monitoring"
        | "starting" => Health::Warn,
        _ => Health::Critical,
    };
    status.max(lag_health(db, limits))
}

/// An Aurora cluster's status: transitions RDS finishes on its own warn;
/// anything else (stopped, deleting, inaccessible, failed) is critical.
pub fn cluster_health(cluster: &DbCluster) -> Health {
    if cluster.stale.is_some() {
        return Health::Unknown;
    }
    match cluster.status.as_str() {
        "available" => Health::Ok,
        "backing-up"
        | "backtracking"
        | "creating"
        | "failing-over"
        | "maintenance"
        | "migrating"
        | "modifying"
        | "promoting"
        | "renaming"
        | "resetting-master-credentials"
        | "starting"
        | "storage-optimization"
        | "update-iam-db-auth"
        | "upgrading" => Health::Warn,
        _ => Health::Critical,
    }
}

/// A replica's lag against the bound: over half of it warns, over it is critical.
pub fn lag_health(db: &DbInstance, limits: &Limits) -> Health {
    if !db.is_replica() {
        return Health::Ok;
    }
    if db
        .replication_state
        .as_deref()
        .is_some_and(|s| s == "error" || s == "terminated")
    {
        return Health::Critical;
    }
    match db.lag_secs {
        None => Health::Unknown,
        Some(lag) if lag > limits.replica_lag.secs() as f64 => Health::Critical,
        Some(lag) if lag > limits.replica_lag.secs() as f64 / 2.0 => Health::Warn,
        Some(_) => Health::Ok,
    }
}

/// The newest completed recovery point's age against the bound.
pub fn backup_health(backups: &BackupSnapshot, limits: &Limits, now: Timestamp) -> Health {
    match newest_completed_age(backups, now) {
        None => Health::Critical,
        Some(age) => age_health(age, limits.recovery_point_age),
    }
}

pub fn age_health(age_secs: u64, limit: HumanDuration) -> Health {
    if age_secs > limit.secs() {
        Health::Critical
    } else {
        Health::Ok
    }
}

pub fn newest_completed_age(backups: &BackupSnapshot, now: Timestamp) -> Option<u64> {
    backups
        .recovery_points
        .iter()
        .filter(|p| p.status == RecoveryPointStatus::Completed)
        .map(|p| p.restorable_at())
        .max()
        .map(|at| secs_between(at, now))
}

pub fn service_health(svc: &EcsService) -> Health {
    if svc.stale.is_some() {
        return Health::Unknown;
    }
    let rollout = svc.primary_deployment().and_then(|d| d.rollout);
    if svc.status != "ACTIVE" || rollout == Some(RolloutState::Failed) {
        Health::Critical
    } else if svc.running < svc.desired {
        if svc.running == 0 {
            Health::Critical
        } else {
            Health::Warn
        }
    } else if rollout == Some(RolloutState::InProgress) || svc.deployments.len() > 1 {
        Health::Warn
    } else {
        Health::Ok
    }
}

pub fn alarm_health(alarm: &Alarm) -> Health {
    if alarm.stale.is_some() {
        return Health::Unknown;
    }
    match alarm.state {
        AlarmState::Ok => Health::Ok,
        AlarmState::InsufficientData => Health::Unknown,
        AlarmState::Alarm => Health::Critical,
    }
}
