//! Keys are data: this one table drives dispatch, the help overlay and the
//! key hints, so they cannot disagree.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What the operator can ask for in the console's normal mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    Up,
    Down,
    Confirm,
    Start,
    Declare,
    Skip,
    Undo,
    Note,
    FocusNext,
    FocusPrev,
    Zoom,
    Readiness,
    Refresh,
    Help,
    Quit,
    /// Open the `:` command palette.
    Palette,
    /// Filter the focused list pane's rows.
    Filter,
    /// Copy the selected step's commands to the clipboard.
    Copy,
    /// A drill's facilitator: pause or resume the world's clock.
    Pause,
    /// A drill's facilitator: one speed faster or slower.
    Faster,
    Slower,
    /// A drill's facilitator: open the palette at `inject `.
    InjectKey,
    // Palette-only commands: they take an argument, so no key runs them.
    Scenario,
    Step,
    Theme,
    Export,
    Profile,
    Region,
    Speed,
    Inject,
}

impl Command {
    /// Whether the command writes to the journal (or changes the drill or
    /// the source, which the journal records): a follower may not.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Self::Confirm
                | Self::Start
                | Self::Declare
                | Self::Skip
                | Self::Undo
                | Self::Note
                | Self::Pause
                | Self::Faster
                | Self::Slower
                | Self::InjectKey
                | Self::Scenario
                | Self::Profile
                | Self::Region
                | Self::Speed
                | Self::Inject
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn key(code: KeyCode) -> Key {
    Key {
        code,
        mods: KeyModifiers::NONE,
    }
}
const fn ch(c: char) -> Key {
    key(KeyCode::Char(c))
}

pub struct Binding {
    pub keys: &'static [Key],
    pub command: Command,
    /// The one-word hint in the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// Footer order, most useful first: a narrow footer keeps the lowest.
    pub rank: u8,
    /// Its name: the key of `[keys]` in the config file, and the word
    /// that runs it in the `:` palette when `palette` is set.
    pub name: &'static str,
    pub palette: bool,
    /// What the palette command takes after its name, as help shows it.
    pub args: &'static str,
    pub help: &'static str,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        command: Command::Up,
        hint: "",
        rank: 0,
        name: "up",
        palette: false,
        args: "",
        help: "Select the previous step (or scroll the focused pane)",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        command: Command::Down,
        hint: "",
        rank: 0,
        name: "down",
        palette: false,
        args: "",
        help: "Select the next step (or scroll the focused pane)",
    },
    Binding {
        keys: &[key(KeyCode::Enter), ch(' ')],
        command: Command::Confirm,
        hint: "confirm",
        rank: 1,
        name: "confirm",
        palette: false,
        args: "",
        help: "Confirm the selected step (asks again if its check is not met)",
    },
    Binding {
        keys: &[ch('x')],
        command: Command::Start,
        hint: "start",
        rank: 2,
        name: "start",
        palette: false,
        args: "",
        help: "Start the selected step: its clock runs; in a drill the simulated world runs its commands",
    },
    Binding {
        keys: &[ch('d')],
        command: Command::Declare,
        hint: "declare",
        rank: 10,
        name: "declare",
        palette: false,
        args: "",
        help: "Declare the incident, or set back when it began (\"-25m\", \"02:10\")",
    },
    Binding {
        keys: &[ch('s')],
        command: Command::Skip,
        hint: "skip",
        rank: 3,
        name: "skip",
        palette: false,
        args: "",
        help: "Skip the selected step, with a reason",
    },
    Binding {
        keys: &[ch('u')],
        command: Command::Undo,
        hint: "undo",
        rank: 9,
        name: "undo",
        palette: false,
        args: "",
        help: "Undo the latest confirm or skip (logged, never erased)",
    },
    Binding {
        keys: &[ch('n')],
        command: Command::Note,
        hint: "note",
        rank: 4,
        name: "note",
        palette: false,
        args: "",
        help: "Add a note to the log",
    },
    Binding {
        keys: &[key(KeyCode::Tab)],
        command: Command::FocusNext,
        hint: "pane",
        rank: 14,
        name: "next-pane",
        palette: false,
        args: "",
        help: "Focus the next pane",
    },
    Binding {
        keys: &[key(KeyCode::BackTab)],
        command: Command::FocusPrev,
        hint: "",
        rank: 0,
        name: "previous-pane",
        palette: false,
        args: "",
        help: "Focus the previous pane",
    },
    Binding {
        keys: &[ch('z')],
        command: Command::Zoom,
        hint: "zoom",
        rank: 13,
        name: "zoom",
        palette: false,
        args: "",
        help: "Zoom the focused pane (again to restore)",
    },
    Binding {
        keys: &[ch('c')],
        command: Command::Readiness,
        hint: "ready",
        rank: 12,
        name: "readiness",
        palette: true,
        args: "",
        help: "Check readiness: can this scenario run now (PITR window, recovery point, replica, backups, services)",
    },
    Binding {
        keys: &[ch('r')],
        command: Command::Refresh,
        hint: "refresh",
        rank: 15,
        name: "refresh",
        palette: true,
        args: "",
        help: "Refresh live data now",
    },
    Binding {
        keys: &[ch('?')],
        command: Command::Help,
        hint: "help",
        rank: 5,
        name: "help",
        palette: true,
        args: "",
        help: "Show or hide this help",
    },
    Binding {
        keys: &[
            ch('q'),
            Key {
                code: KeyCode::Char('c'),
                mods: KeyModifiers::CONTROL,
            },
        ],
        command: Command::Quit,
        hint: "quit",
        rank: 6,
        name: "quit",
        palette: true,
        args: "",
        help: "Quit (asks first while steps remain; --resume continues)",
    },
    Binding {
        keys: &[ch(':')],
        command: Command::Palette,
        hint: "cmd",
        rank: 7,
        name: "palette",
        palette: false,
        args: "",
        help: "Open the command palette: Tab completes, ↑↓ recall, Enter runs, Esc closes",
    },
    Binding {
        keys: &[ch('/')],
        command: Command::Filter,
        hint: "filter",
        rank: 11,
        name: "filter",
        palette: false,
        args: "",
        help: "Filter the focused pane's rows by text (Enter keeps, Esc clears)",
    },
    Binding {
        keys: &[ch('y')],
        command: Command::Copy,
        hint: "copy",
        rank: 8,
        name: "copy",
        palette: false,
        args: "",
        help: "Copy the selected step's commands to the clipboard (OSC 52)",
    },
    Binding {
        keys: &[],
        command: Command::Scenario,
        hint: "",
        rank: 0,
        name: "scenario",
        palette: true,
        args: "<id or title>",
        help: "Switch scenario: this session pauses, a new one begins (refused once a step or the declaration is recorded)",
    },
    Binding {
        keys: &[],
        command: Command::Step,
        hint: "",
        rank: 0,
        name: "step",
        palette: true,
        args: "<n or title>",
        help: "Select a step by number or title",
    },
    Binding {
        keys: &[],
        command: Command::Theme,
        hint: "",
        rank: 0,
        name: "theme",
        palette: true,
        args: "<dark|light|high-contrast>",
        help: "Switch the colour theme (not in presenter mode, which keeps high contrast)",
    },
    Binding {
        keys: &[],
        command: Command::Export,
        hint: "",
        rank: 0,
        name: "export",
        palette: true,
        args: "",
        help: "Export this session as Markdown next to its journal",
    },
    Binding {
        keys: &[],
        command: Command::Profile,
        hint: "",
        rank: 0,
        name: "profile",
        palette: true,
        args: "<name>",
        help: "Switch the AWS profile: live data is fetched again through it (journaled)",
    },
    Binding {
        keys: &[],
        command: Command::Region,
        hint: "",
        rank: 0,
        name: "region",
        palette: true,
        args: "<name>",
        help: "Switch the primary AWS region, as --region does (journaled)",
    },
    Binding {
        keys: &[ch('p')],
        command: Command::Pause,
        hint: "",
        rank: 0,
        name: "pause",
        palette: true,
        args: "",
        help: "Drill: pause the world's clock, or resume it (journaled)",
    },
    Binding {
        keys: &[ch('+')],
        command: Command::Faster,
        hint: "",
        rank: 0,
        name: "faster",
        palette: false,
        args: "",
        help: "Drill: run the world faster (1× 2× 5× 10× 30× 60×)",
    },
    Binding {
        keys: &[ch('-')],
        command: Command::Slower,
        hint: "",
        rank: 0,
        name: "slower",
        palette: false,
        args: "",
        help: "Drill: run the world slower",
    },
    Binding {
        keys: &[],
        command: Command::Speed,
        hint: "",
        rank: 0,
        name: "speed",
        palette: true,
        args: "<1-60>",
        help: "Drill: run the world at this speed",
    },
    Binding {
        keys: &[ch('i')],
        command: Command::InjectKey,
        hint: "",
        rank: 0,
        name: "inject-key",
        palette: false,
        args: "",
        help: "Drill: choose an inject to throw in now",
    },
    Binding {
        keys: &[],
        command: Command::Inject,
        hint: "",
        rank: 0,
        name: "inject",
        palette: true,
        args: "<name>",
        help: "Drill: throw in one of the drill's injects, or a stock one (lag-spike, alarm, region-unreachable, crash-loop), now",
    },
];

/// The palette's commands, in table order.
pub fn palette_entries() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(|b| b.palette)
}

/// Ctrl-C always quits, whatever the config file says: a console can
/// always be left.
const CTRL_C: Key = Key {
    code: KeyCode::Char('c'),
    mods: KeyModifiers::CONTROL,
};

impl Key {
    /// The key of an event as bindings name it: Shift is already in a
    /// printable character and in Shift-Tab, so it is dropped there.
    /// With Ctrl a letter is the same key in either case.
    pub fn of(event: &KeyEvent) -> Self {
        let mods = match event.code {
            KeyCode::Char(_) | KeyCode::BackTab => event.modifiers - KeyModifiers::SHIFT,
            _ => event.modifiers,
        };
        let code = match event.code {
            KeyCode::Char(c) if mods.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            code => code,
        };
        Self { code, mods }
    }

    /// Reads a key as the config file writes it: one character (`q`, `?`),
    /// a named key (`Enter`, `Space`, `Tab`, `Shift-Tab`, `Esc`, `Up`,
    /// `PageDown`, `F5`, …), with `Ctrl-` and `Alt-` before it.
    pub fn parse(text: &str) -> Result<Self, String> {
        // ASCII space around a key is ignored (a space key is `Space`);
        // other whitespace, a no-break space, can be the key itself.
        let mut rest = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let mut mods = KeyModifiers::NONE;
        while let Some((prefix, after)) = rest.split_once('-').filter(|(_, a)| !a.is_empty()) {
            let add = match prefix.to_ascii_lowercase().as_str() {
                "ctrl" => KeyModifiers::CONTROL,
                "alt" => KeyModifiers::ALT,
                "shift" => KeyModifiers::SHIFT,
                _ => break,
            };
            mods |= add;
            rest = after;
        }
        let mut chars = rest.chars();
        let code = match (named(rest), chars.next(), chars.next()) {
            (Some(code), _, _) => code,
            (None, Some(c), None) => KeyCode::Char(c),
            _ => None.ok_or_else(|| {
                format!(
                    "unknown key {text:?}: write one character, or a name such as Enter, Space, Tab, Esc, Up, PageDown or F5, with Ctrl- or Alt- before it"
                )
            })?,
        };
        let code = match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => KeyCode::BackTab,
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) => {
                KeyCode::Char(c.to_ascii_uppercase())
            }
            code => code,
        };
        Ok(Self::of(&KeyEvent::new(code, mods)))
    }

    /// How help, hints and the config file write it; `parse` reads it back.
    pub fn label(&self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) if self.mods.contains(KeyModifiers::CONTROL) => {
                c.to_ascii_uppercase().to_string()
            }
            KeyCode::Char(c) => c.to_string(),
            KeyCode::F(n) => format!("F{n}"),
            code => NAMED
                .iter()
                .find(|(_, c)| *c == code)
                .map_or_else(|| format!("{code:?}"), |(name, _)| (*name).to_string()),
        };
        let mut out = String::new();
        if self.mods.contains(KeyModifiers::CONTROL) {
            out.push_str("Ctrl-");
        }
        if self.mods.contains(KeyModifiers::ALT) {
            out.push_str("Alt-");
        }
        if self.mods.contains(KeyModifiers::SHIFT) {
            out.push_str("Shift-");
        }
        out.push_str(&base);
        out
    }
}

/// Named keys, as labels write them (arrows as help shows them).
const NAMED: &[(&str, KeyCode)] = &[
    ("Enter", KeyCode::Enter),
    ("Tab", KeyCode::Tab),
    ("Shift-Tab", KeyCode::BackTab),
    ("Esc", KeyCode::Esc),
    ("Backspace", KeyCode::Backspace),
    ("Delete", KeyCode::Delete),
    ("Insert", KeyCode::Insert),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("PageUp", KeyCode::PageUp),
    ("PageDown", KeyCode::PageDown),
    ("↑", KeyCode::Up),
    ("↓", KeyCode::Down),
    ("←", KeyCode::Left),
    ("→", KeyCode::Right),
];

/// A named key, any case; also the words for the arrows and a few aliases.
fn named(name: &str) -> Option<KeyCode> {
    let lower = name.to_ascii_lowercase();
    let alias = match lower.as_str() {
        "space" => Some(KeyCode::Char(' ')),
        "up" => Some(KeyCode::Up),
        "down" => Some(KeyCode::Down),
        "left" => Some(KeyCode::Left),
        "right" => Some(KeyCode::Right),
        "return" => Some(KeyCode::Enter),
        "escape" => Some(KeyCode::Esc),
        "backtab" => Some(KeyCode::BackTab),
        "pgup" => Some(KeyCode::PageUp),
        "pgdn" => Some(KeyCode::PageDown),
        "del" => Some(KeyCode::Delete),
        _ => None,
    };
    if alias.is_some() {
        return alias;
    }
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=24).contains(&n).then_some(KeyCode::F(n));
    }
    NAMED
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, code)| *code)
}

/// The keys in effect: the table's, with the config file's remaps laid over.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    /// Each binding's keys, in `BINDINGS` order.
    keys: Vec<Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            keys: BINDINGS.iter().map(|b| b.keys.to_vec()).collect(),
        }
    }
}

/// Why a remap was refused, and which of the remaps it was (its index in
/// the list given, so the config file can point at it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemapError {
    pub index: usize,
    pub message: String,
}

impl Keymap {
    /// The table with `remaps` (command name, its keys) laid over: a remapped
    /// command has exactly the keys given. A key bound twice, an unknown
    /// command or key, or a reserved key taken is refused.
    pub fn remapped(remaps: &[(String, Vec<String>)]) -> Result<Self, RemapError> {
        let mut map = Self::default();
        let mut from = vec![None; BINDINGS.len()];
        for (index, (name, keys)) in remaps.iter().enumerate() {
            let fail = |message: String| RemapError { index, message };
            let Some(at) = BINDINGS.iter().position(|b| b.name == name) else {
                let names: Vec<&str> = BINDINGS
                    .iter()
                    .filter(|b| !b.keys.is_empty())
                    .map(|b| b.name)
                    .collect();
                return Err(fail(format!(
                    "unknown command {name:?}; the commands with keys are {}",
                    names.join(", ")
                )));
            };
            if BINDINGS[at].keys.is_empty() {
                return Err(fail(format!(
                    "{name} is a palette command (`:{name}`); it takes no key"
                )));
            }
            let keys = keys
                .iter()
                .map(|k| Key::parse(k))
                .collect::<Result<Vec<_>, _>>()
                .map_err(fail)?;
            if keys.is_empty() {
                return Err(fail(format!("{name} needs at least one key")));
            }
            map.keys[at] = keys;
            from[at] = Some(index);
        }
        if let Some(quit) = BINDINGS.iter().position(|b| b.command == Command::Quit)
            && !map.keys[quit].contains(&CTRL_C)
        {
            map.keys[quit].push(CTRL_C);
        }
        for (at, keys) in map.keys.iter().enumerate() {
            let fail = |message: String| RemapError {
                index: from[at].unwrap_or_default(),
                message,
            };
            for key in keys {
                if *key == self::key(KeyCode::Esc) {
                    return Err(fail(
                        "Esc is reserved: it closes overlays and clears filters".into(),
                    ));
                }
                if *key == CTRL_C && BINDINGS[at].command != Command::Quit {
                    return Err(fail("Ctrl-C is reserved: it always quits".into()));
                }
                let other = map.keys[at + 1..]
                    .iter()
                    .position(|ks| ks.contains(key))
                    .map(|i| at + 1 + i);
                if let Some(other) = other {
                    let (a, b) = (BINDINGS[at].name, BINDINGS[other].name);
                    let index = from[at].or(from[other]).unwrap_or_default();
                    return Err(RemapError {
                        index,
                        message: format!(
                            "{} is bound to both {a} and {b}; remap the other one too",
                            key.label()
                        ),
                    });
                }
            }
        }
        Ok(map)
    }

    /// The command bound to a key event, if any.
    pub fn command_for(&self, event: &KeyEvent) -> Option<Command> {
        let key = Key::of(event);
        self.keys
            .iter()
            .position(|keys| keys.contains(&key))
            .map(|at| BINDINGS[at].command)
    }

    /// A binding's keys as help writes them ("↑ k", "q Ctrl-C").
    pub fn keys_of(&self, binding: &Binding) -> String {
        BINDINGS
            .iter()
            .position(|b| b.command == binding.command)
            .map(|at| {
                let labels: Vec<String> = self.keys[at].iter().map(Key::label).collect();
                labels.join(" ")
            })
            .unwrap_or_default()
    }

    /// The first key of a binding, for its footer hint.
    pub fn first_key(&self, binding: &Binding) -> Option<String> {
        let at = BINDINGS.iter().position(|b| b.command == binding.command)?;
        self.keys[at].first().map(Key::label)
    }

    /// How help names an entry: its keys, and its palette name with what it
    /// takes.
    pub fn shown(&self, b: &Binding) -> String {
        let keys = self.keys_of(b);
        let command = match (b.palette, b.args) {
            (false, _) => String::new(),
            (true, "") => format!(":{}", b.name),
            (true, args) => format!(":{} {args}", b.name),
        };
        match (keys.as_str(), command.as_str()) {
            (keys, "") => keys.to_string(),
            ("", command) => command.to_string(),
            (keys, command) => format!("{keys}  {command}"),
        }
    }

    /// Every remapped binding and its keys, in table order (what `drconsole
    /// config` prints).
    pub fn remaps(&self) -> Vec<(&'static str, String)> {
        let default = Self::default();
        BINDINGS
            .iter()
            .zip(&self.keys)
            .zip(&default.keys)
            .filter(|((_, keys), default)| keys != default)
            .map(|((b, _), _)| (b.name, self.keys_of(b)))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn every_command_has_exactly_one_binding() {
        let all = [
            Command::Up,
            Command::Down,
            Command::Confirm,
            Command::Start,
            Command::Declare,
            Command::Skip,
            Command::Undo,
            Command::Note,
            Command::FocusNext,
            Command::FocusPrev,
            Command::Zoom,
            Command::Readiness,
            Command::Refresh,
            Command::Help,
            Command::Quit,
            Command::Palette,
            Command::Filter,
            Command::Copy,
            Command::Pause,
            Command::Faster,
            Command::Slower,
            Command::InjectKey,
            Command::Speed,
            Command::Inject,
            Command::Scenario,
            Command::Step,
            Command::Theme,
            Command::Export,
            Command::Profile,
            Command::Region,
        ];
        for command in all {
            let n = BINDINGS.iter().filter(|b| b.command == command).count();
            assert_eq!(n, 1, "{command:?}");
        }
    }

    #[test]
    fn no_key_is_bound_twice() {
        let keys: Vec<_> = BINDINGS
            .iter()
            .flat_map(|b| b.keys.iter().map(|k| (k.code, k.mods)))
            .collect();
        for (i, a) in keys.iter().enumerate() {
            assert!(!keys[i + 1..].contains(a), "{a:?} bound twice");
        }
    }

    #[test]
    fn names_are_unique_and_every_entry_is_reachable() {
        let names: Vec<_> = BINDINGS.iter().map(|b| b.name).collect();
        for (i, a) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(a), "{a} named twice");
        }
        for b in BINDINGS {
            assert!(
                !b.keys.is_empty() || b.palette,
                "{:?} has neither a key nor a palette name",
                b.command
            );
        }
    }

    #[test]
    fn dispatches_from_the_table() {
        let keys = Keymap::default();
        let press = |code, mods| keys.command_for(&KeyEvent::new(code, mods));
        assert_eq!(
            press(KeyCode::Char('j'), KeyModifiers::NONE),
            Some(Command::Down)
        );
        assert_eq!(
            press(KeyCode::Char('?'), KeyModifiers::SHIFT),
            Some(Command::Help)
        );
        assert_eq!(
            press(KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Command::Quit)
        );
        assert_eq!(
            press(KeyCode::BackTab, KeyModifiers::SHIFT),
            Some(Command::FocusPrev)
        );
        assert_eq!(press(KeyCode::Char('w'), KeyModifiers::NONE), None);
        assert_eq!(
            press(KeyCode::Char('x'), KeyModifiers::NONE),
            Some(Command::Start)
        );
    }

    fn remap(pairs: &[(&str, &[&str])]) -> Result<Keymap, RemapError> {
        let remaps: Vec<(String, Vec<String>)> = pairs
            .iter()
            .map(|(n, ks)| (n.to_string(), ks.iter().map(|k| k.to_string()).collect()))
            .collect();
        Keymap::remapped(&remaps)
    }

    fn press(keys: &Keymap, code: KeyCode, mods: KeyModifiers) -> Option<Command> {
        keys.command_for(&KeyEvent::new(code, mods))
    }

    #[test]
    fn a_remapped_command_has_exactly_the_keys_given_and_help_shows_them() {
        let keys = remap(&[("confirm", &["o"]), ("zoom", &["Ctrl-Z", "F5"])]).unwrap();
        assert_eq!(
            press(&keys, KeyCode::Char('o'), KeyModifiers::NONE),
            Some(Command::Confirm)
        );
        assert_eq!(press(&keys, KeyCode::Enter, KeyModifiers::NONE), None);
        assert_eq!(
            press(&keys, KeyCode::Char('z'), KeyModifiers::CONTROL),
            Some(Command::Zoom)
        );
        assert_eq!(
            press(&keys, KeyCode::F(5), KeyModifiers::NONE),
            Some(Command::Zoom)
        );
        assert_eq!(press(&keys, KeyCode::Char('z'), KeyModifiers::NONE), None);
        let zoom = BINDINGS
            .iter()
            .find(|b| b.command == Command::Zoom)
            .unwrap();
        assert_eq!(keys.keys_of(zoom), "Ctrl-Z F5");
        assert_eq!(
            keys.remaps(),
            vec![
                ("confirm", "o".to_string()),
                ("zoom", "Ctrl-Z F5".to_string())
            ]
        );
    }

    #[test]
    fn a_key_taken_from_another_command_is_refused_naming_both() {
        let err = remap(&[("zoom", &["q"])]).unwrap_err();
        assert_eq!(err.index, 0);
        assert!(
            err.message.contains("q is bound to both"),
            "{}",
            err.message
        );
        assert!(
            err.message.contains("zoom") && err.message.contains("quit"),
            "{}",
            err.message
        );
        // Moving quit away frees q.
        let keys = remap(&[("quit", &["Q"]), ("zoom", &["q"])]).unwrap();
        assert_eq!(
            press(&keys, KeyCode::Char('q'), KeyModifiers::NONE),
            Some(Command::Zoom)
        );
    }

    #[test]
    fn ctrl_c_always_quits_and_esc_is_never_taken() {
        let keys = remap(&[("quit", &["Q"])]).unwrap();
        assert_eq!(
            press(&keys, KeyCode::Char('c'), KeyModifiers::CONTROL),
            Some(Command::Quit)
        );
        let err = remap(&[("note", &["Ctrl-C"])]).unwrap_err();
        assert!(
            err.message.contains("Ctrl-C is reserved"),
            "{}",
            err.message
        );
        let err = remap(&[("zoom", &["n"]), ("note", &["Esc"])]).unwrap_err();
        assert_eq!(err.index, 1, "the error names the remap that took Esc");
        assert!(err.message.contains("Esc is reserved"), "{}", err.message);
    }

    #[test]
    fn unknown_commands_keys_and_palette_only_commands_are_refused() {
        assert!(
            remap(&[("launch", &["l"])])
                .unwrap_err()
                .message
                .contains("unknown command")
        );
        assert!(
            remap(&[("zoom", &["Hyper-Z"])])
                .unwrap_err()
                .message
                .contains("unknown key")
        );
        assert!(
            remap(&[("theme", &["t"])])
                .unwrap_err()
                .message
                .contains("palette command")
        );
        assert!(
            remap(&[("zoom", &[])])
                .unwrap_err()
                .message
                .contains("at least one key")
        );
    }

    #[test]
    fn keys_read_as_written() {
        let key = |text| Key::parse(text).unwrap();
        assert_eq!(key("Shift-Tab"), super::key(KeyCode::BackTab));
        assert_eq!(key("space"), ch(' '));
        assert_eq!(key("-"), ch('-'));
        assert_eq!(key("Ctrl--").mods, KeyModifiers::CONTROL);
        assert_eq!(key("Shift-a"), ch('A'));
        assert_eq!(key("pgdn"), super::key(KeyCode::PageDown));
        assert!(Key::parse("F25").is_err());
        assert!(Key::parse("").is_err());
        assert!(Key::parse("  ").is_err());
        // A whitespace key other than Space is written as itself.
        for mods in [KeyModifiers::NONE, KeyModifiers::ALT] {
            let nbsp = Key::of(&KeyEvent::new(KeyCode::Char('\u{a0}'), mods));
            assert_eq!(Key::parse(&nbsp.label()), Ok(nbsp));
        }
    }

    fn any_key() -> impl Strategy<Value = Key> {
        let code = prop_oneof![
            any::<char>()
                .prop_filter("a printable key", |c| !c.is_control())
                .prop_map(KeyCode::Char),
            (1u8..=24).prop_map(KeyCode::F),
            proptest::sample::select(NAMED.iter().map(|(_, c)| *c).collect::<Vec<_>>()),
        ];
        let mods = proptest::sample::select(vec![
            KeyModifiers::NONE,
            KeyModifiers::CONTROL,
            KeyModifiers::ALT,
            KeyModifiers::CONTROL | KeyModifiers::ALT,
        ]);
        (code, mods).prop_map(|(code, mods)| Key::of(&KeyEvent::new(code, mods)))
    }

    proptest! {
        #[test]
        fn parsing_any_text_never_panics(text in ".{0,12}") {
            let _ = Key::parse(&text);
        }

        #[test]
        fn every_label_reads_back_as_its_key(key in any_key()) {
            let label = key.label();
            prop_assert_eq!(Key::parse(&label), Ok(key), "{}", label);
        }
    }
}
