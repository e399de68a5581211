//! Runbooks compiled into the binary, so `drconsole demo` works from a bare
//! install. A test keeps each one valid.

use super::load;
use super::model::Runbook;

/// The Rally production runbook (see runbooks/rally.toml).
pub const RALLY_TOML: &str = include_str!("../../runbooks/rally.toml");

/// The parsed Rally runbook.
pub fn rally() -> Runbook {
    match load::parse(RALLY_TOML, "runbooks/rally.toml") {
        Ok((runbook, _warnings)) => runbook,
        // Unreachable in a tested build: tests/runbook_validate.rs parses it.
        Err(errors) => panic!("built-in runbook is invalid: {errors:?}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rally_parses() {
        let runbook = super::rally();
        assert_eq!(runbook.scenarios.len(), 4);
    }
}
