//! The RDS pane: every instance with its status, role and region, and for
//! replicas the lag with a sparkline of recent samples; then the Aurora
//! clusters, one line each.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Widget;

use super::view::RdsView;
use super::widgets::{PaneCtx, count, dot, fit, inner_rows, sparkline};
use crate::domain::health::{Limits, cluster_health, instance_health, lag_health};
use crate::domain::snapshot::{DbCluster, DbInstance, DbMetrics, SourceError};

pub fn render(area: Rect, buf: &mut Buffer, view: &RdsView, ctx: &PaneCtx) {
    let (feed, limits) = (view.feed, view.limits);
    let block = ctx.block("RDS", ctx.feed_age(feed));
    let inner = block.inner(area);
    block.render(area, buf);
    let mut lines = ctx.feed_lines(feed);
    let rows = inner_rows(area);
    if let Some(rds) = &feed.data {
        // A region that could not be listed: its instances are not shown,
        // and this says why (what is shown is all that answered).
        lines.extend(ctx.unlisted_lines(feed, rds.unlisted(), inner.width as usize));
        if rds.instances.is_empty() && rds.clusters.is_empty() {
            lines.push(Line::styled("no instances found", ctx.theme.muted()));
        }
        let ids = rds.instances.iter().map(|d| &d.id);
        let id_width = ids
            .chain(rds.clusters.iter().map(|c| &c.id))
            .map(|id| id.chars().count())
            .max()
            .unwrap_or(0)
            .min(inner.width as usize / 2);
        let width = inner.width as usize;
        let before = lines.len();
        let role = |db: &DbInstance| {
            db.replica_of
                .as_deref()
                .map_or("primary", short_id)
                .to_string()
        };
        for db in rds.instances.iter().filter(|d| {
            ctx.keeps(&[
                &d.id,
                &d.status,
                &d.region,
                d.az.as_deref().unwrap_or(""),
                &role(d),
            ])
        }) {
            if lines.len() >= rows + ctx.scroll {
                break;
            }
            let lag_unknown = rds.metrics_unavailable(&db.region);
            instance_lines(&mut lines, db, lag_unknown, id_width, width, limits, ctx);
        }
        for cluster in rds
            .clusters
            .iter()
            .filter(|c| ctx.keeps(&[&c.id, &c.status, &c.region]))
        {
            if lines.len() >= rows + ctx.scroll {
                break;
            }
            lines.push(cluster_line(cluster, id_width, width, ctx));
        }
        ctx.none_kept(&mut lines, before);
    }
    ctx.scrolled(lines).render(inner, buf);
}

/// `lag_unknown`: why CloudWatch could not say the replica's lag, shown in
/// place of the sparkline (the instance's own status still stands).
fn instance_lines(
    out: &mut Vec<Line<'static>>,
    db: &DbInstance,
    lag_unknown: Option<&SourceError>,
    id_width: usize,
    width: usize,
    limits: &Limits,
    ctx: &PaneCtx,
) {
    let t = ctx.theme;
    let health = t.health(instance_health(db, limits));
    let role = match &db.replica_of {
        Some(source) => format!("replica of {}", short_id(source)),
        None if db.multi_az => "primary multi-AZ".into(),
        None => "primary".into(),
    };
    let place = db.az.clone().unwrap_or_else(|| db.region.clone());
    let mut line = vec![
        dot(health),
        Span::styled(
            format!("{:<id_width$} ", fit(&db.id, id_width)),
            Style::default().fg(t.fg),
        ),
        Span::styled(format!("{} ", db.status), Style::default().fg(health)),
    ];
    let used: usize = line.iter().map(|s| s.width()).sum();
    let rest = match &db.stale {
        Some(e) => format!("{} · {place} · {role}", ctx.stale_note(e)),
        None => format!("{place} · {role}"),
    };
    line.push(Span::styled(
        fit(&rest, width.saturating_sub(used)),
        t.muted(),
    ));
    out.push(Line::from(line));
    if let Some(load) = db.metrics.as_ref().and_then(load_text) {
        out.push(Line::styled(fit(&format!("  ↳ {load}"), width), t.muted()));
    }
    if db.is_replica() {
        let lag_color = t.health(lag_health(db, limits));
        let lag = db
            .lag_secs
            .map_or("lag ?".into(), |l| format!("lag {l:.0}s"));
        let head = format!("  ↳ {lag:<9} ");
        if let (None, Some(err)) = (db.lag_secs, lag_unknown) {
            let mut why = format!(
                "{} {}",
                err.api.as_deref().unwrap_or("CloudWatch"),
                err.code
            );
            if let Some(since) = err.since {
                why.push_str(&format!(" · last good {}", ctx.ago(since)));
            }
            out.push(Line::from(vec![
                Span::styled(head.clone(), Style::default().fg(t.critical)),
                Span::styled(
                    fit(&why, width.saturating_sub(head.chars().count())),
                    Style::default().fg(t.critical),
                ),
            ]));
            return;
        }
        let spark_width = width.saturating_sub(head.chars().count() + 12).min(60);
        out.push(Line::from(vec![
            Span::styled(head, Style::default().fg(lag_color)),
            Span::styled(
                sparkline(&db.lag_history, spark_width, limits.replica_lag.secs()),
                Style::default().fg(lag_color),
            ),
            Span::styled(format!(" max {}", limits.replica_lag), t.muted()),
        ]));
    }
}

/// `● id status cluster · N members · region`, and what a secondary replicates.
fn cluster_line(
    cluster: &DbCluster,
    id_width: usize,
    width: usize,
    ctx: &PaneCtx,
) -> Line<'static> {
    let t = ctx.theme;
    let health = t.health(cluster_health(cluster));
    let members = count(cluster.members(), "member", "members");
    let mut rest = format!("cluster · {members} · {}", cluster.region);
    if let Some(e) = &cluster.stale {
        rest = format!("{} · {rest}", ctx.stale_note(e));
    }
    if let Some(source) = &cluster.replica_of {
        rest.push_str(&format!(" · secondary of {}", short_id(source)));
    }
    let mut line = vec![
        dot(health),
        Span::styled(
            format!("{:<id_width$} ", fit(&cluster.id, id_width)),
            Style::default().fg(t.fg),
        ),
        Span::styled(format!("{} ", cluster.status), Style::default().fg(health)),
    ];
    let used: usize = line.iter().map(|s| s.width()).sum();
    line.push(Span::styled(
        fit(&rest, width.saturating_sub(used)),
        t.muted(),
    ));
    Line::from(line)
}

/// A primary's load from CloudWatch: "cpu 35% · 120 connections · 40.0 GiB free".
fn load_text(m: &DbMetrics) -> Option<String> {
    let parts: Vec<String> = [
        m.cpu_percent.map(|c| format!("cpu {c:.0}%")),
        m.connections.map(|c| format!("{c:.0} connections")),
        m.free_storage_bytes
            .map(|b| format!("{:.1} GiB free", b / (1u64 << 30) as f64)),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(" · "))
}

/// An ARN's last part: replicas often name their source by ARN.
fn short_id(source: &str) -> &str {
    crate::arn::id_of(source)
}
