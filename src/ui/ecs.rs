//! The ECS pane: each service's task counts and rollout, its deployments
//! while more than one runs, and its latest events.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::view::EcsView;
use super::widgets::{PaneCtx, dot, fit, inner_rows};
use crate::domain::health::service_health;
use crate::domain::snapshot::RolloutState;

pub fn render(area: Rect, buf: &mut Buffer, view: &EcsView, ctx: &PaneCtx) {
    let feed = view.feed;
    let t = ctx.theme;
    let block = ctx.block("ECS", ctx.feed_age(feed));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = inner.width as usize;
    let rows = inner_rows(area);
    let mut lines = ctx.feed_lines(feed);
    if let Some(ecs) = &feed.data {
        lines.extend(ctx.unlisted_lines(feed, &ecs.unavailable, width));
        if ecs.services.is_empty() {
            lines.push(Line::styled("no services found", t.muted()));
        }
        // Events only where every service still gets its own line.
        let n = ecs.services.len().max(1);
        let events_each = match rows / n {
            0..=1 => 0,
            2 => 1,
            _ => 2,
        };
        let before = lines.len();
        for svc in ecs
            .services
            .iter()
            .filter(|s| ctx.keeps(&[&s.name, &s.cluster, &s.region, &s.status]))
        {
            if lines.len() >= rows + ctx.scroll {
                break;
            }
            let health = t.health(service_health(svc));
            let rollout = svc
                .primary_deployment()
                .and_then(|d| d.rollout)
                .map_or("-", RolloutState::as_str);
            // Narrow panes drop the words, never the numbers or the name.
            let pending = if svc.pending > 0 {
                format!(" +{} pending", svc.pending)
            } else {
                String::new()
            };
            let counts = if width >= 60 {
                format!(
                    " {}/{} running{pending} · {rollout}",
                    svc.running, svc.desired
                )
            } else {
                format!(" {}/{}{pending} {rollout}", svc.running, svc.desired)
            };
            let name_width = width.saturating_sub(2 + counts.chars().count()).max(8);
            let name = fit(&svc.name, name_width);
            let used = 2 + name.chars().count();
            lines.push(Line::from(vec![
                dot(health),
                Span::styled(name, Style::default().fg(t.fg)),
                Span::styled(
                    fit(&counts, width.saturating_sub(used)),
                    Style::default().fg(health),
                ),
            ]));
            if let Some(e) = &svc.stale {
                let note = format!("  {}", ctx.stale_note(e));
                lines.push(Line::styled(fit(&note, width), t.muted()));
            }
            if svc.deployments.len() > 1 {
                for d in &svc.deployments {
                    let text = format!(
                        "  ↳ {} {} {}/{} · failed {} · {}",
                        d.status,
                        d.rollout.map_or("-", RolloutState::as_str),
                        d.running,
                        d.desired,
                        d.failed_tasks,
                        crate::arn::id_of(&d.task_definition)
                    );
                    lines.push(Line::styled(fit(&text, width), t.muted()));
                }
            }
            // Why tasks died says more than any event during a crash loop.
            for task in svc.stopped_tasks.iter().take(events_each.max(1)) {
                let when = task.stopped_at.map(|at| ctx.ago(at)).unwrap_or_default();
                let text = format!("  ✗ {when} task {} stopped: {}", task.id, task.reason);
                lines.push(Line::styled(
                    fit(&text, width),
                    Style::default().fg(t.critical),
                ));
            }
            for event in svc.events.iter().take(events_each) {
                let text = format!("  {:>7} {}", ctx.ago(event.at), event.message);
                lines.push(Line::styled(fit(&text, width), t.muted()));
            }
        }
        ctx.none_kept(&mut lines, before);
    }
    ctx.scrolled(lines).render(inner, buf);
}
