//! Recovery objectives as plans state them: "RTO: 12 hours", "**RTO
//! (Recovery Time Objective):** 15 minutes", "Recovery Point Objective
//! (RPO): Ideally 0; …", "within RTO ≤ 12 hours", and tables with RTO/RPO
//! columns.

use super::durations;
use super::markdown::{Block, BlockKind};
use crate::runbook::duration::HumanDuration;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Which {
    Rto,
    Rpo,
}

impl Which {
    pub fn name(self) -> &'static str {
        match self {
            Which::Rto => "RTO",
            Which::Rpo => "RPO",
        }
    }
}

/// An objective stated in the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stated {
    pub which: Which,
    pub value: HumanDuration,
    pub line: usize,
    /// The words the value was read from.
    pub text: String,
    /// No duration was given, only "0" or "zero": worth a second look.
    pub vague: bool,
}

const LABELS: &[(&str, Which)] = &[
    ("recovery time objective", Which::Rto),
    ("recovery point objective", Which::Rpo),
    ("rto", Which::Rto),
    ("rpo", Which::Rpo),
];

fn is_word_boundary(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// Objectives stated on one line of text.
pub fn scan_line(line: &str, line_no: usize, out: &mut Vec<Stated>) {
    let lower = line.to_ascii_lowercase();
    if !lower.contains("rto")
        && !lower.contains("rpo")
        && !lower.contains("recovery time")
        && !lower.contains("recovery point")
    {
        return;
    }
    let mut hits: Vec<(usize, usize, Which)> = Vec::new();
    for &(label, which) in LABELS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(label).map(|k| from + k) {
            let end = at + label.len();
            from = end;
            let after_ok = lower[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            if is_word_boundary(&lower, at) && after_ok {
                hits.push((at, end, which));
            }
        }
    }
    hits.sort();
    let mut consumed = 0;
    for (at, end, which) in hits {
        if at < consumed {
            continue;
        }
        let value_start = skip_label_tail(&lower, end);
        consumed = value_start;
        let clause_end = lower[value_start..]
            .find([';', ',', '\n'])
            .or_else(|| lower[value_start..].find(". "))
            .map_or(lower.len(), |k| value_start + k);
        let clause = &line[value_start..clause_end];
        let found = durations::find(clause).filter(|f| f.start <= 30);
        let (value, vague) = match found {
            Some(f) => (f.upper, false),
            None if zero_stated(&lower[value_start..clause_end]) => (HumanDuration(0), true),
            None => continue,
        };
        out.push(Stated {
            which,
            value,
            line: line_no,
            text: clause.trim().trim_end_matches('.').to_owned(),
            vague,
        });
    }
}

/// Skips what follows a label before its value: "(RTO)", ":", "≤", "of".
fn skip_label_tail(lower: &str, mut i: usize) -> usize {
    loop {
        let rest = &lower[i..];
        let trimmed =
            rest.trim_start_matches([' ', ':', '*', '=', '<', '>', '~', '≤', '≥', '-', '–']);
        let mut next = i + (rest.len() - trimmed.len());
        if trimmed.starts_with('(')
            && let Some(close) = trimmed.find(')')
            && close < 40
            && !trimmed[..close].contains(|c: char| c.is_ascii_digit())
        {
            next += close + 1;
        } else {
            for word in ["of ", "is ", "target ", "targets ", "objective "] {
                if trimmed.starts_with(word) {
                    next += word.len();
                    break;
                }
            }
        }
        if next == i {
            return i;
        }
        i = next;
    }
}

fn zero_stated(clause: &str) -> bool {
    clause
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|w| w == "0" || w == "zero" || w == "none")
        || clause.contains("no data loss")
}

/// Objectives stated in blocks: paragraphs, headings and list items.
pub fn scan_blocks(blocks: &[&Block], out: &mut Vec<Stated>) {
    for block in blocks {
        scan_block(block, out);
    }
}

fn scan_block(block: &Block, out: &mut Vec<Stated>) {
    match &block.kind {
        BlockKind::Paragraph(text) | BlockKind::Heading { text, .. } => {
            for (i, line) in text.lines().enumerate() {
                scan_line(line, block.line + i, out);
            }
        }
        BlockKind::List { items, .. } => {
            for block in items.iter().flat_map(|i| &i.blocks) {
                scan_block(block, out);
            }
        }
        // "| RTO | 90 minutes |" rows read like "RTO: 90 minutes".
        BlockKind::Table { rows, .. } => {
            for (n, row) in rows.iter().enumerate() {
                if let Some((first, rest)) = row.split_first() {
                    scan_line(
                        &format!("{first}: {}", rest.join(" ")),
                        block.line + 2 + n,
                        out,
                    );
                }
            }
        }
        _ => {}
    }
}

/// One row of a table with RTO/RPO columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRow {
    /// The row's name (first non-objective cell), e.g. "Category 1: Database".
    pub key: String,
    pub line: usize,
    pub rto: Option<(HumanDuration, bool)>,
    pub rpo: Option<(HumanDuration, bool)>,
}

impl TableRow {
    /// The row's RTO or RPO, and whether it was only a vague "0".
    pub fn value(&self, which: Which) -> Option<(HumanDuration, bool)> {
        match which {
            Which::Rto => self.rto,
            Which::Rpo => self.rpo,
        }
    }
}

/// Rows of tables whose header names RTO or RPO columns.
pub fn scan_tables(blocks: &[&Block]) -> Vec<TableRow> {
    let mut rows_out = Vec::new();
    for block in blocks {
        let BlockKind::Table { head, rows } = &block.kind else {
            continue;
        };
        let column = |which: Which| {
            head.iter().position(|h| {
                let h = h.to_ascii_lowercase();
                match which {
                    Which::Rto => h.contains("rto") || h.contains("recovery time"),
                    Which::Rpo => h.contains("rpo") || h.contains("recovery point"),
                }
            })
        };
        let (rto_col, rpo_col) = (column(Which::Rto), column(Which::Rpo));
        if rto_col.is_none() && rpo_col.is_none() {
            continue;
        }
        let key_col = (0..head.len()).find(|&i| Some(i) != rto_col && Some(i) != rpo_col);
        for (n, row) in rows.iter().enumerate() {
            let cell = |col: Option<usize>| {
                let text = row.get(col?)?;
                match durations::find(text) {
                    Some(f) => Some((f.upper, false)),
                    None => {
                        zero_stated(&text.to_ascii_lowercase()).then_some((HumanDuration(0), true))
                    }
                }
            };
            rows_out.push(TableRow {
                key: key_col
                    .and_then(|k| row.get(k))
                    .cloned()
                    .unwrap_or_default(),
                // Header and delimiter rows come first.
                line: block.line + 2 + n,
                rto: cell(rto_col),
                rpo: cell(rpo_col),
            });
        }
    }
    rows_out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(line: &str) -> Vec<(Which, u64, bool)> {
        let mut out = Vec::new();
        scan_line(line, 1, &mut out);
        out.into_iter()
            .map(|s| (s.which, s.value.secs(), s.vague))
            .collect()
    }

    #[test]
    fn reads_objective_lines() {
        assert_eq!(scan("RTO: 12 hours"), vec![(Which::Rto, 43_200, false)]);
        assert_eq!(
            scan("RTO (Recovery Time Objective): 15 minutes"),
            vec![(Which::Rto, 900, false)]
        );
        assert_eq!(
            scan("Recovery Time Objective (RTO): 12 hours"),
            vec![(Which::Rto, 43_200, false)]
        );
        assert_eq!(
            scan(
                "Recovery Point Objective (RPO): Ideally 0; several hours of data loss may be acceptable"
            ),
            vec![(Which::Rpo, 0, true)]
        );
        assert_eq!(scan("RTO: 3-5 minutes"), vec![(Which::Rto, 300, false)]);
        assert_eq!(
            scan("RPO: Up to 1 hour (snapshot frequency)"),
            vec![(Which::Rpo, 3600, false)]
        );
        assert_eq!(
            scan(
                "Goal: Restore service with RPO minutes–hours (depending on PITR), within RTO ≤ 12 hours."
            ),
            vec![(Which::Rto, 43_200, false)]
        );
        assert_eq!(
            scan("RTO: 1 hour, RPO: 15 minutes"),
            vec![(Which::Rto, 3600, false), (Which::Rpo, 900, false)]
        );
        assert_eq!(scan("Measure RTO/RPO"), vec![]);
        assert_eq!(scan("may exceed the 12-hour RTO"), vec![]);
        assert_eq!(scan("Reporting on sprout growth"), vec![]);
    }

    #[test]
    fn reads_tables() {
        let blocks = super::super::markdown::parse(
            "| Category | RTO | RPO |\n|---|---|---|\n| Category 1: Database | 1 hour | 15 min |\n| Category 2 | 4-8 hours | none |\n",
        );
        let refs: Vec<&Block> = blocks.iter().collect();
        let rows = scan_tables(&refs);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].key, "Category 1: Database");
        assert_eq!(rows[0].rto, Some((HumanDuration(3600), false)));
        assert_eq!(rows[1].rto, Some((HumanDuration(28_800), false)));
        assert_eq!(rows[1].rpo, Some((HumanDuration(0), true)));
        assert_eq!(rows[1].line, 4);
    }
}
