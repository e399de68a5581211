//! Simulated RDS: the declared instances plus those the operator created,
//! with statuses that follow restores, promotions and reboots, a moving
//! point-in-time window, and replica lag that wanders and spikes.

use jiff::Timestamp;

use super::noise::ts;
use super::world::{
    HISTORY_DAYS, LAG_HISTORY_LEN, LAG_SAMPLE_SECS, Reaction, SimWorld, override_at,
};
use crate::domain::snapshot::{DbInstance, RdsSnapshot};
use crate::runbook::duration::DAY;
use crate::runbook::model::RdsRole;

/// One instance's life as folded from the declared spec and the reactions.
#[derive(Debug, Clone)]
struct Instance {
    id: String,
    region: String,
    engine: Option<String>,
    multi_az: bool,
    /// Index into a/b/c of its first AZ.
    az_index: i64,
    replica_of: Option<String>,
    /// Epoch seconds from which it exists as `available` (or backing up).
    ready: i64,
    /// Restores take their first backup before they are `available`.
    backing_up_until: i64,
    /// (start, end) of a promotion to standalone.
    promote: Option<(i64, i64)>,
    /// (start, end, forced failover) of each reboot.
    reboots: Vec<(i64, i64, bool)>,
    /// Start of its own point-in-time-restore history.
    pitr_from: i64,
}

pub(super) fn snapshot(world: &SimWorld, now: Timestamp) -> RdsSnapshot {
    RdsSnapshot {
        instances: fold(world, now)
            .iter()
            .map(|i| render(world, i, now.as_second()))
            .collect(),
        clusters: super::clusters::snapshot(world, now),
        unavailable: Vec::new(),
    }
}

/// The backup RDS takes of a restored instance as soon as it comes up (its
/// `backing-up` status): the new instance's first recovery point.
#[derive(Debug, Clone)]
pub(super) struct FirstBackup {
    pub instance: String,
    pub region: String,
    pub started: i64,
    pub completed: i64,
}

/// First backups of the instances restored by `now` that have begun.
pub(super) fn first_backups(world: &SimWorld, now: Timestamp) -> Vec<FirstBackup> {
    fold(world, now)
        .into_iter()
        // Only restores spend time backing up after they are created.
        .filter(|db| db.backing_up_until > db.ready && db.ready <= now.as_second())
        .map(|db| FirstBackup {
            instance: db.id,
            region: db.region,
            started: db.ready,
            completed: db.backing_up_until,
        })
        .collect()
}

fn fold(world: &SimWorld, now: Timestamp) -> Vec<Instance> {
    let env = &world.env;
    let noise = &world.noise;
    let start = world.start.as_second();
    let first_primary = env
        .rds
        .iter()
        .find(|r| r.role == RdsRole::Primary)
        .map(|r| r.id.clone());
    let mut instances: Vec<Instance> = env
        .rds
        .iter()
        .map(|spec| {
            let replica_of = match spec.role {
                RdsRole::Primary => None,
                RdsRole::Replica => spec
                    .source
                    .as_deref()
                    .map(|s| crate::arn::id_of(s).to_string())
                    .or_else(|| first_primary.clone()),
            };
            Instance {
                id: spec.id.clone(),
                region: env.region_of(spec.region.as_deref()).to_string(),
                engine: Some(spec.engine.clone().unwrap_or_else(|| "postgres".into())),
                multi_az: replica_of.is_none(),
                az_index: noise.range(&format!("az:{}", spec.id), 0, 0, 3),
                replica_of,
                ready: start - 30 * DAY,
                backing_up_until: start - 30 * DAY,
                promote: None,
                reboots: Vec::new(),
                pitr_from: start - HISTORY_DAYS * DAY,
            }
        })
        .collect();

    for timed in world.reactions.iter().take_while(|t| t.at <= now) {
        let at = timed.at.as_second();
        match &timed.what {
            Reaction::Restore {
                instance,
                source,
                region,
            } => {
                if instances.iter().any(|i| &i.id == instance) {
                    continue; // AWS refuses: DBInstanceAlreadyExists.
                }
                let src = source
                    .as_deref()
                    .and_then(|s| instances.iter().find(|i| i.id == s));
                let ready = at + noise.range(&format!("restore:{instance}"), 0, 8 * 60, 15 * 60);
                let backing_up_until =
                    ready + noise.range(&format!("restore-backup:{instance}"), 0, 120, 240);
                instances.push(Instance {
                    id: instance.clone(),
                    region: region
                        .clone()
                        .or_else(|| src.map(|s| s.region.clone()))
                        .unwrap_or_else(|| env.regions.primary.clone()),
                    // A snapshot restore names no source instance: its
                    // data is this environment's database all the same.
                    engine: src
                        .or_else(|| instances.iter().find(|i| i.replica_of.is_none()))
                        .and_then(|s| s.engine.clone()),
                    multi_az: false,
                    az_index: noise.range(&format!("az:{instance}"), 0, 0, 3),
                    replica_of: None,
                    ready,
                    backing_up_until,
                    promote: None,
                    reboots: Vec::new(),
                    pitr_from: backing_up_until,
                });
            }
            Reaction::CreateReplica {
                instance,
                source,
                region,
            } => {
                if instances.iter().any(|i| &i.id == instance) {
                    continue;
                }
                let engine = instances
                    .iter()
                    .find(|i| &i.id == source)
                    .and_then(|s| s.engine.clone());
                let ready = at + noise.range(&format!("replica:{instance}"), 0, 8 * 60, 15 * 60);
                instances.push(Instance {
                    id: instance.clone(),
                    region: region
                        .clone()
                        .unwrap_or_else(|| env.regions.primary.clone()),
                    engine,
                    multi_az: false,
                    az_index: noise.range(&format!("az:{instance}"), 0, 0, 3),
                    replica_of: Some(source.clone()),
                    ready,
                    backing_up_until: ready,
                    promote: None,
                    reboots: Vec::new(),
                    pitr_from: ready,
                });
            }
            Reaction::Promote { instance } => {
                let Some(db) = instances.iter_mut().find(|i| &i.id == instance) else {
                    continue;
                };
                if db.replica_of.is_none() || db.promote.is_some() {
                    continue; // AWS refuses: not a read replica.
                }
                let begin = at.max(db.ready);
                let end = begin + noise.range(&format!("promote:{instance}"), 0, 3 * 60, 7 * 60);
                db.promote = Some((begin, end));
                db.pitr_from = end;
            }
            Reaction::Reboot { instance, failover } => {
                let Some(db) = instances.iter_mut().find(|i| &i.id == instance) else {
                    continue;
                };
                let begin = at.max(db.ready);
                let n = db.reboots.len() as i64;
                let end = begin + noise.range(&format!("reboot:{instance}"), n, 60, 180);
                db.reboots.push((begin, end, *failover && db.multi_az));
            }
            Reaction::Snapshot { .. }
            | Reaction::BackupJob { .. }
            | Reaction::EcsUpdate { .. }
            | Reaction::RestoreCluster { .. } => {}
        }
    }
    instances
}

fn render(world: &SimWorld, db: &Instance, now: i64) -> DbInstance {
    let promoted = db.promote.is_some_and(|(_, end)| now >= end);
    let promoting = db
        .promote
        .is_some_and(|(begin, end)| (begin..end).contains(&now));
    let rebooting = db
        .reboots
        .iter()
        .any(|&(begin, end, _)| (begin..end).contains(&now));
    let status = if now < db.ready {
        "creating"
    } else if promoting {
        "modifying"
    } else if rebooting {
        "rebooting"
    } else if now < db.backing_up_until {
        "backing-up"
    } else {
        "available"
    };
    // A drill holds the instance in the status it staged; from then on it
    // writes nothing, so its restorable window stops growing.
    let held = held_since(world, &db.id, now);
    let status =
        override_at(&world.status_overrides, &db.id, ts(now)).map_or(status, String::as_str);
    let replica_of = if promoted {
        None
    } else {
        db.replica_of.clone()
    };
    let replicating = replica_of.is_some() && now >= db.ready;
    let failovers = db
        .reboots
        .iter()
        .filter(|&&(_, end, failover)| failover && now >= end)
        .count() as i64;
    let az_letter = ["a", "b", "c"][(db.az_index + failovers).rem_euclid(3) as usize];
    let host = world.noise.alnum(&format!("endpoint:{}", db.region), 12);

    let (earliest, latest) = if replica_of.is_none() {
        pitr_window(db.pitr_from, held.map_or(now, |since| since.min(now)))
    } else {
        (None, None)
    };

    let (lag_secs, lag_history) = if replicating {
        let newest = floor_to(now, LAG_SAMPLE_SECS);
        let history = (0..LAG_HISTORY_LEN as i64)
            .rev()
            .map(|k| newest - k * LAG_SAMPLE_SECS)
            .filter(|&t| t >= db.ready)
            .map(|t| lag_at(world, &db.id, t).round() as u64)
            .collect();
        (Some(lag_at(world, &db.id, now).round()), history)
    } else {
        (None, Vec::new())
    };

    DbInstance {
        stale: None,
        id: db.id.clone(),
        region: db.region.clone(),
        replica_of,
        status: status.to_string(),
        engine: db.engine.clone(),
        multi_az: db.multi_az,
        az: Some(format!("{}{az_letter}", db.region)),
        endpoint: (now >= db.ready)
            .then(|| format!("{}.{host}.{}.rds.amazonaws.com", db.id, db.region)),
        earliest_restorable: earliest,
        latest_restorable: latest,
        replication_state: replicating.then(|| "replicating".to_string()),
        lag_secs,
        lag_history,
        metrics: None,
    }
}

/// A primary's point-in-time-restore window at `now`, its history starting
/// at `pitr_from` (epoch seconds): none before that. RDS moves both ends in
/// steps of about five minutes, the latest restorable time trailing now by
/// one to five.
/// Since when a drill has held the instance in a status other than
/// `available`, if it holds it at `now`.
fn held_since(world: &SimWorld, id: &str, now: i64) -> Option<i64> {
    let last = world
        .status_overrides
        .iter()
        .take_while(|t| t.at.as_second() <= now)
        .filter(|t| t.what.0 == id)
        .last()?;
    let status = last.what.1.as_deref()?;
    (status != "available").then(|| last.at.as_second())
}

pub(super) fn pitr_window(pitr_from: i64, now: i64) -> (Option<Timestamp>, Option<Timestamp>) {
    if now < pitr_from {
        return (None, None);
    }
    let earliest = pitr_from.max(floor_to(now, 300) - HISTORY_DAYS * DAY);
    let latest = floor_to(now - 60, 240).max(earliest);
    (Some(ts(earliest)), Some(ts(latest)))
}

/// Replica lag in seconds at epoch second `t`: an injected value if one is
/// in effect, else a slow wander of a few seconds with occasional spikes.
pub(super) fn lag_at(world: &SimWorld, instance: &str, t: i64) -> f64 {
    if let Some(&secs) = override_at(&world.lag_overrides, instance, ts(t)) {
        return secs.max(0.0);
    }
    let noise = &world.noise;
    let tf = t as f64;
    let wander = 0.5
        + 3.5 * noise.smooth(&format!("lag:{instance}"), tf, 25.0)
        + 1.5 * noise.smooth(&format!("lag-fast:{instance}"), tf, 6.0);

    // In about 40% of ten-minute windows, one spike of 10–60 s lasting
    // 40–120 s: a quick climb, a slower recovery. Spikes never cross windows.
    const WINDOW: i64 = 600;
    let window = t.div_euclid(WINDOW);
    let key = format!("spike:{instance}");
    let mut spike = 0.0;
    if noise.unit(&key, window) < 0.4 {
        let begin = window * WINDOW + noise.range(&key, window + 1_000_000, 60, 420);
        let len = noise.range(&key, window + 2_000_000, 40, 120);
        if (begin..begin + len).contains(&t) {
            let peak = 10.0 + 50.0 * noise.unit(&key, window + 3_000_000);
            let p = (t - begin) as f64 / len as f64;
            spike = peak * if p < 0.3 { p / 0.3 } else { (1.0 - p) / 0.7 };
        }
    }
    wander + spike
}

fn floor_to(t: i64, step: i64) -> i64 {
    t.div_euclid(step) * step
}
