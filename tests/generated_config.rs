//! Config files as users break them: `ConfigFile::parse` never panics, and
//! every error points at a line and column of the text it was given.

mod common;

use common::mutate::{mutated_text, within};
use drconsole::config::{ConfigFile, EXAMPLE};
use proptest::prelude::*;
use std::time::Duration;

/// Parses `text` under the watchdog; an error must read
/// "config FILE:LINE:COLUMN: …" with LINE a line of the text.
fn check(text: String) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count();
    let result = within(Duration::from_secs(10), "ConfigFile::parse", move || {
        ConfigFile::parse(&text, "gen.toml").map(|_| ())
    });
    if let Err(err) = result {
        let rest = err.strip_prefix("config gen.toml:");
        prop_assert!(rest.is_some(), "{err}");
        let mut parts = rest.unwrap_or("").splitn(3, ':');
        let line: Option<usize> = parts.next().and_then(|l| l.parse().ok());
        let column: Option<usize> = parts.next().and_then(|c| c.parse().ok());
        prop_assert!(
            line.is_some_and(|line| (1..=lines).contains(&line)),
            "line outside 1..={lines}: {err}"
        );
        prop_assert!(column.is_some_and(|c| c >= 1), "no column: {err}");
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn arbitrary_text(text in any::<String>()) {
        check(text)?;
    }

    #[test]
    fn mutated_example(text in mutated_text(EXAMPLE, 4)) {
        check(text)?;
    }
}
