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
use crate::runbook::model::{Runbook, Scenario};
use crate::sources::Source;
use crate::sources::aws::{AwsOptions, AwsSource, undeclared_instances};
use crate::sources::sim::SimSource;

/// A `.md` plan is imported on the fly; a name such as `regami` that is no
/// file loads that built-in runbook; anything else is a runbook file.
pub fn load_runbook(path: &Path) -> Result<Runbook> {
    if !path.exists()
        && let Some(runbook) = path.to_str().and_then(builtin::builtin)
    {
        return Ok(runbook);
    }
    let is_markdown = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    if is_markdown {
        return super::import::import_path(path)
            .map(|imported| imported.runbook)
            .map_err(|e| eyre!(e));
    }
    match crate::runbook::load::load(path) {
        Ok((runbook, warnings)) => {
            // The details belong to `validate`; here a count is enough.
            if !warnings.is_empty() {
                eprintln!(
                    "{}: {} warning(s); `drconsole validate {0}` lists them",
                    path.display(),
                    warnings.len()
                );
            }
            Ok(runbook)
        }
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            Err(eyre!("{}", lines.join("\n")))
        }
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

/// AWS clients from the default chain, watching the instances the
/// runbook's checks name (restore targets) as well.
pub async fn connect_aws(args: &AwsArgs, runbook: &Runbook) -> Result<AwsSource> {
    let options = AwsOptions {
        profile: args.profile.clone(),
        region: args.region.clone(),
        extra_instances: undeclared_instances(runbook),
        tuning: args.tuning,
    };
    AwsSource::connect(&runbook.environment, options)
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
