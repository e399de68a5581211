//! The RPO estimate: how much data a recovery at `at` would lose, from the
//! best restore source the live state offers right now.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::snapshot::{LiveState, RecoveryPointStatus};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RpoEstimate {
    pub secs: u64,
    /// What the figure rests on, e.g. "latest restorable time of rally-prod-db".
    pub basis: String,
}

/// The smallest loss among: a primary instance's or primary Aurora
/// cluster's latest restorable time (PITR), a replica's lag (promotion),
/// and the newest completed recovery point.
pub fn estimate(live: &LiveState, at: Timestamp) -> Option<RpoEstimate> {
    let loss = |from: Timestamp| at.duration_since(from).as_secs().max(0) as u64;
    let mut candidates: Vec<RpoEstimate> = Vec::new();
    if let Some(rds) = &live.rds.data {
        for db in &rds.instances {
            match (&db.replica_of, db.latest_restorable, db.lag_secs) {
                (None, Some(latest), _) => candidates.push(RpoEstimate {
                    secs: loss(latest),
                    basis: format!("latest restorable time of {}", db.id),
                }),
                (Some(_), _, Some(lag)) => candidates.push(RpoEstimate {
                    secs: lag.max(0.0).round() as u64,
                    basis: format!("replica lag of {}", db.id),
                }),
                _ => {}
            }
        }
        for cluster in rds.clusters.iter().filter(|c| !c.is_replica()) {
            if let Some(latest) = cluster.latest_restorable {
                candidates.push(RpoEstimate {
                    secs: loss(latest),
                    basis: format!("latest restorable time of cluster {}", cluster.id),
                });
            }
        }
    }
    if let Some(backups) = &live.backups.data
        && let Some(point) = backups
            .recovery_points
            .iter()
            .filter(|p| p.status == RecoveryPointStatus::Completed)
            .max_by_key(|p| p.restorable_at())
    {
        candidates.push(RpoEstimate {
            secs: loss(point.restorable_at()),
            basis: format!("newest recovery point ({})", point.resource_name()),
        });
    }
    candidates.into_iter().min_by_key(|c| c.secs)
}
