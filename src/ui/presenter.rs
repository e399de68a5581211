//! Presenter mode (`--presenter`), for a room watching a projector: the
//! checklist beside only the panes the selected step's check is judged in,
//! and a big RTO clock under the header. The theme (high contrast) is
//! chosen by the command; masking is in `mask`.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::layout::Areas;
use super::theme::Theme;
use super::view::HeaderView;
use crate::app::Pane;
use crate::domain::snapshot::SourceKind;
use crate::runbook::model::Step;

/// The clock's lines, under the header's.
const CLOCK_ROWS: u16 = 3;

/// What presenter mode shows besides the checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presenter {
    /// The panes the step's check is judged in, in screen order; the log
    /// when the step has no check.
    pub panes: Vec<Pane>,
}

impl Presenter {
    pub fn for_step(step: Option<&Step>) -> Self {
        let kinds = step
            .and_then(|s| s.verify.as_ref())
            .map(|v| v.shown_in())
            .unwrap_or_default();
        let mut panes: Vec<Pane> = kinds.into_iter().map(pane_of).collect();
        if panes.is_empty() {
            panes.push(Pane::Log);
        }
        Self { panes }
    }
}

fn pane_of(kind: SourceKind) -> Pane {
    match kind {
        SourceKind::Rds => Pane::Rds,
        SourceKind::Backups => Pane::Backups,
        SourceKind::Ecs => Pane::Ecs,
        SourceKind::Alarms => Pane::Alarms,
    }
}

/// The checklist on the left, the step's panes stacked on the right; a
/// zoomed pane takes the whole body, as in the usual layout.
pub fn areas(
    area: Rect,
    header_rows: u16,
    presenter: &Presenter,
    focus: Pane,
    zoomed: bool,
) -> Areas {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(header_rows + CLOCK_ROWS),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    if zoomed {
        return Areas {
            header,
            footer,
            panes: vec![(focus, body)],
        };
    }
    let [checklist, right] =
        Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)]).areas(body);
    let n = u32::try_from(presenter.panes.len()).unwrap_or(1).max(1);
    let rows =
        Layout::vertical(presenter.panes.iter().map(|_| Constraint::Ratio(1, n))).split(right);
    let mut panes = vec![(Pane::Checklist, checklist)];
    panes.extend(presenter.panes.iter().copied().zip(rows.iter().copied()));
    Areas {
        header,
        footer,
        panes,
    }
}

/// The usual header, and under it the RTO clock in big digits beside its
/// target and the steps done.
pub fn header(area: Rect, buf: &mut Buffer, view: &HeaderView, theme: &Theme) {
    let rows = 2 + u16::from(view.share.is_some());
    let [lines, clock] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(area);
    super::header::render(lines, buf, view, theme);
    let (digits, color) = match view.rto_elapsed {
        Some(elapsed) => (
            hms(elapsed),
            super::header::rto_color(elapsed, view.rto_target, theme),
        ),
        None => ("--:--:--".to_string(), theme.muted),
    };
    let first = if view.complete { "COMPLETE" } else { "RTO" };
    let side = [
        first.to_string(),
        format!("target {}", view.rto_target),
        format!("{}/{} steps", view.done, view.total),
    ];
    let big = Style::default().fg(color).add_modifier(Modifier::BOLD);
    let lines: Vec<Line> = big_text(&digits)
        .into_iter()
        .zip(side)
        .map(|(glyphs, side)| {
            Line::from(vec![
                Span::raw(" "),
                Span::styled(glyphs, big),
                Span::styled(format!("  {side}"), theme.muted()),
            ])
        })
        .collect();
    Paragraph::new(lines).render(clock, buf);
}

fn hms(secs: u64) -> String {
    format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
}

/// `text` in block digits three rows high, a column between characters;
/// characters without a glyph are blank.
pub fn big_text(text: &str) -> [String; 3] {
    let mut rows: [String; 3] = Default::default();
    for (i, c) in text.chars().enumerate() {
        let glyph = glyph(c);
        for (row, part) in rows.iter_mut().zip(glyph) {
            if i > 0 {
                row.push(' ');
            }
            row.push_str(part);
        }
    }
    rows
}

/// Half blocks: the bars sit in the top half of each row.
fn glyph(c: char) -> [&'static str; 3] {
    match c {
        '0' => ["█▀█", "█ █", "▀▀▀"],
        '1' => ["▀█ ", " █ ", "▀▀▀"],
        '2' => ["▀▀█", "█▀▀", "▀▀▀"],
        '3' => ["▀▀█", " ▀█", "▀▀▀"],
        '4' => ["█ █", "▀▀█", "  ▀"],
        '5' => ["█▀▀", "▀▀█", "▀▀▀"],
        '6' => ["█▀▀", "█▀█", "▀▀▀"],
        '7' => ["▀▀█", "  █", "  ▀"],
        '8' => ["█▀█", "█▀█", "▀▀▀"],
        '9' => ["█▀█", "▀▀█", "▀▀▀"],
        ':' => ["▄", "▄", " "],
        '-' => ["   ", "▀▀▀", "   "],
        _ => ["   ", "   ", "   "],
    }
}
