//! Where live state comes from: one trait, a simulated implementation, the
//! live AWS one, and the poller that calls it on an interval.

use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;

use crate::domain::snapshot::{LiveState, SourceError, SourceKind};
use crate::runbook::model::Step;

pub mod aws;
pub mod poller;
pub mod sim;

pub use crate::domain::feeds::{FeedKey, FeedPart, Payload};

/// One fetch of one feed, bounded by `timeout`: past it, a `Timeout` error
/// naming the feed's region and API.
pub async fn fetch_within(
    source: &dyn Source,
    key: &FeedKey,
    timeout: Duration,
) -> Result<Payload, SourceError> {
    tokio::time::timeout(timeout, source.fetch_feed(key))
        .await
        .unwrap_or_else(|_| {
            Err(key.error(
                "Timeout",
                format!(
                    "{} did not answer within {}s",
                    key.label(),
                    timeout.as_secs()
                ),
            ))
        })
}

/// Every feed of the source once, into a fresh `LiveState`: the state
/// first, then the details (which follow what the state found, e.g. a
/// promoted replica's metrics are those of a primary). Each feed is
/// bounded by `timeout`.
pub async fn fetch_all(
    source: &dyn Source,
    kinds: &[SourceKind],
    timeout: Duration,
    at: Timestamp,
) -> LiveState {
    let feeds: Vec<FeedKey> = source
        .feeds()
        .into_iter()
        .filter(|k| kinds.contains(&k.kind))
        .collect();
    let mut live = LiveState::default();
    for details in [false, true] {
        let round = feeds.iter().filter(|k| k.part.is_detail() == details);
        let fetches =
            round.map(|key| async move { (key, fetch_within(source, key, timeout).await) });
        for (key, result) in futures::future::join_all(fetches).await {
            live.apply(key, at, result);
        }
    }
    live
}

/// What the poller tells the app after each attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceUpdate {
    /// New data, or an error.
    Fetched {
        key: FeedKey,
        at: Timestamp,
        result: Result<Payload, SourceError>,
    },
    /// Same data as last time: refreshes the last-good time without a redraw.
    Unchanged { key: FeedKey, at: Timestamp },
}

impl SourceUpdate {
    pub fn key(&self) -> &FeedKey {
        match self {
            Self::Fetched { key, .. } | Self::Unchanged { key, .. } => key,
        }
    }

    /// When it was fetched.
    pub fn at(&self) -> Timestamp {
        match self {
            Self::Fetched { at, .. } | Self::Unchanged { at, .. } => *at,
        }
    }
}

/// A provider of live state. Implementations must be cheap to call
/// concurrently, one call per kind at a time.
pub trait Source: Send + Sync + 'static {
    /// Shown in the header: "simulated", "aws".
    fn label(&self) -> &str;

    fn is_simulated(&self) -> bool {
        false
    }

    /// One fetch of one kind of data, every region and part of it.
    fn fetch(&self, kind: SourceKind) -> BoxFuture<'_, Result<Payload, SourceError>>;

    /// The feeds the poller runs, each on its own: by default one per kind.
    fn feeds(&self) -> Vec<FeedKey> {
        SourceKind::ALL.into_iter().map(FeedKey::whole).collect()
    }

    /// One fetch of one feed; by default the whole of its kind.
    fn fetch_feed(&self, key: &FeedKey) -> BoxFuture<'_, Result<Payload, SourceError>> {
        self.fetch(key.kind)
    }

    /// How often to poll this feed; by default its kind's interval.
    fn feed_interval(&self, key: &FeedKey) -> Duration {
        self.interval(key.kind)
    }

    /// How often to poll this kind.
    fn interval(&self, kind: SourceKind) -> Duration {
        match kind {
            SourceKind::Rds | SourceKind::Ecs | SourceKind::Alarms => Duration::from_secs(10),
            SourceKind::Backups => Duration::from_secs(300),
        }
    }

    /// How long one fetch of one kind may take before the poller reports a
    /// `Timeout`. A live source whose fetch spans regions, batches and pages
    /// (each call with its own timeout and retries) needs longer.
    fn fetch_timeout(&self) -> Duration {
        poller::FETCH_TIMEOUT
    }

    /// The operator ran a step's commands (started or confirmed it). A
    /// simulated world reacts (starts a restore, promotes a replica); a
    /// real one is only watched.
    /// `at` is when it ran: a resumed drill replays its steps at their
    /// journaled times.
    fn step_run(&self, _step: &Step, _at: jiff::Timestamp) {}

    /// A scenario's session began (or resumed): a simulated world stages
    /// the scenario's drill, if it has one; a real one has nothing to do.
    fn scenario_began(&self, _scenario: &str) {}

    /// The drill staged for a scenario, if any, as the header shows it.
    fn drill_status(&self, _scenario: &str) -> Option<crate::drill::DrillStatus> {
        None
    }

    /// A facilitator's action on the drill being played.
    fn drill_control(
        &self,
        _action: &crate::drill::DrillAction,
    ) -> Result<crate::drill::DrillChange, String> {
        Err(
            "only a drill (the simulated environment) can be paused, sped up or injected into"
                .into(),
        )
    }

    /// A resumed session of the scenario: a simulated world is rebuilt from
    /// its journal (its start, the facilitator's injects, the clock where it
    /// stopped) before its steps are replayed through `step_run`.
    /// Returns the drill time it resumes at.
    fn drill_resume(
        &self,
        _scenario: &str,
        _entries: &[crate::journal::entry::Entry],
    ) -> Option<jiff::Timestamp> {
        None
    }

    /// Joining a shared session: a simulated world is rebuilt as for a
    /// resume, its clock then moved on by the wall time since the last
    /// entry (at the drill's speed), since the others' drill went on.
    fn drill_join(
        &self,
        _scenario: &str,
        _entries: &[crate::journal::entry::Entry],
    ) -> Option<jiff::Timestamp> {
        None
    }

    /// Another console of a shared session injected a fault or changed the
    /// drill's clock: a simulated world follows it.
    fn drill_follow(&self, _entry: &crate::journal::entry::Entry) {}
}
