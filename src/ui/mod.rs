//! Drawing. Every function here reads the frame's view (see `view`) and the
//! theme; none reads a clock, takes a lock or does I/O.

pub mod alarms;
pub mod backups;
pub mod checklist;
pub mod ecs;
pub mod export;
pub mod footer;
pub mod header;
pub mod layout;
pub mod log;
pub mod mask;
pub mod popup;
pub mod presenter;
pub mod rds;
pub mod theme;
pub mod view;
pub mod widgets;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Margin, Rect};
use ratatui::widgets::{Block, Widget};

use crate::app::Pane;
use theme::Theme;
use view::{FrameView, PopupView};
use widgets::PaneCtx;

/// Draws the whole console into the frame.
pub fn draw(frame: &mut Frame, view: &FrameView, theme: &Theme) {
    render(frame.area(), frame.buffer_mut(), view, theme);
}

pub fn render(area: Rect, buf: &mut Buffer, view: &FrameView, theme: &Theme) {
    let theme = view.theme.unwrap_or(theme);
    Block::default().style(theme.base()).render(area, buf);
    let areas = layout::of_view(area, view);
    match view.presenter {
        Some(_) => presenter::header(areas.header, buf, &view.header, theme),
        None => header::render(areas.header, buf, &view.header, theme),
    }
    footer::render(areas.footer, buf, &view.footer, theme);
    for &(pane, rect) in &areas.panes {
        let ctx = PaneCtx {
            theme,
            now: view.now,
            focused: view.focus == pane,
            scroll: view.scroll[pane.index()],
            zoomed: view.zoomed,
            filter: view.filters[pane.index()],
        };
        match pane {
            Pane::Checklist => checklist::render(rect, buf, &view.checklist, &ctx),
            Pane::Rds => rds::render(rect, buf, &view.rds, &ctx),
            Pane::Backups => backups::render(rect, buf, &view.backups, &ctx),
            Pane::Ecs => ecs::render(rect, buf, &view.ecs, &ctx),
            Pane::Alarms => alarms::render(rect, buf, &view.alarms, &ctx),
            Pane::Log => log::render(rect, buf, &view.log, &ctx),
        }
    }
    match &view.popup {
        Some(PopupView::Picker { runbook, selected }) => {
            popup::picker(area, buf, runbook, *selected, theme)
        }
        Some(PopupView::Help { keys, scroll }) => popup::help(area, buf, keys, *scroll, theme),
        Some(PopupView::Readiness(readiness)) => {
            popup::readiness(area, buf, readiness, view.now, theme)
        }
        Some(PopupView::PromptError { prompt, error }) => {
            popup::prompt_error(area, buf, prompt, error, theme)
        }
        Some(PopupView::Palette {
            text,
            matches,
            selected,
            error,
        }) => popup::palette(area, buf, text, matches, *selected, error.as_deref(), theme),
        None => {}
    }
    if view.presenter.is_some() {
        let panes = areas
            .panes
            .iter()
            .map(|(_, rect)| rect.inner(Margin::new(1, 1)));
        mask::mask_buffer(buf, area, panes);
    }
}
