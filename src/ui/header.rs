//! The header: what is being run where, the RTO clock and the RPO estimate.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use super::view::HeaderView;
use super::widgets::{count, fit, fit_line};
use crate::domain::regions::RegionState;
use crate::domain::verify::short_age;
use crate::runbook::duration::{HumanDuration, secs_between};

pub fn render(area: Rect, buf: &mut Buffer, view: &HeaderView, theme: &Theme) {
    let t = theme;
    let sep = || Span::styled(" │ ", t.muted());
    let mut top = vec![Span::styled(" drconsole", t.title()), sep()];
    // The drill tag comes first so that no screen is too narrow to show it.
    if view.origin.simulated {
        let tag = match view.drill {
            None => " SIMULATED ".to_string(),
            Some(d) if d.speed == 0 => " DRILL ⏸ PAUSED ".to_string(),
            Some(d) if d.speed == 1 => " DRILL ".to_string(),
            Some(d) => format!(" DRILL {}× ", d.speed),
        };
        top.push(Span::styled(
            tag,
            Style::default()
                .fg(t.bg_or_black())
                .bg(t.drill)
                .add_modifier(Modifier::BOLD),
        ));
    } else {
        top.push(Span::styled(view.origin.source.clone(), t.muted()));
    }
    top.push(sep());
    let runbook_at = top.len();
    top.push(Span::styled(
        view.runbook.to_string(),
        Style::default().fg(t.fg).add_modifier(Modifier::BOLD),
    ));
    top.push(sep());
    let scenario_at = top.len();
    top.push(match view.scenario {
        Some(title) => Span::styled(title.to_string(), Style::default().fg(t.fg)),
        None => Span::styled("choose a scenario", t.muted()),
    });
    top.push(sep());
    top.extend(region_spans(view.primary_region, view, t));
    if let Some(dr) = view.dr_region {
        top.push(Span::styled(" → ", t.accent()));
        top.extend(region_spans(dr, view, t));
        top.push(Span::styled(" (DR)", t.accent()));
    }
    // The regions (and whether they answer) matter more than the names:
    // the scenario title gives way first, then the runbook's, each keeping
    // a few letters.
    let mut excess = top
        .iter()
        .map(Span::width)
        .sum::<usize>()
        .saturating_sub(usize::from(area.width));
    for at in [scenario_at, runbook_at] {
        let span = &mut top[at];
        let keep = span.width().saturating_sub(excess).max(8);
        if keep < span.width() {
            excess = excess.saturating_sub(span.width() - keep);
            span.content = fit(&span.content, keep).into();
        }
    }

    let mut bottom = vec![Span::raw(" ")];
    bottom.extend(rto_spans(view, t));
    bottom.push(sep());
    bottom.push(Span::styled(
        format!("{}/{}", view.done, count(view.total, "step", "steps")),
        Style::default().fg(t.fg),
    ));
    bottom.push(sep());
    bottom.extend(rpo_spans(view, t));
    let width = usize::from(area.width);
    let mut lines = vec![
        fit_line(Line::from(top), width),
        fit_line(Line::from(bottom), width),
    ];
    if let Some((share, health)) = view.share {
        lines.push(fit_line(
            Line::from(vec![
                Span::raw(" "),
                Span::styled(share.to_string(), Style::default().fg(t.health(health))),
            ]),
            width,
        ));
    }
    Paragraph::new(lines).render(area, buf);
}

/// A region's name, and when its APIs fail, how and for how long:
/// "us-east-1 ✗ unreachable 2m".
fn region_spans(region: &str, view: &HeaderView, t: &Theme) -> Vec<Span<'static>> {
    let mut spans = vec![Span::styled(region.to_string(), t.accent())];
    let Some(health) = view.region_health.iter().find(|h| h.region == region) else {
        return spans;
    };
    let (mark, colour) = match health.state {
        RegionState::Ok => return spans,
        RegionState::Degraded => ("⚠", t.warn),
        RegionState::Unreachable => ("✗", t.critical),
    };
    let word = health.state.word();
    let age = health
        .since
        .map(|since| format!(" {}", short_age(secs_between(since, view.now))))
        .unwrap_or_default();
    spans.push(Span::styled(
        format!(" {mark} {word}{age}"),
        Style::default().fg(colour).add_modifier(Modifier::BOLD),
    ));
    spans
}

fn rto_spans(view: &HeaderView, t: &Theme) -> Vec<Span<'static>> {
    let target = view.rto_target;
    let Some(elapsed) = view.rto_elapsed else {
        return vec![Span::styled(format!("RTO --:--:-- / {target}"), t.muted())];
    };
    let color = rto_color(elapsed, target, t);
    let clock = Span::styled(
        format!(
            "{:02}:{:02}:{:02}",
            elapsed / 3600,
            elapsed / 60 % 60,
            elapsed % 60
        ),
        Style::default().fg(color).add_modifier(Modifier::BOLD),
    );
    // Complete: the clock is stopped at the last step's resolution.
    if view.complete {
        return vec![
            Span::styled(
                "COMPLETE",
                Style::default().fg(t.ok).add_modifier(Modifier::BOLD),
            ),
            Span::styled(" in ", t.muted()),
            clock,
            Span::styled(format!(" / RTO {target}"), t.muted()),
        ];
    }
    vec![
        Span::styled("RTO ", t.muted()),
        clock,
        Span::styled(format!(" / {target}"), t.muted()),
    ]
}

/// The RTO clock's colour: over the target, past three quarters of it, or well within.
pub fn rto_color(elapsed: u64, target: HumanDuration, t: &Theme) -> Color {
    let ratio = elapsed as f64 / target.secs().max(1) as f64;
    match ratio {
        r if r >= 1.0 => t.critical,
        r if r >= 0.75 => t.warn,
        _ => t.ok,
    }
}

fn rpo_spans(view: &HeaderView, t: &Theme) -> Vec<Span<'static>> {
    let target = view.rpo_target;
    // What a recovery started now would lose.
    match view.rpo {
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
