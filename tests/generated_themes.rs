//! Theme files as users break them: `Theme::from_toml` never panics, and
//! every error points at a line of the text it was given.

mod common;

use common::mutate::{mutated_text, within};
use drconsole::ui::theme::Theme;
use proptest::prelude::*;
use std::time::Duration;

const DARK: &str = include_str!("../themes/dark.toml");
const LIGHT: &str = include_str!("../themes/light.toml");
const CONTRAST: &str = include_str!("../themes/high-contrast.toml");

/// Loads `text` under the watchdog; an error must read "theme FILE:LINE: …"
/// with LINE a line of the text (an editor's count: newlines + 1).
fn check(text: String) -> Result<(), TestCaseError> {
    let lines = text.split('\n').count();
    let result = within(Duration::from_secs(10), "Theme::from_toml", move || {
        Theme::from_toml(&text, "gen.toml")
    });
    if let Err(err) = result {
        let rest = err.strip_prefix("theme gen.toml:");
        prop_assert!(rest.is_some(), "{err}");
        let line: Option<usize> = rest
            .and_then(|r| r.split_once(':'))
            .and_then(|(line, _)| line.parse().ok());
        prop_assert!(
            line.is_some_and(|line| (1..=lines).contains(&line)),
            "line outside 1..={lines}: {err}"
        );
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
    fn mutated_dark(text in mutated_text(DARK, 4)) {
        check(text)?;
    }

    #[test]
    fn mutated_light(text in mutated_text(LIGHT, 4)) {
        check(text)?;
    }

    #[test]
    fn mutated_high_contrast(text in mutated_text(CONTRAST, 4)) {
        check(text)?;
    }
}
