//! The simulated environment: a deterministic world for any runbook's
//! environment, served through the same `Source` trait as AWS.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};

use super::{FeedKey, Payload, Source};
use crate::clock::Clock;
use crate::domain::snapshot::{SourceError, SourceKind};
use crate::drill::{Drill, DrillAction, DrillChange, DrillStatus};
use crate::journal::entry::Entry;
use crate::runbook::model::{Environment, Step};

mod alarms;
mod backups;
mod clusters;
mod ecs;
mod noise;
mod rds;
mod regions;
mod staging;
pub mod world;

pub use world::{Reaction, SimWorld, Timed};

/// The most often a sped-up drill polls a feed.
const FASTEST_POLL: Duration = Duration::from_millis(250);

/// `secs` after `at` (saturating at the end of time).
pub(crate) fn later(at: jiff::Timestamp, secs: u64) -> jiff::Timestamp {
    let secs = i64::try_from(secs).unwrap_or(i64::MAX);
    at.checked_add(jiff::SignedDuration::from_secs(secs))
        .unwrap_or(jiff::Timestamp::MAX)
}

/// Serves a `SimWorld` as seen at the clock's "now".
#[derive(Debug)]
pub struct SimSource {
    world: Mutex<SimWorld>,
    pub(super) clock: Clock,
    /// The drills it may stage, one per scenario they name.
    pub(super) drills: Vec<Drill>,
    /// The drill being played: its injects that wait for a step.
    playing: Mutex<Option<Drill>>,
    /// The steps run so far in this drill: a step's injects follow its
    /// first run only, as the scorecard counts them.
    pub(super) ran: Mutex<std::collections::HashSet<String>>,
}

impl SimSource {
    /// A world that starts at the clock's current time.
    pub fn new(env: &Environment, seed: u64, clock: Clock) -> Self {
        Self::from_world(SimWorld::new(env, seed, clock.now()), clock)
    }

    /// Serves an existing world, e.g. one started earlier than the clock
    /// (a screenshot `--at 30m` uses a fixed clock 30 minutes after start).
    pub fn from_world(world: SimWorld, clock: Clock) -> Self {
        Self {
            world: Mutex::new(world),
            clock,
            drills: Vec::new(),
            playing: Mutex::new(None),
            ran: Mutex::new(std::collections::HashSet::new()),
        }
    }

    /// Stages these drills: when a scenario one of them names begins, its
    /// injects play in the world.
    pub fn with_drills(mut self, drills: Vec<Drill>) -> Self {
        self.drills = drills;
        self
    }

    /// The drill staged for a scenario, if any.
    pub fn drill_for(&self, scenario: &str) -> Option<&Drill> {
        self.drills.iter().find(|d| d.scenario == scenario)
    }

    pub(super) fn playing(&self) -> MutexGuard<'_, Option<Drill>> {
        self.playing
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The world, to inject faults or read it directly. Hold it briefly:
    /// fetches wait for it.
    pub fn world(&self) -> MutexGuard<'_, SimWorld> {
        // The world has no invariants a panicking holder could break
        // half-way, so a poisoned lock is still usable.
        self.world
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Applies a step's reactions now; returns them (for logs and tests).
    pub fn confirm(&self, step: &Step) -> Vec<Reaction> {
        let now = self.clock.now();
        self.world().confirm(step, now)
    }
}

impl Source for SimSource {
    fn label(&self) -> &str {
        "simulated"
    }

    fn is_simulated(&self) -> bool {
        true
    }

    fn fetch(&self, kind: SourceKind) -> BoxFuture<'_, Result<Payload, SourceError>> {
        let result = self.world().fetch_at(kind, self.clock.now());
        futures::future::ready(result).boxed()
    }

    fn feeds(&self) -> Vec<FeedKey> {
        self.world().feeds()
    }

    /// A region's feed answers after its injected latency (a `slow` API).
    fn fetch_feed(&self, key: &FeedKey) -> BoxFuture<'_, Result<Payload, SourceError>> {
        let key = key.clone();
        async move {
            let delay = self.world().delay_at(&key, self.clock.now());
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            let timeout = self.fetch_timeout();
            self.world().fetch_feed_at(&key, self.clock.now(), timeout)
        }
        .boxed()
    }

    /// Short intervals so a demo visibly moves; RDS matches the lag
    /// sample spacing so the sparkline gains one point per poll.
    /// A sped-up drill polls as much more often as it runs faster, down to
    /// `FASTEST_POLL`, so the panes are not minutes of drill time behind.
    fn interval(&self, kind: SourceKind) -> Duration {
        let base = match kind {
            SourceKind::Rds | SourceKind::Ecs | SourceKind::Alarms => {
                Duration::from_secs(world::LAG_SAMPLE_SECS.unsigned_abs())
            }
            SourceKind::Backups => Duration::from_secs(10),
        };
        let speed = self.clock.drill().map_or(1, |c| c.speed()).max(1);
        (base / speed).max(FASTEST_POLL.min(base))
    }

    fn step_run(&self, step: &Step, at: jiff::Timestamp) {
        self.world().confirm(step, at);
        staging::after_step(self, step, at);
    }

    fn drill_status(&self, scenario: &str) -> Option<DrillStatus> {
        staging::status(self, scenario)
    }

    fn drill_control(&self, action: &DrillAction) -> Result<DrillChange, String> {
        staging::control(self, action)
    }

    fn drill_resume(&self, scenario: &str, entries: &[Entry]) -> Option<jiff::Timestamp> {
        staging::resume(self, scenario, entries)
    }

    fn drill_join(&self, scenario: &str, entries: &[Entry]) -> Option<jiff::Timestamp> {
        staging::join(self, scenario, entries, jiff::Timestamp::now())
    }

    fn drill_follow(&self, entry: &Entry) {
        staging::follow(self, entry);
    }

    /// The scenario's drill, if there is one, begins now: its timed
    /// injects are laid in the world at their offsets from now.
    fn scenario_began(&self, scenario: &str) {
        staging::begin(self, scenario, self.clock.now());
    }
}
