//! Readiness: the checks derived for each scenario, an explicit `ready`
//! list winning over derivation, judging, and `drconsole ready` on the
//! simulated source (in process and through the binary's exit codes).

mod common;

use std::process::{Command, Output};
use std::time::Duration;

use drconsole::clock::Clock;
use drconsole::commands::common::find_scenario;
use drconsole::commands::ready;
use drconsole::domain::readiness::{ReadyCheck, checks_for, judge};
use drconsole::domain::snapshot::{DbInstance, LiveState, RdsSnapshot, SourceError, SourceKind};
use drconsole::domain::verify::{Outcome, VerifyContext};
use drconsole::runbook::builtin;
use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::model::{AlarmStateName, Runbook, Verify};
use drconsole::runbook::predicates;
use drconsole::sources::sim::{SimSource, SimWorld};
use jiff::{SignedDuration, Timestamp};

fn start() -> Timestamp {
    "2026-03-14T02:00:00Z".parse().unwrap()
}

/// A minute into the simulation: the newest scheduled backup (00:00 UTC)
/// has completed, the on-demand one started at the declaration has not.
fn at() -> Timestamp {
    start() + SignedDuration::from_secs(60)
}

fn dur(text: &str) -> HumanDuration {
    HumanDuration::parse(text).unwrap()
}

/// Two regions with a cross-region replica and a standby ECS service in
/// the DR region, like the Regami plan.
const MULTI_REGION: &str = r#"
name = "Shop"
[objectives]
rto = "1h"
rpo = "15m"
[environment]
regions = { primary = "us-east-1", dr = "us-west-2" }
rds = [
  { id = "shop-db" },
  { id = "shop-db-replica", region = "us-west-2", role = "replica", source = "shop-db" },
]
ecs = [
  { cluster = "shop", service = "web" },
  { cluster = "shop-dr", service = "web", region = "us-west-2" },
]
backup_vaults = [{ name = "shop-vault" }, { name = "shop-vault-dr", region = "us-west-2" }]

[[scenario]]
id = "promote"
title = "Regional outage: promote the replica"
# Wider than the four-hourly backups, so the healthy world is ready.
rpo = "5h"

[[scenario.step]]
id = "promote"
title = "Promote the replica"
commands = ["aws rds promote-read-replica --db-instance-identifier shop-db-replica --region us-west-2"]
verify.instance_promoted = { instance = "shop-db-replica" }

[[scenario.step]]
id = "scale-up"
title = "Scale up the standby service"
commands = [
  "aws ecs update-service --cluster arn:aws:ecs:us-west-2:111122223333:cluster/shop-dr --service web --desired-count 2 --region us-west-2",
  "aws ecs wait services-stable --cluster shop-dr --services web --region us-west-2",
]
verify.ecs_stable = { cluster = "shop-dr", service = "web" }

[[scenario]]
id = "restore-in-dr"
title = "Regional outage: restore the newest copy in us-west-2"

[[scenario.step]]
id = "restore"
title = "Restore the newest snapshot copy"
commands = [
  "aws rds restore-db-instance-from-db-snapshot --db-instance-identifier shop-db-dr --db-snapshot-identifier shop-copy --region us-west-2",
]
verify.instance_status = { instance = "shop-db-dr", status = "available" }

[[scenario.step]]
id = "api"
title = "Create the API service in the DR cluster"
commands = [
  "aws ecs create-service --cluster shop-dr --service-name api --task-definition api:3 --desired-count 2 --region us-west-2",
]
verify.ecs_stable = { cluster = "shop-dr", service = "api" }

[[scenario]]
id = "stated"
title = "A scenario that says what it needs"
ready = [
  { instance_exists = { instance = "shop-db" } },
  { alarm_state = { alarm = "shop-5xx", state = "OK" } },
]

[[scenario.step]]
id = "restore"
title = "Point-in-time restore"
commands = ["aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier shop-db --target-db-instance-identifier shop-db-2 --use-latest-restorable-time"]
"#;

fn multi_region() -> Runbook {
    drconsole::runbook::load::parse(MULTI_REGION, "shop.toml")
        .map(|(runbook, _)| runbook)
        .unwrap()
}

fn checks(runbook: &Runbook, scenario: &str) -> Vec<ReadyCheck> {
    checks_for(runbook, runbook.scenario(scenario).unwrap())
}

fn verifies(checks: &[ReadyCheck]) -> Vec<Verify> {
    checks.iter().map(|c| c.check.clone()).collect()
}

fn labels(checks: &[ReadyCheck]) -> Vec<&str> {
    checks.iter().map(|c| c.label.as_str()).collect()
}

fn pitr(instance: &str, before_incident: &str) -> Verify {
    Verify::PitrCovers(predicates::PitrCovers {
        instance: instance.into(),
        before_incident: dur(before_incident),
    })
}

fn rally_service() -> Verify {
    Verify::EcsServiceExists(predicates::EcsServiceExists {
        cluster: "rally-prod-cluster".into(),
        service: "rally-prod-service-fargate".into(),
    })
}

// ------------------------------------------------------------ derivation

/// The built-in Rally runbook without its own `ready` lists, so that its
/// checks are derived from what each scenario's steps do.
fn rally_derived() -> drconsole::runbook::model::Runbook {
    let mut rally = builtin::rally();
    for scenario in &mut rally.scenarios {
        scenario.ready.clear();
    }
    rally
}

#[test]
fn rally_instance_failure_judges_its_rpo_on_the_pitr_window() {
    let rally = rally_derived();
    let checks = checks(&rally, "instance-failure");
    assert_eq!(
        verifies(&checks),
        vec![
            pitr("rally-prod-db", "5m"),
            pitr("rally-prod-db", "4h"),
            rally_service()
        ]
    );
    assert_eq!(
        labels(&checks),
        vec![
            "PITR window of rally-prod-db covers now − 5m",
            "RPO basis: latest restorable time of rally-prod-db, within 4h",
            "ECS service rally-prod-cluster/rally-prod-service-fargate exists",
        ]
    );
    let basis: Vec<Option<&str>> = checks.iter().map(|c| c.rpo_basis.as_deref()).collect();
    assert_eq!(
        basis,
        vec![None, Some("latest restorable time of rally-prod-db"), None]
    );
    assert!(checks.iter().all(|c| c.derived));
    // The restore target is created by the scenario, so never required.
    assert!(
        !format!("{checks:?}").contains("rally-prod-db-restore"),
        "{checks:?}"
    );
}

#[test]
fn rally_data_corruption_uses_the_margin_its_step_states() {
    let rally = rally_derived();
    assert_eq!(
        verifies(&checks(&rally, "data-corruption")),
        vec![
            pitr("rally-prod-db", "2h"),
            pitr("rally-prod-db", "4h"),
            rally_service()
        ]
    );
}

/// A redeploy restores no data: the backup cadence is not its question.
#[test]
fn rally_app_failure_needs_only_the_service() {
    let rally = rally_derived();
    assert_eq!(
        verifies(&checks(&rally, "app-failure")),
        vec![rally_service()]
    );
}

/// Its recovery uses a dump kept off AWS and infrastructure built by hand.
#[test]
fn rally_regional_outage_has_nothing_to_check() {
    let rally = rally_derived();
    assert_eq!(verifies(&checks(&rally, "regional-outage")), vec![]);
}

#[test]
fn promoting_a_replica_needs_it_to_exist_and_lag_within_the_rpo() {
    let shop = multi_region();
    let checks = checks(&shop, "promote");
    assert_eq!(
        verifies(&checks),
        vec![
            Verify::InstanceExists(predicates::InstanceExists {
                instance: "shop-db-replica".into()
            }),
            Verify::ReplicaLagBelow(predicates::ReplicaLagBelow {
                instance: "shop-db-replica".into(),
                max: dur("5h"),
            }),
            // Named by ARN, by flag and by verify: one check.
            Verify::EcsServiceExists(predicates::EcsServiceExists {
                cluster: "shop-dr".into(),
                service: "web".into(),
            }),
        ]
    );
    assert_eq!(labels(&checks)[0], "replica shop-db-replica exists");
    assert_eq!(
        labels(&checks)[1],
        "RPO basis: replica lag of shop-db-replica, within 5h"
    );
}

#[test]
fn restoring_in_the_dr_region_judges_the_rpo_on_copies_there_not_what_it_creates() {
    let shop = multi_region();
    let checks = checks(&shop, "restore-in-dr");
    assert_eq!(
        verifies(&checks),
        vec![Verify::RecoveryPointYoungerThan(
            predicates::RecoveryPointYoungerThan {
                vault: None,
                resource: None,
                region: Some("us-west-2".into()),
                max_age: dur("15m"),
            }
        )]
    );
    assert_eq!(
        labels(&checks),
        vec!["RPO basis: newest recovery point in us-west-2, within 15m"]
    );
}

#[test]
fn an_explicit_ready_list_wins_over_derivation() {
    let shop = multi_region();
    let checks = checks(&shop, "stated");
    assert_eq!(
        verifies(&checks),
        vec![
            Verify::InstanceExists(predicates::InstanceExists {
                instance: "shop-db".into()
            }),
            Verify::AlarmState(predicates::AlarmState {
                alarm: "shop-5xx".into(),
                state: AlarmStateName::Ok,
            }),
            // Only the RPO, on the basis of its point-in-time restore, is added.
            pitr("shop-db", "15m"),
        ],
    );
    let derived: Vec<bool> = checks.iter().map(|c| c.derived).collect();
    assert_eq!(derived, vec![false, false, true]);
    assert_eq!(
        labels(&checks),
        vec![
            "instance shop-db exists",
            "alarm shop-5xx is OK",
            "RPO basis: latest restorable time of shop-db, within 15m"
        ]
    );
}

// ------------------------------------------------------------ judging

fn instance(id: &str, lag: Option<f64>) -> DbInstance {
    DbInstance {
        replica_of: lag.map(|_| "shop-db".into()),
        lag_secs: lag,
        ..DbInstance::new(id, "us-east-1", "available")
    }
}

fn rds_only(instances: Vec<DbInstance>) -> LiveState {
    let mut live = LiveState::default();
    live.rds.apply(
        at(),
        Ok(RdsSnapshot {
            instances,
            ..RdsSnapshot::default()
        }),
    );
    live
}

fn replica_checks() -> Vec<ReadyCheck> {
    checks(&multi_region(), "promote")
        .into_iter()
        .filter(|c| {
            matches!(
                c.check,
                Verify::InstanceExists(_) | Verify::ReplicaLagBelow(_)
            )
        })
        .collect()
}

fn ctx() -> VerifyContext {
    VerifyContext {
        now: at(),
        incident_start: None,
    }
}

fn outcomes(readiness: &drconsole::domain::readiness::Readiness) -> Vec<Outcome> {
    readiness.results.iter().map(|(_, e)| e.outcome).collect()
}

#[test]
fn judge_is_ready_only_when_every_check_is_met() {
    let checks = replica_checks();
    let ready = judge(
        &checks,
        &[],
        &rds_only(vec![instance("shop-db-replica", Some(4.0))]),
        ctx(),
    );
    assert!(ready.ready);
    assert_eq!(outcomes(&ready), vec![Outcome::Met, Outcome::Met]);

    let lagging = judge(
        &checks,
        &[],
        &rds_only(vec![instance("shop-db-replica", Some(6.0 * 3600.0))]),
        ctx(),
    );
    assert!(!lagging.ready);
    assert_eq!(outcomes(&lagging), vec![Outcome::Met, Outcome::NotMet]);

    let silent = judge(
        &checks,
        &[],
        &rds_only(vec![instance("shop-db-replica", None)]),
        ctx(),
    );
    assert!(!silent.ready, "an unknown check is not ready");
    assert_eq!(outcomes(&silent), vec![Outcome::Met, Outcome::Unknown]);

    let nothing = judge(&checks, &[], &LiveState::default(), ctx());
    assert!(!nothing.ready);
    assert_eq!(outcomes(&nothing), vec![Outcome::Unknown, Outcome::Unknown]);
    assert_eq!(
        drconsole::domain::readiness::verdict(&nothing),
        "NOT READY (2 unknown of 2)",
        "the verdict counts what is missing"
    );

    let unchecked = judge(&[], &[], &LiveState::default(), ctx());
    assert!(unchecked.ready, "nothing known stands in the way");
    assert_eq!(
        drconsole::domain::readiness::verdict(&unchecked),
        "UNCHECKED (nothing on this recovery path that drconsole can watch)"
    );
}

// ------------------------------------------------------------ on the simulator

async fn check_on(
    runbook: &Runbook,
    scenario: &str,
    world: SimWorld,
) -> drconsole::domain::readiness::Readiness {
    check_at(runbook, scenario, world, at()).await
}

async fn check_at(
    runbook: &Runbook,
    scenario: &str,
    world: SimWorld,
    when: Timestamp,
) -> drconsole::domain::readiness::Readiness {
    let source = SimSource::from_world(world, Clock::Fixed(when));
    let scenario = find_scenario(runbook, scenario).unwrap();
    ready::check(runbook, scenario, &source, Duration::from_secs(5), when).await
}

fn seen_for(readiness: &drconsole::domain::readiness::Readiness, key: &str) -> (Outcome, String) {
    readiness
        .results
        .iter()
        .find(|(c, _)| c.check.key() == key)
        .map(|(_, e)| (e.outcome, e.seen.clone()))
        .unwrap()
}

#[tokio::test]
async fn every_rally_scenario_is_ready_on_the_healthy_simulation() {
    let rally = rally_derived();
    for scenario in &rally.scenarios {
        let world = SimWorld::new(&rally.environment, 7, start());
        let readiness = check_on(&rally, &scenario.id, world).await;
        assert!(readiness.ready, "{}: {:?}", scenario.id, readiness.results);
        assert_eq!(ready::exit_code(&readiness), 0);
    }
}

#[tokio::test]
async fn a_failed_backup_feed_makes_rally_not_ready() {
    let rally = builtin::rally();
    let mut world = SimWorld::new(&rally.environment, 7, start());
    world.set_error(
        SourceKind::Backups,
        Some(SourceError::new("AccessDeniedException", "not authorized")),
    );
    let readiness = check_on(&rally, "instance-failure", world).await;
    assert!(!readiness.ready);
    assert_eq!(ready::exit_code(&readiness), 1);
    let (outcome, seen) = seen_for(&readiness, "recovery_point_younger_than");
    assert_eq!(outcome, Outcome::Unknown);
    assert!(seen.contains("AccessDeniedException"), "{seen}");
    // The other feeds are still judged.
    assert_eq!(seen_for(&readiness, "pitr_covers").0, Outcome::Met);
}

#[tokio::test]
async fn the_replica_promotion_is_ready_until_its_lag_exceeds_the_rpo() {
    let shop = multi_region();
    let healthy = SimWorld::new(&shop.environment, 7, start());
    let readiness = check_on(&shop, "promote", healthy).await;
    assert!(readiness.ready, "{:?}", readiness.results);

    let mut lagging = SimWorld::new(&shop.environment, 7, start());
    lagging.set_lag_override("shop-db-replica", Some(6.0 * 3600.0), start());
    let readiness = check_on(&shop, "promote", lagging).await;
    assert!(!readiness.ready);
    let (outcome, seen) = seen_for(&readiness, "replica_lag_below");
    assert_eq!(outcome, Outcome::NotMet);
    assert!(
        seen.contains("lag 21600s") && seen.contains("max 5h"),
        "{seen}"
    );
    assert_eq!(seen_for(&readiness, "instance_exists").0, Outcome::Met);
}

#[tokio::test]
async fn an_rpo_tighter_than_the_backup_cadence_is_judged_not_softened() {
    let shop = multi_region();
    let world = SimWorld::new(&shop.environment, 7, start());
    let readiness = check_on(&shop, "restore-in-dr", world).await;
    assert!(!readiness.ready);
    let results: Vec<(Outcome, &str)> = readiness
        .results
        .iter()
        .map(|(c, e)| (e.outcome, c.label.as_str()))
        .collect();
    assert_eq!(
        results,
        vec![(
            Outcome::NotMet,
            "RPO basis: newest recovery point in us-west-2, within 15m"
        )]
    );
}

#[tokio::test]
async fn the_report_shows_each_check_and_the_verdict() {
    let rally = rally_derived();
    let world = SimWorld::new(&rally.environment, 7, start());
    let readiness = check_on(&rally, "instance-failure", world).await;
    let scenario = rally.scenario("instance-failure").unwrap();

    let mut text = Vec::new();
    ready::report(
        &rally,
        scenario,
        "simulated",
        at(),
        &readiness,
        false,
        &mut text,
    )
    .unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("met      PITR window of rally-prod-db covers now − 5m  ")
            && text.contains("window 03-07")
            && text.contains(
                "met      RPO basis: latest restorable time of rally-prod-db, within 4h  "
            )
            && !text.contains(ready::NO_RPO_BASIS)
            && text.trim_end().ends_with("READY (3 of 3 met)"),
        "{text}"
    );

    let mut json = Vec::new();
    ready::report(
        &rally,
        scenario,
        "simulated",
        at(),
        &readiness,
        true,
        &mut json,
    )
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(json["ready"], true);
    assert_eq!(json["exit_code"], 0);
    assert_eq!(json["scenario"], "instance-failure");
    let first = &json["checks"][0];
    assert_eq!(first["outcome"], "met");
    assert_eq!(first["derived"], true);
    assert_eq!(first["check"]["pitr_covers"]["before_incident"], 300);
    assert!(first["seen"].as_str().unwrap().starts_with("window"));
    assert_eq!(first.get("rpo_basis"), None);
    assert_eq!(
        json["checks"][1]["rpo_basis"],
        "latest restorable time of rally-prod-db"
    );
    assert_eq!(
        json["checks"][1]["check"]["pitr_covers"]["before_incident"],
        4 * 3600
    );
}

/// A scenario that restores nothing says so above its table.
#[tokio::test]
async fn the_report_says_when_there_is_no_rpo_basis() {
    let rally = builtin::rally();
    let world = SimWorld::new(&rally.environment, 7, start());
    let readiness = check_on(&rally, "app-failure", world).await;
    let scenario = rally.scenario("app-failure").unwrap();
    let mut text = Vec::new();
    ready::report(
        &rally,
        scenario,
        "simulated",
        at(),
        &readiness,
        false,
        &mut text,
    )
    .unwrap();
    let text = String::from_utf8(text).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).take(2).collect();
    assert_eq!(
        lines,
        vec![
            "checks from the scenario's `ready` list",
            "RPO basis: none (no step restores or promotes a database)"
        ]
    );
}

// ------------------------------------------------------------ the built-in runbooks

/// The check that judges the RPO: its basis, outcome and what it saw.
fn rpo_row(readiness: &drconsole::domain::readiness::Readiness) -> (String, Outcome, String) {
    let rows: Vec<_> = readiness
        .results
        .iter()
        .filter_map(|(c, e)| Some((c.rpo_basis.clone()?, e.outcome, e.seen.clone())))
        .collect();
    assert_eq!(rows.len(), 1, "one RPO check: {:?}", readiness.results);
    rows[0].clone()
}

/// Every scenario of every built-in runbook, on a healthy world, at
/// moments spread over a day (backups, copies and lag move with time).
#[tokio::test]
async fn every_builtin_scenario_is_ready_on_a_healthy_world() {
    for (name, runbook) in builtin::all() {
        for scenario in &runbook.scenarios {
            for hours in [0, 3, 9, 17] {
                let when = at() + SignedDuration::from_hours(hours);
                let world = SimWorld::new(&runbook.environment, 7, start());
                let readiness = check_at(&runbook, &scenario.id, world, when).await;
                assert!(
                    readiness.ready,
                    "{name}/{} at +{hours}h: {:#?}",
                    scenario.id, readiness.results
                );
            }
        }
    }
}

#[tokio::test]
async fn a_promotion_is_not_ready_once_the_replica_lags_beyond_the_rpo() {
    let regami = builtin::regami();
    let mut world = SimWorld::new(&regami.environment, 7, start());
    world.set_lag_override("regami-db-replica", Some(600.0), start());
    let readiness = check_on(&regami, "region-failover", world).await;
    assert!(!readiness.ready);
    assert_eq!(
        rpo_row(&readiness),
        (
            "replica lag of regami-db-replica".to_string(),
            Outcome::NotMet,
            "lag 600s (max 5m)".to_string()
        )
    );
}

#[tokio::test]
async fn a_restore_in_the_dr_region_is_not_ready_without_a_recovery_point_there() {
    let regami = builtin::regami();
    // A world where nothing is copied to us-west-2 and no vault lives there.
    let mut env = regami.environment.clone();
    env.regions.dr = None;
    env.backup_vaults.retain(|v| v.region.is_none());
    let world = SimWorld::new(&env, 7, start());
    let readiness = check_on(&regami, "region-restore", world).await;
    assert!(!readiness.ready);
    assert_eq!(
        rpo_row(&readiness),
        (
            "newest recovery point in us-west-2".to_string(),
            Outcome::NotMet,
            "no completed recovery point".to_string()
        )
    );
}

/// The latest restorable time trails now by one to five minutes (in RDS as
/// in the simulation), so an RPO of 30 seconds is beyond a PITR restore.
#[tokio::test]
async fn a_point_in_time_restore_is_not_ready_when_its_window_trails_beyond_the_rpo() {
    let mut rally = builtin::rally();
    let scenario = rally
        .scenarios
        .iter_mut()
        .find(|s| s.id == "instance-failure")
        .unwrap();
    scenario.rpo = Some(dur("30s"));
    let world = SimWorld::new(&rally.environment, 7, start());
    let readiness = check_on(&rally, "instance-failure", world).await;
    assert!(!readiness.ready);
    let (basis, outcome, seen) = rpo_row(&readiness);
    assert_eq!(
        (basis.as_str(), outcome),
        ("latest restorable time of rally-prod-db", Outcome::NotMet)
    );
    // The window ends at 02:00, a minute before now.
    assert_eq!(seen, "window 03-07 02:00 – 03-14 02:00");
    assert_eq!(
        readiness.count(Outcome::NotMet),
        1,
        "{:?}",
        readiness.results
    );
}

// ------------------------------------------------------------ the binary

fn drconsole(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The multi-region runbook with an RPO of a day: ready whatever the wall
/// clock says (the binary's simulation starts now).
fn relaxed_runbook(dir: &std::path::Path) -> String {
    let path = dir.join("shop.toml");
    let relaxed = MULTI_REGION.replace("rpo = \"5h\"", "rpo = \"1d\"");
    std::fs::write(&path, relaxed).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn binary_exits_0_when_ready() {
    let dir = tempfile::tempdir().unwrap();
    let file = relaxed_runbook(dir.path());
    let out = drconsole(&["ready", &file, "--scenario", "promote", "--sim"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("replica shop-db-replica exists")
            && stdout.contains("RPO basis: replica lag of shop-db-replica, within 1d")
            && stdout.contains("READY (3 of 3 met)"),
        "{stdout}"
    );

    let out = drconsole(&["ready", &file, "--scenario", "promote", "--sim", "--json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ready"], true);
    assert_eq!(json["exit_code"], 0);
}

#[test]
fn binary_exits_1_when_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let file = relaxed_runbook(dir.path());
    // `stated` requires an alarm the simulation does not have.
    let out = drconsole(&["ready", &file, "--scenario", "stated", "--sim", "--json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["ready"], false);
    assert_eq!(json["exit_code"], 1);
    assert_eq!(json["checks"][1]["outcome"], "not_met");
    assert_eq!(json["checks"][1]["seen"], "shop-5xx not found");
}

#[test]
fn binary_exits_2_for_an_unknown_scenario_listing_the_ids() {
    let dir = tempfile::tempdir().unwrap();
    let file = relaxed_runbook(dir.path());
    let out = drconsole(&["ready", &file, "--scenario", "nope", "--sim"]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("no scenario \"nope\"") && err.contains("promote, restore-in-dr, stated"),
        "{err}"
    );
}

#[test]
fn binary_exits_2_for_a_bad_runbook() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "name = \"x\"\n").unwrap();
    let out = drconsole(&["ready", bad.to_str().unwrap(), "--scenario", "a", "--sim"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Without `--sim` it reads AWS; with every endpoint on a closed local port
/// (and fake credentials) nothing can answer, so nothing is known: not ready.
#[test]
fn binary_without_sim_reads_aws_and_an_unreachable_account_is_not_ready() {
    let dir = tempfile::tempdir().unwrap();
    let file = relaxed_runbook(dir.path());
    let out = common::unreachable_aws(
        std::process::Command::new(env!("CARGO_BIN_EXE_drconsole")).args([
            "ready",
            &file,
            "--scenario",
            "promote",
            "--json",
        ]),
        dir.path(),
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["source"], "aws");
    let checks = json["checks"].as_array().unwrap();
    assert!(
        checks.iter().all(|c| c["outcome"] == "unknown"),
        "{checks:#?}"
    );
    assert!(
        checks
            .iter()
            .any(|c| c["seen"].as_str().unwrap().contains("Unreachable")),
        "{checks:#?}"
    );
}
