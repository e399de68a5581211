//! Evaluates a step's `verify` predicate against the live state. Pure: the
//! caller passes the state and the clocks; the result carries the value seen
//! so it can be shown beside the step and written to the journal.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::snapshot::{
    DbCluster, DbInstance, Feed, LiveState, RdsSnapshot, RecoveryPointStatus, RolloutState,
};
use crate::runbook::model::Verify;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// The data needed is missing (not fetched yet, or its source failed).
    Unknown,
}

/// The outcome of a check and the value it was judged on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub outcome: Outcome,
    pub seen: String,
}

impl Evidence {
    fn met(seen: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Met,
            seen: seen.into(),
        }
    }
    fn not_met(seen: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::NotMet,
            seen: seen.into(),
        }
    }
    fn unknown(seen: impl Into<String>) -> Self {
        Self {
            outcome: Outcome::Unknown,
            seen: seen.into(),
        }
    }
    fn judge(ok: bool, seen: impl Into<String>) -> Self {
        if ok {
            Self::met(seen)
        } else {
            Self::not_met(seen)
        }
    }
}

/// The clocks a check may depend on.
#[derive(Debug, Clone, Copy)]
pub struct VerifyContext {
    pub now: Timestamp,
    pub incident_start: Option<Timestamp>,
}

/// Data of a feed, or an Unknown evidence saying why there is none.
fn data<'a, T>(feed: &'a Feed<T>, what: &str) -> Result<&'a T, Evidence> {
    match (&feed.data, &feed.error) {
        (Some(data), None) => Ok(data),
        (_, Some((_, err))) => Err(Evidence::unknown(format!(
            "{what} unavailable: {}",
            err.code
        ))),
        (None, None) => Err(Evidence::unknown(format!("no {what} data yet"))),
    }
}

pub fn evaluate(check: &Verify, live: &LiveState, ctx: VerifyContext) -> Evidence {
    eval(check, live, ctx).unwrap_or_else(|unknown| unknown)
}

fn eval(check: &Verify, live: &LiveState, ctx: VerifyContext) -> Result<Evidence, Evidence> {
    Ok(match check {
        Verify::InstanceExists { instance } => {
            let rds = data(&live.rds, "RDS")?;
            match Database::find(rds, instance) {
                Some(db) => Evidence::met(format!("{} exists ({})", db.name(), db.status())),
                None => Evidence::not_met(format!("{instance} not found")),
            }
        }
        Verify::InstanceStatus { instance, status } => {
            let rds = data(&live.rds, "RDS")?;
            match Database::find(rds, instance) {
                Some(db) => Evidence::judge(
                    db.status().eq_ignore_ascii_case(status),
                    format!("{} is {}", db.name(), db.status()),
                ),
                None => Evidence::not_met(format!("{instance} not found")),
            }
        }
        Verify::InstancePromoted { instance } => {
            let rds = data(&live.rds, "RDS")?;
            match Database::find(rds, instance) {
                Some(db) => match db.replica_of() {
                    Some(source) => {
                        Evidence::not_met(format!("{} still replicates {source}", db.name()))
                    }
                    None => Evidence::met(format!("{} is standalone ({})", db.name(), db.status())),
                },
                None => Evidence::not_met(format!("{instance} not found")),
            }
        }
        Verify::ReplicaLagBelow { instance, max } => {
            let rds = data(&live.rds, "RDS")?;
            let Some(db) = rds.instance(instance) else {
                return Ok(Evidence::not_met(format!("{instance} not found")));
            };
            match db.lag_secs {
                Some(lag) => Evidence::judge(
                    lag < max.secs() as f64,
                    format!("lag {lag:.0}s (max {max})"),
                ),
                None => Evidence::unknown(format!("{instance} reports no lag")),
            }
        }
        Verify::RecoveryPointYoungerThan {
            vault,
            resource,
            region,
            max_age,
        } => {
            let backups = data(&live.backups, "backup")?;
            let newest = backups
                .recovery_points
                .iter()
                .filter(|p| p.status == RecoveryPointStatus::Completed)
                .filter(|p| vault.as_ref().is_none_or(|v| p.vault.as_ref() == Some(v)))
                .filter(|p| resource.as_ref().is_none_or(|r| p.protects(r)))
                .filter(|p| region.as_ref().is_none_or(|r| &p.region == r))
                .map(|p| p.restorable_at())
                .max();
            let judged = match newest {
                Some(at) => {
                    let age = ctx.now.duration_since(at).as_secs().max(0) as u64;
                    Evidence::judge(
                        age < max_age.secs(),
                        format!("newest {} old (max {max_age})", short_age(age)),
                    )
                }
                None => Evidence::not_met("no completed recovery point"),
            };
            // A part that did not answer may hold the point that would meet it.
            match (judged.outcome, backups.unavailable.first()) {
                (Outcome::NotMet, Some(err)) => {
                    Evidence::unknown(format!("{}; and {}", judged.seen, err.code))
                }
                _ => judged,
            }
        }
        Verify::PitrCovers {
            instance,
            before_incident,
        } => {
            // Before a declaration, readiness asks about a failure right now.
            let start = ctx.incident_start.unwrap_or(ctx.now);
            let rds = data(&live.rds, "RDS")?;
            let Some(db) = Database::find(rds, instance) else {
                return Ok(Evidence::not_met(format!("{instance} not found")));
            };
            let target = start - before_incident.as_signed();
            match db.restore_window() {
                (Some(from), Some(to)) => Evidence::judge(
                    from <= target && target <= to,
                    format!("window {} – {}", clock(from), clock(to)),
                ),
                _ => Evidence::not_met(format!("{} has no restore window", db.name())),
            }
        }
        Verify::EcsServiceExists { cluster, service } => {
            let ecs = data(&live.ecs, "ECS")?;
            match ecs.service(cluster, service) {
                Some(svc) => Evidence::met(format!(
                    "{service} exists ({}, {}/{} running)",
                    svc.status, svc.running, svc.desired
                )),
                None => Evidence::not_met(format!("{service} not found")),
            }
        }
        Verify::EcsStable { cluster, service } => {
            let ecs = data(&live.ecs, "ECS")?;
            let Some(svc) = ecs.service(cluster, service) else {
                return Ok(Evidence::not_met(format!("{service} not found")));
            };
            let rollout = svc.primary_deployment().and_then(|d| d.rollout);
            let stable = svc.deployments.len() == 1
                && rollout == Some(RolloutState::Completed)
                && svc.running == svc.desired;
            Evidence::judge(
                stable,
                format!(
                    "{}/{} running, {} deployment(s), rollout {}",
                    svc.running,
                    svc.desired,
                    svc.deployments.len(),
                    rollout.map_or("unknown", RolloutState::as_str)
                ),
            )
        }
        Verify::EcsRunningAtLeast {
            cluster,
            service,
            count,
        } => {
            let ecs = data(&live.ecs, "ECS")?;
            match ecs.service(cluster, service) {
                Some(svc) => Evidence::judge(
                    svc.running >= *count,
                    format!("{} running (need {count})", svc.running),
                ),
                None => Evidence::not_met(format!("{service} not found")),
            }
        }
        Verify::AlarmState { alarm, state } => {
            let alarms = data(&live.alarms, "alarm")?;
            match alarms.alarm(alarm) {
                Some(a) => Evidence::judge(
                    a.state == *state,
                    format!("{alarm} is {}", a.state.as_str()),
                ),
                None => Evidence::not_met(format!("{alarm} not found")),
            }
        }
        Verify::All(checks) => combine(checks, live, ctx, true),
        Verify::Any(checks) => combine(checks, live, ctx, false),
    })
}

/// What an instance check judges: the RDS instance with that identifier,
/// else the Aurora cluster with it (instances and clusters have separate
/// identifier namespaces, and instances were checkable first).
enum Database<'a> {
    Instance(&'a DbInstance),
    Cluster(&'a DbCluster),
}

impl<'a> Database<'a> {
    fn find(rds: &'a RdsSnapshot, id: &str) -> Option<Self> {
        rds.instance(id)
            .map(Self::Instance)
            .or_else(|| rds.cluster(id).map(Self::Cluster))
    }

    /// How the evidence names it: a cluster says so.
    fn name(&self) -> String {
        match self {
            Self::Instance(db) => db.id.clone(),
            Self::Cluster(c) => format!("cluster {}", c.id),
        }
    }

    fn status(&self) -> &'a str {
        match self {
            Self::Instance(db) => &db.status,
            Self::Cluster(c) => &c.status,
        }
    }

    fn replica_of(&self) -> Option<&'a str> {
        match self {
            Self::Instance(db) => db.replica_of.as_deref(),
            Self::Cluster(c) => c.replica_of.as_deref(),
        }
    }

    fn restore_window(&self) -> (Option<Timestamp>, Option<Timestamp>) {
        match self {
            Self::Instance(db) => (db.earliest_restorable, db.latest_restorable),
            Self::Cluster(c) => (c.earliest_restorable, c.latest_restorable),
        }
    }
}

/// `all`: met when every part is met, not met as soon as one is not.
/// `any`: met as soon as one part is met. Otherwise unknown.
fn combine(checks: &[Verify], live: &LiveState, ctx: VerifyContext, all: bool) -> Evidence {
    let parts: Vec<Evidence> = checks.iter().map(|c| evaluate(c, live, ctx)).collect();
    let seen = parts
        .iter()
        .map(|e| e.seen.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let has = |o: Outcome| parts.iter().any(|e| e.outcome == o);
    let outcome = match all {
        true if has(Outcome::NotMet) => Outcome::NotMet,
        true if has(Outcome::Unknown) => Outcome::Unknown,
        true => Outcome::Met,
        false if has(Outcome::Met) => Outcome::Met,
        false if has(Outcome::Unknown) => Outcome::Unknown,
        false => Outcome::NotMet,
    };
    Evidence { outcome, seen }
}

/// "45s", "12m", "3h", "2d": the largest whole unit, for tight columns.
pub fn short_age(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7_200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3_600),
        s => format!("{}d", s / 86_400),
    }
}

fn clock(at: Timestamp) -> String {
    at.strftime("%m-%d %H:%M").to_string()
}
