//! The binary as a user runs it: exit codes, messages, files written.

mod common;

use std::process::{Command, Output};

use common::pty::Pty;

fn drconsole(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .env(
            "DRCONSOLE_JOURNAL_DIR",
            std::env::temp_dir().join("drconsole-cli-test"),
        )
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn validate_reports_position_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(
        &file,
        "name = \"x\"\n[objectives]\nrto = \"soon\"\nrpo = \"5m\"\n",
    )
    .unwrap();
    let out = drconsole(&["validate", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains("bad.toml:3:7: error:"), "{err}");
    assert!(err.contains("invalid duration"), "{err}");
}

#[test]
fn validate_json_prints_normalized_runbook() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/rally.toml");
    let out = drconsole(&["validate", file, "--json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["objectives"]["rto"], 43_200);
    assert_eq!(json["scenario"].as_array().unwrap().len(), 4);
}

#[test]
fn screenshot_writes_the_frame() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("frame.txt");
    let out = drconsole(&[
        "screenshot",
        "--scenario",
        "instance-failure",
        "--size",
        "80x24",
        "--format",
        "txt",
        "--out",
        out_file.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let frame = std::fs::read_to_string(&out_file).unwrap();
    assert_eq!(frame.lines().count(), 24);
    assert!(
        frame.contains("SIMULATED") && frame.contains("Declare the incident"),
        "{frame}"
    );
}

#[test]
fn a_bad_theme_names_the_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let theme = dir.path().join("mine.toml");
    std::fs::write(&theme, "[colors]\nok = \"greenish\"\n").unwrap();
    let out = drconsole(&[
        "screenshot",
        "--theme",
        theme.to_str().unwrap(),
        "--out",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("mine.toml") && err.contains("colors.ok"),
        "{err}"
    );
}

/// Without `--sim`, `run` builds AWS clients (taking `--profile` and
/// `--region`) and then needs a terminal. Every endpoint points at a closed
/// local port and credentials are fake, so nothing can reach AWS.
/// The console needs a terminal: these run it in a pseudo-terminal.
#[test]
fn run_without_sim_watches_aws_and_takes_profile_and_region() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        "[profile drill]\nregion = eu-north-1\naws_access_key_id = fake\naws_secret_access_key = fake\n",
    )
    .unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/rally.toml");
    let mut pty = Pty::spawn_with(
        &["run", file, "--profile", "drill", "--region", "eu-north-1"],
        dir.path(),
        |cmd| {
            cmd.env("AWS_CONFIG_FILE", &config);
            cmd.env("AWS_SHARED_CREDENTIALS_FILE", dir.path().join("none"));
            cmd.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
            cmd.env("AWS_EC2_METADATA_DISABLED", "true");
            cmd.env_remove("AWS_PROFILE");
        },
    );
    // The console opens on AWS (not the simulator) in the region given.
    pty.wait_for("the console on AWS in eu-north-1", |s| {
        s.alternate_screen()
            && s.contents().contains("eu-north-1")
            && !s.contents().contains("SIMULATED")
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), Some(0));
}

#[test]
fn unknown_scenario_lists_the_known_ones() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(
        &["demo", "--scenario", "meteor-strike"],
        dir.path(),
        24,
        120,
    );
    assert_eq!(pty.wait_exit(), Some(2));
    let err = pty.screen.lock().unwrap().screen().contents();
    assert!(
        err.contains("meteor-strike") && err.contains("instance-failure"),
        "{err}"
    );
}

#[test]
fn log_export_of_a_journal_file() {
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("s.jsonl");
    std::fs::write(
        &journal,
        concat!(
            r#"{"seq":1,"time":"2026-03-14T02:00:00Z","actor":"alice","kind":"session_started","runbook":"Rally production","scenario":"instance-failure","drill":true}"#,
            "\n",
            r#"{"seq":2,"time":"2026-03-14T02:04:00Z","actor":"alice","kind":"confirmed","runbook":"Rally production","scenario":"instance-failure","step":"declare","drill":true}"#,
            "\n",
            r#"{"seq":3,"time":"2026-03-14T02:0"#
        ),
    )
    .unwrap();
    let out = drconsole(&["log", "export", journal.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("declare"),
        "{}",
        text(&out.stdout)
    );
    assert!(
        text(&out.stderr).contains("incomplete"),
        "torn line warned: {}",
        text(&out.stderr)
    );
    // A journal from before the runbook was recorded: said, not guessed.
    assert!(
        text(&out.stderr).contains("does not record the runbook's file"),
        "{}",
        text(&out.stderr)
    );
}

/// The console journals the runbook it was started with; `log export`
/// judges targets against it while it is there, and says when it is gone.
#[test]
fn log_export_judges_against_the_sessions_runbook() {
    let dir = tempfile::tempdir().unwrap();
    let runbook = dir.path().join("my.toml");
    std::fs::copy(
        concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/rally.toml"),
        &runbook,
    )
    .unwrap();
    let journals = dir.path().join("journals");
    let mut pty = Pty::spawn(
        &[
            "run",
            "my.toml",
            "--sim",
            "--scenario",
            "instance-failure",
            "--journal-dir",
            journals.to_str().unwrap(),
        ],
        dir.path(),
        40,
        140,
    );
    pty.wait_for("the checklist", |s| {
        s.alternate_screen() && s.contents().contains("Checklist")
    });
    pty.send(b"q");
    pty.wait_for("the quit question", |s| s.contents().contains("y/n"));
    pty.send(b"y");
    assert_eq!(pty.wait_exit(), Some(0));

    // Exported from another directory: the path was recorded absolute.
    let export = || drconsole(&["log", "export", "--journal-dir", journals.to_str().unwrap()]);
    let out = export();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    let recorded = format!(
        "- **Targets from:** {}, the runbook the session was started with",
        runbook.canonicalize().unwrap().display()
    );
    assert!(md.contains(&recorded), "{md}");
    // The runbook gives the scenario's title and its steps, none done.
    assert!(md.contains("A: Database instance failure"), "{md}");
    assert!(md.contains("| not done |"), "{md}");

    std::fs::remove_file(&runbook).unwrap();
    let out = export();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let gone = "my.toml is no longer there; `--runbook` gives another copy";
    assert!(text(&out.stderr).contains(gone), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert!(md.contains(gone), "{md}");
    assert!(!md.contains("A: Database instance failure"), "{md}");
}

/// `drconsole` alone is `drconsole demo` with demo's own defaults.
#[test]
fn no_command_is_demo_with_its_defaults() {
    use clap::Parser;
    use drconsole::cli::{Cli, Command};
    let Command::Demo(demo) = Cli::parse_from(["drconsole"]).command_or_demo() else {
        panic!("no command should run demo");
    };
    let console = &demo.console;
    assert_eq!(demo.runbook, None);
    assert_eq!((console.theme.as_deref(), console.seed), (None, 7));
    assert_eq!((console.scenario.as_deref(), console.resume), (None, false));
}

/// Read-only is the only mode; `--readonly`, typed out of habit, is
/// accepted by the commands that read AWS, and help says it is the default.
#[test]
fn readonly_is_accepted_and_help_says_it_is_the_default() {
    use clap::Parser;
    use drconsole::cli::{Cli, Command};
    let parse = |args: &[&str]| {
        Cli::try_parse_from(args)
            .unwrap_or_else(|e| panic!("{args:?}: {e}"))
            .command_or_demo()
    };
    let readonly = |command: Command| match command {
        Command::Demo(a) => a.console.readonly.readonly,
        Command::Run(a) => a.console.readonly.readonly,
        Command::Status(a) => a.source.readonly.readonly,
        Command::Ready(a) => a.source.readonly.readonly,
        other => panic!("no --readonly on {other:?}"),
    };
    for args in [
        &["drconsole", "demo", "--readonly"][..],
        &["drconsole", "run", "rally", "--readonly"],
        &["drconsole", "status", "rally", "--readonly"],
        &[
            "drconsole",
            "ready",
            "rally",
            "--scenario",
            "x",
            "--readonly",
        ],
    ] {
        assert!(readonly(parse(args)), "{args:?}");
    }
    let help = text(&drconsole(&["--help"]).stdout);
    assert!(help.contains("never changes"), "{help}");
    let run_help = text(&drconsole(&["run", "--help"]).stdout);
    assert!(
        run_help.contains("--readonly") && run_help.contains("the default"),
        "{run_help}"
    );
}

/// `validate` reads a built-in name as every other command does.
#[test]
fn validate_takes_a_builtin_name_and_a_plan() {
    let out = drconsole(&["validate", "regami"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("regami (built in): ok — 6 scenarios"),
        "{}",
        text(&out.stdout)
    );
    let out = drconsole(&["validate", "rally", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["name"], "Rally production");
    // A plan is validated as `run` would read it: imported.
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/plans/multi-region.md"
    );
    let out = drconsole(&["validate", plan]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains(": ok — "),
        "{}",
        text(&out.stdout)
    );
}

/// A file named like a built-in is the user's own: it wins.
#[test]
fn a_file_named_like_a_builtin_is_read_instead() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("rally"), "name = \"x\"\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(["validate", "rally"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("rally:1:1: error: missing field"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn status_and_ready_take_a_builtin_name() {
    let out = drconsole(&["status", "regami", "--sim", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    assert_eq!(json["runbook"], "Regami production");
    let out = drconsole(&[
        "ready",
        "rally",
        "--scenario",
        "instance-failure",
        "--sim",
        "--json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    assert_eq!(
        (&json["runbook"], &json["scenario"]),
        (&"Rally production".into(), &"instance-failure".into())
    );
    // A built-in's warnings (restore targets) are not the user's to fix.
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn screenshot_and_log_export_take_a_builtin_name() {
    let dir = tempfile::tempdir().unwrap();
    let frame = dir.path().join("frame.txt");
    let out = drconsole(&[
        "screenshot",
        "--runbook",
        "regami",
        "--format",
        "txt",
        "--out",
        frame.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let frame = std::fs::read_to_string(&frame).unwrap();
    assert!(frame.contains("Regami"), "{frame}");

    let journal = dir.path().join("s.jsonl");
    std::fs::write(
        &journal,
        concat!(
            r#"{"seq":1,"time":"2026-03-14T02:00:00Z","actor":"alice","kind":"session_started","runbook":"Rally production","scenario":"instance-failure","drill":true}"#,
            "\n",
        ),
    )
    .unwrap();
    let out = drconsole(&[
        "log",
        "export",
        journal.to_str().unwrap(),
        "--runbook",
        "rally",
    ]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The scenario's title comes from the built-in runbook.
    let title = &drconsole::runbook::builtin::rally()
        .scenario("instance-failure")
        .unwrap()
        .title
        .clone();
    assert!(
        text(&out.stdout).contains(title.as_str()),
        "{}",
        text(&out.stdout)
    );
}

/// `run` with a built-in name opens its picker.
#[test]
fn run_takes_a_builtin_name() {
    let dir = tempfile::tempdir().unwrap();
    let mut pty = Pty::spawn(&["run", "regami", "--sim"], dir.path(), 40, 140);
    pty.wait_for("the Regami picker", |s| {
        s.alternate_screen() && s.contents().contains("Regami")
    });
    pty.send(b"q");
    assert_eq!(pty.wait_exit(), Some(0));
}

/// docs/ready.md's sample is what the command prints, bar the clock: runs
/// of digits (times) and durations (`74m`, `1d2h`, which change unit with
/// the time of day) are compared as one placeholder.
#[test]
fn the_ready_doc_sample_is_what_ready_prints() {
    let command = "$ drconsole ready rally --scenario instance-failure --sim\n";
    let doc = include_str!("../docs/ready.md");
    let sample = doc
        .split(command)
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("docs/ready.md shows the command and its output");
    let out = drconsole(&["ready", "rally", "--scenario", "instance-failure", "--sim"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let digits = |s: &str| {
        let mut masked = String::new();
        for c in s.chars() {
            let unit = matches!(c, 'd' | 'h' | 'm' | 's');
            match (c.is_ascii_digit(), unit, masked.ends_with('#')) {
                (true, _, true) | (false, true, true) => {}
                (true, _, false) => masked.push('#'),
                (false, _, _) => masked.push(c),
            }
        }
        masked
    };
    assert_eq!(digits(sample), digits(&text(&out.stdout)));
}

/// A scenario whose recovery drconsole cannot watch is not called READY;
/// the exit code stays 0, since nothing known stands in the way.
#[test]
fn ready_on_a_scenario_with_nothing_to_check_says_unchecked() {
    let out = drconsole(&["ready", "rally", "--scenario", "regional-outage", "--sim"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "no check applies: no `ready` list, and the steps use nothing drconsole watches",
            "RPO basis: none (no step restores or promotes a database)",
            "regions: us-east-1 ok",
            "",
            "UNCHECKED (nothing on this recovery path that drconsole can watch)",
        ]
    );
}

#[test]
fn readme_lists_every_key_as_the_key_table_has_it() {
    let readme = include_str!("../README.md");
    let mut missing = Vec::new();
    let keys = drconsole::keys::Keymap::default();
    for binding in drconsole::keys::BINDINGS {
        // As help shows it: the keys, then the `:` command.
        let label = keys.shown(binding).replace('|', "\\|");
        let row = format!("| `{label}` | {} |", binding.help);
        if !readme.contains(&row) {
            missing.push(row);
        }
    }
    assert!(
        missing.is_empty(),
        "README lacks the key rows:\n{}",
        missing.join("\n")
    );
}

#[test]
fn readme_runbook_example_is_valid() {
    let readme = include_str!("../README.md");
    let start = readme.find("```toml\n").expect("a toml example") + 8;
    let end = start + readme[start..].find("```").unwrap();
    let (runbook, warnings) =
        drconsole::runbook::load::parse(&readme[start..end], "README.md").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(runbook.scenarios[0].steps.len(), 2);
}

#[test]
fn status_on_the_simulated_environment() {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/rally.toml");
    // The simulated 5xx alarm flaps on the wall clock, so the verdict may be
    // either; tests/status.rs pins the clock. Here: the exit code is the
    // verdict the JSON states, and every watched kind was read.
    let out = drconsole(&["status", file, "--sim", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let code = out.status.code().unwrap();
    assert_eq!(json["exit_code"], code, "{}", text(&out.stderr));
    let expected = match code {
        0 => "healthy",
        1 => "degraded",
        _ => panic!(
            "the simulated environment always answers: {}",
            text(&out.stdout)
        ),
    };
    assert_eq!(json["overall"], expected);
    assert_eq!(json["failures"].as_array().unwrap().len(), 0);
}

/// Without `--sim`, `status` reads AWS. Every endpoint here is a closed
/// local port with fake credentials: nothing answers, so it cannot tell.
#[test]
fn status_without_sim_reads_aws_and_an_unreachable_account_cannot_tell() {
    let dir = tempfile::tempdir().unwrap();
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/rally.toml");
    let out = common::unreachable_aws(
        Command::new(env!("CARGO_BIN_EXE_drconsole")).args(["status", file]),
        dir.path(),
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let table = text(&out.stdout);
    assert!(table.contains("Rally production · aws"), "{table}");
    assert_eq!(table.matches("ERROR     Unreachable").count(), 4, "{table}");
    assert!(
        table.contains("overall: could not tell (4 source(s) failed)"),
        "{table}"
    );

    // The JSON names each failure's kind, region and API call.
    let out = common::unreachable_aws(
        Command::new(env!("CARGO_BIN_EXE_drconsole")).args(["status", file, "--json"]),
        dir.path(),
    )
    .output()
    .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let failures = json["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 4, "{failures:?}");
    let failure = |kind: &str| failures.iter().find(|f| f["kind"] == kind).unwrap();
    for (kind, api) in [("ecs", "DescribeServices"), ("alarms", "DescribeAlarms")] {
        assert_eq!(failure(kind)["code"], "Unreachable");
        assert_eq!(failure(kind)["region"], "us-east-1");
        assert_eq!(failure(kind)["api"], api);
    }
    // RDS makes several calls at once; whichever failed first is named,
    // and its message says the same call and region.
    let rds = failure("rds");
    let api = rds["api"].as_str().unwrap();
    let message = rds["message"].as_str().unwrap();
    assert!(message.starts_with(&format!("{api} in us-east-1")), "{rds}");
}

/// A reader that went away (`drconsole status | head`) is not an error to
/// report: every printing command exits quietly with SIGPIPE's status.
#[test]
fn a_closed_pipe_ends_each_printing_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let rally = concat!(env!("CARGO_MANIFEST_DIR"), "/runbooks/rally.toml");
    let plan = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/plans/two-region-replica.md"
    );
    let journal = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/journals/walk.jsonl"
    );
    let commands: [&[&str]; 5] = [
        &["status", rally, "--sim"],
        &["ready", rally, "--sim", "--scenario", "instance-failure"],
        &["validate", rally, "--json"],
        &["import", plan],
        &["log", "export", journal],
    ];
    for args in commands {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_drconsole"))
            .args(args)
            .env("DRCONSOLE_JOURNAL_DIR", dir.path())
            .stdout(writer)
            .stderr(std::process::Stdio::piped())
            .output()
            .unwrap();
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(141), "{args:?}: {stderr}");
        assert!(!stderr.contains("Broken pipe"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `drconsole config` says which file it read and where each setting came
/// from; the console's unset flags take the file's values.
#[test]
fn config_prints_each_setting_and_its_origin() {
    use clap::Parser;
    use drconsole::cli::{Cli, Command as Cmd};
    use drconsole::config::Settings;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.toml");
    std::fs::write(&file, "theme = \"light\"\n[refresh]\nstate = \"30s\"\n").unwrap();
    let path = file.to_str().unwrap();
    let out = drconsole(&["config", "--config", path]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with(&format!("config file: {path}\n")),
        "{shown}"
    );
    let row = |key: &str| {
        shown
            .lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("no {key}: {shown}"))
            .split_whitespace()
            .collect::<Vec<_>>()
    };
    assert_eq!(row("theme"), ["theme", "light", path]);
    assert_eq!(row("refresh.state"), ["refresh.state", "30s", path]);
    assert_eq!(row("refresh.metrics"), ["refresh.metrics", "1m", "default"]);

    // A flag given beats the file; one not given takes it.
    let settings = Settings::load(Some(&file)).unwrap();
    for (args, theme) in [
        (vec!["drconsole", "demo"], "light"),
        (vec!["drconsole", "demo", "--theme", "dark"], "dark"),
    ] {
        let mut command = Cli::parse_from(args).command_or_demo();
        drconsole::commands::config::apply(&settings, &mut command);
        let Cmd::Demo(demo) = command else {
            panic!("demo")
        };
        assert_eq!(demo.console.theme.as_deref(), Some(theme));
    }
}

#[test]
fn a_bad_config_names_file_line_and_column_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("team.toml");
    std::fs::write(&file, "theme = \"light\"\nrefesh = 1\n").unwrap();
    let out = drconsole(&[
        "status",
        "rally",
        "--sim",
        "--config",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains(&format!(
            "config {}:2:1: unknown field `refesh`",
            file.display()
        )),
        "{err}"
    );
}
