//! `AwsSource::connect` as a user configures it: a named profile whose
//! credentials come from `credential_process`, and the standard
//! `AWS_ENDPOINT_URL_<SERVICE>` variables sending RDS to moto and CloudWatch
//! to MiniStack. The variables are process-wide, so the check runs in a
//! child process (this test binary again) with its own environment. Needs
//! `./scripts/test`.

mod emulators;

use std::process::Command;

use aws_sdk_cloudwatch::types::{ComparisonOperator, StateValue, Statistic};
use drconsole::domain::snapshot::SourceKind;
use drconsole::runbook::model::{AlarmSpec, Environment, RdsRole, RdsSpec, Regions};
use drconsole::sources::aws::{AwsOptions, AwsSource};
use drconsole::sources::{Payload, Source};
use emulators::*;

const TEST: &str = "connect_uses_the_profile_and_the_endpoint_variables";
const CHILD: &str = "DRCONSOLE_CONNECT_CHILD";
const REGION: &str = "sa-east-1";

#[test]
fn connect_uses_the_profile_and_the_endpoint_variables() {
    if std::env::var_os(CHILD).is_some() {
        return child();
    }
    let (moto, ministack) = (moto(), ministack());
    let db = unique("envvar-db");
    let alarm = unique("envvar-alarm");
    tokio::runtime::Runtime::new()
        .unwrap()
        .block_on(seed(&moto, &ministack, &db, &alarm));

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    // Another region in the profile: the runbook's region wins.
    std::fs::write(
        &config,
        "[profile drill]\n\
         region = eu-north-1\n\
         credential_process = echo '{\"Version\": 1, \"AccessKeyId\": \"testing\", \"SecretAccessKey\": \"testing\"}'\n",
    )
    .unwrap();
    let mut child = Command::new(std::env::current_exe().unwrap());
    child
        .args([TEST, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD, "1")
        .env("CHILD_DB", &db)
        .env("CHILD_ALARM", &alarm)
        .env("AWS_CONFIG_FILE", &config)
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            dir.path().join("no-credentials"),
        )
        .env("AWS_ENDPOINT_URL_RDS", &moto)
        .env("AWS_ENDPOINT_URL_ECS", &moto)
        .env("AWS_ENDPOINT_URL_BACKUP", &moto)
        .env("AWS_ENDPOINT_URL_CLOUDWATCH", &ministack)
        .env("AWS_EC2_METADATA_DISABLED", "true");
    for var in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_PROFILE",
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_ENDPOINT_URL",
    ] {
        child.env_remove(var);
    }
    let out = child.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "child failed:\n{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran the check:\n{stdout}"
    );
}

async fn seed(moto: &str, ministack: &str, db: &str, alarm: &str) {
    rds(REGION, moto)
        .create_db_instance()
        .db_instance_identifier(db)
        .db_instance_class("db.t3.micro")
        .engine("mysql")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .allocated_storage(20)
        .send()
        .await
        .unwrap();
    let cw = cloudwatch(REGION, ministack);
    cw.put_metric_alarm()
        .alarm_name(alarm)
        .namespace("Drconsole/Test")
        .metric_name("Unpublished")
        .statistic(Statistic::Average)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    cw.set_alarm_state()
        .alarm_name(alarm)
        .state_value(StateValue::Ok)
        .state_reason("seeded")
        .send()
        .await
        .unwrap();
}

/// Runs in the child: only the environment says where to go.
fn child() {
    let db = std::env::var("CHILD_DB").unwrap();
    let alarm = std::env::var("CHILD_ALARM").unwrap();
    let env = Environment {
        regions: Regions {
            primary: REGION.into(),
            dr: None,
        },
        rds: vec![RdsSpec {
            id: db.clone(),
            region: None,
            role: RdsRole::Primary,
            source: None,
            engine: None,
        }],
        alarms: AlarmSpec {
            names: vec![alarm.clone()],
            prefixes: vec![],
        },
        ..Environment::default()
    };
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let options = AwsOptions {
            profile: Some("drill".into()),
            ..AwsOptions::default()
        };
        let source = AwsSource::connect(&env, options).await.unwrap();
        match source.fetch(SourceKind::Rds).await {
            Ok(Payload::Rds(rds)) => {
                let found = rds.instance(&db).expect("the seeded instance");
                assert_eq!(found.region, REGION);
                assert_eq!(found.engine.as_deref(), Some("mysql"));
            }
            other => panic!("RDS: {other:?}"),
        }
        match source.fetch(SourceKind::Alarms).await {
            Ok(Payload::Alarms(alarms)) => {
                assert_eq!(alarms.alarms.len(), 1, "{alarms:?}");
                assert_eq!(alarms.alarms[0].name, alarm);
                assert_eq!(alarms.alarms[0].region, REGION);
            }
            other => panic!("alarms: {other:?}"),
        }
    });
}
