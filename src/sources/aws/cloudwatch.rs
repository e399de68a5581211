//! CloudWatch: RDS metrics through `GetMetricData` (only the metrics each
//! instance's role uses, every query of a region in as few calls as the
//! 500-query limit allows) and alarms through `DescribeAlarms` by name and
//! by prefix, 100 a page.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    AlarmType, CompositeAlarm, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat,
    StateValue,
};
use jiff::Timestamp;

use super::errors::{Call, from_sdk};
use super::timestamp;
use crate::domain::snapshot::{Alarm, AlarmState, SourceError};
use crate::runbook::model::AlarmSpec;

/// GetMetricData's limit on queries per call.
pub const MAX_QUERIES_PER_CALL: usize = 500;
/// DescribeAlarms' limit on `AlarmNames` per call.
pub const MAX_ALARM_NAMES_PER_CALL: usize = 100;
/// DescribeAlarms' largest page (`MaxRecords`; the default is 50).
pub const MAX_ALARMS_PER_PAGE: i32 = 100;

/// The RDS metrics the panes use: lag for replicas, load for primaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DbMetric {
    ReplicaLag,
    CpuUtilization,
    FreeStorageSpace,
    DatabaseConnections,
}

impl DbMetric {
    /// What the panes show of an instance: lag for a replica, load for a
    /// primary; nothing else is asked for.
    pub fn for_role(replica: bool) -> &'static [DbMetric] {
        if replica {
            &[Self::ReplicaLag]
        } else {
            &[
                Self::CpuUtilization,
                Self::FreeStorageSpace,
                Self::DatabaseConnections,
            ]
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::ReplicaLag => "ReplicaLag",
            Self::CpuUtilization => "CPUUtilization",
            Self::FreeStorageSpace => "FreeStorageSpace",
            Self::DatabaseConnections => "DatabaseConnections",
        }
    }
}

/// Datapoints of one metric, oldest first.
pub type Series = Vec<(Timestamp, f64)>;

/// The time range and resolution of one metrics refresh.
#[derive(Debug, Clone, Copy)]
pub struct Window {
    pub start: Timestamp,
    pub end: Timestamp,
    pub period_secs: i32,
}

/// The metrics these instances' roles use (one query for a replica, three
/// for a primary), split into calls of at most 500 queries that run
/// concurrently. Instances are (identifier, whether a replica). No
/// instance, no call.
pub async fn db_metrics(
    client: &Client,
    region: &str,
    instances: &[(String, bool)],
    window: Window,
) -> Result<HashMap<(String, DbMetric), Series>, SourceError> {
    let wanted: Vec<(String, DbMetric)> = instances
        .iter()
        .flat_map(|(id, replica)| {
            DbMetric::for_role(*replica)
                .iter()
                .map(|m| (id.clone(), *m))
        })
        .collect();
    let calls = wanted
        .chunks(MAX_QUERIES_PER_CALL)
        .map(|chunk| metric_data(client, region, chunk, window));
    let mut out = HashMap::new();
    for part in futures::future::try_join_all(calls).await? {
        out.extend(part);
    }
    Ok(out)
}

/// One GetMetricData call (and its further pages, if CloudWatch splits the
/// datapoints) for at most 500 queries.
async fn metric_data(
    client: &Client,
    region: &str,
    wanted: &[(String, DbMetric)],
    window: Window,
) -> Result<HashMap<(String, DbMetric), Series>, SourceError> {
    let call = Call {
        operation: "GetMetricData",
        region,
    };
    let queries: Vec<MetricDataQuery> = wanted
        .iter()
        .enumerate()
        .map(|(i, (instance, metric))| query(i, instance, *metric, window.period_secs))
        .collect();
    let pages = client
        .get_metric_data()
        .set_metric_data_queries(Some(queries))
        .start_time(datetime(window.start))
        .end_time(datetime(window.end))
        .into_paginator()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| from_sdk(call, e))?;
    let mut out: HashMap<(String, DbMetric), Series> = HashMap::new();
    for result in pages.iter().flat_map(|p| p.metric_data_results()) {
        // Ids are "m<index>": anything else is not one of ours.
        let Some(key) = result
            .id()
            .and_then(|id| id.strip_prefix('m'))
            .and_then(|n| n.parse::<usize>().ok())
            .and_then(|i| wanted.get(i))
        else {
            continue;
        };
        let series = out.entry(key.clone()).or_default();
        for (at, value) in result.timestamps().iter().zip(result.values()) {
            if let Some(at) = timestamp(at) {
                series.push((at, *value));
            }
        }
    }
    for series in out.values_mut() {
        series.sort_by_key(|(at, _)| *at);
        series.dedup_by_key(|(at, _)| *at);
    }
    Ok(out)
}

fn query(index: usize, instance: &str, metric: DbMetric, period_secs: i32) -> MetricDataQuery {
    let metric_id = Metric::builder()
        .namespace("AWS/RDS")
        .metric_name(metric.name())
        .dimensions(
            Dimension::builder()
                .name("DBInstanceIdentifier")
                .value(instance)
                .build(),
        )
        .build();
    MetricDataQuery::builder()
        .id(format!("m{index}"))
        .metric_stat(
            MetricStat::builder()
                .metric(metric_id)
                .period(period_secs)
                .stat("Average")
                .build(),
        )
        .return_data(true)
        .build()
}

fn datetime(at: Timestamp) -> DateTime {
    DateTime::from_secs_and_nanos(at.as_second(), at.subsec_nanosecond().max(0) as u32)
}

/// Alarms of one region named in the spec or starting with one of its
/// prefixes: one request per 100 names and one per prefix, concurrently,
/// each paginated 100 alarms a page; an alarm matched twice is listed once, sorted by name.
pub async fn alarms(
    client: &Client,
    region: &str,
    spec: &AlarmSpec,
) -> Result<Vec<Alarm>, SourceError> {
    let call = Call {
        operation: "DescribeAlarms",
        region,
    };
    let by_name = spec.names.chunks(MAX_ALARM_NAMES_PER_CALL).map(|names| {
        client
            .describe_alarms()
            .set_alarm_names(Some(names.to_vec()))
    });
    let by_prefix = spec
        .prefixes
        .iter()
        .map(|prefix| client.describe_alarms().alarm_name_prefix(prefix));
    let requests = by_name.chain(by_prefix).map(|request| async move {
        request
            .max_records(MAX_ALARMS_PER_PAGE)
            .alarm_types(AlarmType::MetricAlarm)
            .alarm_types(AlarmType::CompositeAlarm)
            .into_paginator()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| from_sdk(call, e))
    });
    let mut found: BTreeMap<String, Alarm> = BTreeMap::new();
    for page in futures::future::try_join_all(requests)
        .await?
        .iter()
        .flatten()
    {
        let metric = page
            .metric_alarms()
            .iter()
            .filter_map(|a| metric_alarm(region, a));
        let composite = page
            .composite_alarms()
            .iter()
            .filter_map(|a| composite_alarm(region, a));
        for alarm in metric.chain(composite) {
            found.insert(alarm.name.clone(), alarm);
        }
    }
    Ok(found.into_values().collect())
}

pub fn metric_alarm(region: &str, raw: &MetricAlarm) -> Option<Alarm> {
    Some(Alarm {
        stale: None,
        name: raw.alarm_name()?.to_string(),
        region: region.to_string(),
        state: state(raw.state_value()),
        reason: raw.state_reason().unwrap_or_default().to_string(),
        updated: raw
            .state_updated_timestamp()
            .and_then(timestamp)
            .unwrap_or(Timestamp::UNIX_EPOCH),
        metric: raw.metric_name().map(str::to_string),
    })
}

pub fn composite_alarm(region: &str, raw: &CompositeAlarm) -> Option<Alarm> {
    Some(Alarm {
        stale: None,
        name: raw.alarm_name()?.to_string(),
        region: region.to_string(),
        state: state(raw.state_value()),
        reason: raw.state_reason().unwrap_or_default().to_string(),
        updated: raw
            .state_updated_timestamp()
            .and_then(timestamp)
            .unwrap_or(Timestamp::UNIX_EPOCH),
        metric: None,
    })
}

/// A state this build does not know is shown as "insufficient data"
/// (health unknown) rather than dropped.
fn state(raw: Option<&StateValue>) -> AlarmState {
    match raw {
        Some(StateValue::Ok) => AlarmState::Ok,
        Some(StateValue::Alarm) => AlarmState::Alarm,
        _ => AlarmState::InsufficientData,
    }
}
