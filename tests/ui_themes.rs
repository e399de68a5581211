//! The shipped themes set every colour; under each, the cells whose colour
//! carries meaning get that theme's colour (tests/ui_panes.rs checks each
//! pane under the dark theme only), read from the frame `drconsole
//! screenshot` draws; and the help overlay shows every key of the key table.

use std::str::FromStr;

use drconsole::commands::screenshot::{ShotOptions, frame};
use drconsole::keys::{self, BINDINGS};
use drconsole::runbook::builtin;
use drconsole::runbook::duration::HumanDuration;
use drconsole::ui::export::to_text;
use drconsole::ui::popup;
use drconsole::ui::theme::{BUILTIN, DARK, KEYS, Theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

fn themes() -> Vec<(&'static str, Theme)> {
    BUILTIN
        .iter()
        .map(|(name, _)| (*name, Theme::load(name).unwrap()))
        .collect()
}

/// Every colour of the Theme with its key. Destructured without `..`, so
/// a new colour does not compile until it is listed here too.
fn keyed(theme: Theme) -> [(&'static str, Color); 11] {
    let Theme {
        bg,
        fg,
        muted,
        accent,
        ok,
        warn,
        critical,
        drill,
        selection,
        border,
        border_focused,
    } = theme;
    [
        ("bg", bg),
        ("fg", fg),
        ("muted", muted),
        ("accent", accent),
        ("ok", ok),
        ("warn", warn),
        ("critical", critical),
        ("drill", drill),
        ("selection", selection),
        ("border", border),
        ("border_focused", border_focused),
    ]
}

/// Loading fills missing keys from DARK, so a shipped file that forgot one
/// would still load: read the files strictly instead.
#[test]
fn shipped_files_set_every_colour_and_dark_equals_compiled_default() {
    assert_eq!(Theme::load("dark").unwrap(), DARK);
    for (name, text) in BUILTIN {
        let file: toml::Table = toml::from_str(text).unwrap();
        let colors = file["colors"].as_table().unwrap();
        for (key, colour) in keyed(Theme::load(name).unwrap()) {
            let value = colors.get(key).and_then(|v| v.as_str());
            let value = value.unwrap_or_else(|| panic!("themes/{name}.toml lacks colors.{key}"));
            assert_eq!(
                Color::from_str(value).ok(),
                Some(colour),
                "{name}: colors.{key}"
            );
        }
    }
}

/// Foreground of the first `symbol` from where `text` starts, on the
/// first row that holds `text`.
fn colour_in(buf: &Buffer, text: &str, symbol: &str) -> Color {
    let screen = to_text(buf);
    let (y, line) = screen
        .lines()
        .enumerate()
        .find(|(_, line)| line.contains(text))
        .unwrap_or_else(|| panic!("{text:?} not on screen:\n{screen}"));
    let from = line.find(text).unwrap_or_default();
    let byte = line[from..]
        .find(symbol)
        .map(|b| from + b)
        .unwrap_or_else(|| panic!("no {symbol:?} from {text:?} in {line:?}"));
    let x = line[..byte].chars().count() as u16;
    buf[(x, y as u16)].fg
}

/// Rally's database-failure scenario 26 minutes in, two steps confirmed.
/// The simulator is seeded: at that moment rally-prod-5xx is firing, the
/// restore is under way and the restored instance is not yet available.
fn rally_at_26_minutes(theme: &Theme) -> Buffer {
    let options = ShotOptions::parse(
        "120x40",
        HumanDuration::from_mins(26),
        Some("instance-failure".into()),
        2,
    )
    .unwrap();
    frame(&builtin::rally(), &options, theme).unwrap()
}

#[test]
fn critical_ok_and_warn_cells_carry_each_themes_colours() {
    for (name, theme) in themes() {
        let buf = rally_at_26_minutes(&theme);
        // A firing alarm, and a step whose check is not met.
        let critical = [
            colour_in(&buf, "● ALARM rally-prod-5xx", "●"),
            colour_in(&buf, "ALARM rally-prod-5xx", "ALARM"),
            colour_in(&buf, "3. Wait until", "✗"),
        ];
        assert_eq!(critical, [theme.critical; 3], "{name}");
        // A quiet alarm, an available primary, a step done with its check met.
        let ok = [
            colour_in(&buf, "● OK    rally-prod-high-cpu", "●"),
            colour_in(&buf, "● rally-prod-db  ", "●"),
            colour_in(&buf, "✓  1. Declare", "✓"),
            colour_in(&buf, "2. Start a point-in-time", "●"),
        ];
        assert_eq!(ok, [theme.ok; 4], "{name}");
        // An instance still being created, a backup still running.
        let warn = [
            colour_in(&buf, "rally-prod-db-restore backing-up", "backing-up"),
            colour_in(&buf, "ago running", "running"),
        ];
        assert_eq!(warn, [theme.warn; 2], "{name}");
    }
}

/// The overlay's text between its borders, rows joined and whitespace
/// collapsed, so that help lines wrapped over two rows read as one.
fn overlay_text(buf: &Buffer) -> String {
    let text = to_text(buf);
    let inner: Vec<&str> = text
        .lines()
        .filter_map(|line| {
            let start = line.find('║')? + '║'.len_utf8();
            let end = line.rfind('║')?;
            line.get(start..end)
        })
        .collect();
    inner
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn help_shows_every_key_of_the_table_in_the_accent_colour() {
    for (name, theme) in themes() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 100, 50));
        let keymap = keys::Keymap::default();
        popup::help(buf.area, &mut buf, &keymap, 0, &theme);
        let shown = overlay_text(&buf);
        for binding in BINDINGS {
            let row = format!("{} {}", keymap.shown(binding), binding.help);
            let row = row.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(
                shown.contains(&row),
                "{name}: no {row:?} in\n{}",
                to_text(&buf)
            );
            let label = keymap.shown(binding);
            let keys = format!("║{label} ");
            assert_eq!(
                colour_in(&buf, &keys, &label),
                theme.accent,
                "{name}: {label}"
            );
        }
    }
}

/// Every kind of mistake in a theme file reads the same way: the file, the
/// line and the key, then what is wrong.
#[test]
fn every_theme_error_names_file_line_and_key() {
    let cases = [
        (
            "[colors]\nok = \"green\"\naccent = 3\n",
            "theme mine.toml:3: key `colors.accent`: expected a colour string, found integer",
        ),
        (
            "[colors]\naccent = \"red\"\n\naccent = \"blue\"\n",
            "theme mine.toml:4: key `colors.accent`: duplicate key",
        ),
        (
            "name = \"mine\"\n[colors]\naccent = \"nope\"\n",
            "theme mine.toml:3: key `colors.accent`: \"nope\" is not a colour \
             (use a name like \"red\", \"#rrggbb\", or an index 0-255)",
        ),
        (
            "[colors]\nacent = \"red\"\n",
            "theme mine.toml:2: key `colors.acent`: unknown colour; the keys are \
             bg, fg, muted, accent, ok, warn, critical, drill, selection, border, border_focused",
        ),
        (
            "name = \"mine\"\n\nbackground = \"red\"\n",
            "theme mine.toml:3: key `background`: unknown key; a theme has `name` and a `[colors]` table",
        ),
        (
            "[colors]\nok = \"green\"\n[palette]\nok = \"green\"\n",
            "theme mine.toml:3: key `palette`: unknown key; a theme has `name` and a `[colors]` table",
        ),
        (
            "name = 1\n",
            "theme mine.toml:1: key `name`: expected a string, found integer",
        ),
        (
            "name = \"x\"\ncolors = \"red\"\n",
            "theme mine.toml:2: key `colors`: expected a table, found string",
        ),
        (
            "[colors]\nwarn = \"yellow\n",
            "theme mine.toml:2: key `colors.warn`: invalid basic string, expected `\"`",
        ),
        (
            "name = \"x\"\n[colors]\n[colors]\n",
            "theme mine.toml:3: key `colors`: duplicate key",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(
            Theme::from_toml(text, "mine.toml").unwrap_err(),
            expected,
            "{text}"
        );
    }
}

/// Several mistakes: the first in the file is reported, whatever the key order.
#[test]
fn the_first_mistake_in_the_file_is_reported() {
    let text = "[colors]\nwarn = \"nope\"\nbg = 3\n";
    assert_eq!(
        Theme::from_toml(text, "t.toml").unwrap_err(),
        "theme t.toml:2: key `colors.warn`: \"nope\" is not a colour \
         (use a name like \"red\", \"#rrggbb\", or an index 0-255)"
    );
}

/// A file saved in another encoding is an error at the line of the first bad byte.
#[test]
fn a_theme_file_that_is_not_utf8_names_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("latin1.toml");
    std::fs::write(&path, b"[colors]\n# caf\xe9\nok = \"green\"\n").unwrap();
    let file = path.display();
    assert_eq!(
        Theme::load(path.to_str().unwrap()).unwrap_err(),
        format!("theme {file}:2: not valid UTF-8; save it as UTF-8 text")
    );
}

/// The key list named in "unknown colour" errors is the Theme's own, and
/// each key sets its own colour and no other.
#[test]
fn each_listed_key_sets_exactly_its_colour() {
    assert_eq!(keyed(DARK).map(|(key, _)| key), KEYS);
    for key in KEYS {
        let theme = Theme::from_toml(&format!("[colors]\n{key} = \"201\"\n"), "t.toml").unwrap();
        for ((name, colour), (_, default)) in keyed(theme).into_iter().zip(keyed(DARK)) {
            let expected = if name == key {
                Color::Indexed(201)
            } else {
                default
            };
            assert_eq!(colour, expected, "setting {key}: {name}");
        }
    }
}
