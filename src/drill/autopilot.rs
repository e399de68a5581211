//! A drill walked without anyone at the keys (`drill run --autopilot`): each
//! step in turn is started (its commands run in the simulated world) and
//! confirmed as soon as its check is met, through the same update loop and
//! journal as a person at the console. For CI and demos.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::app::{Action, StepStatus};
use crate::clock::Clock;
use crate::domain::verify::Outcome;
use crate::runtime::Session;
use crate::sources::poller::Updates;

/// How long the autopilot waits, in the drill's time, between looks at a
/// step whose check is not met yet.
const LOOK_EVERY: Duration = Duration::from_secs(5);

/// How a walk ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Walked {
    /// Every step confirmed.
    Complete,
    /// These steps' checks were never met before the time limit: they were
    /// skipped (journaled with that reason).
    GaveUp { skipped: Vec<String> },
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
    let mut skipped = Vec::new();
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
        if session.app.started()[index].is_none() {
            press(session, KeyCode::Char('x'));
        }
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
            skipped.push(id);
        }
        // Let the journal's answer and the next poll in.
        pass(session, updates, clock, Duration::from_millis(10)).await;
    }
    match skipped.is_empty() {
        true => Walked::Complete,
        false => Walked::GaveUp { skipped },
    }
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
