//! `drconsole log list`, `log export` and `log verify`: the sessions in the
//! journal directory, one session's timeline, and its hash chain.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::{ReadError, load_runbook, read_runbook};
use crate::cli::{ExportArgs, ExportFormat, LogCommand, VerifyArgs};
use crate::drill::{self, score, score::Scorecard};
use crate::journal::chain::{self, Status, UNCHAINED, Verdict};
use crate::journal::entry::{Entry, EntryKind};
use crate::journal::{export, store};
use crate::runbook::model::Runbook;
use crate::runbook::reference::RunbookRef;

pub async fn run(command: LogCommand) -> Result<ExitCode> {
    match command {
        LogCommand::List { journal_dir } => list(journal_dir),
        LogCommand::Export(args) => export(args).await,
        LogCommand::Verify(args) => verify(args).await,
    }
}

/// A session's bytes as a journal file holds them, and its name for
/// messages: the file named (else the latest in the journal directory),
/// or a shared session's objects in key order, one per line (`s3://…`:
/// the session, or the latest under a prefix).
async fn session_bytes(
    file: Option<PathBuf>,
    journal_dir: Option<&Path>,
    profile: Option<&str>,
) -> std::result::Result<(String, Vec<u8>), String> {
    if let Some(url) = file
        .as_deref()
        .and_then(Path::to_str)
        .filter(|f| f.starts_with("s3://"))
    {
        return shared_bytes(url, profile).await;
    }
    let path = session_path(file, journal_dir).map_err(|e| e.to_string())?;
    let bytes = std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok((path.display().to_string(), bytes))
}

async fn shared_bytes(
    url: &str,
    profile: Option<&str>,
) -> std::result::Result<(String, Vec<u8>), String> {
    use crate::journal::share::{SessionLog, ShareUrl, layout, s3::Bucket};
    let given = ShareUrl::parse(url)?;
    let bucket = Bucket::connect(&given.bucket, profile).await;
    let unreadable =
        |e: crate::journal::share::s3::S3Error| format!("cannot read {given}: {}", e.text());
    let direct = SessionLog::new(bucket.clone(), given.clone());
    let session = match direct.exists().await.map_err(unreadable)? {
        true => given.clone(),
        false => {
            let names = layout::sessions(&bucket, &given)
                .await
                .map_err(unreadable)?;
            let latest = names
                .first()
                .ok_or_else(|| format!("no shared session at or under {given}"))?;
            given.child(latest)
        }
    };
    let bytes = SessionLog::new(bucket, session.clone())
        .download()
        .await
        .map_err(unreadable)?;
    Ok((session.to_string(), bytes))
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

/// `file`, else the latest session in the journal directory.
fn session_path(file: Option<PathBuf>, journal_dir: Option<&Path>) -> Result<PathBuf> {
    if let Some(path) = file {
        return Ok(path);
    }
    let dir = store::resolve_dir(journal_dir).map_err(|e| eyre!(e))?;
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
        })
}

async fn export(args: ExportArgs) -> Result<ExitCode> {
    let (name, bytes) = session_bytes(
        args.file.clone(),
        args.journal_dir.as_deref(),
        args.profile.as_deref(),
    )
    .await
    .map_err(|e| eyre!(e))?;
    let read = store::parse(&bytes);
    let chain = chain::verify(&bytes);
    for warning in &read.warnings {
        eprintln!("{name}: {warning}");
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
    let text = match args.format {
        ExportFormat::Markdown => export::markdown_scored(
            &read.entries,
            runbook.as_ref(),
            targets.as_deref(),
            scoring.as_ref(),
            Some(&chain),
        ),
        ExportFormat::Json => export::json(&read.entries, &chain, scoring.as_ref()),
    };
    match args.output {
        Some(out) => {
            std::fs::write(&out, text).map_err(|e| eyre!("cannot write {}: {e}", out.display()))?
        }
        None => std::io::stdout().write_all(text.as_bytes())?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Exit status of `log verify`: the chain is broken.
const TAMPERED: u8 = 1;
/// Exit status of `log verify`: nothing (or not everything) can be verified.
const UNVERIFIABLE: u8 = 2;

/// Walks the session's chain and says what it found, on standard output;
/// the exit status says it too (0 intact, 1 tampered, 2 cannot read or
/// verify). A torn last line is a crash, not tampering, and said so.
async fn verify(args: VerifyArgs) -> Result<ExitCode> {
    let shared = args
        .file
        .as_deref()
        .and_then(Path::to_str)
        .is_some_and(|f| f.starts_with("s3://"));
    let (file, bytes) = match session_bytes(
        args.file.clone(),
        args.journal_dir.as_deref(),
        args.profile.as_deref(),
    )
    .await
    {
        Ok(found) => found,
        Err(e) => {
            eprintln!("drconsole: {e}");
            return Ok(ExitCode::from(UNVERIFIABLE));
        }
    };
    let verdict = chain::verify(&bytes);
    let mut out = std::io::stdout().lock();
    if let Some(line) = verdict.torn {
        writeln!(
            out,
            "{file}: line {line} is torn (the session likely crashed while writing it): not tampering; ignored"
        )?;
    }
    let (text, code) = verdict_text(&verdict, args.head.as_deref());
    // A shared session's "lines" are its objects, in key order.
    let text = match shared {
        true => text.replace("line ", "object "),
        false => text,
    };
    writeln!(out, "{file}: {text}")?;
    Ok(ExitCode::from(code))
}

/// What `log verify` says of a verdict, and its exit status.
fn verdict_text(verdict: &Verdict, expected_head: Option<&str>) -> (String, u8) {
    let n = verdict.entries;
    if let Some(finding) = &verdict.tampered {
        return (format!("tampered: {finding}"), TAMPERED);
    }
    let head = verdict.head.as_deref().unwrap_or_default();
    match verdict.status() {
        Status::Empty => {
            return (
                "holds no entries: nothing to verify".to_string(),
                UNVERIFIABLE,
            );
        }
        Status::Unchained => {
            return (
                format!(
                    "unchained: none of its {n} entries carries the hash chain ({UNCHAINED}); they cannot be verified"
                ),
                UNVERIFIABLE,
            );
        }
        _ => {}
    }
    if let Some(expected) = expected_head.filter(|e| !e.eq_ignore_ascii_case(head)) {
        return (
            format!(
                "tampered: the chain head is {head}, not {expected}: the last entry was changed, \
                 or entries were added to or removed from the end"
            ),
            TAMPERED,
        );
    }
    match verdict.unchained {
        0 => (format!("intact: {n} entries, chain head {head}"), 0),
        k => (
            format!(
                "partly unchained: the first {k} of {n} entries carry no hash chain ({UNCHAINED}) \
                 and cannot be verified; the {} after them are intact, chain head {head}",
                n.saturating_sub(k)
            ),
            UNVERIFIABLE,
        ),
    }
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
