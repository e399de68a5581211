//! Aurora: the DB clusters a runbook names (`DescribeDBClusters`), with
//! their members, endpoints, restore window and replication source.

use aws_sdk_rds::Client;
use aws_sdk_rds::types;

use super::errors::Call;
use super::rds::each_filtered;
use super::timestamp;
use crate::arn::id_of;
use crate::domain::snapshot::{DbCluster, SourceError};

/// `DescribeDBClusters` for these identifiers, up to 100 a call, every
/// page. Identifiers that do not exist are simply absent.
pub async fn describe_clusters(
    client: &Client,
    region: &str,
    ids: &[String],
) -> Result<Vec<DbCluster>, SourceError> {
    let call = Call {
        operation: "DescribeDBClusters",
        region,
    };
    let raw = each_filtered(ids, "db-cluster-id", call, |filter| {
        client
            .describe_db_clusters()
            .filters(filter)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    // A filter that matched loosely must not add clusters nobody named.
    Ok(raw
        .iter()
        .filter_map(|raw| cluster(region, raw))
        .filter(|c| ids.contains(&c.id))
        .collect())
}

/// One SDK cluster as the panes see it; `None` without an identifier.
pub fn cluster(region: &str, raw: &types::DbCluster) -> Option<DbCluster> {
    let id = raw.db_cluster_identifier()?.to_string();
    let members = raw.db_cluster_members();
    let member_id = |m: &types::DbClusterMember| m.db_instance_identifier().map(str::to_string);
    Some(DbCluster {
        stale: None,
        id,
        region: region.to_string(),
        status: raw.status().unwrap_or("unknown").to_ascii_lowercase(),
        engine: raw.engine().map(str::to_string),
        multi_az: raw.multi_az().unwrap_or(false),
        writer: members
            .iter()
            .filter(|m| m.is_cluster_writer() == Some(true))
            .find_map(member_id),
        readers: members
            .iter()
            .filter(|m| m.is_cluster_writer() != Some(true))
            .filter_map(member_id)
            .collect(),
        endpoint: raw.endpoint().map(str::to_string),
        reader_endpoint: raw.reader_endpoint().map(str::to_string),
        earliest_restorable: raw.earliest_restorable_time().and_then(timestamp),
        latest_restorable: raw.latest_restorable_time().and_then(timestamp),
        replica_of: raw
            .replication_source_identifier()
            .filter(|s| !s.is_empty())
            .map(|s| id_of(s).to_string()),
    })
}

#[cfg(test)]
mod tests {
    use aws_sdk_rds::primitives::DateTime;

    use super::*;

    fn member(id: &str, writer: bool) -> types::DbClusterMember {
        types::DbClusterMember::builder()
            .db_instance_identifier(id)
            .is_cluster_writer(writer)
            .build()
    }

    #[test]
    fn members_window_and_source_are_mapped() {
        let raw = types::DbCluster::builder()
            .db_cluster_identifier("orders-dr")
            .status("Available")
            .engine("aurora-postgresql")
            .multi_az(true)
            .db_cluster_members(member("orders-dr-2", false))
            .db_cluster_members(member("orders-dr-1", true))
            .endpoint("orders-dr.cluster-abc.us-west-2.rds.amazonaws.com")
            .reader_endpoint("orders-dr.cluster-ro-abc.us-west-2.rds.amazonaws.com")
            .earliest_restorable_time(DateTime::from_secs(1_000))
            .latest_restorable_time(DateTime::from_secs(2_000))
            .replication_source_identifier("arn:aws:rds:us-east-1:123456789012:cluster:orders")
            .build();
        let c = cluster("us-west-2", &raw).unwrap();
        assert_eq!(c.status, "available");
        assert_eq!(c.writer.as_deref(), Some("orders-dr-1"));
        assert_eq!(c.readers, ["orders-dr-2"]);
        assert_eq!(c.members(), 2);
        assert_eq!(c.replica_of.as_deref(), Some("orders"));
        assert_eq!(c.earliest_restorable.map(|t| t.as_second()), Some(1_000));
        assert_eq!(c.latest_restorable.map(|t| t.as_second()), Some(2_000));
        assert_eq!(c.region, "us-west-2");
    }

    #[test]
    fn a_bare_cluster_maps_without_panicking() {
        let raw = types::DbCluster::builder()
            .db_cluster_identifier("bare")
            .build();
        let c = cluster("eu-west-1", &raw).unwrap();
        assert_eq!(c.status, "unknown");
        assert_eq!((c.writer.as_deref(), c.members()), (None, 0));
        assert!(cluster("eu-west-1", &types::DbCluster::builder().build()).is_none());
    }
}
