use super::prelude::*;

/// The RDS instance exists (in any state). Like every instance check but
/// `replica_lag_below`, it may name an Aurora cluster instead: an instance
/// with that id wins, else the cluster is judged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::InstanceExists")]
pub struct InstanceExists {
    pub instance: String,
}

impl Predicate for InstanceExists {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let db = Database::find(live, &self.instance)?;
        Ok(Evidence::met(format!("{} exists ({})", db.name(), db.status())))
    }
    fn label(&self) -> String {
        format!("instance {} exists", self.instance)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::Database(&self.instance)]
    }
    fn examples() -> [&'static str; 2] {
        [r#"{ instance = "db" }"#, r#"{ instance = "gone" }"#]
    }
}
