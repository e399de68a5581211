//! The console's notion of "now". Wall-clock time for live AWS; for the
//! simulated world, drill time: a start plus tokio's elapsed time times the
//! drill's speed, which a facilitator can pause or change (`SimClock`).
//! Under paused tokio time, tests and headless screenshots are
//! deterministic.

use std::sync::{Arc, Mutex, MutexGuard};

use jiff::{SignedDuration, Timestamp};
use tokio::time::Instant;

#[derive(Debug, Clone)]
pub enum Clock {
    System,
    /// Drill time, shared by everything that reads the simulated world.
    Sim(Arc<SimClock>),
    /// Never moves: one frame of a screenshot.
    Fixed(Timestamp),
}

/// The fastest a drill runs (the 1× to 60×).
pub const MAX_SPEED: u32 = 60;

/// A drill speed as typed (`10`, `10x`, `10×`), if it is 1 to `MAX_SPEED`.
pub fn parse_speed(text: &str) -> Option<u32> {
    text.trim()
        .trim_end_matches(['x', '×'])
        .parse::<u32>()
        .ok()
        .filter(|s| (1..=MAX_SPEED).contains(s))
}

/// Drill time: `at` when tokio's clock read `instant`, moving `speed`
/// seconds per second since (0: paused).
#[derive(Debug)]
pub struct SimClock {
    anchor: Mutex<Anchor>,
}

#[derive(Debug, Clone, Copy)]
struct Anchor {
    at: Timestamp,
    instant: Instant,
    speed: u32,
}

impl Anchor {
    fn now(&self) -> Timestamp {
        let elapsed =
            SignedDuration::try_from(self.instant.elapsed()).unwrap_or(SignedDuration::MAX);
        let scaled = elapsed
            .checked_mul(i32::try_from(self.speed).unwrap_or(i32::MAX))
            .unwrap_or(SignedDuration::MAX);
        self.at.saturating_add(scaled).unwrap_or(self.at)
    }
}

impl SimClock {
    fn anchor(&self) -> MutexGuard<'_, Anchor> {
        // A plain value: a panicking holder cannot leave it half-written.
        self.anchor
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn now(&self) -> Timestamp {
        self.anchor().now()
    }

    /// Seconds of drill time per second; 0 while paused.
    pub fn speed(&self) -> u32 {
        self.anchor().speed
    }

    /// From now on the drill runs at `speed` (capped at `MAX_SPEED`; 0
    /// pauses it). Drill time so far is kept.
    pub fn set_speed(&self, speed: u32) {
        let mut anchor = self.anchor();
        *anchor = Anchor {
            at: anchor.now(),
            instant: Instant::now(),
            speed: speed.min(MAX_SPEED),
        };
    }

    /// Drill time is `at` from now on (a resumed drill continues where its
    /// journal stopped), at the same speed.
    pub fn set_now(&self, at: Timestamp) {
        let mut anchor = self.anchor();
        anchor.at = at;
        anchor.instant = Instant::now();
    }
}

impl Clock {
    /// A simulated clock starting at `base` now, at 1×.
    pub fn sim(base: Timestamp) -> Self {
        Self::Sim(Arc::new(SimClock {
            anchor: Mutex::new(Anchor {
                at: base,
                instant: Instant::now(),
                speed: 1,
            }),
        }))
    }

    pub fn now(&self) -> Timestamp {
        match self {
            Self::System => Timestamp::now(),
            Self::Sim(clock) => clock.now(),
            Self::Fixed(at) => *at,
        }
    }

    /// The drill clock, when time is simulated and can be paused or sped up.
    pub fn drill(&self) -> Option<&SimClock> {
        match self {
            Self::Sim(clock) => Some(clock),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::time::Duration;

    proptest! {
        #[test]
        fn a_speed_is_read_only_from_1_to_the_most(text in "\\PC{0,6}", n in 0u32..200) {
            let _ = parse_speed(&text);
            let expected = (1..=MAX_SPEED).contains(&n).then_some(n);
            prop_assert_eq!(parse_speed(&n.to_string()), expected);
            prop_assert_eq!(parse_speed(&format!(" {n}× ")), expected);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn drill_time_moves_at_its_speed_and_stands_still_when_paused() {
        let start: Timestamp = "2026-03-10T14:00:00Z".parse().unwrap();
        let clock = Clock::sim(start);
        let drill = clock.drill().unwrap();
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(clock.now(), start + SignedDuration::from_secs(10));
        drill.set_speed(10);
        tokio::time::advance(Duration::from_secs(3)).await;
        assert_eq!(clock.now(), start + SignedDuration::from_secs(40));
        drill.set_speed(0);
        tokio::time::advance(Duration::from_secs(100)).await;
        assert_eq!(clock.now(), start + SignedDuration::from_secs(40));
        drill.set_speed(1_000);
        assert_eq!(drill.speed(), MAX_SPEED);
        let later = start + SignedDuration::from_hours(2);
        drill.set_now(later);
        tokio::time::advance(Duration::from_secs(1)).await;
        assert_eq!(clock.now(), later + SignedDuration::from_secs(60));
    }
}
