//! Verify predicates a scenario's commands make obvious: a restore or a new
//! instance or cluster should become `available`, a promoted replica should
//! stand alone, an updated ECS service should settle, and a described
//! resource should show the status the plan expects. A wait after a
//! promotion or a global failover checks that, not a status the replica
//! already had before it.

use std::collections::BTreeSet;

use super::draft::DraftStep;
use super::environment::{is_concrete, restore_target};
use crate::arn::id_of;
use crate::runbook::aws_cli::{AwsCommand, parse_text};
use crate::runbook::model::Verify;
use crate::runbook::predicates::{EcsStable, InstancePromoted, InstanceStatus};

/// What a step's commands check, and what they do that nothing can check.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct StepChecks {
    pub checks: Vec<Verify>,
    /// Sentences for the report: actions with no predicate to judge them.
    pub unchecked: Vec<String>,
}

/// The checks of each step of a scenario, in order: a step's wait or
/// describe on a database an earlier command promoted (or failed over
/// to) checks the promotion.
pub fn infer_scenario(steps: &[DraftStep]) -> Vec<StepChecks> {
    let mut before = Earlier::default();
    steps
        .iter()
        .map(|step| infer_step(step, &mut before))
        .collect()
}

/// What earlier commands of the scenario did to databases.
#[derive(Default)]
struct Earlier {
    promoted: BTreeSet<String>,
    /// Global database clusters failed over to: they were available before
    /// and no predicate tells a global writer from a secondary.
    failed_over: std::collections::BTreeMap<String, Becomes>,
}

/// One step's checks, after what earlier commands did.
fn infer_step(step: &DraftStep, before: &mut Earlier) -> StepChecks {
    let mut out = StepChecks::default();
    let expects_available = expects_available(&step.detail);
    for inv in step.commands.iter().flat_map(|c| parse_text(&c.text)) {
        let check = match command_check(&inv, expects_available) {
            Some(Check::Status(id)) if before.promoted.contains(&id) => promoted_check(id),
            // The plan's own "Expected: available" is checked as written;
            // only a status inferred from a wait is withheld.
            Some(Check::Status(id))
                if before.failed_over.contains_key(&id) && expects_available =>
            {
                out.unchecked.push(format!(
                    "cluster {id} is checked for the status the plan expects; it is available before the {} too, and no predicate checks that it became the writer",
                    event(before.failed_over.get(&id))
                ));
                Verify::InstanceStatus(InstanceStatus {
                    instance: id,
                    status: "available".to_owned(),
                })
            }
            Some(Check::Status(id)) if before.failed_over.contains_key(&id) => {
                out.unchecked.push(format!(
                    "cluster {id} is available before the {} too, and no predicate checks that it became the writer; no verify for this step",
                    event(before.failed_over.get(&id))
                ));
                continue;
            }
            Some(Check::Status(id)) => Verify::InstanceStatus(InstanceStatus {
                instance: id,
                status: "available".to_owned(),
            }),
            Some(Check::Promoted(id)) => {
                before.promoted.insert(id.clone());
                promoted_check(id)
            }
            Some(Check::GlobalWriter(id, how)) => {
                out.unchecked.push(format!(
                    "{}: no predicate checks that it became the writer",
                    becomes(&id, how)
                ));
                before.failed_over.insert(id, how);
                continue;
            }
            Some(Check::EcsStable(check)) => Verify::EcsStable(check),
            Some(Check::Unchecked(why)) => {
                out.unchecked.push(why);
                continue;
            }
            None => continue,
        };
        if !out.checks.contains(&check) {
            out.checks.push(check);
        }
    }
    out
}

fn promoted_check(instance: String) -> Verify {
    Verify::InstancePromoted(InstancePromoted { instance })
}

/// What one command calls for.
enum Check {
    /// The instance or cluster becomes (or is expected to be) available.
    Status(String),
    /// The instance or cluster stands alone as a primary (writer).
    Promoted(String),
    /// The cluster becomes its global database's writer (a failover to
    /// it) or a standalone writer (detached from it).
    GlobalWriter(String, Becomes),
    EcsStable(EcsStable),
    Unchecked(String),
}

#[derive(Clone, Copy)]
enum Becomes {
    Writer,
    Detached,
}

/// "global failover to cluster x", "cluster x detached from its global
/// database": what the report says nothing checks.
fn becomes(id: &str, how: Becomes) -> String {
    match how {
        Becomes::Writer => format!("global failover to cluster {id}"),
        Becomes::Detached => format!("cluster {id} detached from its global database"),
    }
}

fn event(how: Option<&Becomes>) -> &'static str {
    match how {
        Some(Becomes::Detached) => "detach",
        _ => "global failover",
    }
}

fn named(id: Option<&str>) -> Option<String> {
    id.map(id_of).filter(|i| is_concrete(i)).map(str::to_owned)
}

fn command_check(inv: &AwsCommand, expects_available: bool) -> Option<Check> {
    let (service, op) = (inv.service.as_str(), inv.operation.as_str());
    let waiter = inv.positional.first().map(String::as_str);
    let instance = || named(inv.flag("db-instance-identifier"));
    let cluster = || named(inv.flag("db-cluster-identifier"));
    match (service, op) {
        ("rds", op) if op.starts_with("restore-db-instance") => named(
            inv.flag("target-db-instance-identifier")
                .or_else(|| inv.flag("db-instance-identifier")),
        )
        .map(Check::Status),
        ("rds", "create-db-instance" | "create-db-instance-read-replica") => {
            instance().map(Check::Status)
        }
        ("rds", op) if op.starts_with("restore-db-cluster") || op == "create-db-cluster" => {
            cluster().map(Check::Status)
        }
        ("rds", "wait") if waiter == Some("db-instance-available") => instance().map(Check::Status),
        ("rds", "wait") if waiter == Some("db-cluster-available") => cluster().map(Check::Status),
        ("rds", "describe-db-instances") if expects_available => instance().map(Check::Status),
        ("rds", "describe-db-clusters") if expects_available => cluster().map(Check::Status),
        ("rds", "promote-read-replica") => instance().map(Check::Promoted),
        ("rds", "promote-read-replica-db-cluster") => cluster().map(Check::Promoted),
        // A global secondary has no replication source to lose (its
        // membership is the global cluster's), so `instance_promoted`
        // would be met before the failover.
        ("rds", "failover-global-cluster" | "switchover-global-cluster") => {
            named(inv.flag("target-db-cluster-identifier"))
                .map(|id| Check::GlobalWriter(id, Becomes::Writer))
        }
        // Detaching promotes the secondary to a standalone writer; as with a
        // failover, nothing it had before tells it apart.
        ("rds", "remove-from-global-cluster") => {
            cluster().map(|id| Check::GlobalWriter(id, Becomes::Detached))
        }
        ("rds", "failover-db-cluster") => cluster().map(|c| {
            Check::Unchecked(format!(
                "failover of Aurora cluster {c} to another instance: no predicate checks which instance is its writer"
            ))
        }),
        ("backup", "start-restore-job") => inv
            .values("metadata")
            .iter()
            .find_map(|m| restore_target(m))
            .and_then(|(_, id)| named(Some(id)))
            .map(Check::Status),
        ("ecs", "update-service") => match (inv.flag("cluster"), inv.flag("service")) {
            (Some(c), Some(s)) if is_concrete(c) && is_concrete(s) => {
                Some(Check::EcsStable(EcsStable {
                    cluster: c.to_owned(),
                    service: s.to_owned(),
                    // Scaling to a count: stable at that count, so the
                    // check is not met before the scaling ran.
                    desired: inv.flag("desired-count").and_then(|n| n.parse().ok()),
                }))
            }
            _ => None,
        },
        _ => None,
    }
}

/// "Expected: available", "should return `available`", "Status should be
/// available": the step's text says what a describe call should show.
fn expects_available(detail: &[String]) -> bool {
    detail.iter().any(|line| {
        let lower = line.to_ascii_lowercase();
        lower.contains("available")
            && ["expect", "should", "must", "wait until", "until"]
                .iter()
                .any(|w| lower.contains(w))
    })
}

/// One predicate, or all of several.
pub fn combine(mut checks: Vec<Verify>) -> Option<Verify> {
    match checks.len() {
        0 => None,
        1 => checks.pop(),
        _ => Some(Verify::All(checks)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::import::draft::Command;

    fn step(title: &str, commands: &[&str], detail: &[&str]) -> DraftStep {
        let mut s = DraftStep::new(title, 1);
        s.commands = commands
            .iter()
            .map(|c| Command {
                line: 1,
                text: (*c).to_owned(),
            })
            .collect();
        s.detail = detail.iter().map(|d| (*d).to_owned()).collect();
        s
    }

    fn status(id: &str) -> Verify {
        Verify::InstanceStatus(InstanceStatus {
            instance: id.to_owned(),
            status: "available".to_owned(),
        })
    }

    fn promoted(id: &str) -> Verify {
        promoted_check(id.to_owned())
    }

    #[test]
    fn a_wait_after_a_promotion_checks_the_promotion() {
        let steps = [
            step(
                "Promote",
                &["aws rds promote-read-replica --db-instance-identifier app-replica"],
                &[],
            ),
            step(
                "Wait",
                &["aws rds wait db-instance-available --db-instance-identifier app-replica"],
                &[],
            ),
            step(
                "Wait for another",
                &["aws rds wait db-instance-available --db-instance-identifier other-db"],
                &[],
            ),
        ];
        let checks: Vec<Vec<Verify>> = infer_scenario(&steps)
            .into_iter()
            .map(|s| s.checks)
            .collect();
        assert_eq!(
            checks,
            [
                vec![promoted("app-replica")],
                vec![promoted("app-replica")],
                vec![status("other-db")]
            ]
        );
    }

    #[test]
    fn a_wait_before_any_promotion_checks_the_status() {
        let steps = [step(
            "Wait",
            &["aws rds wait db-instance-available --db-instance-identifier app-replica"],
            &[],
        )];
        assert_eq!(infer_scenario(&steps)[0].checks, [status("app-replica")]);
    }

    #[test]
    fn global_failover_and_a_wait_after_it_are_reported_not_checked() {
        let steps = [
            step(
                "Check",
                &["aws rds describe-db-clusters --db-cluster-identifier orders-west"],
                &["Expected: `available`"],
            ),
            step(
                "Fail over",
                &[
                    "aws rds failover-global-cluster --global-cluster-identifier g \
                   --target-db-cluster-identifier arn:aws:rds:us-west-2:123456789012:cluster:orders-west",
                ],
                &[],
            ),
            step(
                "Wait",
                &["aws rds wait db-cluster-available --db-cluster-identifier orders-west"],
                &[],
            ),
        ];
        let got = infer_scenario(&steps);
        let checks: Vec<&[Verify]> = got.iter().map(|s| s.checks.as_slice()).collect();
        assert_eq!(checks, [&[status("orders-west")][..], &[], &[]]);
        assert_eq!(
            got[1].unchecked,
            [
                "global failover to cluster orders-west: no predicate checks that it became the writer"
            ]
        );
        assert_eq!(
            got[2].unchecked,
            [
                "cluster orders-west is available before the global failover too, and no predicate checks that it became the writer; no verify for this step"
            ]
        );
    }

    /// Detaching a secondary from its global database promotes it, but
    /// nothing seen before the detach tells it apart: neither the detach nor
    /// a wait in the same step is checked.
    #[test]
    fn a_detach_from_a_global_database_and_its_wait_are_reported_not_checked() {
        let steps = [step(
            "Detach and promote",
            &[
                "aws rds remove-from-global-cluster --global-cluster-identifier g \
                 --db-cluster-identifier arn:aws:rds:us-west-2:123456789012:cluster:orders-west",
                "aws rds wait db-cluster-available --db-cluster-identifier orders-west",
            ],
            &[],
        )];
        let got = infer_scenario(&steps);
        assert_eq!(got[0].checks, []);
        assert_eq!(
            got[0].unchecked,
            [
                "cluster orders-west detached from its global database: no predicate checks that it became the writer",
                "cluster orders-west is available before the detach too, and no predicate checks that it became the writer; no verify for this step"
            ]
        );
    }

    #[test]
    fn a_promoted_replica_cluster_is_checked_by_its_promotion() {
        let steps = [
            step(
                "Promote",
                &["aws rds promote-read-replica-db-cluster --db-cluster-identifier orders-replica"],
                &[],
            ),
            step(
                "Wait",
                &["aws rds wait db-cluster-available --db-cluster-identifier orders-replica"],
                &[],
            ),
        ];
        let checks: Vec<Vec<Verify>> = infer_scenario(&steps)
            .into_iter()
            .map(|s| s.checks)
            .collect();
        assert_eq!(
            checks,
            [
                vec![promoted("orders-replica")],
                vec![promoted("orders-replica")]
            ]
        );
    }

    #[test]
    fn restores_check_their_targets() {
        let steps = [
            step(
                "Restore the cluster",
                &[
                    "aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier orders \
                   --db-cluster-identifier orders-pitr --restore-to-time 2026-01-01T00:00:00Z",
                ],
                &[],
            ),
            step(
                "Restore from the vault",
                &[
                    r#"aws backup start-restore-job --recovery-point-arn arn:aws:rds:us-east-1:1:cluster-snapshot:x --metadata '{"DBClusterIdentifier":"orders-vault","Engine":"aurora-postgresql"}'"#,
                ],
                &[],
            ),
            step(
                "Restore an instance",
                &[
                    "aws backup start-restore-job --recovery-point-arn $RECOVERY_POINT_ARN --metadata DBInstanceIdentifier=app-restored,Engine=postgres",
                ],
                &[],
            ),
            step(
                "Placeholder target",
                &["aws backup start-restore-job --metadata DBClusterIdentifier=$TARGET"],
                &[],
            ),
        ];
        let checks: Vec<Vec<Verify>> = infer_scenario(&steps)
            .into_iter()
            .map(|s| s.checks)
            .collect();
        assert_eq!(
            checks,
            [
                vec![status("orders-pitr")],
                vec![status("orders-vault")],
                vec![status("app-restored")],
                vec![]
            ]
        );
    }

    #[test]
    fn a_describe_checks_only_when_the_plan_says_what_to_expect() {
        let describe = ["aws rds describe-db-instances --db-instance-identifier app-db"];
        let with = [step("Check", &describe, &["It should return `available`."])];
        let without = [step("Check", &describe, &["Look at the output."])];
        assert_eq!(infer_scenario(&with)[0].checks, [status("app-db")]);
        assert_eq!(infer_scenario(&without)[0].checks, []);
    }

    #[test]
    fn an_instance_failover_of_a_cluster_is_reported_unchecked() {
        let steps = [step(
            "Fail over",
            &[
                "aws rds failover-db-cluster --db-cluster-identifier orders --target-db-instance-identifier orders-2",
            ],
            &[],
        )];
        let got = &infer_scenario(&steps)[0];
        assert_eq!(got.checks, []);
        assert_eq!(
            got.unchecked,
            [
                "failover of Aurora cluster orders to another instance: no predicate checks which instance is its writer"
            ]
        );
    }
}
