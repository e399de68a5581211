//! What drconsole gives the shell and the editor: `schema` (the runbook
//! JSON Schema), `completions SHELL` and `man`, all generated from the
//! types and the clap definition, so they cannot drift from the binary.

use std::io::Write;
use std::process::ExitCode;

use color_eyre::Result;
use color_eyre::eyre::WrapErr;

use crate::runbook::schema::runbook_schema;

/// Prints the runbook schema as pretty JSON.
pub fn schema(out: &mut dyn Write) -> Result<ExitCode> {
    let text = serde_json::to_string_pretty(&runbook_schema())?;
    writeln!(out, "{text}").wrap_err("cannot write the schema")?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
