//! A drill walked without anyone at the keys (`drill run --autopilot`): each
//! step in turn is started (its commands run in the simulated world) and
//! confirmed as soon as its check is met (a step without one at once),
//! through the same update loop and journal as
//! a person at the console. For CI and demos.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use std::sync::Arc;

use crate::app::{Action, App, Origin, StepStatus};
use crate::clock::Clock;
use crate::domain::verify::Outcome;
use crate::drill::Drill;
use crate::drill::score::{Scorecard, score};
use crate::journal::store;
use crate::runbook::aws_cli::parse_commands;
use crate::runbook::model::Runbook;
use crate::runtime::Session;
use crate::runtime::{JournalSettings, Launched, launch};
use crate::sources::poller::Updates;
use crate::sources::sim::Reaction;
use crate::sources::sim::SimSource;

/// How long the autopilot waits, in the drill's time, between looks at a
/// step whose check is not met yet.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// How a walk went.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Walked {
    /// Steps whose checks were never met before the time limit: skipped
    /// (journaled with that reason).
    pub skipped: Vec<String>,
    /// Steps whose commands change the world but whose checks were met
    /// before they ran: the world did not stage what they answer.
    pub met_before_run: Vec<String>,
}

/// Walks the session's scenario to its end. A step whose check is not met
/// within `limit` of drill time from the start is skipped, so a drill that
/// cannot be completed still ends.
pub async fn walk(
    session: &mut Session,
    updates: &mut Updates,
    clock: &Clock,
    limit: Duration,
) -> Walked {
    let start = clock.now();
    let mut walked = Walked::default();
    while !session.app.is_complete() && !session.exit {
        let Some(index) = session
            .app
            .statuses()
            .iter()
            .position(StepStatus::is_pending)
        else {
            break;
        };
        session.dispatch(Action::SelectStep(index));
        let step = &session.app.steps()[index];
        let acts = !parse_commands(&step.commands)
            .iter()
            .filter_map(Reaction::from_command)
            .collect::<Vec<_>>()
            .is_empty();
        let met_already = session.app.evidence()[index]
            .as_ref()
            .is_some_and(|e| e.outcome == Outcome::Met);
        if acts && met_already && session.app.started()[index].is_none() {
            walked.met_before_run.push(step.id.clone());
        }
        if session.app.started()[index].is_none() {
            press(session, KeyCode::Char('x'));
            // Judge the check on data fetched after the commands ran, not
            // on what the panes showed before them.
            pass(session, updates, clock, LOOK_EVERY).await;
        }
        // A step without a check is confirmed at once: the autopilot is an
        // operator whose own work takes no time, so the RTO it reaches is
        // the world's (restores, promotions, rollouts), not people's.
        let met = |session: &Session| {
            session.app.evidence()[index]
                .as_ref()
                .is_none_or(|e| e.outcome == Outcome::Met)
        };
        while !met(session) && !past(clock, start, limit) {
            pass(session, updates, clock, LOOK_EVERY).await;
        }
        if met(session) {
            press(session, KeyCode::Enter);
        } else {
            let id = session.app.steps()[index].id.clone();
            press(session, KeyCode::Char('s'));
            for c in "autopilot: its check was never met".chars() {
                press(session, KeyCode::Char(c));
            }
            press(session, KeyCode::Enter);
            walked.skipped.push(id);
        }
        // Let the journal's answer and the next poll in.
        pass(session, updates, clock, Duration::from_millis(10)).await;
    }
    walked
}

fn press(session: &mut Session, code: KeyCode) {
    session.dispatch(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn past(clock: &Clock, start: Timestamp, limit: Duration) -> bool {
    let limit = jiff::SignedDuration::try_from(limit).unwrap_or(jiff::SignedDuration::MAX);
    clock.now().duration_since(start) >= limit
}

/// Lets `wall` of tokio time pass, feeding every poll result in, then a tick.
async fn pass(session: &mut Session, updates: &mut Updates, clock: &Clock, wall: Duration) {
    let end = tokio::time::Instant::now() + wall;
    loop {
        tokio::select! {
            Some(update) = updates.recv() => session.dispatch(Action::Source(update)),
            () = tokio::time::sleep_until(end) => break,
        }
    }
    session.dispatch(Action::Tick(clock.now()));
}

/// What a headless walk needs.
pub struct Walk {
    pub runbook: Runbook,
    pub scenario: String,
    pub drill: Drill,
    pub settings: JournalSettings,
    pub seed: u64,
    /// Drill seconds per second, or `None`: as fast as the machine goes
    /// (run it on a paused tokio runtime).
    pub speed: Option<u32>,
    /// When the drill begins (drill time).
    pub start: Timestamp,
}

impl Walk {
    /// Walks it and scores it from its journal.
    pub async fn run(self) -> Result<(Scorecard, Walked), String> {
        let clock = Clock::sim(self.start);
        if let (Some(speed), Some(drill)) = (self.speed, clock.drill()) {
            drill.set_speed(speed);
        }
        let target = self
            .drill
            .expect
            .rto
            .or_else(|| {
                self.runbook
                    .scenarios
                    .iter()
                    .find(|s| s.id == self.scenario)
                    .map(|s| s.rto(&self.runbook.objectives).secs())
            })
            .unwrap_or(3600);
        // Twice the RTO, at least an hour: then the checks never met are skipped.
        let limit = Duration::from_secs(target.saturating_mul(2).max(3600));
        let source = Arc::new(
            SimSource::new(&self.runbook.environment, self.seed, clock.clone())
                .with_drills(vec![self.drill.clone()]),
        );
        let origin = Origin {
            source: "simulated".into(),
            simulated: true,
        };
        let app = App::new(
            self.runbook.clone(),
            origin,
            clock.now(),
            Some(&self.scenario),
        );
        let Launched {
            mut session,
            mut updates,
            poller,
        } = launch(app, source, clock.clone(), self.settings);
        if let Some(why) = session.refused() {
            return Err(why.to_string());
        }
        let walked = walk(&mut session, &mut updates, &clock, limit).await;
        drop(poller);
        let path = session.journal_path().ok_or("no journal was written")?;
        let read =
            store::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        Ok((score(&read.entries, &self.drill, &self.runbook), walked))
    }
}
