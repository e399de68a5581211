use super::prelude::*;
use crate::domain::snapshot::RolloutState;

/// One deployment, rollout COMPLETED, running == desired; with `desired`,
/// at that desired count (`desired = 0`: scaled to zero, every task gone).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::EcsStable")]
pub struct EcsStable {
    pub cluster: String,
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub desired: Option<u32>,
}

impl Predicate for EcsStable {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let svc = ecs_service(live, &self.cluster, &self.service)?;
        let rollout = svc.primary_deployment().and_then(|d| d.rollout);
        let stable = svc.deployments.len() == 1
            && rollout == Some(RolloutState::Completed)
            && svc.running == svc.desired
            && self.desired.is_none_or(|d| d == svc.desired);
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
        match self.desired {
            Some(n) => format!(
                "ECS service {}/{} is stable at {n} task(s)",
                self.cluster, self.service
            ),
            None => format!("ECS service {}/{} is stable", self.cluster, self.service),
        }
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::EcsService(&self.cluster, &self.service)]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ cluster = "c", service = "web" }"#,
            r#"{ cluster = "c", service = "rolling", desired = 0 }"#,
        ]
    }
}
