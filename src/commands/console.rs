//! `drconsole demo` and `drconsole run`: the interactive console, on the
//! simulated environment or on AWS.

use std::process::ExitCode;
use std::sync::Arc;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use super::common::{connect_aws, find_scenario, load_runbook, load_runbook_or_rally};
use crate::app::{App, Origin};
use crate::cli::{ConsoleArgs, DemoArgs, RunArgs};
use crate::clock::Clock;
use crate::journal::store;
use crate::runbook::model::Runbook;
use crate::runtime::{JournalSettings, Launched, launch};
use crate::sources::Source;
use crate::sources::sim::SimSource;
use crate::tui;
use crate::ui::theme::Theme;

pub async fn demo(args: DemoArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let runbook = load_runbook_or_rally(args.runbook.as_deref())?;
    console_sim(runbook, args.console).await
}

pub async fn run(args: RunArgs) -> Result<ExitCode> {
    tui::require_terminal()?;
    let mut runbook = load_runbook(&args.runbook)?;
    // The header, the panes and the AWS clients agree on the region.
    if let Some(region) = &args.aws.region {
        runbook.environment.regions.primary = region.clone();
    }
    if args.sim {
        return console_sim(runbook, args.console).await;
    }
    let source = connect_aws(&args.aws, &runbook).await?;
    console_with(runbook, Arc::new(source), Clock::System, args.console).await
}

async fn console_sim(runbook: Runbook, args: ConsoleArgs) -> Result<ExitCode> {
    let clock = Clock::sim(jiff::Timestamp::now());
    let source = Arc::new(SimSource::new(&runbook.environment, args.seed, clock));
    console_with(runbook, source, clock, args).await
}

async fn console_with(
    runbook: Runbook,
    source: Arc<dyn Source>,
    clock: Clock,
    args: ConsoleArgs,
) -> Result<ExitCode> {
    // Before the journal is opened: a signal from here on pauses it cleanly.
    let signals = tui::Signals::install()?;
    let theme = Theme::load(&args.theme).map_err(|e| eyre!(e))?;
    if let Some(id) = &args.scenario {
        find_scenario(&runbook, id).map_err(|e| eyre!(e))?;
    }
    let dir = store::resolve_dir(args.journal_dir.as_deref()).map_err(|e| eyre!(e))?;
    let settings = JournalSettings {
        dir,
        actor: args.operator.unwrap_or_else(store::default_operator),
        resume: args.resume,
    };
    let origin = Origin {
        source: source.label().to_string(),
        simulated: source.is_simulated(),
    };
    let app = App::new(runbook, origin, clock.now(), args.scenario.as_deref());
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
        eprintln!("journal: {}", path.display());
    }
    result.map(|caught| caught.map_or(ExitCode::SUCCESS, |signal| signal.exit_code()))
}
