//! What drconsole gives the shell and the editor: `schema` (the runbook
//! JSON Schema), `completions SHELL` and `man`, all generated from the
//! types and the clap definition, so they cannot drift from the binary.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use color_eyre::Result;
use color_eyre::eyre::WrapErr;

use crate::cli::Cli;
use crate::runbook::schema::runbook_schema;

/// Prints the runbook schema as pretty JSON.
pub fn schema(out: &mut dyn Write) -> Result<ExitCode> {
    let text = serde_json::to_string_pretty(&runbook_schema())?;
    writeln!(out, "{text}").wrap_err("cannot write the schema")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell, out: &mut dyn Write) -> Result<ExitCode> {
    let mut cmd = Cli::command();
    // Generated into memory first: clap_complete panics on a write error,
    // and a closed pipe must stay a quiet exit.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "drconsole", &mut script);
    out.write_all(&script)
        .wrap_err("cannot write the completion script")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// Prints drconsole(1), or writes a page per command into `out_dir`.
pub fn man(out_dir: Option<&Path>, out: &mut dyn Write) -> Result<ExitCode> {
    let cmd = Cli::command();
    match out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .and_then(|()| clap_mangen::generate_to(cmd, dir))
                .wrap_err_with(|| format!("cannot write man pages to {}", dir.display()))?;
        }
        None => {
            clap_mangen::Man::new(cmd)
                .render(out)
                .wrap_err("cannot write the man page")?;
            out.flush()?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
