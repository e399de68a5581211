//! `drconsole import PLAN.md [-o FILE]`: reads the plan, writes the runbook
//! TOML to the file or stdout and the report to stderr.

use std::io::Write;
use std::path::Path;

use crate::runbook::import::{Imported, import_bytes};

/// Imports a plan file; the error names the file.
pub fn import_path(path: &Path) -> Result<Imported, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    import_bytes(&bytes, &path.display().to_string()).map_err(|e| e.to_string())
}

/// Runs the command. Returns the exit code: 0 imported, 2 failed.
pub fn run(input: &Path, output: Option<&Path>, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let imported = match import_path(input) {
        Ok(imported) => imported,
        Err(message) => {
            let _ = writeln!(err, "error: {message}");
            return 2;
        }
    };
    let written = match output {
        Some(path) => std::fs::write(path, &imported.toml)
            .map_err(|e| format!("{}: cannot write: {e}", path.display())),
        None => match out
            .write_all(imported.toml.as_bytes())
            .and_then(|()| out.flush())
        {
            Err(e) if super::is_broken_pipe(&e) => return super::EXIT_BROKEN_PIPE.into(),
            written => written.map_err(|e| format!("cannot write the runbook: {e}")),
        },
    };
    if let Err(message) = written {
        let _ = writeln!(err, "error: {message}");
        return 2;
    }
    // Formatted once and written whole: stderr is unbuffered, and a report
    // of thousands of lines written piece by piece costs a syscall each.
    let _ = err.write_all(imported.report.to_string().as_bytes());
    if let Some(path) = output {
        let _ = writeln!(err, "\nWrote {}.", path.display());
    }
    0
}
