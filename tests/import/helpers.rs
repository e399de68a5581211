//! What the importer tests share: importing with the round-trip checks,
//! finding scenarios and steps, the whole-plan checks (nothing dropped,
//! the validator agrees) and running the built binary. Used by
//! tests/import.rs (fixtures) and tests/real_plans.rs (the real plans).
#![allow(dead_code)]

use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::import::{Imported, import, normalize};
use drconsole::runbook::load;
use drconsole::runbook::model::{Runbook, Scenario, Step};

use super::coverage;

pub fn imported(text: &str, name: &str) -> Imported {
    let imported = import(text, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    // Every import must read back exactly and come out the same twice.
    let back: Runbook = toml::from_str(&imported.toml).expect("emitted TOML parses");
    assert_eq!(back, imported.runbook, "{name}: round trip");
    let again = import(text, name).expect("second import");
    assert_eq!(again.toml, imported.toml, "{name}: stable output");
    imported
}

pub fn scenario<'a>(runbook: &'a Runbook, title_part: &str) -> &'a Scenario {
    runbook
        .scenarios
        .iter()
        .find(|s| s.title.contains(title_part))
        .unwrap_or_else(|| {
            let titles: Vec<&str> = runbook.scenarios.iter().map(|s| s.title.as_str()).collect();
            panic!("no scenario {title_part:?} in {titles:?}")
        })
}

pub fn step<'a>(scenario: &'a Scenario, title_part: &str) -> &'a Step {
    scenario
        .steps
        .iter()
        .find(|s| s.title.contains(title_part))
        .unwrap_or_else(|| {
            let titles: Vec<&str> = scenario.steps.iter().map(|s| s.title.as_str()).collect();
            panic!("no step {title_part:?} in {titles:?}")
        })
}

pub fn h(hours: u64) -> HumanDuration {
    HumanDuration::from_hours(hours)
}
pub fn m(mins: u64) -> HumanDuration {
    HumanDuration::from_mins(mins)
}

/// Lines of the plan found nowhere in its TOML, one `name:line: text` each.
pub fn dropped_lines(name: &str, plan: &str) -> String {
    let imp = imported(plan, name);
    coverage::missing_lines(&normalize(plan), &imp.toml)
        .into_iter()
        .map(|(line, text)| format!("{name}:{line}: {text}\n"))
        .collect()
}

/// What the validator says about the plan's import beyond the expected:
/// errors, a different runbook, or warnings other than checks naming an
/// instance a step creates and replicas without a known source.
pub fn validator_problems(name: &str, plan: &str) -> String {
    let imp = imported(plan, name);
    let created = created_instances(&imp.runbook);
    let mut problems = String::new();
    match load::parse(&imp.toml, name) {
        Err(diagnostics) => {
            for d in diagnostics {
                problems.push_str(&format!("{d}\n"));
            }
        }
        Ok((back, warnings)) => {
            if back != imp.runbook {
                problems.push_str(&format!("{name}: the validator reads another runbook\n"));
            }
            for w in warnings {
                let expected = created.iter().any(|c| {
                    w.message
                        .starts_with(&format!("verify names RDS instance \"{c}\" which"))
                }) || (w.message.starts_with("RDS replica \"")
                    && w.message.contains("\" has no source"));
                if !expected {
                    problems.push_str(&format!("unexpected: {w}\n"));
                }
            }
        }
    }
    problems
}

/// Instances a runbook's steps create: restore targets, new replicas, new
/// instances. Verify may name them though [environment] does not.
fn created_instances(runbook: &Runbook) -> Vec<String> {
    let mut out = Vec::new();
    for command in runbook
        .scenarios
        .iter()
        .flat_map(|s| &s.steps)
        .flat_map(|s| &s.commands)
    {
        let words: Vec<&str> = command.split_whitespace().collect();
        let creates = words.iter().any(|w| {
            w.starts_with("restore-db-instance")
                || *w == "create-db-instance"
                || *w == "create-db-instance-read-replica"
        });
        let creates_cluster = words
            .iter()
            .any(|w| w.starts_with("restore-db-cluster") || *w == "create-db-cluster");
        for pair in words.windows(2) {
            let flag = pair[0];
            if flag == "--target-db-instance-identifier"
                || (creates && flag == "--db-instance-identifier")
                || (creates_cluster && flag == "--db-cluster-identifier")
            {
                out.push(pair[1].to_owned());
            }
        }
        // AWS Backup restores name their target in --metadata, as JSON
        // (`"DBClusterIdentifier": "x"`) or shorthand (`…Identifier=x`).
        for key in ["DBClusterIdentifier", "DBInstanceIdentifier"] {
            if let Some((_, rest)) = command.split_once(key) {
                let value = rest
                    .trim_start_matches(['"', ':', '=', ' '])
                    .split(['"', ',', '}', ' ', '\n'])
                    .next()
                    .unwrap_or_default();
                out.push(value.to_owned());
            }
        }
    }
    out
}

/// Runs the built binary; returns its exit code, stdout and stderr.
pub fn drconsole(args: &[&std::ffi::OsStr]) -> (i32, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("the drconsole binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Imports the plan file with the binary, validates the output, and draws
/// one frame of `scenario_id` run from the plan itself; returns the frame.
pub fn binary_imports_validates_and_draws(plan: &std::path::Path, scenario_id: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out.toml");
    let (code, _, err) = drconsole(&[
        "import".as_ref(),
        plan.as_os_str(),
        "-o".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, 0, "import: {err}");
    assert!(err.contains("Scenarios:"), "the report goes to stderr");
    let (code, stdout, err) = drconsole(&["validate".as_ref(), out.as_os_str()]);
    assert_eq!(code, 0, "validate: {stdout}{err}");

    let frame_file = dir.path().join("frame.txt");
    let (code, stdout, err) = drconsole(&[
        "screenshot".as_ref(),
        "--runbook".as_ref(),
        plan.as_os_str(),
        "--scenario".as_ref(),
        scenario_id.as_ref(),
        "--size".as_ref(),
        "160x40".as_ref(),
        "--format".as_ref(),
        "txt".as_ref(),
        "--out".as_ref(),
        frame_file.as_os_str(),
    ]);
    assert_eq!(code, 0, "screenshot: {stdout}{err}");
    std::fs::read_to_string(&frame_file).unwrap()
}
