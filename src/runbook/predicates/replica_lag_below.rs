use super::prelude::*;
use crate::runbook::model::Environment;

/// The replica instance's lag is below `max`. Only instances report lag,
/// so unlike the other instance checks it never judges a cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::ReplicaLagBelow")]
pub struct ReplicaLagBelow {
    pub instance: String,
    pub max: HumanDuration,
}

impl Predicate for ReplicaLagBelow {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let (instance, max) = (&self.instance, self.max);
        let db = Database::find(live, instance)?;
        let Database::Instance(found) = db else {
            return Err(not_found(instance));
        };
        Ok(match (found.lag_secs, db.unavailable(live, FeedKey::METRICS_API)) {
            (Some(lag), _) => Evidence::judge(
                lag < max.secs() as f64,
                format!("lag {lag:.0}s (max {max})"),
            ),
            (None, Some(e)) => Evidence::unknown(format!("{instance} lag unknown: {e}")),
            (None, None) => Evidence::unknown(format!("{instance} reports no lag")),
        })
    }
    fn label(&self) -> String {
        format!("replica lag of {} below {}", self.instance, self.max)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::Database(&self.instance)]
    }
    fn check(&self, env: &Environment) -> Vec<(&'static str, String)> {
        let instance = &self.instance;
        if env.rds(instance).is_none() && env.rds_cluster(instance).is_some() {
            return vec![(
                "instance",
                format!(
                    "verify.replica_lag_below names Aurora cluster \"{instance}\"; \
                     it judges a replica instance, so name one of its members"
                ),
            )];
        }
        let watched = Watched::Database(instance);
        watched.undeclared(env).into_iter().collect()
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ instance = "db-replica", max = "1m" }"#,
            r#"{ instance = "db-replica", max = "10s" }"#,
        ]
    }
}
