//! Simulated backups: daily automated RDS snapshots (03:00 UTC, kept seven
//! days), AWS Backup recovery points every four hours per vault and
//! protected primary (history from seven days before the start, kept 35
//! days), their copies in the DR region, one on-demand job running when the
//! simulation starts, and the snapshots and backup jobs the operator starts.

use jiff::Timestamp;

use super::noise::{Noise, ts};
use super::rds;
use super::world::{HISTORY_DAYS, Reaction, SimWorld};
use crate::arn::id_of;
use crate::domain::snapshot::{
    BackupSnapshot, RecoveryPoint, RecoveryPointKind, RecoveryPointStatus,
};
use crate::runbook::duration::{DAY, HOUR};
use crate::runbook::model::RdsRole;

const SNAPSHOT_RETENTION_DAYS: i64 = 7;
const BACKUP_RETENTION_DAYS: i64 = 35;
const BACKUP_EVERY: i64 = 4 * HOUR;
const GIB: u64 = 1 << 30;
/// Account shown in ARNs when the runbook does not name one.
const PLACEHOLDER_ACCOUNT: &str = "123456789012";

/// A declared primary instance whose data is backed up.
struct Protected {
    id: String,
    region: String,
    arn: String,
    size_gib: u64,
}

pub(super) fn snapshot(world: &SimWorld, now: Timestamp) -> BackupSnapshot {
    let now_s = now.as_second();
    let protected = protected(world);
    let mut points = Vec::new();
    for db in &protected {
        automated_snapshots(&world.noise, db, now_s, &mut points);
    }
    operator_snapshots(world, &protected, now, &mut points);
    first_backups(world, now, &mut points);
    let mut originals = vault_points(world, &protected, now_s);
    operator_backup_jobs(world, &protected, now, &mut originals);
    failed_jobs(world, &protected, now, &mut points);
    copies(world, &originals, now_s, &mut points);
    points.extend(originals);
    points.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    BackupSnapshot {
        recovery_points: points,
        unavailable: Vec::new(),
    }
}

fn protected(world: &SimWorld) -> Vec<Protected> {
    let env = &world.env;
    let account = env.account.as_deref().unwrap_or(PLACEHOLDER_ACCOUNT);
    let instances = env
        .rds
        .iter()
        .filter(|r| r.role == RdsRole::Primary)
        .map(|r| (r.id.as_str(), r.region.as_deref(), "db"));
    // Aurora clusters are backed up as clusters, not by their instances.
    let clusters = env
        .rds_clusters
        .iter()
        .map(|c| (c.id.as_str(), c.region.as_deref(), "cluster"));
    instances
        .chain(clusters)
        .map(|(id, region, kind)| {
            let region = env.region_of(region).to_string();
            Protected {
                arn: format!("arn:aws:rds:{region}:{account}:{kind}:{id}"),
                size_gib: size_gib(&world.noise, id),
                id: id.to_string(),
                region,
            }
        })
        .collect()
}

fn size_gib(noise: &Noise, instance: &str) -> u64 {
    noise
        .range(&format!("size:{instance}"), 0, 20, 400)
        .unsigned_abs()
}

/// Points completed by `now` are `Completed`; the others are still `Running`.
fn status_at(completed: i64, now: i64) -> (RecoveryPointStatus, Option<Timestamp>) {
    if now >= completed {
        (RecoveryPointStatus::Completed, Some(ts(completed)))
    } else {
        (RecoveryPointStatus::Running, None)
    }
}

fn automated_snapshots(noise: &Noise, db: &Protected, now: i64, out: &mut Vec<RecoveryPoint>) {
    let first_day = (now - SNAPSHOT_RETENTION_DAYS * DAY).div_euclid(DAY);
    for day in first_day..=now.div_euclid(DAY) {
        let created = day * DAY + 3 * HOUR;
        if created > now || created <= now - SNAPSHOT_RETENTION_DAYS * DAY {
            continue;
        }
        let key = format!("snap:{}", db.id);
        let completed = created + noise.range(&key, day, 4 * 60, 12 * 60);
        out.push(automated_snapshot(
            &db.id,
            &db.region,
            created,
            completed,
            db.size_gib,
            now,
        ));
    }
}

/// An automated RDS snapshot of `instance` taken at `created`.
fn automated_snapshot(
    instance: &str,
    region: &str,
    created: i64,
    completed: i64,
    size_gib: u64,
    now: i64,
) -> RecoveryPoint {
    let (status, completed) = status_at(completed, now);
    RecoveryPoint {
        id: format!("rds:{instance}-{}", ts(created).strftime("%Y-%m-%d-%H-%M")),
        kind: RecoveryPointKind::AutomatedSnapshot,
        vault: None,
        region: region.to_string(),
        resource: instance.to_string(),
        status,
        created: ts(created),
        completed,
        size_bytes: completed.map(|_| size_gib * GIB),
        delete_at: Some(ts(created + SNAPSHOT_RETENTION_DAYS * DAY)),
        cold_storage_at: None,
        status_message: None,
    }
}

/// The vaults that take backups: all declared ones outside the DR region.
fn source_vaults(world: &SimWorld) -> Vec<(String, String)> {
    let env = &world.env;
    env.backup_vaults
        .iter()
        .map(|v| {
            (
                v.name.clone(),
                env.region_of(v.region.as_deref()).to_string(),
            )
        })
        .filter(|(_, region)| Some(region) != dr_region(world).as_ref())
        .collect()
}

/// The DR region, if it differs from the primary.
fn dr_region(world: &SimWorld) -> Option<String> {
    let regions = &world.env.regions;
    regions.dr.clone().filter(|dr| *dr != regions.primary)
}

fn vault_points(world: &SimWorld, protected: &[Protected], now: i64) -> Vec<RecoveryPoint> {
    let noise = &world.noise;
    let start = world.start.as_second();
    let history_from = start - HISTORY_DAYS * DAY;
    let first_slot = history_from.div_euclid(BACKUP_EVERY) + 1;
    let mut out = Vec::new();
    for (vault, region) in source_vaults(world) {
        for db in protected {
            let key = format!("bk:{vault}:{}", db.id);
            for slot in first_slot..=now.div_euclid(BACKUP_EVERY) {
                // Backup windows open on the hour; jobs start a little later.
                let created = slot * BACKUP_EVERY + noise.range(&key, slot, 30, 300);
                if created > now || created + BACKUP_RETENTION_DAYS * DAY <= now {
                    continue;
                }
                let completed = created + noise.range(&key, slot + 1_000_000, 10 * 60, 25 * 60);
                let job = Job {
                    vault: &vault,
                    region: &region,
                    db,
                    id: format!("awsbackup:job-{}", job_uuid(noise, &key, slot)),
                    created,
                    completed,
                };
                out.push(vault_point(job, now));
            }
        }
    }
    // Someone started an on-demand backup as the incident was declared.
    if let (Some((vault, region)), Some(db)) = (source_vaults(world).first(), protected.first()) {
        let key = format!("on-demand:{vault}:{}", db.id);
        let completed = start + noise.range(&key, 0, 6 * 60, 12 * 60);
        let job = Job {
            vault,
            region,
            db,
            id: format!("awsbackup:job-{}", job_uuid(noise, &key, 0)),
            created: start - 180,
            completed,
        };
        out.push(vault_point(job, now));
    }
    out
}

/// `rds create-db-snapshot` confirmed by the operator.
fn operator_snapshots(
    world: &SimWorld,
    protected: &[Protected],
    now: Timestamp,
    out: &mut Vec<RecoveryPoint>,
) {
    let env = &world.env;
    let now_s = now.as_second();
    for timed in world.reactions.iter().take_while(|t| t.at <= now) {
        let Reaction::Snapshot { instance, snapshot } = &timed.what else {
            continue;
        };
        let db = protected.iter().find(|p| &p.id == instance);
        let region = env.region_of(env.rds(instance).and_then(|r| r.region.as_deref()));
        let created = timed.at.as_second();
        let completed = created
            + world
                .noise
                .range(&format!("manual:{snapshot}"), 0, 5 * 60, 12 * 60);
        let size_gib = db.map_or(20, |d| d.size_gib);
        let point = automated_snapshot(instance, region, created, completed, size_gib, now_s);
        // Like an automated snapshot, but named by the operator and kept
        // until deleted.
        out.push(RecoveryPoint {
            id: snapshot.clone(),
            kind: RecoveryPointKind::ManualSnapshot,
            delete_at: None,
            ..point
        });
    }
}

/// The automated snapshot RDS takes of each restored instance when it
/// comes up, so a restore has a recovery point of its own.
fn first_backups(world: &SimWorld, now: Timestamp, out: &mut Vec<RecoveryPoint>) {
    for backup in rds::first_backups(world, now) {
        out.push(automated_snapshot(
            &backup.instance,
            &backup.region,
            backup.started,
            backup.completed,
            size_gib(&world.noise, &backup.instance),
            now.as_second(),
        ));
    }
}

/// `backup start-backup-job` confirmed by the operator.
fn operator_backup_jobs(
    world: &SimWorld,
    protected: &[Protected],
    now: Timestamp,
    out: &mut Vec<RecoveryPoint>,
) {
    let env = &world.env;
    for (n, timed) in world.reactions.iter().enumerate() {
        if timed.at > now {
            break;
        }
        let Reaction::BackupJob { vault, resource } = &timed.what else {
            continue;
        };
        let region = env.region_of(env.vault(vault).and_then(|v| v.region.as_deref()));
        let instance = id_of(resource);
        let unknown;
        let db = match protected.iter().find(|p| p.id == instance) {
            Some(db) => db,
            None => {
                unknown = Protected {
                    id: instance.to_string(),
                    region: region.to_string(),
                    arn: resource.clone(),
                    size_gib: 20,
                };
                &unknown
            }
        };
        let key = format!("job:{vault}:{resource}");
        let created = timed.at.as_second();
        let job = Job {
            vault,
            region,
            db,
            id: format!("awsbackup:job-{}", job_uuid(&world.noise, &key, n as i64)),
            created,
            completed: created + world.noise.range(&key, n as i64, 8 * 60, 20 * 60),
        };
        out.push(vault_point(job, now.as_second()));
    }
}

/// Backup jobs a drill made fail: a FAILED point with the job's message,
/// never completed, never copied; the newest completed point stays older.
fn failed_jobs(
    world: &SimWorld,
    protected: &[Protected],
    now: Timestamp,
    out: &mut Vec<RecoveryPoint>,
) {
    let env = &world.env;
    for (n, timed) in world.failed_jobs.iter().enumerate() {
        if timed.at > now {
            break;
        }
        let (vault, resource, message) = &timed.what;
        let region = env.region_of(env.vault(vault).and_then(|v| v.region.as_deref()));
        let arn = protected
            .iter()
            .find(|p| p.id == id_of(resource))
            .map_or_else(|| resource.clone(), |p| p.arn.clone());
        let key = format!("failed:{vault}:{resource}");
        out.push(RecoveryPoint {
            id: format!("awsbackup:job-{}", job_uuid(&world.noise, &key, n as i64)),
            kind: RecoveryPointKind::Backup,
            vault: Some(vault.clone()),
            region: region.to_string(),
            resource: arn,
            status: RecoveryPointStatus::Failed,
            created: timed.at,
            completed: None,
            size_bytes: None,
            delete_at: None,
            cold_storage_at: None,
            status_message: Some(message.clone()),
        });
    }
}

/// One AWS Backup job in a source vault.
struct Job<'a> {
    vault: &'a str,
    region: &'a str,
    db: &'a Protected,
    id: String,
    created: i64,
    completed: i64,
}

fn vault_point(job: Job<'_>, now: i64) -> RecoveryPoint {
    let (status, completed) = status_at(job.completed, now);
    RecoveryPoint {
        id: job.id,
        kind: RecoveryPointKind::Backup,
        vault: Some(job.vault.to_string()),
        region: job.region.to_string(),
        resource: job.db.arn.clone(),
        status,
        created: ts(job.created),
        completed,
        size_bytes: completed.map(|_| job.db.size_gib * GIB),
        delete_at: Some(ts(job.created + BACKUP_RETENTION_DAYS * DAY)),
        cold_storage_at: None,
        status_message: None,
    }
}

/// Each completed original is copied to the DR region a few minutes later:
/// into the vault declared there, else into `<vault>-<dr region>`.
fn copies(world: &SimWorld, originals: &[RecoveryPoint], now: i64, out: &mut Vec<RecoveryPoint>) {
    let Some(dr) = dr_region(world) else {
        return;
    };
    let env = &world.env;
    let dr_vault = env
        .backup_vaults
        .iter()
        .find(|v| v.region.as_deref() == Some(dr.as_str()))
        .map(|v| v.name.clone());
    for original in originals.iter().filter(|p| p.region != dr) {
        let Some(done) = original.completed else {
            continue;
        };
        let key = format!("copy:{}", original.id);
        let created = done.as_second() + world.noise.range(&key, 0, 60, 300);
        if created > now {
            continue;
        }
        let completed = created + world.noise.range(&key, 1, 10 * 60, 30 * 60);
        let (status, completed) = status_at(completed, now);
        let vault = dr_vault
            .clone()
            .unwrap_or_else(|| format!("{}-{dr}", original.vault.as_deref().unwrap_or("backup")));
        out.push(RecoveryPoint {
            id: format!("awsbackup:copyjob-{}", job_uuid(&world.noise, &key, 2)),
            kind: RecoveryPointKind::Backup,
            vault: Some(vault),
            region: dr.clone(),
            resource: original.resource.clone(),
            status,
            created: ts(created),
            completed,
            size_bytes: completed.and(original.size_bytes),
            delete_at: original.delete_at,
            cold_storage_at: None,
            status_message: None,
        });
    }
}

fn job_uuid(noise: &Noise, key: &str, n: i64) -> String {
    let hex = noise.hex(&format!("{key}#{n}"), 32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}
