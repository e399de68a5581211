//! Every scenario of every built-in runbook, walked end to end on the
//! simulated source: each step is started (the simulated world runs its
//! commands), time passes until its check is met, and it is confirmed. The
//! journal must show every check met at confirmation, never confirmed
//! against the evidence. A scenario that cannot be walked this way is a bug
//! in the runbook or the simulation, not something to leave out.

mod common;

use std::path::Path;
use std::time::Duration;

use common::console::Console;
use crossterm::event::KeyCode;
use drconsole::app::{Mode, StepStatus};
use drconsole::domain::verify::Outcome;
use drconsole::journal::entry::{Entry, EntryKind};
use drconsole::journal::{export, store};
use drconsole::runbook::aws_cli::parse_commands;
use drconsole::runbook::builtin;
use drconsole::runbook::load::{self, Severity};
use drconsole::runbook::model::{Runbook, Step};
use drconsole::sources::sim::Reaction;

/// Time for the world to react to a start and for fresh polls to arrive,
/// so a check is never judged on the state from before the step ran.
const SETTLE: Duration = Duration::from_secs(10);
/// How often a waiting test looks at the check again.
const LOOK_EVERY: Duration = Duration::from_secs(15);
const MIN_WAIT: Duration = Duration::from_secs(30 * 60);
const MAX_WAIT: Duration = Duration::from_secs(2 * 3600);

/// How long a step may take in the simulation before the test gives up:
/// three times its expected duration, within half an hour and two hours.
fn wait_cap(step: &Step) -> Duration {
    let expected = step.expected.map_or(0, |d| d.secs());
    Duration::from_secs(3 * expected).clamp(MIN_WAIT, MAX_WAIT)
}

/// Whether the simulated world models any command of the step.
fn runs_in_sim(step: &Step) -> bool {
    parse_commands(&step.commands)
        .iter()
        .any(|cmd| Reaction::from_command(cmd).is_some())
}

/// What one walk saw, for the assertions on the journal.
struct Walk {
    entries: Vec<Entry>,
    /// Steps whose check was seen not met, then met once the step ran.
    moved: Vec<String>,
}

async fn walk(name: &str, runbook: &Runbook, scenario: &str) -> Walk {
    let dir = tempfile::tempdir().unwrap();
    let mut console = Console::open_with(dir.path(), false, runbook.clone(), scenario);
    console.run_for(Duration::from_secs(5)).await;
    let steps = console.app().steps().to_vec();
    let mut moved = Vec::new();

    for (index, step) in steps.iter().enumerate() {
        let at = format!("{name}/{scenario}/{}", step.id);
        assert_eq!(console.app().selected(), index, "{at}: cursor on the step");
        let mut seen_unmet = step.verify.is_some() && console.outcome(&step.id) != Outcome::Met;

        console.press(KeyCode::Char('x'));
        assert!(console.app().started()[index].is_some(), "{at}: started");
        console.run_for(SETTLE).await;

        if step.verify.is_some() {
            let cap = wait_cap(step);
            let mut waited = SETTLE;
            while console.outcome(&step.id) != Outcome::Met && waited < cap {
                seen_unmet = true;
                console.run_for(LOOK_EVERY).await;
                waited += LOOK_EVERY;
            }
            let evidence = console.app().evidence()[index].clone().unwrap();
            assert_eq!(
                evidence.outcome,
                Outcome::Met,
                "{at}: check not met after {}s: {}",
                waited.as_secs(),
                evidence.seen
            );
            if seen_unmet {
                moved.push(step.id.clone());
            }
        }

        console.press(KeyCode::Enter);
        assert_eq!(
            *console.app().mode(),
            Mode::Normal,
            "{at}: confirmed at once"
        );
        assert!(
            matches!(
                console.app().statuses()[index],
                StepStatus::Confirmed {
                    against_evidence: false,
                    ..
                }
            ),
            "{at}: {:?}",
            console.app().statuses()[index]
        );
    }

    assert_eq!(console.app().remaining(), 0, "{name}/{scenario}");
    console.press(KeyCode::Char('q'));
    assert!(
        console.session.exit,
        "{name}/{scenario}: quits without asking"
    );
    let path = console.session.journal_path().unwrap();
    let read = store::read(&path).unwrap();
    assert!(
        read.warnings.is_empty(),
        "{name}/{scenario}: {:?}",
        read.warnings
    );
    Walk {
        entries: read.entries,
        moved,
    }
}

/// The journal of a walk: every step started then confirmed, every check
/// met at confirmation, the session completed, and the export naming
/// every step.
fn check_journal(name: &str, runbook: &Runbook, scenario: &str, entries: &[Entry]) {
    let steps = &runbook.scenario(scenario).unwrap().steps;
    for step in steps {
        let at = format!("{name}/{scenario}/{}", step.id);
        let of_step = |kind| {
            entries
                .iter()
                .filter(|e| e.kind == kind && e.step.as_deref() == Some(step.id.as_str()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            of_step(EntryKind::StepStarted).len(),
            1,
            "{at}: started once"
        );
        let confirmed = of_step(EntryKind::Confirmed);
        assert_eq!(confirmed.len(), 1, "{at}: confirmed once");
        let evidence = confirmed[0].evidence.as_ref().unwrap();
        assert!(!evidence.against_evidence, "{at}: against the evidence");
        match (&step.verify, &evidence.check) {
            (Some(_), Some(check)) => {
                assert_eq!(check.outcome, Outcome::Met, "{at}: {}", check.seen)
            }
            (Some(_), None) => panic!("{at}: the journal lost the check"),
            (None, Some(_)) => panic!("{at}: a check on a step without one"),
            (None, None) => {}
        }
    }
    assert!(
        entries
            .iter()
            .all(|e| e.drill && e.scenario.as_deref() == Some(scenario)),
        "{name}/{scenario}: every entry is a drill of this scenario"
    );
    assert!(entries.windows(2).all(|w| w[1].seq == w[0].seq + 1));
    assert_eq!(entries.first().unwrap().kind, EntryKind::SessionStarted);
    assert_eq!(entries.last().unwrap().kind, EntryKind::SessionCompleted);

    let markdown = export::markdown(entries, Some(runbook));
    for step in steps {
        assert!(
            markdown.contains(&step.title),
            "{name}/{scenario}: the export does not name {:?}\n{markdown}",
            step.title
        );
    }
}

#[tokio::test(start_paused = true)]
async fn every_builtin_scenario_walks_to_the_end_with_its_checks_met() {
    let mut walked = 0;
    for (name, runbook) in builtin::all() {
        assert!(!runbook.scenarios.is_empty(), "{name}");
        for scenario in &runbook.scenarios {
            let id = scenario.id.as_str();
            let walk = walk(name, &runbook, id).await;
            check_journal(name, &runbook, id, &walk.entries);
            // The world must have moved through the scenario: where the
            // simulation runs a step's commands, some check went from not
            // met to met.
            if scenario.steps.iter().any(runs_in_sim) {
                assert!(
                    !walk.moved.is_empty(),
                    "{name}/{id}: no check changed while its steps ran"
                );
            }
            walked += 1;
        }
    }
    assert!(walked >= 10, "rally has 4 scenarios and regami 6");
}

/// Each built-in embeds its runbooks/ file (include_str!), so the copies
/// cannot differ; what can go wrong is a runbook shipped in runbooks/ that
/// no built-in name serves.
#[test]
fn every_shipped_runbook_file_is_a_builtin() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runbooks");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".toml").map(str::to_owned)
        })
        .collect();
    files.sort_unstable();
    let mut names = builtin::NAMES.to_vec();
    names.sort_unstable();
    assert_eq!(files, names);
}

/// `validate` finds no errors, and warns only about instances that a step
/// of the runbook creates (a restore target or a new replica).
#[test]
fn builtin_runbooks_warn_only_about_instances_they_create() {
    for (name, text) in [
        ("rally", builtin::RALLY_TOML),
        ("regami", builtin::REGAMI_TOML),
    ] {
        let (runbook, warnings) = load::parse(text, name).unwrap();
        let created: Vec<String> = runbook
            .scenarios
            .iter()
            .flat_map(|s| &s.steps)
            .flat_map(|step| parse_commands(&step.commands))
            .filter_map(|cmd| match Reaction::from_command(&cmd)? {
                Reaction::Restore { instance, .. } | Reaction::CreateReplica { instance, .. } => {
                    Some(instance)
                }
                _ => None,
            })
            .collect();
        for warning in &warnings {
            assert_eq!(warning.severity, Severity::Warning);
            assert!(
                created
                    .iter()
                    .any(|id| warning.message.contains(&format!("\"{id}\""))),
                "{name}: {warning:?}"
            );
        }
    }
}

#[test]
fn builtin_names_cover_every_embedded_runbook() {
    assert_eq!(builtin::NAMES, ["rally", "regami"]);
    for name in builtin::NAMES {
        let runbook = builtin::builtin(name).unwrap();
        let ids: Vec<&str> = runbook.scenarios.iter().map(|s| s.id.as_str()).collect();
        let mut unique = ids.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), ids.len(), "{name}: scenario ids are unique");
    }
}

/// Where the CLI takes a runbook path, a built-in name works too.
#[test]
fn the_cli_takes_a_builtin_name_for_a_runbook() {
    let dir = tempfile::tempdir().unwrap();
    let out_file = dir.path().join("shot.txt");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .current_dir(dir.path())
        .args([
            "screenshot",
            "--runbook",
            "regami",
            "--scenario",
            "failback",
        ])
        .args(["--format", "txt", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let frame = std::fs::read_to_string(&out_file).unwrap();
    assert!(frame.contains("Regami production"), "{frame}");

    // A file of that name wins over the built-in.
    std::fs::write(dir.path().join("regami"), builtin::RALLY_TOML).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .current_dir(dir.path())
        .args([
            "screenshot",
            "--runbook",
            "regami",
            "--format",
            "txt",
            "--out",
        ])
        .arg(&out_file)
        .output()
        .unwrap();
    assert!(out.status.success());
    let frame = std::fs::read_to_string(&out_file).unwrap();
    assert!(frame.contains("Rally production"), "{frame}");

    // A name that is neither a file nor a built-in is an error.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .current_dir(dir.path())
        .args(["screenshot", "--runbook", "no-such-runbook", "--out"])
        .arg(&out_file)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("no-such-runbook"), "{err}");
}
