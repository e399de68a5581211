//! Blocks inside a procedure that are detail, never steps: clock timelines
//! ("T+0 Detect", "T+15m Promote") say when things happen in an incident,
//! and decision trees ("If X → do Y", ASCII trees, "Decision: … Yes/No")
//! say which way to go; neither is an action to tick off.

use super::markdown::{Block, BlockKind};
use super::text::words;

/// "T+0", "T + 15m", "T-5": a clock offset from the start of an incident.
pub fn is_clock_offset(text: &str) -> bool {
    let t = text.trim_start_matches(['*', '_', '`', ' ', '|']);
    let mut chars = t.chars();
    matches!(chars.next(), Some('T' | 't'))
        && chars
            .find(|c| *c != ' ')
            .is_some_and(|c| matches!(c, '+' | '-'))
}

/// A branch of a decision: "If the replica lags → restore instead",
/// "Yes: promote", "No → escalate", "Decision: …".
pub fn is_decision(text: &str) -> bool {
    let t = text.trim();
    let first = words(t).into_iter().next().unwrap_or_default();
    let arrow = ["→", "->", "=>", "⇒"].iter().any(|a| t.contains(a));
    (first == "if" && (arrow || t.contains(" then ")))
        || (matches!(first.as_str(), "yes" | "no" | "decision") && (arrow || t.contains(':')))
}

/// Drawing characters of an ASCII or box tree.
fn is_tree_line(line: &str) -> bool {
    let t = line.trim();
    t.is_empty()
        || t.starts_with(['├', '└', '│', '|', '+', '\\', '/'])
        || t.starts_with("--")
        || is_decision(t)
        || t.ends_with('?')
}

/// Whether a block is a timeline or a decision tree.
pub fn is_detail(block: &Block) -> bool {
    match &block.kind {
        BlockKind::List { items, .. } => {
            !items.is_empty()
                && items.iter().all(|i| {
                    let lead = i.lead().map_or("", |(t, _)| t);
                    is_clock_offset(lead) || is_decision(lead)
                })
        }
        BlockKind::Table { rows, .. } => {
            !rows.is_empty()
                && rows
                    .iter()
                    .all(|r| r.first().is_some_and(|c| is_clock_offset(c)))
        }
        BlockKind::Code { text, .. } => {
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            lines
                .iter()
                .any(|l| l.contains(['├', '└']) || is_decision(l))
                && lines.iter().skip(1).all(|l| is_tree_line(l))
        }
        BlockKind::Paragraph(text) => text.lines().all(|l| is_clock_offset(l) || is_decision(l)),
        _ => false,
    }
}

/// Headings of timelines and decision trees.
pub fn is_detail_heading(heading: &str) -> bool {
    let ws = words(heading);
    ws.iter().any(|w| {
        matches!(
            w.as_str(),
            "timeline" | "timelines" | "decision" | "decisions" | "flowchart"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_timelines_and_decisions() {
        assert!(is_clock_offset("T+0: detect"));
        assert!(is_clock_offset("**T + 15m** promote"));
        assert!(!is_clock_offset("Take a snapshot"));
        assert!(is_decision("If the replica lags → restore"));
        assert!(is_decision("If healthy then promote"));
        assert!(is_decision("No -> escalate"));
        assert!(!is_decision("If necessary, scale the service"));
        assert!(!is_decision("Notify the team"));
        let block = |t: &str| super::super::markdown::parse(t).remove(0);
        assert!(is_detail(&block("- T+0 Detect\n- T+15m Promote\n")));
        assert!(!is_detail(&block("1. T+0 Detect\n2. Promote\n")));
        assert!(is_detail(&block(
            "| Time | Action |\n|---|---|\n| T+0 | Detect |\n| T+5m | Page |\n"
        )));
        assert!(is_detail(&block(
            "```\nReplica healthy?\n├── Yes → promote\n└── No → restore\n```\n"
        )));
        assert!(!is_detail(&block(
            "```\naws rds promote-read-replica\n```\n"
        )));
    }
}
