//! What to watch in which region, from the runbook's environment: the only
//! place that decides regions, so every fetch agrees on them.

use std::collections::BTreeMap;

use crate::runbook::model::{AlarmSpec, Environment, RdsRole, Runbook, Verify};
use crate::runbook::predicates::Watched;

/// A watched RDS instance. `region: None` means "look in every watched
/// region": used for instances that verify checks name but the environment
/// cannot declare yet (restore targets).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchedDb {
    pub id: String,
    pub region: Option<String>,
    /// Declared a replica by the runbook (what it is now, RDS says).
    pub replica: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Watchlist {
    /// Every region, primary first, without repeats.
    pub regions: Vec<String>,
    pub rds: Vec<WatchedDb>,
    /// Aurora clusters as (region, cluster id), in runbook order.
    pub rds_clusters: Vec<(String, String)>,
    /// (region, cluster) -> services, in runbook order.
    pub ecs: BTreeMap<(String, String), Vec<String>>,
    /// (region, vault name), in runbook order.
    pub vaults: Vec<(String, String)>,
    /// Looked up in every region.
    pub alarms: AlarmSpec,
}

impl Watchlist {
    /// `primary_override` replaces the runbook's primary region (`--region`):
    /// resources that name no region are then looked for there.
    pub fn new(env: &Environment, primary_override: Option<&str>, extra_rds: &[String]) -> Self {
        let mut env = env.clone();
        if let Some(region) = primary_override {
            env.regions.primary = region.to_string();
        }
        let regions: Vec<String> = env.all_regions().into_iter().map(String::from).collect();
        let mut rds: Vec<WatchedDb> = env
            .rds
            .iter()
            .map(|spec| WatchedDb {
                id: spec.id.clone(),
                replica: spec.role == RdsRole::Replica,
                region: Some(env.region_of(spec.region.as_deref()).to_string()),
            })
            .collect();
        for id in extra_rds {
            if !rds.iter().any(|db| &db.id == id) {
                rds.push(WatchedDb {
                    id: id.clone(),
                    replica: false,
                    region: None,
                });
            }
        }
        let rds_clusters = env
            .rds_clusters
            .iter()
            .map(|c| (env.region_of(c.region.as_deref()).to_string(), c.id.clone()))
            .collect();
        let mut ecs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
        for spec in &env.ecs {
            let region = env.region_of(spec.region.as_deref()).to_string();
            let services = ecs.entry((region, spec.cluster.clone())).or_default();
            if !services.contains(&spec.service) {
                services.push(spec.service.clone());
            }
        }
        let vaults = env
            .backup_vaults
            .iter()
            .map(|v| {
                (
                    env.region_of(v.region.as_deref()).to_string(),
                    v.name.clone(),
                )
            })
            .collect();
        Self {
            regions,
            rds,
            rds_clusters,
            ecs,
            vaults,
            alarms: env.alarms.clone(),
        }
    }

    /// Instance identifiers to look for in `region`.
    pub fn rds_ids_in(&self, region: &str) -> Vec<String> {
        self.rds
            .iter()
            .filter(|db| db.region.as_deref().is_none_or(|r| r == region))
            .map(|db| db.id.clone())
            .collect()
    }

    /// The instances the runbook places in `region`, each with whether it
    /// declares it a replica: what to ask metrics for before RDS has said.
    pub fn declared_roles_in(&self, region: &str) -> Vec<(String, bool)> {
        self.rds
            .iter()
            .filter(|db| db.region.as_deref() == Some(region))
            .map(|db| (db.id.clone(), db.replica))
            .collect()
    }

    /// Aurora cluster identifiers to look for in `region`.
    pub fn cluster_ids_in(&self, region: &str) -> Vec<String> {
        self.rds_clusters
            .iter()
            .filter(|(r, _)| r == region)
            .map(|(_, id)| id.clone())
            .collect()
    }

    /// Every watched identifier: snapshots of an instance may have been
    /// copied to any watched region.
    pub fn all_rds_ids(&self) -> Vec<String> {
        self.rds.iter().map(|db| db.id.clone()).collect()
    }

    pub fn watches_alarms(&self) -> bool {
        !self.alarms.names.is_empty() || !self.alarms.prefixes.is_empty()
    }
}

/// RDS instances that a runbook's verify checks name but its environment
/// does not declare: typically the target of a restore, which only exists
/// once a step has created it. Watch them so those checks can be judged.
pub fn undeclared_instances(runbook: &Runbook) -> Vec<String> {
    let mut out = Vec::new();
    for scenario in &runbook.scenarios {
        let checks = scenario.steps.iter().filter_map(|s| s.verify.as_ref());
        for watched in checks.chain(&scenario.ready).flat_map(Verify::watches) {
            if let Watched::Database(id) = watched
                && !out.iter().any(|known| known == id)
            {
                out.push(id.to_string());
            }
        }
    }
    let env = &runbook.environment;
    // A declared Aurora cluster is watched as one; its id is no instance.
    out.retain(|id| env.rds(id).is_none() && env.rds_cluster(id).is_none());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env() -> Environment {
        toml::from_str(
            r#"
            regions = { primary = "eu-west-1", dr = "eu-central-1" }
            rds = [
              { id = "orders-db" },
              { id = "orders-db-dr", region = "eu-central-1", role = "replica", source = "orders-db" },
            ]
            ecs = [
              { cluster = "c1", service = "a" },
              { cluster = "c1", service = "b" },
              { cluster = "c1", service = "a", region = "eu-central-1" },
            ]
            backup_vaults = [{ name = "v1" }, { name = "v2", region = "eu-central-1" }]
            alarms = { prefixes = ["orders-"] }
            "#,
        )
        .unwrap()
    }

    #[test]
    fn every_resource_gets_a_region_and_the_primary_comes_first() {
        let w = Watchlist::new(&env(), None, &["restored".into()]);
        assert_eq!(w.regions, ["eu-west-1", "eu-central-1"]);
        assert_eq!(w.rds_ids_in("eu-west-1"), ["orders-db", "restored"]);
        assert_eq!(w.rds_ids_in("eu-central-1"), ["orders-db-dr", "restored"]);
        assert_eq!(
            w.ecs[&("eu-west-1".into(), "c1".into())],
            ["a".to_string(), "b".to_string()]
        );
        assert_eq!(w.ecs[&("eu-central-1".into(), "c1".into())], ["a"]);
        assert_eq!(
            w.vaults,
            [
                ("eu-west-1".to_string(), "v1".to_string()),
                ("eu-central-1".to_string(), "v2".to_string())
            ]
        );
    }

    #[test]
    fn region_override_replaces_the_primary() {
        let w = Watchlist::new(&env(), Some("us-east-2"), &[]);
        assert_eq!(w.regions, ["us-east-2", "eu-central-1"]);
        assert_eq!(w.rds_ids_in("us-east-2"), ["orders-db"]);
    }

    #[test]
    fn aurora_clusters_are_watched_in_their_regions_and_are_no_instances() {
        let text = include_str!("../../../tests/fixtures/valid/aurora_clusters.toml");
        let (runbook, _) = crate::runbook::load::parse(text, "aurora_clusters.toml").unwrap();
        let w = Watchlist::new(&runbook.environment, None, &undeclared_instances(&runbook));
        assert_eq!(w.cluster_ids_in("us-east-1"), ["orders"]);
        assert_eq!(w.cluster_ids_in("us-west-2"), ["orders-dr"]);
        // Checks name the clusters, but they are not looked for as instances.
        assert_eq!(w.rds_ids_in("us-west-2"), Vec::<String>::new());
    }

    #[test]
    fn restore_targets_named_by_verify_checks_are_found() {
        let runbook = crate::runbook::builtin::rally();
        assert_eq!(undeclared_instances(&runbook), ["rally-prod-db-restore"]);
    }
}
