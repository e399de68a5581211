//! Sections that chain other procedures: "Execute Scenario 2, then
//! Scenario 4", "Follow Procedure B followed by C", "perform steps of 3.1
//! and 3.2". Such a section becomes a scenario made of those scenarios'
//! steps in order, not one step holding the sentence.

use super::draft::{DraftScenario, DraftStep, ScenarioOrigin};
use super::markdown::{Block, BlockKind};
use super::sections::Section;
use super::text::strip_section_number;

/// A scenario as other sections may name it: "scenario 2", "procedure b",
/// its section number "3.1".
pub struct Named<'d> {
    pub labels: Vec<String>,
    pub scenario: &'d DraftScenario,
}

/// Keywords after which ids name procedures.
const KEYWORDS: &[&str] = &[
    "scenario",
    "scenarios",
    "procedure",
    "procedures",
    "playbook",
    "playbooks",
    "section",
    "sections",
    "of",
];
/// Words that continue a list of ids: "Scenario 2, then 4", "B followed by C".
const CONNECTORS: &[&str] = &["then", "and", "followed", "by", "finally", "next", "&"];

fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '.'))
        .map(|w| w.trim_matches('.').to_lowercase())
        .filter(|w| !w.is_empty())
        .collect()
}

fn is_id(w: &str) -> bool {
    (w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic()))
        || (!w.is_empty() && w.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// The labels a scenario's heading gives it.
pub fn labels(raw_title: &str) -> Vec<String> {
    let mut out = Vec::new();
    let number = raw_title
        .trim()
        .strip_suffix(strip_section_number(raw_title))
        .unwrap_or("");
    let number = number.trim().trim_end_matches([')', '.', ' ']);
    if !number.is_empty() && number.chars().any(|c| c.is_ascii_digit()) {
        out.push(number.to_lowercase());
    }
    let ws = tokens(strip_section_number(raw_title));
    if let [kind, id, ..] = ws.as_slice()
        && KEYWORDS[..6].contains(&kind.as_str())
        && is_id(id)
    {
        let kind = kind.trim_end_matches('s');
        out.push(format!("{kind} {id}"));
    }
    out
}

/// The procedures a text names, in order: "scenario 2", "4" after "then".
fn references(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut kind: Option<String> = None;
    let mut prev = String::new();
    for w in tokens(text) {
        if w == "of" {
            // "steps of 3.1": bare section numbers follow.
            if prev == "steps" && kind.is_none() {
                kind = Some(String::new());
            }
        } else if KEYWORDS.contains(&w.as_str()) {
            kind = Some(w.trim_end_matches('s').to_owned());
        } else if is_id(&w) && (kind.is_some() || w.contains('.')) {
            match kind.as_deref() {
                Some(k) if !k.is_empty() => out.push(format!("{k} {w}")),
                _ => out.push(w.clone()),
            }
        } else if !CONNECTORS.contains(&w.as_str()) && w != "steps" {
            kind = None;
        }
        prev = w;
    }
    out
}

/// Whether every step of a scenario only names other scenarios ("1.
/// Execute Scenario 2", "2. Then Scenario 4"): a chain written as a list.
pub fn only_references(scenario: &DraftScenario, named: &[Named<'_>]) -> bool {
    !scenario.steps.is_empty()
        && scenario.steps.iter().all(|step| {
            step.commands.is_empty()
                && references(&step.all_text())
                    .iter()
                    .any(|r| named.iter().any(|n| n.labels.contains(r)))
        })
}

fn block_texts(block: &Block, out: &mut Vec<String>) {
    match &block.kind {
        BlockKind::Paragraph(t) => out.push(t.clone()),
        BlockKind::List { items, .. } => {
            for item in items {
                for b in &item.blocks {
                    block_texts(b, out);
                }
            }
        }
        _ => {}
    }
}

/// The chained scenario a section describes, when its text names two or
/// more known scenarios and holds no commands of its own.
pub fn chain(section: &Section<'_>, named: &[Named<'_>]) -> Option<(DraftScenario, Vec<String>)> {
    let blocks = section.all_blocks();
    if blocks
        .iter()
        .any(|b| matches!(b.kind, BlockKind::Code { .. }))
    {
        return None;
    }
    let mut texts = Vec::new();
    for b in &blocks {
        block_texts(b, &mut texts);
    }
    let mut chosen: Vec<&Named<'_>> = Vec::new();
    for r in texts.iter().flat_map(|t| references(t)) {
        if let Some(n) = named.iter().find(|n| n.labels.contains(&r))
            && !chosen.iter().any(|c| std::ptr::eq(*c, n))
        {
            chosen.push(n);
        }
    }
    if chosen.len() < 2 {
        return None;
    }
    let mut sc = DraftScenario::new(
        strip_section_number(&section.title).to_owned(),
        section.line,
        section.end_line,
        ScenarioOrigin::Heading,
    );
    sc.description = texts
        .iter()
        .flat_map(|t| t.lines())
        .map(str::to_owned)
        .collect();
    let mut names = Vec::new();
    for n in chosen {
        let label = n.labels.last().cloned().unwrap_or_default();
        let prefix = if label.contains(' ') {
            capitalised(&label)
        } else {
            n.scenario.title.clone()
        };
        names.push(prefix.clone());
        sc.steps.extend(n.scenario.steps.iter().map(|s| DraftStep {
            title: format!("{prefix}: {}", s.title),
            ..s.clone()
        }));
    }
    Some((sc, names))
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_references_and_labels() {
        assert_eq!(
            references("Execute Scenario 2, then Scenario 4."),
            ["scenario 2", "scenario 4"]
        );
        assert_eq!(
            references("Follow Procedure B followed by C"),
            ["procedure b", "procedure c"]
        );
        assert_eq!(references("perform steps of 3.1 and 3.2"), ["3.1", "3.2"]);
        assert!(references("Notify a team of 5").is_empty());
        assert_eq!(labels("Scenario 2: Restore"), ["scenario 2"]);
        assert_eq!(labels("3.1 Restore the database"), ["3.1"]);
        assert_eq!(labels("Procedure B – Failover"), ["procedure b"]);
    }
}
