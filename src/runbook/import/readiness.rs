//! Prerequisite checklists ("Prerequisites", "Before a disaster",
//! "Readiness") become the scenarios' `ready` checks where an item names a
//! state the console can judge: a replica exists, backups are recent, a
//! service exists, PITR is on. Items that map to nothing stay as text.

use super::draft::DraftScenario;
use super::durations;
use super::markdown::{Block, BlockKind};
use super::report::Notes;
use super::sections::Section;
use super::text::{listed, strip_section_number, words};
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::{Environment, RdsRole, Verify};
use crate::runbook::predicates::{
    EcsServiceExists, InstanceExists, PitrCovers, RecoveryPointYoungerThan,
};

/// Headings of readiness checklists: what must hold before a disaster.
pub fn is_readiness(heading: &str) -> bool {
    let ws = words(strip_section_number(heading));
    let joined = ws.join(" ");
    ws.iter()
        .any(|w| listed("prerequisites prerequisite readiness preparedness", w))
        || [
            "pre requisites",
            "before a disaster",
            "before disaster",
            "before you start",
            "before you begin",
            "before starting",
        ]
        .iter()
        .any(|p| joined.contains(p))
}

/// The items of a readiness section: list items' first lines, with lines.
fn items(section: &Section<'_>) -> Vec<(String, usize)> {
    fn walk(block: &Block, out: &mut Vec<(String, usize)>) {
        if let BlockKind::List { items, .. } = &block.kind {
            for item in items {
                if let Some((lead, line)) = item.lead() {
                    out.push((lead.lines().next().unwrap_or("").to_owned(), line));
                }
                for b in &item.blocks {
                    walk(b, out);
                }
            }
        }
    }
    let mut out = Vec::new();
    for block in section.all_blocks() {
        walk(block, &mut out);
    }
    out
}

/// The environment's names an item mentions, as whole words.
fn mentions<'e>(text: &str, names: impl Iterator<Item = &'e str>) -> Option<&'e str> {
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_'))
        .collect();
    names.into_iter().find(|n| tokens.contains(n))
}

/// The check an item states, if the console can judge it.
pub fn predicate(text: &str, env: &Environment) -> Option<Verify> {
    let lower = text.to_lowercase();
    let has = |w: &str| lower.contains(w);
    let instance = || mentions(text, env.rds.iter().map(|r| r.id.as_str()));
    if has("pitr") || has("point-in-time") || has("point in time") {
        let id = instance().or_else(|| env.primaries().next())?;
        return Some(Verify::PitrCovers(PitrCovers {
            instance: id.to_owned(),
            before_incident: HumanDuration::default(),
        }));
    }
    if has("backup") || has("snapshot") || has("recovery point") {
        let max_age = durations::find(text)?.upper;
        let vault =
            mentions(text, env.backup_vaults.iter().map(|v| v.name.as_str())).map(str::to_owned);
        return Some(Verify::RecoveryPointYoungerThan(RecoveryPointYoungerThan {
            vault,
            resource: None,
            region: None,
            max_age,
        }));
    }
    if has("replica") {
        let id = instance().or_else(|| {
            env.rds
                .iter()
                .find(|r| r.role == RdsRole::Replica)
                .map(|r| r.id.as_str())
        })?;
        return Some(Verify::InstanceExists(InstanceExists {
            instance: id.to_owned(),
        }));
    }
    if has("service") {
        let named = mentions(text, env.ecs.iter().map(|e| e.service.as_str()));
        let spec = match named {
            Some(name) => env.ecs.iter().find(|e| e.service == name),
            None if env.ecs.len() == 1 && has("ecs") => env.ecs.first(),
            None => None,
        }?;
        return Some(Verify::EcsServiceExists(EcsServiceExists {
            cluster: spec.cluster.clone(),
            service: spec.service.clone(),
        }));
    }
    None
}

/// Readiness sections inside a scenario's section, at any depth.
fn nested<'t, 'a>(section: &'t Section<'a>, out: &mut Vec<&'t Section<'a>>) {
    for child in &section.children {
        if is_readiness(&child.title) {
            out.push(child);
        } else {
            nested(child, out);
        }
    }
}

/// Adds the checks of `sections` to `targets`' ready lists; notes what
/// became a check and what stayed text.
fn apply_sections(
    sections: &[&Section<'_>],
    targets: &mut [&mut DraftScenario],
    env: &Environment,
    notes: &mut Notes,
) {
    for section in sections {
        for (text, line) in items(section) {
            let Some(check) = predicate(&text, env) else {
                notes.kept(
                    line,
                    format!(
                        "readiness item \"{text}\" kept as text: it states no check on a resource the runbook declares"
                    ),
                );
                continue;
            };
            let mut added = 0usize;
            for sc in targets.iter_mut() {
                if !sc.ready.contains(&check) {
                    sc.ready.push(check.clone());
                    added = added.saturating_add(1);
                }
            }
            notes.inferred(
                line,
                format!(
                    "ready check {} for {added} scenario(s) from \"{text}\"",
                    check.key()
                ),
            );
        }
    }
}

/// Plan-wide readiness sections go to every scenario; one inside a
/// scenario's section to that scenario.
pub fn apply(
    general: &[&Section<'_>],
    scenario_sections: &[&Section<'_>],
    scenarios: &mut [&mut DraftScenario],
    env: &Environment,
    notes: &mut Notes,
) {
    let general: Vec<&Section<'_>> = general
        .iter()
        .copied()
        .filter(|s| is_readiness(&s.title))
        .collect();
    apply_sections(&general, scenarios, env, notes);
    // By line, so a plan of many scenarios is not searched once per scenario.
    let by_line: std::collections::HashMap<usize, usize> = scenarios
        .iter()
        .enumerate()
        .map(|(i, sc)| (sc.line, i))
        .collect();
    for section in scenario_sections {
        let mut own = Vec::new();
        nested(section, &mut own);
        if own.is_empty() {
            continue;
        }
        if let Some(sc) = by_line
            .get(&section.line)
            .and_then(|&i| scenarios.get_mut(i))
        {
            apply_sections(&own, std::slice::from_mut(sc), env, notes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::model::{EcsSpec, RdsSpec, VaultSpec};

    #[test]
    fn maps_items_to_checks() {
        let mut env = Environment::default();
        let rds = |id: &str, role| RdsSpec {
            id: id.into(),
            region: None,
            role,
            source: None,
            engine: None,
        };
        env.rds.push(rds("db", RdsRole::Primary));
        env.rds.push(rds("db-replica", RdsRole::Replica));
        env.ecs.push(EcsSpec {
            cluster: "c".into(),
            service: "web".into(),
            region: None,
        });
        env.backup_vaults.push(VaultSpec {
            name: "main".into(),
            region: None,
        });
        let key = |t: &str| predicate(t, &env);
        assert_eq!(
            key("A read replica exists in us-west-2"),
            Some(Verify::InstanceExists(InstanceExists {
                instance: "db-replica".into()
            }))
        );
        assert_eq!(
            key("Snapshots in `main` are no older than 24 hours"),
            Some(Verify::RecoveryPointYoungerThan(RecoveryPointYoungerThan {
                vault: Some("main".into()),
                resource: None,
                region: None,
                max_age: HumanDuration::from_hours(24),
            }))
        );
        assert_eq!(
            key("PITR enabled"),
            Some(Verify::PitrCovers(PitrCovers {
                instance: "db".into(),
                before_incident: HumanDuration::default(),
            }))
        );
        assert_eq!(
            key("The `web` service exists in the DR cluster"),
            Some(Verify::EcsServiceExists(EcsServiceExists {
                cluster: "c".into(),
                service: "web".into(),
            }))
        );
        assert_eq!(key("Backups are taken"), None, "no age stated");
        assert_eq!(key("On-call rota is up to date"), None);
        assert!(is_readiness("3. Pre-requisites"));
        assert!(is_readiness("Before a Disaster"));
        assert!(is_readiness("Before you start"));
        assert!(!is_readiness("Before"));
        assert!(!is_readiness("Failover to us-west-2"));
    }
}
