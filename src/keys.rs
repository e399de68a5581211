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
    // Palette-only commands: they take an argument, so no key runs them.
    Scenario,
    Step,
    Theme,
    Export,
    Profile,
    Region,
}

#[derive(Debug, Clone, Copy)]
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
    /// How the keys are written in help and hints.
    pub shown: &'static str,
    pub command: Command,
    /// The one-word hint in the footer; empty keeps it out of the footer.
    pub hint: &'static str,
    /// Footer order, most useful first: a narrow footer keeps the lowest.
    pub rank: u8,
    /// Its name in the `:` palette; empty keeps it out of the palette.
    pub palette: &'static str,
    /// What the palette command takes after its name, as help shows it.
    pub args: &'static str,
    pub help: &'static str,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        shown: "↑ k",
        command: Command::Up,
        hint: "",
        rank: 0,
        palette: "",
        args: "",
        help: "Select the previous step (or scroll the focused pane)",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        shown: "↓ j",
        command: Command::Down,
        hint: "",
        rank: 0,
        palette: "",
        args: "",
        help: "Select the next step (or scroll the focused pane)",
    },
    Binding {
        keys: &[key(KeyCode::Enter), ch(' ')],
        shown: "Enter Space",
        command: Command::Confirm,
        hint: "confirm",
        rank: 1,
        palette: "",
        args: "",
        help: "Confirm the selected step (asks again if its check is not met)",
    },
    Binding {
        keys: &[ch('x')],
        shown: "x",
        command: Command::Start,
        hint: "start",
        rank: 2,
        palette: "",
        args: "",
        help: "Start the selected step: its clock runs; in a drill the simulated world runs its commands",
    },
    Binding {
        keys: &[ch('d')],
        shown: "d",
        command: Command::Declare,
        hint: "declare",
        rank: 8,
        palette: "",
        args: "",
        help: "Declare the incident, or set back when it began (\"-25m\", \"02:10\")",
    },
    Binding {
        keys: &[ch('s')],
        shown: "s",
        command: Command::Skip,
        hint: "skip",
        rank: 3,
        palette: "",
        args: "",
        help: "Skip the selected step, with a reason",
    },
    Binding {
        keys: &[ch('u')],
        shown: "u",
        command: Command::Undo,
        hint: "undo",
        rank: 7,
        palette: "",
        args: "",
        help: "Undo the latest confirm or skip (logged, never erased)",
    },
    Binding {
        keys: &[ch('n')],
        shown: "n",
        command: Command::Note,
        hint: "note",
        rank: 4,
        palette: "",
        args: "",
        help: "Add a note to the log",
    },
    Binding {
        keys: &[key(KeyCode::Tab)],
        shown: "Tab",
        command: Command::FocusNext,
        hint: "pane",
        rank: 11,
        palette: "",
        args: "",
        help: "Focus the next pane",
    },
    Binding {
        keys: &[
            key(KeyCode::BackTab),
            Key {
                code: KeyCode::BackTab,
                mods: KeyModifiers::SHIFT,
            },
        ],
        shown: "Shift-Tab",
        command: Command::FocusPrev,
        hint: "",
        rank: 0,
        palette: "",
        args: "",
        help: "Focus the previous pane",
    },
    Binding {
        keys: &[ch('z')],
        shown: "z",
        command: Command::Zoom,
        hint: "zoom",
        rank: 10,
        palette: "",
        args: "",
        help: "Zoom the focused pane (again to restore)",
    },
    Binding {
        keys: &[ch('c')],
        shown: "c",
        command: Command::Readiness,
        hint: "ready",
        rank: 9,
        palette: "readiness",
        args: "",
        help: "Check readiness: can this scenario run now (PITR window, recovery point, replica, backups, services)",
    },
    Binding {
        keys: &[ch('r')],
        shown: "r",
        command: Command::Refresh,
        hint: "refresh",
        rank: 12,
        palette: "refresh",
        args: "",
        help: "Refresh live data now",
    },
    Binding {
        keys: &[ch('?')],
        shown: "?",
        command: Command::Help,
        hint: "help",
        rank: 5,
        palette: "help",
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
        shown: "q Ctrl-C",
        command: Command::Quit,
        hint: "quit",
        rank: 6,
        palette: "quit",
        args: "",
        help: "Quit (asks first while steps remain; --resume continues)",
    },
    Binding {
        keys: &[ch(':')],
        shown: ":",
        command: Command::Palette,
        hint: "cmd",
        rank: 13,
        palette: "",
        args: "",
        help: "Open the command palette: Tab completes, ↑↓ recall, Enter runs, Esc closes",
    },
    Binding {
        keys: &[ch('/')],
        shown: "/",
        command: Command::Filter,
        hint: "filter",
        rank: 14,
        palette: "",
        args: "",
        help: "Filter the focused pane's rows by text (Enter keeps, Esc clears)",
    },
    Binding {
        keys: &[ch('y')],
        shown: "y",
        command: Command::Copy,
        hint: "copy",
        rank: 15,
        palette: "",
        args: "",
        help: "Copy the selected step's commands to the clipboard (OSC 52)",
    },
    Binding {
        keys: &[],
        shown: "",
        command: Command::Scenario,
        hint: "",
        rank: 0,
        palette: "scenario",
        args: "<id or title>",
        help: "Switch scenario: this session pauses, a new one begins (refused once a step or the declaration is recorded)",
    },
    Binding {
        keys: &[],
        shown: "",
        command: Command::Step,
        hint: "",
        rank: 0,
        palette: "step",
        args: "<n or title>",
        help: "Select a step by number or title",
    },
    Binding {
        keys: &[],
        shown: "",
        command: Command::Theme,
        hint: "",
        rank: 0,
        palette: "theme",
        args: "<dark|light|high-contrast>",
        help: "Switch the colour theme",
    },
    Binding {
        keys: &[],
        shown: "",
        command: Command::Export,
        hint: "",
        rank: 0,
        palette: "export",
        args: "",
        help: "Export this session as Markdown next to its journal",
    },
    Binding {
        keys: &[],
        shown: "",
        command: Command::Profile,
        hint: "",
        rank: 0,
        palette: "profile",
        args: "<name>",
        help: "Switch the AWS profile: live data is fetched again through it (journaled)",
    },
    Binding {
        keys: &[],
        shown: "",
        command: Command::Region,
        hint: "",
        rank: 0,
        palette: "region",
        args: "<name>",
        help: "Switch the primary AWS region, as --region does (journaled)",
    },
];

/// The command bound to a key event, if any. Shift on a printable
/// character is already in the character, so it is ignored there.
pub fn command_for(event: &KeyEvent) -> Option<Command> {
    let mods = match event.code {
        KeyCode::Char(_) => event.modifiers - KeyModifiers::SHIFT,
        _ => event.modifiers,
    };
    BINDINGS
        .iter()
        .find(|b| {
            b.keys
                .iter()
                .any(|k| k.code == event.code && k.mods == mods)
        })
        .map(|b| b.command)
}

/// The palette's commands, in table order.
pub fn palette_entries() -> impl Iterator<Item = &'static Binding> {
    BINDINGS.iter().filter(|b| !b.palette.is_empty())
}

/// How help names an entry: its keys, and its palette name with what it takes.
pub fn shown(b: &Binding) -> String {
    let command = match b.args {
        "" => format!(":{}", b.palette),
        args => format!(":{} {args}", b.palette),
    };
    match (b.shown, b.palette) {
        (keys, "") => keys.to_string(),
        ("", _) => command,
        (keys, _) => format!("{keys}  {command}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn palette_names_are_unique_and_every_entry_is_reachable() {
        let names: Vec<_> = palette_entries().map(|b| b.palette).collect();
        for (i, a) in names.iter().enumerate() {
            assert!(!names[i + 1..].contains(a), "{a} named twice");
        }
        for b in BINDINGS {
            assert!(
                !b.keys.is_empty() || !b.palette.is_empty(),
                "{:?} has neither a key nor a palette name",
                b.command
            );
        }
    }

    #[test]
    fn dispatches_from_the_table() {
        let press = |code, mods| command_for(&KeyEvent::new(code, mods));
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
}
