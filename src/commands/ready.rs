//! `drconsole ready`: one refresh, the scenario's readiness checks judged
//! against it, a table or JSON, and an exit code (0 ready, 1 not ready).
//! The line helpers are shared with the console's readiness overlay so both
//! say the same words.

use std::io::{self, Write};
use std::process::ExitCode;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::eyre;
use jiff::Timestamp;
use serde::Serialize;

use super::common::{connect, find_scenario, load_runbook, refresh};
use crate::cli::ReadyArgs;
use crate::domain::readiness::{Readiness, ReadyCheck, assess, lines, outcome_word, verdict};
use crate::domain::regions::RegionHealth;
use crate::domain::verify::{Evidence, VerifyContext};
use crate::runbook::model::{Runbook, Scenario};
use crate::sources::Source;

/// Exit code when every check is met.
pub const EXIT_READY: u8 = 0;
/// Exit code when a check is not met or could not be judged.
pub const EXIT_NOT_READY: u8 = 1;

pub async fn run(args: ReadyArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let scenario = find_scenario(&runbook, &args.scenario).map_err(|e| eyre!(e))?;
    let source = connect(&args.source, &runbook).await?;
    let at = Timestamp::now();
    let readiness = check(&runbook, scenario, &*source, source.fetch_timeout(), at).await;
    report(
        &runbook,
        scenario,
        source.label(),
        at,
        &readiness,
        args.json,
        &mut io::stdout(),
    )?;
    Ok(ExitCode::from(exit_code(&readiness)))
}

/// One refresh of `source`, then the scenario's checks judged at `at`
/// (no incident declared: targets are relative to now).
pub async fn check(
    runbook: &Runbook,
    scenario: &Scenario,
    source: &dyn Source,
    timeout: Duration,
    at: Timestamp,
) -> Readiness {
    let live = refresh(source, timeout, at).await;
    let ctx = VerifyContext {
        now: at,
        incident_start: None,
    };
    assess(runbook, scenario, &live, ctx)
}

pub fn exit_code(readiness: &Readiness) -> u8 {
    if readiness.ready {
        EXIT_READY
    } else {
        EXIT_NOT_READY
    }
}

/// Where the checks came from, for the line above the table.
fn provenance(readiness: &Readiness) -> &'static str {
    let derived = |(c, _): &(ReadyCheck, Evidence)| c.derived;
    if readiness.results.is_empty() {
        "no check applies: no `ready` list, and the steps use nothing drconsole watches"
    } else if readiness.results.iter().all(derived) {
        "checks derived from the environment and the scenario's steps"
    } else if readiness.results.iter().any(derived) {
        "checks from the scenario's `ready` list, and the RPO on its recovery's basis"
    } else {
        "checks from the scenario's `ready` list"
    }
}

/// "regions: us-east-1 unreachable for 3m (…) · us-west-2 ok".
pub fn regions_line(readiness: &Readiness, at: Timestamp) -> String {
    let regions: Vec<String> = readiness.regions.iter().map(|r| r.describe(at)).collect();
    format!("regions: {}", regions.join(" · "))
}

/// Said under the provenance when no check judges the RPO.
pub const NO_RPO_BASIS: &str = "RPO basis: none (no step restores or promotes a database)";

/// The `--json` document; its shape is described in docs/ready.md.
#[derive(Serialize)]
struct Report<'a> {
    runbook: &'a str,
    scenario: &'a str,
    source: &'a str,
    at: Timestamp,
    ready: bool,
    exit_code: u8,
    checks: Vec<CheckReport<'a>>,
    regions: &'a [RegionHealth],
}

/// A check and its evidence as one object: label, derived, check, outcome, seen.
#[derive(Serialize)]
struct CheckReport<'a> {
    #[serde(flatten)]
    check: &'a ReadyCheck,
    #[serde(flatten)]
    evidence: &'a Evidence,
}

pub fn report(
    runbook: &Runbook,
    scenario: &Scenario,
    source: &str,
    at: Timestamp,
    readiness: &Readiness,
    json: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if json {
        let report = Report {
            runbook: &runbook.name,
            scenario: &scenario.id,
            source,
            at,
            ready: readiness.ready,
            exit_code: exit_code(readiness),
            checks: readiness
                .results
                .iter()
                .map(|(check, evidence)| CheckReport { check, evidence })
                .collect(),
            regions: &readiness.regions,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        return writeln!(out);
    }
    writeln!(
        out,
        "{} · {} ({}) · {source} · {}",
        runbook.name,
        scenario.id,
        scenario.title,
        at.strftime("%Y-%m-%d %H:%M:%S UTC")
    )?;
    writeln!(out, "{}", provenance(readiness))?;
    if readiness.results.iter().all(|(c, _)| c.rpo_basis.is_none()) {
        writeln!(out, "{NO_RPO_BASIS}")?;
    }
    writeln!(out, "{}", regions_line(readiness, at))?;
    let rows = lines(readiness);
    let width = rows
        .iter()
        .map(|r| r.label.chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    if !rows.is_empty() {
        writeln!(out)?;
    }
    for row in &rows {
        writeln!(
            out,
            "  {:<8} {:<width$}  {}",
            outcome_word(row.outcome),
            row.label,
            row.seen
        )?;
    }
    writeln!(out, "\n{}", verdict(readiness))
}
