//! Which sections of a plan are scenarios. A section is one when its heading
//! says so ("Scenario A: …", "Procedure 2") or names a recovery action
//! (failover, restore, outage, drill, …) and it holds steps. A section whose
//! sub-sections are scenarios is a container ("Failover Procedures"). The
//! rest is context: overview, architecture, contacts, costs, …

use super::markdown::{Block, BlockKind};
use super::sections::{HeadingClass, Section, classify, is_classification_table};
use super::steps::{has_commands, has_procedure_content, runs_aws_steps};
use super::text::{listed, strip_section_number, words};

#[derive(Default)]
pub struct Outline<'t, 'a> {
    /// The plan's title heading, if it has one.
    pub title: Option<(String, usize)>,
    /// Text before the first section (under the title).
    pub intro: Vec<&'a Block>,
    pub scenarios: Vec<&'t Section<'a>>,
    pub references: Vec<&'t Section<'a>>,
    pub roles: Vec<&'t Section<'a>>,
    /// Sections holding scenarios; their own text is kept in the runbook
    /// description.
    pub containers: Vec<&'t Section<'a>>,
    /// Sections that are not procedures (overview, costs, …).
    pub skipped: Vec<&'t Section<'a>>,
    /// Step or phase headings outside any scenario: a plan made only of them.
    pub loose_steps: Vec<&'t Section<'a>>,
    /// Row names of RTO/RPO tables: the scenarios the plan sets objectives for.
    objective_rows: Vec<Vec<String>>,
}

impl<'t, 'a> Outline<'t, 'a> {
    /// Every block outside scenarios and references: where plan-wide
    /// objectives and resources are stated.
    pub fn context_blocks(&self) -> Vec<&'a Block> {
        let mut out: Vec<&'a Block> = self.intro.clone();
        for s in self.skipped.iter().chain(&self.roles) {
            out.extend(s.all_blocks());
        }
        for s in &self.containers {
            out.extend(s.blocks.iter().copied());
        }
        out.sort_by_key(|b| b.line);
        out
    }
}

pub fn outline<'t, 'a>(root: &'t Section<'a>) -> Outline<'t, 'a> {
    let mut out = Outline {
        intro: root.blocks.clone(),
        objective_rows: objective_rows(root),
        ..Outline::default()
    };
    let mut top: Vec<&'t Section<'a>> = root.children.iter().collect();
    if let Some(first) = root.children.first()
        && only_decoration(&root.blocks)
        && !matches!(
            classify(&first.title),
            HeadingClass::Strong | HeadingClass::Step | HeadingClass::Phase
        )
        && (first.level == 1 || root.children.len() > 1)
    {
        out.title = Some((first.title.clone(), first.line));
        out.intro.extend(first.blocks.iter().copied());
        top = first
            .children
            .iter()
            .chain(root.children.iter().skip(1))
            .collect();
    }
    for section in top {
        visit(&mut out, section, false);
    }
    out
}

fn only_decoration(blocks: &[&Block]) -> bool {
    blocks
        .iter()
        .all(|b| matches!(b.kind, BlockKind::Rule | BlockKind::Html(_)))
}

fn strong_below(section: &Section<'_>) -> bool {
    classify(&section.title) == HeadingClass::Strong || section.children.iter().any(strong_below)
}

fn weak_scenario(section: &Section<'_>) -> bool {
    classify(&section.title) == HeadingClass::Procedure && has_procedure_content(section)
}

fn visit<'t, 'a>(out: &mut Outline<'t, 'a>, section: &'t Section<'a>, parent_candidate: bool) {
    let class = classify(&section.title);
    match class {
        HeadingClass::Reference => {
            if has_commands(section) {
                out.references.push(section);
            } else {
                out.skipped.push(section);
            }
            return;
        }
        HeadingClass::Roles => {
            out.roles.push(section);
            return;
        }
        HeadingClass::Step | HeadingClass::Phase if !parent_candidate => {
            out.loose_steps.push(section);
            return;
        }
        _ => {}
    }
    // A table of categories / severities / examples classifies incidents,
    // however the heading is worded.
    if classifies(section) {
        out.skipped.push(section);
        return;
    }
    // A section an RTO/RPO table names is a scenario of the plan.
    let title_words = words(strip_section_number(&section.title));
    let named = out.objective_rows.contains(&title_words);
    // A section made of "Step N" / "Phase N" sub-headings is a procedure
    // whatever its heading says.
    let step_children = section
        .children
        .iter()
        .any(|c| matches!(classify(&c.title), HeadingClass::Step | HeadingClass::Phase));
    let candidate = match class {
        HeadingClass::Strong | HeadingClass::Procedure => true,
        HeadingClass::Generic => !parent_candidate,
        HeadingClass::Neutral => step_children || runs_aws_steps(section) || named,
        HeadingClass::Info => step_children,
        _ => false,
    };
    let strong_children = section.children.iter().any(strong_below);
    let weak_children = section.children.iter().filter(|c| weak_scenario(c)).count();
    // Sub-headings of one named procedure ("Regional Failover": "During
    // the failover", "After the failover") are its step groups; only a
    // heading naming several ("Recovery Procedures") holds procedures.
    let one_procedure = class == HeadingClass::Procedure && !names_several(&section.title);
    let split = strong_children
        || (weak_children >= 2 && !one_procedure)
        || (!candidate && section.children.iter().any(|c| has_procedure_content(c)));
    if split {
        out.containers.push(section);
        for child in &section.children {
            visit(out, child, candidate);
        }
    } else if candidate
        && (class == HeadingClass::Strong || named || has_procedure_content(section))
    {
        out.scenarios.push(section);
    } else {
        out.skipped.push(section);
    }
}

/// The first cells of the rows of every table with an RTO or RPO column,
/// as words.
fn objective_rows(root: &Section<'_>) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    for block in root.all_blocks() {
        if let BlockKind::Table { head, rows } = &block.kind
            && head
                .iter()
                .skip(1)
                .any(|h| words(h).iter().any(|w| w == "rto" || w == "rpo"))
        {
            out.extend(
                rows.iter()
                    .filter_map(|r| r.first())
                    .map(|k| words(k))
                    .filter(|k| !k.is_empty()),
            );
        }
    }
    out
}

/// A heading naming a collection: "Procedures", "DR Scenarios", "Outages".
fn names_several(title: &str) -> bool {
    words(title).iter().any(|w| listed(SEVERAL, w))
}

const SEVERAL: &str = "procedures scenarios runbooks playbooks failovers outages failures \
    drills exercises restores recoveries incidents disasters events plans";

/// Whether a section is a classification: a classification table and no
/// steps of its own.
fn classifies(section: &Section<'_>) -> bool {
    section.blocks.iter().any(|b| is_classification_table(b))
        && !has_commands(section)
        && !section.blocks.iter().any(|b| {
            matches!(&b.kind, BlockKind::List { ordered, items }
                if *ordered || items.iter().any(|i| i.task.is_some()))
        })
        && section.children.is_empty()
}
