//! AWS Backup: every recovery point of a vault, through
//! `ListRecoveryPointsByBackupVault`, every page.

use aws_sdk_backup::Client;
use aws_sdk_backup::types::{RecoveryPointByBackupVault, RecoveryPointStatus as RawStatus};

use super::errors::{Call, from_sdk};
use super::timestamp;
use crate::domain::snapshot::{RecoveryPoint, RecoveryPointKind, RecoveryPointStatus, SourceError};

/// The page size asked for (the API's maximum is 1000).
pub const PAGE_SIZE: i32 = 1000;

pub async fn vault_points(
    client: &Client,
    region: &str,
    vault: &str,
) -> Result<Vec<RecoveryPoint>, SourceError> {
    let call = Call {
        operation: "ListRecoveryPointsByBackupVault",
        region,
    };
    let raw = match client
        .list_recovery_points_by_backup_vault()
        .backup_vault_name(vault)
        .max_results(PAGE_SIZE)
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
    {
        Ok(raw) => raw,
        // A vault that does not exist holds no recovery points. The pane's
        // other sources (RDS snapshots, other vaults) still count, and a
        // runbook whose only vault is missing shows no recovery point at
        // all, which is judged critical.
        Err(e)
            if e.as_service_error()
                .is_some_and(|s| s.is_resource_not_found_exception()) =>
        {
            Vec::new()
        }
        Err(e) => return Err(from_sdk(call, e)),
    };
    Ok(raw
        .iter()
        .filter_map(|p| recovery_point(region, vault, p))
        .collect())
}

/// One SDK recovery point; `None` without an ARN or creation time.
pub fn recovery_point(
    region: &str,
    vault: &str,
    raw: &RecoveryPointByBackupVault,
) -> Option<RecoveryPoint> {
    let lifecycle = raw.calculated_lifecycle();
    Some(RecoveryPoint {
        id: raw.recovery_point_arn()?.to_string(),
        kind: RecoveryPointKind::Backup,
        vault: Some(raw.backup_vault_name().unwrap_or(vault).to_string()),
        region: region.to_string(),
        resource: raw.resource_arn().unwrap_or_default().to_string(),
        status: status(raw.status()),
        created: raw.creation_date().and_then(timestamp)?,
        completed: raw.completion_date().and_then(timestamp),
        size_bytes: raw
            .backup_size_in_bytes()
            .and_then(|b| u64::try_from(b).ok()),
        delete_at: lifecycle.and_then(|l| l.delete_at()).and_then(timestamp),
        cold_storage_at: lifecycle
            .and_then(|l| l.move_to_cold_storage_at())
            .and_then(timestamp),
        status_message: raw
            .status_message()
            .filter(|m| !m.is_empty())
            .map(str::to_string),
    })
}

/// AVAILABLE is a completed point of a continuous backup; STOPPED and any
/// status this build does not know count as failed, never as good data.
fn status(raw: Option<&RawStatus>) -> RecoveryPointStatus {
    match raw {
        Some(RawStatus::Completed | RawStatus::Available) => RecoveryPointStatus::Completed,
        Some(RawStatus::Partial) => RecoveryPointStatus::Partial,
        Some(RawStatus::Creating) => RecoveryPointStatus::Running,
        Some(RawStatus::Expired) => RecoveryPointStatus::Expired,
        Some(RawStatus::Deleting) => RecoveryPointStatus::Deleting,
        _ => RecoveryPointStatus::Failed,
    }
}
