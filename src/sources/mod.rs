//! Where live state comes from: one trait, a simulated implementation, the
//! live AWS one, and the poller that calls it on an interval.

use std::time::Duration;

use futures::future::BoxFuture;
use jiff::Timestamp;

use crate::domain::snapshot::{
    AlarmSnapshot, BackupSnapshot, EcsSnapshot, LiveState, RdsSnapshot, SourceError, SourceKind,
};
use crate::runbook::model::Step;

pub mod aws;
pub mod poller;
pub mod sim;

/// The data of one successful fetch.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Rds(RdsSnapshot),
    Backups(BackupSnapshot),
    Ecs(EcsSnapshot),
    Alarms(AlarmSnapshot),
}

impl Payload {
    pub fn kind(&self) -> SourceKind {
        match self {
            Self::Rds(_) => SourceKind::Rds,
            Self::Backups(_) => SourceKind::Backups,
            Self::Ecs(_) => SourceKind::Ecs,
            Self::Alarms(_) => SourceKind::Alarms,
        }
    }
}

/// One fetch of `kind`, bounded by `timeout`: past it, a `Timeout` error.
pub async fn fetch_within(
    source: &dyn Source,
    kind: SourceKind,
    timeout: Duration,
) -> Result<Payload, SourceError> {
    tokio::time::timeout(timeout, source.fetch(kind))
        .await
        .unwrap_or_else(|_| {
            Err(SourceError::new(
                "Timeout",
                format!(
                    "{} did not answer within {}s",
                    kind.label(),
                    timeout.as_secs()
                ),
            ))
        })
}

/// Folds one fetch of `kind` into its feed; says whether anything visible changed.
pub fn apply(
    live: &mut LiveState,
    kind: SourceKind,
    at: Timestamp,
    result: Result<Payload, SourceError>,
) -> bool {
    match (kind, result) {
        (_, Ok(Payload::Rds(d))) => live.rds.apply(at, Ok(d)),
        (_, Ok(Payload::Backups(d))) => live.backups.apply(at, Ok(d)),
        (_, Ok(Payload::Ecs(d))) => live.ecs.apply(at, Ok(d)),
        (_, Ok(Payload::Alarms(d))) => live.alarms.apply(at, Ok(d)),
        (SourceKind::Rds, Err(e)) => live.rds.apply(at, Err(e)),
        (SourceKind::Backups, Err(e)) => live.backups.apply(at, Err(e)),
        (SourceKind::Ecs, Err(e)) => live.ecs.apply(at, Err(e)),
        (SourceKind::Alarms, Err(e)) => live.alarms.apply(at, Err(e)),
    }
}

/// What the poller tells the app after each attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum SourceUpdate {
    /// New data, or an error.
    Fetched {
        kind: SourceKind,
        at: Timestamp,
        result: Result<Payload, SourceError>,
    },
    /// Same data as last time: refreshes the last-good time without a redraw.
    Unchanged { kind: SourceKind, at: Timestamp },
}

/// A provider of live state. Implementations must be cheap to call
/// concurrently, one call per kind at a time.
pub trait Source: Send + Sync + 'static {
    /// Shown in the header: "simulated", "aws".
    fn label(&self) -> &str;

    fn is_simulated(&self) -> bool {
        false
    }

    /// One fetch of one kind of data.
    fn fetch(&self, kind: SourceKind) -> BoxFuture<'_, Result<Payload, SourceError>>;

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
    fn step_run(&self, _step: &Step) {}
}
