//! Runbook loading and `drconsole validate`: every fixture's diagnostics are
//! asserted by severity, line, column and message.

use std::path::{Path, PathBuf};

use drconsole::commands::validate as validate_cmd;
use drconsole::runbook::load::{self, Diagnostic, Severity};
use drconsole::runbook::model::{AlarmStateName, RdsRole, Verify};
use drconsole::runbook::predicates;

fn fixture(kind: &str, name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(kind)
        .join(name)
}

/// (line, column, severity, fragments the message must contain)
type Expected<'a> = (usize, usize, Severity, &'a [&'a str]);

fn assert_diagnostics(path: &Path, got: &[Diagnostic], expected: &[Expected]) {
    let file = path.display().to_string();
    let shown: Vec<String> = got.iter().map(ToString::to_string).collect();
    assert_eq!(
        got.len(),
        expected.len(),
        "{file}: diagnostics differ:\n{}",
        shown.join("\n")
    );
    for (diagnostic, &(line, column, severity, fragments)) in got.iter().zip(expected) {
        assert_eq!(diagnostic.file, file);
        assert_eq!(
            (diagnostic.line, diagnostic.column, diagnostic.severity),
            (line, column, severity),
            "position or severity of: {diagnostic}"
        );
        for fragment in fragments {
            assert!(
                diagnostic.message.contains(fragment),
                "{diagnostic}\n  should contain {fragment:?}"
            );
        }
        assert!(
            !diagnostic.message.contains('\n'),
            "message is not one line: {diagnostic}"
        );
        let prefix = format!("{file}:{line}:{column}: {severity}: ");
        assert!(diagnostic.to_string().starts_with(&prefix), "{diagnostic}");
    }
}

fn assert_invalid(name: &str, expected: &[Expected]) {
    let path = fixture("invalid", name);
    match load::load(&path) {
        Ok((runbook, warnings)) => {
            panic!("{name} loaded but should not: {runbook:?} {warnings:?}")
        }
        Err(diagnostics) => assert_diagnostics(&path, &diagnostics, expected),
    }
}

const E: Severity = Severity::Error;
const W: Severity = Severity::Warning;

#[test]
fn syntax_error_points_at_the_stray_token() {
    assert_invalid(
        "syntax_error.toml",
        &[(5, 12, E, &["unexpected key or value", "expected newline"])],
    );
}

#[test]
fn unknown_field_names_it_and_the_expected_ones() {
    assert_invalid(
        "unknown_field.toml",
        &[(
            16,
            1,
            E,
            &["unknown field `titel`", "expected one of", "`title`"],
        )],
    );
}

#[test]
fn bad_duration_points_at_the_value() {
    assert_invalid(
        "bad_duration.toml",
        &[(
            4,
            7,
            E,
            &["invalid duration \"12 hrs later\"", "\"1h 30m\""],
        )],
    );
}

#[test]
fn missing_objectives_is_reported_at_the_top() {
    assert_invalid(
        "missing_objectives.toml",
        &[(1, 1, E, &["missing field `objectives`"])],
    );
}

#[test]
fn wrong_type_points_at_the_value() {
    assert_invalid(
        "wrong_type.toml",
        &[(17, 12, E, &["invalid type: string", "expected a sequence"])],
    );
}

#[test]
fn unknown_verify_predicate_lists_the_known_ones() {
    assert_invalid(
        "unknown_verify.toml",
        &[(
            17,
            8,
            E,
            &[
                "unknown variant `instance_state`",
                "`instance_status`",
                "`ecs_stable`",
            ],
        )],
    );
}

#[test]
fn bad_alarm_state_lists_the_states() {
    assert_invalid(
        "bad_alarm_state.toml",
        &[(
            17,
            45,
            E,
            &["unknown variant `GREEN`", "`OK`", "`INSUFFICIENT_DATA`"],
        )],
    );
}

#[test]
fn no_scenarios() {
    assert_invalid(
        "no_scenarios.toml",
        &[(1, 1, E, &["no scenarios", "[[scenario]]"])],
    );
}

#[test]
fn duplicate_scenario_id_points_at_the_second() {
    assert_invalid(
        "duplicate_scenario_id.toml",
        &[(
            19,
            6,
            E,
            &["duplicate scenario id \"restore\"", "line 11, column 6"],
        )],
    );
}

#[test]
fn duplicate_step_id_points_at_the_second() {
    assert_invalid(
        "duplicate_step_id.toml",
        &[(
            23,
            6,
            E,
            &["duplicate step id \"restore\" in scenario \"x\"", "line 15"],
        )],
    );
}

#[test]
fn empty_step_list_points_at_the_scenario() {
    assert_invalid(
        "empty_steps.toml",
        &[(10, 1, E, &["scenario \"nothing-to-do\" has no steps"])],
    );
}

#[test]
fn replica_without_source_warns_at_its_role() {
    let path = fixture("valid", "replica_without_source.toml");
    let (_, warnings) = load::load(&path).unwrap();
    assert_diagnostics(
        &path,
        &warnings,
        &[(15, 8, W, &["RDS replica \"db-replica\" has no source"])],
    );
}

#[test]
fn primary_with_source_points_at_the_source() {
    assert_invalid(
        "primary_with_source.toml",
        &[(15, 10, E, &["\"db-copy\" is a primary but names a source"])],
    );
}

#[test]
fn duplicate_resources_are_each_reported_and_regions_distinguish() {
    assert_invalid(
        "duplicate_resources.toml",
        &[
            (
                20,
                6,
                E,
                &[
                    "RDS instance \"db\" in us-east-1 is declared twice",
                    "line 12",
                ],
            ),
            (
                29,
                11,
                E,
                &["ECS service \"s\" in cluster \"c\"", "line 25"],
            ),
            (35, 8, E, &["backup vault \"v\"", "line 32"]),
            (38, 20, E, &["alarm name \"a\"", "line 38, column 10"]),
            (39, 19, E, &["alarm prefix \"p-\"", "line 39, column 13"]),
        ],
    );
}

#[test]
fn duplicate_cluster_points_at_the_second_in_the_same_region() {
    assert_invalid(
        "duplicate_cluster.toml",
        &[(
            20,
            6,
            E,
            &[
                "Aurora cluster \"orders\" in us-east-1 is declared twice",
                "line 12, column 6",
            ],
        )],
    );
}

#[test]
fn aurora_clusters_load_and_instance_checks_may_name_them() {
    let path = fixture("valid", "aurora_clusters.toml");
    let (runbook, warnings) = load::load(&path).unwrap();
    // Only the lag check warns: lag is a replica instance's, not a cluster's.
    assert_diagnostics(
        &path,
        &warnings,
        &[(
            41,
            38,
            W,
            &[
                "replica_lag_below names Aurora cluster \"orders-dr\"",
                "members",
            ],
        )],
    );
    let env = &runbook.environment;
    let orders = env.rds_cluster("orders").unwrap();
    assert_eq!(orders.engine.as_deref(), Some("aurora-postgresql"));
    assert_eq!(orders.region, None);
    assert_eq!(
        env.rds_cluster("orders-dr").unwrap().region.as_deref(),
        Some("us-west-2")
    );
    assert_eq!(env.all_regions(), ["us-east-1", "us-west-2"]);
}

#[test]
fn runbooks_without_clusters_serialize_as_before() {
    let (runbook, _) = load::load(&fixture("valid", "minimal.toml")).unwrap();
    assert!(runbook.environment.rds_clusters.is_empty());
    let json = serde_json::to_string(&runbook).unwrap();
    assert!(!json.contains("rds_clusters"), "{json}");
    let (runbook, _) = load::load(&fixture("valid", "aurora_clusters.toml")).unwrap();
    let json = serde_json::to_value(&runbook).unwrap();
    assert_eq!(
        json["environment"]["rds_clusters"][1],
        serde_json::json!({ "id": "orders-dr", "region": "us-west-2" })
    );
}

#[test]
fn empty_all_nested_in_any_points_at_it() {
    assert_invalid("empty_all.toml", &[(22, 11, E, &["verify.all is empty"])]);
}

#[test]
fn a_share_that_is_not_an_s3_location() {
    assert_invalid(
        "share_not_s3.toml",
        &[(
            2,
            9,
            E,
            &["share: \"https://dr-team/incidents\" is not an S3 location"],
        )],
    );
}

#[test]
fn dr_region_equal_to_primary() {
    assert_invalid(
        "dr_same_as_primary.toml",
        &[(
            9,
            6,
            E,
            &["DR region \"us-east-1\" is the same as the primary"],
        )],
    );
}

#[test]
fn not_utf8_points_at_the_bad_byte() {
    assert_invalid("not_utf8.toml", &[(1, 12, E, &["not valid UTF-8"])]);
}

#[test]
fn unreadable_file_is_an_error_at_1_1() {
    let path = fixture("invalid", "does-not-exist.toml");
    let diagnostics = load::load(&path).unwrap_err();
    assert_diagnostics(&path, &diagnostics, &[(1, 1, E, &["cannot read file"])]);
}

#[test]
fn warnings_ride_along_with_errors() {
    let text = "name = \"x\"\n[objectives]\nrto = 1\nrpo = 1\n[environment.regions]\nprimary = \"r\"\n\
                [[scenario]]\nid = \"s\"\ntitle = \"S\"\n[[scenario.step]]\nid = \"a\"\ntitle = \"A\"\n\
                verify.instance_exists = { instance = \"ghost\" }\n\
                [[scenario]]\nid = \"s\"\ntitle = \"again\"\n";
    let diagnostics = load::parse(text, "inline.toml").unwrap_err();
    let shown: Vec<String> = diagnostics.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "inline.toml:13:39: warning: verify names RDS instance \"ghost\" which [environment] does not declare",
            "inline.toml:14:1: error: scenario \"s\" has no steps; add at least one [[scenario.step]]",
            "inline.toml:15:6: error: duplicate scenario id \"s\" (first declared at line 8, column 6)",
        ]
    );
}

#[test]
fn minimal_runbook_loads_clean() {
    let (runbook, warnings) = load::load(&fixture("valid", "minimal.toml")).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(runbook.name, "minimal");
    assert_eq!(runbook.objectives.rpo.secs(), 900);
    assert_eq!(runbook.environment.regions.dr, None);
    assert_eq!(runbook.scenarios[0].steps[0].title, "Restart it");
}

#[test]
fn every_predicate_loads_with_no_warnings() {
    let (runbook, warnings) = load::load(&fixture("valid", "every_predicate.toml")).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");

    let env = &runbook.environment;
    assert_eq!(env.regions.dr.as_deref(), Some("us-west-2"));
    assert_eq!(env.account.as_deref(), Some("123456789012"));
    assert_eq!(env.rds("main-db-replica").unwrap().role, RdsRole::Replica);
    assert_eq!(env.thresholds.replica_lag.unwrap().secs(), 30);
    assert_eq!(env.thresholds.recovery_point_age.unwrap().secs(), 93_600);
    assert_eq!(runbook.objectives.rpo.secs(), 5_400);

    let failover = runbook.scenario("failover").unwrap();
    assert_eq!(failover.rto(&runbook.objectives).secs(), 7_200);
    assert_eq!(failover.steps[2].expected.unwrap().secs(), 900);

    // Collect every predicate name used, through all/any nesting.
    fn names(verify: &Verify, out: &mut Vec<&'static str>) {
        if let Verify::All(checks) | Verify::Any(checks) = verify {
            checks.iter().for_each(|c| names(c, out));
        }
        out.push(verify.key());
    }
    let mut used = Vec::new();
    for step in runbook.scenarios.iter().flat_map(|s| &s.steps) {
        if let Some(verify) = &step.verify {
            names(verify, &mut used);
        }
    }
    used.sort_unstable();
    used.dedup();
    assert_eq!(
        used,
        [
            "alarm_state",
            "all",
            "any",
            "ecs_running_at_least",
            "ecs_stable",
            "instance_exists",
            "instance_promoted",
            "instance_status",
            "pitr_covers",
            "recovery_point_younger_than",
            "replica_lag_below",
        ]
    );

    // Lower-case alarm states are accepted.
    let alarm = runbook.scenario("restore").unwrap().steps[3].verify.clone();
    assert_eq!(
        alarm,
        Some(Verify::AlarmState(predicates::AlarmState {
            alarm: "main-db-cpu".into(),
            state: AlarmStateName::Ok,
        }))
    );
}

#[test]
fn undeclared_names_load_with_one_warning_each() {
    let path = fixture("valid", "undeclared_names.toml");
    let (_, warnings) = load::load(&path).unwrap();
    assert_diagnostics(
        &path,
        &warnings,
        &[
            (
                17,
                10,
                W,
                &[
                    "replica \"db-replica\" has source \"old-db\"",
                    "does not declare",
                ],
            ),
            (
                33,
                39,
                W,
                &["verify names RDS instance \"db-restore\" which [environment] does not declare"],
            ),
            (39, 45, W, &["ECS service \"other\" in cluster \"c\""]),
            (40, 29, W, &["alarm \"api-5xx\"", "by name or prefix"]),
            (41, 45, W, &["backup vault \"missing-vault\""]),
        ],
    );
}

fn run_validate(path: &Path, json: bool) -> (i32, String, String) {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = validate_cmd::run(path, json, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

#[test]
fn validate_exits_2_and_prints_errors_to_err() {
    let path = fixture("invalid", "duplicate_step_id.toml");
    let (code, out, err) = run_validate(&path, false);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    let file = path.display();
    assert!(
        err.starts_with(&format!(
            "{file}:23:6: error: duplicate step id \"restore\""
        )),
        "{err}"
    );
    assert!(
        err.ends_with(&format!("{file}: invalid — 1 error\n")),
        "{err}"
    );

    // --json prints nothing on stdout for an invalid file either.
    let (code, out, _) = run_validate(&path, true);
    assert_eq!((code, out.as_str()), (2, ""));
}

#[test]
fn validate_summarizes_a_valid_file_with_its_warnings() {
    let path = fixture("valid", "undeclared_names.toml");
    let (code, out, err) = run_validate(&path, false);
    assert_eq!(code, 0);
    assert_eq!(
        out,
        format!("{}: ok — 1 scenario, 2 steps, 5 warnings\n", path.display())
    );
    assert_eq!(err.lines().count(), 5);
    assert!(err.lines().all(|l| l.contains(": warning: ")), "{err}");
}

#[test]
fn validate_json_normalizes_durations_to_seconds() {
    let (code, out, err) = run_validate(&fixture("valid", "every_predicate.toml"), true);
    assert_eq!(code, 0, "{err}");
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["objectives"]["rto"], 14_400);
    assert_eq!(json["objectives"]["rpo"], 5_400);
    assert_eq!(json["environment"]["regions"]["dr"], "us-west-2");
    assert_eq!(json["environment"]["thresholds"]["replica_lag"], 30);
    let failover = &json["scenario"][0];
    assert_eq!(failover["rto"], 7_200);
    let lag = &failover["step"][0]["verify"]["replica_lag_below"];
    assert_eq!(lag["instance"], "main-db-replica");
    assert_eq!(lag["max"], 60);
    let any = &failover["step"][2]["verify"]["any"];
    assert_eq!(any[1]["all"][0]["ecs_running_at_least"]["count"], 2);
    assert_eq!(any[1]["all"][1]["alarm_state"]["state"], "OK");
}

#[test]
fn rally_runbook_is_valid_and_complete() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks/rally.toml");
    let (runbook, warnings) = load::load(&path).unwrap_or_else(|errors| {
        let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
        panic!("rally.toml is invalid:\n{}", shown.join("\n"))
    });
    // The only expected warnings: checks on the restore target, which a step creates.
    assert!(!warnings.is_empty());
    for warning in &warnings {
        assert!(
            warning.message.contains("\"rally-prod-db-restore\""),
            "{warning}"
        );
    }

    assert_eq!(runbook.objectives.rto.secs(), 12 * 3600);
    let env = &runbook.environment;
    assert_eq!(env.regions.primary, "us-east-1");
    assert!(env.rds("rally-prod-db").is_some());
    assert!(
        env.ecs("rally-prod-cluster", "rally-prod-service-fargate")
            .is_some()
    );

    let ids: Vec<&str> = runbook.scenarios.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "instance-failure",
            "data-corruption",
            "app-failure",
            "regional-outage"
        ]
    );
    let roles = ["Incident Commander", "DB ops", "App ops", "Comms"];
    for scenario in &runbook.scenarios {
        assert!(scenario.steps.len() >= 5, "{}", scenario.id);
        for step in &scenario.steps {
            assert!(!step.title.trim().is_empty(), "{}/{}", scenario.id, step.id);
            assert!(step.expected.is_some(), "{}/{}", scenario.id, step.id);
            let role = step.role.as_deref().unwrap_or_default();
            assert!(roles.contains(&role), "{}/{}: {role}", scenario.id, step.id);
        }
    }

    // The plan's own commands appear in the steps that carry them out.
    let commands = |scenario: &str, step: &str| -> Vec<String> {
        let scenario = runbook.scenario(scenario).unwrap();
        let step = scenario.steps.iter().find(|s| s.id == step).unwrap();
        step.commands.clone()
    };
    let pitr = "aws rds restore-db-instance-to-point-in-time --source-db-instance-identifier rally-prod-db --target-db-instance-identifier rally-prod-db-restore --use-latest-restorable-time --region us-east-1";
    assert!(commands("instance-failure", "restore").contains(&pitr.to_string()));
    let redeploy = "aws ecs update-service --cluster rally-prod-cluster --service rally-prod-service-fargate --force-new-deployment --region us-east-1";
    assert!(commands("instance-failure", "redeploy").contains(&redeploy.to_string()));
    assert!(commands("data-corruption", "restore")[0].contains("--restore-time"));
    assert!(commands("data-corruption", "quarantine")[0].contains("--desired-count 0"));
    assert!(
        commands("app-failure", "rollback")[0].contains("--task-definition rally-prod-fargate:")
    );

    // Live state confirms the restore, the rollout and the alarms.
    let restore_ready = runbook.scenario("instance-failure").unwrap().steps[2]
        .verify
        .clone();
    assert_eq!(
        restore_ready,
        Some(Verify::InstanceStatus(predicates::InstanceStatus {
            instance: "rally-prod-db-restore".into(),
            status: "available".into(),
        }))
    );
}

#[test]
fn format_doc_example_is_valid() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/runbook-format.md"),
    )
    .unwrap();
    let example = doc
        .split("## By example")
        .nth(1)
        .and_then(|rest| rest.split("```toml\n").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("docs/runbook-format.md has a TOML example");
    let (runbook, warnings) = load::parse(example, "doc").unwrap_or_else(|errors| {
        panic!("doc example is invalid: {errors:?}");
    });
    assert_eq!(runbook.scenarios.len(), 1);
    // Only the restore target, which the step itself creates, is undeclared.
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("\"shop-db-restore\""));
}
