//! Polls a `Source`: one task per kind, each fetching with a timeout,
//! reporting `Unchanged` when the data is the same as last time (so the app
//! does not redraw), then sleeping the source's interval unless woken by
//! `refresh_now`. Dropping the `Poller` aborts every task.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinHandle;

use super::{Payload, Source, SourceUpdate, fetch_within};
use crate::clock::Clock;
use crate::domain::snapshot::{SourceError, SourceKind};

/// How long one fetch may take before it counts as failed, unless the
/// source says otherwise (`Source::fetch_timeout`).
pub const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Poller {
    tasks: Vec<JoinHandle<()>>,
    wakers: Vec<Arc<Notify>>,
}

impl Poller {
    /// Starts polling every kind at once with the source's fetch timeout.
    pub fn spawn(
        source: Arc<dyn Source>,
        clock: Clock,
        tx: mpsc::UnboundedSender<SourceUpdate>,
    ) -> Self {
        let timeout = source.fetch_timeout();
        Self::spawn_with_timeout(source, clock, tx, timeout)
    }

    pub fn spawn_with_timeout(
        source: Arc<dyn Source>,
        clock: Clock,
        tx: mpsc::UnboundedSender<SourceUpdate>,
        timeout: Duration,
    ) -> Self {
        let mut tasks = Vec::new();
        let mut wakers = Vec::new();
        for kind in SourceKind::ALL {
            let wake = Arc::new(Notify::new());
            let job = PollJob {
                source: Arc::clone(&source),
                clock,
                tx: tx.clone(),
                kind,
                timeout,
                wake: Arc::clone(&wake),
            };
            tasks.push(tokio::spawn(job.run()));
            wakers.push(wake);
        }
        Self { tasks, wakers }
    }

    /// Every kind fetches again now instead of waiting out its interval.
    /// A kind busy fetching fetches once more right after (requests coalesce).
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

struct PollJob {
    source: Arc<dyn Source>,
    clock: Clock,
    tx: mpsc::UnboundedSender<SourceUpdate>,
    kind: SourceKind,
    timeout: Duration,
    wake: Arc<Notify>,
}

impl PollJob {
    async fn run(self) {
        let kind = self.kind;
        let mut last: Option<Result<Payload, SourceError>> = None;
        loop {
            let result = fetch_within(&*self.source, kind, self.timeout).await;
            let at = self.clock.now();
            // Only good data repeats as `Unchanged`: a repeated error still
            // goes out so the app keeps the error's time current.
            let unchanged = result.is_ok() && last.as_ref() == Some(&result);
            let update = if unchanged {
                SourceUpdate::Unchanged { kind, at }
            } else {
                SourceUpdate::Fetched {
                    kind,
                    at,
                    result: result.clone(),
                }
            };
            last = Some(result);
            if self.tx.send(update).is_err() {
                return; // Nobody listens any more.
            }
            tokio::select! {
                () = tokio::time::sleep(self.source.interval(kind)) => {}
                () = self.wake.notified() => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;
    use std::sync::Mutex;

    use futures::future::{BoxFuture, FutureExt};
    use jiff::Timestamp;
    use tokio::time::Instant;

    use super::*;
    use crate::domain::snapshot::{AlarmSnapshot, BackupSnapshot, EcsSnapshot, RdsSnapshot};

    /// What a kind answers in the fake source.
    #[derive(Clone)]
    enum Answer {
        Data(Payload),
        Fail(SourceError),
        /// Answers only after this long.
        Slow(Duration),
    }

    struct FakeSource {
        answers: Mutex<HashMap<SourceKind, Answer>>,
        calls: Mutex<HashMap<SourceKind, usize>>,
        interval: Duration,
    }

    fn empty(kind: SourceKind) -> Payload {
        match kind {
            SourceKind::Rds => Payload::Rds(RdsSnapshot::default()),
            SourceKind::Backups => Payload::Backups(BackupSnapshot::default()),
            SourceKind::Ecs => Payload::Ecs(EcsSnapshot::default()),
            SourceKind::Alarms => Payload::Alarms(AlarmSnapshot::default()),
        }
    }

    impl FakeSource {
        fn new(interval: Duration) -> Arc<Self> {
            let answers = SourceKind::ALL
                .into_iter()
                .map(|k| (k, Answer::Data(empty(k))))
                .collect();
            Arc::new(Self {
                answers: Mutex::new(answers),
                calls: Mutex::new(HashMap::new()),
                interval,
            })
        }
        fn set(&self, kind: SourceKind, answer: Answer) {
            self.answers.lock().unwrap().insert(kind, answer);
        }
        fn calls(&self, kind: SourceKind) -> usize {
            self.calls.lock().unwrap().get(&kind).copied().unwrap_or(0)
        }
    }

    impl Source for FakeSource {
        fn label(&self) -> &str {
            "fake"
        }
        fn fetch(&self, kind: SourceKind) -> BoxFuture<'_, Result<Payload, SourceError>> {
            *self.calls.lock().unwrap().entry(kind).or_default() += 1;
            let answer = self.answers.lock().unwrap()[&kind].clone();
            async move {
                match answer {
                    Answer::Data(p) => Ok(p),
                    Answer::Fail(e) => Err(e),
                    Answer::Slow(d) => {
                        tokio::time::sleep(d).await;
                        Ok(empty(kind))
                    }
                }
            }
            .boxed()
        }
        fn interval(&self, _kind: SourceKind) -> Duration {
            self.interval
        }
    }

    fn clock() -> Clock {
        Clock::sim("2025-03-10T14:00:00Z".parse::<Timestamp>().unwrap())
    }

    fn start(source: &Arc<FakeSource>) -> (Poller, mpsc::UnboundedReceiver<SourceUpdate>, Clock) {
        let (tx, rx) = mpsc::unbounded_channel();
        let clock = clock();
        let poller = Poller::spawn(source.clone(), clock, tx);
        (poller, rx, clock)
    }

    fn kind_of(update: &SourceUpdate) -> SourceKind {
        match update {
            SourceUpdate::Fetched { kind, .. } | SourceUpdate::Unchanged { kind, .. } => *kind,
        }
    }

    /// The next update of `kind`, skipping the other kinds.
    async fn next_of(
        rx: &mut mpsc::UnboundedReceiver<SourceUpdate>,
        kind: SourceKind,
    ) -> SourceUpdate {
        loop {
            let update = rx.recv().await.expect("poller stopped early");
            if kind_of(&update) == kind {
                return update;
            }
        }
    }

    #[tokio::test(start_paused = true)]
    async fn first_fetch_of_every_kind_arrives_then_unchanged() {
        let source = FakeSource::new(Duration::from_secs(10));
        let (_poller, mut rx, clock) = start(&source);
        let mut first = Vec::new();
        for _ in 0..4 {
            match rx.recv().await.unwrap() {
                SourceUpdate::Fetched { kind, at, result } => {
                    assert_eq!(result, Ok(empty(kind)));
                    assert_eq!(at, clock.now());
                    first.push(kind);
                }
                other => panic!("first update must be Fetched: {other:?}"),
            }
        }
        first.sort();
        assert_eq!(first, SourceKind::ALL.to_vec());
        let again = next_of(&mut rx, SourceKind::Rds).await;
        assert!(
            matches!(
                again,
                SourceUpdate::Unchanged {
                    kind: SourceKind::Rds,
                    ..
                }
            ),
            "same data must be Unchanged: {again:?}"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn interval_is_respected_and_changed_data_is_fetched() {
        let source = FakeSource::new(Duration::from_secs(10));
        let (_poller, mut rx, _clock) = start(&source);
        let began = Instant::now();
        for _ in 0..4 {
            rx.recv().await.unwrap();
        }
        assert_eq!(began.elapsed(), Duration::ZERO);

        let alarms = AlarmSnapshot {
            alarms: vec![crate::domain::snapshot::Alarm {
                name: "a".into(),
                region: "r".into(),
                state: crate::domain::snapshot::AlarmState::Alarm,
                reason: String::new(),
                updated: Timestamp::UNIX_EPOCH,
                metric: None,
            }],
        };
        source.set(
            SourceKind::Alarms,
            Answer::Data(Payload::Alarms(alarms.clone())),
        );
        let second = next_of(&mut rx, SourceKind::Alarms).await;
        assert_eq!(
            began.elapsed(),
            Duration::from_secs(10),
            "polled on the interval"
        );
        match second {
            SourceUpdate::Fetched { result, .. } => {
                assert_eq!(result, Ok(Payload::Alarms(alarms)));
            }
            other => panic!("new data must be Fetched: {other:?}"),
        }
        next_of(&mut rx, SourceKind::Alarms).await;
        assert_eq!(began.elapsed(), Duration::from_secs(20));
        assert_eq!(source.calls(SourceKind::Alarms), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn refresh_now_fetches_immediately() {
        let source = FakeSource::new(Duration::from_secs(60));
        let (poller, mut rx, _clock) = start(&source);
        for _ in 0..4 {
            rx.recv().await.unwrap();
        }
        tokio::time::advance(Duration::from_secs(5)).await;
        let before = Instant::now();
        poller.refresh_now();
        let mut kinds = Vec::new();
        for _ in 0..4 {
            kinds.push(kind_of(&rx.recv().await.unwrap()));
        }
        assert_eq!(
            before.elapsed(),
            Duration::ZERO,
            "no wait for the 60 s interval"
        );
        kinds.sort();
        assert_eq!(kinds, SourceKind::ALL.to_vec());
        for kind in SourceKind::ALL {
            assert_eq!(source.calls(kind), 2);
        }
    }

    #[tokio::test(start_paused = true)]
    async fn slow_fetch_times_out() {
        let source = FakeSource::new(Duration::from_secs(10));
        source.set(SourceKind::Backups, Answer::Slow(Duration::from_secs(30)));
        let (_poller, mut rx, _clock) = start(&source);
        let began = Instant::now();
        match next_of(&mut rx, SourceKind::Backups).await {
            SourceUpdate::Fetched {
                result: Err(err), ..
            } => assert_eq!(err.code, "Timeout"),
            other => panic!("expected a Timeout error: {other:?}"),
        }
        assert_eq!(began.elapsed(), FETCH_TIMEOUT);
    }

    #[tokio::test(start_paused = true)]
    async fn an_erroring_kind_does_not_stop_the_others_and_recovers() {
        let source = FakeSource::new(Duration::from_secs(10));
        let denied = SourceError::new("AccessDenied", "not allowed");
        source.set(SourceKind::Rds, Answer::Fail(denied.clone()));
        let (_poller, mut rx, _clock) = start(&source);
        for round in 0..3 {
            let mut seen = HashMap::new();
            while seen.len() < 4 {
                let update = rx.recv().await.unwrap();
                seen.insert(kind_of(&update), update);
            }
            match &seen[&SourceKind::Rds] {
                SourceUpdate::Fetched { result, .. } => assert_eq!(result, &Err(denied.clone())),
                other => panic!("a repeated error is still sent as Fetched: {other:?}"),
            }
            if round > 0 {
                assert!(matches!(
                    seen[&SourceKind::Ecs],
                    SourceUpdate::Unchanged { .. }
                ));
            }
        }
        source.set(SourceKind::Rds, Answer::Data(empty(SourceKind::Rds)));
        match next_of(&mut rx, SourceKind::Rds).await {
            SourceUpdate::Fetched { result, .. } => assert_eq!(result, Ok(empty(SourceKind::Rds))),
            other => panic!("recovery must be Fetched: {other:?}"),
        }
        assert!(matches!(
            next_of(&mut rx, SourceKind::Rds).await,
            SourceUpdate::Unchanged { .. }
        ));
    }

    #[tokio::test(start_paused = true)]
    async fn dropping_the_poller_stops_its_tasks() {
        let source = FakeSource::new(Duration::from_secs(1));
        let (poller, mut rx, _clock) = start(&source);
        for _ in 0..4 {
            rx.recv().await.unwrap();
        }
        drop(poller);
        // Every task held a sender: the channel closes once all are gone.
        // Bounded, so that a broken cancel fails instead of hanging.
        let mut leftover = 0;
        while leftover <= 4 && rx.recv().await.is_some() {
            leftover += 1;
        }
        assert!(leftover <= 4, "tasks kept polling after drop: {leftover}");
        let calls = source.calls(SourceKind::Rds);
        tokio::time::advance(Duration::from_secs(30)).await;
        assert_eq!(source.calls(SourceKind::Rds), calls);
        assert_eq!(Arc::strong_count(&source), 1, "tasks released the source");
    }

    #[tokio::test(start_paused = true)]
    async fn shutdown_waits_for_tasks() {
        let source = FakeSource::new(Duration::from_secs(1));
        let (poller, mut rx, _clock) = start(&source);
        rx.recv().await.unwrap();
        poller.shutdown().await;
        assert_eq!(Arc::strong_count(&source), 1);
    }
}
