//! The simulated environment: a deterministic world for any runbook's
//! environment, served through the same `Source` trait as AWS.

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use futures::future::{BoxFuture, FutureExt};

use super::{Payload, Source};
use crate::clock::Clock;
use crate::domain::snapshot::{SourceError, SourceKind};
use crate::runbook::model::{Environment, Step};

mod alarms;
mod backups;
mod clusters;
mod ecs;
mod noise;
mod rds;
pub mod world;

pub use world::{Reaction, SimWorld, Timed};

/// Serves a `SimWorld` as seen at the clock's "now".
#[derive(Debug)]
pub struct SimSource {
    world: Mutex<SimWorld>,
    clock: Clock,
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
        }
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

    /// Short intervals so a demo visibly moves; RDS matches the lag
    /// sample spacing so the sparkline gains one point per poll.
    fn interval(&self, kind: SourceKind) -> Duration {
        match kind {
            SourceKind::Rds | SourceKind::Ecs | SourceKind::Alarms => {
                Duration::from_secs(world::LAG_SAMPLE_SECS.unsigned_abs())
            }
            SourceKind::Backups => Duration::from_secs(10),
        }
    }

    fn step_run(&self, step: &Step) {
        self.confirm(step);
    }
}
