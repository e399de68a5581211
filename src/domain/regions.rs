//! Each watched region's API health, from the errors of the latest fetches:
//! during a regional outage that a region cannot be reached is itself what
//! the operator needs to see, in the header, beside what still answers.

use jiff::Timestamp;
use serde::Serialize;

use super::snapshot::{LiveState, SourceError};
use super::verify::short_age;
use crate::runbook::duration::secs_between;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionState {
    Ok,
    /// Some of its APIs answer with errors (throttled, 5xx, access denied).
    Degraded,
    /// A call there could not connect or did not answer in time.
    Unreachable,
}

impl RegionState {
    pub fn word(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::Degraded => "degraded",
            Self::Unreachable => "unreachable",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionHealth {
    pub region: String,
    pub state: RegionState,
    /// Since when its worst failure has lasted, when known.
    pub since: Option<Timestamp>,
    /// The API call and error code that say so, e.g. "DescribeDBInstances: Unreachable".
    pub why: Option<String>,
}

impl RegionHealth {
    /// "us-east-1 unreachable for 3m (DescribeDBInstances: Unreachable)",
    /// or "us-west-2 ok".
    pub fn describe(&self, now: Timestamp) -> String {
        let mut text = format!("{} {}", self.region, self.state.word());
        // One failed fetch says nothing of how long it has lasted.
        if let Some(secs) = self.since.map(|since| secs_between(since, now))
            && secs > 0
        {
            text.push_str(&format!(" for {}", short_age(secs)));
        }
        if let Some(why) = &self.why {
            text.push_str(&format!(" ({why})"));
        }
        text
    }
}

/// The health of each region in `regions`, in that order, from the feeds:
/// a feed that fails counts against the region its error names, since its
/// failures began; it is only degraded when another feed of that region
/// has answered since then. Parts that failed inside an answer (a vault) count as degraded.
/// Errors that name no region (the simulated source) are not pinned on any.
pub fn region_health(regions: &[&str], live: &LiveState) -> Vec<RegionHealth> {
    // Something else there answered since this failure began: the region
    // is reachable, if not wholly. (An answer from before says nothing, and
    // a detail feed may answer without a call: nothing to ask about.)
    let answered_since = |region: &str, since: Timestamp| {
        live.feeds().any(|(key, feed)| {
            key.region.as_deref() == Some(region)
                && !key.part.is_detail()
                && feed.error.is_none()
                && feed.last_good.is_some_and(|at| at >= since)
        })
    };
    // (error, since, whether something else in its region answered)
    let mut failures: Vec<(&SourceError, Option<Timestamp>, bool)> = Vec::new();
    for (_, feed) in live.feeds() {
        match (&feed.error, &feed.data) {
            (Some((at, e)), _) => {
                let since = feed.failing_since.unwrap_or(*at);
                let answered = e
                    .region
                    .as_deref()
                    .is_some_and(|r| answered_since(r, since));
                failures.push((e, Some(since), answered));
            }
            (None, Some(payload)) => {
                failures.extend(payload.unavailable().iter().map(|e| (e, e.since, true)));
            }
            (None, None) => {}
        }
    }
    regions
        .iter()
        .map(|region| {
            let worst = failures
                .iter()
                .filter(|(e, ..)| e.region.as_deref() == Some(*region))
                .map(|(e, since, partial)| {
                    // Something there answered: reachable, if not wholly.
                    let state = match partial {
                        true => state_of(e).min(RegionState::Degraded),
                        false => state_of(e),
                    };
                    (state, *since, *e)
                })
                // Worst first; of equals, the longest-lasting (known
                // beats unknown), then the first in the feeds' order.
                .reduce(|best, next| {
                    let order = next.0.cmp(&best.0).then_with(|| lasting(next.1, best.1));
                    if order.is_gt() { next } else { best }
                });
            match worst {
                Some((state, since, e)) => RegionHealth {
                    region: region.to_string(),
                    state,
                    since,
                    why: Some(format!(
                        "{}: {}",
                        e.api.as_deref().unwrap_or("call"),
                        e.code
                    )),
                },
                None => RegionHealth {
                    region: region.to_string(),
                    state: RegionState::Ok,
                    since: None,
                    why: None,
                },
            }
        })
        .collect()
}

/// Orders failures' starts so the longest-lasting is the greatest; an
/// unknown start is the least.
fn lasting(a: Option<Timestamp>, b: Option<Timestamp>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

fn state_of(error: &SourceError) -> RegionState {
    match error.code.as_str() {
        "Unreachable" | "Timeout" => RegionState::Unreachable,
        _ => RegionState::Degraded,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::feeds::{FeedKey, FeedPart, Payload};
    use crate::domain::snapshot::{RdsSnapshot, SourceError, SourceKind};

    fn at(minute: i64) -> Timestamp {
        Timestamp::from_second(1_773_450_000 + minute * 60).unwrap_or(Timestamp::UNIX_EPOCH)
    }

    fn error(code: &str, region: &str, api: &str) -> SourceError {
        SourceError::new(code, "m").from_call(region, api)
    }

    #[test]
    fn the_worst_failure_of_each_region_since_it_began() {
        let mut live = LiveState::default();
        // The primary's RDS fails at minute 1 and again at 3: since 1.
        live.apply(
            &FeedKey::whole(SourceKind::Rds),
            at(0),
            Ok(Payload::Rds(RdsSnapshot::default())),
        );
        live.apply(
            &FeedKey::whole(SourceKind::Rds),
            at(1),
            Err(error("Unreachable", "us-east-1", "DescribeDBInstances")),
        );
        live.apply(
            &FeedKey::whole(SourceKind::Rds),
            at(3),
            Err(error("Unreachable", "us-east-1", "DescribeDBInstances")),
        );
        // Its alarms are throttled, which is less than unreachable.
        live.apply(
            &FeedKey::whole(SourceKind::Alarms),
            at(2),
            Err(error("Throttled", "us-east-1", "DescribeAlarms")),
        );
        // The DR region only throttles.
        live.apply(
            &FeedKey::whole(SourceKind::Ecs),
            at(2),
            Err(error("Throttled", "us-west-2", "DescribeServices")),
        );
        let health = region_health(&["us-east-1", "us-west-2", "eu-west-1"], &live);
        assert_eq!(
            health,
            [
                RegionHealth {
                    region: "us-east-1".into(),
                    state: RegionState::Unreachable,
                    since: Some(at(1)),
                    why: Some("DescribeDBInstances: Unreachable".into()),
                },
                RegionHealth {
                    region: "us-west-2".into(),
                    state: RegionState::Degraded,
                    since: Some(at(2)),
                    why: Some("DescribeServices: Throttled".into()),
                },
                RegionHealth {
                    region: "eu-west-1".into(),
                    state: RegionState::Ok,
                    since: None,
                    why: None,
                },
            ]
        );
        // A good answer ends the failure and its clock.
        live.apply(
            &FeedKey::whole(SourceKind::Rds),
            at(4),
            Ok(Payload::Rds(RdsSnapshot::default())),
        );
        live.apply(
            &FeedKey::whole(SourceKind::Alarms),
            at(4),
            Ok(Payload::Alarms(Default::default())),
        );
        assert_eq!(
            region_health(&["us-east-1"], &live)[0].state,
            RegionState::Ok
        );
        assert_eq!(live.rds.failing_since, None);
    }

    #[test]
    fn a_failed_part_is_degraded_where_the_region_answered_else_unreachable() {
        let instance: crate::domain::snapshot::DbInstance = serde_json::from_value(
            serde_json::json!({"id": "db-dr", "region": "us-west-2", "status": "available",
                               "multi_az": false, "lag_history": []}),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let key = |part, region| FeedKey::of(SourceKind::Rds, part, region, 0);
        let mut live = LiveState::default();
        // The primary region could not be listed at all.
        let east = key(FeedPart::State, "us-east-1");
        live.apply(&east, at(0), Err(east.error("Unreachable", "m".into())));
        // The DR region answered, only its metrics did not.
        let rds = RdsSnapshot {
            instances: vec![instance],
            ..RdsSnapshot::default()
        };
        live.apply(
            &key(FeedPart::State, "us-west-2"),
            at(0),
            Ok(Payload::Rds(rds)),
        );
        let metrics = key(FeedPart::Metrics, "us-west-2");
        live.apply(
            &metrics,
            at(0),
            Err(metrics.error("Unreachable", "m".into())),
        );
        let health = region_health(&["us-east-1", "us-west-2"], &live);
        assert_eq!(health[0].state, RegionState::Unreachable);
        assert_eq!(
            health[0].why.as_deref(),
            Some("DescribeDBInstances: Unreachable")
        );
        assert_eq!(health[1].state, RegionState::Degraded);
        assert_eq!(health[1].why.as_deref(), Some("GetMetricData: Unreachable"));
    }

    #[test]
    fn errors_naming_no_region_are_not_pinned_on_one() {
        let mut live = LiveState::default();
        live.apply(
            &FeedKey::whole(SourceKind::Ecs),
            at(0),
            Err(SourceError::new("Timeout", "the fetch took too long")),
        );
        let health = region_health(&["us-east-1"], &live);
        assert_eq!(health[0].state, RegionState::Ok);
    }

    #[test]
    fn a_region_seen_only_in_stale_rows_is_unreachable_since_its_failures_began() {
        use crate::domain::feeds::{FeedKey, FeedPart, Payload};
        let instance = |id: &str, region: &str| -> crate::domain::snapshot::DbInstance {
            serde_json::from_value(serde_json::json!({"id": id, "region": region,
                "status": "available", "multi_az": false, "lag_history": []}))
            .unwrap_or_else(|e| panic!("{e}"))
        };
        let feed = |region: &str, rank| FeedKey::of(SourceKind::Rds, FeedPart::State, region, rank);
        let rows = |db| {
            Ok(Payload::Rds(RdsSnapshot {
                instances: vec![db],
                ..RdsSnapshot::default()
            }))
        };
        let mut live = LiveState::default();
        live.apply(
            &feed("us-east-1", 0),
            at(0),
            rows(instance("db", "us-east-1")),
        );
        live.apply(
            &feed("us-west-2", 1),
            at(0),
            rows(instance("db-dr", "us-west-2")),
        );
        // The primary region stops answering; its row stays, stale.
        let down = error("Unreachable", "us-east-1", "DescribeDBInstances");
        live.apply(&feed("us-east-1", 0), at(2), Err(down.clone()));
        live.apply(&feed("us-east-1", 0), at(3), Err(down));
        live.apply(
            &feed("us-west-2", 1),
            at(3),
            rows(instance("db-dr", "us-west-2")),
        );
        let health = region_health(&["us-east-1", "us-west-2"], &live);
        assert_eq!(
            health[0],
            RegionHealth {
                region: "us-east-1".into(),
                state: RegionState::Unreachable,
                since: Some(at(2)),
                why: Some("DescribeDBInstances: Unreachable".into()),
            }
        );
        assert_eq!(health[1].state, RegionState::Ok);
    }

    #[test]
    fn a_detail_feed_with_nothing_to_ask_does_not_make_a_region_reachable() {
        use crate::domain::feeds::{FeedKey, FeedPart, Payload, StoppedTasks};
        let mut live = LiveState::default();
        let state = FeedKey::of(SourceKind::Ecs, FeedPart::State, "us-east-1", 0);
        let stopped = FeedKey::of(SourceKind::Ecs, FeedPart::StoppedTasks, "us-east-1", 1);
        live.apply(&state, at(1), Err(state.error("Unreachable", "m".into())));
        // No service struggles: the stopped-task feed answers without a call.
        live.apply(
            &stopped,
            at(1),
            Ok(Payload::StoppedTasks(StoppedTasks::new())),
        );
        let health = region_health(&["us-east-1"], &live);
        assert_eq!(health[0].state, RegionState::Unreachable);
    }
}
