//! Turns a session's entries into an incident timeline: Markdown for the
//! postmortem, JSON for tools. Pure and deterministic: the same entries (and
//! runbook) always give the same text.

use std::collections::HashMap;
use std::fmt::Write as _;

use jiff::Timestamp;

use super::chain::{Status, UNCHAINED, Verdict};
use super::entry::{Entry, EntryEvidence, EntryKind};
use super::store::{taken_back, undone_by};
use crate::domain::readiness::outcome_word;
use crate::drill::score::Scorecard;
use crate::runbook::duration::{HumanDuration, secs_between};
use crate::runbook::model::{Runbook, Scenario};

/// A session as one JSON object, the same shape for every session:
/// `{"entries": [...], "chain_head": "<hex>" or null, "chain": "<status>",
/// "chain_finding"?: "...", "scorecard"?: {...} or null,
/// "scorecard_unavailable"?: "..."}`. Entries are exactly as stored; a drill
/// session has `scorecard` (null, with `scorecard_unavailable` saying why,
/// when it cannot be scored); `chain` is `Verdict::status` as a word.
pub fn json(
    entries: &[Entry],
    chain: &Verdict,
    scoring: Option<&Result<Scorecard, String>>,
) -> String {
    let mut value = serde_json::json!({
        "entries": entries,
        "chain_head": chain.chained_head(),
        "chain": chain.status().as_str(),
    });
    if let Some(finding) = &chain.tampered {
        value["chain_finding"] = finding.to_string().into();
    }
    match scoring {
        Some(Ok(card)) => value["scorecard"] = serde_json::json!(card),
        Some(Err(why)) => {
            value["scorecard"] = serde_json::Value::Null;
            value["scorecard_unavailable"] = why.as_str().into();
        }
        None => {}
    }
    // A `Value` always serializes; an empty text could only come of a bug.
    let mut out = serde_json::to_string_pretty(&value).unwrap_or_default();
    out.push('\n');
    out
}

/// The Markdown export's last line: the chain head, so a postmortem can be
/// tied to its log, and whether the chain held.
pub fn chain_line(chain: &Verdict) -> String {
    let n = chain.entries;
    let head = chain.chained_head().unwrap_or("none");
    let state = match (&chain.tampered, chain.status()) {
        (Some(finding), _) => format!("NOT verified: {finding}"),
        (None, Status::Unchained) => format!("unchained: {UNCHAINED}"),
        (None, Status::PartlyUnchained) => format!(
            "verified after the first {}, which are unchained: {UNCHAINED}",
            chain.unchained
        ),
        (None, _) => "verified".to_string(),
    };
    format!("Log chain head: {head} ({n} entries, {state})\n")
}

/// A Markdown incident timeline: summary (runbook, scenario, drill tag,
/// operators, start and end, declaration, RTO achieved), the outcome of each
/// step, the full timeline and the evidence recorded with each entry.
/// With the runbook, steps get their titles and expected durations, steps
/// never resolved are listed, and the RTO is judged against its target.
pub fn markdown(entries: &[Entry], runbook: Option<&Runbook>) -> String {
    markdown_noting(entries, runbook, None)
}

/// `markdown`, saying in the summary where the targets came from (or why
/// there are none), e.g. the runbook the session was started with.
pub fn markdown_noting(
    entries: &[Entry],
    runbook: Option<&Runbook>,
    targets: Option<&str>,
) -> String {
    markdown_scored(entries, runbook, targets, None, None)
}

/// `markdown_noting` with a drill's scorecard (or why there is none) as a
/// section after the summary, and the chain head as the last line.
pub fn markdown_scored(
    entries: &[Entry],
    runbook: Option<&Runbook>,
    targets: Option<&str>,
    scoring: Option<&Result<Scorecard, String>>,
    chain: Option<&Verdict>,
) -> String {
    if entries.is_empty() {
        return "# Incident timeline\n\nThe journal holds no entries.\n".to_string();
    }
    let mut incident = Incident::new(entries, runbook);
    incident.targets = targets;
    let mut out = String::new();
    incident.write_summary(&mut out);
    match scoring {
        Some(Ok(card)) => out.push_str(&card.markdown()),
        Some(Err(why)) => {
            let _ = writeln!(out, "## Drill scorecard\n\nNot scored: {}.\n", cell(why));
        }
        None => {}
    }
    incident.write_steps(&mut out);
    incident.write_timeline(&mut out);
    incident.write_evidence(&mut out);
    if let Some(chain) = chain {
        out.push_str(&chain_line(chain));
    }
    // Sections end with a blank line; the document ends with one newline.
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

/// The incident as a session's entries tell it, computed once for every
/// section.
struct Incident<'a> {
    entries: &'a [Entry],
    runbook: Option<&'a Runbook>,
    scenario_id: Option<&'a str>,
    scenario: Option<&'a Scenario>,
    /// seq of an entry → seq of the `undone` entry that took it back.
    undone_by: HashMap<u64, u64>,
    /// When the incident began: the latest standing declaration's start,
    /// else the session's start (opening the console declares it).
    declared: Option<Timestamp>,
    /// The declaration that set it, if one did (for its RPO estimate).
    declaration: Option<&'a Entry>,
    steps: Vec<StepOutcome<'a>>,
    /// Show dates in the tables only when the session spans several days.
    multi_day: bool,
    /// Where the targets came from, when the caller says.
    targets: Option<&'a str>,
}

#[derive(Default)]
struct StepOutcome<'a> {
    id: &'a str,
    title: Option<&'a str>,
    expected: Option<HumanDuration>,
    /// The confirm or skip that stands (not undone), if any.
    resolution: Option<&'a Entry>,
    /// Confirms and skips of this step that were undone, in order.
    undone: Vec<&'a Entry>,
    /// Time from the previous standing resolution (or the declaration, or
    /// the session start) to this one.
    took: Option<u64>,
}

impl<'a> Incident<'a> {
    fn new(entries: &'a [Entry], runbook: Option<&'a Runbook>) -> Self {
        let scenario_id = entries.iter().find_map(|e| e.scenario.as_deref());
        let scenario = runbook.zip(scenario_id).and_then(|(r, id)| r.scenario(id));
        let undone_by = undone_by(entries);
        let declaration = entries
            .iter()
            .rev()
            .find(|e| e.kind == EntryKind::IncidentDeclared && !taken_back(&undone_by, e.seq));
        let declared = declaration.map(|e| e.at.unwrap_or(e.time)).or_else(|| {
            entries
                .iter()
                .find(|e| e.kind == EntryKind::SessionStarted)
                .map(|e| e.time)
        });
        let first_day = entries[0].time.strftime("%F").to_string();
        // A declared start (shown on its row) may fall on the day before.
        let multi_day = entries
            .iter()
            .flat_map(|e| std::iter::once(e.time).chain(e.at))
            .any(|t| t.strftime("%F").to_string() != first_day);
        let mut incident = Incident {
            entries,
            runbook,
            scenario_id,
            scenario,
            undone_by,
            declared,
            declaration,
            steps: Vec::new(),
            multi_day,
            targets: None,
        };
        incident.steps = incident.step_outcomes();
        incident
    }

    fn step_outcomes(&self) -> Vec<StepOutcome<'a>> {
        let mut steps: Vec<StepOutcome<'a>> = self
            .scenario
            .map(|s| {
                s.steps
                    .iter()
                    .map(|step| StepOutcome {
                        id: &step.id,
                        title: Some(&step.title),
                        expected: step.expected,
                        ..StepOutcome::default()
                    })
                    .collect()
            })
            .unwrap_or_default();
        for entry in self.entries.iter().filter(|e| is_resolution(e.kind)) {
            let Some(id) = entry.step.as_deref() else {
                continue;
            };
            let index = match steps.iter().position(|s| s.id == id) {
                Some(index) => index,
                None => {
                    steps.push(StepOutcome {
                        id,
                        ..StepOutcome::default()
                    });
                    steps.len() - 1
                }
            };
            let step = &mut steps[index];
            if taken_back(&self.undone_by, entry.seq) {
                step.undone.push(entry);
            } else if step.resolution.is_none() {
                // The first standing resolution stands, as on the console:
                // another operator's second one was already done.
                step.resolution = Some(entry);
            }
        }
        self.measure(&mut steps);
        steps
    }

    /// Each standing resolution took the time since the one before it.
    fn measure(&self, steps: &mut [StepOutcome<'a>]) {
        let start = self.entries[0].time;
        let mut order: Vec<usize> = (0..steps.len())
            .filter(|&i| steps[i].resolution.is_some())
            .collect();
        order.sort_by_key(|&i| steps[i].resolution.map(|e| (e.time, e.seq)));
        let mut previous: Option<Timestamp> = None;
        for i in order {
            let Some(at) = steps[i].resolution.map(|e| e.time) else {
                continue;
            };
            let started = self.started_at(steps[i].id, at);
            let since = started.unwrap_or_else(|| {
                [Some(start), self.declared.filter(|&d| d <= at), previous]
                    .into_iter()
                    .flatten()
                    .max()
                    .unwrap_or(start)
            });
            steps[i].took = Some(secs_between(since, at));
            previous = Some(at);
        }
    }

    /// The latest start of step `id` before `until`, if the operator started it.
    fn started_at(&self, id: &str, until: Timestamp) -> Option<Timestamp> {
        self.entries
            .iter()
            .filter(|e| e.kind == EntryKind::StepStarted && e.step.as_deref() == Some(id))
            .map(|e| e.time)
            .filter(|&t| t <= until)
            .max()
    }

    fn last_resolution(&self) -> Option<Timestamp> {
        self.steps
            .iter()
            .filter_map(|s| s.resolution.map(|e| e.time))
            .max()
    }

    fn open_steps(&self) -> usize {
        self.steps.iter().filter(|s| s.resolution.is_none()).count()
    }

    fn drill(&self) -> bool {
        self.entries.iter().any(|e| e.drill)
    }

    fn write_summary(&self, out: &mut String) {
        let runbook_name = &self.entries[0].runbook;
        let scenario = match (self.scenario, self.scenario_id) {
            (Some(s), _) => format!("{} (`{}`)", cell(&s.title), s.id),
            (None, Some(id)) => format!("`{id}`"),
            (None, None) => "none named".to_string(),
        };
        let title_scenario = self
            .scenario
            .map(|s| s.title.as_str())
            .or(self.scenario_id)
            .map(|s| format!(" — {}", cell(s)))
            .unwrap_or_default();
        let drill_tag = if self.drill() { "[DRILL] " } else { "" };
        let _ = writeln!(
            out,
            "# {drill_tag}Incident timeline: {}{title_scenario}\n",
            cell(runbook_name)
        );
        let _ = writeln!(out, "- **Runbook:** {}", cell(runbook_name));
        if let Some(targets) = self.targets {
            let _ = writeln!(out, "- **Targets from:** {}", cell(targets));
        }
        let _ = writeln!(out, "- **Scenario:** {scenario}");
        let drill = if self.drill() {
            "yes (simulated environment, not a real incident)"
        } else {
            "no"
        };
        let _ = writeln!(out, "- **Drill:** {drill}");
        let _ = writeln!(out, "- **Operators:** {}", self.operators().join(", "));
        let _ = writeln!(out, "- **Started:** {}", full_time(self.entries[0].time));
        let _ = writeln!(out, "- **Ended:** {}", self.ended());
        let declared = match (self.declared, self.declaration) {
            (Some(at), Some(_)) => full_time(at),
            (Some(at), None) => format!("{} (the session's start)", full_time(at)),
            (None, _) => "never".to_string(),
        };
        let _ = writeln!(out, "- **Incident began:** {declared}");
        let _ = writeln!(out, "- **RTO achieved:** {}", self.rto());
        let _ = writeln!(out, "- **RPO at declaration:** {}", self.rpo());
        let _ = writeln!(out, "- **Steps:** {}\n", self.step_counts());
    }

    fn operators(&self) -> Vec<String> {
        let mut seen: Vec<String> = Vec::new();
        for entry in self.entries {
            if !seen.contains(&entry.actor) {
                seen.push(entry.actor.clone());
            }
        }
        seen.iter().map(|a| cell(a)).collect()
    }

    /// A finished session ended at its standing completion (notes written
    /// afterwards, while the team reviews, do not move it); the same
    /// standing-completion rule as `store::is_finished`.
    fn ended(&self) -> String {
        let completed =
            self.entries.iter().rev().find(|e| {
                e.kind == EntryKind::SessionCompleted && !taken_back(&self.undone_by, e.seq)
            });
        match (completed, self.entries.last()) {
            (Some(done), _) => format!("{} (completed)", full_time(done.time)),
            (None, Some(last)) => format!("not completed; last entry at {}", full_time(last.time)),
            (None, None) => "not completed".to_string(),
        }
    }

    fn rto(&self) -> String {
        let Some(declared) = self.declared else {
            return "not measured (no incident was declared)".to_string();
        };
        let Some(last) = self.last_resolution() else {
            return "not measured (no step resolved yet)".to_string();
        };
        let achieved = secs_between(declared, last);
        let open = self.open_steps();
        let mut text = format!("{} (declared → last step resolved)", dur(achieved));
        if open > 0 {
            let _ = write!(text, " so far, {open} step(s) still open");
        }
        let target = self
            .runbook
            .zip(self.scenario)
            .map(|(r, s)| s.rto(&r.objectives).secs());
        match target {
            Some(target) if achieved > target => {
                let _ = write!(
                    text,
                    "; target {}: **missed** by {}",
                    dur(target),
                    dur(achieved - target)
                );
            }
            Some(target) if open > 0 => {
                let _ = write!(text, "; target {}: within it so far", dur(target));
            }
            Some(target) => {
                let _ = write!(text, "; target {}: met", dur(target));
            }
            None => text.push_str("; no runbook given, so no target to judge against"),
        }
        text
    }

    /// The declaration's RPO estimate; without one, the earliest entry's
    /// that recorded an estimate, saying when that was.
    fn rpo(&self) -> String {
        let recorded = |e: &'a Entry| Some((e.evidence.as_ref()?.rpo.as_ref()?, e.time));
        let (estimate, when) = if let Some((estimate, _)) = self.declaration.and_then(recorded) {
            (estimate, String::new())
        } else if let Some((estimate, at)) = self.entries.iter().find_map(recorded) {
            (estimate, format!(", first estimated at {}", self.time(at)))
        } else {
            return "not estimated (no entry recorded one)".to_string();
        };
        let mut text = format!("{} ({}{when})", dur(estimate.secs), cell(&estimate.basis));
        if let Some(target) = self
            .runbook
            .zip(self.scenario)
            .map(|(r, s)| s.rpo(&r.objectives).secs())
        {
            let verdict = if estimate.secs <= target {
                "met"
            } else {
                "**missed**"
            };
            let _ = write!(text, "; target {}: {verdict}", dur(target));
        }
        text
    }

    fn step_counts(&self) -> String {
        let count = |kind: EntryKind| {
            self.steps
                .iter()
                .filter(|s| s.resolution.is_some_and(|e| e.kind == kind))
                .count()
        };
        let undone: usize = self.steps.iter().map(|s| s.undone.len()).sum();
        format!(
            "{} confirmed, {} skipped, {} not done; {} undo(s)",
            count(EntryKind::Confirmed),
            count(EntryKind::Skipped),
            self.open_steps(),
            undone
        )
    }

    fn write_steps(&self, out: &mut String) {
        out.push_str("## Steps\n\n");
        if self.steps.is_empty() {
            out.push_str("No step was confirmed or skipped.\n\n");
            return;
        }
        out.push_str("| Step | Outcome | At | Took | Expected | Evidence |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for step in &self.steps {
            let name = match step.title {
                Some(title) => format!("`{}` {}", step.id, cell(title)),
                None => format!("`{}`", step.id),
            };
            let at = step
                .resolution
                .map_or_else(String::new, |e| self.time(e.time));
            let took = step.took.map_or_else(String::new, dur);
            let expected = match (step.expected, step.took) {
                (Some(expected), Some(took)) if took > expected.secs() => {
                    format!("{expected} (**over by {}**)", dur(took - expected.secs()))
                }
                (Some(expected), Some(_)) => format!("{expected} (within)"),
                (Some(expected), None) => expected.to_string(),
                (None, _) => String::new(),
            };
            let evidence = step
                .resolution
                .and_then(|e| e.evidence.as_ref())
                .map_or_else(String::new, evidence_cell);
            let _ = writeln!(
                out,
                "| {name} | {} | {at} | {took} | {expected} | {evidence} |",
                self.outcome(step)
            );
        }
        out.push('\n');
    }

    fn outcome(&self, step: &StepOutcome) -> String {
        let mut text = match step.resolution {
            Some(e) if e.kind == EntryKind::Skipped => match e.note.as_deref() {
                Some(reason) => format!("skipped: {}", cell(reason)),
                None => "skipped (no reason given)".to_string(),
            },
            Some(_) => "confirmed".to_string(),
            None if step.undone.is_empty() => "not done".to_string(),
            None => "not done (undone)".to_string(),
        };
        if !step.undone.is_empty() {
            let taken_back: Vec<String> = step
                .undone
                .iter()
                .map(|e| {
                    let by = self.undone_by.get(&e.seq).copied().unwrap_or_default();
                    format!("{} #{} undone by #{by}", label(e.kind), e.seq)
                })
                .collect();
            let _ = write!(text, "; earlier {}", taken_back.join(", "));
        }
        text
    }

    fn write_timeline(&self, out: &mut String) {
        out.push_str("## Timeline\n\n");
        let zone = if self.multi_day { "" } else { " (UTC)" };
        let _ = writeln!(out, "| # | Time{zone} | Actor | Event | Step | Note |");
        out.push_str("|---|---|---|---|---|---|\n");
        for entry in self.entries {
            let mut event = label(entry.kind).to_string();
            // A declaration's row shows when the incident began; when it
            // was written is said beside it.
            let time = match entry.at {
                Some(at) if entry.kind == EntryKind::IncidentDeclared && at != entry.time => {
                    let _ = write!(event, " (recorded at {})", self.time(entry.time));
                    at
                }
                _ => entry.time,
            };
            if let Some(target) = entry.undoes {
                let _ = write!(event, " #{target}");
            }
            if let Some(by) = self.undone_by.get(&entry.seq) {
                let _ = write!(event, " (undone by #{by})");
            }
            if entry.evidence.as_ref().is_some_and(|e| e.against_evidence) {
                event.push_str(" **against evidence**");
            }
            let step = entry
                .step
                .as_deref()
                .map_or_else(String::new, |s| format!("`{s}`"));
            let note = entry.note.as_deref().map_or_else(String::new, cell);
            let _ = writeln!(
                out,
                "| {} | {} | {} | {event} | {step} | {note} |",
                entry.seq,
                self.time(time),
                cell(&entry.actor)
            );
        }
        out.push('\n');
    }

    fn write_evidence(&self, out: &mut String) {
        let with_evidence: Vec<(&Entry, &EntryEvidence)> = self
            .entries
            .iter()
            .filter_map(|e| e.evidence.as_ref().map(|ev| (e, ev)))
            .collect();
        if with_evidence.is_empty() {
            return;
        }
        out.push_str("## Evidence\n\nThe live state recorded with each entry.\n\n");
        for (entry, evidence) in with_evidence {
            let step = entry
                .step
                .as_deref()
                .map_or_else(String::new, |s| format!(" `{s}`"));
            let _ = writeln!(
                out,
                "### #{} {}{step} at {}\n",
                entry.seq,
                label(entry.kind),
                self.time(entry.time)
            );
            if let Some(check) = &evidence.check {
                let _ = writeln!(
                    out,
                    "- check {}: {}",
                    outcome_word(check.outcome),
                    cell(&check.seen)
                );
            }
            if evidence.against_evidence {
                out.push_str("- **confirmed against evidence**: the check was not met\n");
            }
            for line in &evidence.state {
                let _ = writeln!(out, "- {}", cell(line));
            }
            out.push('\n');
        }
    }

    fn time(&self, at: Timestamp) -> String {
        if self.multi_day {
            full_time(at)
        } else {
            at.strftime("%H:%M:%S").to_string()
        }
    }
}

fn is_resolution(kind: EntryKind) -> bool {
    matches!(kind, EntryKind::Confirmed | EntryKind::Skipped)
}

fn label(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::SessionStarted => "session started",
        EntryKind::SessionResumed => "session resumed",
        EntryKind::Joined => "joined",
        EntryKind::IncidentDeclared => "incident declared",
        EntryKind::StepStarted => "step started",
        EntryKind::Confirmed => "confirmed",
        EntryKind::Skipped => "skipped",
        EntryKind::Undone => "undone",
        EntryKind::Note => "note",
        EntryKind::SessionPaused => "session paused",
        EntryKind::SessionCompleted => "session completed",
        EntryKind::Injected => "injected",
        EntryKind::ClockChanged => "drill clock",
        EntryKind::DrillScored => "drill scored",
    }
}

fn evidence_cell(evidence: &EntryEvidence) -> String {
    let Some(check) = &evidence.check else {
        return String::new();
    };
    let mut text = format!("{}: {}", outcome_word(check.outcome), cell(&check.seen));
    if evidence.against_evidence {
        text.push_str(" — **confirmed against evidence**");
    }
    text
}

pub(crate) fn dur(secs: u64) -> String {
    HumanDuration::from_secs(secs).to_string()
}

fn full_time(at: Timestamp) -> String {
    at.strftime("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Text safe inside a Markdown table cell: pipes escaped, line breaks kept
/// as `<br>` so a multi-line note stays in its row.
pub(crate) fn cell(text: &str) -> String {
    text.replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}
