//! Colours by meaning. A theme file overrides any subset of the compiled
//! default; every key is one of the semantic names below.

use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeString, DeTable, DeValue};

use crate::domain::health::Health;
use crate::runbook::lines::Lines;
use crate::runbook::load::one_line;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Screen background and ordinary text.
    pub bg: Color,
    pub fg: Color,
    /// Secondary text: ages, hints, pending steps.
    pub muted: Color,
    /// Titles, the selected step, key names.
    pub accent: Color,
    /// Healthy state, met checks, confirmed steps.
    pub ok: Color,
    /// Degraded or in-progress state, skipped steps.
    pub warn: Color,
    /// Failed state, alarms firing, unmet checks, source errors.
    pub critical: Color,
    /// The SIMULATED / drill tag.
    pub drill: Color,
    /// Background of the selected row.
    pub selection: Color,
    /// Pane borders, and the focused pane's border.
    pub border: Color,
    pub border_focused: Color,
}

pub const DARK: Theme = Theme {
    bg: Color::Reset,
    fg: Color::Gray,
    muted: Color::DarkGray,
    accent: Color::Cyan,
    ok: Color::Green,
    warn: Color::Yellow,
    critical: Color::Red,
    drill: Color::Magenta,
    selection: Color::Rgb(40, 44, 52),
    border: Color::DarkGray,
    border_focused: Color::Cyan,
};

/// Shipped theme files, embedded so `--theme light` works from any directory.
pub const BUILTIN: [(&str, &str); 3] = [
    ("dark", include_str!("../../themes/dark.toml")),
    ("light", include_str!("../../themes/light.toml")),
    (
        "high-contrast",
        include_str!("../../themes/high-contrast.toml"),
    ),
];

/// The keys of `[colors]`, in the order of the struct.
pub const KEYS: [&str; 11] = [
    "bg",
    "fg",
    "muted",
    "accent",
    "ok",
    "warn",
    "critical",
    "drill",
    "selection",
    "border",
    "border_focused",
];

/// A theme file's first error, by where it is in the file.
struct Problem {
    offset: usize,
    key: Option<String>,
    message: String,
}

impl Problem {
    fn at(span: &Range<usize>, key: &str, message: String) -> Self {
        Self {
            offset: span.start,
            key: Some(key.to_string()),
            message,
        }
    }

    /// "theme FILE:LINE: key `KEY`: MESSAGE", the one shape of every error.
    fn render(self, text: &str, file: &str) -> String {
        let line = Lines::new(text).line_of(self.offset);
        let key = self
            .key
            .map(|key| format!("key `{}`: ", key.escape_debug()))
            .unwrap_or_default();
        format!("theme {file}:{line}: {key}{}", self.message)
    }
}

impl Theme {
    /// `--theme`: a built-in name, or a path to a TOML file.
    pub fn load(name_or_path: &str) -> Result<Self, String> {
        if let Some((_, text)) = BUILTIN.iter().find(|(name, _)| *name == name_or_path) {
            return Self::from_toml(text, name_or_path);
        }
        let path = Path::new(name_or_path);
        if !path.exists() {
            let names: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
            return Err(format!(
                "unknown theme {name_or_path:?}: not a file, nor one of {}",
                names.join(", ")
            ));
        }
        let file = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| format!("cannot read theme {file}: {e}"))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            let valid = e.as_bytes().get(..e.utf8_error().valid_up_to());
            let prefix = valid
                .and_then(|v| std::str::from_utf8(v).ok())
                .unwrap_or("");
            let line = Lines::new(prefix).line_of(prefix.len());
            format!("theme {file}:{line}: not valid UTF-8; save it as UTF-8 text")
        })?;
        Self::from_toml(&text, &file)
    }

    /// Lays a theme file's overrides over the dark default.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, String> {
        // A byte-order mark is harmless for a human but not valid TOML.
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Self::overrides(text).map_err(|problem| problem.render(text, file))
    }

    fn overrides(text: &str) -> Result<Self, Problem> {
        let doc = DeTable::parse(text).map_err(|e| {
            let offset = e.span().map_or(0, |span| span.start);
            Problem {
                offset,
                key: key_on_line(text, offset),
                message: one_line(e.message()),
            }
        })?;
        let mut theme = DARK;
        let mut problems = Vec::new();
        for (key, value) in doc.get_ref() {
            let span = key.span();
            match key.get_ref().as_ref() {
                "name" if value.get_ref().is_str() => {}
                "name" => problems.push(Problem::at(&span, "name", wrong_type(value, "a string"))),
                "colors" => match value.get_ref().as_table() {
                    Some(colors) => {
                        for (key, value) in colors {
                            if let Err(problem) = theme.set(key, value) {
                                problems.push(problem);
                            }
                        }
                    }
                    None => {
                        problems.push(Problem::at(&span, "colors", wrong_type(value, "a table")))
                    }
                },
                other => problems.push(Problem::at(
                    &span,
                    other,
                    "unknown key; a theme has `name` and a `[colors]` table".into(),
                )),
            }
        }
        match problems.into_iter().min_by_key(|p| p.offset) {
            Some(problem) => Err(problem),
            None => Ok(theme),
        }
    }

    /// Sets one `[colors]` entry.
    fn set(
        &mut self,
        key: &Spanned<DeString<'_>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<(), Problem> {
        let span = key.span();
        let name = key.get_ref().as_ref();
        let path = format!("colors.{name}");
        let Some(slot) = self.slot(name) else {
            let message = format!("unknown colour; the keys are {}", KEYS.join(", "));
            return Err(Problem::at(&span, &path, message));
        };
        let Some(value) = value.get_ref().as_str() else {
            return Err(Problem::at(
                &span,
                &path,
                wrong_type(value, "a colour string"),
            ));
        };
        *slot = Color::from_str(value).map_err(|_| {
            let message = format!(
                "{value:?} is not a colour (use a name like \"red\", \"#rrggbb\", or an index 0-255)"
            );
            Problem::at(&span, &path, message)
        })?;
        Ok(())
    }

    fn slot(&mut self, key: &str) -> Option<&mut Color> {
        Some(match key {
            "bg" => &mut self.bg,
            "fg" => &mut self.fg,
            "muted" => &mut self.muted,
            "accent" => &mut self.accent,
            "ok" => &mut self.ok,
            "warn" => &mut self.warn,
            "critical" => &mut self.critical,
            "drill" => &mut self.drill,
            "selection" => &mut self.selection,
            "border" => &mut self.border,
            "border_focused" => &mut self.border_focused,
            _ => return None,
        })
    }

    pub fn health(&self, health: Health) -> Color {
        match health {
            Health::Ok => self.ok,
            Health::Unknown => self.muted,
            Health::Warn => self.warn,
            Health::Critical => self.critical,
        }
    }

    /// Text on a coloured tag: the background, or black where it is the terminal's own.
    pub fn bg_or_black(&self) -> ratatui::style::Color {
        match self.bg {
            Color::Reset => Color::Black,
            bg => bg,
        }
    }

    pub fn base(&self) -> Style {
        Style::default().fg(self.fg).bg(self.bg)
    }
    pub fn muted(&self) -> Style {
        Style::default().fg(self.muted)
    }
    pub fn accent(&self) -> Style {
        Style::default().fg(self.accent)
    }
    pub fn title(&self) -> Style {
        Style::default()
            .fg(self.accent)
            .add_modifier(Modifier::BOLD)
    }
}

fn wrong_type(value: &Spanned<DeValue<'_>>, expected: &str) -> String {
    format!("expected {expected}, found {}", value.get_ref().type_str())
}

/// The key a line sets, under the table it is in, or the table a line
/// opens: to name it in a syntax error (the parser says where, not which key).
fn key_on_line(text: &str, offset: usize) -> Option<String> {
    let start = text
        .get(..offset)
        .and_then(|t| t.rfind('\n'))
        .map_or(0, |i| i + 1);
    let line = text.get(start..)?.lines().next()?;
    if let Some(header) = header(line) {
        return Some(header.to_string());
    }
    let key = line.split_once('=')?.0.trim();
    if key.is_empty() || key.starts_with('#') {
        return None;
    }
    let table = text.get(..start)?.lines().rev().find_map(header);
    Some(table.map_or_else(|| key.to_string(), |table| format!("{table}.{key}")))
}

/// The table a `[header]` or `[[header]]` line opens.
fn header(line: &str) -> Option<&str> {
    let name = line.trim().strip_prefix('[')?.trim_start_matches('[');
    Some(name.split(']').next()?.trim()).filter(|name| !name.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_theme_loads_and_differs() {
        let light = Theme::load("light").unwrap();
        let contrast = Theme::load("high-contrast").unwrap();
        assert_ne!(light, DARK);
        assert_ne!(contrast, DARK);
        assert_ne!(light, contrast);
    }

    #[test]
    fn partial_override_keeps_the_rest() {
        let theme = Theme::from_toml("[colors]\nok = \"#00ff00\"\n", "t.toml").unwrap();
        assert_eq!(theme.ok, Color::Rgb(0, 255, 0));
        assert_eq!(theme.critical, DARK.critical);
    }

    #[test]
    fn bad_colour_names_file_and_key() {
        let err = Theme::from_toml("[colors]\nwarn = \"yelow\"\n", "mine.toml").unwrap_err();
        assert!(
            err.contains("mine.toml") && err.contains("colors.warn"),
            "{err}"
        );
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let err = Theme::from_toml("[colors]\n\nokay = \"red\"\n", "mine.toml").unwrap_err();
        assert!(err.starts_with("theme mine.toml:3:"), "{err}");
        assert!(err.contains("okay"), "{err}");
    }

    #[test]
    fn unknown_theme_name_lists_builtins() {
        let err = Theme::load("no-such-theme").unwrap_err();
        assert!(err.contains("dark, light, high-contrast"), "{err}");
    }
}
