//! The checklist pane: the scenario's steps with their state and live
//! check, and below them the selected step's role, commands and detail.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::view::ChecklistView;
use super::widgets::{PaneCtx, fit};
use crate::app::StepStatus;
use crate::domain::verify::Outcome;
use crate::runbook::duration::HumanDuration;

/// Rows given to the step list; the rest shows the selected step.
pub fn list_rows(area: Rect, view: &ChecklistView) -> usize {
    let inner = area.height.saturating_sub(2) as usize;
    let detail = (inner / 2).min(8);
    view.steps
        .len()
        .min(inner.saturating_sub(detail).max(3))
        .min(inner)
}

/// First visible step so that the selected one stays in view.
pub fn list_offset(rows: usize, selected: usize) -> usize {
    if rows == 0 {
        0
    } else {
        selected.saturating_sub(rows - 1)
    }
}

pub fn render(area: Rect, buf: &mut Buffer, view: &ChecklistView, ctx: &PaneCtx) {
    let done = view.statuses.iter().filter(|s| !s.is_pending()).count();
    let age = Some(format!("· {done}/{} done", view.steps.len()));
    let block = ctx.block(&view.title, age);
    let inner = block.inner(area);
    block.render(area, buf);
    if view.steps.is_empty() {
        Paragraph::new("No scenario chosen.")
            .style(ctx.theme.muted())
            .render(inner, buf);
        return;
    }
    let rows = list_rows(area, view);
    let [list, detail] =
        Layout::vertical([Constraint::Length(rows as u16), Constraint::Min(0)]).areas(inner);
    let offset = list_offset(rows, view.selected);
    let width = inner.width as usize;
    let lines: Vec<Line> = (offset..view.steps.len().min(offset + rows))
        .map(|i| step_line(i, view, width, ctx))
        .collect();
    Paragraph::new(lines).render(list, buf);
    render_detail(detail, buf, view, ctx);
}

fn step_line(i: usize, view: &ChecklistView, width: usize, ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let step = &view.steps[i];
    let started = view.started.get(i).is_some_and(Option::is_some);
    let (marker, color) = match &view.statuses[i] {
        StepStatus::Pending if started => ("◐", t.accent),
        StepStatus::Pending => ("○", t.muted),
        StepStatus::Confirmed {
            against_evidence: false,
            ..
        } => ("✓", t.ok),
        StepStatus::Confirmed { .. } => ("✓", t.warn),
        StepStatus::Skipped { .. } => ("»", t.warn),
    };
    // Narrow panes keep the check's symbol and give its words to the title.
    let wide = width >= 60;
    let (check, check_color) = match view.evidence.get(i).and_then(Option::as_ref) {
        Some(e) => match e.outcome {
            Outcome::Met => (if wide { "● met" } else { "●" }, t.ok),
            Outcome::NotMet => (if wide { "✗ not met" } else { "✗" }, t.critical),
            Outcome::Unknown => (if wide { "? unknown" } else { "?" }, t.muted),
        },
        None => ("", t.muted),
    };
    let selected = i == view.selected;
    let cursor = if selected { "▶ " } else { "  " };
    let number = format!(" {:>2}. ", i + 1);
    let used = 2 + 1 + number.chars().count() + check.chars().count() + 1;
    let room = width.saturating_sub(used);
    // Who else started or resolved it, after the title: at most half its room.
    let by = attribution(i, view).map_or_else(String::new, |by| {
        let most = room / 2;
        match most {
            0..=3 => String::new(),
            _ => format!(" · {}", fit(&by, most - 3)),
        }
    });
    let title_width = room.saturating_sub(by.chars().count());
    let title = format!("{:<title_width$}", fit(&step.title, title_width));
    let title_style = if view.statuses[i].is_pending() {
        Style::default().fg(t.fg)
    } else {
        Style::default().fg(t.muted)
    };
    let mut spans = vec![
        Span::styled(cursor, t.accent()),
        Span::styled(marker, Style::default().fg(color)),
        Span::styled(number, t.muted()),
        Span::styled(title, title_style),
    ];
    if !by.is_empty() {
        spans.push(Span::styled(by, t.muted()));
    }
    spans.extend([
        Span::raw(" "),
        Span::styled(check, Style::default().fg(check_color)),
    ]);
    let mut line = Line::from(spans);
    if selected {
        line = line.style(
            Style::default()
                .bg(t.selection)
                .add_modifier(Modifier::BOLD),
        );
    }
    line
}

/// "started by bob", "confirmed by bob": the step's standing start or
/// resolution when another operator's, so each console sees who acted.
fn attribution(i: usize, view: &ChecklistView) -> Option<String> {
    let own = view.operator?;
    let status = view.statuses.get(i)?;
    let (verb, actor) = match status {
        StepStatus::Pending => ("started", &view.started.get(i)?.as_ref()?.actor),
        StepStatus::Confirmed { actor, .. } => ("confirmed", actor),
        StepStatus::Skipped { actor, .. } => ("skipped", actor),
    };
    (actor != own).then(|| format!("{verb} by {actor}"))
}

fn render_detail(area: Rect, buf: &mut Buffer, view: &ChecklistView, ctx: &PaneCtx) {
    let t = ctx.theme;
    let Some(step) = view.steps.get(view.selected) else {
        return;
    };
    let mut lines = vec![Line::styled("─".repeat(area.width as usize), t.muted())];
    let mut facts = vec![Span::styled(step.title.clone(), t.title())];
    if let Some(role) = &step.role {
        facts.push(Span::styled(format!(" · {role}"), t.accent()));
    }
    match view.selected_time {
        Some(time) => {
            let verb = if time.running {
                "running"
            } else if view.statuses[view.selected].is_pending() {
                "open"
            } else {
                "took"
            };
            let color = if time.over() { t.warn } else { t.muted };
            let expected = time
                .expected
                .map(|e| format!(" of {e} expected"))
                .unwrap_or_default();
            facts.push(Span::styled(
                format!(" · {verb} {}{expected}", HumanDuration(time.secs)),
                Style::default().fg(color),
            ));
        }
        None => {
            if let Some(expected) = step.expected {
                facts.push(Span::styled(format!(" · expect {expected}"), t.muted()));
            }
        }
    }
    lines.push(Line::from(facts));
    if let Some(e) = view.evidence.get(view.selected).and_then(Option::as_ref) {
        let color = match e.outcome {
            Outcome::Met => t.ok,
            Outcome::NotMet => t.critical,
            Outcome::Unknown => t.muted,
        };
        lines.push(Line::from(vec![
            Span::styled("check: ", t.muted()),
            Span::styled(e.seen.clone(), Style::default().fg(color)),
        ]));
    }
    match &view.statuses[view.selected] {
        StepStatus::Skipped { reason, .. } => lines.push(Line::styled(
            format!("skipped: {reason}"),
            Style::default().fg(t.warn),
        )),
        StepStatus::Confirmed {
            against_evidence: true,
            ..
        } => lines.push(Line::styled(
            "confirmed against the evidence",
            Style::default().fg(t.warn),
        )),
        _ => {}
    }
    for command in &step.commands {
        lines.push(Line::from(vec![
            Span::styled("$ ", t.accent()),
            Span::styled(command.clone(), Style::default().fg(t.fg)),
        ]));
    }
    if let Some(detail) = &step.detail {
        lines.extend(
            detail
                .lines()
                .map(|l| Line::styled(l.to_string(), t.muted())),
        );
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(area, buf);
}
