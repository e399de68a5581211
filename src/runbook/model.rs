//! The runbook as a user writes it in TOML: objectives, the environment to
//! watch, and scenarios made of steps. Plain data; loading and validation
//! live in `load`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::duration::HumanDuration;
pub use super::predicates::{AlarmStateName, Verify};
use super::schema::require;

/// A drconsole runbook: recovery objectives, the AWS environment to watch,
/// and the scenarios to run, step by step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = require_scenarios)]
pub struct Runbook {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub objectives: Objectives,
    pub environment: Environment,
    /// Where the team shares its sessions, `s3://BUCKET/PREFIX`: every
    /// console of this runbook shares unless `--no-share` (docs/share.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<String>,
    // Required by the schema (see `require_scenarios`); serde's `default`
    // leaves the message for its absence to the loader.
    #[serde(default, rename = "scenario")]
    #[schemars(length(min = 1))]
    pub scenarios: Vec<Scenario>,
}

impl Runbook {
    pub fn scenario(&self, id: &str) -> Option<&Scenario> {
        self.scenarios.iter().find(|s| s.id == id)
    }
}

/// Recovery objectives; a scenario may override either.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Objectives {
    pub rto: HumanDuration,
    pub rpo: HumanDuration,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    pub regions: Regions,
    /// AWS account shown in the header (masked in presenter mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default)]
    pub rds: Vec<RdsSpec>,
    /// Aurora clusters; omitted from JSON when none are declared, so
    /// runbooks without clusters serialize as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rds_clusters: Vec<RdsClusterSpec>,
    #[serde(default)]
    pub ecs: Vec<EcsSpec>,
    #[serde(default)]
    pub backup_vaults: Vec<VaultSpec>,
    #[serde(default)]
    pub alarms: AlarmSpec,
    #[serde(default)]
    pub thresholds: Thresholds,
}

impl Environment {
    pub fn rds(&self, id: &str) -> Option<&RdsSpec> {
        self.rds.iter().find(|r| r.id == id)
    }
    pub fn rds_cluster(&self, id: &str) -> Option<&RdsClusterSpec> {
        self.rds_clusters.iter().find(|c| c.id == id)
    }
    pub fn ecs(&self, cluster: &str, service: &str) -> Option<&EcsSpec> {
        self.ecs
            .iter()
            .find(|e| e.cluster == cluster && e.service == service)
    }
    pub fn vault(&self, name: &str) -> Option<&VaultSpec> {
        self.backup_vaults.iter().find(|v| v.name == name)
    }
    /// The ids of the primary RDS instances.
    pub fn primaries(&self) -> impl Iterator<Item = &str> {
        self.rds
            .iter()
            .filter(|r| r.role == RdsRole::Primary)
            .map(|r| r.id.as_str())
    }
    /// Every region the environment touches, primary first, without repeats.
    pub fn all_regions(&self) -> Vec<&str> {
        let mut out = vec![self.regions.primary.as_str()];
        let extra = self
            .regions
            .dr
            .iter()
            .map(String::as_str)
            .chain(self.rds.iter().filter_map(|r| r.region.as_deref()))
            .chain(self.rds_clusters.iter().filter_map(|c| c.region.as_deref()))
            .chain(self.ecs.iter().filter_map(|e| e.region.as_deref()))
            .chain(
                self.backup_vaults
                    .iter()
                    .filter_map(|v| v.region.as_deref()),
            );
        for region in extra {
            if !out.contains(&region) {
                out.push(region);
            }
        }
        out
    }
    /// The region a resource lives in: its own, else the primary region.
    pub fn region_of<'a>(&'a self, own: Option<&'a str>) -> &'a str {
        own.unwrap_or(&self.regions.primary)
    }
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    pub primary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dr: Option<String>,
}

impl Regions {
    /// The regions whose health the console and `ready` report: the
    /// primary, then the DR region when there is one.
    pub fn watched(&self) -> Vec<&str> {
        std::iter::once(self.primary.as_str())
            .chain(self.dr.as_deref())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RdsRole {
    #[default]
    Primary,
    Replica,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RdsSpec {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default)]
    pub role: RdsRole,
    /// For a replica: the identifier (or ARN) of the instance it replicates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

/// An Aurora DB cluster, watched as a whole (`DescribeDBClusters`): its
/// status, members and restore window. Its member instances need not be
/// declared in `rds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RdsClusterSpec {
    /// DB cluster identifier.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EcsSpec {
    pub cluster: String,
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VaultSpec {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// CloudWatch alarms to watch: exact names and/or name prefixes.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlarmSpec {
    #[serde(default)]
    pub names: Vec<String>,
    #[serde(default)]
    pub prefixes: Vec<String>,
}

/// Bounds beyond which live state counts as degraded. Unset bounds fall back
/// to defaults derived from the objectives (see `domain::health`).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_lag: Option<HumanDuration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_point_age: Option<HumanDuration>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(transform = require_steps)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto: Option<HumanDuration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo: Option<HumanDuration>,
    #[serde(default, rename = "step")]
    #[schemars(length(min = 1))]
    pub steps: Vec<Step>,
    /// What must hold before this scenario can be run (`drconsole ready`);
    /// when empty, checks are derived from the environment.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ready: Vec<Verify>,
}

impl Scenario {
    pub fn rto(&self, runbook: &Objectives) -> HumanDuration {
        self.rto.unwrap_or(runbook.rto)
    }
    pub fn rpo(&self, runbook: &Objectives) -> HumanDuration {
        self.rpo.unwrap_or(runbook.rpo)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Who does it: "Incident Commander", "DB ops", "App ops", "Comms", …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Shown and copyable; never run by the console.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<HumanDuration>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<Verify>,
}

fn require_scenarios(schema: &mut schemars::Schema) {
    require(schema, "scenario");
}

fn require_steps(schema: &mut schemars::Schema) {
    require(schema, "step");
}
