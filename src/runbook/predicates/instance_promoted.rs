use super::prelude::*;

/// The instance (or cluster) is a standalone primary: no replication source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::InstancePromoted")]
pub struct InstancePromoted {
    pub instance: String,
}

impl Predicate for InstancePromoted {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let db = Database::find(live, &self.instance)?;
        Ok(match db.replica_of() {
            Some(source) => Evidence::not_met(format!("{} still replicates {source}", db.name())),
            None => Evidence::met(format!("{} is standalone ({})", db.name(), db.status())),
        })
    }
    fn label(&self) -> String {
        format!("{} is a standalone primary", self.instance)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::Database(&self.instance)]
    }
    fn examples() -> [&'static str; 2] {
        [r#"{ instance = "db" }"#, r#"{ instance = "db-replica" }"#]
    }
}
