//! A console session on live AWS sources, driven the way the event loop
//! drives it: the real poller's updates dispatched into the real session
//! (app and journal), with deadlines instead of sleeps.

use std::sync::Arc;
use std::time::Duration;

use drconsole::app::{Action, App, Origin};
use drconsole::clock::Clock;
use drconsole::runbook::model::Runbook;
use drconsole::runtime::{JournalSettings, Launched, Polling, Session, launch};
use drconsole::sources::{Source, SourceUpdate};

/// How long any one wait may take before the test fails.
pub const DEADLINE: Duration = Duration::from_secs(30);

pub struct LiveConsole {
    pub session: Session,
    /// Replaced, as the console's loop replaces it, by `switch`.
    pub polling: Polling,
    _journal: tempfile::TempDir,
}

impl LiveConsole {
    /// The runbook's `scenario` on `source`, journaled into a temp dir.
    pub fn open(runbook: Runbook, scenario: &str, source: Arc<dyn Source>) -> Self {
        let journal = tempfile::tempdir().unwrap();
        let origin = Origin {
            source: "aws".into(),
            simulated: false,
        };
        let app = App::new(runbook, origin, Clock::System.now(), Some(scenario));
        let settings = JournalSettings {
            dir: journal.path().to_path_buf(),
            actor: "tester".into(),
            resume: false,
            runbook_ref: None,
            share: None,
        };
        let Launched {
            session,
            updates,
            poller,
        } = launch(app, source, Clock::System, settings);
        Self {
            session,
            polling: Polling { poller, updates },
            _journal: journal,
        }
    }

    /// Awaits the build of the switch the app last asked for and hands it
    /// to the session, as the console's loop does; fails after `DEADLINE`
    /// or when no switch was asked for.
    pub async fn switch(&mut self) {
        let build = self.session.take_switch().expect("a switch was asked for");
        let switched = tokio::time::timeout(DEADLINE, build)
            .await
            .unwrap_or_else(|_| panic!("{DEADLINE:?} without the new source built"));
        self.session
            .switched(&mut self.polling, switched, Clock::System);
    }

    pub fn app(&self) -> &App {
        &self.session.app
    }

    /// Feeds poll results into the app until `done` holds; fails after
    /// `DEADLINE` naming `what`. `seen` sees every update before the app.
    pub async fn until(
        &mut self,
        what: &str,
        mut seen: impl FnMut(&SourceUpdate),
        done: impl Fn(&App) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + DEADLINE;
        while !done(&self.session.app) {
            let update = tokio::time::timeout_at(deadline, self.polling.updates.recv())
                .await
                .unwrap_or_else(|_| panic!("{DEADLINE:?} without: {what}"))
                .expect("the poller runs");
            seen(&update);
            self.session.dispatch(Action::Source(update));
        }
    }

    /// Feeds poll results into the app for `window`, showing each to `seen`.
    pub async fn run_for(&mut self, window: Duration, mut seen: impl FnMut(&SourceUpdate)) {
        let end = tokio::time::Instant::now() + window;
        while let Ok(update) = tokio::time::timeout_at(end, self.polling.updates.recv()).await {
            let update = update.expect("the poller runs");
            seen(&update);
            self.session.dispatch(Action::Source(update));
        }
    }
}
