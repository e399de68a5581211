//! The objectives stage: the plan's RTO/RPO and each scenario's, from what
//! objectives.rs reads in the context, in each scenario and in RTO/RPO
//! tables. Objectives of a future or target mode are seen and skipped; a
//! value read from a tolerance after an ideal says how it was read.

use std::collections::BTreeSet;

use super::Draft;
use super::draft::ScenarioOrigin;
use super::markdown::Block;
use super::objectives::{self, Stated, TableRow, Which, is_future};
use super::report::Notes;
use super::scenarios::Outline;
use super::sections::{HeadingClass, Section, classify};
use super::text::words;
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::Objectives;

const DEFAULT_RTO: HumanDuration = HumanDuration::from_hours(4);
const DEFAULT_RPO: HumanDuration = HumanDuration::from_hours(1);

/// Line ranges of sections about a future or target mode ("Target state
/// (Phase 2)", "Planned multi-region setup"); a procedure's own "Phase 2"
/// heading is a part of it, not a mode.
fn future_sections(outline: &Outline<'_, '_>) -> Vec<(usize, usize)> {
    fn walk(section: &Section<'_>, out: &mut Vec<(usize, usize)>) {
        if is_future(&section.title) && classify(&section.title) != HeadingClass::Phase {
            out.push((section.line, section.end_line));
            return;
        }
        for child in &section.children {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    for section in outline
        .scenarios
        .iter()
        .chain(&outline.references)
        .chain(&outline.roles)
        .chain(&outline.containers)
        .chain(&outline.skipped)
        .chain(&outline.loose_steps)
    {
        walk(section, &mut out);
    }
    out
}

/// Objectives of a mode not in effect: noted once each, never taken.
struct Skipped<'n> {
    ranges: Vec<(usize, usize)>,
    noted: BTreeSet<(usize, Which)>,
    notes: &'n mut Notes,
}

impl Skipped<'_> {
    fn in_future_section(&self, line: usize) -> bool {
        self.ranges.iter().any(|&(a, b)| (a..=b).contains(&line))
    }

    /// Whether a statement is to be skipped; notes it the first time.
    fn skip(
        &mut self,
        which: Which,
        value: HumanDuration,
        line: usize,
        text: &str,
        future: bool,
    ) -> bool {
        if !future && !self.in_future_section(line) {
            return false;
        }
        if self.noted.insert((line, which)) {
            self.notes.check(
                Some(line),
                format!(
                    "{} {value} (\"{text}\") is for a future or target mode not in effect; not taken",
                    which.name()
                ),
            );
        }
        true
    }

    fn keep_stated(&mut self, stated: Vec<Stated>) -> Vec<Stated> {
        stated
            .into_iter()
            .filter(|s| !self.skip(s.which, s.value, s.line, &s.text, s.future))
            .collect()
    }

    fn keep_row(&mut self, row: &TableRow) -> bool {
        let mut keep = true;
        for which in [Which::Rto, Which::Rpo] {
            if let Some((v, _)) = row.value(which)
                && self.skip(which, v, row.line, &row.key, row.future)
            {
                keep = false;
            }
        }
        keep
    }
}

/// Plan-wide objectives from the context; per-scenario ones from each
/// scenario's text and from RTO/RPO tables. Returns the objectives and a
/// comment for the TOML.
pub(super) fn settle(
    context: &[&Block],
    outline: &Outline<'_, '_>,
    drafts: &mut [Draft<'_>],
    notes: &mut Notes,
) -> (Objectives, String) {
    let mut skipped = Skipped {
        ranges: future_sections(outline),
        noted: BTreeSet::new(),
        notes,
    };
    let mut global: Vec<Stated> = Vec::new();
    objectives::scan_blocks(context, &mut global);
    if let Some((title, line)) = &outline.title {
        objectives::scan_line(title, *line, &mut global);
    }
    let global = skipped.keep_stated(global);
    for draft in drafts.iter_mut() {
        scenario_objectives(draft, &mut skipped);
    }
    let mut all_blocks: Vec<&Block> = context.to_vec();
    for d in drafts.iter() {
        all_blocks.extend(d.blocks.iter().copied());
    }
    let rows: Vec<TableRow> = objectives::scan_tables(&all_blocks)
        .into_iter()
        .filter(|r| skipped.keep_row(r))
        .collect();
    let notes = skipped.notes;
    let unmatched = objectives_from_rows(rows, drafts, notes);
    let mut plan = PlanObjectives {
        global: &global,
        unmatched: &unmatched,
        drafts,
        notes,
        comment: Vec::new(),
    };
    let rto = plan.pick(Which::Rto, DEFAULT_RTO);
    let rpo = plan.pick(Which::Rpo, DEFAULT_RPO);
    (Objectives { rto, rpo }, plan.comment.join("\n"))
}

/// A scenario's objectives stated in its headings and text.
fn scenario_objectives(draft: &mut Draft<'_>, skipped: &mut Skipped<'_>) {
    if draft.scenario.origin == ScenarioOrigin::WholePlan {
        // Its text is the plan's own: its objectives are the plan's.
        return;
    }
    let mut found = Vec::new();
    for (heading, line) in &draft.headings {
        objectives::scan_line(heading, *line, &mut found);
    }
    objectives::scan_blocks(&draft.blocks, &mut found);
    let found = skipped.keep_stated(found);
    let notes = &mut *skipped.notes;
    let scenario = &mut draft.scenario;
    for which in [Which::Rto, Which::Rpo] {
        let Some(s) = found.iter().find(|s| s.which == which) else {
            continue;
        };
        *scenario.objective_mut(which) = Some((s.value, s.line));
        let (name, title) = (which.name(), &scenario.title);
        notes.inferred(
            s.line,
            format!("{name} {} for \"{title}\" from \"{}\"", s.value, s.text),
        );
        if let Some(reading) = s.reading() {
            notes.check(Some(s.line), format!("{reading} for \"{title}\""));
        }
        if s.vague {
            notes.check(
                Some(s.line),
                format!("{name} of \"{title}\" read as 0 from \"{}\"", s.text),
            );
        }
    }
}

/// Gives each RTO/RPO table row to the scenario it names; returns the rows
/// that name none (categories, the plan as a whole).
fn objectives_from_rows(
    rows: Vec<TableRow>,
    drafts: &mut [Draft<'_>],
    notes: &mut Notes,
) -> Vec<TableRow> {
    // Matching every row against every scenario is quadratic; a plan this
    // large is generated, not written, so its rows stay plan-wide.
    let row_budget = rows.len().saturating_mul(drafts.len()) <= 2_000_000;
    let mut unmatched = Vec::new();
    for row in rows {
        let target = drafts
            .iter_mut()
            .take(if row_budget { usize::MAX } else { 0 })
            .find(|d| row_names_scenario(&row.key, &d.scenario.title));
        let Some(Draft { scenario, .. }) = target else {
            unmatched.push(row);
            continue;
        };
        for which in [Which::Rto, Which::Rpo] {
            let slot = scenario.objective_mut(which);
            let Some((v, vague)) = row.value(which).filter(|_| slot.is_none()) else {
                continue;
            };
            *slot = Some((v, row.line));
            let (name, title) = (which.name(), &scenario.title);
            notes.inferred(
                row.line,
                format!(
                    "{name} {v} for \"{title}\" from a table row \"{}\"",
                    row.key
                ),
            );
            if vague {
                notes.check(Some(row.line), format!("{name} of \"{title}\" read as 0"));
            }
        }
    }
    unmatched
}

/// Settles a plan-wide objective: stated in the plan's context, else the
/// largest in an objectives table, else the largest scenario's, else a
/// default; each choice noted for the report and the TOML comment.
struct PlanObjectives<'x, 'a> {
    global: &'x [Stated],
    unmatched: &'x [TableRow],
    drafts: &'x [Draft<'a>],
    notes: &'x mut Notes,
    comment: Vec<String>,
}

impl PlanObjectives<'_, '_> {
    fn pick(&mut self, which: Which, default: HumanDuration) -> HumanDuration {
        let name = which.name();
        if let Some(s) = self.global.iter().find(|s| s.which == which) {
            let text = &s.text;
            self.notes
                .inferred(s.line, format!("plan {name} {} from \"{text}\"", s.value));
            self.comment
                .push(format!("{name} from line {}: {text}", s.line));
            if let Some(reading) = s.reading() {
                self.notes.check(Some(s.line), format!("plan {reading}"));
            }
            if s.vague {
                self.notes.check(
                    Some(s.line),
                    format!("plan {name} read as 0 from \"{text}\"; set the figure you actually commit to"),
                );
            }
            return s.value;
        }
        let from_rows = self
            .unmatched
            .iter()
            .filter_map(|r| r.value(which).map(|(v, _)| (v, r.line)))
            .max();
        if let Some((v, line)) = from_rows {
            self.notes.check(
                Some(line),
                format!("plan {name} {v}: the largest value in an objectives table"),
            );
            self.comment
                .push(format!("{name}: largest value in the table at line {line}"));
            return v;
        }
        let per_scenario = self
            .drafts
            .iter()
            .filter_map(|d| d.scenario.objective(which))
            .max();
        if let Some((v, line)) = per_scenario {
            self.notes.check(
                Some(line),
                format!("no plan-wide {name}; used the largest scenario {name} ({v})"),
            );
            self.comment.push(format!(
                "{name}: no plan-wide value; the largest scenario value"
            ));
            return v;
        }
        self.notes.check(
            None,
            format!("no {name} found; assumed {default} — set your real objective"),
        );
        self.comment
            .push(format!("{name}: not stated in the plan; assumed {default}"));
        default
    }
}

/// "Scenario 2", "DR Procedure B": the label's keyword and its id.
fn label_id(ws: &[String]) -> Option<(&str, &str)> {
    const LABELS: [&str; 6] = [
        "category",
        "scenario",
        "procedure",
        "tier",
        "playbook",
        "case",
    ];
    let is_id = |w: &str| w.len() <= 4 && (w.chars().all(|c| c.is_ascii_digit()) || w.len() == 1);
    ws.windows(2)
        .take(2)
        .find(|w| LABELS.contains(&w[0].as_str()) && is_id(&w[1]))
        .map(|w| (w[0].as_str(), w[1].as_str()))
}

/// Whether a table row's first cell names a scenario: by its label
/// ("Category 1" matches "Category 1: Database"), by its bare number or
/// letter ("2", "B" match "Scenario 2", "Scenario B"), or by its title
/// ("Database corruption" matches "Scenario 2: Database corruption").
fn row_names_scenario(key: &str, title: &str) -> bool {
    let (k, t) = (words(key), words(title));
    if k.is_empty() {
        return false;
    }
    match (label_id(&k), label_id(&t)) {
        (Some(a), Some(b)) => return a == b,
        (None, Some((_, id))) if k.len() == 1 && k[0] == id => return true,
        _ => {}
    }
    let (k, t) = (k.join(" "), t.join(" "));
    k == t || (k.len() >= 8 && t.contains(&k)) || (t.len() >= 8 && k.contains(&t))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_name_scenarios_by_label_number_letter_or_title() {
        let title = "Scenario B: Database corruption";
        assert!(row_names_scenario("Scenario B", title));
        assert!(row_names_scenario("B", title));
        assert!(row_names_scenario("Database corruption", title));
        assert!(row_names_scenario("Category 1", "Category 1: Database"));
        assert!(!row_names_scenario("Scenario A", title));
        assert!(!row_names_scenario("Category B", title));
        assert!(!row_names_scenario("A", title));
    }
}
