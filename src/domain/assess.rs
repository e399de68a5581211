//! One verdict over everything the runbook watches, from the same health
//! rules the panes colour with: what `drconsole status` prints and exits on.

use jiff::Timestamp;
use serde::Serialize;

use super::health::{
    Health, Limits, alarm_health, backup_health, cluster_health, instance_health,
    newest_completed_age, service_health,
};
use super::snapshot::{Feed, LiveState, RolloutState, SourceError, SourceKind};
use super::verify::short_age;
use crate::runbook::model::Runbook;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overall {
    Healthy,
    Degraded,
    /// A source failed or returned nothing, and nothing seen is degraded.
    Unknown,
}

impl Overall {
    /// 0 healthy, 1 degraded, 2 could not tell.
    pub fn exit_code(self) -> u8 {
        match self {
            Self::Healthy => 0,
            Self::Degraded => 1,
            Self::Unknown => 2,
        }
    }
}

/// One judged resource.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    pub kind: SourceKind,
    pub region: Option<String>,
    pub resource: String,
    pub health: Health,
    pub summary: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceFailure {
    pub kind: SourceKind,
    /// The region and API call that failed, when a live call failed.
    pub region: Option<String>,
    pub api: Option<String>,
    pub code: String,
    pub message: String,
}

impl SourceFailure {
    fn new(kind: SourceKind, err: &SourceError) -> Self {
        Self {
            kind,
            region: err.region.clone(),
            api: err.api.clone(),
            code: err.code.clone(),
            message: err.message.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assessment {
    pub overall: Overall,
    pub findings: Vec<Finding>,
    pub failures: Vec<SourceFailure>,
}

/// The health of every resource the runbook watches, and one verdict.
/// (A scenario's readiness is `readiness::assess`.)
pub fn runbook_health(runbook: &Runbook, live: &LiveState, now: Timestamp) -> Assessment {
    let limits = Limits::from_runbook(runbook);
    let env = &runbook.environment;
    let mut findings = Vec::new();
    let mut failures = Vec::new();

    if let Some(rds) = usable(&live.rds, SourceKind::Rds, &mut failures) {
        for err in &rds.unavailable {
            failures.push(SourceFailure::new(SourceKind::Rds, err));
        }
        for db in &rds.instances {
            let mut summary = format!(
                "{} {}",
                db.status,
                db.replica_of.as_ref().map_or("primary", |_| "replica")
            );
            if let Some(lag) = db.lag_secs {
                summary.push_str(&format!(", lag {lag:.0}s (max {})", limits.replica_lag));
            }
            findings.push(Finding {
                kind: SourceKind::Rds,
                region: Some(db.region.clone()),
                resource: db.id.clone(),
                health: instance_health(db, &limits),
                summary,
            });
        }
        // Not seen because its region could not be listed is not "missing":
        // that region's failure is the finding.
        let unlisted = |region: &str, api: &str| rds.unavailable_in(region, api).is_some();
        for spec in env.rds.iter().filter(|s| {
            rds.instance(&s.id).is_none()
                && !unlisted(env.region_of(s.region.as_deref()), "DescribeDBInstances")
        }) {
            findings.push(missing(
                SourceKind::Rds,
                env.region_of(spec.region.as_deref()),
                &spec.id,
            ));
        }
        for cluster in &rds.clusters {
            let role = match &cluster.replica_of {
                Some(source) => format!("secondary of {source}"),
                None => "primary".into(),
            };
            findings.push(Finding {
                kind: SourceKind::Rds,
                region: Some(cluster.region.clone()),
                resource: cluster.id.clone(),
                health: cluster_health(cluster),
                summary: format!(
                    "{} cluster {role}, {} members",
                    cluster.status,
                    cluster.members()
                ),
            });
        }
        for spec in env.rds_clusters.iter().filter(|s| {
            rds.cluster(&s.id).is_none()
                && !unlisted(env.region_of(s.region.as_deref()), "DescribeDBClusters")
        }) {
            findings.push(missing(
                SourceKind::Rds,
                env.region_of(spec.region.as_deref()),
                &spec.id,
            ));
        }
    }
    if let Some(backups) = usable(&live.backups, SourceKind::Backups, &mut failures) {
        for err in &backups.unavailable {
            failures.push(SourceFailure::new(SourceKind::Backups, err));
        }
        let summary = match newest_completed_age(backups, now) {
            Some(age) => format!(
                "newest completed recovery point {} old (max {}), {} listed",
                short_age(age),
                limits.recovery_point_age,
                backups.recovery_points.len()
            ),
            None => "no completed recovery point".into(),
        };
        // With a listing failed, a newer point may be where it could not
        // see: not critical, unknown (the failed listing is its own finding).
        let health = match backup_health(backups, &limits, now) {
            Health::Ok => Health::Ok,
            _ if !backups.unavailable.is_empty() => Health::Unknown,
            health => health,
        };
        findings.push(Finding {
            kind: SourceKind::Backups,
            region: None,
            resource: "recovery points".into(),
            health,
            summary,
        });
    }
    if let Some(ecs) = usable(&live.ecs, SourceKind::Ecs, &mut failures) {
        for err in &ecs.unavailable {
            failures.push(SourceFailure::new(SourceKind::Ecs, err));
        }
        for svc in &ecs.services {
            let rollout = svc.primary_deployment().and_then(|d| d.rollout);
            findings.push(Finding {
                kind: SourceKind::Ecs,
                region: Some(svc.region.clone()),
                resource: format!("{}/{}", svc.cluster, svc.name),
                health: service_health(svc),
                summary: format!(
                    "{} {}/{} running, {} pending, rollout {}",
                    svc.status,
                    svc.running,
                    svc.desired,
                    svc.pending,
                    rollout.map_or("unknown", RolloutState::as_str)
                ),
            });
        }
        for spec in env.ecs.iter().filter(|s| {
            ecs.service(&s.cluster, &s.service).is_none()
                && !ecs
                    .unlisted()
                    .any(|e| e.region.as_deref() == Some(env.region_of(s.region.as_deref())))
        }) {
            let name = format!("{}/{}", spec.cluster, spec.service);
            findings.push(missing(
                SourceKind::Ecs,
                env.region_of(spec.region.as_deref()),
                &name,
            ));
        }
    }
    if let Some(alarms) = usable(&live.alarms, SourceKind::Alarms, &mut failures) {
        for err in &alarms.unavailable {
            failures.push(SourceFailure::new(SourceKind::Alarms, err));
        }
        for alarm in &alarms.alarms {
            findings.push(Finding {
                kind: SourceKind::Alarms,
                region: Some(alarm.region.clone()),
                resource: alarm.name.clone(),
                health: alarm_health(alarm),
                summary: alarm.state.as_str().to_string(),
            });
        }
        for name in env
            .alarms
            .names
            .iter()
            // With a region unread, an alarm not seen may be there.
            .filter(|n| alarms.alarm(n).is_none() && alarms.unavailable.is_empty())
        {
            findings.push(missing(SourceKind::Alarms, &env.regions.primary, name));
        }
    }

    // Something that cannot be read is itself news during an incident (an
    // unreachable region, a throttled API): a finding beside what could be
    // read. Only when nothing at all could be read is the verdict unknown.
    let read_anything = [
        is_current(&live.rds),
        is_current(&live.backups),
        is_current(&live.ecs),
        is_current(&live.alarms),
    ]
    .contains(&true);
    if read_anything {
        findings.extend(failures.iter().map(unreadable));
    }
    let degraded = findings
        .iter()
        .any(|f| matches!(f.health, Health::Warn | Health::Critical));
    let overall = if degraded {
        Overall::Degraded
    } else if !failures.is_empty() {
        Overall::Unknown
    } else {
        Overall::Healthy
    };
    Assessment {
        overall,
        findings,
        failures,
    }
}

/// Whether a feed holds current data (no error on its latest attempt).
fn is_current<T>(feed: &Feed<T>) -> bool {
    feed.error.is_none() && feed.data.is_some()
}

/// A part of the live state that could not be read, as a finding.
fn unreadable(failure: &SourceFailure) -> Finding {
    Finding {
        kind: failure.kind,
        region: failure.region.clone(),
        resource: failure
            .api
            .clone()
            .unwrap_or_else(|| failure.kind.label().to_string()),
        health: Health::Critical,
        summary: format!("cannot be read: {}: {}", failure.code, failure.message),
    }
}

fn usable<'a, T>(
    feed: &'a Feed<T>,
    kind: SourceKind,
    failures: &mut Vec<SourceFailure>,
) -> Option<&'a T> {
    if let Some((_, err)) = &feed.error {
        failures.push(SourceFailure::new(kind, err));
        return None;
    }
    if feed.data.is_none() {
        let none = SourceError::new("NoData", "nothing was fetched");
        failures.push(SourceFailure::new(kind, &none));
    }
    feed.data.as_ref()
}

/// A resource the runbook names but the source did not return.
fn missing(kind: SourceKind, region: &str, resource: &str) -> Finding {
    Finding {
        kind,
        region: Some(region.to_string()),
        resource: resource.to_string(),
        health: Health::Critical,
        summary: "named in the runbook but not found".into(),
    }
}
