//! What a scenario's data loss rests on, read from the `aws` commands its
//! steps show: a point-in-time restore loses what its source's latest
//! restorable time trails now by; promoting a replica loses the replica's
//! lag; a restore from a snapshot or recovery point loses what was written
//! since the newest one in the region the restore runs in. `ready` judges
//! the RPO on this basis, not on whichever copy happens to be freshest.

use super::readiness::{created_by, restores_from_copy};
use crate::arn::id_of;
use crate::runbook::aws_cli::{AwsCommand, parse_commands};
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::{Runbook, Scenario, Verify};
use crate::runbook::predicates::{PitrCovers, RecoveryPointYoungerThan, ReplicaLagBelow};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RpoBasis {
    /// A point-in-time restore of this instance (or Aurora cluster).
    LatestRestorable { instance: String },
    /// The promotion of this read replica.
    ReplicaLag { instance: String },
    /// A restore from the newest snapshot or recovery point in this region.
    NewestRecoveryPoint { region: String },
}

impl RpoBasis {
    /// The basis of the scenario's first recovery, in step order: a later
    /// one is a fallback (a restore if the promotion fails). A recovery of
    /// something the scenario itself creates cannot be judged beforehand,
    /// so it is passed over. `None` when no step restores or promotes.
    pub fn of(runbook: &Runbook, scenario: &Scenario) -> Option<Self> {
        let commands: Vec<AwsCommand> = scenario
            .steps
            .iter()
            .flat_map(|s| parse_commands(&s.commands))
            .collect();
        let created: Vec<String> = commands.iter().filter_map(created_by).collect();
        commands
            .iter()
            .filter_map(|cmd| Self::of_command(runbook, cmd))
            .find(|basis| match basis {
                Self::LatestRestorable { instance } | Self::ReplicaLag { instance } => {
                    !created.contains(instance)
                }
                Self::NewestRecoveryPoint { .. } => true,
            })
    }

    /// The basis of one command, if it recovers data.
    pub fn of_command(runbook: &Runbook, cmd: &AwsCommand) -> Option<Self> {
        let env = &runbook.environment;
        let named = |flag: &str| cmd.flag(flag).map(|id| id_of(id).to_string());
        if cmd.is("rds", "restore-db-instance-to-point-in-time") {
            // Named by resource id only: the first declared primary.
            let instance = named("source-db-instance-identifier")
                .or_else(|| env.primaries().next().map(str::to_string))?;
            return Some(Self::LatestRestorable { instance });
        }
        if cmd.is("rds", "restore-db-cluster-to-point-in-time") {
            let instance = named("source-db-cluster-identifier")?;
            return Some(Self::LatestRestorable { instance });
        }
        if cmd.is("rds", "promote-read-replica") {
            let instance = named("db-instance-identifier")?;
            return Some(Self::ReplicaLag { instance });
        }
        if restores_from_copy(cmd) {
            let region = env.region_of(cmd.region()).to_string();
            return Some(Self::NewestRecoveryPoint { region });
        }
        None
    }

    /// What the loss rests on, e.g. "replica lag of db-replica".
    pub fn describe(&self) -> String {
        match self {
            Self::LatestRestorable { instance } => {
                format!("latest restorable time of {instance}")
            }
            Self::ReplicaLag { instance } => format!("replica lag of {instance}"),
            Self::NewestRecoveryPoint { region } => format!("newest recovery point in {region}"),
        }
    }

    /// The check that the loss on this basis is within `rpo`. For a
    /// point-in-time restore: the window reaches back to now − RPO, which
    /// holds exactly when the latest restorable time is no older than the
    /// RPO (the window's start lies days back).
    pub fn check(&self, rpo: HumanDuration) -> Verify {
        match self {
            Self::LatestRestorable { instance } => Verify::PitrCovers(PitrCovers {
                instance: instance.clone(),
                before_incident: rpo,
            }),
            Self::ReplicaLag { instance } => Verify::ReplicaLagBelow(ReplicaLagBelow {
                instance: instance.clone(),
                max: rpo,
            }),
            Self::NewestRecoveryPoint { region } => {
                Verify::RecoveryPointYoungerThan(RecoveryPointYoungerThan {
                    vault: None,
                    resource: None,
                    region: Some(region.clone()),
                    max_age: rpo,
                })
            }
        }
    }

    /// The line a readiness table shows for the check.
    pub fn label(&self, rpo: HumanDuration) -> String {
        format!("RPO basis: {}, within {rpo}", self.describe())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::load::parse;

    /// A runbook with a primary in us-east-1, a replica in us-west-2 (the
    /// DR region), and one scenario whose steps show `commands` in order.
    fn basis(commands: &[&str]) -> Option<RpoBasis> {
        let steps: String = commands
            .iter()
            .enumerate()
            .map(|(i, c)| {
                format!("[[scenario.step]]\nid = \"s{i}\"\ntitle = \"s\"\ncommands = ['{c}']\n")
            })
            .collect();
        let text = format!(
            r#"
name = "t"
[objectives]
rto = "1h"
rpo = "15m"
[environment]
regions = {{ primary = "us-east-1", dr = "us-west-2" }}
rds = [
  {{ id = "db" }},
  {{ id = "db-replica", region = "us-west-2", role = "replica", source = "db" }},
]
[[scenario]]
id = "s"
title = "s"
{steps}"#
        );
        let (runbook, _) = parse(&text, "t.toml").unwrap();
        RpoBasis::of(&runbook, &runbook.scenarios[0])
    }

    fn pitr(instance: &str) -> Option<RpoBasis> {
        Some(RpoBasis::LatestRestorable {
            instance: instance.into(),
        })
    }

    #[test]
    fn a_point_in_time_restore_rests_on_its_sources_latest_restorable_time() {
        assert_eq!(
            basis(&[
                "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier arn:aws:rds:us-east-1:1:db:db --target-db-instance-identifier db-2 --use-latest-restorable-time"
            ]),
            pitr("db")
        );
        // Named by resource id only: the declared primary.
        assert_eq!(
            basis(&[
                "aws rds restore-db-instance-to-point-in-time --source-dbi-resource-id db-XYZ --target-db-instance-identifier db-2"
            ]),
            pitr("db")
        );
        assert_eq!(
            basis(&[
                "aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier orders --db-cluster-identifier orders-2 --use-latest-restorable-time"
            ]),
            pitr("orders")
        );
    }

    #[test]
    fn a_promotion_rests_on_the_replicas_lag() {
        let promoted = basis(&[
            "aws rds describe-db-instances --db-instance-identifier db-replica --region us-west-2",
            "aws rds promote-read-replica --db-instance-identifier db-replica --region us-west-2",
        ]);
        assert_eq!(
            promoted,
            Some(RpoBasis::ReplicaLag {
                instance: "db-replica".into()
            })
        );
        assert_eq!(
            promoted.unwrap().label(HumanDuration::from_mins(5)),
            "RPO basis: replica lag of db-replica, within 5m"
        );
    }

    #[test]
    fn a_restore_from_a_copy_rests_on_the_newest_point_in_its_region() {
        let in_dr = |cmd: &str| basis(&[cmd]).map(|b| b.check(HumanDuration::from_hours(1)));
        let region = |r: &str| {
            Some(Verify::RecoveryPointYoungerThan(RecoveryPointYoungerThan {
                vault: None,
                resource: None,
                region: Some(r.into()),
                max_age: HumanDuration::from_hours(1),
            }))
        };
        assert_eq!(
            in_dr(
                "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier db-dr --db-snapshot-identifier copy --region us-west-2"
            ),
            region("us-west-2")
        );
        assert_eq!(
            in_dr(
                "aws backup start-restore-job --recovery-point-arn arn:x --iam-role-arn arn:y --metadata file://m.json --region us-west-2"
            ),
            region("us-west-2")
        );
        // Without --region it runs in the primary region.
        assert_eq!(
            in_dr(
                "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier db-2 --db-snapshot-identifier snap"
            ),
            region("us-east-1")
        );
    }

    #[test]
    fn the_first_recovery_in_step_order_is_the_basis() {
        assert_eq!(
            basis(&[
                "aws rds promote-read-replica --db-instance-identifier db-replica --region us-west-2",
                "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier db --target-db-instance-identifier db-2",
            ]),
            Some(RpoBasis::ReplicaLag {
                instance: "db-replica".into()
            })
        );
    }

    #[test]
    fn no_recovery_or_only_of_what_the_scenario_creates_has_no_basis() {
        assert_eq!(basis(&["echo no aws command here"]), None);
        assert_eq!(
            basis(&[
                "aws rds reboot-db-instance --db-instance-identifier db --force-failover",
                "aws ecs update-service --cluster c --service s --force-new-deployment",
                "aws route53 change-resource-record-sets --hosted-zone-id Z --change-batch file://x.json",
            ]),
            None
        );
        assert_eq!(
            basis(&[
                "aws rds create-db-instance-read-replica --db-instance-identifier db-new --source-db-instance-identifier db-replica",
                "aws rds promote-read-replica --db-instance-identifier db-new",
            ]),
            None
        );
    }
}
