//! The runbook loader on generated files: mutated real runbooks and
//! arbitrary bytes never panic, every error points inside the file, deep
//! nesting does not overflow a normal stack, and validation is linear in
//! the number of steps.

mod common;

use std::time::Duration;

use common::hostile;
use common::mutate::{mutated, within};
use drconsole::runbook::load::{self, Diagnostic};
use proptest::prelude::*;

/// A watchdog against hangs in a debug build on a busy machine, not a
/// measurement.
const WATCHDOG: Duration = Duration::from_secs(60);

/// The stack a spawned thread gets by default.
const NORMAL_STACK: usize = 2 << 20;

/// `load::load` on `bytes` written to a file, as `drconsole validate`
/// reads it, on a thread with a normal stack under the watchdog.
fn load_checked(bytes: Vec<u8>) -> Result<usize, Vec<Diagnostic>> {
    within(WATCHDOG, "loading a generated runbook", move || {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("runbook.toml");
        std::fs::write(&path, &bytes).expect("write the runbook");
        std::thread::Builder::new()
            .stack_size(NORMAL_STACK)
            .spawn(move || {
                load::load(&path)
                    .map(|(runbook, _)| runbook.scenarios.iter().map(|s| s.steps.len()).sum())
            })
            .expect("spawn the loader thread")
            .join()
            .expect("the loader does not panic")
    })
}

/// Every diagnostic is an error or warning at a 1-based line and column
/// inside the file (a position just past a final newline counts as the
/// empty last line).
fn assert_inside(bytes: &[u8], diagnostics: &[Diagnostic]) -> Result<(), TestCaseError> {
    let lines = bytes.split(|&b| b == b'\n').count();
    prop_assert!(!diagnostics.is_empty(), "an invalid file has a diagnostic");
    prop_assert!(diagnostics.iter().any(Diagnostic::is_error));
    for d in diagnostics {
        prop_assert!(d.file.ends_with("runbook.toml"), "{d}");
        prop_assert!(
            (1..=lines).contains(&d.line),
            "{d}: line outside 1..={lines}"
        );
        prop_assert!(d.column >= 1, "{d}");
        prop_assert!(!d.message.is_empty() && !d.message.contains('\n'), "{d}");
    }
    Ok(())
}

#[test]
fn twenty_thousand_steps_validate() {
    let steps = load_checked(hostile::runbook_steps(20_000).into_bytes());
    assert_eq!(steps.map_err(|d| d.len()), Ok(20_000));
}

/// Duplicate ids in a 20,000-step runbook: each is reported, at its own line.
#[test]
fn twenty_thousand_duplicate_steps_are_each_placed() {
    let text = hostile::runbook_steps(20_000)
        .lines()
        .map(|l| {
            if l.starts_with("id = \"step-") {
                "id = \"step\""
            } else {
                l
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    let diagnostics = load_checked(text.clone().into_bytes()).expect_err("duplicates");
    assert_eq!(diagnostics.len(), 19_999);
    let last_id_line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "id = \"step\"")
        .map(|(i, _)| i + 1)
        .last();
    assert_eq!(diagnostics.last().map(|d| d.line), last_id_line);
    assert_eq!(diagnostics.last().map(|d| d.column), Some(6));
}

/// Verify checks nested 50,000 deep: an error, not a stack overflow.
#[test]
fn deeply_nested_verify_is_an_error_not_a_crash() {
    let depth = 50_000;
    let mut text = hostile::runbook_steps(1);
    text.push_str("\n[[scenario.step]]\nid = \"deep\"\ntitle = \"Deep\"\nverify = ");
    text.push_str(&"{ all = [".repeat(depth));
    text.push_str("{ instance_exists = { instance = \"db\" } }");
    text.push_str(&"] }".repeat(depth));
    text.push('\n');
    let diagnostics = load_checked(text.into_bytes()).expect_err("too deep");
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0].line, 27, "{}", diagnostics[0]);
    assert!(diagnostics[0].is_error());
    assert!(
        diagnostics[0].message.contains("max recursion depth"),
        "{}",
        diagnostics[0]
    );
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const RUNBOOKS: &[&[u8]] = &[
    include_bytes!("fixtures/valid/aurora_clusters.toml"),
    include_bytes!("fixtures/valid/every_predicate.toml"),
    include_bytes!("fixtures/valid/minimal.toml"),
    include_bytes!("fixtures/valid/replica_without_source.toml"),
    include_bytes!("fixtures/valid/undeclared_names.toml"),
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutated_runbooks_load_or_point_inside_the_file(
        bytes in proptest::sample::select(RUNBOOKS).prop_flat_map(|seed| mutated(seed, 8))
    ) {
        if let Err(diagnostics) = load_checked(bytes.clone()) {
            assert_inside(&bytes, &diagnostics)?;
        }
    }

    #[test]
    fn arbitrary_bytes_are_rejected_inside_the_file(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        // Random bytes are never a runbook: there is no [[scenario]].
        let diagnostics = load_checked(bytes.clone()).expect_err("not a runbook");
        assert_inside(&bytes, &diagnostics)?;
    }
}
