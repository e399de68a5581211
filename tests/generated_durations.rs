//! Durations and times at the extremes, wherever they enter: the duration
//! parser, the `d` prompt's start time, every runbook duration field through
//! the real binary, `screenshot --at`, and journals whose entries sit at the
//! ends of jiff's range (`log export` and the console replaying them).

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::Duration;

use common::mutate::{HOSTILE, within};
use drconsole::app::{Action, App, Origin, parse_start};
use drconsole::journal::entry::{Entry, EntryKind};
use drconsole::runbook::duration::{HumanDuration, MAX, TOO_LONG, secs_between, unit_secs};
use drconsole::runbook::load;
use drconsole::ui::theme::Theme;
use jiff::Timestamp;
use proptest::prelude::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const SEED: &str = include_str!("fixtures/valid/every_predicate.toml");

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 128,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

// ---- the parser ----------------------------------------------------------

/// A number of any size, as digits: small, any u64, or beyond u128.
fn digits() -> impl Strategy<Value = String> {
    prop_oneof![
        (0u64..100_000).prop_map(|n| n.to_string()),
        any::<u64>().prop_map(|n| n.to_string()),
        "[1-9][0-9]{19,45}",
    ]
}

fn unit() -> impl Strategy<Value = &'static str> {
    proptest::sample::select(
        &[
            "", "s", "m", "h", "d", "w", " seconds", " mins", " hours", " days", " weeks",
        ][..],
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_text_parses_within_the_bound_and_round_trips(
        text in prop_oneof![".{0,40}", proptest::sample::select(HOSTILE).prop_map(String::from)]
    ) {
        if let Ok(duration) = HumanDuration::parse(&text) {
            prop_assert!(duration <= MAX, "{text:?} gave {duration:?}");
            prop_assert_eq!(HumanDuration::parse(&duration.to_string()), Ok(duration));
        }
    }

    #[test]
    fn a_whole_number_of_units_is_that_many_seconds_or_too_long(
        number in digits(),
        unit in unit(),
    ) {
        let text = format!("{number}{unit}");
        let per = u128::from(unit_secs(unit.trim()).unwrap_or(1));
        let secs = number.parse::<u128>().ok().and_then(|n| n.checked_mul(per));
        match secs.filter(|&s| s <= u128::from(MAX.secs())) {
            Some(secs) => prop_assert_eq!(
                HumanDuration::parse(&text).map(HumanDuration::secs),
                Ok(u64::try_from(secs).unwrap())
            ),
            None => {
                let error = HumanDuration::parse(&text).unwrap_err();
                prop_assert!(error.contains(TOO_LONG), "{text}: {error}");
                prop_assert!(error.contains("36525d (100 years)"), "{text}: {error}");
            }
        }
    }

    #[test]
    fn every_duration_up_to_the_bound_round_trips(secs in 0..=MAX.secs()) {
        let duration = HumanDuration::from_secs(secs);
        prop_assert_eq!(HumanDuration::parse(&duration.to_string()), Ok(duration));
    }
}

// ---- the `d` prompt --------------------------------------------------------

fn any_time() -> impl Strategy<Value = Timestamp> {
    prop_oneof![
        Just(Timestamp::MIN),
        Just(Timestamp::MAX),
        (Timestamp::MIN.as_second()..=Timestamp::MAX.as_second())
            .prop_map(|s| Timestamp::from_second(s).unwrap()),
    ]
}

fn start_text() -> impl Strategy<Value = String> {
    prop_oneof![
        ".{0,30}",
        proptest::sample::select(HOSTILE).prop_map(String::from),
        (
            digits(),
            unit(),
            proptest::sample::select(&["-", ""][..]),
            proptest::sample::select(&["", " ago"][..])
        )
            .prop_map(|(n, u, sign, ago)| format!("{sign}{n}{u}{ago}")),
        "[0-2]?[0-9]:[0-6]?[0-9](:[0-6][0-9])?",
        any_time().prop_map(|t| t.to_string()),
    ]
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_typed_start_is_never_after_now_nor_over_the_bound_before_it(
        text in start_text(),
        now in any_time(),
    ) {
        if let Ok(start) = parse_start(&text, now) {
            prop_assert!(start <= now, "{text:?} at {now}: {start}");
            prop_assert!(secs_between(start, now) <= MAX.secs(), "{text:?} at {now}: {start}");
        }
    }

    #[test]
    fn minutes_back_are_exactly_that_far_back(
        mins in 0..=MAX.secs() / 60,
        now in any_time(),
    ) {
        let back = jiff::SignedDuration::from_mins(i64::try_from(mins).unwrap());
        match now.checked_sub(back) {
            Ok(expected) => prop_assert_eq!(parse_start(&format!("-{mins}m"), now), Ok(expected)),
            // Further back than jiff reaches: the earliest time it holds.
            Err(_) => prop_assert_eq!(parse_start(&format!("-{mins}m"), now), Ok(Timestamp::MIN)),
        }
    }
}

#[test]
fn absurd_starts_are_refused_with_a_message() {
    let now: Timestamp = "2026-03-14T02:00:00Z".parse().unwrap();
    for text in [
        "99999999999999999999y",
        "584942417355y",
        "-9999-01-01T00:00:00Z",
    ] {
        let error = parse_start(text, now).unwrap_err();
        assert!(error.contains("-25m"), "{text}: {error}");
    }
    for text in ["18446744073709551615", "-14880952380w", "36526d ago"] {
        let error = parse_start(text, now).unwrap_err();
        assert!(error.contains(TOO_LONG), "{text}: {error}");
    }
    for text in ["-009999-01-02T01:59:59Z", "1900-01-01T00:00:00Z"] {
        let error = parse_start(text, now).unwrap_err();
        assert!(
            error.contains("more than 36525d (100 years) ago"),
            "{text}: {error}"
        );
    }
    assert_eq!(
        parse_start("36525d ago", now),
        Ok("1926-03-14T02:00:00Z".parse().unwrap())
    );
    // At the very start of jiff's range, yesterday's clock time and a span
    // back stop there instead of overflowing.
    let first = Timestamp::MIN;
    assert_eq!(parse_start("-1h", first), Ok(first));
    assert_eq!(parse_start("23:00", first), Ok(first));
}

// ---- every runbook duration field, through the binary ----------------------

/// Each duration in the seed runbook, as written there.
const FIELDS: &[&str] = &[
    "rto = \"4h\"",
    "rpo = \"1h 30m\"",
    "replica_lag = \"30s\"",
    "recovery_point_age = 93600",
    "rto = \"2h\"",
    "rpo = \"5m\"",
    "expected = \"5m\"",
    "expected = 900",
    "max = \"1m\"",
    "before_incident = \"1h\"",
    "max_age = \"1d\"",
];

/// The seed with `field` given `value`, and the 1-based line and column of
/// that value.
fn with_value(field: &str, value: &str) -> (String, usize, usize) {
    let at = SEED
        .find(field)
        .unwrap_or_else(|| panic!("{field} not in the seed"));
    let (name, _) = field.split_once(" = ").unwrap();
    let text = format!(
        "{}{name} = {value}{}",
        &SEED[..at],
        &SEED[at + field.len()..]
    );
    let line_start = SEED[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = SEED[..at].matches('\n').count() + 1;
    let column = SEED[line_start..at].chars().count() + name.len() + " = ".len() + 1;
    (text, line, column)
}

fn drconsole(dir: &Path, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_drconsole"));
    common::unreachable_aws(&mut cmd, dir)
        .current_dir(dir)
        .env("DRCONSOLE_JOURNAL_DIR", dir.join("journal"))
        .args(args);
    let what = format!("drconsole {}", args.join(" "));
    within(Duration::from_secs(120), &what.clone(), move || {
        cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"))
    })
}

/// The commands that read a runbook, each with the exit code it gives for
/// the seed as it is.
const COMMANDS: &[(&[&str], i32)] = &[
    (&["validate", "rb.toml"], 0),
    (&["status", "--sim", "rb.toml"], 0),
    (&["ready", "--sim", "--scenario", "failover", "rb.toml"], 1),
    (&["ready", "--sim", "--scenario", "restore", "rb.toml"], 0),
    (
        &[
            "screenshot",
            "--runbook",
            "rb.toml",
            "--scenario",
            "restore",
            "--confirm",
            "4",
            "--at",
            "36525d",
            "--format",
            "txt",
            "--out",
            "shot.txt",
        ],
        0,
    ),
];

#[test]
fn too_long_runbook_durations_are_located_errors() {
    for field in FIELDS {
        for (value, message) in [
            (
                "\"1000000w\"",
                "duration \"1000000w\" is longer than the longest accepted, 36525d (100 years)",
            ),
            (
                "18446744073709551615",
                "duration 18446744073709551615 seconds is longer than the longest accepted, 36525d (100 years)",
            ),
            (
                "9223372036854775807",
                "duration 9223372036854775807 seconds is longer than the longest accepted, 36525d (100 years)",
            ),
            (
                "\"3155760001\"",
                "duration \"3155760001\" is longer than the longest accepted, 36525d (100 years)",
            ),
            (
                "\"99999999999999999999y\"",
                "invalid duration \"99999999999999999999y\"; write it like \"5m\", \"12h\" or \"1h 30m\"",
            ),
        ] {
            let (text, line, column) = with_value(field, value);
            let errors = load::parse(&text, "rb.toml").unwrap_err();
            let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
            assert_eq!(
                shown,
                [format!("rb.toml:{line}:{column}: error: {message}")],
                "{field} = {value}"
            );
        }
    }
}

#[test]
fn every_command_refuses_a_too_long_runbook_duration_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    for field in FIELDS {
        let (text, line, column) = with_value(field, "\"1000000w\"");
        std::fs::write(dir.path().join("rb.toml"), &text).unwrap();
        let located = format!("rb.toml:{line}:{column}: error: duration \"1000000w\" is longer");
        for (args, _) in COMMANDS {
            let out = drconsole(dir.path(), args);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let said = format!("{field}, {args:?}:\n{stdout}\n{stderr}");
            assert_eq!(out.status.code(), Some(2), "{said}");
            assert!(!stderr.contains("panicked"), "{said}");
            assert!(
                stdout.contains(&located) || stderr.contains(&located),
                "{said}"
            );
        }
    }
}

/// The runbook through the binary where its output does not depend on the
/// wall clock: `validate`, and `screenshot` (its own fixed times).
#[test]
fn a_hundred_years_is_accepted_in_every_field_by_validate_and_screenshot() {
    let dir = tempfile::tempdir().unwrap();
    for field in FIELDS {
        let (text, ..) = with_value(field, "\"36525d\"");
        std::fs::write(dir.path().join("rb.toml"), &text).unwrap();
        for (args, code) in COMMANDS
            .iter()
            .filter(|(args, _)| matches!(args[0], "validate" | "screenshot"))
        {
            let out = drconsole(dir.path(), args);
            let stderr = String::from_utf8_lossy(&out.stderr);
            let said = format!("{field} = 36525d, {args:?}:\n{stderr}");
            assert_eq!(out.status.code(), Some(*code), "{said}");
            assert!(!stderr.contains("panicked"), "{said}");
        }
    }
}

/// `status` and `ready` judge the simulated world, which moves with the
/// clock: here at a fixed time, so each verdict is exact. A century-long
/// field changes only what it bounds.
#[tokio::test]
async fn a_hundred_years_is_accepted_in_every_field_by_status_and_ready() {
    use drconsole::clock::Clock;
    use drconsole::commands::{common::refresh, ready, status};
    use drconsole::sources::sim::{SimSource, world::SimWorld};

    let at: Timestamp = "2026-03-14T02:00:00Z".parse().unwrap();
    let verdicts = |text: String| async move {
        let (runbook, _) = load::parse(&text, "rb.toml").unwrap();
        let world = SimWorld::new(&runbook.environment, 7, at);
        let source = SimSource::from_world(world, Clock::Fixed(at));
        let live = refresh(&source, Duration::from_secs(5), at).await;
        let status = status::report(&runbook, "simulated", &live, at, false, &mut Vec::new())
            .unwrap()
            .exit_code();
        let mut codes = vec![status];
        for id in ["failover", "restore"] {
            let scenario = runbook.scenarios.iter().find(|s| s.id == id).unwrap();
            let readiness =
                ready::check(&runbook, scenario, &source, Duration::from_secs(5), at).await;
            codes.push(ready::exit_code(&readiness));
        }
        codes
    };
    let seed = verdicts(SEED.to_string()).await;
    // Failover's RPO rests on the replica's lag, seconds in the simulation.
    assert_eq!(seed, [0, 0, 0], "the seed as it is");
    for field in FIELDS {
        let (text, ..) = with_value(field, "\"36525d\"");
        // A century before the incident is outside any PITR window.
        let expected = match *field {
            "before_incident = \"1h\"" => [0, 0, 1],
            _ => [0, 0, 0],
        };
        assert_eq!(verdicts(text).await, expected, "{field} = 36525d");
    }
}

#[test]
fn the_bound_itself_is_accepted_in_every_field() {
    for field in FIELDS {
        for value in ["\"36525d\"", "3155760000", "\"0s\""] {
            let (text, ..) = with_value(field, value);
            assert!(load::parse(&text, "rb.toml").is_ok(), "{field} = {value}");
        }
    }
}

// ---- screenshot --at -------------------------------------------------------

#[test]
fn screenshot_at_out_of_range_is_a_flag_error() {
    let dir = tempfile::tempdir().unwrap();
    for at in [
        "18446744073709551615",
        "36526d",
        "1000000w",
        "99999999999999999999y",
        "later",
    ] {
        let out = drconsole(dir.path(), &["screenshot", "--at", at, "--out", "shot.svg"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{at}: {stderr}");
        assert!(
            stderr.contains(&format!("invalid value '{at}' for '--at <AT>'")),
            "{at}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{at}: {stderr}");
        assert!(!dir.path().join("shot.svg").exists(), "{at}");
    }
}

// ---- journals at the ends of time ------------------------------------------

const FIRST: &str = "-009999-01-02T01:59:59Z";
const LAST: &str = "9999-12-30T22:00:00Z";

fn entry(seq: u64, time: &str, kind: EntryKind, step: Option<&str>) -> Entry {
    Entry {
        seq,
        time: time.parse().unwrap(),
        actor: "on-call".into(),
        kind,
        runbook: "every predicate".into(),
        scenario: Some("failover".into()),
        step: step.map(String::from),
        note: None,
        undoes: None,
        at: (kind == EntryKind::IncidentDeclared).then(|| LAST.parse().unwrap()),
        evidence: None,
        drill: true,
        runbook_ref: None,
        drill_detail: None,
        prev: None,
        share: None,
    }
}

/// One session whose entries jump between the first and last instants
/// jiff can hold.
fn extreme_session() -> Vec<Entry> {
    vec![
        entry(1, FIRST, EntryKind::SessionStarted, None),
        entry(2, FIRST, EntryKind::IncidentDeclared, None),
        entry(3, LAST, EntryKind::Confirmed, Some("check-lag")),
        entry(4, FIRST, EntryKind::StepStarted, Some("promote")),
        entry(5, LAST, EntryKind::Skipped, Some("promote")),
        entry(6, FIRST, EntryKind::StepStarted, Some("app")),
    ]
}

#[test]
fn log_export_of_entries_at_the_ends_of_time() {
    let dir = tempfile::tempdir().unwrap();
    let lines: Vec<String> = extreme_session()
        .iter()
        .map(|e| serde_json::to_string(e).unwrap())
        .collect();
    std::fs::write(dir.path().join("j.jsonl"), lines.join("\n") + "\n").unwrap();
    std::fs::write(dir.path().join("rb.toml"), SEED).unwrap();

    let out = drconsole(
        dir.path(),
        &["log", "export", "--runbook", "rb.toml", "j.jsonl"],
    );
    let md = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        md.contains("- **Started:** -9999-01-02 01:59:59 UTC"),
        "{md}"
    );
    assert!(
        md.contains("- **Incident began:** 9999-12-30 22:00:00 UTC"),
        "{md}"
    );
    // From the first instant to the last, in whole seconds.
    assert!(
        md.contains("| 7304481d20h1s | 20m (**over by 7304481d19h40m1s**) |"),
        "{md}"
    );

    let out = drconsole(
        dir.path(),
        &["log", "export", "--format", "json", "j.jsonl"],
    );
    let json = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(json.contains(&format!("\"time\": \"{FIRST}\"")), "{json}");
    assert!(json.contains(&format!("\"at\": \"{LAST}\"")), "{json}");
}

#[test]
fn the_console_replays_and_draws_entries_at_the_ends_of_time() {
    let (runbook, _) = load::parse(SEED, "rb.toml").unwrap();
    let theme = Theme::load("dark").unwrap();
    for now in [Timestamp::MIN, Timestamp::MAX] {
        let origin = Origin {
            source: "simulated".into(),
            simulated: true,
        };
        let mut app = App::new(runbook.clone(), origin, now, Some("failover"));
        app.update(Action::Replayed(extreme_session()));
        app.update(Action::Tick(now));
        let mut buf = Buffer::empty(Rect::new(0, 0, 120, 40));
        drconsole::ui::render(buf.area, &mut buf, &app.view(), &theme);
        let text = drconsole::ui::export::to_text(&buf);
        assert!(text.contains("2/3 steps"), "{now}:\n{text}");
    }
}
