//! Where each pane goes, as a pure function of the screen size, the focus
//! and the zoom, so drawing and mouse hit-testing agree.

use ratatui::layout::{Constraint, Layout, Position, Rect};

use super::view::FrameView;
use crate::app::Pane;

pub struct Areas {
    pub header: Rect,
    pub footer: Rect,
    pub panes: Vec<(Pane, Rect)>,
}

/// Where each pane of this frame goes: presenter mode has its own layout.
pub fn of_view(area: Rect, view: &FrameView) -> Areas {
    match &view.presenter {
        Some(presenter) => {
            super::presenter::areas(area, header_rows(view), presenter, view.focus, view.zoomed)
        }
        None => areas(area, header_rows(view), view.focus, view.zoomed),
    }
}

/// The header's lines: a shared session adds one saying how it stands.
pub fn header_rows(view: &FrameView) -> u16 {
    2 + u16::from(view.header.share.is_some())
}

/// A zoomed pane takes the whole body.
pub fn areas(area: Rect, header_rows: u16, focus: Pane, zoomed: bool) -> Areas {
    let [header, body, footer] = Layout::vertical([
        Constraint::Length(header_rows),
        Constraint::Min(0),
        Constraint::Length(1),
    ])
    .areas(area);
    let panes = if zoomed {
        vec![(focus, body)]
    } else {
        let [checklist, rds, backups, ecs, alarms, log] = columns(body);
        vec![
            (Pane::Checklist, checklist),
            (Pane::Rds, rds),
            (Pane::Backups, backups),
            (Pane::Ecs, ecs),
            (Pane::Alarms, alarms),
            (Pane::Log, log),
        ]
    };
    Areas {
        header,
        footer,
        panes,
    }
}

/// Checklist, RDS, backups, ECS, alarms and log: three columns on wide
/// screens, two from 80 columns. On wide screens the checklist column stops
/// growing at 90 columns (a step line is short; commands wrap) and the two
/// state columns share the rest, so they grow with the terminal.
fn columns(body: Rect) -> [Rect; 6] {
    if body.width >= 150 {
        let checklist = (body.width / 3).clamp(60, 90);
        let [left, middle, right] = Layout::horizontal([
            Constraint::Length(checklist),
            Constraint::Fill(1),
            Constraint::Fill(1),
        ])
        .areas(body);
        let [checklist, log] = split_log(left);
        let [rds, backups] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)])
                .areas(middle);
        let [ecs, alarms] =
            Layout::vertical([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(right);
        [checklist, rds, backups, ecs, alarms, log]
    } else {
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(50), Constraint::Percentage(50)])
                .areas(body);
        let [checklist, log] = split_log(left);
        let [rds, backups, ecs, alarms] = Layout::vertical([
            Constraint::Ratio(3, 10),
            Constraint::Ratio(2, 10),
            Constraint::Ratio(3, 10),
            Constraint::Ratio(2, 10),
        ])
        .areas(right);
        [checklist, rds, backups, ecs, alarms, log]
    }
}

/// The checklist keeps most of its column; the log gets a quarter, at least 4 rows.
fn split_log(column: Rect) -> [Rect; 2] {
    let log = (column.height / 4).max(4).min(column.height / 2);
    Layout::vertical([Constraint::Min(0), Constraint::Length(log)]).areas(column)
}

/// The step under a mouse click, if the click landed on a step row.
pub fn step_at(area: Rect, frame: &FrameView, column: u16, row: u16) -> Option<usize> {
    let areas = of_view(area, frame);
    let (_, rect) = areas.panes.iter().find(|(p, _)| *p == Pane::Checklist)?;
    if !rect.contains(Position::new(column, row)) {
        return None;
    }
    let view = &frame.checklist;
    let rows = super::checklist::list_rows(*rect, view);
    let offset = super::checklist::list_offset(rows, view.selected);
    let line = row.checked_sub(rect.y + 1)? as usize;
    (line < rows)
        .then_some(offset + line)
        .filter(|&i| i < view.steps.len())
}
