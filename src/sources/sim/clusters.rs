//! Simulated Aurora clusters: every declared cluster is `available` with a
//! writer and one reader (`<id>-instance-1`, `-2`) and a moving
//! point-in-time window like a primary instance's. Operator commands do not
//! change them yet.

use jiff::Timestamp;

use super::rds::pitr_window;
use super::world::{HISTORY_DAYS, SimWorld};
use crate::domain::snapshot::DbCluster;
use crate::runbook::duration::DAY;

pub(super) fn snapshot(world: &SimWorld, now: Timestamp) -> Vec<DbCluster> {
    let env = &world.env;
    let pitr_from = world.start.as_second() - HISTORY_DAYS * DAY;
    let (earliest, latest) = pitr_window(pitr_from, now.as_second());
    env.rds_clusters
        .iter()
        .map(|spec| {
            let region = env.region_of(spec.region.as_deref()).to_string();
            // Aurora endpoints: <id>.cluster-<hash>.<region>… and cluster-ro-.
            let host = world.noise.alnum(&format!("endpoint:{region}"), 12);
            let endpoint =
                |kind: &str| format!("{}.{kind}-{host}.{region}.rds.amazonaws.com", spec.id);
            DbCluster {
                stale: None,
                id: spec.id.clone(),
                status: "available".into(),
                engine: Some(
                    spec.engine
                        .clone()
                        .unwrap_or_else(|| "aurora-postgresql".into()),
                ),
                multi_az: true,
                writer: Some(format!("{}-instance-1", spec.id)),
                readers: vec![format!("{}-instance-2", spec.id)],
                endpoint: Some(endpoint("cluster")),
                reader_endpoint: Some(endpoint("cluster-ro")),
                earliest_restorable: earliest,
                latest_restorable: latest,
                replica_of: None,
                region,
            }
        })
        .collect()
}
