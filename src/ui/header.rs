//! The header: what is being run where, the RTO clock and the RPO estimate.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use crate::app::App;
use crate::domain::rpo;
use crate::domain::verify::short_age;

pub fn render(area: Rect, buf: &mut Buffer, app: &App, theme: &Theme) {
    let t = theme;
    let sep = || Span::styled(" │ ", t.muted());
    let mut top = vec![Span::styled(" drconsole", t.title()), sep()];
    // The drill tag comes first so that no screen is too narrow to show it.
    if app.origin.simulated {
        top.push(Span::styled(
            " SIMULATED ",
            Style::default()
                .fg(t.bg_or_black())
                .bg(t.drill)
                .add_modifier(Modifier::BOLD),
        ));
    } else {
        top.push(Span::styled(app.origin.source.clone(), t.muted()));
    }
    top.push(sep());
    top.push(Span::styled(
        app.runbook.name.clone(),
        Style::default().fg(t.fg).add_modifier(Modifier::BOLD),
    ));
    top.push(sep());
    top.push(match app.current() {
        Some(s) => Span::styled(s.title.clone(), Style::default().fg(t.fg)),
        None => Span::styled("choose a scenario", t.muted()),
    });
    top.push(sep());
    let env = &app.runbook.environment;
    let mut regions = env.regions.primary.clone();
    if let Some(dr) = &env.regions.dr {
        regions.push_str(&format!(" → {dr} (DR)"));
    }
    top.push(Span::styled(regions, t.accent()));

    let mut bottom = vec![Span::raw(" ")];
    bottom.extend(rto_spans(app, t));
    bottom.push(sep());
    let total = app.statuses.len();
    bottom.push(Span::styled(
        format!("{}/{total} steps", total - app.remaining()),
        Style::default().fg(t.fg),
    ));
    bottom.push(sep());
    bottom.extend(rpo_spans(app, t));
    Paragraph::new(vec![Line::from(top), Line::from(bottom)]).render(area, buf);
}

fn rto_spans(app: &App, t: &Theme) -> Vec<Span<'static>> {
    let target = app.current().map_or(app.runbook.objectives.rto, |s| {
        s.rto(&app.runbook.objectives)
    });
    let Some(start) = app.incident_start else {
        return vec![Span::styled(format!("RTO --:--:-- / {target}"), t.muted())];
    };
    let elapsed = app.now.duration_since(start).as_secs().max(0) as u64;
    let ratio = elapsed as f64 / target.secs().max(1) as f64;
    let color = match ratio {
        r if r >= 1.0 => t.critical,
        r if r >= 0.75 => t.warn,
        _ => t.ok,
    };
    vec![
        Span::styled("RTO ", t.muted()),
        Span::styled(
            format!(
                "{:02}:{:02}:{:02}",
                elapsed / 3600,
                elapsed / 60 % 60,
                elapsed % 60
            ),
            Style::default().fg(color).add_modifier(Modifier::BOLD),
        ),
        Span::styled(format!(" / {target}"), t.muted()),
    ]
}

fn rpo_spans(app: &App, t: &Theme) -> Vec<Span<'static>> {
    let target = app.current().map_or(app.runbook.objectives.rpo, |s| {
        s.rpo(&app.runbook.objectives)
    });
    // What a recovery started now would lose.
    match rpo::estimate(&app.live, app.now) {
        Some(est) => {
            let color = if est.secs <= target.secs() {
                t.ok
            } else {
                t.critical
            };
            vec![
                Span::styled("RPO ≈ ", t.muted()),
                Span::styled(
                    short_age(est.secs),
                    Style::default().fg(color).add_modifier(Modifier::BOLD),
                ),
                Span::styled(format!(" / {target} ({})", est.basis), t.muted()),
            ]
        }
        None => vec![Span::styled(
            format!("RPO ? / {target} (no restore source seen yet)"),
            t.muted(),
        )],
    }
}
