//! Overlays: the scenario picker, the help generated from the key table,
//! readiness, and why a prompt refused its value.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use super::widgets::{count, fit, wrap_words};
use crate::app::Prompt;
use crate::domain::readiness::{Readiness, lines as ready_lines, outcome_word, verdict};
use crate::domain::regions::{RegionHealth, RegionState};
use crate::domain::verify::Outcome;
use crate::keys::{BINDINGS, Keymap};
use crate::palette::SHOWN;
use crate::runbook::model::Runbook;

fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}

fn frame<'a>(title: &'a str, theme: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(Style::default().fg(theme.border_focused))
        .title(Span::styled(format!(" {title} "), theme.title()))
        .style(theme.base())
}

pub fn picker(area: Rect, buf: &mut Buffer, runbook: &Runbook, selected: usize, theme: &Theme) {
    let t = theme;
    let height = (runbook.scenarios.len() as u16 * 2 + 4).max(6);
    let rect = centered(area, 76, height);
    Clear.render(rect, buf);
    let block = frame("Choose the scenario", t);
    let inner = block.inner(rect);
    block.render(rect, buf);
    let mut lines = Vec::new();
    for (i, s) in runbook.scenarios.iter().enumerate() {
        let chosen = i == selected;
        let style = if chosen {
            Style::default()
                .fg(t.accent)
                .bg(t.selection)
                .add_modifier(Modifier::BOLD)
        } else {
            Style::default().fg(t.fg)
        };
        // The id is what --scenario takes.
        let id = format!("  {}", s.id);
        let room = usize::from(inner.width).saturating_sub(2 + id.chars().count());
        lines.push(Line::from(vec![
            Span::styled(
                format!("{} {}", if chosen { "▶" } else { " " }, fit(&s.title, room)),
                style,
            ),
            Span::styled(id, t.muted()),
        ]));
        lines.push(Line::styled(
            format!(
                "    {} · RTO {} · RPO {}",
                count(s.steps.len(), "step", "steps"),
                s.rto(&runbook.objectives),
                s.rpo(&runbook.objectives)
            ),
            t.muted(),
        ));
    }
    if runbook.scenarios.is_empty() {
        lines.push(Line::styled("this runbook has no scenarios", t.muted()));
    }
    lines.push(Line::styled("↑↓ choose · Enter start · q quit", t.muted()));
    Paragraph::new(lines).render(inner, buf);
}

/// The keys in effect, then what the marks on screen mean. Each
/// description wraps under its own column; a label too wide for the
/// column has a row of its own. Taller than the screen, it scrolls
/// (`scroll` rows, stopped at the last) and its frame says there is more.
pub fn help(area: Rect, buf: &mut Buffer, keys: &Keymap, scroll: usize, theme: &Theme) {
    const KEY_COLUMN: usize = 16;
    let t = theme;
    let width = area.width.min(84);
    let text_width = usize::from(width.saturating_sub(2))
        .saturating_sub(KEY_COLUMN)
        .max(1);
    let row = |key: &str, text: &str, key_style: Style| -> Vec<Line<'static>> {
        let mut rows = Vec::new();
        let own_row = key.chars().count() >= KEY_COLUMN;
        if own_row {
            rows.push(Line::styled(key.to_string(), key_style));
        }
        for (i, part) in wrap_words(text, text_width).into_iter().enumerate() {
            let key = if i == 0 && !own_row { key } else { "" };
            rows.push(Line::from(vec![
                Span::styled(format!("{key:<KEY_COLUMN$}"), key_style),
                Span::styled(part, Style::default().fg(t.fg)),
            ]));
        }
        rows
    };
    let mut lines: Vec<Line> = BINDINGS
        .iter()
        .flat_map(|b| row(&keys.shown(b), b.help, t.accent()))
        .collect();
    for (mark, meaning) in MARKS {
        lines.extend(row(mark, meaning, t.muted()));
    }
    lines.extend(
        wrap_words(
            "Click selects a step · in prompts Enter saves, Esc cancels · ↑↓ PageUp PageDown scroll · any other key closes",
            usize::from(width.saturating_sub(2)).max(1),
        )
        .into_iter()
        .map(|l| Line::styled(l, t.muted())),
    );
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .saturating_add(2);
    let rect = centered(area, width, height);
    let rows = usize::from(rect.height.saturating_sub(2));
    let scroll = scroll.min(lines.len().saturating_sub(rows));
    let mut block = frame("Keys", t);
    let below = lines.len().saturating_sub(scroll + rows);
    if scroll > 0 || below > 0 {
        let more = match (scroll, below) {
            (0, below) => format!(" ↓ {below} more "),
            (above, 0) => format!(" ↑ {above} more "),
            (above, below) => format!(" ↑ {above} · ↓ {below} more "),
        };
        block = block.title_bottom(Line::styled(more, t.accent()).right_aligned());
    }
    Clear.render(rect, buf);
    let inner = block.inner(rect);
    block.render(rect, buf);
    let visible: Vec<Line> = lines.into_iter().skip(scroll).collect();
    Paragraph::new(visible).render(inner, buf);
}

/// What the marks on the screen mean, under the keys in help.
const MARKS: &[(&str, &str)] = &[
    ("steps", "○ open  ◐ started  ✓ confirmed  » skipped"),
    ("checks", "● met  ✗ not met  ? unknown (no data yet)"),
    (
        "confirmed!",
        "Confirmed against an unmet check (an amber ✓ in the list)",
    ),
];

/// Whether the scenario can run now: each check with the value seen.
pub fn readiness(
    area: Rect,
    buf: &mut Buffer,
    readiness: &Readiness,
    now: jiff::Timestamp,
    theme: &Theme,
) {
    let t = theme;
    let checks = ready_lines(readiness);
    let rect = centered(area, 96, checks.len() as u16 * 2 + 6);
    Clear.render(rect, buf);
    let block = frame("Readiness", t);
    let inner = block.inner(rect);
    block.render(rect, buf);
    let verdict_color = match (readiness.ready, readiness.results.is_empty()) {
        (_, true) => t.warn,
        (true, false) => t.ok,
        (false, false) => t.critical,
    };
    let mut lines = vec![Line::styled(
        verdict(readiness),
        Style::default()
            .fg(verdict_color)
            .add_modifier(Modifier::BOLD),
    )];
    // The regions' health: all there is to see when nothing can be checked.
    let region_color = |r: &RegionHealth| match r.state {
        RegionState::Ok => t.muted,
        RegionState::Degraded => t.warn,
        RegionState::Unreachable => t.critical,
    };
    let mut regions = vec![Span::styled("regions: ", t.muted())];
    for (i, region) in readiness.regions.iter().enumerate() {
        if i > 0 {
            regions.push(Span::styled(" · ", t.muted()));
        }
        regions.push(Span::styled(
            region.describe(now),
            Style::default().fg(region_color(region)),
        ));
    }
    lines.push(Line::from(regions));
    for check in checks {
        let color = match check.outcome {
            Outcome::Met => t.ok,
            Outcome::NotMet => t.critical,
            Outcome::Unknown => t.muted,
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{:<8} ", outcome_word(check.outcome)),
                Style::default().fg(color),
            ),
            Span::styled(check.label, Style::default().fg(t.fg)),
        ]));
        lines.push(Line::styled(format!("         {}", check.seen), t.muted()));
    }
    lines.push(Line::styled(
        "Re-judged on every update. Any key closes.",
        t.muted(),
    ));
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// A refused prompt value: why, and what the prompt accepts. Sits just above
/// the footer, where the prompt is typed, so the text stays visible.
pub fn prompt_error(area: Rect, buf: &mut Buffer, prompt: &Prompt, error: &str, theme: &Theme) {
    let t = theme;
    let width = area.width.min(84);
    let lines = vec![
        Line::styled(format!("✗ {error}"), Style::default().fg(t.critical)),
        Line::from(vec![
            Span::styled("Accepted: ", t.muted()),
            Span::styled(prompt.accepts(), Style::default().fg(t.fg)),
        ]),
        Line::styled("Edit and press Enter again · Esc cancels", t.muted()),
    ];
    // Each line wraps within the box's inner width.
    let inner_width = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines
        .iter()
        .map(|l| l.width().div_ceil(inner_width).max(1))
        .sum();
    let height = u16::try_from(rows)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .min(area.height.saturating_sub(1));
    let rect = Rect {
        x: area.x,
        y: area.bottom().saturating_sub(height.saturating_add(1)),
        width,
        height,
    };
    Clear.render(rect, buf);
    let block = frame("Not accepted", t);
    let inner = block.inner(rect);
    block.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// The `:` palette near the top: the line typed, then its completions (the
/// one Tab shows marked), or why the last Enter ran nothing.
pub fn palette(
    area: Rect,
    buf: &mut Buffer,
    text: &str,
    matches: &[String],
    selected: Option<usize>,
    error: Option<&str>,
    theme: &Theme,
) {
    let t = theme;
    let shown = matches.len().min(SHOWN);
    let rows = 1 + shown.max(1) as u16 + 1;
    let width = area.width.min(64);
    let rect = Rect {
        x: area.x + area.width.saturating_sub(width) / 2,
        y: area.y + area.height.min(2),
        width,
        height: (rows + 2).min(area.height.saturating_sub(area.height.min(2))),
    };
    Clear.render(rect, buf);
    let block = frame("Command", t);
    let inner = block.inner(rect);
    block.render(rect, buf);
    let mut lines = vec![Line::from(vec![
        Span::styled(":", t.accent()),
        Span::styled(format!("{text}▏"), Style::default().fg(t.fg)),
    ])];
    for (i, m) in matches.iter().take(SHOWN).enumerate() {
        let style = match selected == Some(i) {
            true => Style::default()
                .fg(t.accent)
                .bg(t.selection)
                .add_modifier(Modifier::BOLD),
            false => Style::default().fg(t.fg),
        };
        let mark = if selected == Some(i) { "▶" } else { " " };
        let room = usize::from(inner.width).saturating_sub(2);
        lines.push(Line::styled(format!("{mark} {}", fit(m, room)), style));
    }
    if matches.is_empty() {
        lines.push(Line::styled("  no matches", t.muted()));
    }
    lines.push(match error {
        Some(error) => Line::styled(format!("✗ {error}"), Style::default().fg(t.critical)),
        None => Line::styled(
            "Tab complete · ↑↓ history · Enter run · Esc close",
            t.muted(),
        ),
    });
    Paragraph::new(lines).render(inner, buf);
}
