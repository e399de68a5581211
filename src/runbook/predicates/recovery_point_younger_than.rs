use super::prelude::*;
use crate::domain::snapshot::RecoveryPointStatus;
use crate::domain::verify::{Outcome, short_age};

/// The newest completed recovery point (of a vault, a resource and/or a
/// region) is younger than `max_age`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::RecoveryPointYoungerThan")]
pub struct RecoveryPointYoungerThan {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault: Option<String>,
    /// Any protected resource (ARN or id), so it is not checked against
    /// the environment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub max_age: HumanDuration,
}

impl Predicate for RecoveryPointYoungerThan {
    fn evaluate(&self, live: &LiveState, ctx: VerifyContext) -> Result<Evidence, Evidence> {
        let Self {
            vault,
            resource,
            region,
            max_age,
        } = self;
        let backups = data(&live.backups, "backup")?;
        let newest = backups
            .recovery_points
            .iter()
            .filter(|p| p.status == RecoveryPointStatus::Completed)
            .filter(|p| vault.as_ref().is_none_or(|v| p.vault.as_ref() == Some(v)))
            .filter(|p| resource.as_ref().is_none_or(|r| p.protects(r)))
            .filter(|p| region.as_ref().is_none_or(|r| &p.region == r))
            .map(|p| p.restorable_at())
            .max();
        let judged = match newest {
            Some(at) => {
                let age = secs_between(at, ctx.now);
                Evidence::judge(
                    age < max_age.secs(),
                    format!("newest {} old (max {max_age})", short_age(age)),
                )
            }
            None => Evidence::not_met("no completed recovery point"),
        };
        // A part that did not answer may hold the point that would meet it.
        Ok(match (judged.outcome, backups.unavailable.first()) {
            (Outcome::NotMet, Some(err)) => {
                Evidence::unknown(format!("{}; and {}", judged.seen, err.code))
            }
            _ => judged,
        })
    }
    fn label(&self) -> String {
        let mut text = "completed recovery point".to_string();
        if let Some(resource) = &self.resource {
            text += &format!(" of {resource}");
        }
        if let Some(vault) = &self.vault {
            text += &format!(" in vault {vault}");
        }
        if let Some(region) = &self.region {
            text += &format!(" in {region}");
        }
        text + &format!(" younger than {}", self.max_age)
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        self.vault.as_deref().map(Watched::BackupVault).into_iter().collect()
    }
    /// Any vault's, or none named: the recovery points either way.
    fn shown_in(&self) -> Vec<SourceKind> {
        vec![SourceKind::Backups]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ vault = "vault-a", resource = "db", max_age = "2h" }"#,
            r#"{ vault = "vault-a", resource = "db", max_age = "30m" }"#,
        ]
    }
}
