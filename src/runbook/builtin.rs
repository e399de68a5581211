//! Runbooks compiled into the binary, so `drconsole demo` works from a bare
//! install. A test keeps each one valid.

use super::load;
use super::model::Runbook;

/// The Rally production runbook (see runbooks/rally.toml): one region.
pub const RALLY_TOML: &str = include_str!("../../runbooks/rally.toml");

/// The Regami production runbook (see runbooks/regami.toml): two regions
/// with a cross-region replica.
pub const REGAMI_TOML: &str = include_str!("../../runbooks/regami.toml");

/// Names the CLI accepts in place of a runbook path, the default first.
pub const NAMES: &[&str] = &["rally", "regami"];

/// The parsed Rally runbook.
pub fn rally() -> Runbook {
    parse(RALLY_TOML, "runbooks/rally.toml")
}

/// The parsed Regami runbook.
pub fn regami() -> Runbook {
    parse(REGAMI_TOML, "runbooks/regami.toml")
}

/// A built-in runbook by name (`rally`, `regami`).
pub fn builtin(name: &str) -> Option<Runbook> {
    source(name).map(|(text, origin)| parse(text, origin))
}

/// A built-in runbook's TOML text and the file it was compiled from, by
/// name: what `validate` checks.
pub fn source(name: &str) -> Option<(&'static str, &'static str)> {
    match name {
        "rally" => Some((RALLY_TOML, "runbooks/rally.toml")),
        "regami" => Some((REGAMI_TOML, "runbooks/regami.toml")),
        _ => None,
    }
}

/// Every built-in runbook with its name, in `NAMES` order.
pub fn all() -> Vec<(&'static str, Runbook)> {
    NAMES
        .iter()
        .filter_map(|&name| builtin(name).map(|runbook| (name, runbook)))
        .collect()
}

fn parse(text: &str, origin: &str) -> Runbook {
    match load::parse(text, origin) {
        Ok((runbook, _warnings)) => runbook,
        // Unreachable in a tested build: the tests below parse every one.
        Err(errors) => panic!("built-in runbook {origin} is invalid: {errors:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses() {
        assert_eq!(all().len(), NAMES.len());
        assert_eq!(rally().scenarios.len(), 4);
        assert_eq!(regami().scenarios.len(), 6);
        assert!(builtin("nope").is_none());
    }
}
