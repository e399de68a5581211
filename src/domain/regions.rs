//! Each watched region's API health, from the errors of the latest fetches:
//! during a regional outage that a region cannot be reached is itself what
//! the operator needs to see, in the header, beside what still answers.

use jiff::Timestamp;

use super::snapshot::{Feed, LiveState, SourceError, SourceKind};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RegionState {
    Ok,
    /// Some of its APIs answer with errors (throttled, 5xx, access denied).
    Degraded,
    /// A call there could not connect or did not answer in time.
    Unreachable,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionHealth {
    pub region: String,
    pub state: RegionState,
    /// Since when its worst failure has lasted, when known.
    pub since: Option<Timestamp>,
    /// The API call and error code that say so, e.g. "DescribeDBInstances: Unreachable".
    pub why: Option<String>,
}

/// The health of each region in `regions`, in that order. Errors that name
/// no region (the simulated source, a fetch that timed out as a whole) are
/// not pinned on any region.
pub fn region_health(regions: &[&str], live: &LiveState) -> Vec<RegionHealth> {
    // (error, since, whether the region answered something else of its kind)
    let mut failures: Vec<(&SourceError, Option<Timestamp>, bool)> = Vec::new();
    failures.extend(failing(&live.rds));
    failures.extend(failing(&live.backups));
    failures.extend(failing(&live.ecs));
    failures.extend(failing(&live.alarms));
    // Each failing feed of a region, since its failures began.
    for (key, feed) in live.feeds() {
        if let Some((at, e)) = &feed.error {
            let answered = e
                .region
                .as_deref()
                .is_some_and(|r| answers(live, key.kind, r));
            failures.push((e, feed.failing_since.or(Some(*at)), answered));
        }
    }
    // Parts that failed while the rest of their kind answered (the failing
    // feeds again, and parts failing inside good answers, e.g. a vault).
    let unavailable = [
        live.rds
            .data
            .as_ref()
            .map(|d| (SourceKind::Rds, &d.unavailable)),
        live.backups
            .data
            .as_ref()
            .map(|d| (SourceKind::Backups, &d.unavailable)),
        live.ecs
            .data
            .as_ref()
            .map(|d| (SourceKind::Ecs, &d.unavailable)),
        live.alarms
            .data
            .as_ref()
            .map(|d| (SourceKind::Alarms, &d.unavailable)),
    ];
    for (kind, errors) in unavailable.into_iter().flatten() {
        failures.extend(errors.iter().map(|e| {
            let answered = e.region.as_deref().is_some_and(|r| answers(live, kind, r));
            (e, None, answered)
        }));
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
                // beats unknown).
                .max_by(|a, b| a.0.cmp(&b.0).then_with(|| lasting(a.1, b.1)));
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

/// Whether the region answered now for this kind: a fresh row there (rows
/// kept stale from an earlier answer say nothing of now).
fn answers(live: &LiveState, kind: SourceKind, region: &str) -> bool {
    let here = |r: &str, stale: &Option<SourceError>| r == region && stale.is_none();
    match kind {
        SourceKind::Rds => live.rds.data.as_ref().is_some_and(|d| {
            d.instances.iter().any(|i| here(&i.region, &i.stale))
                || d.clusters.iter().any(|c| here(&c.region, &c.stale))
        }),
        SourceKind::Ecs => (live.ecs.data.as_ref())
            .is_some_and(|d| d.services.iter().any(|s| here(&s.region, &s.stale))),
        SourceKind::Alarms => (live.alarms.data.as_ref())
            .is_some_and(|d| d.alarms.iter().any(|a| here(&a.region, &a.stale))),
        SourceKind::Backups => (live.backups.data.as_ref())
            .is_some_and(|d| d.recovery_points.iter().any(|p| p.region == region)),
    }
}

/// Orders failures' starts so the longest-lasting is the greatest; an
/// unknown start is the least.
fn lasting(a: Option<Timestamp>, b: Option<Timestamp>) -> std::cmp::Ordering {
    match (a, b) {
        (Some(a), Some(b)) => b.cmp(&a),
        (a, b) => a.is_some().cmp(&b.is_some()),
    }
}

fn failing<T>(feed: &Feed<T>) -> Option<(&SourceError, Option<Timestamp>, bool)> {
    feed.error
        .as_ref()
        .map(|(at, e)| (e, feed.failing_since.or(Some(*at)), false))
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
    use crate::domain::snapshot::{RdsSnapshot, SourceError};

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
        live.rds.apply(at(0), Ok(RdsSnapshot::default()));
        live.rds.apply(
            at(1),
            Err(error("Unreachable", "us-east-1", "DescribeDBInstances")),
        );
        live.rds.apply(
            at(3),
            Err(error("Unreachable", "us-east-1", "DescribeDBInstances")),
        );
        // Its alarms are throttled, which is less than unreachable.
        live.alarms.apply(
            at(2),
            Err(error("Throttled", "us-east-1", "DescribeAlarms")),
        );
        // The DR region only throttles.
        live.ecs.apply(
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
        live.rds.apply(at(4), Ok(RdsSnapshot::default()));
        live.alarms.apply(at(4), Ok(Default::default()));
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
        let mut live = LiveState::default();
        let rds = RdsSnapshot {
            instances: vec![instance],
            unavailable: vec![
                // The primary region could not be listed at all.
                error("Unreachable", "us-east-1", "DescribeDBInstances"),
                // The DR region answered, only its metrics did not.
                error("Unreachable", "us-west-2", "GetMetricData"),
            ],
            ..RdsSnapshot::default()
        };
        live.rds.apply(at(0), Ok(rds));
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
    fn errors_naming_no_region_are_not_pinned_on_one() {
        let mut live = LiveState::default();
        live.ecs.apply(
            at(0),
            Err(SourceError::new("Timeout", "the fetch took too long")),
        );
        let health = region_health(&["us-east-1"], &live);
        assert_eq!(health[0].state, RegionState::Ok);
    }
}
