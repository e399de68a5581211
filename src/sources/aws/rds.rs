//! RDS: instances (status, role, AZ, endpoint, replication state), their
//! point-in-time-restore windows from the automated backups, and their
//! newest snapshots (as recovery points).

use std::collections::HashMap;
use std::error::Error as StdError;

use aws_sdk_rds::Client;
use aws_sdk_rds::types::{self, Filter};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::future::try_join_all;
use jiff::SignedDuration;

use super::errors::{Call, from_sdk};
use super::timestamp;
use crate::arn::id_of;
pub use crate::domain::feeds::RestoreWindow;
use crate::domain::snapshot::{
    DbInstance, RecoveryPoint, RecoveryPointKind, RecoveryPointStatus, SourceError,
};

/// RDS takes up to 100 values per filter; more identifiers take more calls.
pub const FILTER_VALUES_PER_CALL: usize = 100;

/// Every item of a describe call filtered by `filter` (e.g. `db-instance-id`)
/// over `ids`: one call per 100 identifiers, the calls at once, each read to
/// its last page by `fetch`.
pub async fn each_filtered<T, E, F, Fut>(
    ids: &[String],
    filter: &str,
    call: Call<'_>,
    fetch: F,
) -> Result<Vec<T>, SourceError>
where
    F: Fn(Filter) -> Fut,
    Fut: Future<Output = Result<Vec<T>, SdkError<E, HttpResponse>>>,
    E: ProvideErrorMetadata + StdError + 'static,
{
    let calls = ids.chunks(FILTER_VALUES_PER_CALL).map(|chunk| {
        let items = fetch(
            Filter::builder()
                .name(filter)
                .set_values(Some(chunk.to_vec()))
                .build(),
        );
        async move { items.await.map_err(|e| from_sdk(call, e)) }
    });
    Ok(try_join_all(calls).await?.into_iter().flatten().collect())
}

/// `DescribeDBInstances` for these identifiers, every page. Identifiers that
/// do not exist are simply absent (a filter never fails on them).
pub async fn describe_instances(
    client: &Client,
    region: &str,
    ids: &[String],
) -> Result<Vec<DbInstance>, SourceError> {
    let call = Call {
        operation: "DescribeDBInstances",
        region,
    };
    let raw = each_filtered(ids, "db-instance-id", call, |filter| {
        client
            .describe_db_instances()
            .filters(filter)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(raw.iter().filter_map(|raw| instance(region, raw)).collect())
}

/// One SDK instance as the panes see it; `None` without an identifier.
pub fn instance(region: &str, raw: &types::DbInstance) -> Option<DbInstance> {
    let id = raw.db_instance_identifier()?.to_string();
    // StatusInfos carries the read replica's replication state (the only
    // status type RDS reports there today).
    let replication_state = raw
        .status_infos()
        .iter()
        .find(|info| info.status_type() == Some("read replication"))
        .and_then(|info| info.status())
        .map(str::to_string);
    Some(DbInstance {
        stale: None,
        id,
        region: region.to_string(),
        replica_of: raw
            .read_replica_source_db_instance_identifier()
            .map(|source| id_of(source).to_string()),
        status: raw
            .db_instance_status()
            .unwrap_or("unknown")
            .to_ascii_lowercase(),
        engine: raw.engine().map(str::to_string),
        multi_az: raw.multi_az().unwrap_or(false),
        az: raw.availability_zone().map(str::to_string),
        endpoint: raw.endpoint().and_then(|e| e.address()).map(str::to_string),
        earliest_restorable: None,
        latest_restorable: raw.latest_restorable_time().and_then(timestamp),
        replication_state,
        lag_secs: None,
        lag_history: Vec::new(),
        metrics: None,
    })
}

/// `DescribeDBInstanceAutomatedBackups`: instance id -> restore window, for
/// the backups that belong to this region (replicated backups from another
/// region carry that region and are left out: they restore elsewhere).
pub async fn restore_windows(
    client: &Client,
    region: &str,
    ids: &[String],
) -> Result<HashMap<String, RestoreWindow>, SourceError> {
    let call = Call {
        operation: "DescribeDBInstanceAutomatedBackups",
        region,
    };
    let backups = each_filtered(ids, "db-instance-id", call, |filter| {
        client
            .describe_db_instance_automated_backups()
            .filters(filter)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let mut out = HashMap::new();
    for backup in &backups {
        let (Some(id), Some(window)) = (backup.db_instance_identifier(), backup.restore_window())
        else {
            continue;
        };
        if backup.region().is_some_and(|r| r != region) || !ids.iter().any(|i| i == id) {
            continue;
        }
        out.insert(
            id.to_string(),
            RestoreWindow {
                earliest: window.earliest_time().and_then(timestamp),
                latest: window.latest_time().and_then(timestamp),
            },
        );
    }
    Ok(out)
}

/// `DescribeDBSnapshots` (automated and manual) of these instances in one
/// region, every page; keeps per instance and kind the newest available
/// snapshot and any newer one still being made. Copies made into this
/// region from another count as this region's recovery points.
pub async fn newest_snapshots(
    client: &Client,
    region: &str,
    ids: &[String],
) -> Result<Vec<RecoveryPoint>, SourceError> {
    let call = Call {
        operation: "DescribeDBSnapshots",
        region,
    };
    let raw = each_filtered(ids, "db-instance-id", call, |filter| {
        client
            .describe_db_snapshots()
            .filters(filter)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    let all: Vec<RecoveryPoint> = raw
        .iter()
        .filter_map(|raw| snapshot(region, raw))
        .filter(|p| ids.contains(&p.resource))
        .collect();
    Ok(keep_newest(all))
}

/// One snapshot as a recovery point; `None` for kinds we do not show
/// (shared, public) or without an identifier or time.
pub fn snapshot(region: &str, raw: &types::DbSnapshot) -> Option<RecoveryPoint> {
    let kind = match raw.snapshot_type()? {
        "automated" => RecoveryPointKind::AutomatedSnapshot,
        "manual" => RecoveryPointKind::ManualSnapshot,
        // Snapshots AWS Backup made of the instance: shown as backups.
        "awsbackup" => RecoveryPointKind::Backup,
        _ => return None,
    };
    // The instant the data is from: a copy keeps its original's time.
    let created = raw
        .original_snapshot_create_time()
        .or(raw.snapshot_create_time())
        .and_then(timestamp)?;
    let status = snapshot_status(raw.status().unwrap_or(""), raw.percent_progress());
    let delete_at = match (kind, raw.backup_retention_period()) {
        (RecoveryPointKind::AutomatedSnapshot, Some(days)) if days > 0 => created
            .checked_add(SignedDuration::from_hours(24 * i64::from(days)))
            .ok(),
        _ => None,
    };
    Some(RecoveryPoint {
        id: raw.db_snapshot_identifier()?.to_string(),
        kind,
        vault: None,
        region: region.to_string(),
        resource: raw.db_instance_identifier()?.to_string(),
        status,
        created,
        completed: None,
        // What RDS reports as a snapshot's size: the instance's allocated storage.
        size_bytes: raw
            .allocated_storage()
            .and_then(|gib| u64::try_from(gib).ok())
            .map(|gib| gib << 30),
        delete_at,
        cold_storage_at: None,
        status_message: None,
    })
}

fn snapshot_status(status: &str, progress: Option<i32>) -> RecoveryPointStatus {
    match status {
        "available" => RecoveryPointStatus::Completed,
        "creating" | "copying" | "pending" => RecoveryPointStatus::Running,
        "deleting" | "deleted" => RecoveryPointStatus::Deleting,
        _ if progress.is_some_and(|p| p < 100) => RecoveryPointStatus::Running,
        _ => RecoveryPointStatus::Failed,
    }
}

/// Per (region, instance, kind): the newest completed point and any newer
/// point still in progress, newest first.
fn keep_newest(mut all: Vec<RecoveryPoint>) -> Vec<RecoveryPoint> {
    all.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    let mut done: Vec<(String, String, RecoveryPointKind)> = Vec::new();
    let mut out = Vec::new();
    for point in all {
        let key = (point.region.clone(), point.resource.clone(), point.kind);
        if done.contains(&key) {
            continue;
        }
        if point.status == RecoveryPointStatus::Completed {
            done.push(key);
            out.push(point);
        } else if point.status == RecoveryPointStatus::Running {
            out.push(point);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use aws_sdk_rds::primitives::DateTime;

    use super::*;

    fn snap(id: &str, kind: &str, status: &str, secs: i64) -> types::DbSnapshot {
        types::DbSnapshot::builder()
            .db_snapshot_identifier(id)
            .db_instance_identifier("db")
            .snapshot_type(kind)
            .status(status)
            .snapshot_create_time(DateTime::from_secs(secs))
            .build()
    }

    #[test]
    fn keeps_the_newest_available_snapshot_per_kind_and_newer_running_ones() {
        let raw = [
            snap("a1", "automated", "available", 100),
            snap("a2", "automated", "available", 200),
            snap("a3", "automated", "creating", 300),
            snap("m1", "manual", "available", 50),
            snap("m0", "manual", "failed", 60),
            snap("s1", "shared", "available", 400),
        ];
        let points: Vec<_> = raw.iter().filter_map(|s| snapshot("r", s)).collect();
        let ids: Vec<_> = keep_newest(points).into_iter().map(|p| p.id).collect();
        assert_eq!(ids, ["a3", "a2", "m1"]);
    }

    #[test]
    fn a_copy_is_as_old_as_its_original() {
        let raw = types::DbSnapshot::builder()
            .db_snapshot_identifier("copy")
            .db_instance_identifier("db")
            .snapshot_type("manual")
            .status("available")
            .snapshot_create_time(DateTime::from_secs(2_000))
            .original_snapshot_create_time(DateTime::from_secs(1_000))
            .allocated_storage(20)
            .build();
        let point = snapshot("us-west-2", &raw).unwrap();
        assert_eq!(point.created.as_second(), 1_000);
        assert_eq!(point.region, "us-west-2");
        assert_eq!(point.size_bytes, Some(20 << 30));
    }

    #[test]
    fn replication_state_comes_from_status_infos() {
        let raw = types::DbInstance::builder()
            .db_instance_identifier("replica")
            .db_instance_status("available")
            .read_replica_source_db_instance_identifier(
                "arn:aws:rds:us-east-1:123456789012:db:main",
            )
            .status_infos(
                types::DbInstanceStatusInfo::builder()
                    .status_type("read replication")
                    .status("error")
                    .normal(false)
                    .build(),
            )
            .build();
        let db = instance("us-west-2", &raw).unwrap();
        assert_eq!(db.replica_of.as_deref(), Some("main"));
        assert_eq!(db.replication_state.as_deref(), Some("error"));
        assert_eq!(db.region, "us-west-2");
    }
}
