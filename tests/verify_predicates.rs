//! Every verify predicate against small hand-made snapshots: met, not met,
//! and unknown (a feed with no data yet, and a feed in error). One table per
//! outcome family; each row names the check, the clocks, the outcome and
//! words the evidence must show.

use drconsole::domain::readiness::label;
use drconsole::domain::snapshot::*;
use drconsole::domain::verify::{Outcome, VerifyContext, evaluate};
use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::load;
use drconsole::runbook::model::{AlarmStateName, Runbook, Verify};
use drconsole::runbook::predicates;
use drconsole::runbook::predicates::Watched;
use drconsole::sources::aws::watch::undeclared_instances;
use jiff::{SignedDuration, Timestamp};

const MIN: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;

fn now() -> Timestamp {
    "2026-03-14T02:00:00Z".parse().unwrap()
}

fn ago(secs: i64) -> Timestamp {
    now() - SignedDuration::from_secs(secs)
}

fn dur(text: &str) -> HumanDuration {
    HumanDuration::parse(text).unwrap()
}

// ------------------------------------------------------------ snapshots

fn db(id: &str, status: &str, replica_of: Option<&str>) -> DbInstance {
    DbInstance {
        replica_of: replica_of.map(Into::into),
        engine: Some("postgres".into()),
        ..DbInstance::new(id, "us-east-1", status)
    }
}

/// `db`: a primary whose PITR window runs from 7 days ago to 4 minutes ago;
/// `db-replica`: 30 s behind; `db-silent`: a replica reporting no lag;
/// `db-creating`: no restore window yet.
fn rds() -> RdsSnapshot {
    let mut primary = db("db", "available", None);
    primary.earliest_restorable = Some(ago(7 * DAY));
    primary.latest_restorable = Some(ago(4 * MIN));
    let mut replica = db("db-replica", "available", Some("db"));
    replica.lag_secs = Some(30.0);
    replica.replication_state = Some("replicating".into());
    RdsSnapshot {
        instances: vec![
            primary,
            replica,
            db("db-silent", "available", Some("db")),
            db("db-creating", "creating", None),
        ],
        clusters: clusters(),
        unavailable: Vec::new(),
    }
}

fn cluster(id: &str, status: &str, replica_of: Option<&str>) -> DbCluster {
    DbCluster {
        stale: None,
        id: id.into(),
        region: "us-east-1".into(),
        status: status.into(),
        engine: Some("aurora-postgresql".into()),
        multi_az: true,
        writer: Some(format!("{id}-instance-1")),
        readers: vec![format!("{id}-instance-2")],
        endpoint: None,
        reader_endpoint: None,
        earliest_restorable: None,
        latest_restorable: None,
        replica_of: replica_of.map(Into::into),
    }
}

/// `orders`: a primary Aurora cluster whose window runs from 3 days ago to
/// 2 minutes ago; `orders-dr`: its global secondary; `db`: a stopped cluster
/// sharing its id with the available instance `db`.
fn clusters() -> Vec<DbCluster> {
    let mut orders = cluster("orders", "available", None);
    orders.earliest_restorable = Some(ago(3 * DAY));
    orders.latest_restorable = Some(ago(2 * MIN));
    vec![
        orders,
        cluster("orders-dr", "promoting", Some("orders")),
        cluster("db", "stopped", None),
    ]
}

fn point(
    id: &str,
    vault: &str,
    region: &str,
    resource: &str,
    age: i64,
    done: bool,
) -> RecoveryPoint {
    RecoveryPoint {
        id: id.into(),
        kind: RecoveryPointKind::Backup,
        vault: Some(vault.into()),
        region: region.into(),
        resource: resource.into(),
        status: if done {
            RecoveryPointStatus::Completed
        } else {
            RecoveryPointStatus::Running
        },
        created: ago(age + 10 * MIN),
        completed: done.then(|| ago(age)),
        size_bytes: None,
        delete_at: None,
        cold_storage_at: None,
        status_message: None,
    }
}

/// Newest first: a running job (not restorable), `other-db` 30 min old,
/// `db` (by ARN) 1 h old in vault-a / us-east-1, `db` 10 h old in vault-b /
/// us-west-2.
fn backups() -> BackupSnapshot {
    BackupSnapshot {
        recovery_points: vec![
            point("rp-running", "vault-a", "us-east-1", "db", 5 * MIN, false),
            point(
                "rp-other",
                "vault-a",
                "us-east-1",
                "other-db",
                30 * MIN,
                true,
            ),
            point(
                "rp-db",
                "vault-a",
                "us-east-1",
                "arn:aws:rds:us-east-1:123456789012:db:db",
                HOUR,
                true,
            ),
            point("rp-dr", "vault-b", "us-west-2", "db", 10 * HOUR, true),
        ],
        unavailable: Vec::new(),
    }
}

fn service(name: &str, desired: u32, running: u32, rollouts: &[RolloutState]) -> EcsService {
    EcsService {
        stale: None,
        cluster: "c".into(),
        name: name.into(),
        region: "us-east-1".into(),
        status: "ACTIVE".into(),
        desired,
        running,
        pending: desired.saturating_sub(running),
        deployments: rollouts
            .iter()
            .enumerate()
            .map(|(n, rollout)| Deployment {
                id: format!("d{n}"),
                status: if n == 0 { "PRIMARY" } else { "ACTIVE" }.into(),
                task_definition: format!("{name}:{n}"),
                rollout: Some(*rollout),
                desired,
                running,
                pending: 0,
                failed_tasks: 0,
                updated: None,
            })
            .collect(),
        events: vec![],
        circuit_breaker: false,
        stopped_tasks: Vec::new(),
    }
}

/// `web` stable 2/2; `rolling` mid-rollout 1/2 with two deployments;
/// `parked` scaled to zero and settled.
fn ecs() -> EcsSnapshot {
    use RolloutState::*;
    EcsSnapshot {
        services: vec![
            service("web", 2, 2, &[Completed]),
            service("rolling", 2, 1, &[InProgress, Completed]),
            service("parked", 0, 0, &[Completed]),
        ],
        unavailable: Vec::new(),
    }
}

fn alarms() -> AlarmSnapshot {
    let alarm = |name: &str, state| Alarm {
        stale: None,
        name: name.into(),
        region: "us-east-1".into(),
        state,
        reason: String::new(),
        updated: ago(MIN),
        metric: None,
    };
    AlarmSnapshot {
        alarms: vec![
            alarm("app-5xx", AlarmState::Alarm),
            alarm("db-down", AlarmState::Ok),
        ],
        unavailable: Vec::new(),
    }
}

fn live() -> LiveState {
    let mut live = LiveState::default();
    live.rds.apply(ago(5), Ok(rds()));
    live.backups.apply(ago(5), Ok(backups()));
    live.ecs.apply(ago(5), Ok(ecs()));
    live.alarms.apply(ago(5), Ok(alarms()));
    live
}

/// Every feed failed on its latest attempt, after one good fetch: the
/// stale data is still there, but nothing should be judged on it.
fn live_in_error() -> LiveState {
    let mut live = live();
    let err = || SourceError::new("ThrottlingException", "Rate exceeded");
    live.rds.apply(now(), Err(err()));
    live.backups.apply(now(), Err(err()));
    live.ecs.apply(now(), Err(err()));
    live.alarms.apply(now(), Err(err()));
    live
}

// ------------------------------------------------------------ predicates

fn instance_exists(i: &str) -> Verify {
    Verify::InstanceExists(predicates::InstanceExists { instance: i.into() })
}
fn instance_status(i: &str, s: &str) -> Verify {
    Verify::InstanceStatus(predicates::InstanceStatus {
        instance: i.into(),
        status: s.into(),
    })
}
fn promoted(i: &str) -> Verify {
    Verify::InstancePromoted(predicates::InstancePromoted { instance: i.into() })
}
fn lag_below(i: &str, max: &str) -> Verify {
    Verify::ReplicaLagBelow(predicates::ReplicaLagBelow {
        instance: i.into(),
        max: dur(max),
    })
}
fn point_younger(
    vault: Option<&str>,
    resource: Option<&str>,
    region: Option<&str>,
    max: &str,
) -> Verify {
    Verify::RecoveryPointYoungerThan(predicates::RecoveryPointYoungerThan {
        vault: vault.map(Into::into),
        resource: resource.map(Into::into),
        region: region.map(Into::into),
        max_age: dur(max),
    })
}
fn pitr(i: &str, before: &str) -> Verify {
    Verify::PitrCovers(predicates::PitrCovers {
        instance: i.into(),
        before_incident: dur(before),
    })
}
fn ecs_exists(s: &str) -> Verify {
    Verify::EcsServiceExists(predicates::EcsServiceExists {
        cluster: "c".into(),
        service: s.into(),
    })
}
fn ecs_stable(s: &str) -> Verify {
    Verify::EcsStable(predicates::EcsStable {
        cluster: "c".into(),
        service: s.into(),
        desired: None,
    })
}
fn running_at_least(s: &str, count: u32) -> Verify {
    Verify::EcsRunningAtLeast(predicates::EcsRunningAtLeast {
        cluster: "c".into(),
        service: s.into(),
        count,
    })
}
fn alarm(a: &str, state: AlarmStateName) -> Verify {
    Verify::AlarmState(predicates::AlarmState {
        alarm: a.into(),
        state,
    })
}

/// Before any declaration (readiness, or a step before "declare").
fn undeclared() -> VerifyContext {
    VerifyContext {
        now: now(),
        incident_start: None,
    }
}

/// Declared `secs` ago.
fn declared(secs: i64) -> VerifyContext {
    VerifyContext {
        now: now(),
        incident_start: Some(ago(secs)),
    }
}

struct Case {
    name: &'static str,
    check: Verify,
    ctx: VerifyContext,
    outcome: Outcome,
    /// Words the evidence must contain.
    seen: Vec<String>,
}

fn case(name: &'static str, check: Verify, outcome: Outcome, seen: &[&str]) -> Case {
    at(name, check, undeclared(), outcome, seen)
}

fn at(
    name: &'static str,
    check: Verify,
    ctx: VerifyContext,
    outcome: Outcome,
    seen: &[&str],
) -> Case {
    Case {
        name,
        check,
        ctx,
        outcome,
        seen: seen.iter().map(|w| w.to_string()).collect(),
    }
}

fn run(cases: Vec<Case>, live: &LiveState) {
    let mut failures = Vec::new();
    for c in &cases {
        let evidence = evaluate(&c.check, live, c.ctx);
        let missing: Vec<&String> = c
            .seen
            .iter()
            .filter(|w| !evidence.seen.contains(w.as_str()))
            .collect();
        if evidence.outcome != c.outcome || !missing.is_empty() {
            failures.push(format!(
                "{}: expected {:?} with {:?}, got {:?} {:?}",
                c.name, c.outcome, c.seen, evidence.outcome, evidence.seen
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

use AlarmStateName::{Alarm as ALARM, Ok as OK};
use Outcome::{Met, NotMet, Unknown};

#[test]
fn rds_predicates() {
    run(
        vec![
            case(
                "exists",
                instance_exists("db"),
                Met,
                &["db exists", "available"],
            ),
            case(
                "exists, creating",
                instance_exists("db-creating"),
                Met,
                &["creating"],
            ),
            case(
                "exists, absent",
                instance_exists("ghost"),
                NotMet,
                &["ghost not found"],
            ),
            case(
                "status",
                instance_status("db", "available"),
                Met,
                &["db is available"],
            ),
            case(
                "status, any case",
                instance_status("db", "AVAILABLE"),
                Met,
                &["available"],
            ),
            case(
                "status, other",
                instance_status("db-creating", "available"),
                NotMet,
                &["db-creating is creating"],
            ),
            case(
                "status, absent",
                instance_status("ghost", "available"),
                NotMet,
                &["not found"],
            ),
            case("promoted", promoted("db"), Met, &["db is standalone"]),
            case(
                "promoted, still a replica",
                promoted("db-replica"),
                NotMet,
                &["db-replica still replicates db"],
            ),
            case(
                "promoted, absent",
                promoted("ghost"),
                NotMet,
                &["not found"],
            ),
            case(
                "lag",
                lag_below("db-replica", "1m"),
                Met,
                &["lag 30s", "max 1m"],
            ),
            case(
                "lag, over",
                lag_below("db-replica", "10s"),
                NotMet,
                &["lag 30s", "max 10s"],
            ),
            case(
                "lag, at the bound",
                lag_below("db-replica", "30s"),
                NotMet,
                &["lag 30s"],
            ),
            case(
                "lag, not reported",
                lag_below("db-silent", "1m"),
                Unknown,
                &["db-silent reports no lag"],
            ),
            case(
                "lag, absent",
                lag_below("ghost", "1m"),
                NotMet,
                &["ghost not found"],
            ),
        ],
        &live(),
    );
}

#[test]
fn recovery_point_predicates_with_each_filter() {
    run(
        vec![
            case(
                "any point",
                point_younger(None, None, None, "1h"),
                Met,
                &["newest 30m old"],
            ),
            case(
                "any point, too old",
                point_younger(None, None, None, "20m"),
                NotMet,
                &["newest 30m old", "max 20m"],
            ),
            case(
                "resource, by ARN suffix",
                point_younger(None, Some("db"), None, "2h"),
                Met,
                &["newest 60m old"],
            ),
            case(
                "resource, the running job does not count",
                point_younger(None, Some("db"), None, "30m"),
                NotMet,
                &["newest 60m old"],
            ),
            case(
                "resource, by full ARN",
                point_younger(
                    None,
                    Some("arn:aws:rds:us-east-1:123456789012:db:db"),
                    None,
                    "2h",
                ),
                Met,
                &["60m"],
            ),
            case(
                "resource, none",
                point_younger(None, Some("ghost"), None, "30d"),
                NotMet,
                &["no completed recovery point"],
            ),
            case(
                "vault",
                point_younger(Some("vault-b"), None, None, "12h"),
                Met,
                &["10h"],
            ),
            case(
                "vault, too old",
                point_younger(Some("vault-b"), None, None, "5h"),
                NotMet,
                &["newest 10h old", "max 5h"],
            ),
            case(
                "vault, empty",
                point_younger(Some("vault-z"), None, None, "30d"),
                NotMet,
                &["no completed recovery point"],
            ),
            case(
                "region",
                point_younger(None, None, Some("us-west-2"), "12h"),
                Met,
                &["10h"],
            ),
            case(
                "region, too old",
                point_younger(None, None, Some("us-west-2"), "5h"),
                NotMet,
                &["10h", "max 5h"],
            ),
            case(
                "region, empty",
                point_younger(None, None, Some("eu-west-1"), "30d"),
                NotMet,
                &["no completed recovery point"],
            ),
            case(
                "all filters together",
                point_younger(Some("vault-a"), Some("db"), Some("us-east-1"), "2h"),
                Met,
                &["60m"],
            ),
            case(
                "filters that exclude each other",
                point_younger(Some("vault-b"), Some("db"), Some("us-east-1"), "30d"),
                NotMet,
                &["no completed recovery point"],
            ),
        ],
        &live(),
    );
}

#[test]
fn instance_checks_judge_an_aurora_cluster_when_no_instance_has_its_id() {
    run(
        vec![
            case(
                "exists",
                instance_exists("orders"),
                Met,
                &["cluster orders exists (available)"],
            ),
            case(
                "status",
                instance_status("orders-dr", "promoting"),
                Met,
                &["cluster orders-dr is promoting"],
            ),
            case(
                "status, other",
                instance_status("orders-dr", "available"),
                NotMet,
                &["cluster orders-dr is promoting"],
            ),
            case(
                "promoted, standalone cluster",
                promoted("orders"),
                Met,
                &["cluster orders is standalone"],
            ),
            case(
                "promoted, still a secondary",
                promoted("orders-dr"),
                NotMet,
                &["cluster orders-dr still replicates orders"],
            ),
            case(
                "an instance with the id wins over the cluster",
                instance_status("db", "available"),
                Met,
                &["db is available"],
            ),
            case(
                "pitr, inside the cluster's window",
                pitr("orders", "1h"),
                Met,
                &["window 03-11 02:00 – 03-14 01:58"],
            ),
            case(
                "pitr, before the cluster's window",
                pitr("orders", "4d"),
                NotMet,
                &["window"],
            ),
            case(
                "pitr, a secondary has no window",
                pitr("orders-dr", "1h"),
                NotMet,
                &["cluster orders-dr has no restore window"],
            ),
            case(
                "lag is an instance's only",
                lag_below("orders-dr", "1m"),
                NotMet,
                &["orders-dr not found"],
            ),
        ],
        &live(),
    );
}

#[test]
fn pitr_covers_before_and_after_a_declaration() {
    // The window of `db` runs from 7 days ago to 4 minutes ago.
    let with = at;
    run(
        vec![
            with(
                "undeclared: now − 5m",
                pitr("db", "5m"),
                undeclared(),
                Met,
                &["window"],
            ),
            with(
                "undeclared: now is past the latest restorable time",
                pitr("db", "0s"),
                undeclared(),
                NotMet,
                &["window 03-07 02:00 – 03-14 01:56"],
            ),
            with(
                "undeclared: older than the window",
                pitr("db", "8d"),
                undeclared(),
                NotMet,
                &["window"],
            ),
            with(
                "declared 10m ago, target the declaration",
                pitr("db", "0s"),
                declared(10 * MIN),
                Met,
                &["window"],
            ),
            with(
                "declared 2m ago: the window has not caught up",
                pitr("db", "0s"),
                declared(2 * MIN),
                NotMet,
                &["window"],
            ),
            with(
                "declared 3h ago, 2h before it",
                pitr("db", "2h"),
                declared(3 * HOUR),
                Met,
                &["window"],
            ),
            with(
                "declared long ago: before the window began",
                pitr("db", "5m"),
                declared(7 * DAY + HOUR),
                NotMet,
                &["window"],
            ),
            with(
                "no window",
                pitr("db-creating", "5m"),
                undeclared(),
                NotMet,
                &["db-creating has no restore window"],
            ),
            with(
                "absent",
                pitr("ghost", "5m"),
                undeclared(),
                NotMet,
                &["ghost not found"],
            ),
        ],
        &live(),
    );
}

#[test]
fn ecs_predicates() {
    run(
        vec![
            case(
                "exists",
                ecs_exists("web"),
                Met,
                &["web exists", "ACTIVE, 2/2 running"],
            ),
            case(
                "exists, scaled to zero",
                ecs_exists("parked"),
                Met,
                &["0/0 running"],
            ),
            case(
                "exists, absent",
                ecs_exists("ghost"),
                NotMet,
                &["ghost not found"],
            ),
            case(
                "exists, other cluster",
                Verify::EcsServiceExists(predicates::EcsServiceExists {
                    cluster: "other".into(),
                    service: "web".into(),
                }),
                NotMet,
                &["not found"],
            ),
            case(
                "stable",
                ecs_stable("web"),
                Met,
                &["2/2 running", "1 deployment(s)", "rollout COMPLETED"],
            ),
            case(
                "stable at zero",
                ecs_stable("parked"),
                Met,
                &["0/0 running"],
            ),
            case(
                "mid-rollout",
                ecs_stable("rolling"),
                NotMet,
                &["1/2 running", "2 deployment(s)", "rollout IN_PROGRESS"],
            ),
            case(
                "stable, absent",
                ecs_stable("ghost"),
                NotMet,
                &["not found"],
            ),
            case(
                "running at least",
                running_at_least("web", 2),
                Met,
                &["2 running (need 2)"],
            ),
            case(
                "running too few",
                running_at_least("rolling", 2),
                NotMet,
                &["1 running (need 2)"],
            ),
            case(
                "running, absent",
                running_at_least("ghost", 1),
                NotMet,
                &["not found"],
            ),
        ],
        &live(),
    );
}

#[test]
fn alarm_predicates() {
    run(
        vec![
            case(
                "in the state",
                alarm("app-5xx", ALARM),
                Met,
                &["app-5xx is ALARM"],
            ),
            case("OK", alarm("db-down", OK), Met, &["db-down is OK"]),
            case(
                "other state",
                alarm("app-5xx", OK),
                NotMet,
                &["app-5xx is ALARM"],
            ),
            case("absent", alarm("ghost", OK), NotMet, &["ghost not found"]),
        ],
        &live(),
    );
}

#[test]
fn all_and_any_combine_their_parts() {
    let met = || instance_exists("db");
    let not_met = || instance_exists("ghost");
    let unknown = || lag_below("db-silent", "1m");
    run(
        vec![
            case(
                "all met",
                Verify::All(vec![met(), ecs_stable("web")]),
                Met,
                &["db exists", "; ", "rollout COMPLETED"],
            ),
            case(
                "all, one not met",
                Verify::All(vec![met(), not_met()]),
                NotMet,
                &["ghost"],
            ),
            case(
                "all, one unknown",
                Verify::All(vec![met(), unknown()]),
                Unknown,
                &["no lag"],
            ),
            case(
                "all, not met beats unknown",
                Verify::All(vec![unknown(), not_met()]),
                NotMet,
                &["no lag", "not found"],
            ),
            case(
                "any, one met",
                Verify::Any(vec![not_met(), met()]),
                Met,
                &["db exists"],
            ),
            case(
                "any, met beats unknown",
                Verify::Any(vec![unknown(), met()]),
                Met,
                &["db exists"],
            ),
            case(
                "any, unknown beats not met",
                Verify::Any(vec![not_met(), unknown()]),
                Unknown,
                &["no lag"],
            ),
            case(
                "any, none met",
                Verify::Any(vec![not_met(), alarm("app-5xx", OK)]),
                NotMet,
                &["ghost not found", "app-5xx is ALARM"],
            ),
            case(
                "nested",
                Verify::All(vec![
                    met(),
                    Verify::Any(vec![not_met(), alarm("db-down", OK)]),
                ]),
                Met,
                &["db-down is OK"],
            ),
        ],
        &live(),
    );
}

/// One of each leaf predicate, with the feed it reads (as named in `seen`).
fn one_of_each() -> Vec<(Verify, &'static str)> {
    vec![
        (instance_exists("db"), "RDS"),
        (instance_status("db", "available"), "RDS"),
        (promoted("db"), "RDS"),
        (lag_below("db-replica", "1m"), "RDS"),
        (
            point_younger(Some("vault-a"), Some("db"), Some("us-east-1"), "1d"),
            "backup",
        ),
        (pitr("db", "5m"), "RDS"),
        (ecs_exists("web"), "ECS"),
        (ecs_stable("web"), "ECS"),
        (running_at_least("web", 1), "ECS"),
        (alarm("db-down", OK), "alarm"),
    ]
}

#[test]
fn every_predicate_met_on_the_good_snapshot_is_unknown_without_data() {
    let mut cases = Vec::new();
    let mut empty = Vec::new();
    for (check, feed) in one_of_each() {
        cases.push(case(check.key(), check.clone(), Met, &[]));
        let seen = format!("no {feed} data yet");
        empty.push(case(check.key(), check, Unknown, &[&seen]));
    }
    run(cases, &live());
    run(empty, &LiveState::default());
}

#[test]
fn every_predicate_is_unknown_when_its_feed_is_in_error_even_with_stale_data() {
    let mut cases = Vec::new();
    for (check, feed) in one_of_each() {
        let seen = format!("{feed} unavailable: ThrottlingException");
        cases.push(case(check.key(), check, Unknown, &[&seen]));
    }
    cases.push(case(
        "all over failed feeds",
        Verify::All(vec![instance_exists("db"), ecs_stable("web")]),
        Unknown,
        &["RDS unavailable", "ECS unavailable"],
    ));
    cases.push(case(
        "any over failed feeds",
        Verify::Any(vec![instance_exists("db"), alarm("db-down", OK)]),
        Unknown,
        &["alarm unavailable"],
    ));
    run(cases, &live_in_error());
}

#[test]
fn one_failed_feed_leaves_the_others_judged() {
    let mut live = live();
    live.backups.apply(
        now(),
        Err(SourceError::new("AccessDeniedException", "not authorized")),
    );
    run(
        vec![
            case(
                "backups unknown",
                point_younger(None, None, None, "1d"),
                Unknown,
                &["backup unavailable: AccessDeniedException"],
            ),
            case(
                "RDS still judged",
                instance_exists("db"),
                Met,
                &["db exists"],
            ),
            case(
                "all with a met and an unknown part",
                Verify::All(vec![
                    instance_exists("db"),
                    point_younger(None, None, None, "1d"),
                ]),
                Unknown,
                &["db exists", "backup unavailable"],
            ),
        ],
        &live,
    );
}

/// A recovery-point check that fails while part of the backups feed did not
/// answer cannot say "not met": the missing part may hold the point.
#[test]
fn recovery_point_not_met_with_a_part_unavailable_is_unknown() {
    let mut partial = backups();
    partial
        .unavailable
        .push(SourceError::new("AccessDenied", "vault-c: not authorized"));
    let mut live = LiveState::default();
    live.backups.apply(now(), Ok(partial));
    let too_young = Verify::RecoveryPointYoungerThan(predicates::RecoveryPointYoungerThan {
        vault: None,
        resource: None,
        region: None,
        max_age: HumanDuration::from_secs(1),
    });
    let e = evaluate(
        &too_young,
        &live,
        VerifyContext {
            now: now(),
            incident_start: None,
        },
    );
    assert_eq!(e.outcome, Outcome::Unknown, "{e:?}");
    assert!(e.seen.contains("AccessDenied"), "{e:?}");
    let any_age = Verify::RecoveryPointYoungerThan(predicates::RecoveryPointYoungerThan {
        vault: None,
        resource: None,
        region: None,
        max_age: HumanDuration::from_hours(48),
    });
    assert_eq!(
        evaluate(
            &any_age,
            &live,
            VerifyContext {
                now: now(),
                incident_start: None
            }
        )
        .outcome,
        Outcome::Met,
        "what answered still meets it"
    );
}

// ------------------------------------------------- the registration list

/// A runbook whose one step checks `verify.KEY = EXAMPLE`, with
/// `environment` lines after `[environment]`; returns the text and the
/// 1-based line of the check.
fn runbook_with(key: &str, example: &str, environment: &str) -> (String, usize) {
    let head = format!(
        "name = \"t\"\n[objectives]\nrto = \"1h\"\nrpo = \"1h\"\n[environment]\n\
         regions = {{ primary = \"us-east-1\" }}\n{environment}\
         [[scenario]]\nid = \"s\"\ntitle = \"s\"\n[[scenario.step]]\nid = \"x\"\ntitle = \"x\"\n"
    );
    let line = head.lines().count() + 1;
    (format!("{head}verify.{key} = {example}\n"), line)
}

/// `[environment]` lines declaring exactly what a check watches.
fn declaring(watched: &[Watched]) -> String {
    let mut out = String::new();
    for w in watched {
        out += &match w {
            Watched::Database(id) => format!("[[environment.rds]]\nid = \"{id}\"\n"),
            Watched::EcsService(c, s) => {
                format!("[[environment.ecs]]\ncluster = \"{c}\"\nservice = \"{s}\"\n")
            }
            Watched::BackupVault(v) => format!("[[environment.backup_vaults]]\nname = \"{v}\"\n"),
            Watched::Alarm(a) => format!("[environment.alarms]\nnames = [\"{a}\"]\n"),
        };
    }
    out
}

fn the_check(runbook: &Runbook) -> &Verify {
    runbook.scenarios[0].steps[0].verify.as_ref().unwrap()
}

/// Every registered predicate, through every path: parsed from TOML,
/// written back and parsed again, validated (its undeclared names warned
/// about where they are written, an unknown field an error on its line),
/// judged met / not met / unknown, labelled, and watched.
#[test]
fn every_registered_predicate_through_every_path() {
    let registered = predicates::examples();
    assert!(registered.len() >= 10, "predicates went missing");
    for (key, [met, not_met]) in registered {
        for (example, outcome) in [(met, Outcome::Met), (not_met, Outcome::NotMet)] {
            let what = format!("verify.{key} = {example}");
            let (text, line) = runbook_with(key, example, "");
            let (runbook, warnings) =
                load::parse(&text, "t.toml").unwrap_or_else(|e| panic!("{what}: {e:?}"));
            let check = the_check(&runbook).clone();
            assert_eq!(check.key(), key, "{what}");

            // Written the way the importer writes it, it reads back the same.
            let (written_key, value) = check.to_toml().expect("a predicate writes as TOML");
            let written = format!("verify.{written_key} = {value}");
            let again = text.replace(&format!("verify.{key} = {example}"), &written);
            let (reread, _) =
                load::parse(&again, "t.toml").unwrap_or_else(|e| panic!("{written}: {e:?}"));
            assert_eq!(the_check(&reread), &check, "{written}");

            // It names something; each name is warned about at its value
            // until [environment] declares it.
            let watched = check.watches();
            assert!(!watched.is_empty(), "{what} watches nothing");
            assert_eq!(warnings.len(), watched.len(), "{what}: {warnings:?}");
            // 1-based columns of the values of the fields that name things.
            let check_line = text.lines().nth(line - 1).unwrap();
            let name_columns: Vec<usize> = ["instance", "service", "vault", "alarm"]
                .iter()
                .filter_map(|f| {
                    check_line
                        .find(&format!(" {f} = "))
                        .map(|i| i + f.len() + 5)
                })
                .collect();
            for warning in &warnings {
                assert_eq!(warning.line, line, "{what}: {warning}");
                assert!(name_columns.contains(&warning.column), "{what}: {warning}");
            }
            let (declared, _) = runbook_with(key, example, &declaring(&watched));
            let (_, none) = load::parse(&declared, "t.toml").unwrap();
            assert_eq!(none, [], "{what} with its names declared");
            let databases: Vec<&str> = watched
                .iter()
                .filter_map(|w| match w {
                    Watched::Database(id) => Some(*id),
                    _ => None,
                })
                .collect();
            assert_eq!(undeclared_instances(&runbook), databases, "{what}");

            // An unknown field is an error on the check's line.
            let open = text.trim_end().strip_suffix(" }").unwrap();
            let bad = format!("{open}, bogus = 1 }}\n");
            let errors = load::parse(&bad, "t.toml").unwrap_err();
            assert_eq!(errors.len(), 1, "{what}: {errors:?}");
            assert_eq!(errors[0].line, line, "{what}: {}", errors[0]);
            assert!(
                errors[0].message.contains("unknown field `bogus`"),
                "{}",
                errors[0]
            );

            let judged = evaluate(&check, &live(), undeclared());
            assert_eq!(judged.outcome, outcome, "{what}: {}", judged.seen);
            let blind = evaluate(&check, &LiveState::default(), undeclared());
            assert_eq!(blind.outcome, Outcome::Unknown, "{what}: {}", blind.seen);
            assert!(!label(&check).trim().is_empty(), "{what}");
        }
    }
}

/// Rows kept from a feed that now fails (its region unreachable, say) say
/// what was, not what is: every check on them is unknown and says why,
/// while the same checks on the same rows fresh are judged.
#[test]
fn checks_on_rows_kept_stale_are_unknown() {
    let checks = || {
        [
            ("status", instance_status("db", "available"), "db"),
            ("promoted", promoted("orders"), "orders"),
            ("lag", lag_below("db-replica", "1m"), "db-replica"),
            ("ecs", ecs_stable("web"), "web"),
            ("alarm", alarm("db-down", OK), "db-down"),
        ]
    };
    let stale = SourceError::new("Unreachable", "cannot reach the endpoint")
        .from_call("us-east-1", "DescribeDBInstances");
    let mut rds = rds();
    rds.instances
        .retain(|d| d.id != "db-replica" || d.lag_secs.is_some());
    rds.clusters = clusters().into_iter().filter(|c| c.id != "db").collect();
    let mut fresh = live();
    fresh.rds.apply(ago(5), Ok(rds.clone()));
    let judged: Vec<(&str, Outcome)> = checks()
        .iter()
        .map(|(name, check, _)| (*name, evaluate(check, &fresh, undeclared()).outcome))
        .collect();
    assert_eq!(
        judged,
        [
            ("status", Met),
            ("promoted", Met),
            ("lag", Met),
            ("ecs", Met),
            ("alarm", Met),
        ]
    );

    for db in &mut rds.instances {
        db.stale = Some(stale.clone());
    }
    for c in &mut rds.clusters {
        c.stale = Some(stale.clone());
    }
    let mut ecs = ecs();
    for s in &mut ecs.services {
        s.stale = Some(stale.clone());
    }
    let mut alarms = alarms();
    for a in &mut alarms.alarms {
        a.stale = Some(stale.clone());
    }
    let mut live = LiveState::default();
    live.rds.apply(ago(5), Ok(rds));
    live.ecs.apply(ago(5), Ok(ecs));
    live.alarms.apply(ago(5), Ok(alarms));
    let seen: Vec<String> = checks()
        .iter()
        .map(|(_, _, id)| format!("{id} not read: Unreachable"))
        .collect();
    let cases = checks()
        .into_iter()
        .zip(&seen)
        .map(|((name, check, _), seen)| at(name, check, undeclared(), Unknown, &[seen]))
        .collect();
    run(cases, &live);
}
