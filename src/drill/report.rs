//! `drconsole drill report`: the scorecards of many drills as the table
//! teams keep (metric, target, last drill, status; then a row per drill),
//! in Markdown or JSON, and an SVG chart of RTO per drill against its
//! target. Pure and deterministic: the same drills give the same text.

use std::fmt::Write as _;

use jiff::Timestamp;
use serde::Serialize;

use super::score::{Scorecard, Verdict};
use crate::journal::export::{cell, dur};
use crate::ui::export::escape;

/// One scored drill session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DrillRun {
    /// The session's journal file.
    pub file: String,
    /// When it was run (the wall clock's start, else the drill's).
    pub date: Timestamp,
    pub scorecard: Scorecard,
}

/// A session that could not be scored, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unscored {
    pub file: String,
    pub why: String,
}

/// The drills of each runbook, oldest first, runbooks in the order of
/// their first drill.
pub fn by_runbook(runs: &[DrillRun]) -> Vec<(&str, Vec<&DrillRun>)> {
    let mut sorted: Vec<&DrillRun> = runs.iter().collect();
    sorted.sort_by(|a, b| (a.date, &a.file).cmp(&(b.date, &b.file)));
    let mut groups: Vec<(&str, Vec<&DrillRun>)> = Vec::new();
    for run in sorted {
        let name = run.scorecard.runbook.as_str();
        match groups.iter_mut().find(|(n, _)| *n == name) {
            Some((_, group)) => group.push(run),
            None => groups.push((name, vec![run])),
        }
    }
    groups
}

/// One line of the summary table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Metric {
    pub metric: &'static str,
    pub target: String,
    pub last_drill: String,
    pub status: Verdict,
}

/// The summary table of a runbook's drills: each metric's target, its
/// figure in the latest drill, and whether it was met.
pub fn metrics(last: &Scorecard) -> Vec<Metric> {
    let (on_time, due) = last.steps_on_time();
    vec![
        Metric {
            metric: "RTO",
            target: last.rto.target.map_or_else(|| "none".into(), dur),
            last_drill: last.rto.achieved.map_or_else(|| "not measured".into(), dur),
            status: last.rto.verdict,
        },
        Metric {
            metric: "RPO",
            target: last.rpo.target.map_or_else(|| "none".into(), dur),
            last_drill: last.rpo.achieved.map_or_else(|| "not recorded".into(), dur),
            status: last.rpo.verdict,
        },
        Metric {
            metric: "Steps on time",
            target: format!("{due} due"),
            last_drill: format!("{on_time} of {due}"),
            status: last.steps_verdict(),
        },
    ]
}

pub fn markdown(runs: &[DrillRun]) -> String {
    let mut out = String::from("# Drill report\n\n");
    let groups = by_runbook(runs);
    if groups.is_empty() {
        out.push_str("No scored drill.\n");
        return out;
    }
    for (runbook, drills) in groups {
        let _ = writeln!(out, "## {}\n", cell(runbook));
        if let Some(last) = drills.last() {
            out.push_str("| Metric | Target | Last drill | Status |\n|---|---|---|---|\n");
            for m in metrics(&last.scorecard) {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} |",
                    m.metric,
                    m.target,
                    m.last_drill,
                    m.status.word()
                );
            }
            out.push('\n');
        }
        out.push_str("| Date | Scenario | RTO achieved | RPO | Steps on time | Result |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for run in drills {
            let card = &run.scorecard;
            let (on_time, due) = card.steps_on_time();
            let _ = writeln!(
                out,
                "| {} | `{}` | {} | {} | {on_time} of {due} | {} |",
                run.date.strftime("%Y-%m-%d"),
                card.scenario,
                against(card.rto.achieved, card.rto.target),
                against(card.rpo.achieved, card.rpo.target),
                card.result().word()
            );
        }
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// "38m of 1h", or what is missing.
fn against(achieved: Option<u64>, target: Option<u64>) -> String {
    match (achieved, target) {
        (Some(a), Some(t)) => format!("{} of {}", dur(a), dur(t)),
        (Some(a), None) => dur(a),
        (None, _) => "—".to_string(),
    }
}

pub fn json(runs: &[DrillRun], unscored: &[Unscored]) -> String {
    #[derive(Serialize)]
    struct Group<'a> {
        runbook: &'a str,
        summary: Vec<Metric>,
        drills: Vec<&'a DrillRun>,
    }
    #[derive(Serialize)]
    struct Report<'a> {
        runbooks: Vec<Group<'a>>,
        unscored: &'a [Unscored],
    }
    let runbooks = by_runbook(runs)
        .into_iter()
        .map(|(runbook, drills)| Group {
            runbook,
            summary: drills
                .last()
                .map(|last| metrics(&last.scorecard))
                .unwrap_or_default(),
            drills,
        })
        .collect();
    // Plain data always serializes; an empty text could only come of a bug.
    let mut out = serde_json::to_string_pretty(&Report { runbooks, unscored }).unwrap_or_default();
    out.push('\n');
    out
}

// The chart's geometry, in pixels.
const SLOT: u64 = 56;
const BAR: u64 = 32;
const LEFT: u64 = 56;
const TOP: u64 = 24;
const PLOT: u64 = 160;

/// A bar chart of RTO achieved per drill (`class="bar"`), each with its
/// RTO target as a line across it (`class="target"`), oldest first.
pub fn svg(runs: &[DrillRun]) -> String {
    let drills: Vec<&DrillRun> = by_runbook(runs)
        .into_iter()
        .flat_map(|(_, drills)| drills)
        .collect();
    let count = u64::try_from(drills.len()).unwrap_or(u64::MAX);
    let width = LEFT.saturating_add(SLOT.saturating_mul(count.max(1)));
    let height = TOP + PLOT + 40;
    let scale = drills
        .iter()
        .flat_map(|d| [d.scorecard.rto.achieved, d.scorecard.rto.target])
        .flatten()
        .max()
        .unwrap_or(0)
        .max(1);
    // Pixels above the axis for `secs`; u128 so no product overflows.
    let rise = |secs: u64| {
        let px = u128::from(secs.min(scale)) * u128::from(PLOT) / u128::from(scale);
        u64::try_from(px).unwrap_or(PLOT)
    };
    let axis = TOP + PLOT;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" \
         viewBox=\"0 0 {width} {height}\" font-family=\"monospace\" font-size=\"10\">"
    );
    let _ = writeln!(out, "<title>RTO per drill against its target</title>");
    let _ = writeln!(
        out,
        "<rect width=\"{width}\" height=\"{height}\" fill=\"#ffffff\"/>"
    );
    let _ = writeln!(
        out,
        "<text x=\"4\" y=\"{}\">{}</text>",
        TOP - 8,
        escape(&format!("RTO (max {})", dur(scale)))
    );
    let _ = writeln!(
        out,
        "<line x1=\"{LEFT}\" y1=\"{axis}\" x2=\"{width}\" y2=\"{axis}\" stroke=\"#000000\"/>"
    );
    for (i, run) in (0u64..).zip(&drills) {
        let card = &run.scorecard;
        let x = LEFT
            .saturating_add(i.saturating_mul(SLOT))
            .saturating_add((SLOT - BAR) / 2);
        let up = card.rto.achieved.map_or(0, rise);
        let fill = match card.rto.verdict {
            Verdict::Missed => "#c0392b",
            Verdict::Met => "#27ae60",
            Verdict::Open | Verdict::Unknown => "#7f8c8d",
        };
        let label = format!(
            "{} {}: RTO {} (target {})",
            run.date.strftime("%Y-%m-%d"),
            card.scenario,
            card.rto.achieved.map_or_else(|| "not measured".into(), dur),
            card.rto.target.map_or_else(|| "none".into(), dur)
        );
        let _ = writeln!(
            out,
            "<rect class=\"bar\" x=\"{x}\" y=\"{}\" width=\"{BAR}\" height=\"{up}\" fill=\"{fill}\"><title>{}</title></rect>",
            axis - up,
            escape(&label)
        );
        if let Some(target) = card.rto.target {
            let y = axis - rise(target);
            let _ = writeln!(
                out,
                "<line class=\"target\" x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#000000\" stroke-dasharray=\"4 2\"/>",
                x.saturating_sub(6),
                x.saturating_add(BAR + 6)
            );
        }
        let _ = writeln!(
            out,
            "<text x=\"{x}\" y=\"{}\">{}</text>",
            axis + 14,
            escape(&run.date.strftime("%m-%d").to_string())
        );
    }
    out.push_str("</svg>\n");
    out
}
