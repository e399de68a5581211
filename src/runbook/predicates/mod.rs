//! Verify predicates, one file each: its TOML shape, what it watches (which
//! also drives the loader's warnings), its label and its evaluation. The
//! `predicates!` line below registers them; the `Verify` enum and its
//! dispatch are generated from it.
//!
//! Adding a predicate: a file here with a `deny_unknown_fields` struct that
//! implements `Predicate`, and its line in `predicates!`. Each struct's
//! serde `expecting` keeps type errors worded as when predicates were enum
//! variants ("expected struct variant Verify::InstanceStatus").

use jiff::Timestamp;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::domain::snapshot::{
    DbCluster, DbInstance, EcsService, Feed, LiveState, SourceError, SourceKind,
};
use crate::domain::verify::{Evidence, Outcome, VerifyContext};
use crate::runbook::model::Environment;

/// What the predicate files share.
mod prelude {
    pub(super) use super::{
        Database, Predicate, Watched, data, ecs_service, not_found, not_read, unseen,
    };
    pub(super) use crate::domain::feeds::FeedKey;
    pub(super) use crate::domain::snapshot::LiveState;
    pub(super) use crate::domain::snapshot::SourceKind;
    pub(super) use crate::domain::verify::{Evidence, VerifyContext};
    pub(super) use crate::runbook::duration::{HumanDuration, earlier, secs_between};
    pub(super) use schemars::JsonSchema;
    pub(super) use serde::{Deserialize, Serialize};
}

/// One check on live state.
pub trait Predicate {
    /// Judges it; `Err` is evidence settled early (no data, nothing found).
    fn evaluate(&self, live: &LiveState, ctx: VerifyContext) -> Result<Evidence, Evidence>;
    /// A readable sentence, e.g. "PITR window of db covers now − 5m".
    fn label(&self) -> String;
    /// The resources it names: fetched by the AWS watchlist, and warned
    /// about when `[environment]` does not declare them.
    fn watches(&self) -> Vec<Watched<'_>>;
    /// The panes, by the kind of data each shows, where what it judges is
    /// seen: by default those of the resources it names.
    fn shown_in(&self) -> Vec<SourceKind> {
        self.watches().iter().map(Watched::shown_in).collect()
    }
    /// Warnings about it, as (field that holds the name, message).
    fn check(&self, env: &Environment) -> Vec<(&'static str, String)> {
        let watched = self.watches();
        watched.iter().filter_map(|w| w.undeclared(env)).collect()
    }
    /// Two examples as written in a runbook: met, then not met, against the
    /// snapshot in tests/verify_predicates.rs.
    fn examples() -> [&'static str; 2]
    where
        Self: Sized;
}

/// A resource a predicate names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watched<'a> {
    /// An RDS instance, else the Aurora cluster with that identifier.
    Database(&'a str),
    /// (cluster, service)
    EcsService(&'a str, &'a str),
    BackupVault(&'a str),
    Alarm(&'a str),
}

impl Watched<'_> {
    /// The pane, by the kind of data it shows, that lists it.
    pub fn shown_in(&self) -> SourceKind {
        match self {
            Self::Database(_) => SourceKind::Rds,
            Self::EcsService(..) => SourceKind::Ecs,
            Self::BackupVault(_) => SourceKind::Backups,
            Self::Alarm(_) => SourceKind::Alarms,
        }
    }

    /// The field naming it and a warning, when `[environment]` does not declare it.
    pub fn undeclared(&self, env: &Environment) -> Option<(&'static str, String)> {
        let (field, declared, what) = match *self {
            Self::Database(id) => (
                "instance",
                env.rds(id).is_some() || env.rds_cluster(id).is_some(),
                format!("RDS instance \"{id}\""),
            ),
            Self::EcsService(cluster, service) => (
                "service",
                env.ecs(cluster, service).is_some(),
                format!("ECS service \"{service}\" in cluster \"{cluster}\""),
            ),
            Self::BackupVault(vault) => (
                "vault",
                env.vault(vault).is_some(),
                format!("backup vault \"{vault}\""),
            ),
            Self::Alarm(alarm) => (
                "alarm",
                env.alarms.names.iter().any(|n| n == alarm)
                    || env
                        .alarms
                        .prefixes
                        .iter()
                        .any(|p| alarm.starts_with(p.as_str())),
                format!("alarm \"{alarm}\""),
            ),
        };
        // Alarms are declared by name or by prefix; the warning says which.
        let how = if field == "alarm" {
            " by name or prefix"
        } else {
            ""
        };
        let message = format!("verify names {what} which [environment] does not declare{how}");
        (!declared).then_some((field, message))
    }
}

/// A `Verify` seen as a predicate or a combination of checks.
pub enum Node<'a> {
    Leaf(&'a dyn Predicate),
    All(&'a [Verify]),
    Any(&'a [Verify]),
}

/// Registers the predicates: `file => Type`, the file named as the TOML key.
macro_rules! predicates {
    ($($module:ident => $Type:ident),* $(,)?) => {
        $(mod $module; pub use $module::$Type;)*

        /// A check on live state, written as a typed TOML table, e.g.
        /// `verify.instance_status = { instance = "db-restore", status = "available" }`.
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        pub enum Verify {
            $($Type($Type),)*
            All(#[schemars(length(min = 1))] Vec<Verify>),
            Any(#[schemars(length(min = 1))] Vec<Verify>),
        }

        impl Verify {
            /// The predicate's TOML key.
            pub fn key(&self) -> &'static str {
                match self {
                    $(Self::$Type(_) => stringify!($module),)*
                    Self::All(_) => "all",
                    Self::Any(_) => "any",
                }
            }

            /// What it is, for dispatch.
            pub fn node(&self) -> Node<'_> {
                match self {
                    $(Self::$Type(p) => Node::Leaf(p),)*
                    Self::All(parts) => Node::All(parts),
                    Self::Any(parts) => Node::Any(parts),
                }
            }
        }

        /// Every predicate's TOML key with its examples, in registration order.
        pub fn examples() -> Vec<(&'static str, [&'static str; 2])> {
            vec![$((stringify!($module), $Type::examples()),)*]
        }
    };
}

predicates! {
    instance_exists => InstanceExists,
    instance_status => InstanceStatus,
    instance_promoted => InstancePromoted,
    replica_lag_below => ReplicaLagBelow,
    recovery_point_younger_than => RecoveryPointYoungerThan,
    pitr_covers => PitrCovers,
    ecs_service_exists => EcsServiceExists,
    ecs_stable => EcsStable,
    ecs_running_at_least => EcsRunningAtLeast,
    alarm_state => AlarmState,
}

pub use alarm_state::AlarmStateName;

impl Verify {
    /// The predicates inside `all` / `any`, flattened.
    pub fn leaves(&self) -> Vec<&Verify> {
        match self.node() {
            Node::Leaf(_) => vec![self],
            Node::All(parts) | Node::Any(parts) => parts.iter().flat_map(Self::leaves).collect(),
        }
    }

    /// Its TOML key and value (nested `all` / `any` as inline arrays),
    /// through the serde shape: no predicate is spelled out. `None` only if
    /// serde fails, which a predicate (string keys only) cannot.
    pub fn to_toml(&self) -> Option<(String, toml_edit::Value)> {
        let doc = toml_edit::ser::to_document(self).ok()?;
        let (key, item) = doc.as_table().iter().next()?;
        Some((key.to_owned(), item.clone().into_value().ok()?))
    }

    /// The panes, by kind, showing what any predicate in it judges; each once,
    /// in `SourceKind::ALL` order.
    pub fn shown_in(&self) -> Vec<SourceKind> {
        let kinds: Vec<SourceKind> = match self.node() {
            Node::Leaf(predicate) => predicate.shown_in(),
            Node::All(parts) | Node::Any(parts) => parts.iter().flat_map(Self::shown_in).collect(),
        };
        SourceKind::ALL
            .into_iter()
            .filter(|k| kinds.contains(k))
            .collect()
    }

    /// What every predicate in it watches.
    pub fn watches(&self) -> Vec<Watched<'_>> {
        match self.node() {
            Node::Leaf(predicate) => predicate.watches(),
            Node::All(parts) | Node::Any(parts) => parts.iter().flat_map(Self::watches).collect(),
        }
    }
}

impl Evidence {
    fn met(seen: impl Into<String>) -> Self {
        Self::new(Outcome::Met, seen)
    }
    fn not_met(seen: impl Into<String>) -> Self {
        Self::new(Outcome::NotMet, seen)
    }
    fn unknown(seen: impl Into<String>) -> Self {
        Self::new(Outcome::Unknown, seen)
    }
    fn judge(ok: bool, seen: impl Into<String>) -> Self {
        Self::new(if ok { Outcome::Met } else { Outcome::NotMet }, seen)
    }
    fn new(outcome: Outcome, seen: impl Into<String>) -> Self {
        Self {
            outcome,
            seen: seen.into(),
        }
    }
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

/// What an instance check judges: the RDS instance with that identifier,
/// else the Aurora cluster with it (instances and clusters have separate
/// identifier namespaces, and instances were checkable first).
enum Database<'a> {
    Instance(&'a DbInstance),
    Cluster(&'a DbCluster),
}

impl<'a> Database<'a> {
    /// The database named `id` in the RDS feed; `Err` is the evidence to
    /// report instead (no data, or not found).
    fn find(live: &'a LiveState, id: &str) -> Result<Self, Evidence> {
        let rds = data(&live.rds, "RDS")?;
        let db = rds
            .instance(id)
            .map(Self::Instance)
            .or_else(|| rds.cluster(id).map(Self::Cluster))
            .ok_or_else(|| unseen(id, rds.unlisted().next()))?;
        let stale = match &db {
            Self::Instance(i) => i.stale.as_ref(),
            Self::Cluster(c) => c.stale.as_ref(),
        };
        match stale {
            Some(e) => Err(not_read(&db.name(), e)),
            None => Ok(db),
        }
    }

    /// Why a figure of this database from `api` is unknown, if its call failed.
    fn unavailable(&self, live: &'a LiveState, api: &str) -> Option<&'a SourceError> {
        let Self::Instance(db) = self else {
            return None;
        };
        live.rds.data.as_ref()?.unavailable_in(&db.region, api)
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

/// "x not found": a named resource missing from its feed is not met.
fn not_found(name: &str) -> Evidence {
    Evidence::not_met(format!("{name} not found"))
}

/// Not found, unless a listing failed: then it may be where that listing
/// could not see, and the check is unknown, never not met.
fn unseen(name: &str, unlisted: Option<&SourceError>) -> Evidence {
    match unlisted {
        Some(e) => Evidence::unknown(format!("{name} not seen: {e}")),
        None => not_found(name),
    }
}

/// A row kept from a feed that now fails: what it says may no longer be
/// true, so the check is unknown, never judged on it.
fn not_read(name: &str, error: &SourceError) -> Evidence {
    let since = error
        .since
        .map(|at| format!(" since {}", at.strftime("%H:%M:%S UTC")))
        .unwrap_or_default();
    Evidence::unknown(format!("{name} not read{since}: {error}"))
}

/// The ECS service `cluster`/`service`, or the evidence to report instead.
fn ecs_service<'a>(
    live: &'a LiveState,
    cluster: &str,
    name: &str,
) -> Result<&'a EcsService, Evidence> {
    let ecs = data(&live.ecs, "ECS")?;
    let svc = ecs
        .service(cluster, name)
        .ok_or_else(|| unseen(name, ecs.unlisted().next()))?;
    match &svc.stale {
        Some(e) => Err(not_read(name, e)),
        None => Ok(svc),
    }
}
