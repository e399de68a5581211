//! Plan text that maps to nothing in the runbook (architecture diagrams,
//! Terraform, costs, contacts, …), kept verbatim as comments at the end of
//! the TOML: the console ignores it, a person editing the file still has it.

use std::fmt::Write;

use super::source::{SourceLines, comment_safe};

/// A run of plan lines kept in the appendix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Kept {
    /// What it is: `"Terraform Configuration"`, `code block in "Overview"`.
    pub label: String,
    pub from: usize,
    pub to: usize,
}

/// The appendix as TOML comments, in plan order; empty when nothing is kept.
pub fn render(kept: &[Kept], source_name: &str, lines: &SourceLines<'_>) -> String {
    if kept.is_empty() {
        return String::new();
    }
    let mut out = String::new();
    out.push('\n');
    let _ = writeln!(
        out,
        "# ════ Appendix ════════════════════════════════════════════════════════\n\
         # Parts of {} that are not procedures, kept verbatim so nothing is lost.\n\
         # They are comments: the console ignores them.",
        comment_safe(source_name)
    );
    for k in kept {
        out.push('\n');
        let _ = writeln!(
            out,
            "# ── Kept from the plan, not imported: {} ({}) ──",
            comment_safe(&k.label),
            range_text(k.from, k.to)
        );
        for n in k.from..=k.to {
            let line = lines.get(n);
            if line.trim().is_empty() {
                out.push_str("#\n");
            } else {
                let _ = writeln!(out, "#   {}", comment_safe(line));
            }
        }
    }
    out
}

/// "line 7" or "lines 35–163".
pub fn range_text(from: usize, to: usize) -> String {
    if from == to {
        format!("line {from}")
    } else {
        format!("lines {from}–{to}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_verbatim_comments() {
        let lines = SourceLines::new("## Costs\n\nAbout $5.\n");
        let kept = [Kept {
            label: "\"Costs\"".into(),
            from: 1,
            to: 3,
        }];
        let text = render(&kept, "p.md", &lines);
        assert!(text.contains("# ── Kept from the plan, not imported: \"Costs\" (lines 1–3) ──\n#   ## Costs\n#\n#   About $5.\n"));
        let doc = format!("a = 1\n{text}");
        assert!(doc.parse::<toml::Table>().is_ok());
    }
}
