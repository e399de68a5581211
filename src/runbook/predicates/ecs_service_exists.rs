use super::prelude::*;

/// The ECS service exists (in any state, even scaled to zero).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::EcsServiceExists")]
pub struct EcsServiceExists {
    pub cluster: String,
    pub service: String,
}

impl Predicate for EcsServiceExists {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let svc = ecs_service(live, &self.cluster, &self.service)?;
        Ok(Evidence::met(format!(
            "{} exists ({}, {}/{} running)",
            self.service, svc.status, svc.running, svc.desired
        )))
    }
    fn label(&self) -> String {
        format!("ECS service {}/{} exists", self.cluster, self.service)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::EcsService(&self.cluster, &self.service)]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ cluster = "c", service = "parked" }"#,
            r#"{ cluster = "c", service = "gone" }"#,
        ]
    }
}
