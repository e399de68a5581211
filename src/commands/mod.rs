//! What each subcommand does, one module per command; `run` hands a parsed
//! command line to its module.

use std::io;
use std::process::ExitCode;

use color_eyre::Result;

use crate::cli::{Cli, Command};

pub mod common;
pub mod console;
pub mod import;
pub mod log;
pub mod ready;
pub mod screenshot;
pub mod status;
pub mod validate;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command_or_demo() {
        Command::Demo(args) => console::demo(args).await,
        Command::Run(args) => console::run(args).await,
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
        Command::Log { command } => log::run(command),
    }
}

fn exit_code(status: i32) -> ExitCode {
    ExitCode::from(status.clamp(0, 255) as u8)
}
