//! The plan's own lines, for quoting verbatim in comments where the runbook
//! does not carry their text (a "Steps:" label, a "Step 3:" prefix dropped
//! from a title, a section kept in the appendix).

/// The normalised plan, by 1-based line number.
pub struct SourceLines<'t> {
    lines: Vec<&'t str>,
}

impl<'t> SourceLines<'t> {
    pub fn new(text: &'t str) -> Self {
        Self {
            lines: text.lines().collect(),
        }
    }

    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Line `n` (1-based); empty past the end.
    pub fn get(&self, n: usize) -> &'t str {
        n.checked_sub(1)
            .and_then(|i| self.lines.get(i))
            .copied()
            .unwrap_or("")
    }

    /// `# line N: <the line as written>`.
    pub fn quote(&self, n: usize) -> String {
        format!("# line {n}: {}", comment_safe(self.get(n).trim()))
    }

    /// The range `from..=to` without the blank lines and rules (`---`)
    /// that end it; None when nothing is left.
    pub fn trimmed(&self, from: usize, to: usize) -> Option<(usize, usize)> {
        let to = to.min(self.len());
        let mut end = to;
        while end >= from && end > 0 && is_filler(self.get(end)) {
            end -= 1;
        }
        let mut start = from.max(1);
        while start <= end && is_filler(self.get(start)) {
            start += 1;
        }
        (start <= end).then_some((start, end))
    }

    /// Whether line `n`'s words appear in `texts` (a step's title and
    /// detail), markup aside: then quoting it would only repeat them.
    pub fn carried_by(&self, n: usize, texts: &[&str]) -> bool {
        let line = self.get(n).trim();
        // Most lines are their step's title as written: no allocation then.
        let plain = strip_block_markup(line).trim_end_matches(['.', ':', '…']);
        if !line.starts_with('|') && texts.iter().any(|t| t.contains(plain)) {
            return true;
        }
        let texts: Vec<String> = texts.iter().map(|t| canonical(t)).collect();
        // A table row is carried when each of its cells is.
        let parts: Vec<&str> = match line.strip_prefix('|') {
            Some(row) => row.trim_end_matches('|').split('|').collect(),
            None => vec![line],
        };
        parts.iter().all(|part| {
            let plain = canonical(strip_block_markup(part));
            let plain = plain.trim_end_matches(['.', ':', '…']);
            plain.is_empty() || texts.iter().any(|t| t.contains(plain))
        })
    }
}

fn is_filler(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || (t.len() >= 3 && t.chars().all(|c| matches!(c, '-' | '*' | '_' | ' ')))
}

/// Text fit for a TOML comment: control characters (other than tab) are
/// not allowed there. The importer's normalisation already drops them;
/// this keeps the emitter safe on its own.
pub fn comment_safe(text: &str) -> std::borrow::Cow<'_, str> {
    if text.chars().any(|c| c.is_control() && c != '\t') {
        text.chars()
            .map(|c| {
                if c.is_control() && c != '\t' {
                    '\u{fffd}'
                } else {
                    c
                }
            })
            .collect::<String>()
            .into()
    } else {
        text.into()
    }
}

/// A line without heading hashes, quote marks, list markers and task boxes.
fn strip_block_markup(line: &str) -> &str {
    let mut t = line.trim();
    loop {
        let before = t;
        t = t.trim_start_matches(['#', '>']).trim_start();
        for marker in ["- ", "* ", "+ ", "[ ] ", "[x] ", "[X] "] {
            t = t.strip_prefix(marker).unwrap_or(t);
        }
        // Only the digits at the start are looked at: searching the whole
        // rest for the '.' would rescan it once per nested marker.
        let digits = t.bytes().take(4).take_while(u8::is_ascii_digit).count();
        if (1..=3).contains(&digits)
            && let Some(rest) = t[digits..].strip_prefix(['.', ')'])
            && (rest.is_empty() || rest.starts_with(' '))
        {
            t = rest.trim_start();
        }
        if t == before {
            return t;
        }
    }
}

/// Whitespace collapsed, emphasis and code-span marks dropped.
fn canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match c {
            '*' | '`' => {}
            c if c.is_whitespace() => space = !out.is_empty(),
            c => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_trims() {
        let src = SourceLines::new("## Steps\n\n1. **Restore** it:\n\n---\n");
        assert_eq!(src.quote(1), "# line 1: ## Steps");
        assert_eq!(src.trimmed(1, 5), Some((1, 3)));
        assert_eq!(src.trimmed(4, 5), None);
        assert!(src.carried_by(3, &["Restore it"]));
        assert!(!src.carried_by(1, &["Restore it"]));
        let row = SourceLines::new("| Resync | 2 hours |");
        assert!(row.carried_by(1, &["Resync", "Duration: 2 hours"]));
        assert!(!row.carried_by(1, &["Resync"]));
        assert_eq!(comment_safe("a\u{1b}b\tc"), "a\u{fffd}b\tc");
    }
}
