use super::prelude::*;

/// At least `count` tasks running.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::EcsRunningAtLeast")]
pub struct EcsRunningAtLeast {
    pub cluster: String,
    pub service: String,
    pub count: u32,
}

impl Predicate for EcsRunningAtLeast {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let count = self.count;
        let svc = ecs_service(live, &self.cluster, &self.service)?;
        Ok(Evidence::judge(
            svc.running >= count,
            format!("{} running (need {count})", svc.running),
        ))
    }
    fn label(&self) -> String {
        let Self {
            cluster,
            service,
            count,
        } = self;
        format!("ECS service {cluster}/{service} runs at least {count}")
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::EcsService(&self.cluster, &self.service)]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ cluster = "c", service = "web", count = 2 }"#,
            r#"{ cluster = "c", service = "rolling", count = 2 }"#,
        ]
    }
}
