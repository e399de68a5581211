//! Commands of reference and appendix sections, attached to the steps that
//! point at them: "run the restore command in Appendix B", "use the command
//! in §7.2", "see the PITR command below", the command's operation named
//! (`promote-read-replica`), or the reference step's title quoted. A step
//! that only names the same resource or shares some words points at
//! nothing: it keeps no command, and the report says so.

use std::collections::HashSet;

use super::draft::{Command, DraftScenario, ScenarioOrigin};
use super::report::Notes;
use super::text::{self, strip_section_number, words};
use crate::runbook::aws_cli::parse_text;

/// A step of a reference section that has commands.
pub struct Reference {
    /// "appendix b", "7.2": how the plan can point at its section.
    places: Vec<String>,
    /// Its step title and sub-heading, lowercase, as a step may quote them.
    titles: Vec<String>,
    /// The aws operations its commands run (`promote-read-replica`).
    operations: Vec<String>,
    /// Its telling words, to tell apart the commands of one place.
    words: HashSet<String>,
    line: usize,
    section: String,
    commands: Vec<Command>,
}

/// The reference steps of the scenarios drafted from reference sections;
/// `headings` are each draft's headings with their lines, section first.
pub fn references<'a>(
    drafts: impl Iterator<Item = (&'a DraftScenario, &'a [(String, usize)])>,
) -> Vec<Reference> {
    let mut out = Vec::new();
    for (draft, headings) in drafts.filter(|(d, _)| d.origin == ScenarioOrigin::Reference) {
        for step in draft.steps.iter().filter(|s| !s.commands.is_empty()) {
            // The section's heading and the sub-heading the step is under.
            let own = headings
                .iter()
                .skip(1)
                .rfind(|(_, line)| *line <= step.line);
            let heads: Vec<&str> = headings
                .first()
                .into_iter()
                .chain(own)
                .map(|(h, _)| h.as_str())
                .collect();
            let operations: Vec<String> = step
                .commands
                .iter()
                .flat_map(|c| parse_text(&c.text))
                .map(|c| c.operation)
                .filter(|op| op.contains('-'))
                .collect();
            let mut titles = vec![step.title.to_lowercase()];
            titles.extend(own.map(|(h, _)| strip_section_number(h).to_lowercase()));
            let mut named = titles.join(" ");
            for op in &operations {
                named.push(' ');
                named.push_str(op);
            }
            out.push(Reference {
                places: heads.iter().flat_map(|h| places(h)).collect(),
                titles,
                operations,
                words: telling_words(&named),
                // Where its commands are, whatever heads the step.
                line: step.commands.first().map_or(step.line, |c| c.line),
                section: draft.title.clone(),
                commands: step.commands.clone(),
            });
        }
    }
    out
}

/// How a heading can be pointed at: "appendix b" for "Appendix B: …", and
/// its number ("7.2") for "7.2 Restore" or "7) Appendix".
fn places(heading: &str) -> Vec<String> {
    let lower = heading.to_lowercase();
    let mut out = Vec::new();
    let tokens: Vec<&str> = lower.split_whitespace().collect();
    for pair in tokens.windows(2) {
        if let [first, label] = pair
            && *first == "appendix"
        {
            let label = label.trim_end_matches([':', '.', ')', '-', '–', '—']);
            if !label.is_empty() && label.len() <= 3 && label.chars().all(char::is_alphanumeric) {
                out.push(format!("appendix {label}"));
            }
        }
    }
    let number = tokens
        .first()
        .map(|t| t.trim_end_matches(['.', ')', ':']))
        .unwrap_or("");
    if number.starts_with(|c: char| c.is_ascii_digit())
        && number.chars().all(|c| c.is_ascii_digit() || c == '.')
    {
        out.push(number.to_owned());
    }
    out
}

/// Words that say nothing of which command is meant.
const STOPWORDS: &str = "the and for with within after from into new use via any all are this \
    that then when your our its aws step run see use command commands script below above \
    appendix section reference following shown listed given example";

/// Lowercase words of three letters or more that are not [`STOPWORDS`] or
/// numbers; "point-in-time" also reads as "pitr".
fn telling_words(text: &str) -> HashSet<String> {
    let lower = text
        .to_lowercase()
        .replace("point-in-time", "point-in-time pitr");
    words(&lower)
        .into_iter()
        .filter(|w| {
            w.len() >= 3 && !text::listed(STOPWORDS, w) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect()
}

/// Why a step points at a reference, or `None`.
fn pointer(step_text: &str, step_line: usize, r: &Reference) -> Option<String> {
    let lower = step_text.to_lowercase();
    for place in &r.places {
        let phrases: Vec<String> = if place.starts_with("appendix") {
            vec![place.clone()]
        } else {
            vec![
                format!("§{place}"),
                format!("§ {place}"),
                format!("section {place}"),
            ]
        };
        if let Some(phrase) = phrases.iter().find(|p| has_phrase(&lower, p)) {
            return Some(format!("it points at {phrase}"));
        }
    }
    if let Some(op) = r.operations.iter().find(|op| has_phrase(&lower, op)) {
        return Some(format!("it names `{op}`"));
    }
    for title in r
        .titles
        .iter()
        .filter(|t| t.split_whitespace().count() >= 2)
    {
        let quoted = ["\"", "`", "*", "'"]
            .iter()
            .any(|q| lower.contains(&format!("{q}{title}{q}")));
        if quoted {
            return Some(format!("it quotes \"{title}\""));
        }
    }
    // "see the PITR command below": a command below it, named by a word.
    if r.line > step_line {
        for sentence in lower.split(['.', '\n', ';']) {
            let pointing = has_phrase(sentence, "below")
                || has_phrase(sentence, "in the appendix")
                || has_phrase(sentence, "in the reference");
            let of_a_command = ["command", "commands", "script", "cli"]
                .iter()
                .any(|w| has_phrase(sentence, w));
            if pointing && of_a_command {
                let shared: Vec<String> = {
                    let mut s: Vec<String> = telling_words(sentence)
                        .intersection(&r.words)
                        .cloned()
                        .collect();
                    s.sort();
                    s
                };
                if !shared.is_empty() {
                    return Some(format!(
                        "it points at the {} command below",
                        shared.join(" ")
                    ));
                }
            }
        }
    }
    None
}

/// Whether `phrase` occurs in `text` between word boundaries.
fn has_phrase(text: &str, phrase: &str) -> bool {
    let boundary = |c: Option<char>| c.is_none_or(|c| !c.is_alphanumeric() && c != '-');
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find(phrase)) {
        let start = from + at;
        let end = start + phrase.len();
        // A section number is not followed by more of a number ("7.21").
        let after = text.get(end..).and_then(|t| t.chars().next());
        let after_ok = boundary(after) && !(after == Some('.') && followed_by_digit(text, end));
        if boundary(text.get(..start).and_then(|t| t.chars().next_back())) && after_ok {
            return true;
        }
        from = end;
    }
    false
}

fn followed_by_digit(text: &str, at: usize) -> bool {
    text.get(at + 1..)
        .and_then(|t| t.chars().next())
        .is_some_and(|c| c.is_ascii_digit())
}

/// Steps without commands that point at a reference step take its
/// commands; a step pointing at several (a place with many commands) takes
/// the one its words name, or none when that is not one.
pub fn attach<'a>(
    references: &[Reference],
    scenarios: impl Iterator<Item = &'a mut DraftScenario>,
    notes: &mut Notes,
) {
    if references.is_empty() {
        return;
    }
    for scenario in scenarios.filter(|d| d.origin != ScenarioOrigin::Reference) {
        for step in scenario.steps.iter_mut().filter(|s| s.commands.is_empty()) {
            let text = step.all_text();
            let pointed: Vec<(&Reference, String)> = references
                .iter()
                .filter_map(|r| pointer(&text, step.line, r).map(|why| (r, why)))
                .collect();
            let chosen = match pointed.as_slice() {
                [] => continue,
                [one] => Some(one),
                many => {
                    let step_words = telling_words(&text);
                    let score = |r: &Reference| r.words.intersection(&step_words).count();
                    let best = many.iter().map(|(r, _)| score(r)).max().unwrap_or(0);
                    let top: Vec<_> = many.iter().filter(|(r, _)| score(r) == best).collect();
                    match top.as_slice() {
                        [one] if best > 0 => Some(*one),
                        _ => None,
                    }
                }
            };
            let Some((r, why)) = chosen else {
                let lines: Vec<String> = pointed.iter().map(|(r, _)| r.line.to_string()).collect();
                notes.check(
                    Some(step.line),
                    format!(
                        "step \"{}\" (line {}) of \"{}\" points at reference commands on lines {}, and its words do not say which; add the command to the step",
                        step.title,
                        step.line,
                        scenario.title,
                        lines.join(", ")
                    ),
                );
                continue;
            };
            for c in &r.commands {
                notes.check(
                    Some(step.line),
                    format!(
                        "step \"{}\" (line {}) of \"{}\" got the command from line {} of \"{}\" ({why}); check it fits",
                        step.title, step.line, scenario.title, c.line, r.section
                    ),
                );
            }
            step.commands.extend(r.commands.iter().cloned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_of_headings() {
        assert_eq!(places("Appendix B: Commands"), ["appendix b"]);
        assert_eq!(places("7.2 Restore commands"), ["7.2"]);
        assert_eq!(places("7) Appendix: Commands"), ["7"]);
        assert!(places("Appendix: Example Commands").is_empty());
    }

    #[test]
    fn phrases_need_word_boundaries() {
        assert!(has_phrase("see §7.2.", "§7.2"));
        assert!(!has_phrase("see §7.21", "§7.2"));
        assert!(!has_phrase("see §7.2.1", "§7.2"));
        assert!(has_phrase("in appendix b, run", "appendix b"));
        assert!(!has_phrase("appendix bc", "appendix b"));
        assert!(!has_phrase(
            "x-promote-read-replica",
            "promote-read-replica"
        ));
    }
}
