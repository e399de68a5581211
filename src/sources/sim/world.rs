//! The simulated environment. Its state at time t is a pure function of the
//! runbook's environment, the seed, t, and the timed list of operator
//! reactions and injected faults so far: nothing is stepped, so polling
//! more or less often, or jumping straight to `--at 30m`, sees the same
//! world.

use std::collections::BTreeMap;
use std::time::Duration;

use jiff::Timestamp;

use super::noise::Noise;
use super::regions::{self, RegionFault};
use super::{alarms, backups, ecs, rds};
use crate::arn::id_of;
use crate::domain::snapshot::{
    AlarmSnapshot, AlarmState, BackupSnapshot, EcsSnapshot, LiveState, RdsSnapshot, SourceError,
    SourceKind,
};
use crate::drill::Fault;
use crate::runbook::aws_cli::{AwsCommand, TargetKind, parse_commands, restore_target};
use crate::runbook::model::{Environment, Step};
use crate::sources::poller::FETCH_TIMEOUT;
use crate::sources::{FeedKey, Payload};

/// Seconds between replica lag samples: one per simulated RDS poll.
pub const LAG_SAMPLE_SECS: i64 = 2;
/// Samples kept in `lag_history`.
pub const LAG_HISTORY_LEN: usize = 60;
/// Days of history before the world's start (PITR window, backups).
pub const HISTORY_DAYS: i64 = 7;

/// Something that happens from a moment on.
#[derive(Debug, Clone, PartialEq)]
pub struct Timed<T> {
    pub at: Timestamp,
    pub what: T,
}

/// What an operator's command does to the simulated world.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reaction {
    /// A restored instance appears `creating`, then becomes available.
    Restore {
        instance: String,
        source: Option<String>,
        region: Option<String>,
    },
    /// A new read replica appears `creating`, then replicates.
    CreateReplica {
        instance: String,
        source: String,
        region: Option<String>,
    },
    /// A restored (or new) Aurora cluster appears `creating`, then becomes
    /// available.
    RestoreCluster {
        cluster: String,
        region: Option<String>,
    },
    /// The replica goes `modifying`, then stands alone.
    Promote { instance: String },
    /// `rebooting` for a while; a forced failover moves it to another AZ.
    Reboot { instance: String, failover: bool },
    /// A manual snapshot of the instance: `Running`, then `Completed`.
    Snapshot { instance: String, snapshot: String },
    /// An on-demand AWS Backup job into the vault: `Running`, then `Completed`.
    BackupJob { vault: String, resource: String },
    /// A new deployment and/or a new desired count.
    EcsUpdate {
        cluster: String,
        service: String,
        new_deployment: bool,
        task_definition: Option<String>,
        desired: Option<u32>,
    },
}

impl Reaction {
    /// The reaction to one aws CLI invocation, if the simulation models it.
    pub fn from_command(cmd: &AwsCommand) -> Option<Self> {
        let region = cmd.region().map(str::to_string);
        let owned = |name: &str| cmd.flag(name).map(str::to_string);
        match (cmd.service.as_str(), cmd.operation.as_str()) {
            (
                "rds",
                "restore-db-instance-to-point-in-time" | "restore-db-instance-from-db-snapshot",
            ) => Some(Self::Restore {
                instance: owned("target-db-instance-identifier")
                    .or_else(|| owned("db-instance-identifier"))?,
                source: cmd
                    .flag("source-db-instance-identifier")
                    .map(|s| id_of(s).to_string()),
                region,
            }),
            (
                "rds",
                "restore-db-cluster-to-point-in-time"
                | "restore-db-cluster-from-snapshot"
                | "create-db-cluster",
            ) => Some(Self::RestoreCluster {
                cluster: owned("db-cluster-identifier")?,
                region,
            }),
            ("backup", "start-restore-job") => {
                let metadata = cmd.flag("metadata")?;
                match restore_target(metadata)? {
                    (TargetKind::Cluster, id) => Some(Self::RestoreCluster {
                        cluster: id.to_string(),
                        region,
                    }),
                    (TargetKind::Instance, id) => Some(Self::Restore {
                        instance: id.to_string(),
                        source: None,
                        region,
                    }),
                }
            }
            ("rds", "create-db-instance-read-replica") => Some(Self::CreateReplica {
                instance: owned("db-instance-identifier")?,
                source: id_of(cmd.flag("source-db-instance-identifier")?).to_string(),
                region,
            }),
            ("rds", "promote-read-replica") => Some(Self::Promote {
                instance: owned("db-instance-identifier")?,
            }),
            ("rds", "reboot-db-instance") => Some(Self::Reboot {
                instance: owned("db-instance-identifier")?,
                failover: cmd.has("force-failover"),
            }),
            ("rds", "create-db-snapshot") => Some(Self::Snapshot {
                instance: owned("db-instance-identifier")?,
                snapshot: owned("db-snapshot-identifier")?,
            }),
            ("backup", "start-backup-job") => Some(Self::BackupJob {
                vault: owned("backup-vault-name")?,
                resource: owned("resource-arn")?,
            }),
            ("ecs", "update-service") => {
                let desired = cmd.flag("desired-count").and_then(|n| n.parse().ok());
                let task_definition = cmd.flag("task-definition").map(|t| id_of(t).to_string());
                let new_deployment = cmd.has("force-new-deployment") || task_definition.is_some();
                if !new_deployment && desired.is_none() {
                    return None;
                }
                Some(Self::EcsUpdate {
                    cluster: cmd.flag("cluster").map_or("default", id_of).to_string(),
                    service: id_of(cmd.flag("service")?).to_string(),
                    new_deployment,
                    task_definition,
                    desired,
                })
            }
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct SimWorld {
    pub(super) env: Environment,
    pub(super) noise: Noise,
    /// When the simulation began; history (backups, PITR) reaches back
    /// `HISTORY_DAYS` from here.
    pub(super) start: Timestamp,
    /// Operator reactions, in time order.
    pub(super) reactions: Vec<Timed<Reaction>>,
    pub(super) lag_overrides: Vec<Timed<(String, Option<f64>)>>,
    pub(super) alarm_overrides: Vec<Timed<(String, Option<AlarmState>)>>,
    /// Instances held in a status from a drill's inject on.
    pub(super) status_overrides: Vec<Timed<(String, Option<String>)>>,
    /// ECS services whose tasks crash-loop (with why) from then on.
    pub(super) crash_loops: Vec<Timed<(String, Option<String>)>>,
    /// Regions whose APIs fail, are slow or throttled from then on.
    pub(super) region_faults: Vec<Timed<RegionFault>>,
    /// Backup jobs that fail: (vault, resource, status message).
    pub(super) failed_jobs: Vec<Timed<(String, String, String)>>,
    errors: BTreeMap<SourceKind, SourceError>,
}

impl SimWorld {
    pub fn new(env: &Environment, seed: u64, start: Timestamp) -> Self {
        Self {
            env: env.clone(),
            noise: Noise::new(seed),
            start,
            reactions: Vec::new(),
            lag_overrides: Vec::new(),
            alarm_overrides: Vec::new(),
            status_overrides: Vec::new(),
            crash_loops: Vec::new(),
            region_faults: Vec::new(),
            failed_jobs: Vec::new(),
            errors: BTreeMap::new(),
        }
    }

    pub fn start(&self) -> Timestamp {
        self.start
    }

    pub fn rds_at(&self, now: Timestamp) -> RdsSnapshot {
        rds::snapshot(self, now)
    }

    pub fn backups_at(&self, now: Timestamp) -> BackupSnapshot {
        backups::snapshot(self, now)
    }

    pub fn ecs_at(&self, now: Timestamp) -> EcsSnapshot {
        ecs::snapshot(self, now)
    }

    pub fn alarms_at(&self, now: Timestamp) -> AlarmSnapshot {
        alarms::snapshot(self, now)
    }

    /// One kind of data, every region's feed of it at once, as a source
    /// would return it: the kind's error only when no region answered.
    pub fn fetch_at(&self, kind: SourceKind, now: Timestamp) -> Result<Payload, SourceError> {
        let mut live = LiveState::default();
        for key in self.feeds().iter().filter(|k| k.kind == kind) {
            live.apply(key, now, self.fetch_feed_at(key, now, FETCH_TIMEOUT));
        }
        live.answer(kind)
    }

    /// Everything at `now` as a console holds it after one fetch of each feed.
    pub fn live_at(&self, now: Timestamp) -> LiveState {
        let mut live = LiveState::default();
        for key in self.feeds() {
            live.apply(&key, now, self.fetch_feed_at(&key, now, FETCH_TIMEOUT));
        }
        live
    }

    /// The feeds the world is served in: one per kind and region, as the
    /// AWS source's, so a region can fail alone.
    pub fn feeds(&self) -> Vec<FeedKey> {
        regions::feeds(self)
    }

    /// One feed's answer at `now`, or the injected error; calls slower
    /// than `timeout` end in a `Timeout`.
    pub fn fetch_feed_at(
        &self,
        key: &FeedKey,
        now: Timestamp,
        timeout: Duration,
    ) -> Result<Payload, SourceError> {
        if let Some(err) = self.errors.get(&key.kind) {
            return Err(err.clone());
        }
        regions::answer_at(self, key, now, timeout)
    }

    /// How long one fetch of the feed takes at `now` (a `slow` region).
    pub fn delay_at(&self, key: &FeedKey, now: Timestamp) -> Duration {
        regions::delay_at(self, key, now)
    }

    /// The operator confirmed `step` at `at`: every aws command in it that
    /// the simulation models starts its reaction. Returns those reactions.
    pub fn confirm(&mut self, step: &Step, at: Timestamp) -> Vec<Reaction> {
        let found: Vec<Reaction> = parse_commands(&step.commands)
            .iter()
            .filter_map(Reaction::from_command)
            .collect();
        for reaction in &found {
            self.react(reaction.clone(), at);
        }
        found
    }

    /// Records one reaction from `at` on (kept in time order).
    pub fn react(&mut self, what: Reaction, at: Timestamp) {
        insert_in_order(&mut self.reactions, Timed { at, what });
    }

    /// Makes every fetch of `kind` fail with `error` until cleared with `None`.
    pub fn set_error(&mut self, kind: SourceKind, error: Option<SourceError>) {
        match error {
            Some(err) => self.errors.insert(kind, err),
            None => self.errors.remove(&kind),
        };
    }

    /// From `at` on, the replica reports `secs` of lag (`None`: back to
    /// the natural wander). Earlier samples keep their natural values.
    pub fn set_lag_override(&mut self, instance: &str, secs: Option<f64>, at: Timestamp) {
        insert_in_order(
            &mut self.lag_overrides,
            Timed {
                at,
                what: (instance.to_string(), secs),
            },
        );
    }

    /// The same environment and seed begun afresh at `start`: nothing
    /// reacted or injected yet (a resumed drill lays its journal back in).
    pub fn restart(&mut self, start: Timestamp) {
        self.start = start;
        self.reactions.clear();
        self.lag_overrides.clear();
        self.alarm_overrides.clear();
        self.status_overrides.clear();
        self.crash_loops.clear();
        self.errors.clear();
    }

    /// A drill's fault, from `at` on.
    pub fn inject(&mut self, fault: &Fault, at: Timestamp) {
        match fault {
            Fault::InstanceStatus { instance, status } => insert_in_order(
                &mut self.status_overrides,
                Timed {
                    at,
                    what: (instance.clone(), Some(status.clone())),
                },
            ),
            Fault::ReplicaLag { replica, lag, over } => {
                // A straight ramp, one step per lag sample, from the lag
                // the replica shows when it begins.
                let from = rds::lag_at(self, replica, at.as_second());
                let steps = (*over / LAG_SAMPLE_SECS.unsigned_abs()).max(1);
                for k in 1..=steps {
                    let secs = i64::try_from(k)
                        .unwrap_or(i64::MAX)
                        .saturating_mul(LAG_SAMPLE_SECS);
                    let when = at
                        .checked_add(jiff::SignedDuration::from_secs(secs))
                        .unwrap_or(at);
                    let share = k as f64 / steps as f64;
                    let value = from + (*lag as f64 - from) * share;
                    self.set_lag_override(replica, Some(value), when);
                }
            }
            Fault::Alarm { alarm, state } => self.set_alarm_override(alarm, Some(*state), at),
            // As if someone had run `update-service --desired-count`.
            Fault::ServiceScaled { service, desired } => {
                let cluster = self
                    .env
                    .ecs
                    .iter()
                    .find(|e| &e.service == service)
                    .map_or_else(|| "default".to_string(), |e| e.cluster.clone());
                self.react(
                    Reaction::EcsUpdate {
                        cluster,
                        service: service.clone(),
                        new_deployment: false,
                        task_definition: None,
                        desired: Some(*desired),
                    },
                    at,
                );
            }
            Fault::CrashLoop {
                service,
                reason,
                lasting,
            } => {
                insert_in_order(
                    &mut self.crash_loops,
                    Timed {
                        at,
                        what: (service.clone(), Some(reason.clone())),
                    },
                );
                // Ends by itself: ECS keeps the replacements running.
                if let Some(secs) = lasting {
                    let secs = i64::try_from(*secs).unwrap_or(i64::MAX);
                    let end = at
                        .checked_add(jiff::SignedDuration::from_secs(secs))
                        .unwrap_or(Timestamp::MAX);
                    insert_in_order(
                        &mut self.crash_loops,
                        Timed {
                            at: end,
                            what: (service.clone(), None),
                        },
                    );
                }
            }
            Fault::RegionApi {
                region,
                api_of,
                health,
                latency,
            } => insert_in_order(
                &mut self.region_faults,
                Timed {
                    at,
                    what: RegionFault {
                        region: region.clone(),
                        api_of: *api_of,
                        health: *health,
                        latency: *latency,
                    },
                },
            ),
            Fault::BackupJobFailed {
                vault,
                resource,
                message,
            } => insert_in_order(
                &mut self.failed_jobs,
                Timed {
                    at,
                    what: (vault.clone(), resource.clone(), message.clone()),
                },
            ),
        }
    }

    /// From `at` on, the alarm is held in `state` (`None`: back to normal).
    pub fn set_alarm_override(&mut self, alarm: &str, state: Option<AlarmState>, at: Timestamp) {
        insert_in_order(
            &mut self.alarm_overrides,
            Timed {
                at,
                what: (alarm.to_string(), state),
            },
        );
    }
}

/// Appends after every entry at or before `at`, so equal times keep the
/// order they were recorded in.
fn insert_in_order<T>(list: &mut Vec<Timed<T>>, entry: Timed<T>) {
    let pos = list.partition_point(|t| t.at <= entry.at);
    list.insert(pos, entry);
}

/// The latest override for `key` in effect at `now`, if any.
pub(super) fn override_at<'a, V>(
    list: &'a [Timed<(String, Option<V>)>],
    key: &str,
    now: Timestamp,
) -> Option<&'a V> {
    list.iter()
        .take_while(|t| t.at <= now)
        .filter(|t| t.what.0 == key)
        .last()
        .and_then(|t| t.what.1.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reaction(line: &str) -> Option<Reaction> {
        parse_commands(&[line])
            .first()
            .and_then(Reaction::from_command)
    }

    #[test]
    fn commands_map_to_reactions() {
        assert_eq!(
            reaction(
                "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier r1 --db-snapshot-identifier s"
            ),
            Some(Reaction::Restore {
                instance: "r1".into(),
                source: None,
                region: None
            })
        );
        assert_eq!(
            reaction(
                "aws rds create-db-instance-read-replica --db-instance-identifier n --source-db-instance-identifier arn:aws:rds:us-west-2:1:db:old --region us-east-1"
            ),
            Some(Reaction::CreateReplica {
                instance: "n".into(),
                source: "old".into(),
                region: Some("us-east-1".into())
            })
        );
        assert_eq!(
            reaction(
                "aws ecs update-service --cluster arn:aws:ecs:us-east-1:1:cluster/c --service s --task-definition arn:aws:ecs:us-east-1:1:task-definition/app:42"
            ),
            Some(Reaction::EcsUpdate {
                cluster: "c".into(),
                service: "s".into(),
                new_deployment: true,
                task_definition: Some("app:42".into()),
                desired: None
            })
        );
        assert_eq!(
            reaction("aws ecs update-service --cluster c --service s --region us-east-1"),
            None,
            "an update that changes nothing the simulation shows"
        );
        assert_eq!(
            reaction("aws rds wait db-instance-available --db-instance-identifier x"),
            None
        );
    }

    #[test]
    fn overrides_apply_from_their_time_and_can_be_cleared() {
        let t0: Timestamp = "2025-03-10T14:00:00Z".parse().unwrap();
        let t1: Timestamp = "2025-03-10T14:10:00Z".parse().unwrap();
        let mut world = SimWorld::new(&Environment::default(), 1, t0);
        world.set_lag_override("r", Some(90.0), t0);
        world.set_lag_override("r", None, t1);
        let before = "2025-03-10T13:59:59Z".parse().unwrap();
        assert_eq!(override_at(&world.lag_overrides, "r", before), None);
        assert_eq!(override_at(&world.lag_overrides, "r", t0), Some(&90.0));
        assert_eq!(override_at(&world.lag_overrides, "r", t1), None);
        assert_eq!(override_at(&world.lag_overrides, "other", t0), None);
    }
}
