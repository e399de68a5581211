//! `drconsole validate RUNBOOK [--json]`: report problems with positions, or
//! print the normalized runbook.

use std::io::Write;
use std::path::Path;

use super::common::{ReadError, read_runbook};
use crate::runbook::load::Diagnostic;
use crate::runbook::reference::RunbookRef;

/// A drill file: its own shape, then its names against the runbook it
/// says it is for (when it names one that can be read).
fn drill(path: &Path, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let file = path.display().to_string();
    let drill = match crate::drill::load(path) {
        Ok(drill) => drill,
        Err(diagnostics) => {
            print_diagnostics(err, &diagnostics);
            let _ = writeln!(
                err,
                "{file}: invalid — {}",
                plural(diagnostics.len(), "error")
            );
            return EXIT_INVALID;
        }
    };
    let problems = match &drill.runbook {
        Some(name) => match read_runbook(&RunbookRef::resolve(Path::new(name))) {
            Ok((runbook, _)) => crate::drill::check_against(&drill, &runbook),
            Err(_) => vec![(
                crate::runbook::load::Severity::Warning,
                format!("runbook {name:?} cannot be read: names not checked"),
            )],
        },
        None => Vec::new(),
    };
    for (severity, message) in &problems {
        let _ = writeln!(err, "{file}: {severity}: {message}");
    }
    let errors = problems
        .iter()
        .filter(|(s, _)| *s == crate::runbook::load::Severity::Error)
        .count();
    if errors > 0 {
        let _ = writeln!(err, "{file}: invalid — {}", plural(errors, "error"));
        return EXIT_INVALID;
    }
    let _ = writeln!(
        out,
        "{file}: ok — drill of scenario {}, {}, {}",
        drill.scenario,
        plural(drill.injects.len(), "inject"),
        plural(problems.len(), "warning"),
    );
    0
}

/// Exit status when the file has errors (or cannot be read).
pub const EXIT_INVALID: i32 = 2;

/// Validates the runbook `path` names (a file, a Markdown plan read as
/// `run` reads it, or a built-in name). Diagnostics go to `err`; the
/// one-line summary (or, with `json`, the runbook as pretty JSON, durations
/// in seconds) goes to `out`. Returns the process exit code: 0 valid
/// (warnings allowed), 2 invalid.
pub fn run(path: &Path, json: bool, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let reference = RunbookRef::resolve(path);
    let file = reference.to_string();
    if let RunbookRef::File(p) = &reference
        && std::fs::read_to_string(p).is_ok_and(|text| crate::drill::looks_like_drill(&text))
    {
        return drill(p, out, err);
    }
    match read_runbook(&reference) {
        Ok((runbook, warnings)) => {
            print_diagnostics(err, &warnings);
            let written = if json {
                serde_json::to_string_pretty(&runbook)
                    .map_err(std::io::Error::other)
                    .and_then(|text| writeln!(out, "{text}"))
            } else {
                let steps: usize = runbook.scenarios.iter().map(|s| s.steps.len()).sum();
                let imported = if reference.is_markdown() {
                    " (imported; `drconsole import` reports what was inferred)"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{file}: ok — {}, {}, {}{imported}",
                    plural(runbook.scenarios.len(), "scenario"),
                    plural(steps, "step"),
                    plural(warnings.len(), "warning"),
                )
            };
            match written {
                Ok(()) => 0,
                Err(e) if super::is_broken_pipe(&e) => super::EXIT_BROKEN_PIPE.into(),
                Err(e) => {
                    let _ = writeln!(err, "{file}: cannot write output: {e}");
                    EXIT_INVALID
                }
            }
        }
        Err(ReadError::Invalid(diagnostics)) => {
            print_diagnostics(err, &diagnostics);
            let errors = diagnostics.iter().filter(|d| d.is_error()).count();
            let _ = writeln!(err, "{file}: invalid — {}", plural(errors, "error"));
            EXIT_INVALID
        }
        Err(ReadError::Import(message)) => {
            let _ = writeln!(err, "error: {message}");
            let _ = writeln!(err, "{file}: invalid — the plan does not import");
            EXIT_INVALID
        }
    }
}

fn print_diagnostics(err: &mut dyn Write, diagnostics: &[Diagnostic]) {
    for diagnostic in diagnostics {
        // Nothing sensible to do if stderr is gone; the exit code still tells.
        let _ = writeln!(err, "{diagnostic}");
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn plural_forms() {
        assert_eq!(super::plural(1, "step"), "1 step");
        assert_eq!(super::plural(0, "warning"), "0 warnings");
        assert_eq!(super::plural(23, "step"), "23 steps");
    }
}
