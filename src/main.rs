use std::process::ExitCode;

use clap::Parser;
use drconsole::cli::Cli;
use drconsole::commands::{EXIT_BROKEN_PIPE, is_broken_pipe, run};

fn main() -> ExitCode {
    // color-eyre's panic and error hooks first; the console adds ratatui's
    // terminal-restoring hook on top when it takes over the screen.
    if let Err(e) = color_eyre::install() {
        eprintln!("drconsole: {e}");
    }
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("drconsole: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        // The reader went away (`drconsole status | head`): nothing to say
        // to it; exit as a process killed by SIGPIPE would.
        Err(e) if e.chain().any(is_broken_pipe) => ExitCode::from(EXIT_BROKEN_PIPE),
        Err(e) => {
            // A user's mistake reads as one plain message with its causes;
            // panics still get color-eyre's full report.
            let causes: Vec<String> = e.chain().map(ToString::to_string).collect();
            eprintln!("drconsole: {}", causes.join(": "));
            ExitCode::from(2)
        }
    }
}
