//! Where the plan's text that is not a procedure goes. The introduction
//! (or an "Overview" section) and the text of sections that hold scenarios
//! become the runbook description, prose only; everything else (diagrams,
//! Terraform, costs, contacts, code in the overview, …) is kept verbatim in
//! the appendix. Nothing is dropped.

use super::appendix::{Kept, range_text};
use super::draft::{DraftScenario, ScenarioOrigin};
use super::markdown::{self, Block, BlockKind};
use super::report::Notes;
use super::scenarios::Outline;
use super::sections::{HeadingClass, Section, classify};
use super::source::SourceLines;
use super::text::{strip_section_number, words};

/// The runbook description's lines and what its sources left for the
/// appendix.
#[derive(Default)]
pub struct Description {
    pub lines: Vec<String>,
    /// Where the description came from, for a comment above it.
    pub origin: Option<String>,
    pub kept: Vec<Kept>,
}

/// Said at the end of a description whose sources had code blocks.
const CODE_ELSEWHERE: &str =
    "(Code blocks from this text are kept as comments at the end of this file.)";

/// Builds the description and files the rest of the plan's non-procedure
/// text in the appendix, noting each placement in the report.
/// `whole_plan` says the introduction is already a scenario's text.
pub fn place(
    outline: &Outline<'_, '_>,
    all_blocks: &[Block],
    src: &SourceLines<'_>,
    drafts: &[&DraftScenario],
    notes: &mut Notes,
) -> Description {
    let whole_plan = drafts.iter().any(|d| d.origin == ScenarioOrigin::WholePlan);
    let by_line = ByLine::new(drafts);
    let mut d = Description::default();
    let mut code_moved = false;
    let intro_label = "the plan's introduction";
    if let Some((from, to)) = blocks_range(&outline.intro, all_blocks, src) {
        let before = d.kept.len();
        prose(&outline.intro, intro_label, all_blocks, src, &mut d);
        if whole_plan {
            // Its code is the whole-plan scenario's steps already.
            d.kept.truncate(before);
        }
        code_moved |= d.kept.len() > before;
        if !d.lines.is_empty() {
            d.origin = Some(format!("{intro_label} ({})", range_text(from, to)));
            notes.kept(
                from,
                format!(
                    "{intro_label} ({}) kept as the runbook description",
                    range_text(from, to)
                ),
            );
        }
    }
    let overview = if d.lines.is_empty() {
        outline
            .skipped
            .iter()
            .copied()
            .find(|s| is_overview(&s.title))
    } else {
        None
    };
    if let Some(overview) = overview {
        let label = quoted(&overview.title);
        let before = d.kept.len();
        prose(
            &overview.blocks,
            &format!("code block in {label}"),
            all_blocks,
            src,
            &mut d,
        );
        code_moved |= d.kept.len() > before;
        let (from, to) = src
            .trimmed(overview.line, overview.end_line)
            .unwrap_or((overview.line, overview.line));
        d.origin = Some(format!("section {label} ({})", range_text(from, to)));
        notes.kept(
            from,
            format!(
                "prose of section {label} ({}) kept as the runbook description",
                range_text(from, to)
            ),
        );
        for child in &overview.children {
            keep_section(child, "under the overview", src, &mut d.kept, notes);
        }
    }
    for container in &outline.containers {
        if container
            .blocks
            .iter()
            .any(|b| !matches!(b.kind, BlockKind::Rule))
        {
            let title = strip_section_number(&container.title);
            d.lines.push(String::new());
            d.lines.push(format!("{title}:"));
            let before = d.kept.len();
            prose(
                &container.blocks,
                &format!("code block in {}", quoted(title)),
                all_blocks,
                src,
                &mut d,
            );
            code_moved |= d.kept.len() > before;
            notes.kept(
                container.line,
                format!("text of {} kept in the runbook description", quoted(title)),
            );
        }
        if first_inside(container, &by_line).is_none() {
            // No scenario below quotes its heading: keep that line.
            d.kept.push(Kept {
                label: format!("heading {}", quoted(&container.title)),
                from: container.line,
                to: container.line,
            });
        }
    }
    if code_moved && d.lines.iter().any(|l| !l.trim().is_empty()) {
        d.lines.push(String::new());
        d.lines.push(CODE_ELSEWHERE.to_owned());
    }

    for s in &outline.skipped {
        // A section that chains scenarios is a scenario itself now.
        let absorbed = (whole_plan && classify(&s.title) != HeadingClass::NotProcedure)
            || drafts.iter().any(|d| d.line == s.line);
        if absorbed || overview.is_some_and(|o| std::ptr::eq(o, *s)) {
            continue;
        }
        keep_section(s, "is not a procedure;", src, &mut d.kept, notes);
    }
    for s in &outline.roles {
        keep_section(s, "read for roles;", src, &mut d.kept, notes);
    }
    for s in &outline.references {
        keep_section(
            s,
            "is a command reference, not a procedure (its commands go only to steps that point at them);",
            src,
            &mut d.kept,
            notes,
        );
    }
    if !whole_plan {
        for s in &outline.loose_steps {
            keep_section(
                s,
                "is a step outside any scenario;",
                src,
                &mut d.kept,
                notes,
            );
        }
    }
    d.kept.sort_by_key(|k| k.from);
    d
}

/// Comment lines quoting the headings of the sections that hold each
/// scenario, placed above the first scenario of each.
pub fn container_headings(
    outline: &Outline<'_, '_>,
    drafts: &[&DraftScenario],
    src: &SourceLines<'_>,
) -> Vec<Vec<String>> {
    let by_line = ByLine::new(drafts);
    let mut before = vec![Vec::new(); drafts.len()];
    for container in &outline.containers {
        if let Some(i) = first_inside(container, &by_line) {
            before[i].push(src.quote(container.line));
        }
    }
    before
}

/// Scenarios' (line, position in output), sorted by line, so finding the
/// scenarios inside a section stays cheap on plans with thousands.
struct ByLine(Vec<(usize, usize)>);

impl ByLine {
    fn new(drafts: &[&DraftScenario]) -> Self {
        let mut v: Vec<(usize, usize)> = drafts
            .iter()
            .enumerate()
            .map(|(i, d)| (d.line, i))
            .collect();
        v.sort_unstable();
        Self(v)
    }
}

/// The first scenario in output order that lies inside a section.
fn first_inside(section: &Section<'_>, by_line: &ByLine) -> Option<usize> {
    let start = by_line.0.partition_point(|&(line, _)| line <= section.line);
    by_line.0[start..]
        .iter()
        .take_while(|&&(line, _)| line <= section.end_line)
        .map(|&(_, i)| i)
        .min()
}

fn is_overview(title: &str) -> bool {
    words(title).iter().any(|w| {
        matches!(
            w.as_str(),
            "overview" | "introduction" | "summary" | "purpose"
        )
    })
}

fn quoted(title: &str) -> String {
    format!("\"{}\"", strip_section_number(title))
}

/// A whole section into the appendix, with a report line saying why.
fn keep_section(
    s: &Section<'_>,
    why: &str,
    src: &SourceLines<'_>,
    kept: &mut Vec<Kept>,
    notes: &mut Notes,
) {
    let Some((from, to)) = src.trimmed(s.line, s.end_line) else {
        return;
    };
    let label = quoted(&s.title);
    notes.kept(
        from,
        format!(
            "section {label} ({}) {why} kept verbatim in the TOML's appendix",
            range_text(from, to)
        ),
    );
    kept.push(Kept { label, from, to });
}

/// Renders prose blocks into the description; code blocks go to the
/// appendix under `code_label`.
fn prose(
    blocks: &[&Block],
    code_label: &str,
    all_blocks: &[Block],
    src: &SourceLines<'_>,
    d: &mut Description,
) {
    for block in blocks {
        match block.kind {
            BlockKind::Rule => {}
            BlockKind::Code { .. } => {
                if let Some((from, to)) = src.trimmed(block.line, block_end(block, all_blocks, src))
                {
                    d.kept.push(Kept {
                        label: code_label.to_owned(),
                        from,
                        to,
                    });
                }
            }
            _ => markdown::render(block, &mut d.lines),
        }
    }
}

/// The last line of a top-level block: the line before the next one.
fn block_end(block: &Block, all_blocks: &[Block], src: &SourceLines<'_>) -> usize {
    let next = all_blocks.partition_point(|b| b.line <= block.line);
    all_blocks
        .get(next)
        .map_or(src.len(), |b| b.line.saturating_sub(1))
}

fn blocks_range(
    blocks: &[&Block],
    all_blocks: &[Block],
    src: &SourceLines<'_>,
) -> Option<(usize, usize)> {
    let first = blocks.iter().map(|b| b.line).min()?;
    let last = blocks.iter().max_by_key(|b| b.line)?;
    src.trimmed(first, block_end(last, all_blocks, src))
}
