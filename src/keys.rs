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
    pub help: &'static str,
}

pub const BINDINGS: &[Binding] = &[
    Binding {
        keys: &[key(KeyCode::Up), ch('k')],
        shown: "↑ k",
        command: Command::Up,
        hint: "",
        rank: 0,
        help: "Select the previous step (or scroll the focused pane)",
    },
    Binding {
        keys: &[key(KeyCode::Down), ch('j')],
        shown: "↓ j",
        command: Command::Down,
        hint: "",
        rank: 0,
        help: "Select the next step (or scroll the focused pane)",
    },
    Binding {
        keys: &[key(KeyCode::Enter), ch(' ')],
        shown: "Enter Space",
        command: Command::Confirm,
        hint: "confirm",
        rank: 1,
        help: "Confirm the selected step (asks again if its check is not met)",
    },
    Binding {
        keys: &[ch('x')],
        shown: "x",
        command: Command::Start,
        hint: "start",
        rank: 2,
        help: "Start the selected step: its clock runs; in a drill the simulated world runs its commands",
    },
    Binding {
        keys: &[ch('d')],
        shown: "d",
        command: Command::Declare,
        hint: "declare",
        rank: 8,
        help: "Declare the incident, or set back when it began (\"-25m\", \"02:10\")",
    },
    Binding {
        keys: &[ch('s')],
        shown: "s",
        command: Command::Skip,
        hint: "skip",
        rank: 3,
        help: "Skip the selected step, with a reason",
    },
    Binding {
        keys: &[ch('u')],
        shown: "u",
        command: Command::Undo,
        hint: "undo",
        rank: 7,
        help: "Undo the latest confirm or skip (logged, never erased)",
    },
    Binding {
        keys: &[ch('n')],
        shown: "n",
        command: Command::Note,
        hint: "note",
        rank: 4,
        help: "Add a note to the log",
    },
    Binding {
        keys: &[key(KeyCode::Tab)],
        shown: "Tab",
        command: Command::FocusNext,
        hint: "pane",
        rank: 11,
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
        help: "Focus the previous pane",
    },
    Binding {
        keys: &[ch('z')],
        shown: "z",
        command: Command::Zoom,
        hint: "zoom",
        rank: 10,
        help: "Zoom the focused pane (again to restore)",
    },
    Binding {
        keys: &[ch('c')],
        shown: "c",
        command: Command::Readiness,
        hint: "ready",
        rank: 9,
        help: "Check readiness: can this scenario run now (PITR window, recovery point, replica, backups, services)",
    },
    Binding {
        keys: &[ch('r')],
        shown: "r",
        command: Command::Refresh,
        hint: "refresh",
        rank: 12,
        help: "Refresh live data now",
    },
    Binding {
        keys: &[ch('?')],
        shown: "?",
        command: Command::Help,
        hint: "help",
        rank: 5,
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
        help: "Quit (asks first while steps remain; --resume continues)",
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
