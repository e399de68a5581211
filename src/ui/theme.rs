//! Colours by meaning. A theme file overrides any subset of the compiled
//! default; every key is one of the semantic names below.

use std::path::Path;
use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};
use serde::Deserialize;

use crate::domain::health::Health;

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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    #[serde(default)]
    #[allow(dead_code)]
    name: Option<String>,
    #[serde(default)]
    colors: Overrides,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Overrides {
    bg: Option<String>,
    fg: Option<String>,
    muted: Option<String>,
    accent: Option<String>,
    ok: Option<String>,
    warn: Option<String>,
    critical: Option<String>,
    drill: Option<String>,
    selection: Option<String>,
    border: Option<String>,
    border_focused: Option<String>,
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
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read theme {}: {e}", path.display()))?;
        Self::from_toml(&text, &path.display().to_string())
    }

    /// Lays a theme file's overrides over the dark default.
    pub fn from_toml(text: &str, file: &str) -> Result<Self, String> {
        let parsed: ThemeFile = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let line = text[..s.start].matches('\n').count() + 1;
                    format!(":{line}")
                })
                .unwrap_or_default();
            format!("theme {file}{at}: {}", e.message())
        })?;
        let mut theme = DARK;
        let c = parsed.colors;
        let fields: [(&str, Option<String>, &mut Color); 11] = [
            ("bg", c.bg, &mut theme.bg),
            ("fg", c.fg, &mut theme.fg),
            ("muted", c.muted, &mut theme.muted),
            ("accent", c.accent, &mut theme.accent),
            ("ok", c.ok, &mut theme.ok),
            ("warn", c.warn, &mut theme.warn),
            ("critical", c.critical, &mut theme.critical),
            ("drill", c.drill, &mut theme.drill),
            ("selection", c.selection, &mut theme.selection),
            ("border", c.border, &mut theme.border),
            (
                "border_focused",
                c.border_focused,
                &mut theme.border_focused,
            ),
        ];
        for (key, value, slot) in fields {
            if let Some(value) = value {
                *slot = Color::from_str(&value).map_err(|_| {
                    format!(
                        "theme {file}: colors.{key} = {value:?} is not a colour \
                         (use a name like \"red\", \"#rrggbb\", or an index 0-255)"
                    )
                })?;
            }
        }
        Ok(theme)
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
