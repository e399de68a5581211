use super::prelude::*;
use crate::domain::snapshot::RolloutState;

/// One deployment, rollout COMPLETED, running == desired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::EcsStable")]
pub struct EcsStable {
    pub cluster: String,
    pub service: String,
}

impl Predicate for EcsStable {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let svc = ecs_service(live, &self.cluster, &self.service)?;
        let rollout = svc.primary_deployment().and_then(|d| d.rollout);
        let stable = svc.deployments.len() == 1
            && rollout == Some(RolloutState::Completed)
            && svc.running == svc.desired;
        Ok(Evidence::judge(
            stable,
            format!(
                "{}/{} running, {} deployment(s), rollout {}",
                svc.running,
                svc.desired,
                svc.deployments.len(),
                rollout.map_or("unknown", RolloutState::as_str)
            ),
        ))
    }
    fn label(&self) -> String {
        format!("ECS service {}/{} is stable", self.cluster, self.service)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::EcsService(&self.cluster, &self.service)]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ cluster = "c", service = "web" }"#,
            r#"{ cluster = "c", service = "rolling" }"#,
        ]
    }
}
