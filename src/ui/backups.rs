//! The backups pane: the newest usable recovery point and its age, the
//! point-in-time-restore window of each primary, then the latest points.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::view::BackupsView;
use super::widgets::{PaneCtx, dot, fit, inner_rows};
use crate::domain::health::age_health;
use crate::domain::snapshot::{Feed, RdsSnapshot, RecoveryPointKind, RecoveryPointStatus};
use crate::domain::verify::short_age;

pub fn render(area: Rect, buf: &mut Buffer, view: &BackupsView, ctx: &PaneCtx) {
    let (feed, limits) = (view.feed, view.limits);
    let t = ctx.theme;
    let block = ctx.block("Backups", ctx.feed_age(feed));
    let inner = block.inner(area);
    block.render(area, buf);
    let width = inner.width as usize;
    let rows = inner_rows(area) + ctx.scroll;
    let mut lines = ctx.feed_lines(feed);
    if let Some(backups) = &feed.data {
        // A vault or region that could not be listed: the points below are
        // not all there are.
        lines.extend(ctx.unlisted_lines(feed, &backups.unavailable, width));
        let (text, color) = match view.newest_age {
            Some(age) => (
                format!(
                    "newest completed {} old (max {})",
                    short_age(age),
                    limits.recovery_point_age
                ),
                t.health(age_health(age, limits.recovery_point_age)),
            ),
            None => ("no completed recovery point".to_string(), t.critical),
        };
        lines.push(Line::from(vec![
            dot(color),
            Span::styled(
                fit(&text, width.saturating_sub(2)),
                Style::default().fg(color),
            ),
        ]));
        let before = lines.len();
        pitr_lines(&mut lines, view.rds, width, ctx);
        for point in backups.recovery_points.iter() {
            if lines.len() >= rows {
                break;
            }
            let vault = point.vault.as_deref().unwrap_or("");
            if !ctx.keeps(&[point.resource_name(), vault, &point.region, &point.id]) {
                continue;
            }
            let (status, color) = match point.status {
                RecoveryPointStatus::Completed => ("done", t.ok),
                RecoveryPointStatus::Running => ("running", t.warn),
                RecoveryPointStatus::Partial => ("partial", t.warn),
                RecoveryPointStatus::Expired => ("expired", t.muted),
                RecoveryPointStatus::Deleting => ("deleting", t.muted),
                RecoveryPointStatus::Failed => ("failed", t.critical),
            };
            let kind = match point.kind {
                RecoveryPointKind::Backup => point.vault.as_deref().unwrap_or("vault"),
                RecoveryPointKind::AutomatedSnapshot => "auto snapshot",
                RecoveryPointKind::ManualSnapshot => "manual snapshot",
            };
            let head = format!("{:>8} {status:<8}", ctx.ago(point.created));
            let rest = format!("{} · {kind} · {}", point.resource_name(), point.region);
            lines.push(Line::from(vec![
                Span::styled(head.clone(), Style::default().fg(color)),
                Span::raw(" "),
                Span::styled(
                    fit(&rest, width.saturating_sub(head.chars().count() + 1)),
                    t.muted(),
                ),
            ]));
            // Why a job failed is what the team needs to act on.
            if let Some(message) = &point.status_message
                && lines.len() < rows
            {
                let indent = " ".repeat(head.chars().count() + 1);
                let room = width.saturating_sub(indent.len());
                lines.push(Line::from(vec![
                    Span::raw(indent),
                    Span::styled(fit(message, room), Style::default().fg(color)),
                ]));
            }
        }
        ctx.none_kept(&mut lines, before);
    }
    ctx.scrolled(lines).render(inner, buf);
}

/// One line per primary instance and primary Aurora cluster: its
/// point-in-time-restore window.
fn pitr_lines(out: &mut Vec<Line<'static>>, rds: &Feed<RdsSnapshot>, width: usize, ctx: &PaneCtx) {
    let Some(rds) = &rds.data else { return };
    let instances = rds
        .instances
        .iter()
        .filter(|d| !d.is_replica())
        .map(|d| (&d.id, d.earliest_restorable, d.latest_restorable));
    let clusters = rds
        .clusters
        .iter()
        .filter(|c| !c.is_replica())
        .map(|c| (&c.id, c.earliest_restorable, c.latest_restorable));
    for (id, earliest, latest) in instances
        .chain(clusters)
        .filter(|(id, ..)| ctx.keeps(&[id]))
    {
        let text = match (earliest, latest) {
            (Some(from), Some(to)) => format!(
                "PITR {id}: {} … {}",
                from.strftime("%m-%d %H:%M"),
                ctx.ago(to)
            ),
            _ => format!("PITR {id}: no window"),
        };
        out.push(Line::styled(fit(&text, width), ctx.theme.accent()));
    }
}
