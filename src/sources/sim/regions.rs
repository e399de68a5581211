//! The simulated world served as the AWS source serves an account: one
//! feed per kind and region, each calling its region's APIs, so a drill can
//! make one region's APIs (or one of them) unreachable, slow or throttled
//! while the other regions answer, and panes and header show it exactly as
//! they show a live outage (stale rows, the region's health).

use std::time::Duration;

use jiff::Timestamp;

use super::world::SimWorld;
use crate::domain::snapshot::{
    AlarmSnapshot, BackupSnapshot, EcsSnapshot, RecoveryPointKind, SourceError, SourceKind,
};
use crate::drill::model::{Api, ApiHealth};
use crate::sources::aws::errors::{Call, throttled};
use crate::sources::{FeedKey, FeedPart, Payload};

/// How long a `slow` API without a latency takes: past any fetch timeout.
pub const HANG: Duration = Duration::from_secs(3600);

/// A region's APIs (or one of them) answer so from `at` on.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionFault {
    pub region: String,
    pub api_of: Option<Api>,
    pub health: ApiHealth,
    /// Seconds a slow answer takes; `None`: `HANG`.
    pub latency: Option<u64>,
}

/// One feed per kind in each region of the environment, primary first.
pub(super) fn feeds(world: &SimWorld) -> Vec<FeedKey> {
    let mut keys = Vec::new();
    for region in world.env.all_regions() {
        for kind in SourceKind::ALL {
            keys.push(FeedKey::of(kind, FeedPart::State, region, keys.len()));
        }
    }
    keys
}

/// How `api` of `region` answers at a time, as the drill's faults have it.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Health {
    health: ApiHealth,
    /// Seconds a slow answer takes; `None`: `HANG`.
    latency: Option<u64>,
    /// When its current run of faults began (`None` while it is `Ok`):
    /// errors carry it, so a resumed console dates an outage from the
    /// world's fault, not from its own first failed fetch.
    since: Option<Timestamp>,
}

/// How `api` of `region` answers at `now`: the latest fault for the
/// region as a whole or for that API, if any.
fn health_at(world: &SimWorld, region: &str, api: Api, now: Timestamp) -> Health {
    let ok = Health {
        health: ApiHealth::Ok,
        latency: None,
        since: None,
    };
    world
        .region_faults
        .iter()
        .take_while(|t| t.at <= now)
        .filter(|t| t.what.region == region && t.what.api_of.is_none_or(|a| a == api))
        .fold(ok, |before, t| Health {
            health: t.what.health,
            latency: t.what.latency,
            since: match t.what.health {
                ApiHealth::Ok => None,
                _ => before.since.or(Some(t.at)),
            },
        })
}

/// One call of `operation` on `api` in `region`: how long it takes, or
/// the error it ends with (as the AWS source names it).
fn call(
    world: &SimWorld,
    region: &str,
    api: Api,
    operation: &str,
    now: Timestamp,
) -> Result<Duration, SourceError> {
    let call = Call { operation, region };
    let health = health_at(world, region, api, now);
    let error = match health.health {
        ApiHealth::Ok => return Ok(Duration::ZERO),
        ApiHealth::Slow => return Ok(health.latency.map_or(HANG, Duration::from_secs)),
        ApiHealth::Unreachable => SourceError::new(
            "Unreachable",
            format!("{call}: cannot reach the endpoint: connection refused"),
        ),
        ApiHealth::Throttled => throttled(call, "ThrottlingException", "Rate exceeded"),
    };
    Err(SourceError {
        since: health.since,
        ..error.from_call(region, operation)
    })
}

/// A call that must answer within `timeout` to count.
fn call_within(
    world: &SimWorld,
    region: &str,
    api: Api,
    operation: &str,
    now: Timestamp,
    timeout: Duration,
) -> Result<Duration, SourceError> {
    let delay = call(world, region, api, operation, now)?;
    if delay >= timeout {
        let call = Call { operation, region };
        let error = SourceError::new(
            "Timeout",
            format!("{call}: no answer within {}s", timeout.as_secs()),
        );
        return Err(SourceError {
            since: health_at(world, region, api, now).since,
            ..error.from_call(region, operation)
        });
    }
    Ok(delay)
}

/// Whether a row of `row_region` comes in the feed of `region`: its own
/// region's, or the primary's for a region no feed polls (a restore into
/// an undeclared region stays visible).
fn serves(world: &SimWorld, region: &str, row_region: &str) -> bool {
    let regions = world.env.all_regions();
    row_region == region || (region == world.env.regions.primary && !regions.contains(&row_region))
}

/// How long one fetch of the feed takes at `now`: its main call's latency
/// (a secondary call slower than `timeout` fails alone instead).
pub(super) fn delay_at(world: &SimWorld, key: &FeedKey, now: Timestamp) -> Duration {
    let Some(region) = key.region.as_deref() else {
        return Duration::ZERO;
    };
    let (api, operation) = main_call(key);
    call(world, region, api, operation, now).unwrap_or(Duration::ZERO)
}

/// The API and operation a feed of this kind calls first, without which
/// it has nothing to show.
fn main_call(key: &FeedKey) -> (Api, &'static str) {
    match key.kind {
        SourceKind::Rds => (Api::Rds, "DescribeDBInstances"),
        SourceKind::Backups => (Api::Backup, "ListRecoveryPointsByBackupVault"),
        SourceKind::Ecs => (Api::Ecs, "DescribeServices"),
        SourceKind::Alarms => (Api::Cloudwatch, "DescribeAlarms"),
    }
}

/// The feed's answer at `now`, its calls bounded by `timeout`.
pub(super) fn answer_at(
    world: &SimWorld,
    key: &FeedKey,
    now: Timestamp,
    timeout: Duration,
) -> Result<Payload, SourceError> {
    let Some(region) = key.region.as_deref() else {
        return Ok(whole(world, key.kind, now));
    };
    let within = |api, operation| call_within(world, region, api, operation, now, timeout);
    let (api, operation) = main_call(key);
    Ok(match key.kind {
        SourceKind::Rds => {
            within(api, operation)?;
            let mut rds = world.rds_at(now);
            rds.instances.retain(|db| serves(world, region, &db.region));
            rds.clusters.retain(|c| serves(world, region, &c.region));
            // Lag and load come from CloudWatch: unknown while it fails.
            if let Err(e) = within(Api::Cloudwatch, FeedKey::METRICS_API) {
                for db in &mut rds.instances {
                    db.lag_secs = None;
                    db.lag_history.clear();
                    db.metrics = None;
                }
                rds.unavailable.push(e);
            }
            Payload::Rds(rds)
        }
        SourceKind::Backups => {
            let mut recovery_points = world.backups_at(now).recovery_points;
            recovery_points.retain(|p| serves(world, region, &p.region));
            // Vaults answer through AWS Backup, snapshots through RDS, each
            // on its own: the feed fails only when nothing it asked answers.
            let vaults = within(api, operation).err();
            let snapshots = within(Api::Rds, "DescribeDBSnapshots").err();
            recovery_points.retain(|p| match p.kind {
                RecoveryPointKind::Backup => vaults.is_none(),
                _ => snapshots.is_none(),
            });
            let env = &world.env;
            let asked = [
                (!env.backup_vaults.is_empty(), vaults),
                (!env.rds.is_empty(), snapshots),
            ];
            let answered = asked.iter().any(|(asked, e)| *asked && e.is_none());
            let mut unavailable: Vec<SourceError> = asked
                .into_iter()
                .filter_map(|(asked, e)| e.filter(|_| asked))
                .collect();
            if !answered && !unavailable.is_empty() {
                return Err(unavailable.swap_remove(0));
            }
            Payload::Backups(BackupSnapshot {
                recovery_points,
                unavailable,
            })
        }
        SourceKind::Ecs => {
            within(api, operation)?;
            let mut ecs = world.ecs_at(now);
            ecs.services.retain(|s| serves(world, region, &s.region));
            Payload::Ecs(EcsSnapshot {
                services: ecs.services,
                ..EcsSnapshot::default()
            })
        }
        SourceKind::Alarms => {
            within(api, operation)?;
            let mut alarms = world.alarms_at(now);
            alarms.alarms.retain(|a| serves(world, region, &a.region));
            Payload::Alarms(AlarmSnapshot {
                alarms: alarms.alarms,
                ..AlarmSnapshot::default()
            })
        }
    })
}

/// Every region of one kind at once (`FeedKey::whole`), faults aside.
fn whole(world: &SimWorld, kind: SourceKind, now: Timestamp) -> Payload {
    match kind {
        SourceKind::Rds => Payload::Rds(world.rds_at(now)),
        SourceKind::Backups => Payload::Backups(world.backups_at(now)),
        SourceKind::Ecs => Payload::Ecs(world.ecs_at(now)),
        SourceKind::Alarms => Payload::Alarms(world.alarms_at(now)),
    }
}
