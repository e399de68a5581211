//! The importer on hostile and generated plans: every shape finishes under
//! a watchdog without panicking, deep nesting does not overflow a normal
//! thread stack, and whatever the importer emits passes `validate`.

mod common;

use std::time::Duration;

use common::hostile;
use common::mutate::{mutated_text, within};
use drconsole::runbook::import::{ImportError, import, import_bytes, normalize};
use drconsole::runbook::load;
use proptest::prelude::*;

/// A watchdog against hangs in a debug build on a busy machine, not a
/// measurement: the release benchmark (benches/import.rs) measures.
const WATCHDOG: Duration = Duration::from_secs(60);

/// The stack a spawned thread gets by default: a recursive walk of a
/// 50,000-deep input would overflow it.
const NORMAL_STACK: usize = 2 << 20;

/// Imports `plan` as `drconsole import` does, on a thread with a normal
/// stack, under the watchdog. When the import succeeds, its TOML must pass
/// the loader's validation; when it fails, the error must say why.
fn import_checked(name: &str, plan: String) -> Result<usize, ImportError> {
    let what = format!("import of {name}");
    let label = name.to_owned();
    within(WATCHDOG, &what, move || {
        let worker = std::thread::Builder::new()
            .stack_size(NORMAL_STACK)
            .spawn(move || {
                let result = import_bytes(plan.as_bytes(), "plan.md");
                if let Ok(imported) = &result
                    && let Err(diagnostics) = load::parse(&imported.toml, "plan.toml")
                {
                    panic!("{label}: the imported runbook does not validate: {diagnostics:?}");
                }
                result.map(|imported| imported.runbook.scenarios.len())
            })
            .expect("spawn the import thread");
        worker.join().expect("the import does not panic")
    })
}

/// A hostile shape imports (each has procedures), validates, and keeps
/// at least one scenario.
fn hostile_shape(name: &str, plan: String) {
    let scenarios = import_checked(name, plan).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert!(scenarios >= 1, "{name}: at least one scenario");
}

#[test]
fn link_openers() {
    hostile_shape("[a]( x50,000 in one item", hostile::link_openers(50_000));
}

#[test]
fn emphasis_openers() {
    hostile_shape("*_ x50,000 in one item", hostile::emphasis_openers(50_000));
}

#[test]
fn paren_openers() {
    hostile_shape(
        "( x200,000 in a step title",
        hostile::paren_openers(200_000),
    );
}

#[test]
fn distinct_links() {
    hostile_shape("50,000 distinct links", hostile::distinct_links(50_000));
}

#[test]
fn one_ten_megabyte_line() {
    hostile_shape("one 10 MB line", hostile::long_line(10 << 20));
}

#[test]
fn hundred_thousand_scenario_headings() {
    hostile_shape("100,000 headings", hostile::headings(100_000));
}

#[test]
fn hundred_thousand_step_headings() {
    hostile_shape("100,000 step headings", hostile::step_headings(100_000));
}

#[test]
fn hundred_thousand_table_rows() {
    hostile_shape("100,000 table rows", hostile::table_rows(100_000));
}

#[test]
fn megabyte_of_hostile_aws_commands() {
    hostile_shape("1 MB of aws commands", hostile::aws_commands(1 << 20));
}

#[test]
fn deep_lists_and_quotes_do_not_overflow_a_normal_stack() {
    for (name, plan) in [
        ("lists", hostile::nested_lists(50_000)),
        ("quotes", hostile::nested_quotes(50_000)),
        ("quotes and lists", hostile::nested_quote_lists(50_000)),
    ] {
        assert_eq!(import_checked(name, plan), Ok(1), "{name}");
    }
}

/// The headings shape keeps every scenario: nothing is dropped to be fast.
#[test]
fn many_headings_keep_every_scenario() {
    assert_eq!(
        import_checked("headings", hostile::headings(20_000)),
        Ok(20_000)
    );
}

/// Unclosed parentheses before a duration, a few or very many: the
/// duration right after the last one is still found.
#[test]
fn duration_after_unclosed_parentheses() {
    for n in [3, 200_000] {
        let imported = import(&hostile::paren_openers(n), "plan.md").expect("imports");
        let step = &imported.runbook.scenarios[0].steps[0];
        assert_eq!(step.expected.map(|d| d.secs()), Some(300), "{n} openers");
    }
}

/// Property cases per generator: each property stays a few seconds in a
/// debug build.
fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Runs the importer on `plan` and checks the outcome: a runbook that
/// validates, or an error whose message names the plan.
fn check_plan(plan: String) -> Result<(), TestCaseError> {
    match import_checked("a generated plan", plan) {
        Ok(scenarios) => prop_assert!(scenarios >= 1),
        Err(e) => {
            let message = e.to_string();
            prop_assert!(message.starts_with("plan.md: "), "{message}");
            prop_assert!(
                !matches!(e, ImportError::Internal { .. }),
                "the emitted TOML reads back: {message}"
            );
        }
    }
    Ok(())
}

/// The pieces plans are made of, and the ones that break parsers.
const TOKENS: &[&str] = &[
    "# ",
    "## Scenario A: failover\n",
    "### Step 1: restore\n",
    "1. ",
    "- ",
    "- [ ] ",
    "> ",
    "```bash\n",
    "```\n",
    "| a | b |\n",
    "|---|---|\n",
    "aws rds promote-read-replica --db-instance-identifier db --region us-west-2",
    "(5 minutes)",
    "RTO: 4 hours\n",
    "[a](",
    "*_",
    "`",
    "\\\n",
    "$(",
    "\"",
    "\n",
    "\n\n",
    "   ",
    "restore",
    "db-1",
    "<<EOF\n",
    "<<-'X'",
    "EOF\n",
    ")\"",
    "'",
    "â€",
    "Ã",
    "Â ",
    "RPO: Ideally 0; several hours of data loss may be acceptable\n",
    "Recovery Time: < 1 hour\n",
    "Max data loss: ",
    "Target state (Phase 2): RTO 15 min\n",
    "Once replication is in place, ",
    "| Scenario | Recovery Time | Data loss |\n",
    "| Role | Responsibilities |\n",
    "| Activity | IC | DBA |\n",
    "| R | A/R |\n",
    "Incident Commander — owns the call\n",
    "Database Lead: [Name] - [Phone]\n",
    "orders.cluster-ro-abc.eu-west-1.rds.amazonaws.com:5432",
    "arn:aws:rds:us-west-2:1:cluster:",
    "aws backup start-restore-job --metadata '{\"DBClusterIdentifier\": ",
    "DBInstanceIdentifier=",
    "resource \"aws_db_instance\" \"r\" {\n",
    "  replicate_source_db = \"",
    "  AlarmName: ",
    "Alarms: `a`, ",
    "Services: a, b and ",
    "## Failback to primary\n",
    "## Prerequisites\n",
    "A read replica exists; snapshots younger than 24 hours",
    "## Full Drill\nExecute Scenario A, then Scenario 2 and 3.1.\n",
    "### Phase 1: assess — 15 min\n",
    "[~30m]",
    "T+15m ",
    "If lagging → restore\n",
    "├── ",
    "| Category | Severity | Examples |\n",
];

/// Markdown-ish text: tokens and arbitrary characters.
fn markdownish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        3 => proptest::sample::select(TOKENS).prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    proptest::collection::vec(piece, 0..200).prop_map(|t| t.concat())
}

const PLANS: &[&str] = &[
    include_str!("fixtures/plans/categories-table.md"),
    include_str!("fixtures/plans/multi-region.md"),
    include_str!("fixtures/plans/nested-sections.md"),
    include_str!("fixtures/plans/no-procedures.md"),
    include_str!("fixtures/plans/odd-unicode.md"),
    include_str!("fixtures/plans/overview-code.md"),
    include_str!("fixtures/plans/phases-checklists.md"),
    include_str!("fixtures/plans/procedures-bash.md"),
    include_str!("fixtures/plans/scenario-letters.md"),
    include_str!("fixtures/plans/sections-shapes.md"),
    include_str!("fixtures/plans/single-region-numbered.md"),
    include_str!("fixtures/plans/step-headings.md"),
    include_str!("fixtures/plans/structure-shapes.md"),
    include_str!("fixtures/plans/timeline-table.md"),
    include_str!("fixtures/plans/two-region-replica.md"),
];

fn mutated_plan() -> impl Strategy<Value = String> {
    proptest::sample::select(PLANS).prop_flat_map(|seed| mutated_text(seed, 8))
}

/// `text` saved as UTF-8, read as Windows-1252 and saved again.
fn misread_as_windows_1252(text: &str) -> String {
    const SHOWN: &str = "€\u{81}‚ƒ„…†‡ˆ‰Š‹Œ\u{8d}Ž\u{8f}\u{90}‘’“”•–—˜™š›œ\u{9d}žŸ";
    text.bytes()
        .map(|b| match b {
            0x80..=0x9F => SHOWN.chars().nth(usize::from(b - 0x80)).unwrap_or('?'),
            b => char::from(b),
        })
        .collect()
}

proptest! {
    #![proptest_config(config())]

    /// Letters and punctuation misread as Windows-1252 mean the same once
    /// normalised. Characters U+00C2–U+00F4 start a misread sequence
    /// themselves, so the originals leave them out (the unit test in
    /// text.rs covers them).
    #[test]
    fn misread_utf8_normalizes_to_the_same_text(
        text in "[ -~\u{a0}-\u{c1}\u{f5}-\u{ff}\u{100}-\u{2fff}\u{1f300}-\u{1f64f}]{0,40}",
    ) {
        prop_assert_eq!(normalize(&misread_as_windows_1252(&text)), normalize(&text));
    }

    #[test]
    fn markdownish_text_imports_or_says_why(plan in markdownish()) {
        check_plan(plan)?;
    }

    #[test]
    fn mutated_plans_import_or_say_why(plan in mutated_plan()) {
        check_plan(plan)?;
    }

    #[test]
    fn arbitrary_bytes_import_or_say_why(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        match import_bytes(&bytes, "plan.md") {
            Ok(imported) => prop_assert!(load::parse(&imported.toml, "plan.toml").is_ok()),
            Err(e) => prop_assert!(e.to_string().starts_with("plan.md: ")),
        }
    }
}
