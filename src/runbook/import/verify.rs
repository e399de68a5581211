//! Verify predicates a step's commands make obvious: a restore or a new
//! instance should become `available`, a promoted replica should stand
//! alone, an updated ECS service should settle.

use super::draft::DraftStep;
use super::environment::is_concrete;
use crate::runbook::aws_cli::parse_text;
use crate::runbook::model::Verify;
use crate::runbook::predicates::{EcsStable, InstancePromoted, InstanceStatus};

pub fn infer(step: &DraftStep) -> Vec<Verify> {
    let mut checks: Vec<Verify> = Vec::new();
    for inv in step.commands.iter().flat_map(|c| parse_text(&c.text)) {
        let (service, op) = (inv.service.as_str(), inv.operation.as_str());
        let available = |id: Option<&str>| {
            id.filter(|i| is_concrete(i)).map(|instance| {
                Verify::InstanceStatus(InstanceStatus {
                    instance: instance.to_owned(),
                    status: "available".to_owned(),
                })
            })
        };
        let check = match (service, op) {
            ("rds", op) if op.starts_with("restore-db-instance") => available(
                inv.flag("target-db-instance-identifier")
                    .or_else(|| inv.flag("db-instance-identifier")),
            ),
            ("rds", "create-db-instance" | "create-db-instance-read-replica") => {
                available(inv.flag("db-instance-identifier"))
            }
            ("rds", "wait")
                if inv
                    .positional
                    .first()
                    .is_some_and(|w| w == "db-instance-available") =>
            {
                available(inv.flag("db-instance-identifier"))
            }
            ("rds", "promote-read-replica") => inv
                .flag("db-instance-identifier")
                .filter(|i| is_concrete(i))
                .map(|i| {
                    Verify::InstancePromoted(InstancePromoted {
                        instance: i.to_owned(),
                    })
                }),
            ("ecs", "update-service") => match (inv.flag("cluster"), inv.flag("service")) {
                (Some(c), Some(s)) if is_concrete(c) && is_concrete(s) => {
                    Some(Verify::EcsStable(EcsStable {
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
        };
        if let Some(check) = check
            && !checks.contains(&check)
        {
            checks.push(check);
        }
    }
    checks
}

/// One predicate, or all of several.
pub fn combine(mut checks: Vec<Verify>) -> Option<Verify> {
    match checks.len() {
        0 => None,
        1 => checks.pop(),
        _ => Some(Verify::All(checks)),
    }
}
