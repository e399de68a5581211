//! A console session driven like a person would: keys through the app's
//! update loop, entries through the real journal, confirmations into the
//! simulated world, live state back through the real poller.

use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::{Action, App, Origin};
use drconsole::clock::Clock;
use drconsole::domain::verify::Outcome;
use drconsole::runbook::builtin;
use drconsole::runbook::model::Runbook;
use drconsole::runtime::{JournalSettings, Launched, Session, launch};
use drconsole::sources::poller::{Poller, Updates};
use drconsole::sources::sim::SimSource;

pub const SCENARIO: &str = "instance-failure";

pub struct Console {
    pub session: Session,
    pub updates: Updates,
    pub clock: Clock,
    _poller: Arc<Poller>,
}

impl Console {
    /// The built-in Rally runbook's instance-failure scenario.
    pub fn open(dir: &std::path::Path, resume: bool) -> Self {
        Self::open_with(dir, resume, builtin::rally(), SCENARIO)
    }

    pub fn open_with(
        dir: &std::path::Path,
        resume: bool,
        runbook: Runbook,
        scenario: &str,
    ) -> Self {
        Self::open_staged(dir, resume, runbook, scenario, Vec::new())
    }

    /// A built-in runbook's scenario with its built-in drill staged.
    pub fn open_drill(dir: &std::path::Path, runbook: &str, scenario: &str) -> Self {
        let drills = drconsole::drill::builtin_for(runbook);
        let runbook = builtin::builtin(runbook).unwrap();
        Self::open_staged(dir, false, runbook, scenario, drills)
    }

    /// A console whose simulated world stages these drills.
    pub fn open_staged(
        dir: &std::path::Path,
        resume: bool,
        runbook: Runbook,
        scenario: &str,
        drills: Vec<drconsole::drill::Drill>,
    ) -> Self {
        let clock = Clock::sim("2026-03-14T02:00:00Z".parse().unwrap());
        let source =
            Arc::new(SimSource::new(&runbook.environment, 7, clock.clone()).with_drills(drills));
        let origin = Origin {
            source: "simulated".into(),
            simulated: true,
        };
        let app = App::new(runbook, origin, clock.now(), Some(scenario));
        let settings = JournalSettings {
            dir: dir.to_path_buf(),
            actor: "alice".into(),
            resume,
            runbook_ref: None,
            share: None,
        };
        let Launched {
            session,
            updates,
            poller,
        } = launch(app, source, clock.clone(), settings);
        Self {
            session,
            updates,
            clock,
            _poller: poller,
        }
    }

    /// Lets simulated time pass, feeding every poll result and clock tick in.
    pub async fn run_for(&mut self, duration: Duration) {
        let end = tokio::time::Instant::now() + duration;
        loop {
            tokio::select! {
                Some(update) = self.updates.recv() => self.session.dispatch(Action::Source(update)),
                _ = tokio::time::sleep_until(end) => break,
            }
        }
        self.session.dispatch(Action::Tick(self.clock.now()));
    }

    pub fn press(&mut self, code: KeyCode) {
        self.session
            .dispatch(Action::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.press(KeyCode::Char(c));
        }
    }

    pub fn app(&self) -> &App {
        &self.session.app
    }

    pub fn step_index(&self, id: &str) -> usize {
        self.app().steps().iter().position(|s| s.id == id).unwrap()
    }

    pub fn outcome(&self, id: &str) -> Outcome {
        self.app().evidence()[self.step_index(id)]
            .as_ref()
            .expect("step has a check")
            .outcome
    }
}
