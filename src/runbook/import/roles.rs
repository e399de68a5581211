//! Roles named in a roles/contacts section ("Incident Commander: …", "DB
//! Operations: …") and a keyword guess of which role does each step.

use super::draft::DraftStep;
use super::markdown::{Block, BlockKind};
use super::text::{listed, words};
use crate::runbook::aws_cli::parse_text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Duty {
    Command,
    Database,
    Application,
    Communications,
}

/// A role as the plan names it, and the kind of work it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub name: String,
    pub duty: Duty,
    pub line: usize,
}

fn duty_of(label: &str) -> Option<Duty> {
    let ws = words(label);
    let has = |list: &[&str]| ws.iter().any(|w| list.contains(&w.as_str()));
    if has(&["commander", "ic"]) || label.to_lowercase().contains("incident lead") {
        Some(Duty::Command)
    } else if has(&["db", "database", "dba", "data", "rds"]) {
        Some(Duty::Database)
    } else if has(&[
        "communications",
        "communication",
        "comms",
        "liaison",
        "stakeholder",
        "pr",
    ]) {
        Some(Duty::Communications)
    } else if has(&[
        "application",
        "app",
        "devops",
        "ecs",
        "platform",
        "sre",
        "infrastructure",
        "ops",
        "operations",
        "engineering",
    ]) {
        Some(Duty::Application)
    } else {
        None
    }
}

/// Nouns that make a label a role ("DB Operations", "Database Lead") when it
/// is found outside a roles section, where "Database: PostgreSQL" is not one.
const ROLE_NOUNS: &str = "commander lead ops operations owner engineer manager liaison dba comms \
    communications sre oncall responder coordinator";

/// Roles named in the rest of the plan, by labels with a role noun.
pub fn find_roles_anywhere(blocks: &[&Block]) -> Vec<Role> {
    find_roles(blocks)
        .into_iter()
        .filter(|r| words(&r.name).iter().any(|w| listed(ROLE_NOUNS, w)))
        .collect()
}

/// Roles from the lines of roles sections: "Label: who" or "Label - who".
pub fn find_roles(blocks: &[&Block]) -> Vec<Role> {
    let mut lines = Vec::new();
    for block in blocks {
        collect_lines(block, &mut lines);
    }
    let mut roles: Vec<Role> = Vec::new();
    for (text, line) in lines {
        let Some((label, _)) = text.split_once(':').or_else(|| text.split_once(" - ")) else {
            continue;
        };
        let label = label.trim().trim_matches('*').trim();
        if label.is_empty() || label.len() > 40 || words(label).len() > 4 {
            continue;
        }
        if let Some(duty) = duty_of(label)
            && !roles.iter().any(|r| r.duty == duty)
        {
            roles.push(Role {
                name: label.to_owned(),
                duty,
                line,
            });
        }
    }
    roles
}

fn collect_lines(block: &Block, out: &mut Vec<(String, usize)>) {
    match &block.kind {
        BlockKind::Paragraph(text) => out.extend(
            text.lines()
                .enumerate()
                .map(|(i, l)| (l.to_owned(), block.line + i)),
        ),
        BlockKind::List { items, .. } => {
            for block in items.iter().flat_map(|i| &i.blocks) {
                collect_lines(block, out);
            }
        }
        BlockKind::Table { rows, .. } => {
            for (n, row) in rows.iter().enumerate() {
                if row.len() >= 2 {
                    out.push((format!("{}: {}", row[0], row[1]), block.line + 2 + n));
                }
            }
        }
        _ => {}
    }
}

const KEYWORDS: &[(Duty, &[&str])] = &[
    (
        Duty::Command,
        &[
            "declare",
            "incident",
            "page",
            "paging",
            "escalate",
            "escalation",
            "coordinate",
            "freeze",
            "assess",
            "decide",
            "decision",
            "approve",
            "bridge",
            "triage",
        ],
    ),
    (
        Duty::Database,
        &[
            "rds",
            "database",
            "db",
            "snapshot",
            "snapshots",
            "pitr",
            "replica",
            "replication",
            "restore",
            "restored",
            "promote",
            "promotion",
            "sql",
            "query",
            "queries",
            "schema",
            "pg_dump",
            "postgres",
            "postgresql",
            "mysql",
            "aurora",
            "backup",
            "backups",
            "data",
        ],
    ),
    (
        Duty::Application,
        &[
            "ecs",
            "service",
            "deploy",
            "deployment",
            "redeploy",
            "task",
            "tasks",
            "container",
            "containers",
            "scale",
            "application",
            "app",
            "alb",
            "dns",
            "route53",
            "traffic",
            "image",
            "cluster",
            "health",
            "smoke",
            "rollback",
            "roll",
        ],
    ),
    (
        Duty::Communications,
        &[
            "notify",
            "notification",
            "communicate",
            "communication",
            "stakeholder",
            "stakeholders",
            "announce",
            "customers",
            "status",
            "email",
            "slack",
        ],
    ),
];

fn score(text: &str, weight: u32, scores: &mut [u32; 4]) {
    for w in words(text) {
        for (duty, keywords) in KEYWORDS {
            if keywords.contains(&w.as_str()) {
                scores[*duty as usize] += weight;
            }
        }
    }
}

/// The role for a step, when one duty clearly leads: the title counts three
/// times the detail, and an `aws rds`/`aws ecs` command counts as much as
/// the title.
pub fn assign(step: &DraftStep, roles: &[Role]) -> Option<String> {
    if roles.is_empty() {
        return None;
    }
    let mut scores = [0u32; 4];
    score(&step.title, 3, &mut scores);
    for line in &step.detail {
        score(line, 1, &mut scores);
    }
    for command in &step.commands {
        if let Some(cmd) = parse_text(&command.text).first() {
            let duty = match cmd.service.as_str() {
                "rds" | "backup" | "dynamodb" => Some(Duty::Database),
                "ecs" | "ecr" | "elbv2" | "route53" | "autoscaling" => Some(Duty::Application),
                _ => None,
            };
            if let Some(duty) = duty {
                scores[duty as usize] += 3;
            }
        }
    }
    let best = *scores.iter().max()?;
    if best < 2 || scores.iter().filter(|&&s| s == best).count() > 1 {
        return None;
    }
    let duty = [
        Duty::Command,
        Duty::Database,
        Duty::Application,
        Duty::Communications,
    ][scores.iter().position(|&s| s == best)?];
    roles
        .iter()
        .find(|r| r.duty == duty)
        .map(|r| r.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_and_assigns_roles() {
        let blocks = super::super::markdown::parse(
            "- Incident Commander: on-call lead\n- DB Operations: engineer with RDS access\n- Application Operations: ECS\n- Communications: liaison\n- All actions are recorded in the channel.\n",
        );
        let refs: Vec<&Block> = blocks.iter().collect();
        let roles = find_roles(&refs);
        let names: Vec<&str> = roles.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Incident Commander",
                "DB Operations",
                "Application Operations",
                "Communications"
            ]
        );
        let mut step = DraftStep::new("Restore RDS", 1);
        assert_eq!(assign(&step, &roles).as_deref(), Some("DB Operations"));
        step = DraftStep::new("Incident handling", 1);
        step.detail
            .push("Declare incident, page on-call, freeze deploys.".into());
        assert_eq!(assign(&step, &roles).as_deref(), Some("Incident Commander"));
        step = DraftStep::new("Notify stakeholders", 1);
        assert_eq!(assign(&step, &roles).as_deref(), Some("Communications"));
        step = DraftStep::new("Wait", 1);
        assert_eq!(assign(&step, &roles), None);
    }
}
