//! The RPO estimate: how much data a recovery at `at` would lose, from the
//! best restore source the live state offers right now.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::snapshot::{LiveState, RecoveryPointStatus};
use crate::runbook::duration::secs_between;

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
    let loss = |from: Timestamp| secs_between(from, at);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::snapshot::{DbCluster, RdsSnapshot};

    fn cluster(id: &str, latest_secs_ago: i64, replica_of: Option<&str>) -> DbCluster {
        DbCluster {
            stale: None,
            id: id.into(),
            region: "us-east-1".into(),
            status: "available".into(),
            engine: None,
            multi_az: true,
            writer: None,
            readers: Vec::new(),
            endpoint: None,
            reader_endpoint: None,
            earliest_restorable: None,
            latest_restorable: Some(Timestamp::from_second(10_000 - latest_secs_ago).unwrap()),
            replica_of: replica_of.map(Into::into),
        }
    }

    #[test]
    fn a_primary_clusters_latest_restorable_time_counts_a_secondarys_does_not() {
        let mut live = LiveState::default();
        let rds = RdsSnapshot {
            instances: Vec::new(),
            clusters: vec![
                cluster("orders-dr", 5, Some("orders")),
                cluster("orders", 180, None),
            ],
            unavailable: Vec::new(),
        };
        let at = Timestamp::from_second(10_000).unwrap();
        live.rds.apply(at, Ok(rds));
        let rpo = estimate(&live, at).unwrap();
        assert_eq!(rpo.secs, 180);
        assert_eq!(rpo.basis, "latest restorable time of cluster orders");
    }
}
