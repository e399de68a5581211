//! What several commands share: the runbook a command names, the scenario
//! it asks for, and the live state it reads.

use std::path::Path;
use std::time::Duration;

use color_eyre::Result;
use color_eyre::eyre::eyre;
use jiff::Timestamp;

use crate::cli::{AwsArgs, SourceArgs};
use crate::clock::Clock;
use crate::domain::snapshot::{LiveState, SourceKind};
use crate::runbook::builtin;
use crate::runbook::load::{self, Diagnostic};
use crate::runbook::model::{Runbook, Scenario};
use crate::runbook::reference::RunbookRef;
use crate::sources::Source;
use crate::sources::aws::{AwsOptions, AwsSource, SharedFiles, undeclared_instances};
use crate::sources::sim::SimSource;

/// Why a runbook argument gave no runbook.
#[derive(Debug)]
pub enum ReadError {
    /// Problems with positions (at least one an error).
    Invalid(Vec<Diagnostic>),
    /// A Markdown plan that would not import.
    Import(String),
}

/// Reads what a runbook argument names, the one way every command does: a
/// built-in by name, a `.md` plan imported on the fly, or a runbook file.
/// Gives the runbook with its warnings.
pub fn read_runbook(reference: &RunbookRef) -> Result<(Runbook, Vec<Diagnostic>), ReadError> {
    match reference {
        RunbookRef::Builtin(name) => match builtin::source(name) {
            Some((text, origin)) => load::parse(text, origin).map_err(ReadError::Invalid),
            None => Err(ReadError::Import(format!("no built-in runbook {name:?}"))),
        },
        RunbookRef::File(path) if reference.is_markdown() => super::import::import_path(path)
            .map(|imported| (imported.runbook, Vec::new()))
            .map_err(ReadError::Import),
        RunbookRef::File(path) => load::load(path).map_err(ReadError::Invalid),
    }
}

/// The runbook an argument names (see `read_runbook`); warnings are
/// counted on stderr, their details left to `validate`.
pub fn load_runbook(path: &Path) -> Result<Runbook> {
    load_ref(&RunbookRef::resolve(path))
}

/// `load_runbook` for an argument already resolved.
pub fn load_ref(reference: &RunbookRef) -> Result<Runbook> {
    match read_runbook(reference) {
        Ok((runbook, warnings)) => {
            // A built-in's warnings (restore targets it cannot declare) are by design.
            let own_file = matches!(reference, RunbookRef::File(_));
            if own_file && !warnings.is_empty() {
                eprintln!(
                    "{reference}: {} warning(s); `drconsole validate {}` lists them",
                    warnings.len(),
                    argument(reference)
                );
            }
            Ok(runbook)
        }
        Err(ReadError::Invalid(errors)) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Err(eyre!("{}", lines.join("\n")))
        }
        Err(ReadError::Import(message)) => Err(eyre!(message)),
    }
}

/// The reference as it is typed on a command line.
pub fn argument(reference: &RunbookRef) -> String {
    match reference {
        RunbookRef::Builtin(name) => name.clone(),
        RunbookRef::File(path) => path.display().to_string(),
    }
}

/// `load_runbook`, or the built-in Rally runbook when no path is given.
pub fn load_runbook_or_rally(path: Option<&Path>) -> Result<Runbook> {
    match path {
        Some(path) => load_runbook(path),
        None => Ok(builtin::rally()),
    }
}

/// The scenario with this id, or a message listing the ones there are.
pub fn find_scenario<'a>(runbook: &'a Runbook, id: &str) -> Result<&'a Scenario, String> {
    runbook.scenario(id).ok_or_else(|| {
        let ids: Vec<&str> = runbook.scenarios.iter().map(|s| s.id.as_str()).collect();
        format!(
            "no scenario {id:?} in {}; it has: {}",
            runbook.name,
            ids.join(", ")
        )
    })
}

/// How to reach AWS for this runbook: the command line's profile, region
/// and tuning, watching the instances the runbook's checks name (restore
/// targets) as well.
pub fn aws_options(args: &AwsArgs, runbook: &Runbook) -> AwsOptions {
    AwsOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        extra_instances: undeclared_instances(runbook),
        tuning: args.tuning,
        shared_files: SharedFiles::default(),
    }
}

/// AWS clients from the default chain (see `aws_options`).
pub async fn connect_aws(args: &AwsArgs, runbook: &Runbook) -> Result<AwsSource> {
    AwsSource::connect(&runbook.environment, aws_options(args, runbook))
        .await
        .map_err(|e| eyre!("cannot set up AWS clients: {e}"))
}

/// The simulated world on the wall clock, or AWS.
pub async fn connect(args: &SourceArgs, runbook: &Runbook) -> Result<Box<dyn Source>> {
    if args.sim {
        return Ok(Box::new(SimSource::new(
            &runbook.environment,
            args.seed,
            Clock::System,
        )));
    }
    Ok(Box::new(connect_aws(&args.aws, runbook).await?))
}

/// Every feed once, each bounded by `timeout`.
pub async fn refresh(source: &dyn Source, timeout: Duration, at: Timestamp) -> LiveState {
    crate::sources::fetch_all(source, &SourceKind::ALL, timeout, at).await
}
