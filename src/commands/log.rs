//! `drconsole log list` and `drconsole log export`: the sessions in the
//! journal directory, and one session's timeline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::load_runbook;
use crate::cli::{ExportArgs, ExportFormat, LogCommand};
use crate::journal::{export, store};

pub fn run(command: LogCommand) -> Result<ExitCode> {
    match command {
        LogCommand::List { journal_dir } => list(journal_dir),
        LogCommand::Export(args) => export(args),
    }
}

fn list(journal_dir: Option<PathBuf>) -> Result<ExitCode> {
    let dir = store::resolve_dir(journal_dir.as_deref()).map_err(|e| eyre!(e))?;
    let listing = store::list_sessions(&dir)?;
    // Files that are there but unreadable are named, never passed over.
    for file in &listing.unreadable {
        eprintln!("cannot read {}: {}", file.path.display(), file.reason);
    }
    if listing.sessions.is_empty() {
        let readable = if listing.unreadable.is_empty() {
            ""
        } else {
            "readable "
        };
        eprintln!("no {readable}sessions in {}", dir.display());
    }
    let mut out = std::io::stdout().lock();
    for s in listing.sessions {
        writeln!(
            out,
            "{}  {:<10} {:<24} {:<20} {:>4} entries  {}{}",
            s.started.strftime("%Y-%m-%d %H:%M"),
            if s.finished { "finished" } else { "unfinished" },
            s.runbook,
            s.scenario.as_deref().unwrap_or("-"),
            s.entries,
            s.path.display(),
            if s.drill { "  (drill)" } else { "" },
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn export(args: ExportArgs) -> Result<ExitCode> {
    let path = match args.file {
        Some(path) => path,
        None => {
            let dir = store::resolve_dir(args.journal_dir.as_deref()).map_err(|e| eyre!(e))?;
            let listing = store::list_sessions(&dir)?;
            let unreadable = listing.unreadable.len();
            listing
                .sessions
                .into_iter()
                .max_by_key(|s| s.started)
                .map(|s| s.path)
                .ok_or_else(|| match unreadable {
                    0 => eyre!("no sessions in {}", dir.display()),
                    n => eyre!(
                        "no readable sessions in {} ({n} file(s) cannot be read; \
                         `drconsole log list` names them)",
                        dir.display()
                    ),
                })?
        }
    };
    let read = store::read(&path).map_err(|e| eyre!("cannot read {}: {e}", path.display()))?;
    for warning in &read.warnings {
        eprintln!("{}: {warning}", path.display());
    }
    let runbook = args.runbook.map(|p| load_runbook(&p)).transpose()?;
    let text = match args.format {
        ExportFormat::Markdown => export::markdown(&read.entries, runbook.as_ref()),
        ExportFormat::Json => export::json(&read.entries),
    };
    match args.output {
        Some(out) => {
            std::fs::write(&out, text).map_err(|e| eyre!("cannot write {}: {e}", out.display()))?
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}
