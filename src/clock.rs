//! The console's notion of "now". Wall-clock time for live AWS; for the
//! simulated world, a fixed start plus tokio's elapsed time, so tests under
//! paused tokio time and headless screenshots are deterministic.

use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    /// `base` is the instant that corresponds to `origin` in tokio time.
    Sim {
        base: Timestamp,
        origin: Instant,
    },
    /// Never moves: one frame of a screenshot.
    Fixed(Timestamp),
}

impl Clock {
    /// A simulated clock starting at `base` now.
    pub fn sim(base: Timestamp) -> Self {
        Self::Sim {
            base,
            origin: Instant::now(),
        }
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Sim { base, origin } => {
                let elapsed =
                    SignedDuration::try_from(origin.elapsed()).unwrap_or(SignedDuration::MAX);
                base.saturating_add(elapsed).unwrap_or(*base)
            }
            Self::Fixed(at) => *at,
        }
    }
}
