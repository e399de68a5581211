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

    pub const METRICS_API: &str = "GetMetricData";
    pub const WINDOWS_API: &str = "DescribeDBInstanceAutomatedBackups";

    /// The AWS API this feed mainly calls, to name it in errors.
    pub fn api(&self) -> &'static str {
        match (self.kind, self.part) {
            (_, FeedPart::Clusters) => "DescribeDBClusters",
            (_, FeedPart::Metrics) => Self::METRICS_API,
            (_, FeedPart::Windows) => Self::WINDOWS_API,
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
    /// An answer with nothing in it, of one kind.
    pub fn empty(kind: SourceKind) -> Self {
        match kind {
            SourceKind::Rds => Self::Rds(RdsSnapshot::default()),
            SourceKind::Backups => Self::Backups(BackupSnapshot::default()),
            SourceKind::Ecs => Self::Ecs(EcsSnapshot::default()),
            SourceKind::Alarms => Self::Alarms(AlarmSnapshot::default()),
        }
    }

    /// Parts that failed inside this answer while the rest answered.
    pub fn unavailable(&self) -> &[SourceError] {
        match self {
            Self::Rds(d) => &d.unavailable,
            Self::Backups(d) => &d.unavailable,
            Self::Ecs(d) => &d.unavailable,
            Self::Alarms(d) => &d.unavailable,
            Self::RdsDetails(_) | Self::StoppedTasks(_) => &[],
        }
    }

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
    /// The error of a failing feed, dated from when it began if the error
    /// says, else from the feed's last good answer if it ever had one.
    pub fn stale_error(&self) -> Option<SourceError> {
        let (_, error) = self.error.as_ref()?;
        Some(SourceError {
            since: error.since.or(self.last_good),
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

    /// One kind's view as one fetch's answer: its error when nothing of
    /// it could be read.
    pub fn answer(self, kind: SourceKind) -> Result<Payload, SourceError> {
        fn answer<T: Default>(feed: Feed<T>) -> Result<T, SourceError> {
            match (feed.error, feed.data) {
                (Some((_, e)), _) => Err(e),
                (None, data) => Ok(data.unwrap_or_default()),
            }
        }
        match kind {
            SourceKind::Rds => answer(self.rds).map(Payload::Rds),
            SourceKind::Backups => answer(self.backups).map(Payload::Backups),
            SourceKind::Ecs => answer(self.ecs).map(Payload::Ecs),
            SourceKind::Alarms => answer(self.alarms).map(Payload::Alarms),
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

/// The failing feeds' errors (dated) and the partial failures their
/// answers carried.
fn failures(feeds: &Feeds<'_>) -> Vec<SourceError> {
    let mut out = Vec::new();
    for (_, feed) in feeds {
        match feed.stale_error() {
            Some(e) => out.push(e),
            None => out.extend(feed.data.iter().flat_map(|p| p.unavailable()).cloned()),
        }
    }
    out
}

/// A feed's rows, each marked with the feed's error while it fails.
fn marked<'a, T: Clone>(
    rows: &'a [T],
    stale: &'a Option<SourceError>,
    mark: fn(&mut T) -> &mut Option<SourceError>,
) -> impl Iterator<Item = T> + 'a {
    rows.iter().cloned().map(move |mut row| {
        if stale.is_some() {
            mark(&mut row).clone_from(stale);
        }
        row
    })
}

fn merge_rds(feeds: &Feeds<'_>, out: &mut RdsSnapshot) {
    for (_, feed) in feeds {
        let Some(Payload::Rds(data)) = &feed.data else {
            continue;
        };
        let stale = feed.stale_error();
        out.instances
            .extend(marked(&data.instances, &stale, |r| &mut r.stale));
        out.clusters
            .extend(marked(&data.clusters, &stale, |r| &mut r.stale));
    }
    for (key, feed) in feeds.iter().filter(|(k, _)| k.part.is_detail()) {
        let in_region = |db: &&mut super::snapshot::DbInstance| {
            key.region.is_none() || key.region.as_deref() == Some(db.region.as_str())
        };
        // Figures of a failing detail feed are unknown, never old ones.
        let details = match (&feed.data, &feed.error) {
            (Some(Payload::RdsDetails(details)), None) => details,
            (_, Some(_)) => {
                for db in out.instances.iter_mut().filter(in_region) {
                    match key.part {
                        FeedPart::Metrics => {
                            db.lag_secs = None;
                            db.metrics = None;
                        }
                        _ => db.earliest_restorable = None,
                    }
                }
                continue;
            }
            _ => continue,
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
    out.unavailable = failures(feeds);
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
    out.unavailable = failures(feeds);
}

fn merge_ecs(feeds: &Feeds<'_>, out: &mut EcsSnapshot) {
    for (_, feed) in feeds {
        let Some(Payload::Ecs(data)) = &feed.data else {
            continue;
        };
        let stale = feed.stale_error();
        out.services
            .extend(marked(&data.services, &stale, |r| &mut r.stale));
    }
    for (key, feed) in feeds.iter().filter(|(k, _)| k.part.is_detail()) {
        let in_region = |svc: &&mut super::snapshot::EcsService| {
            key.region.is_none() || key.region.as_deref() == Some(svc.region.as_str())
        };
        let stopped = match (&feed.data, &feed.error) {
            (Some(Payload::StoppedTasks(stopped)), None) => Some(stopped),
            (_, Some(_)) => None,
            _ => continue,
        };
        for svc in out.services.iter_mut().filter(in_region) {
            let tasks = stopped.and_then(|s| s.get(&(svc.cluster.clone(), svc.name.clone())));
            // Unknown while its feed fails: none shown rather than old ones.
            svc.stopped_tasks = tasks.cloned().unwrap_or_default();
        }
    }
    out.unavailable = failures(feeds);
}

fn merge_alarms(feeds: &Feeds<'_>, out: &mut AlarmSnapshot) {
    for (_, feed) in feeds {
        let Some(Payload::Alarms(data)) = &feed.data else {
            continue;
        };
        let stale = feed.stale_error();
        out.alarms
            .extend(marked(&data.alarms, &stale, |r| &mut r.stale));
    }
    out.unavailable = failures(feeds);
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::domain::snapshot::DbInstance;
    use crate::domain::verify::{Outcome, VerifyContext, evaluate};
    use crate::runbook::model::Verify;
    use crate::runbook::predicates::{InstanceStatus, PitrCovers, ReplicaLagBelow};

    const EAST: &str = "us-east-1";
    const WEST: &str = "us-west-2";

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_773_450_000 + minute * 60).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn db(id: &str, region: &str, status: &str, replica_of: Option<&str>) -> DbInstance {
        DbInstance {
            replica_of: replica_of.map(Into::into),
            ..DbInstance::new(id, region, status)
        }
    }

    fn instances(list: Vec<DbInstance>) -> Result<Payload, SourceError> {
        Ok(Payload::Rds(RdsSnapshot {
            instances: list,
            ..RdsSnapshot::default()
        }))
    }

    fn lag(id: &str, secs: f64) -> Result<Payload, SourceError> {
        let figures = DbFigures {
            lag_secs: Some(secs),
            lag_history: vec![secs as u64],
            metrics: None,
        };
        Ok(Payload::RdsDetails(RdsDetails {
            figures: [(id.to_string(), figures)].into(),
            ..RdsDetails::default()
        }))
    }

    fn down(key: &FeedKey) -> Result<Payload, SourceError> {
        Err(key.error("Unreachable", "cannot connect".into()))
    }

    fn keys() -> [FeedKey; 3] {
        [
            FeedKey::of(SourceKind::Rds, FeedPart::State, EAST, 0),
            FeedKey::of(SourceKind::Rds, FeedPart::State, WEST, 1),
            FeedKey::of(SourceKind::Rds, FeedPart::Metrics, WEST, 2),
        ]
    }

    /// Both regions answered at minute 0: the primary in the east, its
    /// replica in the west with 3 s of lag.
    fn answered() -> LiveState {
        let [east, west, metrics] = keys();
        let mut live = LiveState::default();
        live.apply(
            &east,
            at(0),
            instances(vec![db("main", EAST, "available", None)]),
        );
        live.apply(
            &west,
            at(0),
            instances(vec![db("copy", WEST, "available", Some("main"))]),
        );
        live.apply(&metrics, at(0), lag("copy", 3.0));
        live
    }

    fn rds(live: &LiveState) -> &RdsSnapshot {
        live.rds.data.as_ref().expect("RDS data")
    }

    fn judge(live: &LiveState, check: Verify) -> Outcome {
        let ctx = VerifyContext {
            now: at(5),
            incident_start: None,
        };
        evaluate(&check, live, ctx).outcome
    }

    fn status_is(id: &str, status: &str) -> Verify {
        Verify::InstanceStatus(InstanceStatus {
            instance: id.into(),
            status: status.into(),
        })
    }

    #[test]
    fn a_failing_region_keeps_its_rows_marked_while_the_other_moves_on() {
        let [east, west, _] = keys();
        let mut live = answered();
        live.apply(&east, at(2), down(&east));
        // The DR replica is promoted while the primary region is down.
        live.apply(
            &west,
            at(3),
            instances(vec![db("copy", WEST, "modifying", None)]),
        );

        let view = rds(&live);
        let main = view.instance("main").expect("the primary's row stays");
        assert_eq!(main.status, "available");
        let stale = main.stale.as_ref().expect("marked stale");
        assert_eq!(stale.code, "Unreachable");
        assert_eq!(stale.region.as_deref(), Some(EAST));
        assert_eq!(stale.since, Some(at(0)), "dated from its last good answer");
        let copy = view.instance("copy").expect("the replica's row");
        assert_eq!(
            (copy.status.as_str(), copy.stale.is_none()),
            ("modifying", true)
        );
        assert_eq!(copy.replica_of, None);
        // The kind as a whole still answers; the failure is named.
        assert_eq!(live.rds.error, None);
        assert_eq!(live.rds.last_good, Some(at(3)));
        assert_eq!(view.unlisted().count(), 1);
        // Checks on the stale row are unknown; on the fresh one, judged.
        assert_eq!(
            judge(&live, status_is("main", "available")),
            Outcome::Unknown
        );
        assert_eq!(judge(&live, status_is("copy", "modifying")), Outcome::Met);
        assert_eq!(
            judge(&live, status_is("copy", "available")),
            Outcome::NotMet
        );

        // The region answers again: nothing stale is left.
        live.apply(
            &east,
            at(4),
            instances(vec![db("main", EAST, "stopped", None)]),
        );
        let main = rds_instance(&live, "main");
        assert_eq!(
            (main.status.as_str(), main.stale.is_none()),
            ("stopped", true)
        );
        assert!(rds(&live).unavailable.is_empty());
    }

    fn rds_instance<'a>(live: &'a LiveState, id: &str) -> &'a DbInstance {
        rds(live).instance(id).expect("instance")
    }

    #[test]
    fn the_kind_fails_only_when_every_state_feed_fails() {
        let [east, west, metrics] = keys();
        let mut live = answered();
        live.apply(&east, at(1), down(&east));
        live.apply(&metrics, at(1), down(&metrics));
        assert_eq!(live.rds.error, None, "the west still answers");
        live.apply(&west, at(2), down(&west));
        let (when, error) = live.rds.error.clone().expect("nothing answers");
        assert_eq!((when, error.code.as_str()), (at(1), "Unreachable"));
        assert_eq!(live.rds.failing_since, Some(at(2)));
        // Every row is still shown, each marked.
        assert!(rds(&live).instances.iter().all(|db| db.stale.is_some()));
    }

    #[test]
    fn an_error_that_says_when_it_began_is_dated_from_then() {
        let [east, ..] = keys();
        let mut live = LiveState::default();
        // A relaunched console's first sight of an outage that began at 1.
        let dated = down(&east).map_err(|e| SourceError {
            since: Some(at(1)),
            ..e
        });
        live.apply(&east, at(4), dated);
        let feed = &live.feeds[&east];
        assert_eq!(feed.failing_since, Some(at(1)));
        assert_eq!(feed.stale_error().and_then(|e| e.since), Some(at(1)));
        // Undated, as AWS's are: from the first failed fetch, and no last
        // good answer to date the stale rows from.
        let mut live = LiveState::default();
        live.apply(&east, at(4), down(&east));
        let feed = &live.feeds[&east];
        assert_eq!(feed.failing_since, Some(at(4)));
        assert_eq!(feed.stale_error().and_then(|e| e.since), None);
    }

    #[test]
    fn failing_metrics_leave_the_status_standing_and_the_lag_unknown() {
        let [_, west, metrics] = keys();
        let mut live = answered();
        assert_eq!(rds_instance(&live, "copy").lag_secs, Some(3.0));
        live.apply(&metrics, at(2), down(&metrics));
        live.apply(
            &west,
            at(2),
            instances(vec![db("copy", WEST, "rebooting", Some("main"))]),
        );
        let copy = rds_instance(&live, "copy");
        assert_eq!(
            (copy.status.as_str(), copy.stale.is_none()),
            ("rebooting", true)
        );
        assert_eq!(copy.lag_secs, None, "never the old figure");
        let why = rds(&live).metrics_unavailable(WEST).expect("named");
        assert_eq!((why.code.as_str(), why.since), ("Unreachable", Some(at(0))));
        let lag_below = Verify::ReplicaLagBelow(ReplicaLagBelow {
            instance: "copy".into(),
            max: crate::runbook::duration::HumanDuration::from_mins(1),
        });
        assert_eq!(judge(&live, lag_below.clone()), Outcome::Unknown);
        live.apply(&metrics, at(3), lag("copy", 90.0));
        assert_eq!(judge(&live, lag_below), Outcome::NotMet);
    }

    #[test]
    fn details_that_come_before_the_state_apply_when_it_comes() {
        let [_, west, metrics] = keys();
        let mut live = LiveState::default();
        live.apply(&metrics, at(0), lag("copy", 7.0));
        assert_eq!(live.rds.data, None, "no state yet: nothing to show");
        live.apply(
            &west,
            at(0),
            instances(vec![db("copy", WEST, "available", Some("main"))]),
        );
        assert_eq!(rds_instance(&live, "copy").lag_secs, Some(7.0));
    }

    #[test]
    fn an_unknown_restore_window_is_unknown_not_missing() {
        let west = FeedKey::of(SourceKind::Rds, FeedPart::State, WEST, 0);
        let windows = FeedKey::of(SourceKind::Rds, FeedPart::Windows, WEST, 1);
        let mut live = LiveState::default();
        live.apply(
            &west,
            at(0),
            instances(vec![db("copy", WEST, "available", None)]),
        );
        live.apply(&windows, at(0), down(&windows));
        let covers = Verify::PitrCovers(PitrCovers {
            instance: "copy".into(),
            before_incident: crate::runbook::duration::HumanDuration::from_mins(5),
        });
        assert_eq!(judge(&live, covers.clone()), Outcome::Unknown);
        let window = RestoreWindow {
            earliest: Some(at(-60)),
            latest: Some(at(5)),
        };
        let details = RdsDetails {
            windows: [("copy".to_string(), window)].into(),
            ..RdsDetails::default()
        };
        live.apply(&windows, at(1), Ok(Payload::RdsDetails(details)));
        assert_eq!(judge(&live, covers), Outcome::Met);
    }

    #[test]
    fn an_unchanged_answer_moves_only_the_time() {
        let [east, ..] = keys();
        let mut live = answered();
        let before = live.rds.data.clone();
        live.touch(&east, at(1));
        assert_eq!(live.rds.data, before);
        assert_eq!(live.rds.last_good, Some(at(1)));
        // A feed never heard of is not invented by a touch.
        let other = FeedKey::of(SourceKind::Alarms, FeedPart::State, EAST, 9);
        live.touch(&other, at(1));
        assert_eq!(live.feeds().count(), 3);
        assert_eq!(live.alarms.data, None);
    }
}
