//! Drills stage their scenario's failure in the simulated world: the
//! shipped drill files, their checks, and what the world shows.

mod common;

use drconsole::clock::Clock;
use drconsole::domain::snapshot::AlarmState;
use drconsole::drill::{self, When};
use drconsole::runbook::builtin::builtin;
use drconsole::runbook::load::Severity;
use drconsole::sources::Source;
use drconsole::sources::sim::SimSource;
use proptest::prelude::*;

#[test]
fn every_shipped_drill_fits_its_runbook_and_every_builtin_scenario_has_one() {
    let mut staged = Vec::new();
    for (name, text) in drill::builtin() {
        let drill = drill::parse(text, name).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        let runbook_name = drill
            .runbook
            .clone()
            .expect("a shipped drill names its runbook");
        let runbook = builtin(&runbook_name).unwrap();
        let problems = drill::check_against(&drill, &runbook);
        assert!(problems.is_empty(), "{name}: {problems:?}");
        staged.push((runbook_name, drill.scenario.clone()));
    }
    for name in drconsole::runbook::builtin::NAMES {
        for scenario in builtin(name).unwrap().scenarios {
            assert!(
                staged.contains(&(name.to_string(), scenario.id.clone())),
                "{name} {} has no drill",
                scenario.id
            );
        }
    }
}

#[test]
fn a_bad_inject_is_named_with_its_line_and_column() {
    let text = "title = \"t\"\nscenario = \"s\"\n\n[[inject]]\nat = \"1m\"\ninstance = \"db\"\nstatus = \"failed\"\nalarm = \"a\"\nstate = \"ALARM\"\n";
    let errors = drill::parse(text, "d.toml").unwrap_err();
    assert_eq!(
        errors[0].to_string(),
        "d.toml:4:1: error: inject: one inject does one thing; split it in two"
    );
    let errors = drill::parse(
        "title = \"t\"\nscenario = \"s\"\n[[inject]]\ninstance = \"db\"\nstatus = \"failed\"\n",
        "d.toml",
    )
    .unwrap_err();
    assert!(
        errors[0]
            .to_string()
            .starts_with("d.toml:3:1: error: inject: say when"),
        "{}",
        errors[0]
    );
    let errors = drill::parse(
        "title = \"t\"\nscenario = \"s\"\n[[inject]]\nat = \"0s\"\nwhat = 1\n",
        "d.toml",
    )
    .unwrap_err();
    assert!(
        errors[0]
            .to_string()
            .starts_with("d.toml:5:1: error: unknown field `what`"),
        "{}",
        errors[0]
    );
}

#[test]
fn names_a_runbook_lacks_are_errors_or_warnings() {
    let runbook = builtin("rally").unwrap();
    let text = "title = \"t\"\nscenario = \"instance-failure\"\n[[inject]]\nafter_step = \"nope\"\ninstance = \"ghost-db\"\nstatus = \"failed\"\n";
    let drill = drill::parse(text, "d.toml").unwrap();
    let problems = drill::check_against(&drill, &runbook);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert_eq!(problems[0].0, Severity::Error);
    assert!(problems[0].1.contains("step \"nope\""), "{problems:?}");
    assert_eq!(problems[1].0, Severity::Warning);
    assert!(problems[1].1.contains("ghost-db"), "{problems:?}");
}

#[test]
fn region_faults_and_failed_backup_jobs_are_read_and_checked_with_positions() {
    use drconsole::drill::Fault;
    use drconsole::drill::model::{Api, ApiHealth};
    let text = "title = \"t\"\nscenario = \"region-failover\"\n\n[[inject]]\nat = \"0s\"\nregion = \"us-east-1\"\napi = \"slow\"\napi_of = \"rds\"\nlatency = \"8s\"\n\n[[inject]]\nafter_step = \"promote\"\nregion = \"us-east-1\"\nclear = true\n\n[[inject]]\nat = \"2m\"\nbackup_job = \"failed\"\nvault = \"regami-backup-vault\"\nresource = \"regami-db\"\n";
    let drill = drill::parse(text, "d.toml").unwrap();
    let faults: Vec<&Fault> = drill.injects.iter().map(|i| &i.fault).collect();
    assert_eq!(
        faults,
        [
            &Fault::RegionApi {
                region: "us-east-1".into(),
                api_of: Some(Api::Rds),
                health: ApiHealth::Slow,
                latency: Some(8),
            },
            &Fault::RegionApi {
                region: "us-east-1".into(),
                api_of: None,
                health: ApiHealth::Ok,
                latency: None,
            },
            &Fault::BackupJobFailed {
                vault: "regami-backup-vault".into(),
                resource: "regami-db".into(),
                message: drconsole::drill::model::DEFAULT_JOB_FAILURE.into(),
            },
        ]
    );
    let regami = builtin("regami").unwrap();
    assert_eq!(drill::check_against(&drill, &regami), []);

    let error = |text: &str| {
        let errors = drill::parse(text, "d.toml").unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        errors[0].to_string()
    };
    let head = "title = \"t\"\nscenario = \"s\"\n[[inject]]\nat = \"0s\"\n";
    assert_eq!(
        error(&format!("{head}region = \"us-east-1\"\n")),
        "d.toml:3:1: error: inject: `region` needs `api = \"unreachable\"`, `\"slow\"`, `\"throttled\"` or `\"ok\"` (or `clear = true`)"
    );
    assert_eq!(
        error(&format!(
            "{head}region = \"us-east-1\"\napi = \"throttled\"\nlatency = \"3s\"\n"
        )),
        "d.toml:3:1: error: inject: `latency` goes with `api = \"slow\"`"
    );
    assert_eq!(
        error(&format!(
            "{head}instance = \"db\"\nstatus = \"failed\"\napi_of = \"ecs\"\n"
        )),
        "d.toml:3:1: error: inject: `api_of` goes with `region`"
    );
    assert_eq!(
        error(&format!(
            "{head}backup_job = \"failed\"\nresource = \"db\"\n"
        )),
        "d.toml:3:1: error: inject: `backup_job` needs a `vault`"
    );
    // A value the key does not take is named where it stands.
    let bad = error(&format!("{head}region = \"us-east-1\"\napi = \"down\"\n"));
    assert!(
        bad.starts_with("d.toml:6:7: error: unknown variant `down`"),
        "{bad}"
    );
    let bad = error(&format!(
        "{head}region = \"us-east-1\"\napi = \"unreachable\"\napi_of = \"s3\"\n"
    ));
    assert!(
        bad.starts_with("d.toml:7:10: error: unknown variant `s3`"),
        "{bad}"
    );

    // Names the runbook lacks are warnings.
    let ghost = "title = \"t\"\nscenario = \"region-failover\"\n[[inject]]\nat = \"0s\"\nregion = \"eu-north-1\"\napi = \"unreachable\"\n[[inject]]\nat = \"0s\"\nbackup_job = \"failed\"\nvault = \"nope\"\nresource = \"regami-db\"\n";
    let problems = drill::check_against(&drill::parse(ghost, "d.toml").unwrap(), &regami);
    let said: Vec<(Severity, &str)> = problems.iter().map(|(s, m)| (*s, m.as_str())).collect();
    assert_eq!(
        said,
        [
            (
                Severity::Warning,
                "region \"eu-north-1\" is not declared in the runbook's [environment]"
            ),
            (
                Severity::Warning,
                "backup vault \"nope\" is not declared in the runbook's [environment]"
            ),
        ]
    );
}

fn staged(name: &str, scenario: &str) -> (SimSource, Clock) {
    let runbook = builtin(name).unwrap();
    let clock = Clock::Fixed(common::now());
    let source = SimSource::new(&runbook.environment, 7, clock.clone())
        .with_drills(drill::builtin_for(name));
    source.scenario_began(scenario);
    (source, clock)
}

#[test]
fn instance_failure_shows_the_primary_failed_and_its_alarm_firing_before_any_step() {
    let (calm_source, _) = {
        let runbook = builtin("rally").unwrap();
        let clock = Clock::Fixed(common::now());
        (
            SimSource::new(&runbook.environment, 7, clock.clone()),
            clock,
        )
    };
    let (source, _) = staged("rally", "instance-failure");
    let now = common::now();
    let calm = calm_source.world().rds_at(now);
    let world = source.world();
    let rds = world.rds_at(now);
    let status = |snapshot: &drconsole::domain::snapshot::RdsSnapshot| {
        snapshot
            .instances
            .iter()
            .find(|i| i.id == "rally-prod-db")
            .map(|i| i.status.clone())
    };
    assert_eq!(status(&calm).as_deref(), Some("available"));
    assert_eq!(status(&rds).as_deref(), Some("failed"));
    let alarms = world.alarms_at(now);
    let alarm = alarms
        .alarms
        .iter()
        .find(|a| a.name == "rally-prod-db-unavailable")
        .unwrap();
    assert_eq!(alarm.state, AlarmState::Alarm);
}

#[test]
fn a_crash_loop_stops_every_task_until_a_new_deployment_replaces_them() {
    let (source, _) = staged("rally", "app-failure");
    let at = |mins: i64| {
        common::now()
            .checked_add(jiff::SignedDuration::from_mins(mins))
            .unwrap()
    };
    let service = |world: &drconsole::sources::sim::SimWorld, t| {
        world
            .ecs_at(t)
            .services
            .into_iter()
            .find(|s| s.name == "rally-prod-service-fargate")
            .unwrap()
    };
    let crashing = service(&source.world(), at(5));
    assert_eq!(crashing.running, 0);
    assert_eq!(crashing.stopped_tasks.len(), 3);
    assert!(crashing.stopped_tasks[0].reason.contains("exit code 1"));
    assert!(
        crashing.events[0]
            .message
            .contains("unable to consistently start tasks")
    );
    // The runbook's rollback step runs a new deployment: the loop ends.
    let rollback = builtin("rally")
        .unwrap()
        .scenarios
        .into_iter()
        .find(|s| s.id == "app-failure")
        .unwrap()
        .steps
        .into_iter()
        .find(|s| s.id == "rollback")
        .unwrap();
    source.world().confirm(&rollback, at(6));
    let recovered = service(&source.world(), at(30));
    assert!(recovered.running > 0, "{recovered:?}");
    assert!(recovered.stopped_tasks.is_empty());
}

#[test]
fn an_inject_waiting_for_a_step_happens_when_the_step_runs() {
    let (source, _) = staged("rally", "instance-failure");
    let drill = source.drill_for("instance-failure").unwrap().clone();
    let waiting = drill
        .injects
        .iter()
        .find(|i| matches!(&i.when, When::AfterStep { step, .. } if step == "redeploy"))
        .expect("the drill clears the app's errors after the redeploy");
    let When::AfterStep { delay, .. } = waiting.when else {
        unreachable!()
    };
    let later = common::now()
        .checked_add(jiff::SignedDuration::from_secs(
            i64::try_from(delay).unwrap() + 60,
        ))
        .unwrap();
    let state = |source: &SimSource| {
        source
            .world()
            .alarms_at(later)
            .alarms
            .into_iter()
            .find(|a| a.name == "rally-prod-app-5xx")
            .unwrap()
            .state
    };
    assert_eq!(state(&source), AlarmState::Alarm);
    let redeploy = builtin("rally").unwrap().scenarios[0]
        .steps
        .iter()
        .find(|s| s.id == "redeploy")
        .unwrap()
        .clone();
    source.step_run(&redeploy, common::now());
    assert_eq!(state(&source), AlarmState::Ok);
}

proptest! {
    #[test]
    fn parsing_any_text_never_panics(text in "(title|scenario|\\[\\[inject\\]\\]|at|after_step|instance|status|lag|over|=|\"|[a-z0-9 ]|\n){0,60}") {
        let _ = drill::parse(&text, "d.toml");
    }
}

// ------------------------------------------------ the facilitator and resume

use common::console::Console;
use crossterm::event::KeyCode;
use drconsole::journal::entry::EntryKind;
use drconsole::journal::store;
use std::time::Duration;

fn rally_drill(dir: &std::path::Path, resume: bool) -> Console {
    Console::open_staged(
        dir,
        resume,
        drconsole::runbook::builtin::rally(),
        "instance-failure",
        drill::builtin_for("rally"),
    )
}

fn palette(console: &mut Console, line: &str) {
    console.press(KeyCode::Char(':'));
    console.type_text(line);
    console.press(KeyCode::Enter);
}

fn entries(console: &Console) -> Vec<drconsole::journal::entry::Entry> {
    store::read(&console.session.journal_path().unwrap())
        .unwrap()
        .entries
}

fn status_of(console: &Console, id: &str) -> Option<String> {
    let live = console.app().live();
    live.rds
        .data
        .as_ref()
        .and_then(|rds| rds.instances.iter().find(|i| i.id == id))
        .map(|i| i.status.clone())
}

#[tokio::test(start_paused = true)]
async fn the_facilitator_pauses_speeds_up_and_injects_and_the_journal_keeps_both_times() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = rally_drill(dir.path(), false);
    console.run_for(Duration::from_secs(5)).await;
    assert_eq!(console.app().drill().map(|d| d.speed), Some(1));
    assert_eq!(
        status_of(&console, "rally-prod-db").as_deref(),
        Some("failed")
    );

    palette(&mut console, "speed 10");
    assert_eq!(console.app().drill().map(|d| d.speed), Some(10));
    let before = console.clock.now();
    console.run_for(Duration::from_secs(3)).await;
    assert_eq!(
        console.clock.now().duration_since(before),
        jiff::SignedDuration::from_secs(30),
        "3 s at 10× is 30 s of drill time"
    );
    // Polled between ticks, the data is never newer than the console's now.
    tokio::time::advance(Duration::from_millis(600)).await;
    let update = console.updates.recv().await.unwrap();
    let fetched = update.at();
    console
        .session
        .dispatch(drconsole::app::Action::Source(update));
    assert!(fetched > before, "fetched after the last tick");
    assert_eq!(console.app().now(), fetched);

    console.press(KeyCode::Char('p'));
    assert_eq!(console.app().drill().map(|d| d.speed), Some(0));
    let paused_at = console.clock.now();
    console.run_for(Duration::from_secs(20)).await;
    assert_eq!(
        console.clock.now(),
        paused_at,
        "a paused drill's clock stands still"
    );
    console.press(KeyCode::Char('p'));
    console.press(KeyCode::Char('+'));
    assert_eq!(console.app().drill().map(|d| d.speed), Some(2));

    palette(&mut console, "inject crash-loop");
    console.run_for(Duration::from_secs(5)).await;
    let ecs = console.app().live().ecs.data.clone().unwrap();
    assert_eq!(ecs.services[0].running, 0, "the injected crash loop shows");

    let journal = entries(&console);
    let clock: Vec<Option<u32>> = journal
        .iter()
        .filter(|e| e.kind == EntryKind::ClockChanged)
        .map(|e| e.drill_detail.as_ref().and_then(|d| d.speed))
        .collect();
    assert_eq!(clock, vec![Some(10), Some(0), Some(1), Some(2)]);
    let injected: Vec<_> = journal
        .iter()
        .filter(|e| e.kind == EntryKind::Injected)
        .collect();
    assert_eq!(injected.len(), 1);
    assert!(matches!(
        injected[0]
            .drill_detail
            .as_ref()
            .and_then(|d| d.fault.as_ref()),
        Some(drill::Fault::CrashLoop { .. })
    ));
    // Every entry of a drill has its wall time beside its drill time.
    assert!(
        journal
            .iter()
            .all(|e| e.drill_detail.as_ref().is_some_and(|d| d.wall.is_some()))
    );
    let started = &journal[0];
    assert_eq!(
        started
            .drill_detail
            .as_ref()
            .and_then(|d| d.name.as_deref()),
        Some("rally-instance-failure")
    );
}

#[tokio::test(start_paused = true)]
async fn injecting_outside_a_drill_or_by_an_unknown_name_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut calm = Console::open(dir.path(), false);
    calm.press(KeyCode::Char('p'));
    assert!(
        calm.app()
            .message()
            .is_some_and(|m| m.contains("no drill is staged"))
    );
    let dir = tempfile::tempdir().unwrap();
    let mut console = rally_drill(dir.path(), false);
    palette(&mut console, "speed 99");
    assert_eq!(console.app().drill().map(|d| d.speed), Some(1), "refused");
    assert!(
        entries(&console)
            .iter()
            .all(|e| e.kind != EntryKind::ClockChanged)
    );
}

#[tokio::test(start_paused = true)]
async fn a_resumed_drill_continues_its_world_where_it_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let mut console = rally_drill(dir.path(), false);
    console.run_for(Duration::from_secs(2)).await;
    palette(&mut console, "speed 60");
    // Start the point-in-time restore, then let the drill run until the
    // restored instance is up.
    palette(&mut console, "step 2");
    console.press(KeyCode::Char('x'));
    console.run_for(Duration::from_secs(120)).await;
    assert_eq!(
        status_of(&console, "rally-prod-db-restore").as_deref(),
        Some("available")
    );
    palette(&mut console, "inject alarm");
    console.press(KeyCode::Char('q'));
    console.press(KeyCode::Char('y'));
    let stopped_at = console.clock.now();
    drop(console);

    let mut resumed = rally_drill(dir.path(), true);
    assert_eq!(
        resumed.clock.now(),
        stopped_at,
        "drill time continues from the journal's last entry, not from the start"
    );
    assert_eq!(resumed.app().drill().map(|d| d.speed), Some(60));
    resumed.run_for(Duration::from_secs(1)).await;
    assert_eq!(
        status_of(&resumed, "rally-prod-db-restore").as_deref(),
        Some("available"),
        "the restore is not started over"
    );
    assert_eq!(
        status_of(&resumed, "rally-prod-db").as_deref(),
        Some("failed")
    );
}

#[test]
fn a_failed_primary_stops_growing_its_restore_window() {
    let (source, _) = staged("rally", "instance-failure");
    let world = source.world();
    let latest = |mins: i64| {
        let t = common::now()
            .checked_add(jiff::SignedDuration::from_mins(mins))
            .unwrap();
        world
            .rds_at(t)
            .instances
            .into_iter()
            .find(|i| i.id == "rally-prod-db")
            .and_then(|i| i.latest_restorable)
    };
    assert!(latest(0).is_some());
    assert_eq!(latest(90), latest(0), "nothing written after it failed");
}

#[tokio::test(start_paused = true)]
async fn a_sped_up_drill_polls_more_often() {
    let runbook = builtin("rally").unwrap();
    let clock = Clock::sim(common::now());
    let source = SimSource::new(&runbook.environment, 7, clock.clone());
    let kind = drconsole::domain::snapshot::SourceKind::Rds;
    assert_eq!(source.interval(kind), Duration::from_secs(2));
    clock.drill().unwrap().set_speed(2);
    assert_eq!(source.interval(kind), Duration::from_secs(1));
    clock.drill().unwrap().set_speed(60);
    assert_eq!(source.interval(kind), Duration::from_millis(250));
}

#[tokio::test(start_paused = true)]
async fn every_shipped_drill_runs_to_its_end_with_its_expected_scorecard() {
    use drconsole::drill::autopilot::Walk;
    use drconsole::drill::score::StepOutcome;
    let mut summaries = String::new();
    for (name, text) in drill::builtin() {
        let drill = drill::parse(text, name).unwrap();
        let runbook = builtin(drill.runbook.as_deref().unwrap()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let walk = Walk {
            runbook,
            scenario: drill.scenario.clone(),
            drill: drill.clone(),
            settings: drconsole::runtime::JournalSettings {
                dir: dir.path().to_path_buf(),
                actor: "autopilot".into(),
                resume: false,
                runbook_ref: None,
                share: None,
            },
            seed: 7,
            speed: None,
            start: common::now(),
        };
        let (card, walked) = walk.run().await.unwrap();
        assert!(card.completed, "{name} did not complete");
        // The world answers the steps: a step whose commands act on it is
        // not already done before they run.
        assert_eq!(walked.met_before_run, Vec::<String>::new(), "{name}");
        assert!(
            card.steps
                .iter()
                .all(|s| s.outcome == StepOutcome::Confirmed),
            "{name}: a step's check was never met: {:?}",
            card.steps
        );
        // The journal ends with the scorecard the walk returned.
        let path = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
            .unwrap();
        let last = store::read(&path).unwrap().entries.pop().unwrap();
        assert_eq!(last.kind, EntryKind::DrillScored);
        assert_eq!(last.note.as_deref(), Some(card.summary().as_str()));
        summaries.push_str(&format!("{name}: {}\n", card.summary()));
    }
    insta::assert_snapshot!(summaries);
}

#[test]
fn drill_run_walks_a_drill_headless_and_prints_its_scorecard() {
    let dir = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
            .args(args)
            .args(["--journal-dir", dir.path().to_str().unwrap()])
            .env("DRCONSOLE_CONFIG", "/dev/null")
            .output()
            .unwrap()
    };
    let out = run(&[
        "drill",
        "run",
        "rally",
        "--scenario",
        "app-failure",
        "--autopilot",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.starts_with("## Drill scorecard"), "{text}");
    assert!(text.contains("**Result:** met"), "{text}");
    let out = run(&["drill", "run", "rally", "--scenario", "app-failure"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--autopilot"));
    // The walk is journaled like any drill: the report counts it.
    let out = run(&["drill", "report", "--format", "json"]);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report
            .to_string()
            .matches("\"scenario\":\"app-failure\"")
            .count(),
        1,
        "{report}"
    );
}

/// Each drill makes its scenario's readiness visibly change in its first
/// quarter of an hour: some check's outcome, what it saw, or a region's
/// health differs from the calm world's at one of a few moments. (Rally's
/// regional outage has no check at all, its recovery restoring a dump kept
/// off AWS: what changes there is us-east-1's health.)
#[test]
fn every_shipped_drill_changes_its_scenarios_readiness() {
    use drconsole::domain::readiness::{assess, lines};
    use drconsole::domain::verify::VerifyContext;
    let mut unchanged = Vec::new();
    for (name, text) in drill::builtin() {
        let drill = drill::parse(text, name).unwrap();
        let runbook = builtin(drill.runbook.as_deref().unwrap()).unwrap();
        let scenario = runbook
            .scenarios
            .iter()
            .find(|s| s.id == drill.scenario)
            .unwrap();
        let judged = |drills: Vec<drill::Drill>, mins: i64| {
            let at = common::now()
                .checked_add(jiff::SignedDuration::from_mins(mins))
                .unwrap();
            let ctx = VerifyContext {
                now: at,
                incident_start: None,
            };
            let source = SimSource::new(&runbook.environment, 7, Clock::Fixed(common::now()))
                .with_drills(drills);
            source.scenario_began(&scenario.id);
            let live = source.world().live_at(at);
            let readiness = assess(&runbook, scenario, &live, ctx);
            let regions = readiness.regions.iter().map(|r| r.describe(at));
            lines(&readiness)
                .into_iter()
                .map(|l| format!("{:?} {} {}", l.outcome, l.label, l.seen))
                .chain(regions)
                .collect::<Vec<_>>()
        };
        let changed = [1, 5, 15]
            .into_iter()
            .any(|mins| judged(Vec::new(), mins) != judged(vec![drill.clone()], mins));
        if !changed {
            unchanged.push(name);
        }
    }
    assert_eq!(unchanged, Vec::<&str>::new());
}

/// A recovery drconsole cannot check is not called READY, and its readiness
/// still shows the drill's lost region.
#[test]
fn an_unchecked_scenario_shows_its_lost_region() {
    use drconsole::domain::readiness::{assess, verdict};
    use drconsole::domain::regions::RegionState;
    use drconsole::domain::verify::VerifyContext;
    let runbook = builtin("rally").unwrap();
    let scenario = runbook
        .scenarios
        .iter()
        .find(|s| s.id == "regional-outage")
        .unwrap();
    let drill = drill::find("rally-regional-outage").unwrap();
    let at = common::now()
        .checked_add(jiff::SignedDuration::from_mins(5))
        .unwrap();
    let judged = |drills: Vec<drill::Drill>| {
        let source = SimSource::new(&runbook.environment, 7, Clock::Fixed(common::now()))
            .with_drills(drills);
        source.scenario_began(&scenario.id);
        let ctx = VerifyContext {
            now: at,
            incident_start: None,
        };
        assess(&runbook, scenario, &source.world().live_at(at), ctx)
    };
    let calm = judged(Vec::new());
    let lost = judged(vec![drill]);
    assert_eq!(
        verdict(&lost),
        "UNCHECKED (nothing on this recovery path that drconsole can watch)"
    );
    assert_eq!(calm.regions[0].state, RegionState::Ok);
    assert_eq!(lost.regions[0].region, "us-east-1");
    assert_eq!(lost.regions[0].state, RegionState::Unreachable);
    // One look is enough: the world says the region went dark as the
    // scenario began.
    assert_eq!(
        lost.regions[0].describe(at),
        "us-east-1 unreachable for 5m (DescribeDBInstances: Unreachable)"
    );
}

#[test]
fn a_step_run_twice_sets_off_its_injects_once() {
    let (source, _) = staged("rally", "instance-failure");
    let redeploy = builtin("rally").unwrap().scenarios[0]
        .steps
        .iter()
        .find(|s| s.id == "redeploy")
        .unwrap()
        .clone();
    let alarm_overrides = |source: &SimSource| {
        let world = source.world();
        let later = common::now()
            .checked_add(jiff::SignedDuration::from_hours(1))
            .unwrap();
        world
            .alarms_at(later)
            .alarms
            .into_iter()
            .find(|a| a.name == "rally-prod-app-5xx")
            .map(|a| a.updated)
    };
    source.step_run(&redeploy, common::now());
    let first = alarm_overrides(&source);
    let again = common::now()
        .checked_add(jiff::SignedDuration::from_mins(10))
        .unwrap();
    source.step_run(&redeploy, again);
    assert_eq!(
        alarm_overrides(&source),
        first,
        "the alarm cleared once, after the first run"
    );
}
