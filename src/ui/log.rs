//! The side log: the journal as it grows, newest at the bottom.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use super::view::LogView;
use super::widgets::{PaneCtx, count, fit, inner_rows};
use crate::journal::entry::{Entry, EntryKind};

pub fn render(area: Rect, buf: &mut Buffer, view: &LogView, ctx: &PaneCtx) {
    let t = ctx.theme;
    let log: Vec<&Entry> = view
        .entries
        .iter()
        .filter(|e| ctx.keeps(&[entry_word(e, t).0, &e.actor, &entry_text(e, view)]))
        .collect();
    let shown = count(log.len(), "entry", "entries");
    let count = match ctx.filter {
        "" => format!("· {shown}"),
        _ => format!(
            "· {} of {}",
            log.len(),
            count(view.entries.len(), "entry", "entries")
        ),
    };
    let block = ctx.block("Log", Some(count));
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = inner_rows(area);
    // Scrolling moves back in time from the newest entry.
    let end = log
        .len()
        .saturating_sub(ctx.scroll.min(log.len().saturating_sub(rows)));
    let start = end.saturating_sub(rows);
    let lines: Vec<Line> = log[start..end]
        .iter()
        .map(|e| entry_line(e, view, inner.width as usize, ctx))
        .collect();
    if lines.is_empty() {
        let empty = match ctx.filter {
            "" => "nothing recorded yet",
            _ => "no entries match the filter",
        };
        Paragraph::new(empty).style(t.muted()).render(inner, buf);
    } else {
        Paragraph::new(lines).render(inner, buf);
    }
}

fn entry_word(entry: &Entry, t: &Theme) -> (&'static str, Color) {
    match entry.kind {
        EntryKind::SessionStarted => ("opened", t.accent),
        EntryKind::SessionResumed => ("resumed", t.accent),
        EntryKind::Joined => ("joined", t.accent),
        EntryKind::IncidentDeclared => ("declared", t.accent),
        EntryKind::StepStarted => ("started", t.accent),
        EntryKind::Confirmed if entry.evidence.as_ref().is_some_and(|e| e.against_evidence) => {
            ("confirmed!", t.warn)
        }
        EntryKind::Confirmed => ("confirmed", t.ok),
        EntryKind::Skipped => ("skipped", t.warn),
        EntryKind::Undone => ("undid", t.warn),
        EntryKind::Note => ("note", t.fg),
        EntryKind::SessionPaused => ("paused", t.muted),
        EntryKind::SessionCompleted => ("completed", t.ok),
        EntryKind::Injected => ("injected", t.drill),
        EntryKind::ClockChanged => ("clock", t.muted),
        EntryKind::DrillScored => ("scored", t.accent),
    }
}

/// What an entry says after its kind: step, declared start, undone seq,
/// the resolution a duplicate met, note.
fn entry_text(entry: &Entry, view: &LogView) -> String {
    let mut text = String::new();
    if let Some(step) = &entry.step {
        text.push_str(step);
    }
    if let Some(first) = view.already_done.get(&entry.seq) {
        text.push_str(&format!(
            " (already done by {}, #{})",
            first.actor, first.seq
        ));
    }
    if let Some(at) = entry.at {
        text.push_str(&format!("began {}", at.strftime("%H:%M:%S")));
    }
    if let Some(undoes) = entry.undoes {
        text.push_str(&format!(" (#{undoes})"));
    }
    if let Some(note) = &entry.note {
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(note);
    }
    text
}

fn entry_line(entry: &Entry, view: &LogView, width: usize, ctx: &PaneCtx) -> Line<'static> {
    let t = ctx.theme;
    let (word, color) = entry_word(entry, t);
    let time = entry.time.strftime("%H:%M:%S").to_string();
    let text = entry_text(entry, view);
    let head = format!("{time} {} ", entry.actor);
    let used = head.chars().count() + word.chars().count() + 1;
    Line::from(vec![
        Span::styled(head, t.muted()),
        Span::styled(word, Style::default().fg(color)),
        Span::raw(" "),
        Span::styled(
            fit(&text, width.saturating_sub(used)),
            Style::default().fg(t.fg),
        ),
    ])
}
