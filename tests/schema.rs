//! `drconsole schema` against what the loader accepts: every shipped
//! runbook, every valid fixture and every imported plan matches it; the
//! shape errors the loader rejects, it rejects too; its duration pattern
//! agrees with the duration parser.

use std::path::{Path, PathBuf};
use std::process::Command;

use drconsole::runbook::duration::{HumanDuration, TOO_LONG};
use drconsole::runbook::import::import_bytes;
use drconsole::runbook::load;
use drconsole::runbook::schema::{directive, duration_pattern, runbook_schema};
use proptest::prelude::*;
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn validator() -> jsonschema::Validator {
    let schema = serde_json::to_value(runbook_schema()).unwrap();
    jsonschema::draft7::new(&schema).unwrap()
}

/// Files in `dir` (under the crate root) ending in `ext`, sorted; there must be some.
fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "no *.{ext} in {dir}");
    paths
}

/// The TOML document as the JSON value an editor's extension validates.
fn as_json(toml_text: &str) -> Value {
    toml::from_str(toml_text).unwrap()
}

/// The schema's complaints about a runbook text, one line each.
fn schema_errors(validator: &jsonschema::Validator, toml_text: &str) -> Vec<String> {
    validator
        .iter_errors(&as_json(toml_text))
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn shipped_runbooks_and_valid_fixtures_match_the_schema() {
    let validator = validator();
    let mut paths = files("runbooks", "toml");
    paths.extend(files("tests/fixtures/valid", "toml"));
    for path in paths {
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        assert!(
            load::parse(&text, &name).is_ok(),
            "{name}: loader refuses it"
        );
        assert_eq!(
            schema_errors(&validator, &text),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

#[test]
fn every_imported_plan_starts_with_the_directive_loads_and_matches_the_schema() {
    let validator = validator();
    // no-procedures.md is the plan the importer refuses.
    let plans = files("tests/fixtures/plans", "md");
    let plans = plans.iter().filter(|p| !p.ends_with("no-procedures.md"));
    for path in plans {
        let name = path.display().to_string();
        let imported = import_bytes(&std::fs::read(path).unwrap(), &name).unwrap();
        let first = imported.toml.lines().next().unwrap();
        assert_eq!(first, "#:schema ./drconsole.schema.json", "{name}");
        assert_eq!(first, directive());
        let loaded = load::parse(&imported.toml, &name);
        assert!(loaded.is_ok(), "{name}: {:?}", loaded.err());
        assert_eq!(
            schema_errors(&validator, &imported.toml),
            Vec::<String>::new(),
            "{name}"
        );
    }
}

/// Each invalid fixture whose fault is one of shape, with where the schema
/// must point (it may find more: bad_duration has no scenario either).
/// (The others are semantic: duplicates, a dr region equal to
/// the primary, a replica's source: the loader's alone.)
const SHAPE_ERRORS: [(&str, &str); 8] = [
    ("unknown_field", "/scenario/0/step/0"),
    ("wrong_type", "/scenario/0/step/0/commands"),
    ("bad_duration", "/objectives/rto"),
    ("bad_alarm_state", "/scenario/0/step/0/verify"),
    ("unknown_verify", "/scenario/0/step/0/verify"),
    ("missing_objectives", ""),
    ("no_scenarios", ""),
    ("empty_steps", "/scenario/0"),
];

#[test]
fn shape_errors_the_loader_refuses_the_schema_refuses_at_the_same_place() {
    let validator = validator();
    for (fixture, at) in SHAPE_ERRORS {
        let path = root().join(format!("tests/fixtures/invalid/{fixture}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            load::parse(&text, fixture).is_err(),
            "{fixture}: loader accepts it"
        );
        let paths: Vec<String> = validator
            .iter_errors(&as_json(&text))
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            paths.iter().any(|p| p == at),
            "{fixture}: errors at {paths:?}, none at {at:?}"
        );
    }
}

/// A minimal runbook with one step whose body is `step`.
fn with_step(step: &str) -> String {
    format!(
        "name = \"n\"\n[objectives]\nrto = \"1h\"\nrpo = 3600\n\
         [environment.regions]\nprimary = \"us-east-1\"\n\
         [[scenario]]\nid = \"s\"\ntitle = \"S\"\n\
         [[scenario.step]]\nid = \"a\"\ntitle = \"A\"\n{step}\n"
    )
}

#[test]
fn the_schema_takes_and_refuses_what_the_loader_takes_and_refuses() {
    let validator = validator();
    let taken = [
        "expected = 90",
        "expected = \"1h 30m\"",
        "expected = \"2 Hours, 15 mins\"",
        "verify.alarm_state = { alarm = \"a\", state = \"ok\" }",
        "verify.alarm_state = { alarm = \"a\", state = \"INSUFFICIENT_DATA\" }",
        "verify.any = [{ all = [{ instance_exists = { instance = \"db\" } }] }]",
        "verify.pitr_covers = { instance = \"db\" }",
        "verify.recovery_point_younger_than = { max_age = \"1d\", region = \"us-east-1\" }",
    ];
    for step in taken {
        let text = with_step(step);
        assert!(load::parse(&text, "t").is_ok(), "loader refuses {step}");
        assert_eq!(
            schema_errors(&validator, &text),
            Vec::<String>::new(),
            "{step}"
        );
    }
    let refused = [
        "expected = -5",
        "expected = 1.5",
        "expected = \"soon\"",
        "expected = 3155760001",
        "verify.alarm_state = { alarm = \"a\", state = \"Ok\" }",
        "verify.instance_status = { instance = \"db\" }",
        "verify.instance_exists = { instance = \"db\", region = \"us-east-1\" }",
        "verify = { instance_exists = { instance = \"db\" }, ecs_stable = { cluster = \"c\", service = \"s\" } }",
        "verify.all = []",
        "commands = [1]",
    ];
    for step in refused {
        let text = with_step(step);
        assert!(load::parse(&text, "t").is_err(), "loader takes {step}");
        assert_ne!(
            schema_errors(&validator, &text),
            Vec::<String>::new(),
            "{step}"
        );
    }
}

fn pattern_matches(text: &str) -> bool {
    jsonschema::is_valid(
        &json!({ "type": "string", "pattern": duration_pattern() }),
        &json!(text),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    /// The pattern takes exactly what the parser takes, except written
    /// durations over the bound, which a pattern cannot see.
    #[test]
    fn the_duration_pattern_agrees_with_the_parser(
        text in prop_oneof![
            "[0-9. ,hmsdwHMSDWecoinrkuty]{0,12}",
            "( ?[0-9]{1,3}(\\.[0-9])? ?(s|sec|m|mins|H|Hours|d|days|w|wks|x)[ ,]{0,2}){1,3}",
        ]
    ) {
        let parsed = HumanDuration::parse(&text);
        let parses = parsed.is_ok() || parsed.as_ref().is_err_and(|e| e.contains(TOO_LONG));
        prop_assert_eq!(pattern_matches(&text), parses, "{:?}: parser says {:?}", text, parsed);
    }
}

#[test]
fn the_binary_prints_the_schema_it_validates_with() {
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed, serde_json::to_value(runbook_schema()).unwrap());
    assert_eq!(
        printed["$schema"],
        "http://json-schema.org/draft-07/schema#"
    );
}
