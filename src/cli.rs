//! The command line: what each subcommand takes, and the glue that runs it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand, ValueEnum};
use color_eyre::Result;
use color_eyre::eyre::eyre;

use crate::app::{App, Origin};
use crate::clock::Clock;
use crate::journal::{export, store};
use crate::runbook::model::Runbook;
use crate::runtime::{JournalSettings, Launched, launch};
use crate::screenshot::{self, ShotFormat, ShotOptions};
use crate::sources::Source;
use crate::sources::aws::{AwsOptions, AwsSource, undeclared_instances};
use crate::sources::sim::SimSource;
use crate::ui::theme::Theme;

#[derive(Debug, Parser)]
#[command(
    name = "drconsole",
    version,
    about = "A terminal incident console for AWS disaster recovery",
    long_about = "A terminal incident console for AWS disaster recovery: live RDS, backup, ECS and \
                  alarm panes beside the checklist of your DR scenario, with every action recorded \
                  in a crash-safe journal.\n\nWith no command, runs `demo`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console on the simulated environment (no AWS account needed)
    Demo {
        /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami); rally if omitted
        runbook: Option<PathBuf>,
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// Run the console for a runbook
    Run {
        /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami)
        runbook: PathBuf,
        /// Watch the simulated environment instead of AWS
        #[arg(long)]
        sim: bool,
        #[command(flatten)]
        aws: AwsArgs,
        #[command(flatten)]
        console: ConsoleArgs,
    },
    /// One refresh of everything the runbook watches: a table or JSON, and
    /// exit 0 healthy, 1 degraded, 2 could not tell
    Status {
        /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami)
        runbook: PathBuf,
        /// Print JSON (shape in docs/status.md)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Whether the environment allows a scenario right now: each readiness
    /// check met / not met / unknown, and exit 0 ready, 1 not ready, 2 could
    /// not run
    Ready {
        /// A runbook (.toml) or Markdown DR plan (.md)
        runbook: PathBuf,
        /// The scenario to check
        #[arg(long)]
        scenario: String,
        /// Print JSON (shape in docs/ready.md)
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// Check a runbook file; errors name file:line:column
    Validate {
        file: PathBuf,
        /// Print the parsed runbook as JSON (durations in seconds)
        #[arg(long)]
        json: bool,
    },
    /// Turn a Markdown DR plan into a runbook file
    Import {
        plan: PathBuf,
        /// Write the runbook here instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
    /// Draw one frame of the simulated console to a file (SVG or text)
    Screenshot(ScreenshotArgs),
    /// List and export journals
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Start this scenario instead of choosing it in the picker
    #[arg(long)]
    pub scenario: Option<String>,
    /// Continue the latest unfinished session of this runbook and scenario
    #[arg(long)]
    pub resume: bool,
    /// dark, light, high-contrast, or a path to a theme file
    #[arg(long, default_value = "dark")]
    pub theme: String,
    /// Where journals go (default: $DRCONSOLE_JOURNAL_DIR, else the platform data directory)
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// Your name in the journal (default: your login name)
    #[arg(long)]
    pub operator: Option<String>,
    /// Seed of the simulated environment
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
}

/// How to reach AWS; the rest comes from aws-config's default chain
/// (environment, `~/.aws/config`, SSO, credential_process, `AWS_ENDPOINT_URL*`).
#[derive(Debug, Args)]
pub struct AwsArgs {
    /// AWS profile (default: $AWS_PROFILE, else "default")
    #[arg(long)]
    pub profile: Option<String>,
    /// Look here for resources that name no region, instead of the runbook's primary region
    #[arg(long)]
    pub region: Option<String>,
}

impl AwsArgs {
    /// Options for `AwsSource::connect`, watching the instances the
    /// runbook's checks name (restore targets) as well.
    pub fn options(&self, runbook: &Runbook) -> AwsOptions {
        AwsOptions {
            profile: self.profile.clone(),
            region: self.region.clone(),
            extra_instances: undeclared_instances(runbook),
            ..AwsOptions::default()
        }
    }
}

/// Where a one-shot command (`status`, `ready`) reads live state.
#[derive(Debug, Args)]
pub struct SourceArgs {
    /// Read the simulated environment instead of AWS
    #[arg(long)]
    pub sim: bool,
    /// Seed of the simulated environment
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    #[command(flatten)]
    pub aws: AwsArgs,
}

impl SourceArgs {
    /// The simulated world on the wall clock, or AWS from the default chain.
    async fn connect(&self, runbook: &Runbook) -> Result<Box<dyn Source>> {
        if self.sim {
            return Ok(Box::new(SimSource::new(
                &runbook.environment,
                self.seed,
                Clock::System,
            )));
        }
        let source = AwsSource::connect(&runbook.environment, self.aws.options(runbook))
            .await
            .map_err(|e| eyre!("cannot set up AWS clients: {e}"))?;
        Ok(Box::new(source))
    }
}

#[derive(Debug, Args)]
pub struct ScreenshotArgs {
    /// A runbook (.toml), DR plan (.md) or built-in name (rally, regami); rally if omitted
    #[arg(long)]
    pub runbook: Option<PathBuf>,
    /// The scenario to show; the scenario picker if omitted
    #[arg(long)]
    pub scenario: Option<String>,
    /// How far into the simulated incident, e.g. "25m"
    #[arg(long, default_value = "0s")]
    pub at: String,
    /// Confirm this many steps first (the simulated world reacts to them)
    #[arg(long, default_value_t = 0)]
    pub confirm: usize,
    /// Columns x rows
    #[arg(long, default_value = "120x40")]
    pub size: String,
    #[arg(long, value_enum, default_value_t = ShotFormat::Svg)]
    pub format: ShotFormat,
    #[arg(long, default_value = "dark")]
    pub theme: String,
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum LogCommand {
    /// List the sessions in the journal directory, newest last
    List {
        #[arg(long)]
        journal_dir: Option<PathBuf>,
    },
    /// Write a session's timeline as Markdown (a postmortem draft) or JSON
    Export {
        /// A journal file; the latest session if omitted
        file: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
        format: ExportFormat,
        /// The runbook, for step titles, expected durations and targets
        #[arg(long)]
        runbook: Option<PathBuf>,
        #[arg(long)]
        journal_dir: Option<PathBuf>,
        /// Write here instead of standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Markdown,
    Json,
}

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let command = cli.command.unwrap_or(Command::Demo {
        runbook: None,
        console: ConsoleArgs::parse_defaults(),
    });
    match command {
        Command::Demo { runbook, console } => {
            let runbook = load_runbook_or_builtin(runbook.as_deref())?;
            console_sim(runbook, console).await
        }
        Command::Run {
            runbook,
            sim,
            aws,
            console,
        } => {
            let mut runbook = load_runbook(&runbook)?;
            // The header, the panes and the AWS clients agree on the region.
            if let Some(region) = &aws.region {
                runbook.environment.regions.primary = region.clone();
            }
            if sim {
                return console_sim(runbook, console).await;
            }
            let source = AwsSource::connect(&runbook.environment, aws.options(&runbook))
                .await
                .map_err(|e| eyre!("cannot set up AWS clients: {e}"))?;
            console_with(runbook, Arc::new(source), Clock::System, console).await
        }
        Command::Status {
            runbook,
            json,
            source,
        } => {
            let runbook = load_runbook(&runbook)?;
            let source = source.connect(&runbook).await?;
            let at = jiff::Timestamp::now();
            let live = crate::status::refresh(&*source, source.fetch_timeout(), at).await;
            let overall = crate::status::report(
                &runbook,
                source.label(),
                &live,
                at,
                json,
                &mut std::io::stdout(),
            )?;
            Ok(ExitCode::from(overall.exit_code()))
        }
        Command::Ready {
            runbook,
            scenario,
            json,
            source,
        } => {
            let runbook = load_runbook(&runbook)?;
            let scenario =
                crate::ready::find_scenario(&runbook, &scenario).map_err(|e| eyre!(e))?;
            let source = source.connect(&runbook).await?;
            let at = jiff::Timestamp::now();
            let readiness =
                crate::ready::check(&runbook, scenario, &*source, source.fetch_timeout(), at).await;
            crate::ready::report(
                &runbook,
                scenario,
                source.label(),
                at,
                &readiness,
                json,
                &mut std::io::stdout(),
            )?;
            Ok(ExitCode::from(crate::ready::exit_code(&readiness)))
        }
        Command::Validate { file, json } => Ok(code(crate::runbook::validate_cmd::run(
            &file,
            json,
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        ))),
        Command::Import { plan, output } => Ok(code(crate::runbook::import_cmd::run(
            &plan,
            output.as_deref(),
            &mut std::io::stdout(),
            &mut std::io::stderr(),
        ))),
        Command::Screenshot(args) => {
            let runbook = load_runbook_or_builtin(args.runbook.as_deref())?;
            let theme = Theme::load(&args.theme).map_err(|e| eyre!(e))?;
            let options = ShotOptions::parse(&args.size, &args.at, args.scenario, args.confirm)
                .map_err(|e| eyre!(e))?;
            let frame = screenshot::render(&runbook, &options, &theme, args.format)
                .map_err(|e| eyre!(e))?;
            std::fs::write(&args.out, frame)
                .map_err(|e| eyre!("cannot write {}: {e}", args.out.display()))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Log { command } => log(command),
    }
}

impl ConsoleArgs {
    fn parse_defaults() -> Self {
        #[derive(Parser)]
        struct Wrapper {
            #[command(flatten)]
            console: ConsoleArgs,
        }
        Wrapper::parse_from(["drconsole"]).console
    }
}

fn code(status: i32) -> ExitCode {
    ExitCode::from(status.clamp(0, 255) as u8)
}

/// A `.md` plan is imported on the fly; a name such as `regami` that is no
/// file loads that built-in runbook; anything else is a runbook file.
pub fn load_runbook(path: &Path) -> Result<Runbook> {
    if !path.exists()
        && let Some(runbook) = path.to_str().and_then(crate::runbook::builtin::builtin)
    {
        return Ok(runbook);
    }
    let is_markdown = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"));
    if is_markdown {
        return crate::runbook::import_cmd::import_path(path)
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

fn load_runbook_or_builtin(path: Option<&Path>) -> Result<Runbook> {
    match path {
        Some(path) => load_runbook(path),
        None => Ok(crate::runbook::builtin::rally()),
    }
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
    let theme = Theme::load(&args.theme).map_err(|e| eyre!(e))?;
    if let Some(id) = &args.scenario
        && runbook.scenario(id).is_none()
    {
        let ids: Vec<&str> = runbook.scenarios.iter().map(|s| s.id.as_str()).collect();
        return Err(eyre!(
            "no scenario {id:?} in {}; it has: {}",
            runbook.name,
            ids.join(", ")
        ));
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
    let result = crate::tui::run(&mut session, &theme, clock, updates).await;
    drop(poller);
    for warning in &session.warnings {
        eprintln!("drconsole: {warning}");
    }
    if let Some(path) = session.journal_path() {
        eprintln!("journal: {}", path.display());
    }
    result.map(|_| ExitCode::SUCCESS)
}

fn log(command: LogCommand) -> Result<ExitCode> {
    match command {
        LogCommand::List { journal_dir } => {
            let dir = store::resolve_dir(journal_dir.as_deref()).map_err(|e| eyre!(e))?;
            let sessions = store::list_sessions(&dir)?;
            if sessions.is_empty() {
                eprintln!("no sessions in {}", dir.display());
            }
            let mut out = std::io::stdout().lock();
            for s in sessions {
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
        LogCommand::Export {
            file,
            format,
            runbook,
            journal_dir,
            output,
        } => {
            let path = match file {
                Some(path) => path,
                None => {
                    let dir = store::resolve_dir(journal_dir.as_deref()).map_err(|e| eyre!(e))?;
                    store::list_sessions(&dir)?
                        .into_iter()
                        .max_by_key(|s| s.started)
                        .map(|s| s.path)
                        .ok_or_else(|| eyre!("no sessions in {}", dir.display()))?
                }
            };
            let read =
                store::read(&path).map_err(|e| eyre!("cannot read {}: {e}", path.display()))?;
            for warning in &read.warnings {
                eprintln!("{}: {warning}", path.display());
            }
            let runbook = runbook.map(|p| load_runbook(&p)).transpose()?;
            let text = match format {
                ExportFormat::Markdown => export::markdown(&read.entries, runbook.as_ref()),
                ExportFormat::Json => export::json(&read.entries),
            };
            match output {
                Some(out) => std::fs::write(&out, text)
                    .map_err(|e| eyre!("cannot write {}: {e}", out.display()))?,
                None => std::io::stdout().write_all(text.as_bytes())?,
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
