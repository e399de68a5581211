//! The console in a real pseudo-terminal: whatever ends it — a signal sent
//! from outside, or `q` after the window grew — the shell gets its screen
//! back as it was, and the journal says why the session stopped. Without a
//! terminal the console refuses before it writes anything.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::pty::Pty;
use nix::sys::signal::{Signal, kill};
use nix::sys::termios::LocalFlags;
use nix::unistd::Pid;

const RUNBOOK: &str = "Rally production";

fn start(journal: &Path, rows: u16, cols: u16) -> Pty {
    let dir = journal.parent().unwrap();
    let pty = Pty::spawn(
        &[
            "demo",
            "--scenario",
            "instance-failure",
            "--journal-dir",
            journal.to_str().unwrap(),
        ],
        dir,
        rows,
        cols,
    );
    pty.wait_for("the console drawn", |s| {
        s.alternate_screen() && s.contents().contains(RUNBOOK)
    });
    pty
}

/// The session files (`*.jsonl`; not the `.lock` beside each).
fn journal_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
                .collect()
        })
        .unwrap_or_default()
}

/// The one journal's last entry, as JSON.
fn last_entry(dir: &Path) -> serde_json::Value {
    let files = journal_files(dir);
    let [file] = files.as_slice() else {
        panic!("one journal expected in {}: {files:?}", dir.display());
    };
    let text = std::fs::read_to_string(file).unwrap();
    serde_json::from_str(text.lines().last().unwrap()).unwrap()
}

/// Back on the primary screen with the cursor shown, no mouse reporting,
/// and the line discipline cooked again (echo, line editing); the primary
/// screen holds only the line the console prints on leaving.
fn assert_restored(pty: &Pty, journal: &Path, what: &str) {
    let parser = pty.screen.lock().unwrap();
    let screen = parser.screen();
    assert!(
        !screen.alternate_screen(),
        "{what}: still on the alternate screen"
    );
    assert!(!screen.hide_cursor(), "{what}: cursor hidden");
    assert_eq!(
        screen.mouse_protocol_mode(),
        vt100::MouseProtocolMode::None,
        "{what}: mouse still captured"
    );
    let termios = pty.master.get_termios().expect("the pty's termios");
    assert!(
        termios
            .local_flags
            .contains(LocalFlags::ECHO | LocalFlags::ICANON),
        "{what}: echo or line editing still off: {:?}",
        termios.local_flags
    );
    let files = journal_files(journal);
    let shown: Vec<String> = screen
        .contents()
        .lines()
        .map(|l| l.trim_end().to_string())
        .filter(|l| !l.is_empty())
        .collect();
    // Where the journal is, the exact command that resumes the session
    // (every step of it is open), and how to export it.
    let steps = drconsole::runbook::builtin::rally()
        .scenario("instance-failure")
        .unwrap()
        .steps
        .len();
    let file = files[0].display();
    assert_eq!(
        shown,
        [
            format!("journal: {file}"),
            format!(
                "{steps} steps left; resume with: drconsole demo --journal-dir {} \
                 --scenario instance-failure --resume",
                journal.display()
            ),
            format!("export the timeline: drconsole log export {file}"),
        ],
        "{what}: the primary screen"
    );
}

#[test]
fn every_signal_from_outside_restores_the_terminal_and_journals_the_pause() {
    let signals = [
        (Signal::SIGINT, 130),
        (Signal::SIGTERM, 143),
        (Signal::SIGHUP, 129),
        (Signal::SIGQUIT, 131),
    ];
    for (signal, code) in signals {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal");
        let mut pty = start(&journal, 30, 100);
        let raw = pty.master.get_termios().unwrap().local_flags;
        assert!(!raw.contains(LocalFlags::ECHO), "{signal}: raw while drawn");

        kill(Pid::from_raw(pty.pid()), signal).unwrap();

        assert_eq!(pty.wait_exit(), Some(code), "{signal}: exit code");
        assert_restored(&pty, &journal, signal.as_str());
        let last = last_entry(&journal);
        assert_eq!(last["kind"], "session_paused", "{signal}: {last}");
        assert_eq!(
            last["note"],
            format!("terminated by {}", signal.as_str()),
            "{signal}"
        );
    }
}

#[test]
fn quitting_after_the_window_grew_leaves_the_shell_screen_clean() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let mut pty = start(&journal, 24, 80);
    pty.resize(40, 130);
    // Redrawn at the new size: the header reaches past the old width.
    pty.wait_for("the console redrawn at 130 columns", |s| {
        s.alternate_screen()
            && s.rows(80, 50).any(|row| !row.trim().is_empty())
            && s.contents().contains(RUNBOOK)
    });
    pty.send(b"q");
    pty.wait_for("the quit question", |s| s.contents().contains("y/"));
    pty.send(b"y");

    assert_eq!(pty.wait_exit(), Some(0));
    assert_restored(&pty, &journal, "q after resize");
    assert_eq!(last_entry(&journal)["kind"], "session_paused");
}

/// `demo` with stdin and stdout as given; the journal directory must not
/// even be created.
fn demo_without_a_terminal(stdin: Stdio, stdout: Stdio) {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(["demo", "--scenario", "instance-failure", "--journal-dir"])
        .arg(&journal)
        .env("DRCONSOLE_JOURNAL_DIR", &journal)
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("needs a terminal"), "{err}");
    assert!(err.contains("drconsole status"), "{err}");
    assert!(!journal.exists(), "journal directory created: {err}");
}

#[test]
fn without_a_terminal_the_console_refuses_before_journaling() {
    demo_without_a_terminal(Stdio::piped(), Stdio::piped());
    // One end a terminal is not enough.
    let pty = nix::pty::openpty(None, None).unwrap();
    demo_without_a_terminal(Stdio::from(pty.slave), Stdio::piped());
    let pty = nix::pty::openpty(None, None).unwrap();
    demo_without_a_terminal(Stdio::null(), Stdio::from(pty.slave));
}

/// Typed in the console, Ctrl-C is a key (raw mode), not a signal: it asks
/// before quitting, like `q`, and `y` or a second Ctrl-C ends the session
/// normally.
#[test]
fn ctrl_c_typed_in_the_console_asks_to_quit() {
    for answer in [&b"y"[..], b"\x03"] {
        let dir = tempfile::tempdir().unwrap();
        let journal = dir.path().join("journal");
        let mut pty = start(&journal, 30, 100);
        pty.send(b"\x03");
        pty.wait_for("the quit question", |s| s.contents().contains("y/"));
        pty.send(answer);

        assert_eq!(pty.wait_exit(), Some(0), "{answer:?}");
        assert_restored(&pty, &journal, "Ctrl-C typed");
        let last = last_entry(&journal);
        assert_eq!(last["kind"], "session_paused", "{last}");
        assert_eq!(last["note"], serde_json::Value::Null, "{last}");
    }
}

/// `y` reaches the terminal itself: the OSC 52 request for the selected
/// step's commands is in what the console wrote, and nothing is journaled.
#[test]
fn y_sends_the_steps_commands_to_the_terminals_clipboard() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("journal");
    let mut pty = start(&journal, 30, 100);
    let rally = drconsole::runbook::builtin::rally();
    let scenario = rally
        .scenarios
        .iter()
        .find(|s| s.id == "instance-failure")
        .unwrap();
    let (index, step) = scenario
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| s.commands.len() > 1)
        .expect("a step with several commands");
    let n = step.commands.len();
    pty.send(&b"j".repeat(index));
    pty.send(b"y");
    let copied = format!("copied {n} commands");
    pty.wait_for("the copy confirmed", |s| s.contents().contains(&copied));

    let expected = drconsole::clipboard::osc52(&step.commands.join("\n"));
    let raw = pty.raw.lock().unwrap().clone();
    assert!(
        raw.windows(expected.len())
            .any(|w| w == expected.as_bytes()),
        "no OSC 52 request for {}'s commands",
        step.id
    );
    assert_eq!(last_entry(&journal)["kind"], "session_started");
    pty.send(b"q");
    pty.wait_for("the quit question", |s| s.contents().contains("y/"));
    pty.send(b"y");
    assert_eq!(pty.wait_exit(), Some(0));
}
