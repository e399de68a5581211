//! `drconsole completions SHELL` and `drconsole man`, through the binary:
//! every script and the man page name every command, nested ones too.

use std::process::{Command, Output};

use clap::{CommandFactory, ValueEnum};
use clap_complete::Shell;
use drconsole::cli::Cli;

fn drconsole(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "drconsole {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every command and nested command the parser knows, e.g. "log export".
fn command_paths() -> Vec<Vec<String>> {
    fn walk(cmd: &clap::Command, above: &[String], out: &mut Vec<Vec<String>>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            let mut path = above.to_vec();
            path.push(sub.get_name().to_owned());
            walk(sub, &path, out);
            out.push(path);
        }
    }
    let mut out = Vec::new();
    walk(&Cli::command(), &[], &mut out);
    out
}

#[test]
fn the_commands_include_the_shell_ones_and_nested_ones() {
    let paths = command_paths();
    for expected in [
        &["demo"][..],
        &["schema"],
        &["completions"],
        &["man"],
        &["log", "export"],
    ] {
        assert!(
            paths.iter().any(|p| p == expected),
            "{expected:?} not in {paths:?}"
        );
    }
}

#[test]
fn every_shells_script_names_every_command() {
    let shells = Shell::value_variants();
    let names: Vec<_> = shells
        .iter()
        .map(|s| s.to_possible_value().unwrap().get_name().to_owned())
        .collect();
    for wanted in ["bash", "zsh", "fish"] {
        assert!(
            names.iter().any(|n| n == wanted),
            "{wanted} not in {names:?}"
        );
    }
    for shell in names {
        let script = String::from_utf8(drconsole(&["completions", &shell]).stdout).unwrap();
        assert!(script.contains("drconsole"), "{shell}: {script}");
        for path in command_paths() {
            let name = path.last().unwrap();
            assert!(names_word(&script, name), "{shell} script lacks {path:?}");
        }
    }
}

/// Whether `word` stands alone in `text` (so "run" is not found in "running").
fn names_word(text: &str, word: &str) -> bool {
    let part_of_word = |c: char| c.is_ascii_alphanumeric() || c == '-';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(part_of_word) && !after.is_some_and(part_of_word)
    })
}

#[test]
fn an_unknown_shell_is_refused_naming_the_choices() {
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("[possible values: bash"), "{stderr}");
}

#[test]
fn the_man_page_is_roff_naming_every_command() {
    let page = String::from_utf8(drconsole(&["man"]).stdout).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq"), "{page}");
    assert!(page.contains(".TH drconsole 1"), "{page}");
    assert!(page.contains("A terminal incident console for AWS disaster recovery"));
    // The top page lists the top commands as drconsole\-NAME(1).
    for path in command_paths().iter().filter(|p| p.len() == 1) {
        let entry = format!("drconsole\\-{}(1)", path[0]);
        assert!(page.contains(&entry), "man page lacks {entry}");
    }
}

#[test]
fn man_out_dir_writes_a_page_for_every_command() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let out = drconsole(&["man", "--out-dir", pages.to_str().unwrap()]);
    assert!(out.stdout.is_empty());
    let mut written: Vec<String> = std::fs::read_dir(&pages)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    let mut expected: Vec<String> = command_paths()
        .iter()
        .map(|p| format!("drconsole-{}.1", p.join("-")))
        .chain(["drconsole.1".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(written, expected);
    let export = std::fs::read_to_string(pages.join("drconsole-log-export.1")).unwrap();
    assert!(export.contains("\\-\\-format"), "{export}");
}
