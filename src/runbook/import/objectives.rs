//! Recovery objectives as plans state them: "RTO: 12 hours", "**RTO
//! (Recovery Time Objective):** 15 minutes", "Recovery Time: < 1 hour",
//! "Max data loss: 5 minutes", "within RTO ≤ 12 hours", and tables with
//! RTO/RPO columns. Read with judgment: "Ideally 0; several hours may be
//! acceptable" is a tolerance of hours, and the objectives of a future or
//! target mode that is not in effect are marked so they are not taken.

use super::durations;
use super::markdown::{Block, BlockKind};
use super::text::{listed, words};
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
    /// The ideal stated before the tolerance the value was read from
    /// ("Ideally 0; several hours may be acceptable").
    pub ideal: Option<HumanDuration>,
    /// Stated for a future, planned or target mode not in effect.
    pub future: bool,
}

impl Stated {
    /// How the value was read, when it took judgment: "RPO read as 4h from
    /// \"several hours may be acceptable\" (ideal 0)".
    pub fn reading(&self) -> Option<String> {
        let ideal = self.ideal?;
        let ideal = if ideal.secs() == 0 {
            "0".to_owned()
        } else {
            ideal.to_string()
        };
        Some(format!(
            "{} read as {} from \"{}\" (ideal {ideal})",
            self.which.name(),
            self.value,
            self.text
        ))
    }
}

/// Labels of objectives; the plain-word ones ("recovery time", "data
/// loss") count only when a value follows a colon or comparison.
const LABELS: &[(&str, Which, bool)] = &[
    ("recovery time objective", Which::Rto, true),
    ("recovery point objective", Which::Rpo, true),
    ("rto", Which::Rto, true),
    ("rpo", Which::Rpo, true),
    ("recovery time", Which::Rto, false),
    ("recovery point", Which::Rpo, false),
    ("data loss", Which::Rpo, false),
];

fn is_word_boundary(text: &str, at: usize) -> bool {
    text[..at]
        .chars()
        .next_back()
        .is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// Words that put an objective in a mode not in effect yet.
const FUTURE_WORDS: &str = "future planned roadmap proposed aspirational eventually once \
    to-be tobe";

/// Operations that are planned or unplanned by kind.
const PLANNED_OPERATIONS: &str = "switchover switchovers failover failovers failback \
    maintenance outage outages downtime cutover drill drills test tests exercise event events";

/// Whether text speaks of a future or target mode: "future", "target
/// state", "planned", "Phase 2", "once replication is in place".
pub fn is_future(text: &str) -> bool {
    let lower = text.to_lowercase();
    let ws = words(&lower);
    let later_phase = |n: &str| {
        n.parse::<u32>().is_ok_and(|n| n >= 2) || matches!(n, "ii" | "iii" | "two" | "three")
    };
    let phase_two = ws
        .windows(2)
        .any(|w| matches!(w, [p, n] if p == "phase" && later_phase(n)));
    // "Planned switchover", "planned maintenance": the kind of operation
    // (planned vs. unplanned), not a mode to come.
    let operation_kind = |i: usize| {
        ws.get(i).is_some_and(|w| w == "planned")
            && ws.get(i + 1).is_some_and(|n| listed(PLANNED_OPERATIONS, n))
    };
    phase_two
        || ws
            .iter()
            .enumerate()
            .any(|(i, w)| listed(FUTURE_WORDS, w) && !operation_kind(i))
        || lower.contains("target state")
        || lower.contains("target-state")
        || lower.contains("not yet")
        || (lower.contains("in place") && (ws.iter().any(|w| w == "when" || w == "after")))
}

fn says_current(text: &str) -> bool {
    words(text).iter().any(|w| {
        matches!(
            w.as_str(),
            "current" | "currently" | "today" | "now" | "actual"
        )
    })
}

/// "several hours" → "4 hours": the largest figure a vague quantity
/// allows, so a tolerance reads as a duration.
fn quantified(lower: &str) -> String {
    let mut out = format!(" {lower}");
    for (vague, n) in [
        (" a couple of ", " 2 "),
        (" couple of ", " 2 "),
        (" a few ", " 3 "),
        (" few ", " 3 "),
        (" several ", " 4 "),
    ] {
        out = out.replace(vague, n);
    }
    out.split_off(1)
}

/// A duration near the start of a clause, vague quantities read.
fn clause_duration(clause: &str) -> Option<HumanDuration> {
    durations::find(&quantified(&clause.to_ascii_lowercase()))
        .filter(|f| f.start <= 30)
        .map(|f| f.upper)
}

/// Words that make a value an ideal rather than a commitment.
const IDEAL_WORDS: &str = "ideal ideally aim aiming preferably preferred aspire best";
/// Words that state what is acceptable.
const TOLERANCE_WORDS: &str = "acceptable tolerable tolerated tolerate allowed permitted \
    worst maximum max most may might could";

/// The largest tolerance stated in clauses after an ideal: "several hours
/// of data loss may be acceptable" → 4h.
fn tolerance(rest: &str) -> Option<(HumanDuration, String)> {
    rest.split([';', ',', '.'])
        .filter(|c| {
            let lower = c.to_ascii_lowercase();
            words(&lower).iter().any(|w| listed(TOLERANCE_WORDS, w)) || lower.contains("up to")
        })
        .filter_map(|c| {
            let lower = quantified(&c.to_ascii_lowercase());
            durations::find(&lower).map(|f| (f.upper, c.trim().to_owned()))
        })
        .max_by_key(|(v, _)| *v)
}

/// Objectives stated on one line of text.
pub fn scan_line(line: &str, line_no: usize, out: &mut Vec<Stated>) {
    let lower = line.to_ascii_lowercase();
    if !lower.contains("rto")
        && !lower.contains("rpo")
        && !lower.contains("recovery time")
        && !lower.contains("recovery point")
        && !lower.contains("data loss")
    {
        return;
    }
    let mut hits: Vec<(usize, usize, Which, bool)> = Vec::new();
    for &(label, which, strong) in LABELS {
        let mut from = 0;
        while let Some(at) = lower[from..].find(label).map(|k| from + k) {
            let end = at + label.len();
            from = end;
            let after_ok = lower[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
            if is_word_boundary(&lower, at) && after_ok {
                hits.push((at, end, which, strong));
            }
        }
    }
    // A plain-word label needs a colon or comparison before its value.
    hits.retain(|&(_, end, _, strong)| {
        strong || lower[end..skip_label_tail(&lower, end)].contains([':', '<', '≤', '='])
    });
    // At one place the longest label wins: "recovery time objective".
    hits.sort_by_key(|&(at, end, ..)| (at, std::cmp::Reverse(end)));
    let line_lead_end = hits.first().map_or(0, |h| h.0);
    let line_future = is_future(&lower[..line_lead_end]);
    let mut consumed = 0;
    let mut lead_start = 0;
    for (i, &(at, end, which, _)) in hits.iter().enumerate() {
        if at < consumed {
            continue;
        }
        let value_start = skip_label_tail(&lower, end);
        consumed = value_start;
        // The objective's words run to the next label.
        let span_end = hits
            .get(i + 1..)
            .and_then(|rest| rest.iter().find(|h| h.0 >= value_start))
            .map_or(lower.len(), |h| h.0);
        let span = &lower[value_start..span_end];
        let clause_end = [span.find([';', ',', '\n']), span.find(". ")]
            .into_iter()
            .flatten()
            .min()
            .map_or(span_end, |k| value_start + k);
        let clause = &line[value_start..clause_end];
        let (value, vague) = match clause_duration(clause) {
            Some(v) => (v, false),
            None if zero_stated(&lower[value_start..clause_end]) => (HumanDuration(0), true),
            None => continue,
        };
        let mut stated = Stated {
            which,
            value,
            line: line_no,
            text: clause.trim().trim_end_matches('.').to_owned(),
            vague,
            ideal: None,
            future: false,
        };
        let ideal = vague || words(clause).iter().any(|w| listed(IDEAL_WORDS, w));
        if ideal && let Some((v, text)) = tolerance(&line[clause_end..span_end]) {
            stated.ideal = Some(value);
            stated.value = v.max(value);
            stated.vague = false;
            stated.text = text.trim_end_matches('.').to_owned();
        }
        let own_lead = &lower[lead_start.min(at)..at];
        let before_value = &lower[end..value_start];
        stated.future = (line_future && !says_current(own_lead))
            || is_future(own_lead)
            || is_future(before_value);
        lead_start = clause_end;
        out.push(stated);
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

/// Objectives stated in blocks: paragraphs, headings and list items. A
/// list under a lead-in such as "Once replication is in place:" is of that
/// future mode.
pub fn scan_blocks(blocks: &[&Block], out: &mut Vec<Stated>) {
    let mut future_lead = false;
    for block in blocks {
        scan_block(block, future_lead, out);
        future_lead = lead_in(block).is_some_and(is_future);
    }
}

/// A paragraph's last line when it introduces what follows ("…:").
fn lead_in(block: &Block) -> Option<&str> {
    match &block.kind {
        BlockKind::Paragraph(text) => text
            .lines()
            .last()
            .filter(|l| l.trim_end().ends_with([':', '*'])),
        _ => None,
    }
}

fn scan_block(block: &Block, future: bool, out: &mut Vec<Stated>) {
    let from = out.len();
    match &block.kind {
        BlockKind::Paragraph(text) | BlockKind::Heading { text, .. } => {
            for (i, line) in text.lines().enumerate() {
                scan_line(line, block.line + i, out);
            }
        }
        BlockKind::List { items, .. } => {
            for item in items {
                // "- Target state (Phase 2):" over its own list of objectives.
                let item_future = item.blocks.first().and_then(lead_in).is_some_and(is_future);
                for block in &item.blocks {
                    scan_block(block, item_future, out);
                }
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
    if future {
        for stated in out.get_mut(from..).into_iter().flatten() {
            stated.future = true;
        }
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
    /// The row or its columns are of a future or target mode.
    pub future: bool,
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

/// Whether a table header names an RTO or RPO column: "RTO", "Recovery
/// Time", "RPO", "Recovery Point", "(Max) Data loss".
fn objective_column(header: &str) -> Option<Which> {
    let lower = header.to_ascii_lowercase();
    let ws = words(&lower);
    if ws.iter().any(|w| w == "rto") || lower.contains("recovery time") {
        Some(Which::Rto)
    } else if ws.iter().any(|w| w == "rpo")
        || lower.contains("recovery point")
        || lower.contains("data loss")
    {
        Some(Which::Rpo)
    } else {
        None
    }
}

/// Rows of tables whose header names RTO or RPO columns. Where a column
/// says "current" ("Current RTO" beside "Target RTO"), it is the one read;
/// a row whose only columns or whose name are future is marked so.
pub fn scan_tables(blocks: &[&Block]) -> Vec<TableRow> {
    let mut rows_out = Vec::new();
    for block in blocks {
        let BlockKind::Table { head, rows } = &block.kind else {
            continue;
        };
        let column = |which: Which| {
            let of: Vec<usize> = (0..head.len())
                .filter(|&i| head.get(i).and_then(|h| objective_column(h)) == Some(which))
                .collect();
            // "Current RTO" beside "Target RTO": the target is the future.
            let current = of
                .iter()
                .copied()
                .find(|&i| head.get(i).is_some_and(|h| says_current(h)))
                .or_else(|| {
                    of.iter()
                        .copied()
                        .find(|&i| head.get(i).is_some_and(|h| !is_future(h)))
                });
            match (current, of.first()) {
                (Some(i), _) => Some((i, false)),
                (None, Some(&i)) => Some((i, true)),
                (None, None) => None,
            }
        };
        let (rto_col, rpo_col) = (column(Which::Rto), column(Which::Rpo));
        if rto_col.is_none() && rpo_col.is_none() {
            continue;
        }
        let future_cols = rto_col.is_none_or(|c| c.1) && rpo_col.is_none_or(|c| c.1);
        let key_col =
            (0..head.len()).find(|&i| head.get(i).and_then(|h| objective_column(h)).is_none());
        for (n, row) in rows.iter().enumerate() {
            let cell = |col: Option<(usize, bool)>| {
                let text = row.get(col?.0)?;
                match durations::find(&quantified(&text.to_ascii_lowercase())) {
                    Some(f) => Some((f.upper, false)),
                    None => {
                        zero_stated(&text.to_ascii_lowercase()).then_some((HumanDuration(0), true))
                    }
                }
            };
            let key = key_col
                .and_then(|k| row.get(k))
                .cloned()
                .unwrap_or_default();
            rows_out.push(TableRow {
                future: future_cols || is_future(&key),
                key,
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
            vec![(Which::Rpo, 14_400, false)]
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

    fn stated(line: &str) -> Vec<Stated> {
        let mut out = Vec::new();
        scan_line(line, 7, &mut out);
        out
    }

    #[test]
    fn reads_the_tolerance_after_an_ideal() {
        let s = stated(
            "Recovery Point Objective (RPO): Ideally 0; several hours of data loss may be acceptable",
        );
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].value, HumanDuration::from_hours(4));
        assert_eq!(s[0].ideal, Some(HumanDuration(0)));
        assert_eq!(s[0].text, "several hours of data loss may be acceptable");
        assert_eq!(
            s[0].reading().as_deref(),
            Some("RPO read as 4h from \"several hours of data loss may be acceptable\" (ideal 0)")
        );
        assert_eq!(
            scan("RPO: ideally zero, a few hours tolerable"),
            vec![(Which::Rpo, 10_800, false)]
        );
        assert_eq!(
            scan("RPO: zero preferred; up to a day acceptable"),
            vec![(Which::Rpo, 86_400, false)]
        );
        assert_eq!(
            scan("RTO: ideally 15 minutes; at most 2 hours"),
            vec![(Which::Rto, 7_200, false)]
        );
        // No tolerance stated: the zero stands, flagged as vague.
        assert_eq!(scan("RPO: ideally 0"), vec![(Which::Rpo, 0, true)]);
        // A committed figure followed by a remark is not an ideal.
        let s = stated("RTO: 4 hours; may be shorter for small databases");
        assert_eq!(
            (s[0].value, s[0].ideal),
            (HumanDuration::from_hours(4), None)
        );
    }

    #[test]
    fn reads_plain_word_labels_only_before_a_value() {
        assert_eq!(
            scan("Recovery Time: < 1 hour"),
            vec![(Which::Rto, 3600, false)]
        );
        assert_eq!(scan("RTO ≤ 15 min"), vec![(Which::Rto, 900, false)]);
        assert_eq!(
            scan("Max data loss: 5 minutes"),
            vec![(Which::Rpo, 300, false)]
        );
        assert_eq!(
            scan("Recovery time objective of 4 hours"),
            vec![(Which::Rto, 14_400, false)]
        );
        assert_eq!(
            scan("loss of one task does not cause data loss in the database"),
            vec![]
        );
        assert_eq!(scan("the recovery time was 3 hours in the drill"), vec![]);
    }

    fn future_of(line: &str) -> Vec<(Which, u64, bool)> {
        stated(line)
            .into_iter()
            .map(|s| (s.which, s.value.secs(), s.future))
            .collect()
    }

    #[test]
    fn marks_objectives_of_a_mode_not_in_effect() {
        assert_eq!(
            future_of("Target state (Phase 2): RTO 1 hour, RPO 5 minutes"),
            vec![(Which::Rto, 3600, true), (Which::Rpo, 300, true)]
        );
        assert_eq!(
            future_of("Current: RTO 12 hours; target state: RTO 1 hour"),
            vec![(Which::Rto, 43_200, false), (Which::Rto, 3600, true)]
        );
        assert_eq!(
            future_of("Once cross-region replication is in place, RTO drops to 1 hour"),
            vec![(Which::Rto, 3600, true)]
        );
        assert_eq!(
            future_of("RTO (planned): 30 minutes"),
            vec![(Which::Rto, 1800, true)]
        );
        assert_eq!(
            future_of("RTO: 12 hours"),
            vec![(Which::Rto, 43_200, false)]
        );
        // "Phase 1" is the plan's present; a target is what is committed.
        assert_eq!(
            future_of("Phase 1 RTO target: 2 hours"),
            vec![(Which::Rto, 7200, false)]
        );
    }

    #[test]
    fn lists_under_a_future_lead_in_are_future() {
        let blocks = super::super::markdown::parse(
            "After Phase 2 the objectives become:\n\n- RTO: 1 hour\n\nToday:\n\n- RTO: 8 hours\n- Future (multi-region):\n  - RPO: 1 minute\n",
        );
        let refs: Vec<&Block> = blocks.iter().collect();
        let mut out = Vec::new();
        scan_blocks(&refs, &mut out);
        let got: Vec<(Which, u64, bool)> = out
            .iter()
            .map(|s| (s.which, s.value.secs(), s.future))
            .collect();
        assert_eq!(
            got,
            vec![
                (Which::Rto, 3600, true),
                (Which::Rto, 28_800, false),
                (Which::Rpo, 60, true)
            ]
        );
    }

    #[test]
    fn tables_prefer_current_columns_and_mark_future_rows() {
        let blocks = super::super::markdown::parse(
            "| Scenario | Recovery Time | Max Data Loss |\n|---|---|---|\n| A | < 1 hour | 5 minutes |\n\n| Mode | Target RTO | Current RTO |\n|---|---|---|\n| Region loss | 1 hour | 12 hours |\n| Target state | 30 min | n/a |\n\n| Tier | Future RPO |\n|---|---|\n| 1 | 1 minute |\n",
        );
        let refs: Vec<&Block> = blocks.iter().collect();
        let rows = scan_tables(&refs);
        let got: Vec<(&str, Option<u64>, Option<u64>, bool)> = rows
            .iter()
            .map(|r| {
                (
                    r.key.as_str(),
                    r.rto.map(|v| v.0.secs()),
                    r.rpo.map(|v| v.0.secs()),
                    r.future,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("A", Some(3600), Some(300), false),
                ("Region loss", Some(43_200), None, false),
                ("Target state", None, None, true),
                ("1", None, Some(60), true),
            ]
        );
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

    proptest::proptest! {
        #[test]
        fn reading_objectives_never_panics(
            line in "(RTO|RPO|Recovery Time|data loss|: |≤|<|ideally|several|a few|hours|0|; |, |\\. |acceptable|up to a day|once|in place|target state|Phase 2|é|—|\\(|\\)|[a-z0-9 ]{1,6}){0,30}",
        ) {
            let mut out = Vec::new();
            scan_line(&line, 1, &mut out);
            for s in &out {
                let _ = s.reading();
            }
            let table = format!("| Scenario | {line} | RPO |\n|---|---|---|\n| {line} | {line} | {line} |\n");
            let blocks = super::super::markdown::parse(&table);
            let refs: Vec<&Block> = blocks.iter().collect();
            let _ = scan_tables(&refs);
            scan_blocks(&refs, &mut out);
        }
    }
}
