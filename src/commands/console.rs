//! `drconsole demo` and `drconsole run`: the interactive console, on the
//! simulated environment or on AWS.

use std::process::ExitCode;
use std::sync::Arc;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::{connect_aws, find_scenario, load_ref};
use super::farewell::farewell;
use crate::app::{App, Origin};
use crate::cli::{ConsoleArgs, DemoArgs, RunArgs};
use crate::clock::Clock;
use crate::journal::store;
use crate::runbook::builtin;
use crate::runbook::model::Runbook;
use crate::runbook::reference::RunbookRef;
use crate::runtime::{JournalSettings, Launched, launch};
use crate::sources::Source;
use crate::sources::sim::SimSource;
use crate::tui;
use crate::ui::theme::Theme;

/// The runbook a console command names and the words that start it again.
struct Opened {
    runbook: Runbook,
    reference: RunbookRef,
    /// The command line without `drconsole` and the session's own flags,
    /// for the resume command printed on the way out.
    relaunch: Vec<String>,
}

pub async fn demo(args: DemoArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let reference = args.runbook.as_deref().map_or_else(
        || RunbookRef::Builtin(builtin::NAMES[0].to_string()),
        RunbookRef::resolve,
    );
    let mut relaunch = vec!["demo".to_string()];
    relaunch.extend(args.runbook.as_deref().map(|p| p.display().to_string()));
    let opened = Opened {
        runbook: load_ref(&reference)?,
        reference,
        relaunch,
    };
    console_sim(opened, args.console).await
}

pub async fn run(args: RunArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let reference = RunbookRef::resolve(&args.runbook);
    let mut runbook = load_ref(&reference)?;
    // The header, the panes and the AWS clients agree on the region.
    if let Some(region) = &args.aws.region {
        runbook.environment.regions.primary = region.clone();
    }
    let mut relaunch = vec!["run".to_string(), args.runbook.display().to_string()];
    if args.sim {
        relaunch.push("--sim".into());
    }
    for (flag, value) in [
        ("--profile", &args.aws.profile),
        ("--region", &args.aws.region),
    ] {
        if let Some(value) = value {
            relaunch.extend([flag.to_string(), value.clone()]);
        }
    }
    let opened = Opened {
        runbook,
        reference,
        relaunch,
    };
    if args.sim {
        return console_sim(opened, args.console).await;
    }
    let source = connect_aws(&args.aws, &opened.runbook).await?;
    console_with(opened, Arc::new(source), Clock::System, args.console).await
}

async fn console_sim(mut opened: Opened, args: ConsoleArgs) -> Result<ExitCode> {
    let clock = Clock::sim(jiff::Timestamp::now());
    let source = Arc::new(SimSource::new(
        &opened.runbook.environment,
        args.seed,
        clock,
    ));
    if args.seed != ConsoleArgs::DEFAULT_SEED {
        opened
            .relaunch
            .extend(["--seed".to_string(), args.seed.to_string()]);
    }
    console_with(opened, source, clock, args).await
}

async fn console_with(
    opened: Opened,
    source: Arc<dyn Source>,
    clock: Clock,
    args: ConsoleArgs,
) -> Result<ExitCode> {
    let Opened {
        runbook,
        reference,
        mut relaunch,
    } = opened;
    // Before the journal is opened: a signal from here on pauses it cleanly.
    let signals = tui::Signals::install()?;
    let theme = Theme::load(theme_name(&args)).map_err(|e| eyre!(e))?;
    if let Some(id) = &args.scenario {
        find_scenario(&runbook, id).map_err(|e| eyre!(e))?;
    }
    let dir = store::resolve_dir(args.journal_dir.as_deref()).map_err(|e| eyre!(e))?;
    if let Some(journal_dir) = &args.journal_dir {
        relaunch.extend([
            "--journal-dir".to_string(),
            journal_dir.display().to_string(),
        ]);
    }
    if let Some(operator) = &args.operator {
        relaunch.extend(["--operator".to_string(), operator.clone()]);
    }
    let settings = JournalSettings {
        dir,
        actor: args.operator.unwrap_or_else(store::default_operator),
        resume: args.resume,
        runbook_ref: Some(reference.absolute()),
    };
    let origin = Origin {
        source: source.label().to_string(),
        simulated: source.is_simulated(),
    };
    let app = App::new(runbook, origin, clock.now(), args.scenario.as_deref())
        .with_keymap(args.keys.clone())
        .with_presenter(args.presenter);
    let Launched {
        mut session,
        updates,
        poller,
    } = launch(app, source, clock, settings);
    // A scenario given on the command line is begun by `launch`: a refusal
    // to resume it ends here, before the terminal is taken over.
    if let Some(reason) = session.refused() {
        return Err(eyre!(reason.to_string()));
    }
    // The clipboard request goes to the terminal between frames; a failed
    // write only loses the copy.
    session.on_terminal(|bytes| {
        use std::io::Write;
        let mut out = std::io::stdout();
        let _ = out.write_all(bytes.as_bytes()).and_then(|()| out.flush());
    });
    let result = tui::run(&mut session, &theme, clock, updates, signals).await;
    drop(poller);
    for warning in &session.warnings {
        eprintln!("drconsole: {warning}");
    }
    if let Some(path) = session.journal_path() {
        let app = &session.app;
        let scenario = app.current().map(|s| s.id.as_str());
        eprint!("{}", farewell(&relaunch, scenario, &path, app.remaining()));
    }
    result.map(|caught| caught.map_or(ExitCode::SUCCESS, |signal| signal.exit_code()))
}

/// A projector wants high contrast whatever theme was asked for.
fn theme_name(args: &ConsoleArgs) -> &str {
    if args.presenter {
        PRESENTER_THEME
    } else {
        args.theme.as_deref().unwrap_or("dark")
    }
}

pub const PRESENTER_THEME: &str = "high-contrast";
