//! Small pieces shared by the panes: the framed block, ages, sparklines.

use jiff::Timestamp;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph};

use super::theme::Theme;
use crate::domain::snapshot::{Feed, SourceError};
use crate::domain::verify::short_age;

/// What every pane needs besides its own snapshot.
pub struct PaneCtx<'a> {
    pub theme: &'a Theme,
    pub now: Timestamp,
    pub focused: bool,
    pub scroll: usize,
    /// Only rows containing this text (any case) are shown; empty shows all.
    pub filter: &'a str,
}

impl PaneCtx<'_> {
    /// The pane's frame: title, data age, and a highlighted border when focused.
    pub fn block<'b>(&self, title: &'b str, age: Option<String>) -> Block<'b> {
        let t = self.theme;
        let border = if self.focused {
            t.border_focused
        } else {
            t.border
        };
        let mut title_spans = vec![Span::styled(format!(" {title} "), t.title())];
        if !self.filter.is_empty() {
            title_spans.push(Span::styled(format!("/{} ", self.filter), t.accent()));
        }
        if let Some(age) = age {
            title_spans.push(Span::styled(format!("{age} "), t.muted()));
        }
        Block::default()
            .borders(Borders::ALL)
            .border_type(if self.focused {
                BorderType::Thick
            } else {
                BorderType::Plain
            })
            .border_style(Style::default().fg(border))
            .title(Line::from(title_spans))
    }

    /// Whether a row with these texts passes the pane's filter: one of
    /// them contains it, ignoring case.
    pub fn keeps(&self, texts: &[&str]) -> bool {
        let filter = self.filter.to_lowercase();
        filter.is_empty() || texts.iter().any(|t| t.to_lowercase().contains(&filter))
    }

    /// Says that the filter hid every row, when it did: the rows were
    /// `before..` of `lines`.
    pub fn none_kept(&self, lines: &mut Vec<Line<'static>>, before: usize) {
        if !self.filter.is_empty() && lines.len() == before {
            let text = format!("no rows match /{} (Esc clears)", self.filter);
            lines.push(Line::styled(text, self.theme.muted()));
        }
    }

    /// The pane's lines, scrolled to the pane's offset.
    pub fn scrolled<'l>(&self, lines: Vec<Line<'l>>) -> Paragraph<'l> {
        Paragraph::new(lines).scroll((self.scroll as u16, 0))
    }

    pub fn ago(&self, at: Timestamp) -> String {
        ago(self.now, at)
    }

    /// The age shown in a feed's title: "3s ago", or "stale 2m" when failing.
    pub fn feed_age<T>(&self, feed: &Feed<T>) -> Option<String> {
        let good = feed.last_good.map(|at| self.ago(at));
        match (&feed.error, good) {
            (Some(_), Some(good)) => Some(format!("· last good {good}")),
            (Some(_), None) => Some("· no data".into()),
            (None, Some(good)) => Some(format!("· {good}")),
            (None, None) => Some("· waiting".into()),
        }
    }

    /// A feed pane's first lines: the error while the feed fails, or a
    /// placeholder until its first data.
    pub fn feed_lines<T>(&self, feed: &Feed<T>) -> Vec<Line<'static>> {
        let Some((at, err)) = feed.error.as_ref() else {
            let waiting = Line::styled("waiting for data…", self.theme.muted());
            return feed.data.is_none().then_some(waiting).into_iter().collect();
        };
        vec![Line::from(vec![
            Span::styled(
                format!("⚠ {}", err.code),
                Style::default()
                    .fg(self.theme.critical)
                    .add_modifier(Modifier::BOLD),
            ),
            Span::styled(
                format!(" {} ", err.message),
                Style::default().fg(self.theme.critical),
            ),
            Span::styled(format!("({})", self.ago(*at)), self.theme.muted()),
        ])]
    }
}

impl PaneCtx<'_> {
    /// A part of a pane that could not be read while the rest was, and
    /// since when: "✗ us-east-1: DescribeDBInstances Unreachable · last
    /// good 2m ago". Rows it kept from then are marked by `stale_note`.
    pub fn unlisted_line(&self, error: &SourceError, width: usize) -> Line<'static> {
        let mut text = format!(
            "✗ {}: {} {}",
            error.region.as_deref().unwrap_or("?"),
            error.api.as_deref().unwrap_or("call"),
            error.code
        );
        if let Some(since) = error.since {
            text.push_str(&format!(" · last good {}", self.ago(since)));
        }
        Line::styled(fit(&text, width), Style::default().fg(self.theme.critical))
    }

    /// The lines naming each part of a pane that could not be read, but
    /// the one its feed's own error line already shows.
    pub fn unlisted_lines<'e, T>(
        &self,
        feed: &Feed<T>,
        errors: impl IntoIterator<Item = &'e SourceError>,
        width: usize,
    ) -> Vec<Line<'static>> {
        let shown = feed.error.as_ref().map(|(_, e)| e);
        errors
            .into_iter()
            .filter(|e| !shown.is_some_and(|s| s.same_failure(e)))
            .map(|e| self.unlisted_line(e, width))
            .collect()
    }

    /// What marks a row kept from a feed that now fails: "✗ Unreachable ·
    /// as of 2m ago".
    pub fn stale_note(&self, error: &SourceError) -> String {
        match error.since {
            Some(since) => format!("✗ {} · as of {}", error.code, self.ago(since)),
            None => format!("✗ {}", error.code),
        }
    }
}

pub fn ago(now: Timestamp, at: Timestamp) -> String {
    let secs = now.duration_since(at).as_secs();
    if secs < 0 {
        "in ".to_string() + &short_age(secs.unsigned_abs())
    } else {
        short_age(secs.unsigned_abs()) + " ago"
    }
}

/// A one-line sparkline of the last `width` values, scaled to their max.
pub fn sparkline(values: &[u64], width: usize) -> String {
    let bars = symbols::bar::NINE_LEVELS;
    let levels = [
        bars.empty,
        bars.one_eighth,
        bars.one_quarter,
        bars.three_eighths,
        bars.half,
        bars.five_eighths,
        bars.three_quarters,
        bars.seven_eighths,
        bars.full,
    ];
    let tail = &values[values.len().saturating_sub(width)..];
    let max = tail.iter().copied().max().unwrap_or(0).max(1);
    tail.iter()
        .map(|&v| levels[((v * 8).div_ceil(max)).min(8) as usize])
        .collect()
}

/// Text cut to `width` columns with an ellipsis.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
    out
}

/// The inner rows a pane can show, after its border.
pub fn inner_rows(area: Rect) -> usize {
    area.height.saturating_sub(2) as usize
}

pub fn dot(color: ratatui::style::Color) -> Span<'static> {
    Span::styled("● ", Style::default().fg(color))
}
