//! The footer: the prompt being typed, a question, a message, or key hints
//! generated from the key table.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use super::view::FooterView;
use super::widgets::fit_line;
use crate::app::Prompt;
use crate::keys::{BINDINGS, Keymap};

pub fn render(area: Rect, buf: &mut Buffer, view: &FooterView, theme: &Theme) {
    let t = theme;
    let line = match view {
        FooterView::Input {
            prompt,
            text,
            error,
        } => {
            let label = match prompt {
                Prompt::Skip(_) => " Skip reason: ",
                Prompt::Note => " Note: ",
                Prompt::Declare => " Incident began (empty = now, -25m, 02:10 UTC): ",
            };
            let after = match error {
                Some(error) => {
                    Span::styled(format!("  ✗ {error}"), Style::default().fg(t.critical))
                }
                None => Span::styled("  Enter save · Esc cancel", t.muted()),
            };
            Line::from(vec![
                Span::styled(label, t.title()),
                Span::styled(format!("{text}▏"), Style::default().fg(t.fg)),
                after,
            ])
        }
        FooterView::ConfirmAgainst { seen } => Line::from(vec![
            Span::styled(" Check not met: ", Style::default().fg(t.critical)),
            Span::styled(seen.to_string(), Style::default().fg(t.fg)),
            Span::styled(" — confirm anyway? y/n", t.title()),
        ]),
        FooterView::ConfirmQuit { remaining } => Line::from(vec![
            Span::styled(
                match remaining {
                    1 => " 1 step remains.".to_string(),
                    n => format!(" {n} steps remain."),
                },
                Style::default().fg(t.warn),
            ),
            Span::styled(
                " Quit and keep the session for --resume? y/n (Ctrl-C again: yes)",
                t.title(),
            ),
        ]),
        FooterView::Picker => Line::from(vec![
            Span::styled(" ↑↓", t.accent()),
            Span::styled(" choose  ", t.muted()),
            Span::styled("Enter", t.accent()),
            Span::styled(" start  ", t.muted()),
            Span::styled("q", t.accent()),
            Span::styled(" quit", t.muted()),
        ]),
        FooterView::Filter { text } => Line::from(vec![
            Span::styled(" /", t.title()),
            Span::styled(format!("{text}▏"), Style::default().fg(t.fg)),
            Span::styled("  Enter keep · Esc clear", t.muted()),
        ]),
        FooterView::Message(message) => {
            Line::styled(format!(" {message}"), Style::default().fg(t.warn))
        }
        FooterView::Hints(keys) => hints(keys, usize::from(area.width), t),
    };
    Paragraph::new(fit_line(line, usize::from(area.width))).render(area, buf);
}

/// As many key hints as fit `width`, most useful (lowest rank) first; a
/// hint that does not fit whole is left out, never cut.
fn hints(keys: &Keymap, width: usize, t: &Theme) -> Line<'static> {
    const GAP: usize = 2;
    let mut shown: Vec<_> = BINDINGS.iter().filter(|b| !b.hint.is_empty()).collect();
    shown.sort_by_key(|b| b.rank);
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for b in shown {
        let Some(key) = keys.first_key(b) else {
            continue;
        };
        let hint = format!(" {}", b.hint);
        let gap = if spans.len() > 1 { GAP } else { 0 };
        let need = gap + key.chars().count() + hint.chars().count();
        if used + need > width {
            break;
        }
        used += need;
        if gap > 0 {
            spans.push(Span::raw(" ".repeat(gap)));
        }
        spans.push(Span::styled(key.to_string(), t.accent()));
        spans.push(Span::styled(hint, t.muted()));
    }
    Line::from(spans)
}
