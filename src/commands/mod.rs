//! What each subcommand does, one module per command; `run` hands a parsed
//! command line to its module.

use std::io;
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::eyre;

use crate::cli::{Cli, Command};
use crate::config::Settings;

pub mod common;
pub mod config;
pub mod console;
pub mod drill;
pub mod farewell;
pub mod import;
pub mod log;
pub mod ready;
pub mod screenshot;
pub mod shell;
pub mod status;
pub mod validate;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let settings = Settings::load(cli.config.as_deref()).map_err(|e| eyre!(e))?;
    let mut command = cli.command_or_demo();
    config::apply(&settings, &mut command);
    match command {
        Command::Config => {
            print!("{}", settings.describe());
            Ok(ExitCode::SUCCESS)
        }
        Command::Demo(args) => console::demo(args).await,
        Command::Run(args) => console::run(args).await,
        Command::Join(args) => console::join(args).await,
        Command::Status(args) => status::run(args).await,
        Command::Ready(args) => ready::run(args).await,
        Command::Validate(args) => Ok(exit_code(validate::run(
            &args.file,
            args.json,
            &mut io::stdout(),
            &mut io::stderr(),
        ))),
        Command::Import(args) => Ok(exit_code(import::run(
            &args.plan,
            args.output.as_deref(),
            &mut io::stdout(),
            &mut io::stderr(),
        ))),
        Command::Screenshot(args) => screenshot::run(args),
        Command::Log { command } => log::run(command).await,
        Command::Drill { command } => drill::run(command),
        Command::Schema => shell::schema(&mut io::stdout().lock()),
        Command::Completions { shell } => shell::completions(shell, &mut io::stdout().lock()),
        Command::Man { out_dir } => shell::man(out_dir.as_deref(), &mut io::stdout().lock()),
    }
}

/// A process whose reader went away (`drconsole status | head`) exits
/// quietly with the status of one killed by SIGPIPE, as shell tools do.
pub const EXIT_BROKEN_PIPE: u8 = 141;

/// Whether an error (or any of its causes) is a write to a closed pipe.
pub fn is_broken_pipe(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut cause = Some(error);
    while let Some(e) = cause {
        if e.downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
        {
            return true;
        }
        cause = e.source();
    }
    false
}

fn exit_code(status: i32) -> ExitCode {
    ExitCode::from(status.clamp(0, 255) as u8)
}
