//! The console's clock ticks: once a second of drill time, so a sped-up
//! drill's ages count second by second instead of jumping, but never more
//! often than the terminal is worth redrawing.

use std::time::Duration;

use jiff::Timestamp;
use tokio::time::{Instant, sleep_until};

use crate::clock::Clock;

/// The shortest wall time between ticks.
pub const FASTEST: Duration = Duration::from_millis(100);

/// Wall time between ticks at a drill `speed` (0: paused, when only the
/// wall-clock lines such as the share's move: once a second).
pub fn period(speed: u32) -> Duration {
    match speed {
        0 => Duration::from_secs(1),
        speed => (Duration::from_secs(1) / speed).max(FASTEST),
    }
}

/// Ticks for a clock whose speed may change between any two ticks.
#[derive(Debug)]
pub struct Ticks {
    clock: Clock,
    last: Instant,
}

impl Ticks {
    /// The first tick comes at once.
    pub fn new(clock: Clock) -> Self {
        let now = Instant::now();
        Self {
            clock,
            last: now.checked_sub(Duration::from_secs(1)).unwrap_or(now),
        }
    }

    /// Waits for the next tick and returns the clock's time. The period is
    /// read from the drill's speed now, so dropping this future and calling
    /// again (a `select!` loop) follows a speed change at once.
    pub async fn tick(&mut self) -> Timestamp {
        let speed = self.clock.drill().map_or(1, |d| d.speed());
        let due = self.last.checked_add(period(speed)).unwrap_or(self.last);
        sleep_until(due).await;
        self.last = Instant::now();
        self.clock.now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::SignedDuration;
    use tokio::time::timeout;

    fn start() -> Timestamp {
        "2026-03-14T02:00:00Z".parse().unwrap()
    }

    #[test]
    fn a_tick_is_a_drill_second_but_no_shorter_than_the_floor() {
        assert_eq!(period(1), Duration::from_secs(1));
        assert_eq!(period(4), Duration::from_millis(250));
        assert_eq!(period(10), FASTEST);
        assert_eq!(period(60), FASTEST);
        assert_eq!(period(0), Duration::from_secs(1));
    }

    /// Drill times of the next `n` ticks, as seconds since the start.
    async fn ticked(ticks: &mut Ticks, n: usize) -> Vec<i64> {
        let mut seconds = Vec::new();
        for _ in 0..n {
            let at = ticks.tick().await;
            seconds.push(at.duration_since(start()).as_secs());
        }
        seconds
    }

    #[tokio::test(start_paused = true)]
    async fn ticks_follow_the_drill_speed() {
        let clock = Clock::sim(start());
        let drill = clock.drill().unwrap();
        let mut ticks = Ticks::new(clock.clone());
        assert_eq!(ticked(&mut ticks, 3).await, [0, 1, 2]);
        drill.set_speed(10);
        // Each drill second, not ten at a time.
        assert_eq!(ticked(&mut ticks, 4).await, [3, 4, 5, 6]);
        drill.set_speed(60);
        // At the floor: 100 ms of wall time is 6 s of drill time.
        assert_eq!(ticked(&mut ticks, 3).await, [12, 18, 24]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_speed_change_does_not_wait_out_the_slow_tick() {
        let clock = Clock::sim(start());
        let mut ticks = Ticks::new(clock.clone());
        ticks.tick().await;
        // A select loop drops the pending tick when a key speeds the drill up.
        let pending = timeout(Duration::from_millis(300), ticks.tick()).await;
        assert!(pending.is_err(), "at 1x the next tick is a second away");
        clock.drill().unwrap().set_speed(60);
        let before = Instant::now();
        let at = ticks.tick().await;
        assert_eq!(Instant::now(), before, "already past the fast period");
        assert_eq!(at, start() + SignedDuration::from_millis(300));
    }
}
