//! The `:` command palette's text handling: which commands and arguments
//! match what is typed (fuzzy, best first), and what a line asks for. The
//! commands themselves are the key table's entries with a palette name.

use nucleo_matcher::pattern::{CaseMatching, Normalization, Pattern};
use nucleo_matcher::{Config, Matcher};

use crate::keys::{Binding, Command, palette_entries};

/// What the palette holds while it is open.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PaletteState {
    pub text: String,
    /// Why the last Enter ran nothing; cleared by editing.
    pub error: Option<String>,
    /// Tab's completions, frozen when Tab was first pressed, and the one
    /// shown: Tab again moves to the next, any edit lets go.
    pub cycle: Option<(Vec<String>, usize)>,
    /// Which earlier command ↑/↓ shows, counted back from the newest.
    pub recall: Option<usize>,
}

/// Most of these the overlay shows.
pub const SHOWN: usize = 8;

/// `items` that match `query` fuzzily, best first; all of them, in order,
/// for an empty query.
pub fn fuzzy<T: AsRef<str>>(query: &str, items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut matcher = Matcher::new(Config::DEFAULT);
    Pattern::parse(query, CaseMatching::Ignore, Normalization::Smart)
        .match_list(items, &mut matcher)
        .into_iter()
        .map(|(item, _)| item)
        .collect()
}

/// The index of the item `arg` names: one equal to it ignoring case, else
/// the best fuzzy match.
pub fn best(arg: &str, items: &[String]) -> Option<usize> {
    let arg = arg.trim();
    if let Some(i) = items.iter().position(|s| s.eq_ignore_ascii_case(arg)) {
        return Some(i);
    }
    let top = fuzzy(arg, items.iter()).into_iter().next()?;
    items.iter().position(|s| std::ptr::eq(s, top))
}

/// The palette entry a typed word names: its exact name, or a prefix of
/// exactly one name (`:q`, `:the dark`).
pub fn entry(word: &str) -> Option<&'static Binding> {
    if let Some(b) = palette_entries().find(|b| b.name == word) {
        return Some(b);
    }
    let mut prefixed = palette_entries().filter(|b| !word.is_empty() && b.name.starts_with(word));
    match (prefixed.next(), prefixed.next()) {
        (Some(b), None) => Some(b),
        _ => None,
    }
}

/// Completions of the whole line: command names while the first word is
/// typed, then that command's arguments (`arguments` lists them).
pub fn completions(text: &str, arguments: impl Fn(Command) -> Vec<String>) -> Vec<String> {
    let text = text.trim_start();
    match text.split_once(' ') {
        None => fuzzy(text, palette_entries())
            .into_iter()
            .map(|b| match b.args {
                "" => b.name.to_string(),
                _ => format!("{} ", b.name),
            })
            .collect(),
        Some((word, rest)) => match entry(word) {
            Some(b) if !b.args.is_empty() => fuzzy(rest.trim(), arguments(b.command))
                .into_iter()
                .map(|arg| format!("{} {arg}", b.name))
                .collect(),
            _ => Vec::new(),
        },
    }
}

impl AsRef<str> for &Binding {
    fn as_ref(&self) -> &str {
        self.name
    }
}

/// The command a line asks for and its argument, or why it names none.
pub fn parse(text: &str) -> Result<(Command, String), String> {
    let text = text.trim();
    let (word, arg) = text.split_once(' ').unwrap_or((text, ""));
    let arg = arg.trim();
    let Some(b) = entry(word) else {
        return Err(format!("unknown command {word:?}; Tab completes"));
    };
    match (b.args, arg) {
        ("", "") => Ok((b.command, String::new())),
        ("", _) => Err(format!("{} takes no argument", b.name)),
        (args, "") => Err(format!("{} needs {args}", b.name)),
        _ => Ok((b.command, arg.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_complete_fuzzily_and_arguments_after_the_name() {
        let args = |c| match c {
            Command::Theme => vec!["dark".into(), "light".into(), "high-contrast".into()],
            _ => Vec::new(),
        };
        assert_eq!(completions("the", args)[0], "theme ");
        assert_eq!(completions("rdns", args)[0], "readiness");
        assert_eq!(completions("theme hc", args), vec!["theme high-contrast"]);
        assert_eq!(completions("theme ", args).len(), 3);
        assert!(completions("zzz", args).is_empty());
    }

    #[test]
    fn parse_names_the_command_or_says_why_not() {
        assert_eq!(parse(" quit "), Ok((Command::Quit, String::new())));
        assert_eq!(parse("q"), Ok((Command::Quit, String::new())));
        assert_eq!(parse("theme light"), Ok((Command::Theme, "light".into())));
        assert_eq!(
            parse("frobnicate"),
            Err("unknown command \"frobnicate\"; Tab completes".into())
        );
        assert_eq!(
            parse("theme"),
            Err("theme needs <dark|light|high-contrast>".into())
        );
        assert_eq!(
            parse("refresh now"),
            Err("refresh takes no argument".into())
        );
        // "re" starts both refresh and readiness: ambiguous, so unknown.
        assert!(parse("re").is_err());
    }

    #[test]
    fn best_prefers_an_exact_name_then_the_top_fuzzy_match() {
        let items: Vec<String> = ["dark", "light", "high-contrast"].map(String::from).into();
        assert_eq!(best("LIGHT", &items), Some(1));
        assert_eq!(best("hico", &items), Some(2));
        assert_eq!(best("qqq", &items), None);
    }
}
