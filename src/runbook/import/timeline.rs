//! Timeline tables in a procedure: a column naming steps or phases and a
//! column of durations, e.g. `| Step | Action | Estimate |` or
//! `| Phase | Duration |`. Each row sets the `expected` of the step it names
//! (by its words, else by its number); a procedure with no other steps
//! gets one step per row.

use super::draft::{DraftScenario, DraftStep};
use super::durations;
use super::markdown::{Block, BlockKind};
use super::report::Notes;
use super::shapes;
use super::text::{listed, title_of, words};
use crate::runbook::duration::HumanDuration;

/// Header words that name what a row is.
const LABEL: &str = "step steps phase phases stage action actions task tasks activity \
    milestone what";
/// Header words that name a free-text description of the row.
const TEXT: &str = "action actions task tasks activity description what details";
/// Header words of a duration column.
const TIME: &str = "duration estimate estimated time timing eta expected takes length";
/// Header words that make a time column a clock or a target, not a length.
const NOT_LENGTH: &str = "start end when clock elapsed cumulative deadline rto rpo by";

/// One row of a timeline table.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub line: usize,
    /// "3" from a step-number column or a "Step 3" / "Phase 3" label.
    pub number: Option<u32>,
    /// Whether the label names a phase ("Phase 2: …").
    pub phase: bool,
    /// The row's words: its text column, else its label.
    pub label: String,
    pub expected: HumanDuration,
    /// Every cell as "Header: value", for a step made from the row.
    pub cells: Vec<String>,
}

/// The rows of a timeline table, or None when the table is not one.
pub fn rows(block: &Block) -> Option<Vec<Row>> {
    let BlockKind::Table { head, rows } = &block.kind else {
        return None;
    };
    let head_words: Vec<Vec<String>> = head.iter().map(|h| words(h)).collect();
    let has = |i: usize, list: &str| head_words[i].iter().any(|w| listed(list, w));
    let time = (0..head.len()).find(|&i| has(i, TIME) && !has(i, NOT_LENGTH))?;
    let label = (0..head.len()).find(|&i| i != time && has(i, LABEL))?;
    let text = (0..head.len()).find(|&i| i != time && i != label && has(i, TEXT));
    // "T+0", "T+15m": when things happen, not how long they take.
    if rows
        .iter()
        .any(|r| r.get(time).is_some_and(|c| shapes::is_clock_offset(c)))
    {
        return None;
    }
    let out: Vec<Row> = rows
        .iter()
        .enumerate()
        .filter_map(|(n, cells)| {
            let cell = |i: usize| cells.get(i).map_or("", |c| c.trim());
            let expected = durations::find(cell(time))?.upper;
            let (number, phase) = numbered(cell(label));
            let words_from = match text {
                Some(t) if !cell(t).is_empty() => cell(t),
                _ => cell(label),
            };
            Some(Row {
                // Header and separator lines precede the rows.
                line: block.line + 2 + n,
                number,
                phase,
                label: words_from.to_owned(),
                expected,
                cells: head
                    .iter()
                    .zip(cells)
                    .filter(|(_, c)| !c.trim().is_empty())
                    .map(|(h, c)| format!("{}: {}", h.trim(), c.trim()))
                    .collect(),
            })
        })
        .collect();
    (!out.is_empty()).then_some(out)
}

/// "3", "3.", "Step 3", "Phase 2: Promote" -> (number, names a phase).
fn numbered(label: &str) -> (Option<u32>, bool) {
    let ws = words(label);
    let (phase, number) = match ws.as_slice() {
        [first, n, ..] if matches!(first.as_str(), "step" | "phase" | "stage") => {
            (first != "step", n.parse().ok())
        }
        [n, ..] => (false, n.parse().ok()),
        [] => (false, None),
    };
    (number, phase && number.is_some())
}

/// Whether a block is a timeline table.
pub fn is_timeline(block: &Block) -> bool {
    rows(block).is_some()
}

/// Sets the `expected` of the steps the timeline tables among `blocks`
/// name. A step that states its own duration keeps it.
pub fn apply(sc: &mut DraftScenario, blocks: &[&Block], notes: &mut Notes) {
    for row in blocks.iter().filter_map(|b| rows(b)).flatten() {
        let targets = matching_steps(&sc.steps, &row);
        if targets.is_empty() {
            notes.check(
                Some(row.line),
                format!(
                    "timeline row \"{}\" ({}) of \"{}\" names no step; set its `expected` by hand",
                    row.label, row.expected, sc.title
                ),
            );
            continue;
        }
        if targets.len() > 1 {
            notes.check(
                Some(row.line),
                format!(
                    "timeline row \"{}\" ({}) of \"{}\" covers {} steps; not split between them",
                    row.label,
                    row.expected,
                    sc.title,
                    targets.len()
                ),
            );
            continue;
        }
        let step = &mut sc.steps[targets[0]];
        if step.expected.is_none() {
            step.expected = Some(row.expected);
            notes.inferred(
                row.line,
                format!(
                    "expected {} for step \"{}\" of \"{}\" from a timeline table",
                    row.expected, step.title, sc.title
                ),
            );
        }
    }
}

/// The steps a row names: those whose title matches its words, else by
/// number (a phase number names the steps of that phase).
fn matching_steps(steps: &[DraftStep], row: &Row) -> Vec<usize> {
    let label = words(&row.label).join(" ");
    let by_words: Vec<usize> = steps
        .iter()
        .enumerate()
        .filter(|(_, s)| same_words(&label, &words(&s.title).join(" ")))
        .map(|(i, _)| i)
        .collect();
    if !by_words.is_empty() || label.is_empty() && row.number.is_none() {
        return by_words;
    }
    let Some(n) = row.number else {
        return Vec::new();
    };
    if row.phase {
        let prefix = format!("phase {n} ");
        return steps
            .iter()
            .enumerate()
            .filter(|(_, s)| format!("{} ", words(&s.title).join(" ")).starts_with(&prefix))
            .map(|(i, _)| i)
            .collect();
    }
    (n as usize)
        .checked_sub(1)
        .filter(|&i| i < steps.len())
        .into_iter()
        .collect()
}

/// "promote the orders replica" names "promote the orders replica now";
/// short labels must match exactly.
fn same_words(label: &str, title: &str) -> bool {
    if label.is_empty() || title.is_empty() {
        return false;
    }
    label == title
        || (label.len() >= 12 && title.contains(label))
        || (title.len() >= 12 && label.contains(title))
}

/// Steps from the rows, for a procedure that has no others.
pub fn steps_from_rows(blocks: &[&Block]) -> Vec<DraftStep> {
    let mut steps = Vec::new();
    for row in blocks.iter().filter_map(|b| rows(b)).flatten() {
        let mut step = DraftStep::new(title_of(&row.label, 90), row.line);
        step.expected = Some(row.expected);
        step.detail = row.cells;
        steps.push(step);
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runbook::import::markdown;

    #[test]
    fn reads_timeline_tables() {
        let blocks = markdown::parse(
            "| Step | Action | Owner | Estimate |\n|---|---|---|---|\n| 1 | Declare | IC | 5 min |\n| 2 | Promote | DB | 30-60 min |\n| 3 | Wait | DB | soon |\n",
        );
        let rows = rows(&blocks[0]).expect("a timeline");
        assert_eq!(rows.len(), 2, "a row without a duration is skipped");
        assert_eq!(rows[1].number, Some(2));
        assert_eq!(rows[1].label, "Promote");
        assert_eq!(rows[1].expected, HumanDuration::from_hours(1));
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].cells[2], "Owner: DB");

        for not in [
            "| Category | RTO | RPO |\n|---|---|---|\n| 1 | 4 hours | 1 hour |\n",
            "| Step | Start time |\n|---|---|\n| Promote | 10 min |\n",
            "| Resource | Name |\n|---|---|\n| DB | x |\n",
        ] {
            assert!(!is_timeline(&markdown::parse(not)[0]), "{not}");
        }
        assert_eq!(numbered("Phase 2: Promote"), (Some(2), true));
        assert_eq!(numbered("Step 3"), (Some(3), false));
        assert_eq!(numbered("Resync"), (None, false));
    }

    #[test]
    fn rows_name_steps_by_words_then_number() {
        let blocks = markdown::parse(
            "| Phase | Duration |\n|---|---|\n| Phase 1 | 15 min |\n| Phase 2 | 1 hour |\n| Phase 3: Tell everyone | 5 min |\n",
        );
        let mut sc = DraftScenario::new(
            "Failover",
            1,
            9,
            crate::runbook::import::draft::ScenarioOrigin::Heading,
        );
        for title in [
            "Phase 1: Assess",
            "Phase 2: Promote",
            "Phase 2: Repoint",
            "Tell everyone",
        ] {
            sc.steps.push(DraftStep::new(title, 1));
        }
        let mut notes = Notes::default();
        apply(&mut sc, &[&blocks[0]], &mut notes);
        let expected: Vec<Option<u64>> = sc
            .steps
            .iter()
            .map(|s| s.expected.map(|d| d.secs()))
            .collect();
        // Phase 2 covers two steps: not split, reported.
        assert_eq!(expected, [Some(900), None, None, Some(300)]);
        assert!(notes.0.iter().any(|n| n.text.contains("covers 2 steps")));
    }
}
