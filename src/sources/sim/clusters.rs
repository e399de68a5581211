//! Simulated Aurora clusters: every declared cluster is `available` with a
//! writer and one reader (`<id>-instance-1`, `-2`) and a moving
//! point-in-time window like a primary instance's. A cluster the operator
//! restores or creates (`restore-db-cluster-*`, `create-db-cluster`, an AWS
//! Backup restore into a cluster) appears `creating` and becomes
//! `available` with its own window some minutes later.

use jiff::Timestamp;

use super::rds::pitr_window;
use super::world::{HISTORY_DAYS, Reaction, SimWorld};
use crate::domain::snapshot::DbCluster;
use crate::runbook::duration::DAY;

pub(super) fn snapshot(world: &SimWorld, now: Timestamp) -> Vec<DbCluster> {
    let env = &world.env;
    let pitr_from = world.start.as_second() - HISTORY_DAYS * DAY;
    let declared = env.rds_clusters.iter().map(|spec| {
        let region = env.region_of(spec.region.as_deref()).to_string();
        let mut cluster = render(world, &spec.id, region, "available");
        (cluster.earliest_restorable, cluster.latest_restorable) =
            pitr_window(pitr_from, now.as_second());
        cluster.engine = spec.engine.clone().or(cluster.engine);
        cluster
    });
    let mut clusters: Vec<DbCluster> = declared.collect();
    for timed in world.reactions.iter().take_while(|t| t.at <= now) {
        let Reaction::RestoreCluster { cluster, region } = &timed.what else {
            continue;
        };
        if clusters.iter().any(|c| &c.id == cluster) {
            continue; // AWS refuses: DBClusterAlreadyExists.
        }
        let at = timed.at.as_second();
        let ready = at.saturating_add(world.noise.range(
            &format!("restore-cluster:{cluster}"),
            0,
            10 * 60,
            20 * 60,
        ));
        let region = region
            .clone()
            .unwrap_or_else(|| env.regions.primary.clone());
        let up = now.as_second() >= ready;
        let status = if up { "available" } else { "creating" };
        let mut restored = render(world, cluster, region, status);
        if up {
            (restored.earliest_restorable, restored.latest_restorable) =
                pitr_window(ready, now.as_second());
        } else {
            restored.writer = None;
            restored.readers.clear();
        }
        clusters.push(restored);
    }
    clusters
}

/// A cluster in `region` with its endpoints, writer and reader, and no
/// restore window yet.
fn render(world: &SimWorld, id: &str, region: String, status: &str) -> DbCluster {
    // Aurora endpoints: <id>.cluster-<hash>.<region>… and cluster-ro-.
    let host = world.noise.alnum(&format!("endpoint:{region}"), 12);
    let endpoint = |kind: &str| format!("{id}.{kind}-{host}.{region}.rds.amazonaws.com");
    DbCluster {
        stale: None,
        id: id.to_string(),
        status: status.into(),
        engine: world
            .env
            .rds_clusters
            .iter()
            .find_map(|c| c.engine.clone())
            .or_else(|| Some("aurora-postgresql".into())),
        multi_az: true,
        writer: Some(format!("{id}-instance-1")),
        readers: vec![format!("{id}-instance-2")],
        endpoint: Some(endpoint("cluster")),
        reader_endpoint: Some(endpoint("cluster-ro")),
        earliest_restorable: None,
        latest_restorable: None,
        replica_of: None,
        region,
    }
}
