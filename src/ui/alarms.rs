//! The alarms pane: firing alarms first, then those without data, then OK.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::view::AlarmsView;
use super::widgets::{PaneCtx, dot, fit, inner_rows};
use crate::domain::health::{Health, alarm_health};

pub fn render(area: Rect, buf: &mut Buffer, view: &AlarmsView, ctx: &PaneCtx) {
    let feed = view.feed;
    let t = ctx.theme;
    let firing = feed.data.as_ref().map_or(0, |a| {
        a.alarms
            .iter()
            .filter(|a| alarm_health(a) == Health::Critical)
            .count()
    });
    let age = ctx.feed_age(feed).map(|a| match firing {
        0 => a,
        n => format!("{a} · {n} firing"),
    });
    let block = ctx.block("Alarms", age);
    let inner = block.inner(area);
    block.render(area, buf);
    let width = inner.width as usize;
    let mut lines = ctx.feed_lines(feed);
    if let Some(alarms) = &feed.data {
        lines.extend(ctx.unlisted_lines(feed, &alarms.unavailable, width));
        if alarms.alarms.is_empty() {
            lines.push(Line::styled("no alarms found", t.muted()));
        }
        let mut order: Vec<_> = alarms
            .alarms
            .iter()
            .filter(|a| ctx.keeps(&[&a.name, a.state.as_str()]))
            .collect();
        order.sort_by_key(|a| std::cmp::Reverse(alarm_health(a)));
        let before = lines.len();
        for alarm in order.into_iter().take(inner_rows(area) + ctx.scroll) {
            let health = alarm_health(alarm);
            let color = t.health(health);
            let state = format!(
                "{:<5} ",
                match alarm.state.as_str() {
                    "INSUFFICIENT_DATA" => "DATA?",
                    s => s,
                }
            );
            let mut state_style = Style::default().fg(color);
            if health == Health::Critical {
                state_style = state_style.add_modifier(Modifier::BOLD);
            }
            let age = match &alarm.stale {
                Some(e) => format!(" {}", ctx.stale_note(e)),
                None => format!(" {}", ctx.ago(alarm.updated)),
            };
            let name_width = width.saturating_sub(2 + state.chars().count() + age.chars().count());
            lines.push(Line::from(vec![
                dot(color),
                Span::styled(state, state_style),
                Span::styled(
                    format!("{:<name_width$}", fit(&alarm.name, name_width)),
                    Style::default().fg(t.fg),
                ),
                Span::styled(age, t.muted()),
            ]));
        }
        ctx.none_kept(&mut lines, before);
    }
    ctx.scrolled(lines).render(inner, buf);
}
