//! Small pieces shared by the panes: the framed block, ages, sparklines.

use jiff::Timestamp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::symbols;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::domain::snapshot::{Feed, SourceError};
use crate::domain::verify::short_age;

/// What every pane needs besides its own snapshot.
pub struct PaneCtx<'a> {
    pub theme: &'a Theme,
    pub now: Timestamp,
    pub focused: bool,
    pub scroll: usize,
    /// The pane fills the body: long lines (error messages) wrap instead
    /// of being cut, so the fix at their end shows.
    pub zoomed: bool,
    /// Only rows containing this text (any case) are shown; empty shows all.
    pub filter: &'a str,
}

impl PaneCtx<'_> {
    /// The pane's frame: title, data age, and a highlighted border when
    /// focused. The title is fitted to the pane's width when drawn.
    pub fn block(&self, title: &str, age: Option<String>) -> PaneBlock {
        let t = self.theme;
        let border = if self.focused {
            t.border_focused
        } else {
            t.border
        };
        let block = Block::default()
            .borders(Borders::ALL)
            .border_type(if self.focused {
                BorderType::Thick
            } else {
                BorderType::Plain
            })
            .border_style(Style::default().fg(border));
        PaneBlock {
            block,
            title: title.to_string(),
            filter: (!self.filter.is_empty()).then(|| format!("/{} ", self.filter)),
            age,
            title_style: t.title(),
            filter_style: t.accent(),
            age_style: t.muted(),
        }
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

    /// The pane's lines, scrolled to the pane's offset: each cut to the
    /// width with an ellipsis, or wrapped when the pane is zoomed.
    pub fn scrolled<'l>(&self, lines: Vec<Line<'l>>) -> PaneText<'l> {
        PaneText {
            lines,
            scroll: self.scroll,
            wrap: self.zoomed,
        }
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
        // Zoomed, there is room for what AWS said, fix and all.
        if self.zoomed && !error.message.is_empty() {
            text.push_str(&format!(" — {}", error.message));
            return Line::styled(text, Style::default().fg(self.theme.critical));
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

/// A one-line sparkline of the last `width` values, scaled to `bound` (the
/// limit they are judged against) so a full bar means "at or over the
/// limit" whatever the history holds.
pub fn sparkline(values: &[u64], width: usize, bound: u64) -> String {
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
    let bound = bound.max(1);
    tail.iter()
        .map(|&v| levels[v.saturating_mul(8).div_ceil(bound).min(8) as usize])
        .collect()
}

/// A count with its noun: "1 entry", "2 entries".
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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

/// A pane's frame; the title and age are fitted to the width drawn at.
pub struct PaneBlock {
    block: Block<'static>,
    title: String,
    /// The pane's `/` filter, shown after the title.
    filter: Option<String>,
    age: Option<String>,
    title_style: Style,
    filter_style: Style,
    age_style: Style,
}

impl PaneBlock {
    pub fn inner(&self, area: Rect) -> Rect {
        self.block.inner(area)
    }

    /// " title age ": the title gives way first, so the age (how fresh
    /// the data is) stays while the title keeps a few letters.
    fn title_line(&self, width: usize) -> Line<'static> {
        const MIN_TITLE: usize = 8;
        let age = self
            .age
            .as_ref()
            .map(|a| format!("{a} "))
            .unwrap_or_default();
        let filter = self.filter.clone().unwrap_or_default();
        let room = width.saturating_sub(age.chars().count() + filter.chars().count() + 2);
        let title = if room >= MIN_TITLE {
            fit(&self.title, room)
        } else {
            self.title.clone()
        };
        let line = Line::from(vec![
            Span::styled(format!(" {title} "), self.title_style),
            Span::styled(filter, self.filter_style),
            Span::styled(age, self.age_style),
        ]);
        fit_line(line, width)
    }
}

impl Widget for PaneBlock {
    fn render(self, area: Rect, buf: &mut Buffer) {
        // The corners take a column each.
        let title = self.title_line(usize::from(area.width.saturating_sub(2)));
        self.block.title(title).render(area, buf);
    }
}

/// A pane's lines, drawn cut to fit with an ellipsis or wrapped.
pub struct PaneText<'l> {
    lines: Vec<Line<'l>>,
    scroll: usize,
    wrap: bool,
}

impl Widget for PaneText<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let scroll = (u16::try_from(self.scroll).unwrap_or(u16::MAX), 0);
        if self.wrap {
            Paragraph::new(self.lines)
                .wrap(Wrap { trim: false })
                .scroll(scroll)
                .render(area, buf);
            return;
        }
        let width = usize::from(area.width);
        let lines: Vec<Line> = self.lines.into_iter().map(|l| fit_line(l, width)).collect();
        Paragraph::new(lines).scroll(scroll).render(area, buf);
    }
}

/// A line cut to `width` columns, its last visible column an ellipsis
/// when anything was cut. Styles stay with their text.
pub fn fit_line(line: Line<'_>, width: usize) -> Line<'_> {
    if line.width() <= width {
        return line;
    }
    let style = line.style;
    let alignment = line.alignment;
    let mut room = width.saturating_sub(1);
    let mut spans = Vec::new();
    let mut last_style = Style::default();
    for span in line.spans {
        last_style = span.style;
        let span_width = span.width();
        if span_width <= room {
            room -= span_width;
            spans.push(span);
            continue;
        }
        let mut kept = String::new();
        for c in span.content.chars() {
            let w = Span::raw(c.to_string()).width();
            if w > room {
                break;
            }
            room -= w;
            kept.push(c);
        }
        spans.push(Span::styled(kept, span.style));
        break;
    }
    if width > 0 {
        spans.push(Span::styled("…", last_style));
    }
    let mut out = Line::from(spans).style(style);
    out.alignment = alignment;
    out
}

/// Text broken at spaces into lines of at most `width` columns; a word
/// longer than that is split.
pub fn wrap_words(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split(' ') {
        let mut word = word.to_string();
        loop {
            let used = line.chars().count();
            let gap = usize::from(used > 0);
            if used + gap + word.chars().count() <= width {
                if gap > 0 {
                    line.push(' ');
                }
                line.push_str(&word);
                break;
            }
            if used > 0 {
                lines.push(std::mem::take(&mut line));
                continue;
            }
            // Alone on its line and still too long: split it.
            let rest: String = word.chars().skip(width).collect();
            lines.push(word.chars().take(width).collect());
            word = rest;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// The inner rows a pane can show, after its border.
pub fn inner_rows(area: Rect) -> usize {
    area.height.saturating_sub(2) as usize
}

pub fn dot(color: ratatui::style::Color) -> Span<'static> {
    Span::styled("● ", Style::default().fg(color))
}
