//! `drconsole log list` and `drconsole log export`: the sessions in the
//! journal directory, and one session's timeline.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::{ReadError, load_runbook, read_runbook};
use crate::cli::{ExportArgs, ExportFormat, LogCommand};
use crate::drill::{self, score, score::Scorecard};
use crate::journal::entry::{Entry, EntryKind};
use crate::journal::{export, store};
use crate::runbook::model::Runbook;
use crate::runbook::reference::RunbookRef;

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
    let drill = read.entries.iter().any(|e| e.drill);
    // JSON needs the runbook only to score a drill.
    let (runbook, targets) = match (&args.runbook, args.format) {
        (Some(path), _) => (Some(load_runbook(path)?), None),
        (None, ExportFormat::Markdown) => session_runbook(&read.entries),
        (None, ExportFormat::Json) if drill => session_runbook(&read.entries),
        (None, ExportFormat::Json) => (None, None),
    };
    let scoring = drill.then(|| scoring(&read.entries, runbook.as_ref(), targets.as_deref()));
    let text = match (args.format, &scoring) {
        (ExportFormat::Markdown, _) => export::markdown_scored(
            &read.entries,
            runbook.as_ref(),
            targets.as_deref(),
            scoring.as_ref(),
        ),
        (ExportFormat::Json, Some(scoring)) => export::json_scored(&read.entries, scoring),
        (ExportFormat::Json, None) => export::json(&read.entries),
    };
    match args.output {
        Some(out) => {
            std::fs::write(&out, text).map_err(|e| eyre!("cannot write {}: {e}", out.display()))?
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A drill session's scorecard, or why it has none: the drill its journal
/// names (a built-in drill or a file) and the runbook must both be had;
/// `no_runbook` says why there is no runbook, when there is none.
pub(crate) fn scoring(
    entries: &[Entry],
    runbook: Option<&Runbook>,
    no_runbook: Option<&str>,
) -> Result<Scorecard, String> {
    // The latest start or resume names the drill staged.
    let name = entries
        .iter()
        .rev()
        .filter(|e| {
            matches!(
                e.kind,
                EntryKind::SessionStarted | EntryKind::SessionResumed
            )
        })
        .find_map(|e| e.drill_detail.as_ref()?.name.clone())
        .ok_or(
            "the journal does not name the drill staged (none was, or an older drconsole wrote it)",
        )?;
    let drill = drill::find(&name).map_err(|why| format!("drill {name:?}: {why}"))?;
    let runbook = runbook.ok_or_else(|| match no_runbook {
        Some(why) => format!("no runbook to score against ({why})"),
        None => "no runbook to score against".to_string(),
    })?;
    Ok(score::score(entries, &drill, runbook))
}

/// The runbook the session was started with, as its journal records it,
/// if it can still be read and is still that runbook; and a line saying
/// which it is or why there is none (also on stderr: `--runbook` helps).
pub(crate) fn session_runbook(entries: &[Entry]) -> (Option<Runbook>, Option<String>) {
    let Some(name) = entries.first().map(|e| e.runbook.as_str()) else {
        return (None, None);
    };
    // The latest start or resume names the runbook file last used.
    let Some(reference) = entries.iter().rev().find_map(|e| e.runbook_ref.as_ref()) else {
        let why = "none: the journal does not record the runbook's file (written by an older \
                   drconsole); `--runbook` gives it"
            .to_string();
        eprintln!("targets: {why}");
        return (None, Some(why));
    };
    let unavailable = |why: String| {
        let why = format!(
            "none: the session's runbook {reference} {why}; `--runbook` gives another copy"
        );
        eprintln!("targets: {why}");
        (None, Some(why))
    };
    if let RunbookRef::File(path) = reference
        && !path.exists()
    {
        return unavailable("is no longer there".to_string());
    }
    match read_runbook(reference) {
        Ok((runbook, _)) if runbook.name == name => (
            Some(runbook),
            Some(format!(
                "{reference}, the runbook the session was started with"
            )),
        ),
        Ok((runbook, _)) => unavailable(format!("now holds {:?}, not {name:?}", runbook.name)),
        Err(ReadError::Invalid(errors)) => unavailable(match errors.first() {
            Some(first) => format!("cannot be read ({})", first.message),
            None => "cannot be read".to_string(),
        }),
        Err(ReadError::Import(message)) => unavailable(format!("cannot be read ({message})")),
    }
}
