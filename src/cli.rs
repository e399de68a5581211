//! The command line as clap parses it: each subcommand and what it takes.
//! What the commands do is in `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::commands::screenshot::ShotFormat;
use crate::runbook::duration::HumanDuration;
use crate::sources::aws::AwsTuning;

#[derive(Debug, Parser)]
#[command(
    name = "drconsole",
    version,
    about = "A terminal incident console for AWS disaster recovery",
    long_about = "A terminal incident console for AWS disaster recovery: live RDS, backup, ECS and \
                  alarm panes beside the checklist of your DR scenario, with every action recorded \
                  in a crash-safe journal.\n\nRead-only always: drconsole reads AWS and never changes \
                  it (`--readonly` is accepted and changes nothing); a shared session writes only \
                  its own entries to the S3 bucket you name.\n\nWith no command, runs `demo`."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Read settings from this file (default: $DRCONSOLE_CONFIG, else the
    /// platform config path; `drconsole config` shows which)
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the console on the simulated environment (no AWS account needed)
    Demo(DemoArgs),
    /// Run the console for a runbook
    Run(RunArgs),
    /// One refresh of everything the runbook watches: a table or JSON, and
    /// exit 0 healthy, 1 degraded, 2 could not tell
    Status(StatusArgs),
    /// Whether the environment allows a scenario right now: each readiness
    /// check met / not met / unknown, and exit 0 ready, 1 not ready, 2 could
    /// not run
    Ready(ReadyArgs),
    /// Check a runbook; errors name file:line:column
    Validate(ValidateArgs),
    /// Turn a Markdown DR plan into a runbook file
    Import(ImportArgs),
    /// Draw one frame of the simulated console to a file (SVG or text)
    Screenshot(ScreenshotArgs),
    /// Take part in a shared session on S3 (or only watch it with
    /// --follow): the latest under s3://BUCKET/PREFIX, or the one named
    Join(JoinArgs),
    /// Print the effective settings (config file, environment, defaults)
    /// and where each came from
    Config,
    /// List and export journals
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Drills: the trend of their scorecards
    Drill {
        #[command(subcommand)]
        command: DrillCommand,
    },
    /// Print the JSON Schema of runbook files, for TOML editor extensions
    ///
    /// Save it beside your runbooks as drconsole.schema.json: imported
    /// runbooks start with `#:schema ./drconsole.schema.json`, which Taplo
    /// (Even Better TOML) and Tombi read. See docs/editor.md.
    Schema,
    /// Print a shell completion script
    ///
    /// e.g. `drconsole completions bash >
    /// ~/.local/share/bash-completion/completions/drconsole`
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff), or write one page per command to a folder
    ///
    /// e.g. `drconsole man --out-dir ~/.local/share/man/man1`, then `man
    /// drconsole-status`.
    Man {
        /// Write drconsole.1, drconsole-status.1, … here instead
        #[arg(long)]
        out_dir: Option<PathBuf>,
    },
}

impl Cli {
    /// The command given, or `demo` with its defaults when none was.
    pub fn command_or_demo(self) -> Command {
        self.command
            .unwrap_or_else(|| Command::Demo(DemoArgs::parse_from(["drconsole"])))
    }
}

// The argument structs carry no doc comment of their own: the variant's
// comment above is the command's help.

#[derive(Debug, Parser)]
pub struct DemoArgs {
    /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami); rally if omitted
    pub runbook: Option<PathBuf>,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami)
    pub runbook: PathBuf,
    /// Watch the simulated environment instead of AWS
    #[arg(long)]
    pub sim: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    #[command(flatten)]
    pub console: ConsoleArgs,
}

#[derive(Debug, Args)]
pub struct JoinArgs {
    /// s3://BUCKET/PREFIX (its latest session) or s3://BUCKET/PREFIX/SESSION
    #[arg(value_name = "s3://BUCKET/PREFIX[/SESSION]")]
    pub url: String,
    /// Only watch: nothing is written (a projector, an observer, or an
    /// operator without write access to the bucket)
    #[arg(long)]
    pub follow: bool,
    /// The runbook, when the one the session names is not at that path here
    #[arg(long)]
    pub runbook: Option<PathBuf>,
    /// dark, light, high-contrast, or a path to a theme file (default: the
    /// config file's, else dark)
    #[arg(long)]
    pub theme: Option<String>,
    /// Where journals go (default: $DRCONSOLE_JOURNAL_DIR, else the config file's, else the
    /// platform data directory)
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// Your name in the journal (default: your login name)
    #[arg(long)]
    pub operator: Option<String>,
    /// Seed of the simulated environment, for a drill session
    #[arg(long, default_value_t = ConsoleArgs::DEFAULT_SEED)]
    pub seed: u64,
    /// For a projector (see `demo --presenter`)
    #[arg(long)]
    pub presenter: bool,
    #[command(flatten)]
    pub aws: AwsArgs,
    /// The keys in effect: the config file's `[keys]` over the key table.
    #[arg(skip)]
    pub keys: crate::keys::Keymap,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami)
    pub runbook: PathBuf,
    /// Print JSON (shape in docs/status.md)
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct ReadyArgs {
    /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami)
    pub runbook: PathBuf,
    /// The scenario to check
    #[arg(long)]
    pub scenario: String,
    /// Print JSON (shape in docs/ready.md)
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub source: SourceArgs,
}

#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// A runbook (.toml), Markdown DR plan (.md) or built-in name (rally, regami)
    #[arg(value_name = "RUNBOOK")]
    pub file: PathBuf,
    /// Print the parsed runbook as JSON (durations in seconds)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    pub plan: PathBuf,
    /// Write the runbook here instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ConsoleArgs {
    /// Start this scenario instead of choosing it in the picker
    #[arg(long)]
    pub scenario: Option<String>,
    /// Continue the latest unfinished session of this runbook and scenario
    #[arg(long)]
    pub resume: bool,
    /// dark, light, high-contrast, or a path to a theme file (default: the
    /// config file's, else dark)
    #[arg(long)]
    pub theme: Option<String>,
    /// Where journals go (default: $DRCONSOLE_JOURNAL_DIR, else the config file's, else the
    /// platform data directory)
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// Your name in the journal (default: your login name)
    #[arg(long)]
    pub operator: Option<String>,
    /// Seed of the simulated environment
    #[arg(long, default_value_t = Self::DEFAULT_SEED)]
    pub seed: u64,
    /// Share the session with the team on S3, one object per entry
    /// (default: the runbook's `share`, else the config file's; docs/share.md)
    #[arg(long, value_name = "s3://BUCKET/PREFIX")]
    pub share: Option<String>,
    /// Keep the session on this machine, whatever the runbook or the config
    /// file say
    #[arg(long, conflicts_with = "share")]
    pub no_share: bool,
    /// The config file's `share`, under the runbook's.
    #[arg(skip)]
    pub share_config: Option<String>,
    /// Stage this drill file in the simulated environment (default: the
    /// built-in drill of a built-in runbook's scenario; docs/drills.md)
    #[arg(long, value_name = "FILE", conflicts_with = "no_drill")]
    pub drill: Option<PathBuf>,
    /// A calm simulated environment: stage no drill
    #[arg(long)]
    pub no_drill: bool,
    /// For a projector: the high-contrast theme (whatever --theme says),
    /// account ids, ARNs and endpoints masked on screen (never in the
    /// journal), a big RTO clock, and only the checklist and the panes the
    /// selected step's check is judged in
    #[arg(long)]
    pub presenter: bool,
    #[command(flatten)]
    pub readonly: ReadOnlyArg,
    /// The keys in effect: the config file's `[keys]` over the key table.
    #[arg(skip)]
    pub keys: crate::keys::Keymap,
}

impl ConsoleArgs {
    pub const DEFAULT_SEED: u64 = 7;
}

/// `--readonly`, as users of k9s and the like type it out of habit.
#[derive(Debug, Args)]
pub struct ReadOnlyArg {
    /// Read-only, the default and only mode: drconsole never changes AWS (accepted, changes nothing)
    #[arg(long)]
    pub readonly: bool,
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
    /// Refresh intervals and timeouts: the config file's `[refresh]`.
    #[arg(skip)]
    pub tuning: AwsTuning,
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
    #[command(flatten)]
    pub readonly: ReadOnlyArg,
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
    #[arg(long, default_value = "0s", value_parser = HumanDuration::parse)]
    pub at: HumanDuration,
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
    /// The presenter view, as `demo --presenter` draws it (high-contrast
    /// theme, whatever --theme says)
    #[arg(long)]
    pub presenter: bool,
    /// Stage this drill (a built-in drill's name or a file) in the frame's
    /// world, as a drill in progress shows it
    #[arg(long)]
    pub drill: Option<String>,
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
    Export(ExportArgs),
    /// Walk a session's hash chain: intact, or the first entry changed,
    /// removed or inserted
    ///
    /// Exit status: 0 intact, 1 tampered, 2 cannot be read or verified (no
    /// entries, or entries written before drconsole chained its journal).
    Verify(VerifyArgs),
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A journal file, or a shared session (s3://BUCKET/PREFIX[/SESSION]);
    /// the latest session if omitted
    pub file: Option<PathBuf>,
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// The chain head a postmortem cites (`log export` prints it): also
    /// catches a change to the last entry, or entries cut from the end
    #[arg(long, value_name = "HEX")]
    pub head: Option<String>,
    /// AWS profile for a shared session's bucket (default: $AWS_PROFILE, else "default")
    #[arg(long)]
    pub profile: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A journal file, or a shared session (s3://BUCKET/PREFIX[/SESSION]);
    /// the latest session if omitted
    pub file: Option<PathBuf>,
    /// AWS profile for a shared session's bucket (default: $AWS_PROFILE, else "default")
    #[arg(long)]
    pub profile: Option<String>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    /// The runbook, for step titles, expected durations and targets
    #[arg(long)]
    pub runbook: Option<PathBuf>,
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// Write here instead of standard output
    #[arg(short, long)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Markdown,
    Json,
}

#[derive(Debug, Subcommand)]
pub enum DrillCommand {
    /// Every drill session in the journal directory as the table teams
    /// keep: metric, target, last drill, status, then a row per drill
    ///
    /// Grouped by runbook; `--svg` also charts RTO per drill against its
    /// target. See docs/drills.md.
    Report(ReportArgs),
    /// Walk a drill without anyone at the keys and print its scorecard
    ///
    /// With --autopilot each step is started (its commands run in the
    /// simulated world) and confirmed as soon as its check is met; a step
    /// whose check is never met is skipped. `--speed max` runs in simulated
    /// time, as fast as the machine goes; the session is journaled as any
    /// drill (so `drill report` counts it). Exit 0 when the drill's result
    /// is met, 1 when not.
    Run(DrillRunArgs),
}

#[derive(Debug, Args)]
pub struct DrillRunArgs {
    /// A runbook (.toml), Markdown plan (.md) or built-in name (rally, regami)
    pub runbook: PathBuf,
    #[arg(long)]
    pub scenario: String,
    /// A drill file, or a built-in drill's name (default: the built-in
    /// runbook's drill of that scenario)
    #[arg(long)]
    pub drill: Option<String>,
    /// Walk it without anyone at the keys (the only way `drill run` walks)
    #[arg(long)]
    pub autopilot: bool,
    /// `max` (simulated time, no waiting) or 1 to 60 (drill seconds per second)
    #[arg(long, default_value = "max")]
    pub speed: String,
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// Who the journal says walked it (default: autopilot)
    #[arg(long)]
    pub operator: Option<String>,
    /// Seed of the simulated environment
    #[arg(long, default_value_t = ConsoleArgs::DEFAULT_SEED)]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Only this runbook's drills, scored against it (.toml, .md or a
    /// built-in name); default: every runbook's, each against the runbook
    /// its session was started with
    #[arg(long)]
    pub runbook: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    /// Also write an SVG chart of RTO per drill against its target here
    #[arg(long, value_name = "FILE")]
    pub svg: Option<PathBuf>,
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
}
