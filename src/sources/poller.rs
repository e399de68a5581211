//! Polls a `Source`: one task per feed (kind, region and API), each
//! fetching with a timeout into its own latest-wins slot, then sleeping the
//! feed's interval unless woken by `refresh_now`. A feed that hangs or
//! fails holds up no other. The reader (`Updates`) gets `Unchanged` when the
//! data is the same as what it last took (so the app does not redraw).
//! Dropping the `Poller` aborts every task.

use std::sync::Arc;
use std::time::Duration;

use futures::future::select_all;
use jiff::Timestamp;
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

use super::{FeedKey, Payload, Source, SourceUpdate, fetch_within};
use crate::clock::Clock;
use crate::domain::snapshot::SourceError;

/// How long one fetch may take before it counts as failed, unless the
/// source says otherwise (`Source::fetch_timeout`).
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Poller {
    tasks: Vec<JoinHandle<()>>,
    wakers: Vec<Arc<Notify>>,
}

/// A feed's latest fetch. `version` moves only when the data changed (or
/// failed again), so a reader that skipped fetches still knows whether
/// anything it has not seen happened.
#[derive(Debug, Clone)]
struct Latest {
    at: Timestamp,
    version: u64,
    result: Result<Payload, SourceError>,
}

impl Poller {
    /// Starts polling every feed at once with the source's fetch timeout.
    pub fn spawn(source: Arc<dyn Source>, clock: Clock) -> (Self, Updates) {
        let timeout = source.fetch_timeout();
        let mut tasks = Vec::new();
        let mut wakers = Vec::new();
        let mut slots = Vec::new();
        for key in source.feeds() {
            let wake = Arc::new(Notify::new());
            let (tx, rx) = watch::channel(None);
            let job = PollJob {
                source: Arc::clone(&source),
                clock: clock.clone(),
                tx,
                key: key.clone(),
                timeout,
                wake: Arc::clone(&wake),
            };
            tasks.push(tokio::spawn(job.run()));
            wakers.push(wake);
            slots.push(Slot {
                key,
                rx,
                delivered: 0,
            });
        }
        (Self { tasks, wakers }, Updates { slots })
    }

    /// Every feed fetches again now instead of waiting out its interval.
    /// A feed busy fetching fetches once more right after (requests coalesce).
    pub fn refresh_now(&self) {
        for wake in &self.wakers {
            wake.notify_one();
        }
    }

    /// Stops every task and waits until they are gone.
    pub async fn shutdown(mut self) {
        for task in &self.tasks {
            task.abort();
        }
        for task in self.tasks.drain(..) {
            // A cancelled task reports `JoinError::Cancelled`: expected.
            let _ = task.await;
        }
    }
}

impl Drop for Poller {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// The poller's results as the console takes them: one latest-wins slot per
/// feed, so a slow reader never works through stale snapshots and no feed
/// crowds out another.
pub struct Updates {
    slots: Vec<Slot>,
}

struct Slot {
    key: FeedKey,
    rx: watch::Receiver<Option<Latest>>,
    /// The version last handed out: the same version again is `Unchanged`.
    delivered: u64,
}

impl Updates {
    /// The latest fetch of a feed with news, waiting until one has some;
    /// `None` once the poller is gone. Cancel-safe (for `select!`).
    pub async fn recv(&mut self) -> Option<SourceUpdate> {
        loop {
            if self.slots.is_empty() {
                return None;
            }
            let waits = self.slots.iter_mut().map(|s| Box::pin(s.rx.changed()));
            let (changed, index, _) = select_all(waits).await;
            if changed.is_err() {
                // The poller is gone and this feed's last result was taken.
                self.slots.remove(index);
                continue;
            }
            let slot = &mut self.slots[index];
            let latest = slot.rx.borrow_and_update();
            let Some(latest) = latest.as_ref() else {
                continue;
            };
            let (key, at) = (slot.key.clone(), latest.at);
            // Same data as last taken: only its time moves, nothing is copied.
            if latest.version == slot.delivered {
                return Some(SourceUpdate::Unchanged { key, at });
            }
            slot.delivered = latest.version;
            return Some(SourceUpdate::Fetched {
                key,
                at,
                result: latest.result.clone(),
            });
        }
    }
}

struct PollJob {
    source: Arc<dyn Source>,
    clock: Clock,
    tx: watch::Sender<Option<Latest>>,
    key: FeedKey,
    timeout: Duration,
    wake: Arc<Notify>,
}

impl PollJob {
    async fn run(self) {
        loop {
            // Asked each round: a drill sped up polls more often.
            let interval = self.source.feed_interval(&self.key);
            let result = fetch_within(&*self.source, &self.key, self.timeout).await;
            let at = self.clock.now();
            // Overwrites whatever the reader has not taken yet: latest wins.
            self.tx.send_modify(|slot| match slot {
                // Only good data repeats as unchanged: a repeated error
                // still counts as news so the app keeps its time current.
                Some(last) if result.is_ok() && last.result == result => last.at = at,
                _ => {
                    let version = slot.as_ref().map_or(1, |l| l.version.wrapping_add(1));
                    *slot = Some(Latest {
                        at,
                        version,
                        result,
                    });
                }
            });
            if self.tx.is_closed() {
                return; // Nobody listens any more.
            }
            tokio::select! {
                () = tokio::time::sleep(interval) => {}
                () = self.wake.notified() => {}
            }
        }
    }
}
