//! Durations as plans write them: "(5 minutes)", "30-60 minutes", "1–4
//! hours", "~3-5 min", "12-hour", "1h 30m", "Up to 1 day". A range counts as
//! its upper bound: a target should be met even on a slow day.

use crate::runbook::duration::{HumanDuration, MAX, unit_secs};

/// A duration found in text, with the byte range it covered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Found {
    pub upper: HumanDuration,
    pub start: usize,
    pub end: usize,
}

const NUMBER_WORDS: &[(&str, f64)] = &[
    ("a", 1.0),
    ("an", 1.0),
    ("one", 1.0),
    ("two", 2.0),
    ("three", 3.0),
    ("four", 4.0),
    ("five", 5.0),
    ("six", 6.0),
    ("eight", 8.0),
    ("ten", 10.0),
    ("twelve", 12.0),
    ("fifteen", 15.0),
    ("thirty", 30.0),
];

/// Seconds per unit for a unit word, and whether it must touch the number
/// ("5m" yes, "5 m" no: a lone letter after a space is too ambiguous).
fn unit(word: &str) -> Option<(u64, bool)> {
    unit_secs(word).map(|secs| (secs, word.len() == 1))
}

fn is_range_dash(c: char) -> bool {
    matches!(c, '-' | '–' | '—' | '‑' | '‐' | '~')
}

/// Reads a number (digits with an optional decimal part) at `i`.
fn number_at(s: &str, i: usize) -> Option<(f64, usize)> {
    let bytes = s.as_bytes();
    let mut j = i;
    while j < bytes.len() && bytes[j].is_ascii_digit() {
        j += 1;
    }
    if j == i {
        return word_number_at(s, i);
    }
    if j + 1 < bytes.len() && bytes[j] == b'.' && bytes[j + 1].is_ascii_digit() {
        j += 1;
        while j < bytes.len() && bytes[j].is_ascii_digit() {
            j += 1;
        }
    }
    // Numbers glued to letters other than a unit (e.g. "us-east-1a") are not durations.
    s[i..j].parse().ok().map(|n| (n, j))
}

fn word_number_at(s: &str, i: usize) -> Option<(f64, usize)> {
    if i > 0
        && s[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric)
    {
        return None;
    }
    let end = s[i..]
        .find(|c: char| !c.is_ascii_alphabetic())
        .map_or(s.len(), |k| i + k);
    let word = s[i..end].to_ascii_lowercase();
    NUMBER_WORDS
        .iter()
        .find(|(w, _)| *w == word)
        .map(|&(_, n)| (n, end))
}

fn skip_spaces(s: &str, i: usize) -> usize {
    s.len() - s[i..].trim_start_matches([' ', '\t']).len()
}

/// Reads a unit word at `i`, returning seconds per unit and the end.
fn unit_at(s: &str, i: usize, touching: bool) -> Option<(u64, usize)> {
    let end = s[i..]
        .find(|c: char| !c.is_ascii_alphabetic())
        .map_or(s.len(), |k| i + k);
    let (secs, must_touch) = unit(&s[i..end])?;
    if must_touch && !touching {
        return None;
    }
    Some((secs, end))
}

/// Parses "N unit" or "N-M unit" starting at `i`. Returns seconds of the
/// upper bound and the end.
fn quantity_at(s: &str, i: usize) -> Option<(u64, usize)> {
    let (first, mut j) = number_at(s, i)?;
    let mut upper = first;
    // A range: "30-60", "1–4", "2 to 6".
    let after = skip_spaces(s, j);
    let dash = s[after..].chars().next().filter(|&c| is_range_dash(c));
    let to = s[after..].starts_with("to ").then_some(after + 3);
    let range_start = match (dash, to) {
        (Some(c), _) => Some(skip_spaces(s, after + c.len_utf8())),
        (None, Some(k)) => Some(skip_spaces(s, k)),
        _ => None,
    };
    if let Some(k) = range_start
        && let Some((second, k2)) = number_at(s, k)
        && second >= first
    {
        upper = second;
        j = k2;
    }
    // The unit: touching ("5m"), after spaces ("5 minutes") or a hyphen ("12-hour").
    let touching = s[j..].starts_with(|c: char| c.is_ascii_alphabetic());
    let mut k = skip_spaces(s, j);
    if !touching && s[k..].starts_with(['-', '‑']) {
        k += s[k..].chars().next().map_or(1, char::len_utf8);
    }
    let (secs, end) = unit_at(s, k, touching)?;
    let total = (upper * secs as f64).round();
    // Longer than a runbook accepts is not a duration the plan meant.
    (0.0..=MAX.secs() as f64)
        .contains(&total)
        .then_some((total as u64, end))
}

/// The first duration in `text`; a compound like "1h 30m" is summed.
pub fn find(text: &str) -> Option<Found> {
    find_starting_by(text, text.len())
}

/// The first duration in `text` that starts at or before byte `limit`:
/// callers that only accept one near the start need not scan the rest.
fn find_starting_by(text: &str, limit: usize) -> Option<Found> {
    let mut i = 0;
    while i < text.len() && i <= limit {
        let c = text[i..].chars().next()?;
        let starts_word = i == 0
            || !text[..i]
                .chars()
                .next_back()
                .is_some_and(|p| p.is_ascii_alphanumeric() || p == '.');
        if starts_word
            && (c.is_ascii_digit() || c.is_ascii_alphabetic())
            && let Some((mut secs, mut end)) = quantity_at(text, i)
        {
            // "1h 30m", "2 hours 15 minutes"
            while let Some((more, next)) = quantity_at(text, skip_spaces(text, end)) {
                secs = secs.saturating_add(more);
                end = next;
            }
            return Some(Found {
                upper: HumanDuration::from_secs(secs.min(MAX.secs())),
                start: i,
                end,
            });
        }
        i += c.len_utf8();
    }
    None
}

/// Leading marks and up to this many bytes of words may come before a
/// duration in brackets or after a dash: "(approx. 5 min)".
const LEAD: usize = 8;

/// A duration written in parentheses, like "(5 minutes)" or "(30-60 min)".
pub fn find_parenthesized(text: &str) -> Option<Found> {
    find_enclosed(text, '(', ')')
}

/// The duration a step or phase heading states: "(5-10 minutes)",
/// "[~30m]", or a tail after a dash, "Fail over — 15 min".
pub fn find_in_heading(text: &str) -> Option<Found> {
    find_parenthesized(text)
        .or_else(|| find_enclosed(text, '[', ']'))
        .or_else(|| find_dash_tail(text))
}

/// "Promote — 15 min", "Assess - ~5 minutes": a duration that is all the
/// heading says after its last dash.
fn find_dash_tail(text: &str) -> Option<Found> {
    let dash = text.rfind(['—', '–']).or_else(|| text.rfind(" - "))?;
    let tail_start = dash + text[dash..].chars().next().map_or(1, char::len_utf8);
    let tail = &text[tail_start..];
    let marks = tail.len() - tail.trim_start_matches(['~', '≈', ' ', '-']).len();
    let found = find_starting_by(tail, marks.saturating_add(LEAD))?;
    let before = tail[..found.start].trim_start_matches(['~', '≈', ' ', '-']);
    let after = tail[found.end..].trim_matches([' ', '.', ')', ']']);
    (before.len() <= LEAD && after.is_empty()).then_some(Found {
        upper: found.upper,
        start: dash,
        end: text.len(),
    })
}

/// A duration between `open` and `close`, like "(5 minutes)" or "[~30m]".
fn find_enclosed(text: &str, open_c: char, close_c: char) -> Option<Found> {
    let mut from = 0;
    // The first closer at or after `from`, found once per closer rather than
    // once per opener so a run of unclosed openers stays linear.
    let mut close = 0;
    while let Some(open) = text[from..].find(open_c).map(|k| from + k) {
        if close <= open {
            close = text[open..].find(close_c).map_or(text.len(), |k| open + k);
        }
        let inner = &text[open + 1..close];
        let marks = inner.len() - inner.trim_start_matches(['~', '≈', ' ']).len();
        if let Some(found) = find_starting_by(inner, marks.saturating_add(LEAD))
            && inner[..found.start]
                .trim_start_matches(['~', '≈', ' '])
                .len()
                <= LEAD
        {
            return Some(Found {
                upper: found.upper,
                start: open,
                end: (close + 1).min(text.len()),
            });
        }
        from = open + 1;
    }
    None
}

/// A timing given with a label: "Typical time: 10 minutes", "Duration:
/// 1-2 hours", "Estimated timing: …", "ETA: 5 min". Returns the upper bound.
pub fn find_labelled(text: &str) -> Option<HumanDuration> {
    for line in text.lines() {
        // ASCII lowercasing keeps byte offsets valid for `line`.
        let lower = line.to_ascii_lowercase();
        let Some(label_end) = ["time:", "timing:", "duration:", "eta:", "takes:"]
            .iter()
            .filter_map(|label| lower.find(label).map(|k| k + label.len()))
            .min()
        else {
            continue;
        };
        if let Some(found) = find(&line[label_end.min(line.len())..]) {
            return Some(found.upper);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(text: &str) -> Option<u64> {
        find(text).map(|f| f.upper.secs())
    }

    #[test]
    fn finds_plain_and_ranges() {
        assert_eq!(upper("(5 minutes)"), Some(300));
        assert_eq!(upper("takes 30-60 minutes"), Some(3600));
        assert_eq!(upper("Typically 1–4 hours"), Some(14_400));
        assert_eq!(upper("~3-5 minutes"), Some(300));
        assert_eq!(upper("the 12-hour RTO"), Some(43_200));
        assert_eq!(upper("the 12‑hour RTO"), Some(43_200));
        assert_eq!(upper("1h 30m"), Some(5_400));
        assert_eq!(upper("Up to 1 day"), Some(86_400));
        assert_eq!(upper("2 to 6 hours"), Some(21_600));
        assert_eq!(upper("1.5 hours"), Some(5_400));
        assert_eq!(upper("within an hour"), Some(3_600));
        assert_eq!(upper("90 seconds"), Some(90));
        assert_eq!(upper("12h"), Some(43_200));
    }

    #[test]
    fn ignores_non_durations() {
        assert_eq!(upper("us-east-1"), None);
        assert_eq!(upper("5 m of cable"), None);
        assert_eq!(upper("Ideally 0"), None);
        assert_eq!(upper("minutes–hours"), None);
        assert_eq!(upper("version 2.3"), None);
        assert_eq!(upper("Step 3 scale the service"), None);
    }

    #[test]
    fn never_finds_more_than_a_runbook_accepts() {
        assert_eq!(upper("RTO: 1000000 weeks"), None);
        assert_eq!(upper("RTO: 36525 days 36525 days"), Some(MAX.secs()));
    }

    #[test]
    fn finds_parenthesized_and_labelled() {
        let f = find_parenthesized("Restore database (30-60 minutes)").unwrap();
        assert_eq!(f.upper.secs(), 3600);
        assert_eq!(find_parenthesized("Restore (see step 2) now"), None);
        assert_eq!(
            find_labelled("Typical time: 10 min").map(|d| d.secs()),
            Some(600)
        );
        assert_eq!(find_labelled("no timing"), None);
    }

    #[test]
    fn finds_heading_durations() {
        let secs = |t: &str| find_in_heading(t).map(|f| f.upper.secs());
        assert_eq!(secs("Phase 1: Assess (5-10 minutes)"), Some(600));
        assert_eq!(secs("Phase 2: Fail over — 15 min"), Some(900));
        assert_eq!(secs("Update DNS [~30m]"), Some(1800));
        assert_eq!(secs("Assess - ~5 minutes"), Some(300));
        let f = find_in_heading("Fail over – 15 min").unwrap();
        assert_eq!(&"Fail over – 15 min"[..f.start], "Fail over ");
        // A dash before more words is not a timing.
        assert_eq!(secs("Restore — 15 min after the alarm, then check"), None);
        assert_eq!(secs("Fail over to us-west-2"), None);
        assert_eq!(secs("Step 3 - scale the service"), None);
        assert_eq!(secs("See [runbook] now"), None);
    }
}
