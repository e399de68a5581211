//! Drawing. Every function here reads plain data (the app state, a pane's
//! snapshot, the theme); none reads a clock or does I/O.

pub mod alarms;
pub mod backups;
pub mod checklist;
pub mod ecs;
pub mod export;
pub mod footer;
pub mod header;
pub mod layout;
pub mod log;
pub mod popup;
pub mod rds;
pub mod theme;
pub mod widgets;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::widgets::{Block, Widget};

use crate::app::{App, Mode, Pane};
use theme::Theme;
use widgets::PaneCtx;

/// Draws the whole console into the frame.
pub fn draw(frame: &mut Frame, app: &App, theme: &Theme) {
    render(frame.area(), frame.buffer_mut(), app, theme);
}

pub fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    Block::default().style(theme.base()).render(area, buf);
    let areas = layout::areas(area, app);
    header::render(areas.header, buf, app, theme);
    footer::render(areas.footer, buf, app, theme);
    for (pane, rect) in areas.panes {
        let ctx = PaneCtx {
            theme,
            now: app.now,
            focused: app.focus == pane,
            scroll: app.scroll[Pane::ALL.iter().position(|p| *p == pane).unwrap_or(0)],
        };
        match pane {
            Pane::Checklist => checklist::render(rect, buf, &checklist::view(app), &ctx),
            Pane::Rds => rds::render(rect, buf, &app.live.rds, &app.limits, &ctx),
            Pane::Backups => backups::render(
                rect,
                buf,
                &app.live.backups,
                &app.live.rds,
                &app.limits,
                &ctx,
            ),
            Pane::Ecs => ecs::render(rect, buf, &app.live.ecs, &ctx),
            Pane::Alarms => alarms::render(rect, buf, &app.live.alarms, &ctx),
            Pane::Log => log::render(rect, buf, &app.log, &ctx),
        }
    }
    match &app.mode {
        Mode::Picker { selected } => popup::picker(area, buf, &app.runbook, *selected, theme),
        Mode::Help => popup::help(area, buf, theme),
        Mode::Readiness => {
            if let Some(readiness) = &app.readiness_view {
                popup::readiness(area, buf, readiness, theme);
            }
        }
        _ => {}
    }
}
