//! `drconsole status`: one refresh of every source, then a table or JSON
//! and an exit code (0 healthy, 1 degraded, 2 could not tell).

use std::io::{self, Write};
use std::process::ExitCode;

use color_eyre::Result;
use jiff::Timestamp;
use serde::Serialize;

use super::common::{connect, load_runbook, refresh};
use crate::cli::StatusArgs;
use crate::domain::assess::{Assessment, Finding, Overall, SourceFailure, runbook_health};
use crate::domain::health::Health;
use crate::domain::regions::{RegionHealth, RegionState, region_health};
use crate::domain::snapshot::{LiveState, SourceKind};
use crate::runbook::model::Runbook;

pub async fn run(args: StatusArgs) -> Result<ExitCode> {
    let runbook = load_runbook(&args.runbook)?;
    let source = connect(&args.source, &runbook).await?;
    let at = Timestamp::now();
    let live = refresh(&*source, source.fetch_timeout(), at).await;
    let overall = report(
        &runbook,
        source.label(),
        &live,
        at,
        args.json,
        &mut io::stdout(),
    )?;
    Ok(ExitCode::from(overall.exit_code()))
}

/// The `--json` document; its shape is described in docs/status.md.
#[derive(Serialize)]
struct Report<'a> {
    runbook: &'a str,
    source: &'a str,
    at: Timestamp,
    overall: Overall,
    exit_code: u8,
    regions: &'a [RegionHealth],
    findings: &'a [Finding],
    failures: &'a [SourceFailure],
    live: &'a LiveState,
}

pub fn report(
    runbook: &Runbook,
    source: &str,
    live: &LiveState,
    at: Timestamp,
    json: bool,
    out: &mut dyn Write,
) -> io::Result<Overall> {
    let assessment = runbook_health(runbook, live, at);
    let regions = region_health(&runbook.environment.all_regions(), live);
    if json {
        let report = Report {
            runbook: &runbook.name,
            source,
            at,
            overall: assessment.overall,
            exit_code: assessment.overall.exit_code(),
            regions: &regions,
            findings: &assessment.findings,
            failures: &assessment.failures,
            live,
        };
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        table(runbook, source, &regions, at, &assessment, out)?;
    }
    Ok(assessment.overall)
}

fn table(
    runbook: &Runbook,
    source: &str,
    regions: &[RegionHealth],
    at: Timestamp,
    a: &Assessment,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{} · {source} · {}",
        runbook.name,
        at.strftime("%Y-%m-%d %H:%M:%S UTC")
    )?;
    // Which regions answer comes first: during an outage it is the news.
    if regions.iter().any(|r| r.state != RegionState::Ok) {
        writeln!(out, "\nRegions")?;
        for r in regions {
            let state = match r.state {
                RegionState::Ok => "ok",
                RegionState::Degraded => "degraded",
                RegionState::Unreachable => "UNREACHABLE",
            };
            let why = r
                .why
                .as_deref()
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            writeln!(out, "  {state:<11} {}{why}", r.region)?;
        }
    }
    let width = a
        .findings
        .iter()
        .map(|f| f.resource.chars().count())
        .max()
        .unwrap_or(0)
        .min(48);
    for kind in SourceKind::ALL {
        writeln!(out, "\n{}", kind.label())?;
        // Beside what could be read, each failure is a finding below; only
        // when nothing could be read are the failures all there is.
        let failures = a.failures.iter().filter(|_| a.overall == Overall::Unknown);
        for failure in failures.filter(|f| f.kind == kind) {
            writeln!(
                out,
                "  {:<8}  {}: {}",
                "ERROR", failure.code, failure.message
            )?;
        }
        for f in a.findings.iter().filter(|f| f.kind == kind) {
            let word = match f.health {
                Health::Ok => "ok",
                Health::Unknown => "unknown",
                Health::Warn => "warn",
                Health::Critical => "CRITICAL",
            };
            writeln!(
                out,
                "  {word:<8}  {:<11} {:<width$}  {}",
                f.region.as_deref().unwrap_or("-"),
                f.resource,
                f.summary
            )?;
        }
    }
    let verdict = match a.overall {
        Overall::Healthy => "healthy".to_string(),
        Overall::Degraded => {
            let n = a
                .findings
                .iter()
                .filter(|f| matches!(f.health, Health::Warn | Health::Critical))
                .count();
            format!("DEGRADED ({n} finding{})", if n == 1 { "" } else { "s" })
        }
        Overall::Unknown => format!("could not tell ({} source(s) failed)", a.failures.len()),
    };
    writeln!(out, "\noverall: {verdict}")
}
