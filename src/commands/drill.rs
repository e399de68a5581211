//! `drconsole drill report`: every drill session in the journal directory,
//! scored and tabled (`crate::drill::report`).

use std::io::Write;
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::{find_scenario, load_ref, load_runbook};
use super::log::{scoring, session_runbook};

use crate::cli::{DrillCommand, DrillRunArgs, ExportFormat, ReportArgs};
use crate::drill::autopilot::Walk;
use crate::drill::report::{self, DrillRun, Unscored};
use crate::journal::store;
use crate::runbook::reference::RunbookRef;
use crate::runtime::JournalSettings;

pub fn run(command: DrillCommand) -> Result<ExitCode> {
    match command {
        DrillCommand::Report(args) => report(args),
        DrillCommand::Run(args) => run_drill(args),
    }
}

/// `drill run --autopilot`: the drill walked headless, then its scorecard.
fn run_drill(args: DrillRunArgs) -> Result<ExitCode> {
    if !args.autopilot {
        return Err(eyre!(
            "drill run walks a drill with --autopilot; to lead one yourself: drconsole demo {} --scenario {}",
            args.runbook.display(),
            args.scenario
        ));
    }
    let speed =
        match args.speed.as_str() {
            "max" => None,
            n => Some(crate::clock::parse_speed(n).ok_or_else(|| {
                eyre!("--speed is max or 1 to {}: {n:?}", crate::clock::MAX_SPEED)
            })?),
        };
    let reference = RunbookRef::resolve(&args.runbook);
    let runbook = load_ref(&reference)?;
    let scenario = find_scenario(&runbook, &args.scenario)
        .map_err(|e| eyre!(e))?
        .clone();
    let drill = match &args.drill {
        Some(name) => crate::drill::find(name).map_err(|why| eyre!("drill {name:?}: {why}"))?,
        None => match &reference {
            RunbookRef::Builtin(name) => crate::drill::builtin_for(name)
                .into_iter()
                .find(|d| d.scenario == scenario.id)
                .ok_or_else(|| eyre!("{name} has no drill of {}", scenario.id))?,
            RunbookRef::File(_) => {
                return Err(eyre!(
                    "name the drill to walk with --drill FILE (docs/drills.md)"
                ));
            }
        },
    };
    let errors = crate::drill::misfits(&drill, &runbook);
    if !errors.is_empty() || drill.scenario != scenario.id {
        return Err(eyre!(
            "drill {} does not fit {} {}: {}",
            drill.reference,
            runbook.name,
            scenario.id,
            if errors.is_empty() {
                format!("it stages scenario {}", drill.scenario)
            } else {
                errors.join("; ")
            }
        ));
    }
    let dir = store::resolve_dir(args.journal_dir.as_deref()).map_err(|e| eyre!(e))?;
    let settings = JournalSettings {
        dir,
        actor: args.operator.clone().unwrap_or_else(|| "autopilot".into()),
        resume: false,
        runbook_ref: Some(reference.absolute()),
        share: None,
    };
    let walk = Walk {
        runbook,
        scenario: scenario.id.clone(),
        drill,
        settings,
        seed: args.seed,
        speed,
        start: jiff::Timestamp::now(),
    };
    // Simulated time runs on a runtime of its own, paused: tokio jumps to
    // the next timer whenever nothing else is to do.
    let walked = std::thread::spawn(move || {
        let mut builder = tokio::runtime::Builder::new_current_thread();
        builder.enable_all();
        if speed.is_none() {
            builder.start_paused(true);
        }
        let runtime = builder
            .build()
            .map_err(|e| eyre!("cannot start a runtime: {e}"))?;
        runtime
            .block_on(walk.run())
            .map(|(scorecard, _)| scorecard)
            .map_err(|e| eyre!(e))
    })
    .join()
    .map_err(|_| eyre!("the autopilot stopped unexpectedly"))??;
    let text = match args.format {
        ExportFormat::Markdown => walked.markdown(),
        ExportFormat::Json => walked.json(),
    };
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(match walked.result() {
        crate::drill::score::Verdict::Met => ExitCode::SUCCESS,
        _ => ExitCode::from(1),
    })
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
