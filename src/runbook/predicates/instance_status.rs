use super::prelude::*;

/// The RDS instance (or Aurora cluster) reports this status, e.g. "available".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::InstanceStatus")]
pub struct InstanceStatus {
    pub instance: String,
    pub status: String,
}

impl Predicate for InstanceStatus {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let db = Database::find(live, &self.instance)?;
        Ok(Evidence::judge(
            db.status().eq_ignore_ascii_case(&self.status),
            format!("{} is {}", db.name(), db.status()),
        ))
    }
    fn label(&self) -> String {
        format!("{} is {}", self.instance, self.status)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::Database(&self.instance)]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ instance = "db", status = "available" }"#,
            r#"{ instance = "db-creating", status = "available" }"#,
        ]
    }
}
