//! Live data arrives in feeds: one per kind, region and API (the RDS
//! instances of us-east-1, the CloudWatch metrics of us-west-2, …), each
//! polled and failing on its own. `LiveState` keeps every feed's last good
//! answer and folds them into one view per kind, the one panes and checks
//! read: rows of a feed that now fails stay, marked stale with its error
//! and the time of their last good answer; figures of a failing detail
//! feed (metrics, restore windows, stopped tasks) are unknown, never old.

use std::collections::BTreeMap;

use jiff::Timestamp;

use super::snapshot::{
    AlarmSnapshot, BackupSnapshot, DbMetrics, EcsSnapshot, Feed, LiveState, RdsSnapshot,
    SourceError, SourceKind, StoppedTask,
};

/// Which part of a kind's data a feed carries. Details need a second call
/// and come on their own cadence, never delaying the state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FeedPart {
    /// The rows everyone watches: instances, services, alarms, recovery points.
    State,
    /// Aurora clusters (`DescribeDBClusters`).
    Clusters,
    /// CloudWatch figures of RDS instances (lag, load).
    Metrics,
    /// RDS point-in-time-restore windows.
    Windows,
    /// Why the tasks of struggling ECS services stopped.
    StoppedTasks,
}

impl FeedPart {
    pub fn is_detail(self) -> bool {
        matches!(self, Self::Metrics | Self::Windows | Self::StoppedTasks)
    }
}

/// One feed. `rank` is the source's order of its feeds (primary region
/// first): merged rows follow it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FeedKey {
    pub kind: SourceKind,
    pub rank: usize,
    /// `None` for a feed that spans regions (the simulated world).
    pub region: Option<String>,
    pub part: FeedPart,
    /// Narrower than a region, e.g. the ECS cluster.
    pub scope: Option<String>,
}

impl FeedKey {
    /// The whole of one kind, every region at once.
    pub fn whole(kind: SourceKind) -> Self {
        Self {
            kind,
            rank: 0,
            region: None,
            part: FeedPart::State,
            scope: None,
        }
    }

    /// One part of one kind in one region.
    pub fn of(kind: SourceKind, part: FeedPart, region: &str, rank: usize) -> Self {
        Self {
            kind,
            rank,
            region: Some(region.to_string()),
            part,
            scope: None,
        }
    }

    pub fn with_scope(self, scope: &str) -> Self {
        Self {
            scope: Some(scope.to_string()),
            ..self
        }
    }

    /// The AWS API this feed mainly calls, to name it in errors.
    pub fn api(&self) -> &'static str {
        match (self.kind, self.part) {
            (_, FeedPart::Clusters) => "DescribeDBClusters",
            (_, FeedPart::Metrics) => "GetMetricData",
            (_, FeedPart::Windows) => "DescribeDBInstanceAutomatedBackups",
            (_, FeedPart::StoppedTasks) => "ListTasks",
            (SourceKind::Rds, FeedPart::State) => "DescribeDBInstances",
            (SourceKind::Backups, FeedPart::State) => "ListRecoveryPointsByBackupVault",
            (SourceKind::Ecs, FeedPart::State) => "DescribeServices",
            (SourceKind::Alarms, FeedPart::State) => "DescribeAlarms",
        }
    }

    /// "RDS", "RDS us-west-2 metrics", "ECS us-east-1 app".
    pub fn label(&self) -> String {
        let mut out = self.kind.label().to_string();
        for part in [self.region.as_deref(), self.scope.as_deref()]
            .into_iter()
            .flatten()
        {
            out.push(' ');
            out.push_str(part);
        }
        let part = match self.part {
            FeedPart::State => None,
            FeedPart::Clusters => Some("clusters"),
            FeedPart::Metrics => Some("metrics"),
            FeedPart::Windows => Some("restore windows"),
            FeedPart::StoppedTasks => Some("stopped tasks"),
        };
        if let Some(part) = part {
            out.push(' ');
            out.push_str(part);
        }
        out
    }

    /// An error of this feed as a whole (e.g. it timed out), naming its
    /// region and API when it has a region.
    pub fn error(&self, code: &str, message: String) -> SourceError {
        let error = SourceError::new(code, message);
        match &self.region {
            Some(region) => error.from_call(region, self.api()),
            None => error,
        }
    }
}

/// The data of one successful fetch of one feed.
#[derive(Debug, Clone, PartialEq)]
pub enum Payload {
    Rds(RdsSnapshot),
    /// Metrics or restore windows of one region's instances.
    RdsDetails(RdsDetails),
    Backups(BackupSnapshot),
    Ecs(EcsSnapshot),
    StoppedTasks(StoppedTasks),
    Alarms(AlarmSnapshot),
}

impl Payload {
    pub fn kind(&self) -> SourceKind {
        match self {
            Self::Rds(_) | Self::RdsDetails(_) => SourceKind::Rds,
            Self::Backups(_) => SourceKind::Backups,
            Self::Ecs(_) | Self::StoppedTasks(_) => SourceKind::Ecs,
            Self::Alarms(_) => SourceKind::Alarms,
        }
    }
}

/// Figures of instances by identifier.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RdsDetails {
    pub figures: BTreeMap<String, DbFigures>,
    pub windows: BTreeMap<String, RestoreWindow>,
}

/// What CloudWatch says of one instance: lag for a replica, load for a primary.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DbFigures {
    pub lag_secs: Option<f64>,
    pub lag_history: Vec<u64>,
    pub metrics: Option<DbMetrics>,
}

/// The point-in-time-restore window of one instance, as its automated
/// backups report it.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RestoreWindow {
    pub earliest: Option<Timestamp>,
    pub latest: Option<Timestamp>,
}

/// Recently stopped tasks by (cluster, service), newest first.
pub type StoppedTasks = BTreeMap<(String, String), Vec<StoppedTask>>;

impl<T> Feed<T> {
    /// The error of a failing feed, dated from its last good answer (or the
    /// start of its failures if it never answered).
    pub fn stale_error(&self) -> Option<SourceError> {
        let (_, error) = self.error.as_ref()?;
        Some(SourceError {
            since: self.last_good.or(self.failing_since),
            ..error.clone()
        })
    }
}

impl LiveState {
    /// Folds one fetch of one feed in; says whether anything visible changed.
    pub fn apply(
        &mut self,
        key: &FeedKey,
        at: Timestamp,
        result: Result<Payload, SourceError>,
    ) -> bool {
        let changed = self.feeds.entry(key.clone()).or_default().apply(at, result);
        let merged_changed = self.merge(key.kind);
        changed || merged_changed
    }

    /// The feed answered the same as last time: only its time moves.
    pub fn touch(&mut self, key: &FeedKey, at: Timestamp) {
        if let Some(feed) = self.feeds.get_mut(key) {
            feed.last_good = Some(at);
            self.merge(key.kind);
        }
    }

    /// Every feed, in the source's order.
    pub fn feeds(&self) -> impl Iterator<Item = (&FeedKey, &Feed<Payload>)> {
        self.feeds.iter()
    }

    /// Rebuilds one kind's view from its feeds; says whether it changed.
    fn merge(&mut self, kind: SourceKind) -> bool {
        let feeds: Vec<(&FeedKey, &Feed<Payload>)> =
            self.feeds.iter().filter(|(k, _)| k.kind == kind).collect();
        match kind {
            SourceKind::Rds => replace(&mut self.rds, merged(&feeds, merge_rds)),
            SourceKind::Backups => replace(&mut self.backups, merged(&feeds, merge_backups)),
            SourceKind::Ecs => replace(&mut self.ecs, merged(&feeds, merge_ecs)),
            SourceKind::Alarms => replace(&mut self.alarms, merged(&feeds, merge_alarms)),
        }
    }
}

fn replace<T: PartialEq>(view: &mut Feed<T>, new: Feed<T>) -> bool {
    let changed = view.data != new.data || view.error != new.error;
    *view = new;
    changed
}

type Feeds<'a> = [(&'a FeedKey, &'a Feed<Payload>)];

/// One kind's view: its rows from every feed, the error only when every
/// feed of its state fails (nothing of the kind can be read now), its
/// last good time the newest of its state feeds'.
fn merged<T: Default>(feeds: &Feeds<'_>, merge: fn(&Feeds<'_>, &mut T)) -> Feed<T> {
    let state: Vec<&Feed<Payload>> = feeds
        .iter()
        .filter(|(k, _)| !k.part.is_detail())
        .map(|(_, f)| *f)
        .collect();
    if state.is_empty() {
        return Feed::default();
    }
    let mut data = T::default();
    merge(feeds, &mut data);
    let all_failing = state.iter().all(|f| f.error.is_some());
    let error = match all_failing {
        true => state.iter().find_map(|f| f.error.clone()),
        false => None,
    };
    Feed {
        data: state.iter().any(|f| f.data.is_some()).then_some(data),
        last_good: state.iter().filter_map(|f| f.last_good).max(),
        failing_since: match all_failing {
            true => state.iter().filter_map(|f| f.failing_since).max(),
            false => None,
        },
        error,
    }
}

/// The failing feeds' errors (dated) and the partial failures their last
/// good answers carried.
fn failures<'a>(
    feeds: &'a Feeds<'a>,
    inner: impl Fn(&'a Payload) -> Option<&'a Vec<SourceError>>,
) -> Vec<SourceError> {
    let mut out = Vec::new();
    for (_, feed) in feeds {
        match feed.stale_error() {
            Some(e) => out.push(e),
            None => {
                if let Some(errors) = feed.data.as_ref().and_then(&inner) {
                    out.extend(errors.iter().cloned());
                }
            }
        }
    }
    out
}

fn merge_rds(feeds: &Feeds<'_>, out: &mut RdsSnapshot) {
    for (_, feed) in feeds {
        let Some(Payload::Rds(data)) = &feed.data else {
            continue;
        };
        let stale = feed.stale_error();
        out.instances
            .extend(data.instances.iter().cloned().map(|mut db| {
                db.stale = db.stale.or(stale.clone());
                db
            }));
        out.clusters
            .extend(data.clusters.iter().cloned().map(|mut c| {
                c.stale = c.stale.or(stale.clone());
                c
            }));
    }
    // Figures of a failing detail feed are unknown: only good ones apply.
    for (key, feed) in feeds.iter().filter(|(k, _)| k.part.is_detail()) {
        let (Some(Payload::RdsDetails(details)), None) = (&feed.data, &feed.error) else {
            continue;
        };
        let in_region = |db: &&mut super::snapshot::DbInstance| {
            key.region.is_none() || key.region.as_deref() == Some(db.region.as_str())
        };
        for db in out.instances.iter_mut().filter(in_region) {
            if let Some(figures) = details.figures.get(&db.id) {
                db.lag_secs = figures.lag_secs;
                db.lag_history.clone_from(&figures.lag_history);
                db.metrics = figures.metrics;
            }
            if let Some(window) = details.windows.get(&db.id) {
                db.earliest_restorable = window.earliest;
                db.latest_restorable = db.latest_restorable.or(window.latest);
            }
        }
    }
    out.unavailable = failures(feeds, |p| match p {
        Payload::Rds(d) => Some(&d.unavailable),
        _ => None,
    });
}

fn merge_backups(feeds: &Feeds<'_>, out: &mut BackupSnapshot) {
    for (_, feed) in feeds {
        if let Some(Payload::Backups(data)) = &feed.data {
            out.recovery_points
                .extend(data.recovery_points.iter().cloned());
        }
    }
    out.recovery_points.sort_by(|a, b| {
        b.restorable_at()
            .cmp(&a.restorable_at())
            .then_with(|| a.id.cmp(&b.id))
    });
    out.unavailable = failures(feeds, |p| match p {
        Payload::Backups(d) => Some(&d.unavailable),
        _ => None,
    });
}

fn merge_ecs(feeds: &Feeds<'_>, out: &mut EcsSnapshot) {
    for (_, feed) in feeds {
        let Some(Payload::Ecs(data)) = &feed.data else {
            continue;
        };
        let stale = feed.stale_error();
        out.services
            .extend(data.services.iter().cloned().map(|mut svc| {
                svc.stale = svc.stale.or(stale.clone());
                svc
            }));
    }
    for (key, feed) in feeds.iter().filter(|(k, _)| k.part.is_detail()) {
        let (Some(Payload::StoppedTasks(stopped)), None) = (&feed.data, &feed.error) else {
            continue;
        };
        for svc in out
            .services
            .iter_mut()
            .filter(|s| key.region.is_none() || key.region.as_deref() == Some(s.region.as_str()))
        {
            if let Some(tasks) = stopped.get(&(svc.cluster.clone(), svc.name.clone())) {
                svc.stopped_tasks.clone_from(tasks);
            }
        }
    }
    out.unavailable = failures(feeds, |p| match p {
        Payload::Ecs(d) => Some(&d.unavailable),
        _ => None,
    });
}

fn merge_alarms(feeds: &Feeds<'_>, out: &mut AlarmSnapshot) {
    for (_, feed) in feeds {
        let Some(Payload::Alarms(data)) = &feed.data else {
            continue;
        };
        let stale = feed.stale_error();
        out.alarms.extend(data.alarms.iter().cloned().map(|mut a| {
            a.stale = a.stale.or(stale.clone());
            a
        }));
    }
    out.unavailable = failures(feeds, |p| match p {
        Payload::Alarms(d) => Some(&d.unavailable),
        _ => None,
    });
}
