//! A drill's scorecard, from its session's journal entries, the drill and
//! the runbook: RTO and RPO against their targets, each step against its
//! expected duration and due time, and how long each inject took to be
//! answered. Pure: no I/O, no clock; all times are drill time.
//!
//! Definitions (docs/drills.md, "Scorecard and report"):
//! - the drill starts at the session's first `session_started` entry;
//! - the RTO runs from the incident's declared start (the latest standing
//!   declaration's `at`, else the session's start) to the standing
//!   completion, else to the last standing confirm or skip;
//! - a step's actual time runs from its latest start before its confirm,
//!   else from the previous step's standing confirm or skip, or the
//!   declared start, whichever is later (as `log export` measures);
//! - a timed inject happened at start + offset; an `after_step` one at the
//!   step's first run (its first start, else its first confirm) + delay; a
//!   facilitator's at its `injected` entry;
//! - an inject is answered by the first step confirmed after it whose check
//!   watches the inject's resource, else by the next step confirmed after it;
//! - undone entries count for nothing (an undone undo restores its entry).

use std::collections::HashMap;
use std::fmt::Write as _;

use jiff::Timestamp;
use serde::Serialize;

use super::model::{Drill, Fault, When};
use crate::journal::entry::{Entry, EntryKind};
use crate::journal::export::{cell, dur};
use crate::journal::store::{taken_back, undone_by};
use crate::runbook::duration::{HumanDuration, later, secs_between};
use crate::runbook::model::{Runbook, Scenario};
use crate::runbook::predicates::Watched;

/// How a figure compares with its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Met,
    Missed,
    /// Not decided yet: the drill goes on and the target has not passed.
    Open,
    /// Nothing to judge: no figure or no target.
    Unknown,
}

impl Verdict {
    pub fn word(self) -> &'static str {
        match self {
            Self::Met => "met",
            Self::Missed => "missed",
            Self::Open => "open",
            Self::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    /// The drill's title.
    pub drill: String,
    pub runbook: String,
    pub scenario: String,
    /// The drill's start (drill time).
    pub started: Option<Timestamp>,
    /// The same moment on the wall clock, when the journal recorded it.
    pub started_wall: Option<Timestamp>,
    /// A standing `session_completed` ends the drill.
    pub completed: bool,
    pub rto: RtoScore,
    pub rpo: RpoScore,
    pub steps: Vec<StepScore>,
    pub injects: Vec<InjectScore>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RtoScore {
    /// Seconds: the drill's `[expect] rto`, else the scenario's RTO.
    pub target: Option<u64>,
    /// `drill` or `scenario`.
    pub target_from: &'static str,
    /// Seconds from the declared start to the end (or the last resolution).
    pub achieved: Option<u64>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RpoScore {
    /// Seconds: the scenario's RPO.
    pub target: Option<u64>,
    /// Seconds: the estimate recorded with the declaration.
    pub achieved: Option<u64>,
    pub basis: Option<String>,
    pub verdict: Verdict,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepOutcome {
    Confirmed,
    Skipped,
    NotDone,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepScore {
    pub id: String,
    pub title: Option<String>,
    pub outcome: StepOutcome,
    /// Seconds after the start that its standing confirm or skip came.
    pub done_at: Option<u64>,
    /// The step's expected duration (seconds).
    pub expected: Option<u64>,
    /// Seconds it took (confirmed steps): from its latest start, else from
    /// the previous standing resolution or the declared start, the later.
    pub actual: Option<u64>,
    /// `started`, `previous step` or `declared`: where `actual` runs from.
    pub actual_from: Option<&'static str>,
    /// Seconds after the start the drill expects it confirmed by.
    pub due_by: Option<u64>,
    /// Confirmed by `due_by`: met; late, skipped or past it undone: missed.
    pub on_time: Verdict,
    /// Confirmed although its check was not met.
    pub against_evidence: bool,
    /// Confirms and skips of it that were undone.
    pub undone: usize,
}

/// Where an inject came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Trigger {
    /// The drill's timeline: this many seconds after the start.
    Timeline { offset: u64 },
    /// The drill's: this long after the step first ran.
    AfterStep { step: String, delay: u64 },
    /// The facilitator's, journal entry `seq`.
    Facilitator { seq: u64 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InjectScore {
    pub name: Option<String>,
    /// What it did, e.g. "rally-prod-db failed".
    pub what: String,
    pub trigger: Trigger,
    /// Seconds after the start it happened; none if it never did (its
    /// step never ran, or it falls after the drill's last entry).
    pub at: Option<u64>,
    /// The step that answered it.
    pub answered_by: Option<String>,
    /// Seconds from the inject to that step's confirm.
    pub answered_after: Option<u64>,
    /// Whether the answering step's check watches the inject's resource.
    pub answer_watches: bool,
}

/// Scores a drill session. Entries may come in any order; a scenario the
/// runbook lacks leaves only what the entries say.
pub fn score(entries: &[Entry], drill: &Drill, runbook: &Runbook) -> Scorecard {
    Session::new(entries, drill, runbook).scorecard()
}

/// What the entries say, computed once.
struct Session<'a> {
    entries: &'a [Entry],
    drill: &'a Drill,
    runbook: &'a Runbook,
    scenario: Option<&'a Scenario>,
    undone_by: HashMap<u64, u64>,
    start: Option<Timestamp>,
    /// The last thing the journal saw: nothing after it has happened yet.
    last: Option<Timestamp>,
    declaration: Option<&'a Entry>,
    declared: Option<Timestamp>,
    completed: Option<Timestamp>,
    /// Standing confirms, in time order.
    confirms: Vec<&'a Entry>,
}

impl<'a> Session<'a> {
    fn new(entries: &'a [Entry], drill: &'a Drill, runbook: &'a Runbook) -> Self {
        let undone_by = undone_by(entries);
        let standing = |kind: EntryKind| {
            let undone_by = &undone_by;
            entries
                .iter()
                .filter(move |e| e.kind == kind && !taken_back(undone_by, e.seq))
        };
        let start = entries
            .iter()
            .filter(|e| e.kind == EntryKind::SessionStarted)
            .map(|e| e.time)
            .min()
            .or_else(|| entries.iter().map(|e| e.time).min());
        let declaration = standing(EntryKind::IncidentDeclared).max_by_key(|e| (e.time, e.seq));
        let declared = declaration.map(|e| e.at.unwrap_or(e.time)).or(start);
        let completed = standing(EntryKind::SessionCompleted).map(|e| e.time).max();
        let mut confirms: Vec<&Entry> = standing(EntryKind::Confirmed)
            .filter(|e| e.step.is_some())
            .collect();
        confirms.sort_by_key(|e| (e.time, e.seq));
        Session {
            entries,
            drill,
            runbook,
            scenario: runbook.scenario(&drill.scenario),
            start,
            last: entries.iter().map(|e| e.time).max(),
            declaration,
            declared,
            completed,
            confirms,
            undone_by,
        }
    }

    fn scorecard(&self) -> Scorecard {
        Scorecard {
            drill: self.drill.title.clone(),
            runbook: self.runbook.name.clone(),
            scenario: self.drill.scenario.clone(),
            started: self.start,
            started_wall: self
                .entries
                .iter()
                .filter(|e| e.kind == EntryKind::SessionStarted)
                .min_by_key(|e| (e.time, e.seq))
                .and_then(|e| e.drill_detail.as_ref()?.wall),
            completed: self.completed.is_some(),
            rto: self.rto(),
            rpo: self.rpo(),
            steps: self.steps(),
            injects: self.injects(),
        }
    }

    fn since_start(&self, at: Timestamp) -> u64 {
        self.start.map_or(0, |start| secs_between(start, at))
    }

    fn standing(&self, entry: &Entry) -> bool {
        !taken_back(&self.undone_by, entry.seq)
    }

    fn rto(&self) -> RtoScore {
        let (target, target_from) = match self.drill.expect.rto {
            Some(rto) => (Some(rto), "drill"),
            None => (
                self.scenario
                    .map(|s| s.rto(&self.runbook.objectives).secs()),
                "scenario",
            ),
        };
        let last_resolution = self
            .entries
            .iter()
            .filter(|e| is_resolution(e.kind) && e.step.is_some() && self.standing(e))
            .map(|e| e.time)
            .max();
        let end = self.completed.or(last_resolution);
        let achieved = self.declared.zip(end).map(|(d, e)| secs_between(d, e));
        let verdict = match (achieved, target) {
            (Some(a), Some(t)) if a > t => Verdict::Missed,
            (Some(_), Some(_)) if self.completed.is_some() => Verdict::Met,
            (_, Some(_)) if self.completed.is_none() => Verdict::Open,
            _ => Verdict::Unknown,
        };
        RtoScore {
            target,
            target_from,
            achieved,
            verdict,
        }
    }

    fn rpo(&self) -> RpoScore {
        // The declaration's figure; without a declaration the session's
        // start declared the incident, and the first figure recorded
        // (the start itself comes before any data) stands for it.
        let estimate = match self.declaration {
            Some(e) => e.evidence.as_ref().and_then(|ev| ev.rpo.as_ref()),
            None => self
                .entries
                .iter()
                .find_map(|e| e.evidence.as_ref()?.rpo.as_ref()),
        };
        let target = self
            .scenario
            .map(|s| s.rpo(&self.runbook.objectives).secs());
        let verdict = match (estimate, target) {
            (Some(e), Some(t)) if e.secs <= t => Verdict::Met,
            (Some(_), Some(_)) => Verdict::Missed,
            _ => Verdict::Unknown,
        };
        RpoScore {
            target,
            achieved: estimate.map(|e| e.secs),
            basis: estimate.map(|e| e.basis.clone()),
            verdict,
        }
    }

    fn steps(&self) -> Vec<StepScore> {
        let mut ids: Vec<(&str, Option<&str>, Option<u64>)> = self
            .scenario
            .map(|s| {
                s.steps
                    .iter()
                    .map(|step| {
                        (
                            step.id.as_str(),
                            Some(step.title.as_str()),
                            step.expected.map(HumanDuration::secs),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Steps the journal names that the scenario lacks still count.
        for entry in self.entries.iter().filter(|e| is_resolution(e.kind)) {
            if let Some(id) = entry.step.as_deref()
                && !ids.iter().any(|(known, ..)| *known == id)
            {
                ids.push((id, None, None));
            }
        }
        ids.into_iter()
            .map(|(id, title, expected)| self.step(id, title, expected))
            .collect()
    }

    fn step(&self, id: &str, title: Option<&str>, expected: Option<u64>) -> StepScore {
        let of_step = |e: &&Entry| is_resolution(e.kind) && e.step.as_deref() == Some(id);
        // The first standing resolution stands, as on the console.
        let resolution = self
            .entries
            .iter()
            .filter(of_step)
            .find(|e| self.standing(e));
        let undone = self
            .entries
            .iter()
            .filter(of_step)
            .filter(|e| !self.standing(e))
            .count();
        let outcome = match resolution.map(|e| e.kind) {
            Some(EntryKind::Confirmed) => StepOutcome::Confirmed,
            Some(_) => StepOutcome::Skipped,
            None => StepOutcome::NotDone,
        };
        let confirm = resolution.filter(|e| e.kind == EntryKind::Confirmed);
        let started = confirm.and_then(|c| {
            self.entries
                .iter()
                .filter(|e| e.kind == EntryKind::StepStarted && e.step.as_deref() == Some(id))
                .map(|e| e.time)
                .filter(|&t| t <= c.time)
                .max()
        });
        // Without a start: since the step before it was resolved (as `log
        // export` measures), else since the declared start.
        let previous = confirm.and_then(|c| {
            self.entries
                .iter()
                .filter(|e| is_resolution(e.kind) && e.step.is_some() && self.standing(e))
                .map(|e| e.time)
                .filter(|&t| t < c.time)
                .max()
        });
        let (actual, actual_from) = match (confirm, started, previous, self.declared) {
            (Some(c), Some(s), _, _) => (Some(secs_between(s, c.time)), Some("started")),
            (Some(c), None, Some(p), d) if d.is_none_or(|d| p >= d) => {
                (Some(secs_between(p, c.time)), Some("previous step"))
            }
            (Some(c), None, _, Some(d)) => (Some(secs_between(d, c.time)), Some("declared")),
            _ => (None, None),
        };
        let due_by = self
            .drill
            .expect
            .steps
            .iter()
            .find(|(step, _)| step == id)
            .map(|&(_, by)| by);
        let done_at = resolution.map(|e| self.since_start(e.time));
        let seen_until = self.last.map(|t| self.since_start(t));
        let on_time = match (due_by, confirm.map(|c| self.since_start(c.time))) {
            (None, _) => Verdict::Unknown,
            (Some(due), Some(at)) if at <= due => Verdict::Met,
            (Some(_), Some(_)) => Verdict::Missed,
            // Skipped, or not done by the end or past its time.
            (Some(_), None) if resolution.is_some() || self.completed.is_some() => Verdict::Missed,
            (Some(due), None) if seen_until.is_some_and(|s| s > due) => Verdict::Missed,
            (Some(_), None) => Verdict::Open,
        };
        StepScore {
            id: id.to_string(),
            title: title.map(str::to_string),
            outcome,
            done_at,
            expected,
            actual,
            actual_from,
            due_by,
            on_time,
            against_evidence: confirm
                .and_then(|c| c.evidence.as_ref())
                .is_some_and(|e| e.against_evidence),
            undone,
        }
    }

    fn injects(&self) -> Vec<InjectScore> {
        let mut found: Vec<(Option<Timestamp>, InjectScore)> = Vec::new();
        for inject in &self.drill.injects {
            let (at, trigger) = match &inject.when {
                When::At(offset) => (
                    self.start.map(|s| after(s, *offset)),
                    Trigger::Timeline { offset: *offset },
                ),
                When::AfterStep { step, delay } => (
                    self.first_run(step).map(|ran| after(ran, *delay)),
                    Trigger::AfterStep {
                        step: step.clone(),
                        delay: *delay,
                    },
                ),
            };
            // An inject due after the last entry has not happened yet.
            let at = at.filter(|&t| self.last.is_some_and(|last| t <= last));
            found.push((
                at,
                self.inject(inject.name.clone(), &inject.fault, trigger, at),
            ));
        }
        for entry in self
            .entries
            .iter()
            .filter(|e| e.kind == EntryKind::Injected && self.standing(e))
        {
            let Some(fault) = entry.drill_detail.as_ref().and_then(|d| d.fault.as_ref()) else {
                continue;
            };
            let trigger = Trigger::Facilitator { seq: entry.seq };
            let score = self.inject(entry.note.clone(), fault, trigger, Some(entry.time));
            found.push((Some(entry.time), score));
        }
        // In the order they happened; those that never did last.
        found.sort_by_key(|(at, _)| (at.is_none(), *at));
        found.into_iter().map(|(_, score)| score).collect()
    }

    fn inject(
        &self,
        name: Option<String>,
        fault: &Fault,
        trigger: Trigger,
        at: Option<Timestamp>,
    ) -> InjectScore {
        let answer = at.and_then(|t| self.answer(fault, t));
        InjectScore {
            name,
            what: fault.describe(),
            trigger,
            at: at.map(|t| self.since_start(t)),
            answered_by: answer.and_then(|(c, _)| c.step.clone()),
            answered_after: answer.zip(at).map(|((c, _), t)| secs_between(t, c.time)),
            answer_watches: answer.is_some_and(|(_, watches)| watches),
        }
    }

    /// The step confirmed after `at` that answers the fault, and whether
    /// its check watches the fault's resource.
    fn answer(&self, fault: &Fault, at: Timestamp) -> Option<(&'a Entry, bool)> {
        let after: Vec<&'a Entry> = self
            .confirms
            .iter()
            .copied()
            .filter(|c| c.time > at)
            .collect();
        after
            .iter()
            .find(|c| self.watches(c.step.as_deref(), fault))
            .map(|c| (*c, true))
            .or_else(|| after.first().map(|c| (*c, false)))
    }

    fn watches(&self, step: Option<&str>, fault: &Fault) -> bool {
        let Some(verify) = self
            .scenario
            .and_then(|s| s.steps.iter().find(|s| Some(s.id.as_str()) == step))
            .and_then(|s| s.verify.as_ref())
        else {
            return false;
        };
        verify.watches().iter().any(|w| match (w, fault) {
            (
                Watched::Database(id),
                Fault::InstanceStatus { instance: f, .. } | Fault::ReplicaLag { replica: f, .. },
            ) => id == f,
            (Watched::Alarm(name), Fault::Alarm { alarm, .. }) => name == alarm,
            (Watched::EcsService(_, service), Fault::CrashLoop { service: f, .. }) => service == f,
            _ => false,
        })
    }

    /// When the world first ran the step: its first start, else its first
    /// confirm (confirming an unstarted step runs it), undone or not.
    fn first_run(&self, step: &str) -> Option<Timestamp> {
        let runs = |kind: EntryKind| {
            self.entries
                .iter()
                .filter(move |e| e.kind == kind && e.step.as_deref() == Some(step))
                .map(|e| e.time)
                .min()
        };
        runs(EntryKind::StepStarted).or_else(|| runs(EntryKind::Confirmed))
    }
}

fn is_resolution(kind: EntryKind) -> bool {
    matches!(kind, EntryKind::Confirmed | EntryKind::Skipped)
}

fn after(at: Timestamp, secs: u64) -> Timestamp {
    later(at, HumanDuration::from_secs(secs).as_signed())
}

impl Scorecard {
    /// Steps confirmed by their due time, and steps with one.
    pub fn steps_on_time(&self) -> (usize, usize) {
        let due: Vec<&StepScore> = self.steps.iter().filter(|s| s.due_by.is_some()).collect();
        let met = due.iter().filter(|s| s.on_time == Verdict::Met).count();
        (met, due.len())
    }

    /// Every step due by a time confirmed by it: met; one late, skipped or
    /// past its time: missed; else open (or unknown when none is due).
    pub fn steps_verdict(&self) -> Verdict {
        let (on_time, due) = self.steps_on_time();
        if due == 0 {
            Verdict::Unknown
        } else if on_time == due {
            Verdict::Met
        } else if self.steps.iter().any(|s| s.on_time == Verdict::Missed) {
            Verdict::Missed
        } else {
            Verdict::Open
        }
    }

    /// The drill's result: missed when the RTO or RPO was, met once it
    /// ended within its RTO, open while it goes on.
    pub fn result(&self) -> Verdict {
        match (self.rto.verdict, self.rpo.verdict) {
            (Verdict::Missed, _) | (_, Verdict::Missed) => Verdict::Missed,
            (Verdict::Met, _) => Verdict::Met,
            (Verdict::Open, _) => Verdict::Open,
            _ => Verdict::Unknown,
        }
    }

    /// One line: what the journal's `drill_scored` entry and the log pane say.
    pub fn summary(&self) -> String {
        let of = |achieved: Option<u64>, target: Option<u64>| match (achieved, target) {
            (Some(a), Some(t)) => format!("{} of {}", dur(a), dur(t)),
            (Some(a), None) => dur(a),
            (None, _) => "not measured".to_string(),
        };
        let (on_time, due) = self.steps_on_time();
        format!(
            "RTO {} {} · RPO {} {} · {on_time}/{due} steps on time · result {}",
            of(self.rto.achieved, self.rto.target),
            self.rto.verdict.word(),
            of(self.rpo.achieved, self.rpo.target),
            self.rpo.verdict.word(),
            self.result().word()
        )
    }

    /// The scorecard as pretty-printed JSON.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The scorecard as a Markdown section (`## Drill scorecard`).
    pub fn markdown(&self) -> String {
        let mut out = String::from("## Drill scorecard\n\n");
        let _ = writeln!(
            out,
            "{} — scenario `{}` of {}. Times are drill time from the drill's start.\n",
            cell(&self.drill),
            self.scenario,
            cell(&self.runbook)
        );
        out.push_str("| Metric | Target | Achieved | Status |\n|---|---|---|---|\n");
        let rto_target = self.rto.target.map_or_else(
            || "none".to_string(),
            |t| format!("{} (from the {})", dur(t), self.rto.target_from),
        );
        let rto_achieved = match self.rto.achieved {
            Some(a) if self.completed => dur(a),
            Some(a) => format!("{} so far", dur(a)),
            None => "not measured".to_string(),
        };
        let _ = writeln!(
            out,
            "| RTO | {rto_target} | {rto_achieved} | {} |",
            self.rto.verdict.word()
        );
        let rpo_achieved = match (self.rpo.achieved, &self.rpo.basis) {
            (Some(a), Some(basis)) => format!("{} ({})", dur(a), cell(basis)),
            (Some(a), None) => dur(a),
            _ => "not recorded at declaration".to_string(),
        };
        let _ = writeln!(
            out,
            "| RPO at declaration | {} | {rpo_achieved} | {} |",
            self.rpo.target.map_or_else(|| "none".to_string(), dur),
            self.rpo.verdict.word()
        );
        let (on_time, due) = self.steps_on_time();
        let _ = writeln!(
            out,
            "| Steps on time | {due} due | {on_time} of {due} | {} |",
            self.steps_verdict().word()
        );
        let _ = writeln!(out, "\n**Result:** {}\n", self.result().word());
        self.write_steps(&mut out);
        self.write_injects(&mut out);
        out
    }

    fn write_steps(&self, out: &mut String) {
        out.push_str("### Steps\n\n");
        out.push_str("| Step | Outcome | Done at | Expected | Actual | Due by | On time |\n");
        out.push_str("|---|---|---|---|---|---|---|\n");
        for step in &self.steps {
            let mut outcome = match step.outcome {
                StepOutcome::Confirmed => "confirmed".to_string(),
                StepOutcome::Skipped => "skipped".to_string(),
                StepOutcome::NotDone => "not done".to_string(),
            };
            if step.against_evidence {
                outcome.push_str(" **against evidence**");
            }
            if step.undone > 0 {
                let _ = write!(outcome, " ({} undone)", step.undone);
            }
            let since = match step.actual_from {
                Some("started") | None => String::new(),
                Some(from) => format!(" since {from}"),
            };
            let actual = match (step.actual, step.expected) {
                (Some(a), Some(e)) if a > e => {
                    format!("{}{since} (**over by {}**)", dur(a), dur(a - e))
                }
                (Some(a), _) => format!("{}{since}", dur(a)),
                (None, _) => String::new(),
            };
            let name = match &step.title {
                Some(title) => format!("`{}` {}", step.id, cell(title)),
                None => format!("`{}`", step.id),
            };
            let _ = writeln!(
                out,
                "| {name} | {outcome} | {} | {} | {actual} | {} | {} |",
                offset(step.done_at),
                step.expected.map_or_else(String::new, dur),
                offset(step.due_by),
                match step.on_time {
                    Verdict::Unknown => "",
                    v => v.word(),
                }
            );
        }
        out.push('\n');
    }

    fn write_injects(&self, out: &mut String) {
        out.push_str("### Injects\n\n");
        if self.injects.is_empty() {
            out.push_str("No inject.\n\n");
            return;
        }
        out.push_str("| Inject | From | At | Answered by | After |\n|---|---|---|---|---|\n");
        for inject in &self.injects {
            let what = match &inject.name {
                Some(name) => format!("{} ({})", cell(name), cell(&inject.what)),
                None => cell(&inject.what),
            };
            let from = match &inject.trigger {
                Trigger::Timeline { offset } => format!("timeline, T+{}", dur(*offset)),
                Trigger::AfterStep { step, delay } => format!("{} after `{step}` ran", dur(*delay)),
                Trigger::Facilitator { seq } => format!("facilitator (#{seq})"),
            };
            let at = match inject.at {
                Some(at) => format!("T+{}", dur(at)),
                None => "did not happen".to_string(),
            };
            let answered = match (&inject.answered_by, inject.answer_watches) {
                (Some(step), true) => format!("`{step}`"),
                (Some(step), false) => format!("`{step}` (next confirmed)"),
                (None, _) if inject.at.is_some() => "not yet".to_string(),
                (None, _) => String::new(),
            };
            let _ = writeln!(
                out,
                "| {what} | {from} | {at} | {answered} | {} |",
                inject.answered_after.map_or_else(String::new, dur)
            );
        }
        out.push('\n');
    }
}

fn offset(secs: Option<u64>) -> String {
    secs.map_or_else(String::new, |s| format!("T+{}", dur(s)))
}
