//! Headings turned into a tree of sections, and the reading of a heading:
//! is it a scenario ("Scenario A: …", "Procedure 2", "Manual Failover"), a
//! step or phase of one, reference material (overview, costs, contacts), …

use super::markdown::{Block, BlockKind};
use super::text::{listed, strip_section_number, words};

#[derive(Debug, Clone)]
pub struct Section<'a> {
    pub title: String,
    pub level: u8,
    pub line: usize,
    /// Last source line covered by the section (inclusive, approximate).
    pub end_line: usize,
    /// Blocks before the first sub-heading.
    pub blocks: Vec<&'a Block>,
    pub children: Vec<Section<'a>>,
}

impl<'a> Section<'a> {
    /// Every block in the section and its sub-sections, headings included,
    /// in source order.
    pub fn all_blocks(&self) -> Vec<&'a Block> {
        let mut out = self.blocks.clone();
        for child in &self.children {
            out.extend(child.all_blocks());
        }
        out
    }
}

/// Builds the section tree. The result is a synthetic root (level 0) whose
/// blocks are whatever precedes the first heading.
pub fn tree(blocks: &[Block], last_line: usize) -> Section<'_> {
    let mut stack: Vec<Section<'_>> = vec![Section {
        title: String::new(),
        level: 0,
        line: 1,
        end_line: last_line,
        blocks: Vec::new(),
        children: Vec::new(),
    }];
    for block in blocks {
        if let BlockKind::Heading { level, text } = &block.kind {
            while stack.len() > 1 && stack.last().is_some_and(|s| s.level >= *level) {
                close(&mut stack, block.line.saturating_sub(1));
            }
            stack.push(Section {
                title: text.replace('\n', " "),
                level: *level,
                line: block.line,
                end_line: last_line,
                blocks: Vec::new(),
                children: Vec::new(),
            });
        } else if let Some(top) = stack.last_mut() {
            top.blocks.push(block);
        }
    }
    while stack.len() > 1 {
        close(&mut stack, last_line);
    }
    stack.pop().expect("root section")
}

/// Inside a procedure, a line that is all bold (`**Validation (10 min)**`)
/// before a list or code block is used as a heading: it becomes one, a
/// level below the heading it sits under, so its list is a step group of
/// that procedure. A bold label ("**Steps:**") stays a label, and a bold
/// line inside a "Step N" section stays that step's detail.
pub fn bold_headings(blocks: &mut [Block], text: &str) {
    let lines: Vec<&str> = text.lines().collect();
    let mut stack: Vec<(u8, HeadingClass)> = Vec::new();
    for i in 0..blocks.len() {
        let followed_by_steps = matches!(
            blocks.get(i + 1).map(|b| &b.kind),
            Some(BlockKind::List { .. } | BlockKind::Code { .. })
        );
        let Some(block) = blocks.get_mut(i) else {
            break;
        };
        match &block.kind {
            BlockKind::Heading { level, text } => {
                while stack.last().is_some_and(|(l, _)| l >= level) {
                    stack.pop();
                }
                stack.push((*level, classify(text)));
            }
            BlockKind::Paragraph(para) if followed_by_steps && !para.contains('\n') => {
                let in_procedure = stack.iter().any(|(_, c)| {
                    matches!(
                        c,
                        HeadingClass::Strong | HeadingClass::Procedure | HeadingClass::Phase
                    )
                });
                let in_step = stack.last().is_some_and(|(_, c)| *c == HeadingClass::Step);
                let source = block
                    .line
                    .checked_sub(1)
                    .and_then(|n| lines.get(n))
                    .map_or("", |l| l.trim());
                let title = para.trim().trim_end_matches(':').trim();
                let label = words(title).iter().all(|w| {
                    listed(
                        "steps procedure checklist actions instructions tasks runbook",
                        w,
                    )
                });
                if in_procedure && !in_step && !label && !title.is_empty() && all_bold(source) {
                    let level = stack.last().map_or(1, |(l, _)| l.saturating_add(1));
                    block.kind = BlockKind::Heading {
                        level,
                        text: title.to_owned(),
                    };
                }
            }
            _ => {}
        }
    }
}

/// "**text**" or "__text__" with no other emphasis markers inside.
fn all_bold(line: &str) -> bool {
    ["**", "__"].iter().any(|m| {
        line.len() > 4
            && line.starts_with(m)
            && line.ends_with(m)
            && line
                .get(2..line.len() - 2)
                .is_some_and(|inner| !inner.contains(m))
    })
}

fn close(stack: &mut Vec<Section<'_>>, end_line: usize) {
    if let Some(mut done) = stack.pop() {
        done.end_line = end_line.max(done.line);
        if let Some(parent) = stack.last_mut() {
            parent.children.push(done);
        }
    }
}

/// What a heading says about its section.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadingClass {
    /// "Scenario A: …", "Procedure 3", "Category 2 – …", "Playbook 1".
    Strong,
    /// "Step 3: …" — one step.
    Step,
    /// "Phase 2: …", "Stage 1" — a group of steps.
    Phase,
    /// Names a recovery action or event: failover, restore, outage, drill, …
    Procedure,
    /// Only says "procedure" / "steps" / "runbook": a scenario at top level,
    /// a part of one when nested.
    Generic,
    /// Context or information about a scenario: symptoms, impact, goal, …
    Info,
    /// Who does what: roles, contacts, escalation.
    Roles,
    /// Appendix or command reference.
    Reference,
    /// Not a procedure: overview, architecture, costs, compliance, …
    NotProcedure,
    Neutral,
}

const STRONG: &[&str] = &["scenario", "procedure", "category", "playbook", "runbook"];

const PROCEDURE: &str = "failover failback fail failing recovery recover recovering restore restoring \
    restoration rollback outage outages failure failures switchover \
    cutover promote promotion corruption deletion drill drills exercise \
    evacuation evacuate degradation loss ransomware compromise disaster \
    incident rebuild redeploy response procedures scenarios";

const GENERIC: &str = "procedure procedures steps instructions runbook playbook actions tasks \
    checklist how to the recovery dr response";

const INFO: &str = "overview description symptoms symptom detection impact background goal \
    goals context notes note summary trigger triggers when prerequisites \
    prerequisite assumptions scope purpose";

const NOT_PROCEDURE: &str = "overview architecture contacts cost costs pricing compliance \
    monitoring alerting alarms dashboards dashboard terraform \
    configuration assumptions limitations glossary contents introduction \
    purpose scope objectives objective strategy revision history changelog \
    summary statement lessons inventory budget requirements retention \
    cadence schedule audit readiness setup diagram definitions approval \
    approvals owners ownership metrics sla slas references resources \
    classification classifications severity severities categories taxonomy \
    prerequisites prerequisite preparedness timeline timelines history revisions \
    postmortem retrospective";

/// Phrases of headings that are not procedures: lists of incident types,
/// readiness checklists, reviews after the fact.
const NOT_PROCEDURE_PHRASES: &[&str] = &[
    "next steps",
    "disaster recovery plan",
    "dr plan",
    "business continuity",
    "types of",
    "kinds of",
    "post incident",
    "post mortem",
    "after action",
    "action items",
    "lessons learned",
    "before a disaster",
    "before disaster",
    "pre requisites",
    "document history",
];

/// Header words of a classification table's kind column and of its
/// describing column: `| Category | Severity | Examples |`.
const CLASS_KIND: &str =
    "category categories severity sev level tier type class classification priority";
const CLASS_TEXT: &str = "examples example description impact criteria definition definitions";

/// Whether a table classifies incidents rather than listing steps.
pub fn is_classification_table(block: &Block) -> bool {
    let BlockKind::Table { head, .. } = &block.kind else {
        return false;
    };
    let kinds = head
        .iter()
        .filter(|h| words(h).iter().any(|w| listed(CLASS_KIND, w)))
        .count();
    let texts = head
        .iter()
        .any(|h| words(h).iter().any(|w| listed(CLASS_TEXT, w)));
    kinds >= 1 && texts && (kinds >= 2 || head.len() <= 3)
}

/// Leading "Scenario 1" / "Step 3" style label: the keyword and its id.
fn labelled<'w>(ws: &'w [String], keywords: &[&str]) -> Option<&'w str> {
    let (first, second) = (ws.first()?, ws.get(1)?);
    let is_id = |w: &str| {
        w.chars().all(|c| c.is_ascii_digit())
            || (w.len() == 1 && w.chars().all(|c| c.is_ascii_alphabetic()))
            || matches!(
                w,
                "i" | "ii" | "iii" | "iv" | "v" | "vi" | "vii" | "viii" | "ix"
            )
            || matches!(w, "one" | "two" | "three" | "four" | "five" | "six")
    };
    if keywords.contains(&first.as_str()) && is_id(second) {
        return Some(first);
    }
    // "DR Scenario 2", "Recovery Procedure 1"
    let third = ws.get(2)?;
    (keywords.contains(&second.as_str()) && is_id(third)).then_some(second)
}

pub fn classify(heading: &str) -> HeadingClass {
    let ws = words(strip_section_number(heading));
    let has = |list: &str| ws.iter().any(|w| listed(list, w));
    let phrase = |p: &str| ws.join(" ").contains(p);
    if labelled(&ws, &["step"]).is_some() {
        return HeadingClass::Step;
    }
    if labelled(&ws, &["phase", "stage", "part", "wave"]).is_some() {
        return HeadingClass::Phase;
    }
    if labelled(&ws, STRONG).is_some() || ws.first().is_some_and(|w| w == "scenario") {
        return HeadingClass::Strong;
    }
    if has("appendix")
        || phrase("example commands")
        || phrase("useful commands")
        || phrase("command reference")
        || phrase("cheat sheet")
        || (has("reference") && has("commands command"))
    {
        return HeadingClass::Reference;
    }
    if has("roles role contacts contact escalation responsibilities raci")
        || phrase("communication plan")
        || ws
            .first()
            .is_some_and(|w| w == "communication" || w == "communications")
    {
        return HeadingClass::Roles;
    }
    if NOT_PROCEDURE_PHRASES.iter().any(|p| phrase(p)) || has(NOT_PROCEDURE) {
        return HeadingClass::NotProcedure;
    }
    if !ws.is_empty() && ws.iter().all(|w| listed(GENERIC, w)) {
        return HeadingClass::Generic;
    }
    if has(PROCEDURE) || phrase("fail over") || phrase("fail back") || phrase("roll back") {
        return HeadingClass::Procedure;
    }
    if ws.len() <= 3 && has(INFO) {
        return HeadingClass::Info;
    }
    HeadingClass::Neutral
}

/// Whether a sub-heading inside a scenario only carries context.
pub fn is_info(heading: &str) -> bool {
    let ws = words(strip_section_number(heading));
    ws.len() <= 3 && ws.iter().any(|w| listed(INFO, w))
}

#[cfg(test)]
mod tests {
    use super::*;
    use HeadingClass::*;

    #[test]
    fn classifies_headings() {
        let cases = [
            (
                "Scenario A: Database instance failure (same region, single AZ)",
                Strong,
            ),
            ("Scenario 1: Primary Region Outage", Strong),
            ("Procedure 2: Restore from snapshot", Strong),
            ("Category 3 – Application tier", Strong),
            ("DR Scenario 4", Strong),
            ("Step 3: Restore the database (30-60 minutes)", Step),
            ("Phase 1: Assess", Phase),
            ("Manual Failover (Planned Maintenance)", Procedure),
            ("Failback to Primary", Procedure),
            ("Failing Back to London", Procedure),
            ("Automatic Failover", Procedure),
            ("Quarterly DR Drill", Procedure),
            ("4) DR Scenarios and Procedures", Procedure),
            ("Procedure", Generic),
            ("Recovery Steps", Generic),
            ("12) Appendix: Example Commands (Reference)", Reference),
            ("7) Roles and Communication", Roles),
            ("Contact Information", Roles),
            ("1) Recovery Objectives", NotProcedure),
            ("Disaster Recovery Plan for Regami", NotProcedure),
            ("Terraform Configuration", NotProcedure),
            ("Next Steps", NotProcedure),
            ("Cost Estimate", NotProcedure),
            ("Data Backup Strategy", NotProcedure),
            ("2) System Overview (Production)", NotProcedure),
            ("Statement of Current DR Readiness", NotProcedure),
            ("Symptoms", Info),
            ("Incident Classification", NotProcedure),
            ("Types of Failure", NotProcedure),
            ("Disaster Categories", NotProcedure),
            ("Prerequisites (before a disaster)", NotProcedure),
            ("Before a Disaster", NotProcedure),
            ("Pre-requisites", NotProcedure),
            ("Post-Incident Review", NotProcedure),
            ("Action Items", NotProcedure),
            ("Document History", NotProcedure),
            ("Recovery Timeline", NotProcedure),
            ("Glossary", NotProcedure),
            ("Validation and Smoke Tests", Neutral),
        ];
        for (heading, want) in cases {
            assert_eq!(classify(heading), want, "{heading}");
        }
    }

    #[test]
    fn reads_classification_tables() {
        let table = |t: &str| super::super::markdown::parse(t).remove(0);
        assert!(is_classification_table(&table(
            "| Category | Severity | Examples |\n|---|---|---|\n| DB | 1 | down |\n"
        )));
        assert!(is_classification_table(&table(
            "| Incident type | Examples |\n|---|---|\n| DB | down |\n"
        )));
        assert!(!is_classification_table(&table(
            "| Step | Action | Time |\n|---|---|---|\n| 1 | Promote | 5 min |\n"
        )));
    }

    #[test]
    fn bold_lines_head_groups_inside_procedures_only() {
        let text = "## Failover\n\n**Validation (10 minutes)**\n\n- Run smoke tests\n\n\
                    **Steps:**\n\n1. Promote\n\n## Costs\n\n**Monthly**\n\n- $5\n\n\
                    ## Scenario 2\n\n### Step 1: Restore\n\n**Note**\n\n- careful\n";
        let mut blocks = super::super::markdown::parse(text);
        bold_headings(&mut blocks, text);
        let headings: Vec<(u8, &str)> = blocks
            .iter()
            .filter_map(|b| match &b.kind {
                BlockKind::Heading { level, text } => Some((*level, text.as_str())),
                _ => None,
            })
            .collect();
        assert_eq!(
            headings,
            [
                (2, "Failover"),
                (3, "Validation (10 minutes)"),
                (2, "Costs"),
                (2, "Scenario 2"),
                (3, "Step 1: Restore"),
            ]
        );
    }

    #[test]
    fn builds_tree() {
        let blocks = super::super::markdown::parse("intro\n# A\na\n## B\nb\n# C\nc\n");
        let root = tree(&blocks, 7);
        assert_eq!(root.blocks.len(), 1);
        assert_eq!(root.children.len(), 2);
        assert_eq!(root.children[0].children[0].title, "B");
        assert_eq!(root.children[0].end_line, 5);
        assert_eq!(root.children[1].end_line, 7);
    }
}
