//! `drconsole drill report`: every drill session in the journal directory,
//! scored and tabled (`crate::drill::report`).

use std::io::Write;
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::load_runbook;
use super::log::{scoring, session_runbook};
use crate::cli::{DrillCommand, ExportFormat, ReportArgs};
use crate::drill::report::{self, DrillRun, Unscored};
use crate::journal::store;

pub fn run(command: DrillCommand) -> Result<ExitCode> {
    match command {
        DrillCommand::Report(args) => report(args),
    }
}

fn report(args: ReportArgs) -> Result<ExitCode> {
    let dir = store::resolve_dir(args.journal_dir.as_deref()).map_err(|e| eyre!(e))?;
    let listing = store::list_sessions(&dir)?;
    for file in &listing.unreadable {
        eprintln!("cannot read {}: {}", file.path.display(), file.reason);
    }
    let given = args.runbook.as_deref().map(load_runbook).transpose()?;
    let mut runs = Vec::new();
    let mut unscored = Vec::new();
    let sessions = listing.sessions.iter().filter(|s| {
        s.drill
            && given
                .as_ref()
                .is_none_or(|runbook| runbook.name == s.runbook)
    });
    for session in sessions {
        let file = session.path.display().to_string();
        let read = match store::read(&session.path) {
            Ok(read) => read,
            Err(e) => {
                eprintln!("cannot read {file}: {e}");
                continue;
            }
        };
        let (own, why) = match &given {
            Some(_) => (None, None),
            None => session_runbook(&read.entries),
        };
        match scoring(
            &read.entries,
            given.as_ref().or(own.as_ref()),
            why.as_deref(),
        ) {
            Ok(scorecard) => runs.push(DrillRun {
                file,
                date: scorecard
                    .started_wall
                    .or(scorecard.started)
                    .unwrap_or(session.started),
                scorecard,
            }),
            Err(why) => {
                eprintln!("{file}: not scored: {why}");
                unscored.push(Unscored { file, why });
            }
        }
    }
    if runs.is_empty() && unscored.is_empty() {
        eprintln!("no drill sessions in {}", dir.display());
    }
    if let Some(path) = &args.svg {
        std::fs::write(path, report::svg(&runs))
            .map_err(|e| eyre!("cannot write {}: {e}", path.display()))?;
    }
    let text = match args.format {
        ExportFormat::Markdown => report::markdown(&runs),
        ExportFormat::Json => report::json(&runs, &unscored),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(ExitCode::SUCCESS)
}
