//! `drconsole status` and `drconsole ready` as a user runs them against AWS,
//! here the emulators started by `./scripts/test` (moto for RDS, ECS and
//! Backup; MiniStack for CloudWatch), reached through the standard
//! `AWS_ENDPOINT_URL_<SERVICE>` variables with static test credentials.
//! The emulators are seeded with the built-in Regami environment, whose
//! fixed names no other emulator test uses. moto has no AWS Backup recovery
//! points (it answers ListRecoveryPointsByBackupVault with a bare 404): the
//! status test keeps the runbook's vaults and sees them reported as
//! unavailable beside the RDS snapshots that were reached; the readiness
//! test drops them. Vault contents are tested with aws-smithy-mocks in
//! aws_mocked.rs.

mod emulators;

use std::process::{Command, Output};

use aws_sdk_cloudwatch::types::StateValue;
use aws_sdk_ecs::types::ContainerDefinition;
use drconsole::runbook::builtin;
use emulators::*;
use tokio::sync::OnceCell;

const PRIMARY: &str = "us-east-1";
const DR: &str = "us-west-2";

/// Seeds once per test binary: tests run in parallel and share the emulators.
async fn seed() {
    static SEEDED: OnceCell<()> = OnceCell::const_new();
    SEEDED.get_or_init(seed_regami).await;
}

async fn seed_regami() {
    let moto = moto();
    let primary = rds(PRIMARY, &moto)
        .create_db_instance()
        .db_instance_identifier("regami-db")
        .db_instance_class("db.t3.micro")
        .engine("postgres")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .allocated_storage(20)
        .multi_az(true)
        .backup_retention_period(7)
        .send()
        .await
        .unwrap();
    let arn = primary
        .db_instance()
        .and_then(|d| d.db_instance_arn())
        .unwrap();
    rds(DR, &moto)
        .create_db_instance_read_replica()
        .db_instance_identifier("regami-db-replica")
        .source_db_instance_identifier(arn)
        .db_instance_class("db.t3.micro")
        .send()
        .await
        .unwrap();
    rds(PRIMARY, &moto)
        .create_db_snapshot()
        .db_instance_identifier("regami-db")
        .db_snapshot_identifier("regami-db-before-drill")
        .send()
        .await
        .unwrap();
    for (region, cluster, service, desired) in [
        (PRIMARY, "regami-cluster", "regami-service", 2),
        (
            DR,
            "regami-cluster-secondary",
            "regami-service-secondary",
            0,
        ),
    ] {
        let ecs = ecs(region, &moto);
        ecs.create_cluster()
            .cluster_name(cluster)
            .send()
            .await
            .unwrap();
        let task = ecs
            .register_task_definition()
            .family(service)
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .image("example/regami:1")
                    .memory(512)
                    .build(),
            )
            .send()
            .await
            .unwrap();
        let task_arn = task
            .task_definition()
            .and_then(|t| t.task_definition_arn())
            .unwrap();
        ecs.create_service()
            .cluster(cluster)
            .service_name(service)
            .task_definition(task_arn)
            .desired_count(desired)
            .send()
            .await
            .unwrap();
    }
    for (region, vault) in [
        (PRIMARY, "regami-backup-vault"),
        (DR, "regami-backup-vault-dr"),
    ] {
        backup(region, &moto)
            .create_backup_vault()
            .backup_vault_name(vault)
            .send()
            .await
            .unwrap();
    }
    // Replica lag is published in the replica's region, one point a minute.
    put_series(
        DR,
        "regami-db-replica",
        "ReplicaLag",
        &[4.0, 6.0, 3.0, 5.0, 2.0],
    )
    .await;
    put_alarm(
        PRIMARY,
        "regami-high-replication-lag",
        StateValue::Ok,
        "seeded",
    )
    .await;
    put_alarm(
        PRIMARY,
        "regami-primary-region-unhealthy",
        StateValue::Alarm,
        "seeded",
    )
    .await;
}

/// The built-in Regami runbook without its backup vaults, written to a file.
fn regami_without_vaults(dir: &std::path::Path) -> String {
    let mut runbook = builtin::regami();
    runbook.environment.backup_vaults.clear();
    let path = dir.join("regami.toml");
    std::fs::write(&path, toml::to_string(&runbook).unwrap()).unwrap();
    path.to_string_lossy().into_owned()
}

/// The binary with every service pointed at its emulator, as a user would
/// point it at an account: nothing but environment variables.
fn drconsole(args: &[&str]) -> Output {
    let home = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .env("AWS_ENDPOINT_URL_RDS", moto())
        .env("AWS_ENDPOINT_URL_ECS", moto())
        .env("AWS_ENDPOINT_URL_BACKUP", moto())
        .env("AWS_ENDPOINT_URL_CLOUDWATCH", ministack())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
        .env_remove("AWS_PROFILE")
        .env("RUST_BACKTRACE", "0")
        .output()
        .expect("the binary runs")
}

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

#[tokio::test]
async fn status_reports_what_was_seeded_and_the_firing_alarm() {
    seed().await;
    let dir = tempfile::tempdir().unwrap();
    let out = drconsole(&["status", &regami_without_vaults(dir.path()), "--json"]);
    let report = json(&out);
    // The seeded region-unhealthy alarm fires: degraded, exit 1.
    assert_eq!(out.status.code(), Some(1), "{report:#}");
    assert_eq!(report["overall"], "degraded");
    assert_eq!(
        report["failures"].as_array().unwrap().len(),
        0,
        "{report:#}"
    );
    let instances = report["live"]["rds"]["data"]["instances"]
        .as_array()
        .unwrap();
    let db = |id: &str| {
        instances
            .iter()
            .find(|i| i["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing: {instances:#?}"))
    };
    assert_eq!(db("regami-db")["region"], PRIMARY);
    assert_eq!(db("regami-db")["replica_of"], serde_json::Value::Null);
    assert_eq!(db("regami-db-replica")["region"], DR);
    assert_eq!(db("regami-db-replica")["replica_of"], "regami-db");
    let services = report["live"]["ecs"]["data"]["services"]
        .as_array()
        .unwrap();
    let standby = services
        .iter()
        .find(|s| s["name"] == "regami-service-secondary")
        .unwrap();
    assert_eq!(
        (standby["region"].as_str(), standby["desired"].as_u64()),
        (Some(DR), Some(0))
    );
    let alarms = report["live"]["alarms"]["data"]["alarms"]
        .as_array()
        .unwrap();
    let firing = alarms
        .iter()
        .find(|a| a["name"] == "regami-primary-region-unhealthy")
        .unwrap();
    assert_eq!(firing["state"], "ALARM");
    let points = report["live"]["backups"]["data"]["recovery_points"]
        .as_array()
        .unwrap();
    assert!(
        points.iter().any(|p| p["id"]
            .as_str()
            .unwrap_or("")
            .contains("regami-db-before-drill")),
        "{points:#?}"
    );
}

#[tokio::test]
async fn ready_answers_for_every_scenario() {
    seed().await;
    let dir = tempfile::tempdir().unwrap();
    let file = regami_without_vaults(dir.path());
    for scenario in &builtin::regami().scenarios {
        let out = drconsole(&["ready", &file, "--scenario", &scenario.id, "--json"]);
        let report = json(&out);
        let code = out.status.code().unwrap();
        assert!(
            code == 0 || code == 1,
            "{}: exit {code}: {report:#}",
            scenario.id
        );
        assert_eq!(report["ready"], code == 0, "{}", scenario.id);
        let checks = report["checks"].as_array().unwrap();
        assert!(!checks.is_empty(), "{}", scenario.id);
        for check in checks {
            // Every check was judged on data the emulators returned.
            assert_ne!(check["outcome"], "unknown", "{}: {check:#}", scenario.id);
        }
        // The standby service exists (scaled to zero) wherever it is checked.
        for check in checks.iter().filter(|c| {
            c["label"]
                .as_str()
                .unwrap_or("")
                .contains("regami-service-secondary")
        }) {
            assert_eq!(check["outcome"], "met", "{}: {check:#}", scenario.id);
        }
    }
}
