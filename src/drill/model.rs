//! A drill file as written (`drills/*.toml`, docs/drills.md): the failure
//! a scenario rehearses, staged in the simulated world as timed injects.
//! Nothing about a particular drill lives in code: it is all this data.

use serde::Deserialize;

use crate::domain::snapshot::AlarmState;
use crate::runbook::duration::HumanDuration;

/// The file: which scenario it stages, and the injects that stage it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DrillFile {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    /// The runbook whose names it uses (a built-in name or a path).
    #[serde(default)]
    pub runbook: Option<String>,
    /// The scenario id it stages.
    pub scenario: String,
    #[serde(default, rename = "inject")]
    pub injects: Vec<toml::Spanned<RawInject>>,
    /// What the drill is scored against.
    #[serde(default)]
    pub expect: RawExpect,
}

/// `[expect]`: the RTO the team aims at in this drill (else the
/// scenario's), and steps due by a time after the drill's start.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawExpect {
    #[serde(default)]
    pub rto: Option<HumanDuration>,
    #[serde(default, rename = "step")]
    pub steps: Vec<StepDue>,
}

/// A step expected done (confirmed) by `by` after the drill's start.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepDue {
    pub step: String,
    pub by: HumanDuration,
}

/// What a drill is scored against, in seconds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expect {
    pub rto: Option<u64>,
    /// (step id, seconds after the start it is due by).
    pub steps: Vec<(String, u64)>,
}

/// One inject as written: when, and exactly one thing that happens.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawInject {
    /// A name the facilitator can inject it by.
    #[serde(default)]
    pub name: Option<String>,
    /// Offset from the drill's start.
    #[serde(default)]
    pub at: Option<HumanDuration>,
    /// Or: when this step (its id) is run by the operator …
    #[serde(default)]
    pub after_step: Option<String>,
    /// … this long after.
    #[serde(default)]
    pub delay: Option<HumanDuration>,
    #[serde(default)]
    pub instance: Option<String>,
    /// `failed`, `storage-full`, `inaccessible-encryption-credentials`, …
    #[serde(default)]
    pub status: Option<String>,
    #[serde(default)]
    pub replica: Option<String>,
    /// Replica lag reached, ramping over `over`.
    #[serde(default)]
    pub lag: Option<HumanDuration>,
    #[serde(default)]
    pub over: Option<HumanDuration>,
    #[serde(default)]
    pub alarm: Option<String>,
    #[serde(default)]
    pub state: Option<AlarmState>,
    #[serde(default)]
    pub service: Option<String>,
    /// Why each task stops while the service crash-loops.
    #[serde(default)]
    pub crash_loop: Option<String>,
    /// How long the crash loop lasts before ECS, on its own, keeps tasks
    /// running again (tasks lost with an AZ and replaced in the others).
    #[serde(default)]
    pub lasting: Option<HumanDuration>,
    /// Or: the service runs this many tasks from then on (a drill that
    /// begins after a failover, a scale-down before it).
    #[serde(default)]
    pub desired: Option<u32>,
    /// A region whose APIs (or one of them, `api_of`) fail from then on.
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub api: Option<ApiHealth>,
    #[serde(default)]
    pub api_of: Option<Api>,
    /// How long a `slow` API takes to answer (else past any timeout).
    #[serde(default)]
    pub latency: Option<HumanDuration>,
    /// Ends the region's fault (as `api = "ok"`).
    #[serde(default)]
    pub clear: Option<bool>,
    /// A backup job into `vault` of `resource` that fails: only `failed`.
    #[serde(default)]
    pub backup_job: Option<JobOutcome>,
    #[serde(default)]
    pub vault: Option<String>,
    #[serde(default)]
    pub resource: Option<String>,
    /// The failed job's status message.
    #[serde(default)]
    pub message: Option<String>,
}

/// How a region's API answers, as drill files write it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiHealth {
    /// Answers again: ends a fault.
    Ok,
    /// Cannot be connected to.
    Unreachable,
    /// Answers after `latency`, or not within any timeout.
    Slow,
    /// Answers with ThrottlingException (after the SDK's retries).
    Throttled,
}

/// An AWS API a region fault may hit alone (`api_of`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Api {
    Rds,
    Ecs,
    Backup,
    Cloudwatch,
}

impl Api {
    pub const ALL: [Api; 4] = [Api::Rds, Api::Ecs, Api::Backup, Api::Cloudwatch];
}

/// What becomes of an injected backup job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JobOutcome {
    Failed,
}

/// What an inject does to the world.
#[derive(Debug, Clone, PartialEq, serde::Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// The instance shows this status from then on.
    InstanceStatus {
        instance: String,
        status: String,
    },
    /// The replica's lag ramps to `lag` seconds over `over` seconds.
    ReplicaLag {
        replica: String,
        lag: u64,
        over: u64,
    },
    Alarm {
        alarm: String,
        state: AlarmState,
    },
    /// Every task of the service stops soon after starting, for `reason`,
    /// until a new deployment replaces them.
    CrashLoop {
        service: String,
        reason: String,
        /// Seconds until it ends by itself; `None`: until a new deployment.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        lasting: Option<u64>,
    },
    /// The service runs `desired` tasks from then on, as after an
    /// `update-service --desired-count`.
    ServiceScaled {
        service: String,
        desired: u32,
    },
    /// The region's APIs (or only `api_of`) answer so from then on; `Ok`
    /// ends the fault (all of the region's, without `api_of`).
    RegionApi {
        region: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        api_of: Option<Api>,
        health: ApiHealth,
        /// Seconds a `Slow` answer takes; `None`: longer than any timeout.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        latency: Option<u64>,
    },
    /// A backup job of `resource` into `vault` starts and fails: a FAILED
    /// recovery point with `message`; the newest completed point stays.
    BackupJobFailed {
        vault: String,
        resource: String,
        message: String,
    },
}

impl Fault {
    /// One line saying what it does, for scorecards.
    pub fn describe(&self) -> String {
        match self {
            Self::InstanceStatus { instance, status } => format!("{instance} {status}"),
            Self::ReplicaLag { replica, lag, .. } => {
                format!("{replica} lag to {}", HumanDuration::from_secs(*lag))
            }
            Self::Alarm { alarm, state } => format!("{alarm} {}", state.as_str()),
            Self::CrashLoop { service, .. } => format!("{service} crash-loops"),
            Self::ServiceScaled { service, desired } => format!("{service} runs {desired}"),
            Self::RegionApi {
                region,
                api_of,
                health,
                ..
            } => match api_of {
                Some(api) => format!("{region} {api:?} {health:?}"),
                None => format!("{region} {health:?}"),
            },
            Self::BackupJobFailed {
                vault, resource, ..
            } => {
                format!("backup of {resource} into {vault} fails")
            }
        }
    }
}

/// The status message of a failed backup job when the drill gives none.
pub const DEFAULT_JOB_FAILURE: &str =
    "Backup job failed because the resource was not in a state to be backed up.";

/// When an inject happens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum When {
    /// Seconds after the drill starts.
    At(u64),
    /// Seconds after the operator runs this step.
    AfterStep { step: String, delay: u64 },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    pub name: Option<String>,
    pub when: When,
    pub fault: Fault,
}

/// A checked drill.
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub title: String,
    pub description: Option<String>,
    pub runbook: Option<String>,
    pub scenario: String,
    /// Where it came from: a built-in drill's name, or its file's path.
    pub reference: String,
    pub injects: Vec<Inject>,
    pub expect: Expect,
}

impl RawInject {
    /// The inject it describes, or what is wrong with it.
    pub fn check(&self) -> Result<Inject, String> {
        let when = match (self.at, &self.after_step) {
            (Some(at), None) if self.delay.is_none() => When::At(at.secs()),
            (None, Some(step)) => When::AfterStep {
                step: step.clone(),
                delay: self.delay.map_or(0, HumanDuration::secs),
            },
            (Some(_), None) => return Err("`delay` goes with `after_step`, not `at`".into()),
            (Some(_), Some(_)) => return Err("give `at` or `after_step`, not both".into()),
            (None, None) => {
                return Err("say when: `at = \"2m\"` or `after_step = \"<step id>\"`".into());
            }
        };
        let mut faults = Vec::new();
        if let Some(instance) = &self.instance {
            let status = self.status.clone().ok_or("`instance` needs a `status`")?;
            faults.push(Fault::InstanceStatus {
                instance: instance.clone(),
                status,
            });
        }
        if let Some(replica) = &self.replica {
            let lag = self.lag.ok_or("`replica` needs a `lag`")?;
            faults.push(Fault::ReplicaLag {
                replica: replica.clone(),
                lag: lag.secs(),
                over: self.over.map_or(0, HumanDuration::secs),
            });
        }
        if let Some(alarm) = &self.alarm {
            let state = self.state.ok_or("`alarm` needs a `state` (OK, ALARM)")?;
            faults.push(Fault::Alarm {
                alarm: alarm.clone(),
                state,
            });
        }
        if let Some(service) = &self.service {
            faults.push(match (&self.crash_loop, self.desired) {
                (Some(reason), None) => Fault::CrashLoop {
                    service: service.clone(),
                    reason: reason.clone(),
                    lasting: self.lasting.map(HumanDuration::secs),
                },
                (None, Some(desired)) => Fault::ServiceScaled {
                    service: service.clone(),
                    desired,
                },
                (Some(_), Some(_)) => {
                    return Err("give `crash_loop` or `desired`, not both".into());
                }
                (None, None) => {
                    return Err(
                        "`service` needs `crash_loop = \"<why tasks stop>\"` or `desired = N`"
                            .into(),
                    );
                }
            });
        }
        let clear = self.clear == Some(true);
        if let Some(region) = &self.region {
            let health = match (self.api, clear) {
                (Some(_), true) => return Err("give `api` or `clear = true`, not both".into()),
                (Some(health), false) => health,
                (None, true) => ApiHealth::Ok,
                (None, false) => {
                    return Err(
                        "`region` needs `api = \"unreachable\"`, `\"slow\"`, `\"throttled\"` or `\"ok\"` (or `clear = true`)"
                            .into(),
                    );
                }
            };
            if self.latency.is_some() && health != ApiHealth::Slow {
                return Err("`latency` goes with `api = \"slow\"`".into());
            }
            faults.push(Fault::RegionApi {
                region: region.clone(),
                api_of: self.api_of,
                health,
                latency: self.latency.map(HumanDuration::secs),
            });
        }
        if let Some(JobOutcome::Failed) = self.backup_job {
            let vault = self.vault.clone().ok_or("`backup_job` needs a `vault`")?;
            let resource = self
                .resource
                .clone()
                .ok_or("`backup_job` needs a `resource` (an instance id or ARN)")?;
            faults.push(Fault::BackupJobFailed {
                vault,
                resource,
                message: self
                    .message
                    .clone()
                    .unwrap_or_else(|| DEFAULT_JOB_FAILURE.to_string()),
            });
        }
        let no_region = self.region.is_none();
        let no_job = self.backup_job.is_none();
        let stray = [
            (self.api.is_some() && no_region, "api", "region"),
            (self.api_of.is_some() && no_region, "api_of", "region"),
            (self.latency.is_some() && no_region, "latency", "region"),
            (self.clear.is_some() && no_region, "clear", "region"),
            (self.vault.is_some() && no_job, "vault", "backup_job"),
            (self.resource.is_some() && no_job, "resource", "backup_job"),
            (self.message.is_some() && no_job, "message", "backup_job"),
            (
                self.status.is_some() && self.instance.is_none(),
                "status",
                "instance",
            ),
            (
                self.lag.is_some() && self.replica.is_none(),
                "lag",
                "replica",
            ),
            (
                self.over.is_some() && self.replica.is_none(),
                "over",
                "replica",
            ),
            (
                self.state.is_some() && self.alarm.is_none(),
                "state",
                "alarm",
            ),
            (
                self.crash_loop.is_some() && self.service.is_none(),
                "crash_loop",
                "service",
            ),
            (
                self.desired.is_some() && self.service.is_none(),
                "desired",
                "service",
            ),
            (
                self.lasting.is_some() && self.crash_loop.is_none(),
                "lasting",
                "crash_loop",
            ),
        ];
        if let Some((_, key, owner)) = stray.iter().find(|(stray, _, _)| *stray) {
            return Err(format!("`{key}` goes with `{owner}`"));
        }
        let mut faults = faults.into_iter();
        match (faults.next(), faults.next()) {
            (Some(fault), None) => Ok(Inject {
                name: self.name.clone(),
                when,
                fault,
            }),
            (None, _) => Err(
                "say what happens: `instance` + `status`, `replica` + `lag`, `alarm` + `state`, `service` + `crash_loop`, `region` + `api`, or `backup_job` + `vault` + `resource`"
                    .into(),
            ),
            (Some(_), Some(_)) => Err("one inject does one thing; split it in two".into()),
        }
    }
}
