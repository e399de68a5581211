//! The poller under paused tokio time: one task per kind, intervals,
//! refreshes, timeouts, cancellation, and latest-wins slots per kind.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use drconsole::clock::Clock;
use drconsole::domain::snapshot::{Alarm, AlarmSnapshot, AlarmState, SourceError, SourceKind};
use drconsole::sources::poller::{FETCH_TIMEOUT, Poller, Updates};
use drconsole::sources::{Payload, Source, SourceUpdate};
use futures::future::{BoxFuture, FutureExt};
use jiff::Timestamp;
use tokio::time::Instant;

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
    Payload::empty(kind)
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

fn start(source: &Arc<FakeSource>) -> (Poller, Updates, Clock) {
    let clock = clock();
    let (poller, updates) = Poller::spawn(source.clone(), clock.clone());
    (poller, updates, clock)
}

fn kind_of(update: &SourceUpdate) -> SourceKind {
    match update {
        SourceUpdate::Fetched { key, .. } | SourceUpdate::Unchanged { key, .. } => key.kind,
    }
}

/// The next update of `kind`, skipping the other kinds.
async fn next_of(rx: &mut Updates, kind: SourceKind) -> SourceUpdate {
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
            SourceUpdate::Fetched { key, at, result } => {
                let kind = key.kind;
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
            SourceUpdate::Unchanged { ref key, .. } if key.kind == SourceKind::Rds
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
        alarms: vec![Alarm {
            stale: None,
            name: "a".into(),
            region: "r".into(),
            state: AlarmState::Alarm,
            reason: String::new(),
            updated: Timestamp::UNIX_EPOCH,
            metric: None,
        }],
        unavailable: Vec::new(),
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
    // Every task held a sender: the slots close once all are gone.
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

/// Lets `by` pass and the tasks it wakes run, without reading updates.
async fn pass(by: Duration) {
    tokio::time::advance(by).await;
    for _ in 0..16 {
        tokio::task::yield_now().await;
    }
}

fn alarms_named(name: &str) -> Payload {
    Payload::Alarms(AlarmSnapshot {
        alarms: vec![Alarm {
            stale: None,
            name: name.into(),
            region: "r".into(),
            state: AlarmState::Ok,
            reason: String::new(),
            updated: Timestamp::UNIX_EPOCH,
            metric: None,
        }],
        unavailable: Vec::new(),
    })
}

#[tokio::test(start_paused = true)]
async fn a_busy_reader_gets_only_the_latest_of_each_kind() {
    let source = FakeSource::new(Duration::from_secs(10));
    let (_poller, mut rx, clock) = start(&source);
    // Three different alarm snapshots, 10 s apart, while nobody reads.
    for name in ["first", "second", "third"] {
        source.set(SourceKind::Alarms, Answer::Data(alarms_named(name)));
        pass(Duration::from_secs(10)).await;
    }
    assert_eq!(source.calls(SourceKind::Alarms), 3);
    let mut seen = HashMap::new();
    for _ in 0..4 {
        let update = rx.recv().await.unwrap();
        assert!(
            seen.insert(kind_of(&update), update).is_none(),
            "one update per kind, not one per fetch"
        );
    }
    match &seen[&SourceKind::Alarms] {
        SourceUpdate::Fetched { at, result, .. } => {
            assert_eq!(result, &Ok(alarms_named("third")));
            assert_eq!(*at, clock.now());
        }
        other => panic!("the latest alarms must be Fetched: {other:?}"),
    }
    // The other kinds are not lost: their first (and only) data is news.
    for kind in [SourceKind::Rds, SourceKind::Backups, SourceKind::Ecs] {
        assert!(
            matches!(seen[&kind], SourceUpdate::Fetched { .. }),
            "{kind:?}: {:?}",
            seen[&kind]
        );
    }
    // Nothing stale is queued behind them.
    let more = tokio::time::timeout(Duration::from_secs(1), rx.recv()).await;
    assert!(more.is_err(), "stale updates queued: {more:?}");
}

#[tokio::test(start_paused = true)]
async fn new_data_followed_by_the_same_data_is_still_news() {
    let source = FakeSource::new(Duration::from_secs(10));
    let (_poller, mut rx, clock) = start(&source);
    for _ in 0..4 {
        rx.recv().await.unwrap();
    }
    // New alarms at 10 s, the same again at 20 s, both unread.
    source.set(SourceKind::Alarms, Answer::Data(alarms_named("new")));
    pass(Duration::from_secs(10)).await;
    pass(Duration::from_secs(10)).await;
    assert_eq!(source.calls(SourceKind::Alarms), 3);
    match next_of(&mut rx, SourceKind::Alarms).await {
        SourceUpdate::Fetched { at, result, .. } => {
            assert_eq!(result, Ok(alarms_named("new")));
            assert_eq!(at, clock.now(), "the latest fetch's time");
        }
        other => panic!("unread new data must not become Unchanged: {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn shutdown_waits_for_tasks() {
    let source = FakeSource::new(Duration::from_secs(1));
    let (poller, mut rx, _clock) = start(&source);
    rx.recv().await.unwrap();
    poller.shutdown().await;
    assert_eq!(Arc::strong_count(&source), 1);
}
