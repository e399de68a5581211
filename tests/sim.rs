//! The simulated world: deterministic, moving, and reacting to confirmed
//! steps so the checklist's verify checks turn from not met to met.

use std::sync::Arc;
use std::time::Duration;

use drconsole::clock::Clock;
use drconsole::domain::snapshot::{
    AlarmState, LiveState, RecoveryPointKind, RecoveryPointStatus, RolloutState, SourceError,
    SourceKind,
};
use drconsole::domain::verify::{Outcome, VerifyContext, evaluate};
use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::model::{
    AlarmSpec, EcsSpec, Environment, RdsClusterSpec, RdsRole, RdsSpec, Regions, Step, VaultSpec,
    Verify,
};
use drconsole::runbook::predicates;
use drconsole::sources::poller::{Poller, Updates};
use drconsole::sources::sim::{SimSource, SimWorld};
use drconsole::sources::{Payload, Source, SourceUpdate};
use jiff::{SignedDuration, Timestamp};

const SEED: u64 = 42;

fn start() -> Timestamp {
    "2025-03-10T14:00:00Z".parse().unwrap()
}

fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

fn rds(id: &str, region: Option<&str>, source: Option<&str>) -> RdsSpec {
    RdsSpec {
        id: id.into(),
        region: region.map(Into::into),
        role: if source.is_some() {
            RdsRole::Replica
        } else {
            RdsRole::Primary
        },
        source: source.map(Into::into),
        engine: None,
    }
}

fn ecs(cluster: &str, service: &str, region: Option<&str>) -> EcsSpec {
    EcsSpec {
        cluster: cluster.into(),
        service: service.into(),
        region: region.map(Into::into),
    }
}

fn vault(name: &str, region: Option<&str>) -> VaultSpec {
    VaultSpec {
        name: name.into(),
        region: region.map(Into::into),
    }
}

/// One region, as in the rally plan.
fn single_region() -> Environment {
    Environment {
        regions: Regions {
            primary: "us-east-1".into(),
            dr: None,
        },
        account: Some("111122223333".into()),
        rds: vec![rds("rally-prod-db", None, None)],
        ecs: vec![ecs(
            "rally-prod-cluster",
            "rally-prod-service-fargate",
            None,
        )],
        backup_vaults: vec![vault("rally-prod-vault", None)],
        alarms: AlarmSpec {
            names: vec!["rally-prod-db-cpu".into()],
            prefixes: vec!["rally-prod".into()],
        },
        ..Environment::default()
    }
}

/// Two regions with a cross-region replica, as in the regami plan.
fn multi_region() -> Environment {
    Environment {
        regions: Regions {
            primary: "us-east-1".into(),
            dr: Some("us-west-2".into()),
        },
        account: None,
        rds: vec![
            rds("regami-db-primary", None, None),
            rds(
                "regami-db-replica",
                Some("us-west-2"),
                Some("arn:aws:rds:us-east-1:123456789012:db:regami-db-primary"),
            ),
        ],
        ecs: vec![
            ecs("regami-cluster", "regami-service", None),
            ecs(
                "regami-cluster-secondary",
                "regami-service-secondary",
                Some("us-west-2"),
            ),
        ],
        backup_vaults: vec![
            vault("regami-vault", None),
            vault("regami-vault-dr", Some("us-west-2")),
        ],
        alarms: AlarmSpec {
            names: vec![],
            prefixes: vec!["regami-".into()],
        },
        ..Environment::default()
    }
}

fn step(commands: &[&str]) -> Step {
    Step {
        id: "s".into(),
        title: "step".into(),
        detail: None,
        role: None,
        commands: commands.iter().map(|c| c.to_string()).collect(),
        expected: None,
        verify: None,
    }
}

/// The live state the app would hold after fetching everything at `now`.
fn live(world: &SimWorld, now: Timestamp) -> LiveState {
    world.live_at(now)
}

fn check(world: &SimWorld, verify: &Verify, now: Timestamp) -> Outcome {
    let ctx = VerifyContext {
        now,
        incident_start: Some(world.start()),
    };
    evaluate(verify, &live(world, now), ctx).outcome
}

// ------------------------------------------------------------ determinism

#[test]
fn same_seed_and_times_give_identical_snapshots() {
    let env = multi_region();
    let mut a = SimWorld::new(&env, SEED, start());
    let mut b = SimWorld::new(&env, SEED, start());
    let failover =
        step(&["aws rds promote-read-replica --db-instance-identifier regami-db-replica"]);
    a.confirm(&failover, start() + mins(3));
    b.confirm(&failover, start() + mins(3));
    for m in [0, 1, 5, 17, 30, 240] {
        let now = start() + mins(m) + SignedDuration::from_secs(7);
        assert_eq!(a.rds_at(now), b.rds_at(now));
        assert_eq!(a.backups_at(now), b.backups_at(now));
        assert_eq!(a.ecs_at(now), b.ecs_at(now));
        assert_eq!(a.alarms_at(now), b.alarms_at(now));
    }
}

#[test]
fn a_different_seed_gives_different_lag() {
    let env = multi_region();
    let now = start() + mins(10);
    let history = |seed| {
        SimWorld::new(&env, seed, start())
            .rds_at(now)
            .instance("regami-db-replica")
            .unwrap()
            .lag_history
            .clone()
    };
    assert_ne!(history(1), history(2));
}

#[test]
fn polling_order_does_not_change_the_world() {
    let world = SimWorld::new(&multi_region(), SEED, start());
    let late = start() + mins(45);
    let direct = world.rds_at(late);
    for m in 0..45 {
        world.rds_at(start() + mins(m));
    }
    assert_eq!(world.rds_at(late), direct);
}

// ------------------------------------------------------------ RDS

#[test]
fn declared_instances_look_like_rds() {
    let world = SimWorld::new(&multi_region(), SEED, start());
    let now = start() + mins(1);
    let snap = world.rds_at(now);
    assert_eq!(snap.instances.len(), 2);

    let primary = snap.instance("regami-db-primary").unwrap();
    assert_eq!(primary.status, "available");
    assert_eq!(primary.region, "us-east-1");
    assert_eq!(primary.replica_of, None);
    assert!(primary.az.as_deref().unwrap().starts_with("us-east-1"));
    let endpoint = primary.endpoint.as_deref().unwrap();
    assert!(endpoint.starts_with("regami-db-primary."), "{endpoint}");
    assert!(
        endpoint.ends_with(".us-east-1.rds.amazonaws.com"),
        "{endpoint}"
    );
    let earliest = primary.earliest_restorable.unwrap();
    let latest = primary.latest_restorable.unwrap();
    let back = start().duration_since(earliest);
    assert!(
        back >= SignedDuration::from_hours(7 * 24 - 1)
            && back <= SignedDuration::from_hours(7 * 24),
        "earliest restorable is about 7 days before start: {back:?}"
    );
    let behind = now.duration_since(latest);
    assert!(
        behind >= mins(1) && behind <= mins(5),
        "latest trails now: {behind:?}"
    );
    assert_eq!(primary.lag_secs, None);

    let replica = snap.instance("regami-db-replica").unwrap();
    assert_eq!(replica.region, "us-west-2");
    assert_eq!(replica.replica_of.as_deref(), Some("regami-db-primary"));
    assert_eq!(replica.replication_state.as_deref(), Some("replicating"));
    assert!(replica.lag_secs.is_some());
    assert_eq!(replica.lag_history.len(), 60);
}

#[test]
fn declared_aurora_clusters_are_available_with_a_writer_a_reader_and_a_moving_window() {
    let mut env = multi_region();
    env.rds_clusters = vec![
        RdsClusterSpec {
            id: "regami-aurora".into(),
            region: None,
            engine: Some("aurora-mysql".into()),
        },
        RdsClusterSpec {
            id: "regami-aurora-dr".into(),
            region: Some("us-west-2".into()),
            engine: None,
        },
    ];
    let world = SimWorld::new(&env, SEED, start());
    let now = start() + mins(1);
    let snap = world.rds_at(now);
    assert_eq!(snap.instances.len(), 2, "clusters add no instances");
    let ids: Vec<(&str, &str)> = snap
        .clusters
        .iter()
        .map(|c| (c.id.as_str(), c.region.as_str()))
        .collect();
    assert_eq!(
        ids,
        [
            ("regami-aurora", "us-east-1"),
            ("regami-aurora-dr", "us-west-2")
        ]
    );

    let aurora = snap.cluster("regami-aurora").unwrap();
    assert_eq!(aurora.status, "available");
    assert_eq!(aurora.engine.as_deref(), Some("aurora-mysql"));
    assert_eq!(aurora.writer.as_deref(), Some("regami-aurora-instance-1"));
    assert_eq!(aurora.readers, ["regami-aurora-instance-2"]);
    assert_eq!(aurora.replica_of, None);
    let endpoint = aurora.endpoint.as_deref().unwrap();
    assert!(
        endpoint.starts_with("regami-aurora.cluster-")
            && endpoint.ends_with(".us-east-1.rds.amazonaws.com"),
        "{endpoint}"
    );
    assert!(
        aurora
            .reader_endpoint
            .as_deref()
            .unwrap()
            .starts_with("regami-aurora.cluster-ro-")
    );
    let behind = now.duration_since(aurora.latest_restorable.unwrap());
    assert!(behind >= mins(1) && behind <= mins(5), "{behind:?}");
    assert!(aurora.earliest_restorable.unwrap() < start());

    let later = world.rds_at(start() + mins(30));
    assert!(
        later.cluster("regami-aurora").unwrap().latest_restorable > aurora.latest_restorable,
        "the window moves"
    );
    assert_eq!(
        later,
        SimWorld::new(&env, SEED, start()).rds_at(start() + mins(30))
    );
    let ready = Verify::InstanceStatus(predicates::InstanceStatus {
        instance: "regami-aurora-dr".into(),
        status: "available".into(),
    });
    assert_eq!(check(&world, &ready, now), Outcome::Met);
}

/// An Aurora-only environment: the vault holds the cluster's recovery
/// points, and a cluster restore (by RDS or by AWS Backup) is `creating`
/// until it becomes `available`, so its step's check turns met only then.
#[test]
fn aurora_clusters_are_backed_up_and_restored() {
    let env = Environment {
        regions: Regions {
            primary: "us-west-2".into(),
            dr: Some("us-east-1".into()),
        },
        account: Some("314159265358".into()),
        rds_clusters: vec![RdsClusterSpec {
            id: "sorrel-results".into(),
            region: None,
            engine: Some("aurora-postgresql".into()),
        }],
        backup_vaults: vec![vault("sorrel-vault", None)],
        ..Environment::default()
    };
    let mut world = SimWorld::new(&env, SEED, start());
    let now = start() + mins(1);
    let points = world.backups_at(now).recovery_points;
    let arn = "arn:aws:rds:us-west-2:314159265358:cluster:sorrel-results";
    assert!(
        points
            .iter()
            .any(|p| p.resource == arn && p.status == RecoveryPointStatus::Completed),
        "{points:#?}"
    );

    let restored = |id: &str| {
        Verify::InstanceStatus(predicates::InstanceStatus {
            instance: id.into(),
            status: "available".into(),
        })
    };
    world.confirm(
        &step(&[
            "aws rds restore-db-cluster-to-point-in-time --source-db-cluster-identifier sorrel-results \\\n  --db-cluster-identifier sorrel-pitr --use-latest-restorable-time --region us-west-2",
            "aws backup start-restore-job --recovery-point-arn arn:aws:backup:us-east-1:314159265358:recovery-point:x \\\n  --metadata '{\n  \"DBClusterIdentifier\": \"sorrel-east\"\n}' --region us-east-1",
        ]),
        now,
    );
    let early = world.rds_at(now + mins(5));
    let pitr = early.cluster("sorrel-pitr").unwrap();
    assert_eq!(
        (pitr.status.as_str(), pitr.region.as_str()),
        ("creating", "us-west-2")
    );
    assert_eq!(pitr.writer, None);
    let east = early.cluster("sorrel-east").unwrap();
    assert_eq!(
        (east.status.as_str(), east.region.as_str()),
        ("creating", "us-east-1")
    );
    for id in ["sorrel-pitr", "sorrel-east"] {
        assert_eq!(
            check(&world, &restored(id), now + mins(5)),
            Outcome::NotMet,
            "{id}"
        );
        // Creating for 10-20 minutes.
        assert_eq!(
            check(&world, &restored(id), now + mins(21)),
            Outcome::Met,
            "{id}"
        );
    }
    let done = world.rds_at(now + mins(21));
    assert!(
        done.cluster("sorrel-pitr")
            .unwrap()
            .latest_restorable
            .is_some()
    );
}

#[test]
fn latest_restorable_time_moves_forward() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let at = |m| {
        world.rds_at(start() + mins(m)).instances[0]
            .latest_restorable
            .unwrap()
    };
    assert!(at(10) > at(0));
    assert!(at(60) > at(10));
}

#[test]
fn replica_lag_wanders_and_spikes() {
    let world = SimWorld::new(&multi_region(), SEED, start());
    let lag = |secs: i64| {
        world
            .rds_at(start() + SignedDuration::from_secs(secs))
            .instance("regami-db-replica")
            .unwrap()
            .lag_secs
            .unwrap()
    };
    let samples: Vec<f64> = (0..3_600).step_by(2).map(lag).collect();
    let mut distinct = samples.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    assert!(distinct.len() >= 5, "lag barely moves: {distinct:?}");
    assert!(samples.iter().all(|&l| l >= 0.0));
    let max = samples.iter().copied().fold(0.0, f64::max);
    assert!(max >= 10.0, "no spike within an hour (max {max})");
    let calm = samples.iter().filter(|&&l| l <= 7.0).count();
    assert!(calm * 2 > samples.len(), "lag is mostly small");
}

#[test]
fn lag_history_slides_one_sample_per_poll() {
    let world = SimWorld::new(&multi_region(), SEED, start());
    let history = |secs: i64| {
        world
            .rds_at(start() + SignedDuration::from_secs(secs))
            .instance("regami-db-replica")
            .unwrap()
            .lag_history
            .clone()
    };
    let before = history(600);
    let after = history(602);
    assert_eq!(before.len(), 60);
    assert_eq!(before[1..], after[..59], "oldest first, shifted by one");
    assert_eq!(history(601), before, "samples only on the poll grid");
}

#[test]
fn lag_override_injects_and_clears() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    world.set_lag_override("regami-db-replica", Some(900.0), start() + mins(5));
    world.set_lag_override("regami-db-replica", None, start() + mins(10));
    let replica = |m| {
        world
            .rds_at(start() + mins(m))
            .instance("regami-db-replica")
            .unwrap()
            .clone()
    };
    assert!(replica(4).lag_secs.unwrap() < 900.0);
    let held = replica(6);
    assert_eq!(held.lag_secs, Some(900.0));
    assert_eq!(held.lag_history.last(), Some(&900));
    assert!(
        held.lag_history.first().copied().unwrap() < 900,
        "earlier samples stay natural"
    );
    assert!(replica(11).lag_secs.unwrap() < 900.0);
}

// ------------------------------------------------------------ reactions: RDS

const RESTORE: &str = "aws rds restore-db-instance-to-point-in-time \\
  --source-db-instance-identifier rally-prod-db \\
  --target-db-instance-identifier rally-prod-db-restore \\
  --use-latest-restorable-time \\
  --region us-east-1";

#[test]
fn confirming_a_restore_creates_the_instance_then_makes_it_available() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    let available = Verify::InstanceStatus(predicates::InstanceStatus {
        instance: "rally-prod-db-restore".into(),
        status: "available".into(),
    });
    let confirmed = start() + mins(2);
    assert_eq!(check(&world, &available, confirmed), Outcome::NotMet);
    assert!(
        world
            .rds_at(confirmed)
            .instance("rally-prod-db-restore")
            .is_none()
    );

    let reactions = world.confirm(&step(&[RESTORE]), confirmed);
    assert_eq!(reactions.len(), 1);

    let early = world.rds_at(confirmed + mins(1));
    let creating = early.instance("rally-prod-db-restore").unwrap();
    assert_eq!(creating.status, "creating");
    assert_eq!(creating.region, "us-east-1");
    assert_eq!(creating.replica_of, None);
    assert_eq!(creating.endpoint, None);
    assert_eq!(
        world
            .rds_at(confirmed + mins(7))
            .instance("rally-prod-db-restore")
            .unwrap()
            .status,
        "creating"
    );
    assert_eq!(
        check(&world, &available, confirmed + mins(7)),
        Outcome::NotMet
    );

    // Creating for 8–15 minutes, then a first backup of 2–4 minutes.
    let done = world.rds_at(confirmed + mins(20));
    let restored = done.instance("rally-prod-db-restore").unwrap();
    assert_eq!(restored.status, "available");
    assert!(restored.endpoint.is_some());
    assert!(restored.latest_restorable.is_some());
    assert_eq!(
        check(&world, &available, confirmed + mins(20)),
        Outcome::Met
    );

    // It went through backing-up on the way.
    let statuses: Vec<String> = (0..20 * 60)
        .step_by(10)
        .map(|s| {
            world
                .rds_at(confirmed + SignedDuration::from_secs(s))
                .instance("rally-prod-db-restore")
                .unwrap()
                .status
                .clone()
        })
        .collect();
    assert!(statuses.iter().any(|s| s == "backing-up"));
    let first_available = statuses.iter().position(|s| s == "available").unwrap();
    assert!(first_available * 10 >= 10 * 60, "available too soon");
}

#[test]
fn a_restore_is_not_visible_before_its_confirmation() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    world.confirm(&step(&[RESTORE]), start() + mins(30));
    assert!(
        world
            .rds_at(start() + mins(29))
            .instance("rally-prod-db-restore")
            .is_none()
    );
    assert!(
        world
            .rds_at(start() + mins(30))
            .instance("rally-prod-db-restore")
            .is_some()
    );
}

#[test]
fn restore_from_snapshot_uses_db_instance_identifier() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    world.confirm(
        &step(&["aws rds restore-db-instance-from-db-snapshot --db-instance-identifier from-snap --db-snapshot-identifier rds:rally-prod-db-2025-03-10-03-00"]),
        start(),
    );
    assert_eq!(
        world
            .rds_at(start() + mins(1))
            .instance("from-snap")
            .unwrap()
            .status,
        "creating"
    );
}

#[test]
fn promote_turns_the_replica_into_a_standalone_instance() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    let promoted = Verify::InstancePromoted(predicates::InstancePromoted {
        instance: "regami-db-replica".into(),
    });
    let confirmed = start() + mins(1);
    world.confirm(
        &step(&["aws rds promote-read-replica \\\n  --db-instance-identifier regami-db-replica \\\n  --region us-west-2"]),
        confirmed,
    );
    let during = world.rds_at(confirmed + mins(1));
    let modifying = during.instance("regami-db-replica").unwrap();
    assert_eq!(modifying.status, "modifying");
    assert!(modifying.replica_of.is_some());
    assert_eq!(
        check(&world, &promoted, confirmed + mins(1)),
        Outcome::NotMet
    );

    let after = world.rds_at(confirmed + mins(8));
    let standalone = after.instance("regami-db-replica").unwrap();
    assert_eq!(standalone.status, "available");
    assert_eq!(standalone.replica_of, None);
    assert_eq!(standalone.lag_secs, None);
    assert!(standalone.lag_history.is_empty());
    assert_eq!(standalone.replication_state, None);
    assert!(
        standalone.latest_restorable.is_some(),
        "it has its own PITR window now"
    );
    assert_eq!(check(&world, &promoted, confirmed + mins(8)), Outcome::Met);
}

#[test]
fn creating_a_replica_then_promoting_it_fails_back() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    world.confirm(
        &step(&["aws rds create-db-instance-read-replica \\\n  --db-instance-identifier regami-db-primary-new \\\n  --source-db-instance-identifier regami-db-replica \\\n  --region us-east-1"]),
        start(),
    );
    let creating = world.rds_at(start() + mins(1));
    let new = creating.instance("regami-db-primary-new").unwrap();
    assert_eq!(new.status, "creating");
    assert_eq!(new.replica_of.as_deref(), Some("regami-db-replica"));
    assert_eq!(new.lag_secs, None);

    let ready = world.rds_at(start() + mins(16));
    let new = ready.instance("regami-db-primary-new").unwrap();
    assert_eq!(new.status, "available");
    assert_eq!(new.region, "us-east-1");
    assert!(new.lag_secs.is_some());

    world.confirm(
        &step(&["aws rds promote-read-replica --db-instance-identifier regami-db-primary-new --region us-east-1"]),
        start() + mins(20),
    );
    let done = world.rds_at(start() + mins(30));
    assert_eq!(
        done.instance("regami-db-primary-new").unwrap().replica_of,
        None
    );
}

#[test]
fn reboot_with_failover_moves_the_primary_to_another_az() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    let az = |m| world.rds_at(start() + mins(m)).instances[0].clone();
    let before = az(0);
    world.confirm(
        &step(&[
            "aws rds reboot-db-instance --db-instance-identifier rally-prod-db --force-failover",
        ]),
        start() + mins(1),
    );
    let during = world.rds_at(start() + mins(1)).instances[0].clone();
    assert_eq!(during.status, "rebooting");
    assert_eq!(during.az, before.az, "moves only once the reboot is done");
    let after = world.rds_at(start() + mins(5)).instances[0].clone();
    assert_eq!(after.status, "available");
    assert_ne!(after.az, before.az);
}

// ------------------------------------------------------------ backups

fn vault_points(world: &SimWorld, now: Timestamp, vault: &str) -> usize {
    world
        .backups_at(now)
        .recovery_points
        .iter()
        .filter(|p| p.kind == RecoveryPointKind::Backup && p.vault.as_deref() == Some(vault))
        .count()
}

#[test]
fn recovery_points_appear_every_four_hours() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let t = start() + mins(60);
    let before = vault_points(&world, t, "rally-prod-vault");
    let after = vault_points(
        &world,
        t + SignedDuration::from_hours(4),
        "rally-prod-vault",
    );
    assert_eq!(after, before + 1, "one new point per protected resource");
    // A week of history: six a day for seven days, plus the on-demand job.
    assert!((42..=44).contains(&before), "{before}");
}

#[test]
fn backups_are_newest_first_and_plausible() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let now = start() + mins(5);
    let points = world.backups_at(now).recovery_points;
    assert!(points.windows(2).all(|w| w[0].created >= w[1].created));
    assert!(points.iter().all(|p| p.created <= now));

    let snapshots: Vec<_> = points
        .iter()
        .filter(|p| p.kind == RecoveryPointKind::AutomatedSnapshot)
        .collect();
    assert_eq!(snapshots.len(), 7, "daily snapshots kept seven days");
    for s in &snapshots {
        assert_eq!(s.created.strftime("%H:%M").to_string(), "03:00");
        assert!(s.protects("rally-prod-db"));
        assert_eq!(s.vault, None);
    }
    let backup = points
        .iter()
        .find(|p| p.kind == RecoveryPointKind::Backup)
        .unwrap();
    assert_eq!(
        backup.resource,
        "arn:aws:rds:us-east-1:111122223333:db:rally-prod-db"
    );
    assert!(backup.protects("rally-prod-db"));
}

#[test]
fn an_on_demand_backup_runs_at_start_and_completes() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let running = |now| {
        world
            .backups_at(now)
            .recovery_points
            .iter()
            .filter(|p| p.status == RecoveryPointStatus::Running)
            .count()
    };
    // The on-demand job started three minutes before; the 14:00 window's
    // job has not started yet (jobs start 30 s to 5 min after the hour).
    assert!(running(start()) >= 1);
    assert_eq!(
        running(start() + mins(40)),
        0,
        "all completed after a while"
    );
    let fresh = Verify::RecoveryPointYoungerThan(predicates::RecoveryPointYoungerThan {
        region: None,
        vault: Some("rally-prod-vault".into()),
        resource: None,
        max_age: HumanDuration::from_mins(30),
    });
    assert_eq!(check(&world, &fresh, start() + mins(40)), Outcome::Met);
}

#[test]
fn dr_region_receives_copies() {
    let world = SimWorld::new(&multi_region(), SEED, start());
    let now = start() + mins(90);
    let points = world.backups_at(now).recovery_points;
    let copies: Vec<_> = points.iter().filter(|p| p.region == "us-west-2").collect();
    assert!(!copies.is_empty());
    assert!(
        copies
            .iter()
            .all(|p| p.vault.as_deref() == Some("regami-vault-dr"))
    );
    assert!(copies.iter().all(|p| p.protects("regami-db-primary")));
    // The DR vault only receives copies; it takes no backups of its own.
    let originals = vault_points(&world, now, "regami-vault");
    assert!(copies.len() <= originals);
    assert!(
        copies.len() + 2 >= originals,
        "every completed original is copied"
    );
    // Replicas are not backed up on their own.
    assert!(points.iter().all(|p| !p.protects("regami-db-replica")));
}

#[test]
fn operator_snapshots_and_backup_jobs_appear_running_then_complete() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    let confirmed = start() + mins(60);
    world.confirm(
        &step(&[
            "aws rds create-db-snapshot --db-instance-identifier regami-db-primary --db-snapshot-identifier pre-failover",
            "aws backup start-backup-job --backup-vault-name regami-vault --resource-arn arn:aws:rds:us-east-1:123456789012:db:regami-db-primary --iam-role-arn arn:aws:iam::123456789012:role/backup",
        ]),
        confirmed,
    );
    let operator_points = |now| {
        world
            .backups_at(now)
            .recovery_points
            .into_iter()
            .filter(|p| p.created == confirmed)
            .collect::<Vec<_>>()
    };
    assert!(operator_points(confirmed - mins(1)).is_empty());
    let started = operator_points(confirmed + mins(1));
    assert_eq!(started.len(), 2);
    assert!(
        started
            .iter()
            .all(|p| p.status == RecoveryPointStatus::Running)
    );
    let manual = started.iter().find(|p| p.id == "pre-failover").unwrap();
    assert_eq!(manual.kind, RecoveryPointKind::ManualSnapshot);
    assert!(manual.protects("regami-db-primary"));
    let job = started
        .iter()
        .find(|p| p.kind == RecoveryPointKind::Backup)
        .unwrap();
    assert_eq!(job.vault.as_deref(), Some("regami-vault"));

    let done = operator_points(confirmed + mins(25));
    assert_eq!(done.len(), 2);
    assert!(
        done.iter()
            .all(|p| p.status == RecoveryPointStatus::Completed)
    );
}

// ------------------------------------------------------------ ECS

const FORCE_DEPLOY: &str = "aws ecs update-service \\
  --cluster rally-prod-cluster \\
  --service rally-prod-service-fargate \\
  --force-new-deployment \\
  --region us-east-1";

#[test]
fn services_start_steady() {
    let world = SimWorld::new(&multi_region(), SEED, start());
    let snap = world.ecs_at(start());
    let main = snap.service("regami-cluster", "regami-service").unwrap();
    assert!((1..=2).contains(&main.desired));
    assert_eq!(main.running, main.desired);
    assert_eq!(main.deployments.len(), 1);
    assert_eq!(main.deployments[0].status, "PRIMARY");
    assert_eq!(main.deployments[0].rollout, Some(RolloutState::Completed));
    assert!(!main.events.is_empty());
    assert!(
        main.events.windows(2).all(|w| w[0].at >= w[1].at),
        "newest first"
    );
    assert!(
        main.events[0]
            .message
            .contains("(service regami-service) has reached a steady state.")
    );
    // The pilot light in the DR region is scaled to zero.
    let standby = snap
        .service("regami-cluster-secondary", "regami-service-secondary")
        .unwrap();
    assert_eq!((standby.desired, standby.running), (0, 0));
    assert_eq!(standby.region, "us-west-2");
}

#[test]
fn force_new_deployment_rolls_out_and_completes() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    let stable = Verify::EcsStable(predicates::EcsStable {
        cluster: "rally-prod-cluster".into(),
        service: "rally-prod-service-fargate".into(),
        desired: None,
    });
    let confirmed = start() + mins(1);
    assert_eq!(check(&world, &stable, confirmed), Outcome::Met);
    let old = world.ecs_at(confirmed).services[0].deployments[0].clone();

    world.confirm(&step(&[FORCE_DEPLOY]), confirmed);
    let during = world.ecs_at(confirmed + mins(1));
    let svc = &during.services[0];
    assert_eq!(svc.deployments.len(), 2);
    let primary = &svc.deployments[0];
    assert_eq!(primary.status, "PRIMARY");
    assert_eq!(primary.rollout, Some(RolloutState::InProgress));
    assert_ne!(primary.id, old.id);
    assert_eq!(
        primary.task_definition, old.task_definition,
        "forced: same task definition"
    );
    assert_eq!(svc.deployments[1].status, "ACTIVE");
    assert_eq!(svc.deployments[1].id, old.id);
    assert!(
        svc.events[0].message.contains("has started"),
        "{:?}",
        svc.events[0]
    );
    assert_eq!(check(&world, &stable, confirmed + mins(1)), Outcome::NotMet);

    let after = world.ecs_at(confirmed + mins(7));
    let svc = &after.services[0];
    assert_eq!(svc.deployments.len(), 1);
    assert_eq!(svc.deployments[0].rollout, Some(RolloutState::Completed));
    assert_eq!(svc.deployments[0].id, primary.id);
    assert_eq!(svc.running, svc.desired);
    let messages: Vec<&str> = svc.events.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages[0].ends_with("has reached a steady state."),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("deployment completed")));
    assert!(messages.iter().any(|m| m.contains("has stopped")));
    assert_eq!(check(&world, &stable, confirmed + mins(7)), Outcome::Met);
}

#[test]
fn rollout_never_drops_below_desired_while_draining() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    world.confirm(&step(&[FORCE_DEPLOY]), start());
    let desired = world.ecs_at(start()).services[0].desired;
    for s in (0..8 * 60).step_by(5) {
        let snap = world.ecs_at(start() + SignedDuration::from_secs(s));
        let svc = &snap.services[0];
        let old_running: u32 = svc.deployments.iter().skip(1).map(|d| d.running).sum();
        let new_running = svc.deployments[0].running;
        assert!(
            svc.running >= desired && svc.running == old_running + new_running,
            "at +{s}s: {} running of {desired}",
            svc.running
        );
    }
}

#[test]
fn desired_count_scales_the_standby_up() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    let two_running = Verify::EcsRunningAtLeast(predicates::EcsRunningAtLeast {
        cluster: "regami-cluster-secondary".into(),
        service: "regami-service-secondary".into(),
        count: 2,
    });
    world.confirm(
        &step(&["aws ecs update-service --cluster regami-cluster-secondary --service regami-service-secondary --desired-count 2 --region us-west-2"]),
        start(),
    );
    let standby = |s: i64| {
        world
            .ecs_at(start() + SignedDuration::from_secs(s))
            .service("regami-cluster-secondary", "regami-service-secondary")
            .unwrap()
            .clone()
    };
    let early = standby(10);
    assert_eq!((early.desired, early.running), (2, 0));
    assert_eq!(early.pending, 2);
    assert_eq!(
        check(
            &world,
            &two_running,
            start() + SignedDuration::from_secs(10)
        ),
        Outcome::NotMet
    );
    let half = standby(35);
    assert_eq!(half.running, 1);
    let done = standby(120);
    assert_eq!((done.desired, done.running, done.pending), (2, 2, 0));
    assert_eq!(done.deployments.len(), 1);
    assert_eq!(check(&world, &two_running, start() + mins(2)), Outcome::Met);
}

#[test]
fn updates_to_undeclared_services_are_ignored() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    let before = world.ecs_at(start() + mins(2));
    world.confirm(
        &step(&["aws ecs update-service --cluster nope --service ghost --force-new-deployment"]),
        start(),
    );
    assert_eq!(world.ecs_at(start() + mins(2)), before);
}

// ------------------------------------------------------------ alarms

#[test]
fn alarms_include_declared_and_invented_names() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let snap = world.alarms_at(start());
    let names: Vec<&str> = snap.alarms.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "rally-prod-db-cpu",
            "rally-prod-high-cpu",
            "rally-prod-5xx",
            "rally-prod-unhealthy-hosts"
        ]
    );
    let prefixed = SimWorld::new(&multi_region(), SEED, start()).alarms_at(start());
    assert!(
        prefixed.alarm("regami-5xx").is_some(),
        "no double dash after a dashed prefix"
    );
}

#[test]
fn one_alarm_flips_and_the_rest_stay_ok() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let mut flapper_states = Vec::new();
    for s in (0..2 * 3_600).step_by(10) {
        let snap = world.alarms_at(start() + SignedDuration::from_secs(s));
        for alarm in &snap.alarms {
            if alarm.name == "rally-prod-5xx" {
                flapper_states.push(alarm.state);
            } else {
                assert_eq!(alarm.state, AlarmState::Ok, "{} at +{s}s", alarm.name);
            }
        }
    }
    let firing = flapper_states
        .iter()
        .filter(|s| **s == AlarmState::Alarm)
        .count();
    assert!(firing > 0, "never fired in two hours");
    assert!(firing * 4 < flapper_states.len(), "mostly OK");
    let flips = flapper_states.windows(2).filter(|w| w[0] != w[1]).count();
    assert!(flips >= 2, "fires and recovers");
}

#[test]
fn alarm_updated_time_is_the_last_transition() {
    let world = SimWorld::new(&single_region(), SEED, start());
    let mut last_state = None;
    let mut last_updated = None;
    for s in (0..3_600).step_by(5) {
        let now = start() + SignedDuration::from_secs(s);
        let snap = world.alarms_at(now);
        let alarm = snap.alarm("rally-prod-5xx").unwrap();
        assert!(alarm.updated <= now);
        if last_state == Some(alarm.state) {
            assert_eq!(
                Some(alarm.updated),
                last_updated,
                "updated moves only on a flip"
            );
        }
        last_state = Some(alarm.state);
        last_updated = Some(alarm.updated);
    }
}

#[test]
fn alarm_override_holds_a_state() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    world.set_alarm_override(
        "rally-prod-db-cpu",
        Some(AlarmState::Alarm),
        start() + mins(5),
    );
    let at = |m| {
        world
            .alarms_at(start() + mins(m))
            .alarm("rally-prod-db-cpu")
            .unwrap()
            .clone()
    };
    assert_eq!(at(4).state, AlarmState::Ok);
    let fired = at(6);
    assert_eq!(fired.state, AlarmState::Alarm);
    assert_eq!(fired.updated, start() + mins(5));
}

// ------------------------------------------------------------ faults

#[test]
fn injected_errors_fail_one_kind_until_cleared() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    let throttled = SourceError::new("ThrottlingException", "Rate exceeded");
    world.set_error(SourceKind::Ecs, Some(throttled.clone()));
    assert_eq!(world.fetch_at(SourceKind::Ecs, start()), Err(throttled));
    assert!(world.fetch_at(SourceKind::Rds, start()).is_ok());
    world.set_error(SourceKind::Ecs, None);
    assert!(matches!(
        world.fetch_at(SourceKind::Ecs, start()),
        Ok(Payload::Ecs(_))
    ));
}

// ------------------------------------------------------------ source + poller

#[tokio::test(start_paused = true)]
async fn polled_sim_source_follows_the_sim_clock_and_reacts() {
    let clock = Clock::sim(start());
    let source = Arc::new(SimSource::new(&single_region(), SEED, clock.clone()));
    assert!(source.is_simulated());
    assert_eq!(source.label(), "simulated");
    let (poller, mut rx) = Poller::spawn(source.clone(), clock.clone());

    // Updates are latest-wins: read them as they come, as the console does.
    let mut received = read_for(&mut rx, Duration::from_secs(60)).await;
    source.step_run(&step(&[RESTORE]), clock.now());
    received.extend(read_for(&mut rx, Duration::from_secs(20 * 60)).await);

    let mut statuses = Vec::new();
    let mut polled_at = Vec::new();
    let mut unchanged = 0;
    for update in received {
        match update {
            SourceUpdate::Fetched {
                key,
                at,
                result: Ok(Payload::Rds(snap)),
            } if key.kind == SourceKind::Rds => {
                polled_at.push(at);
                if let Some(db) = snap.instance("rally-prod-db-restore") {
                    statuses.push(db.status.clone());
                }
            }
            SourceUpdate::Unchanged { key, at } if key.kind == SourceKind::Rds => {
                polled_at.push(at);
                unchanged += 1;
            }
            _ => {}
        }
    }
    assert_eq!(polled_at.first(), Some(&start()));
    assert!(
        polled_at
            .windows(2)
            .all(|w| w[1].duration_since(w[0]) == SignedDuration::from_secs(2)),
        "RDS polled every 2 s of sim time"
    );
    assert!(
        unchanged > 100,
        "a world without replicas is mostly unchanged"
    );
    assert_eq!(statuses.first().map(String::as_str), Some("creating"));
    assert!(statuses.contains(&"backing-up".to_string()));
    assert_eq!(statuses.last().map(String::as_str), Some("available"));
    poller.shutdown().await;
}

/// Every update that arrives within `period`, read as it arrives.
async fn read_for(rx: &mut Updates, period: Duration) -> Vec<SourceUpdate> {
    let deadline = tokio::time::Instant::now() + period;
    let mut received = Vec::new();
    while let Ok(Some(update)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        received.push(update);
    }
    received
}

// ------------------------------------------------------------ built-in scenarios

#[test]
fn a_restored_instance_takes_its_first_backup() {
    let mut world = SimWorld::new(&single_region(), SEED, start());
    let backed_up = Verify::RecoveryPointYoungerThan(predicates::RecoveryPointYoungerThan {
        vault: None,
        resource: Some("rally-prod-db-restore".into()),
        region: None,
        max_age: HumanDuration::from_secs(3600),
    });
    world.confirm(
        &step(&["aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier rally-prod-db --target-db-instance-identifier rally-prod-db-restore --use-latest-restorable-time"]),
        start(),
    );
    let first = |now: Timestamp| {
        world
            .backups_at(now)
            .recovery_points
            .into_iter()
            .find(|p| p.resource == "rally-prod-db-restore")
    };
    assert_eq!(first(start() + mins(5)), None, "none while it is created");
    assert_eq!(
        check(&world, &backed_up, start() + mins(5)),
        Outcome::NotMet
    );

    // The backup runs while the instance reports `backing-up`.
    let instance_up = (1..30)
        .map(|m| start() + mins(m))
        .find(|&t| {
            world
                .rds_at(t)
                .instance("rally-prod-db-restore")
                .unwrap()
                .status
                == "backing-up"
        })
        .expect("the restore backs up once created");
    let running = first(instance_up).expect("its first backup has begun");
    assert_eq!(running.kind, RecoveryPointKind::AutomatedSnapshot);
    assert_eq!(running.status, RecoveryPointStatus::Running);
    assert!(running.id.starts_with("rds:rally-prod-db-restore-"));

    let later = start() + mins(30);
    assert_eq!(
        world
            .rds_at(later)
            .instance("rally-prod-db-restore")
            .unwrap()
            .status,
        "available"
    );
    let done = first(later).unwrap();
    assert_eq!(done.status, RecoveryPointStatus::Completed);
    assert_eq!(done.region, "us-east-1");
    assert_eq!(check(&world, &backed_up, later), Outcome::Met);
}

#[test]
fn a_snapshot_restore_in_the_dr_region_lands_there() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    world.confirm(
        &step(&["aws rds restore-db-instance-from-db-snapshot --db-instance-identifier regami-db-restored --db-snapshot-identifier arn:aws:rds:us-west-2:123456789012:snapshot:awsbackup:copyjob-1 --region us-west-2"]),
        start(),
    );
    let later = start() + mins(30);
    let rds = world.rds_at(later);
    let restored = rds.instance("regami-db-restored").unwrap();
    assert_eq!(restored.region, "us-west-2");
    assert_eq!(restored.status, "available");
    assert_eq!(restored.replica_of, None);
    assert_eq!(
        restored.engine.as_deref(),
        Some("postgres"),
        "the environment's engine, though no source instance is named"
    );
    let in_dr = Verify::RecoveryPointYoungerThan(predicates::RecoveryPointYoungerThan {
        vault: None,
        resource: Some("regami-db-restored".into()),
        region: Some("us-west-2".into()),
        max_age: HumanDuration::from_secs(3600),
    });
    assert_eq!(check(&world, &in_dr, later), Outcome::Met);
}

#[test]
fn rolling_back_to_a_task_definition_deploys_that_revision() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    let stable = Verify::EcsStable(predicates::EcsStable {
        cluster: "regami-cluster".into(),
        service: "regami-service".into(),
        desired: None,
    });
    let service = |world: &SimWorld, now| {
        world
            .ecs_at(now)
            .service("regami-cluster", "regami-service")
            .unwrap()
            .clone()
    };
    let bad = service(&world, start()).deployments[0]
        .task_definition
        .clone();
    assert_ne!(bad, "regami-service:2");
    world.confirm(
        &step(&["aws ecs update-service --cluster regami-cluster --service regami-service --task-definition regami-service:2 --region us-east-1"]),
        start() + mins(1),
    );
    let during = service(&world, start() + mins(2));
    assert_eq!(during.deployments.len(), 2);
    assert_eq!(during.deployments[0].task_definition, "regami-service:2");
    assert_eq!(during.deployments[1].task_definition, bad);
    assert_eq!(check(&world, &stable, start() + mins(2)), Outcome::NotMet);

    let after = service(&world, start() + mins(10));
    assert_eq!(after.deployments.len(), 1);
    assert_eq!(after.deployments[0].task_definition, "regami-service:2");
    assert_eq!(after.running, after.desired);
    assert_eq!(check(&world, &stable, start() + mins(10)), Outcome::Met);
}

#[test]
fn the_standby_can_be_started_on_a_fresh_deployment_and_stopped_again() {
    let mut world = SimWorld::new(&multi_region(), SEED, start());
    let standby = |world: &SimWorld, m| {
        world
            .ecs_at(start() + mins(m))
            .service("regami-cluster-secondary", "regami-service-secondary")
            .unwrap()
            .clone()
    };
    world.confirm(
        &step(&["aws ecs update-service --cluster regami-cluster-secondary --service regami-service-secondary --desired-count 2 --force-new-deployment --region us-west-2"]),
        start(),
    );
    let up = standby(&world, 10);
    assert_eq!((up.desired, up.running, up.deployments.len()), (2, 2, 1));
    world.confirm(
        &step(&["aws ecs update-service --cluster regami-cluster-secondary --service regami-service-secondary --desired-count 0 --region us-west-2"]),
        start() + mins(20),
    );
    let down = standby(&world, 25);
    assert_eq!((down.desired, down.running), (0, 0));
    let stable = Verify::EcsStable(predicates::EcsStable {
        cluster: "regami-cluster-secondary".into(),
        service: "regami-service-secondary".into(),
        desired: None,
    });
    assert_eq!(check(&world, &stable, start() + mins(25)), Outcome::Met);
}
