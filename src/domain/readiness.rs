//! Readiness: whether the environment allows a scenario right now. The
//! checks are the scenario's own `ready` list, or else derived from the
//! environment and from what the scenario's steps do (their aws commands
//! and verify predicates). Either way the RPO is judged on the basis the
//! scenario's recovery uses (`rpo_basis`). Judging reuses
//! `verify::evaluate`, so a readiness check and a step's check can never
//! disagree.

use std::collections::BTreeSet;

use serde::Serialize;

use super::health::Limits;
use super::regions::{RegionHealth, region_health};
use super::rpo_basis::RpoBasis;
use super::snapshot::LiveState;
use super::verify::{Evidence, Outcome, VerifyContext, evaluate};
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::{Runbook, Scenario, Verify};
use crate::runbook::predicates::{
    EcsServiceExists, InstanceExists, InstancePromoted, Node, PitrCovers, RecoveryPointYoungerThan,
    Watched,
};
// The same reader the simulator uses to react to commands: one idea of what
// an aws CLI line does. It is a plain parser with no simulation in it.
use crate::arn::id_of;
use crate::runbook::aws_cli::{AwsCommand, parse_commands};

/// How far back a point-in-time restore must reach when the scenario does
/// not say: RDS's latest restorable time trails now by up to five minutes.
pub const DEFAULT_PITR_MARGIN: HumanDuration = HumanDuration::from_mins(5);

/// One thing that must hold for the scenario to be runnable.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadyCheck {
    pub label: String,
    /// True when derived from the environment, false when the scenario's
    /// `ready` list states it.
    pub derived: bool,
    pub check: Verify,
    /// What the RPO is judged on, when this is the RPO check, e.g.
    /// "replica lag of db-replica".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rpo_basis: Option<String>,
}

/// Every check with the evidence it was judged on.
#[derive(Debug, Clone, PartialEq)]
pub struct Readiness {
    /// Every check is met; an unknown one (missing data) is not ready.
    pub ready: bool,
    pub results: Vec<(ReadyCheck, Evidence)>,
    /// The health of the runbook's regions when judged: context, not a
    /// check (a lost primary is the regional scenarios' very premise), and
    /// all there is to see for a recovery drconsole cannot check.
    pub regions: Vec<RegionHealth>,
}

impl Readiness {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.results
            .iter()
            .filter(|(_, e)| e.outcome == outcome)
            .count()
    }
}

/// The scenario's readiness checks: its own `ready` list when it has one,
/// else derived (see the module docs and docs/ready.md).
pub fn checks_for(runbook: &Runbook, scenario: &Scenario) -> Vec<ReadyCheck> {
    let mut checks = Checks::default();
    let basis = RpoBasis::of(runbook, scenario);
    if scenario.ready.is_empty() {
        derive(runbook, scenario, basis.as_ref(), &mut checks);
    } else {
        for check in &scenario.ready {
            checks.push(label(check), check.clone(), false);
        }
        if let Some(basis) = &basis {
            checks.push_rpo(basis, scenario.rpo(&runbook.objectives));
        }
    }
    checks.0
}

/// Judges every check against one snapshot.
pub fn judge(
    checks: &[ReadyCheck],
    regions: &[&str],
    live: &LiveState,
    ctx: VerifyContext,
) -> Readiness {
    let results: Vec<(ReadyCheck, Evidence)> = checks
        .iter()
        .map(|c| (c.clone(), evaluate(&c.check, live, ctx)))
        .collect();
    Readiness {
        ready: results.iter().all(|(_, e)| e.outcome == Outcome::Met),
        results,
        regions: region_health(regions, live),
    }
}

/// `checks_for` then `judge`: what a readiness overlay shows.
pub fn assess(
    runbook: &Runbook,
    scenario: &Scenario,
    live: &LiveState,
    ctx: VerifyContext,
) -> Readiness {
    let regions = runbook.environment.regions.watched();
    judge(&checks_for(runbook, scenario), &regions, live, ctx)
}

/// Checks in order, without repeats.
#[derive(Default)]
struct Checks(Vec<ReadyCheck>);

impl Checks {
    fn push(&mut self, label: String, check: Verify, derived: bool) {
        if !self.0.iter().any(|c| c.check == check) {
            self.0.push(ReadyCheck {
                label,
                check,
                derived,
                rpo_basis: None,
            });
        }
    }

    /// The RPO judged on `basis`; a check already there that asks the same
    /// is relabelled rather than repeated.
    fn push_rpo(&mut self, basis: &RpoBasis, rpo: HumanDuration) {
        let check = basis.check(rpo);
        let label = basis.label(rpo);
        let rpo_basis = Some(basis.describe());
        match self.0.iter_mut().find(|c| c.check == check) {
            Some(found) => {
                found.label = label;
                found.rpo_basis = rpo_basis;
            }
            None => self.0.push(ReadyCheck {
                label,
                check,
                derived: true,
                rpo_basis,
            }),
        }
    }
}

fn derive(runbook: &Runbook, scenario: &Scenario, basis: Option<&RpoBasis>, checks: &mut Checks) {
    let uses = Uses::of(runbook, scenario);

    for (instance, margin) in &uses.pitr {
        let check = Verify::PitrCovers(PitrCovers {
            instance: instance.clone(),
            before_incident: *margin,
        });
        checks.push(label(&check), check, true);
    }

    for replica in &uses.promoted {
        let exists = Verify::InstanceExists(InstanceExists {
            instance: replica.clone(),
        });
        checks.push(format!("replica {replica} exists"), exists, true);
    }

    // The data lost is judged once, on what the recovery restores from. A
    // scenario that restores nothing (a failover within the region, a
    // redeploy) has no RPO check: the backup cadence is not its question.
    if let Some(basis) = basis {
        checks.push_rpo(basis, scenario.rpo(&runbook.objectives));
    }

    if let Some(dr) = &uses.restores_in_dr {
        // Existence, with the staleness bound; unless the RPO check above
        // already asks for a recovery point there.
        let max_age = Limits::from_runbook(runbook).recovery_point_age;
        let check = recovery_point(dr, max_age);
        let judged =
            matches!(basis, Some(RpoBasis::NewestRecoveryPoint { region }) if region == dr);
        if !judged {
            checks.push(label(&check), check, true);
        }
    }

    for (cluster, service) in &uses.ecs {
        let check = Verify::EcsServiceExists(EcsServiceExists {
            cluster: cluster.clone(),
            service: service.clone(),
        });
        checks.push(label(&check), check, true);
    }
}

/// A completed recovery point in `region`, of any vault, younger than `max_age`.
fn recovery_point(region: &str, max_age: HumanDuration) -> Verify {
    Verify::RecoveryPointYoungerThan(RecoveryPointYoungerThan {
        vault: None,
        resource: None,
        region: Some(region.to_string()),
        max_age,
    })
}

/// What a scenario's steps do, as far as readiness cares.
#[derive(Debug, Default)]
struct Uses {
    /// Instances restored to a point in time, with how far back they reach.
    pitr: Vec<(String, HumanDuration)>,
    /// Replicas promoted to primaries.
    promoted: Vec<String>,
    /// The DR region, when the scenario restores from a snapshot or backup there.
    restores_in_dr: Option<String>,
    /// ECS services (cluster, service) the scenario touches.
    ecs: Vec<(String, String)>,
}

impl Uses {
    fn of(runbook: &Runbook, scenario: &Scenario) -> Self {
        let env = &runbook.environment;
        let commands: Vec<AwsCommand> = scenario
            .steps
            .iter()
            .flat_map(|s| parse_commands(&s.commands))
            .collect();
        let verifies: Vec<&Verify> = scenario
            .steps
            .iter()
            .filter_map(|s| s.verify.as_ref())
            .flat_map(Verify::leaves)
            .collect();
        // What the scenario creates cannot be required to exist beforehand.
        let created: BTreeSet<String> = commands.iter().filter_map(created_by).collect();
        let dr = env
            .regions
            .dr
            .as_deref()
            .filter(|dr| *dr != env.regions.primary);

        let mut uses = Uses::default();

        // A margin a step states wins over the default for that instance.
        let mut stated: Vec<(String, HumanDuration)> = Vec::new();
        for v in &verifies {
            if let Verify::PitrCovers(PitrCovers {
                instance,
                before_incident,
            }) = v
            {
                add(&mut stated, (instance.clone(), *before_incident));
            }
        }
        let mut defaulted: Vec<(String, HumanDuration)> = Vec::new();
        for cmd in commands
            .iter()
            .filter(|c| c.is("rds", "restore-db-instance-to-point-in-time"))
        {
            let sources: Vec<String> = match cmd.flag("source-db-instance-identifier") {
                Some(id) => vec![id_of(id).to_string()],
                None => env.primaries().map(str::to_string).collect(),
            };
            for source in sources {
                add(&mut defaulted, (source, DEFAULT_PITR_MARGIN));
            }
        }
        defaulted.retain(|(id, _)| !stated.iter().any(|(s, _)| s == id));
        uses.pitr = defaulted.into_iter().chain(stated).collect();

        for cmd in commands
            .iter()
            .filter(|c| c.is("rds", "promote-read-replica"))
        {
            if let Some(id) = cmd.flag("db-instance-identifier") {
                add(&mut uses.promoted, id_of(id).to_string());
            }
        }
        for v in &verifies {
            if let Verify::InstancePromoted(InstancePromoted { instance }) = v {
                add(&mut uses.promoted, instance.clone());
            }
        }
        uses.promoted.retain(|id| !created.contains(id));

        if let Some(dr) = dr
            && commands
                .iter()
                .any(|c| restores_from_copy(c) && c.region() == Some(dr))
        {
            uses.restores_in_dr = Some(dr.to_string());
        }

        for cmd in commands.iter().filter(|c| c.service == "ecs") {
            let services = cmd.values_of_any(&["service", "services"]);
            for service in services.iter().map(|s| id_of(s)) {
                let cluster = match cmd.flag("cluster") {
                    Some(cluster) => id_of(cluster).to_string(),
                    // AWS's default cluster, unless the environment places the service.
                    None => env
                        .ecs
                        .iter()
                        .find(|e| e.service == service)
                        .map_or_else(|| "default".to_string(), |e| e.cluster.clone()),
                };
                add(&mut uses.ecs, (cluster, service.to_string()));
            }
        }
        for watched in verifies.iter().flat_map(|v| v.watches()) {
            if let Watched::EcsService(cluster, service) = watched {
                add(&mut uses.ecs, (cluster.to_string(), service.to_string()));
            }
        }
        uses.ecs.retain(|(_, service)| !created.contains(service));
        uses
    }
}

fn add<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The resource a command brings into being, if it creates one.
pub(super) fn created_by(cmd: &AwsCommand) -> Option<String> {
    let flag = match (cmd.service.as_str(), cmd.operation.as_str()) {
        ("rds", op) if op.starts_with("restore-db-instance") => "target-db-instance-identifier",
        ("rds", "create-db-instance" | "create-db-instance-read-replica") => {
            "db-instance-identifier"
        }
        ("ecs", "create-service") => "service-name",
        _ => return None,
    };
    // Restores from a snapshot name their new instance with the plain flag.
    cmd.flag(flag)
        .or_else(|| {
            cmd.flag("db-instance-identifier")
                .filter(|_| cmd.service == "rds")
        })
        .map(|id| id_of(id).to_string())
}

/// A restore from a snapshot or a backup (not from a live instance's log).
pub(super) fn restores_from_copy(cmd: &AwsCommand) -> bool {
    cmd.is("rds", "restore-db-instance-from-db-snapshot")
        || cmd.is("rds", "restore-db-cluster-from-snapshot")
        || cmd.is("backup", "start-restore-job")
}

/// A readable sentence for any check, e.g.
/// "PITR window of rally-prod-db covers now − 5m".
pub fn label(check: &Verify) -> String {
    let joined = |parts: &[Verify]| parts.iter().map(label).collect::<Vec<_>>().join("; ");
    match check.node() {
        Node::Leaf(predicate) => predicate.label(),
        Node::All(parts) => format!("all of: {}", joined(parts)),
        Node::Any(parts) => format!("any of: {}", joined(parts)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::model::{EcsSpec, Objectives, RdsRole, RdsSpec, Regions, Step};

    fn runbook(steps: Vec<Step>) -> (Runbook, Scenario) {
        let rds = |id: &str| RdsSpec {
            id: id.into(),
            region: None,
            role: RdsRole::Primary,
            source: None,
            engine: None,
        };
        let runbook = Runbook {
            name: "t".into(),
            description: None,
            objectives: Objectives {
                rto: HumanDuration::from_hours(1),
                rpo: HumanDuration::from_hours(1),
            },
            share: None,
            environment: crate::runbook::model::Environment {
                regions: Regions {
                    primary: "us-east-1".into(),
                    dr: None,
                },
                rds: vec![rds("a"), rds("b")],
                ecs: vec![EcsSpec {
                    cluster: "main".into(),
                    service: "web".into(),
                    region: None,
                }],
                ..Default::default()
            },
            scenarios: vec![],
        };
        let scenario = Scenario {
            id: "s".into(),
            title: "s".into(),
            description: None,
            rto: None,
            rpo: None,
            steps,
            ready: vec![],
        };
        (runbook, scenario)
    }

    fn step(command: &str) -> Step {
        Step {
            id: "x".into(),
            title: "x".into(),
            detail: None,
            role: None,
            commands: vec![command.into()],
            expected: None,
            verify: None,
        }
    }

    fn labels_for(steps: Vec<Step>) -> Vec<String> {
        let (runbook, scenario) = runbook(steps);
        checks_for(&runbook, &scenario)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    #[test]
    fn a_restore_without_a_named_source_covers_every_primary() {
        let labels = labels_for(vec![step(
            "aws rds restore-db-instance-to-point-in-time --source-dbi-resource-id db-XYZ --target-db-instance-identifier new --use-latest-restorable-time",
        )]);
        assert_eq!(
            labels[..2],
            [
                "PITR window of a covers now − 5m",
                "PITR window of b covers now − 5m"
            ]
        );
    }

    #[test]
    fn an_ecs_command_without_a_cluster_uses_the_declared_one_else_default() {
        let labels = labels_for(vec![
            step("aws ecs update-service --service web --force-new-deployment"),
            step("aws ecs update-service --service other --force-new-deployment"),
            step("aws ecs create-service --cluster main --service-name fresh"),
            step("aws ecs update-service --cluster main --service fresh --desired-count 2"),
        ]);
        assert!(labels.contains(&"ECS service main/web exists".to_string()));
        assert!(labels.contains(&"ECS service default/other exists".to_string()));
        assert!(
            !labels.iter().any(|l| l.contains("fresh")),
            "created by the scenario: {labels:?}"
        );
    }

    #[test]
    fn a_replica_the_scenario_creates_is_not_required_beforehand() {
        let labels = labels_for(vec![
            step(
                "aws rds create-db-instance-read-replica --db-instance-identifier r --source-db-instance-identifier a",
            ),
            step("aws rds promote-read-replica --db-instance-identifier r"),
        ]);
        assert!(!labels.iter().any(|l| l.contains(" r ")), "{labels:?}");
    }

    #[test]
    fn labels_read_as_sentences() {
        use crate::runbook::predicates::{EcsRunningAtLeast, InstanceStatus};
        let any = Verify::Any(vec![
            Verify::InstanceStatus(InstanceStatus {
                instance: "db".into(),
                status: "available".into(),
            }),
            Verify::EcsRunningAtLeast(EcsRunningAtLeast {
                cluster: "c".into(),
                service: "s".into(),
                count: 2,
            }),
        ]);
        assert_eq!(
            label(&any),
            "any of: db is available; ECS service c/s runs at least 2"
        );
        let pitr = Verify::PitrCovers(PitrCovers {
            instance: "db".into(),
            before_incident: HumanDuration::from_secs(0),
        });
        assert_eq!(label(&pitr), "PITR window of db covers now");
    }
}

/// "met", "not met" or "unknown": the word shown beside a check, in the
/// console, `ready` and the journal export alike.
pub fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Met => "met",
        Outcome::NotMet => "not met",
        Outcome::Unknown => "unknown",
    }
}

/// One row of the readiness table or overlay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadyLine {
    pub outcome: Outcome,
    pub label: String,
    pub seen: String,
}

pub fn lines(readiness: &Readiness) -> Vec<ReadyLine> {
    readiness
        .results
        .iter()
        .map(|(check, evidence)| ReadyLine {
            outcome: evidence.outcome,
            label: check.label.clone(),
            seen: evidence.seen.clone(),
        })
        .collect()
}

/// "READY (3 of 3 met)" or "NOT READY (1 not met, 1 unknown of 4)".
pub fn verdict(readiness: &Readiness) -> String {
    let total = readiness.results.len();
    if total == 0 {
        // Not READY: nothing was judged. Exit code 0 all the same, since
        // nothing is known to stand in the way (docs/ready.md).
        return "UNCHECKED (nothing on this recovery path that drconsole can watch)".to_string();
    }
    if readiness.ready {
        return format!("READY ({total} of {total} met)");
    }
    let mut parts = Vec::new();
    for outcome in [Outcome::NotMet, Outcome::Unknown] {
        let n = readiness.count(outcome);
        if n > 0 {
            parts.push(format!("{n} {}", outcome_word(outcome)));
        }
    }
    format!("NOT READY ({} of {total})", parts.join(", "))
}
