//! screenshots/ is made by `scripts/screenshots` with the app's own render
//! command. These tests fail when the screen changed and the files did not.

use std::path::Path;

use drconsole::commands::screenshot::{ShotFormat, ShotOptions, render};
use drconsole::runbook::builtin;
use drconsole::runbook::duration::HumanDuration;
use drconsole::runbook::model::Runbook;
use drconsole::ui::theme::Theme;

fn d(text: &str) -> HumanDuration {
    HumanDuration::parse(text).unwrap()
}

fn check(file: &str, options: ShotOptions, theme: &str) {
    check_runbook(&builtin::rally(), file, options, theme);
}

fn check_runbook(runbook: &Runbook, file: &str, options: ShotOptions, theme: &str) {
    for (ext, format) in [("txt", ShotFormat::Txt), ("svg", ShotFormat::Svg)] {
        let fresh = render(runbook, &options, &Theme::load(theme).unwrap(), format).unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("screenshots/{file}.{ext}"));
        let stored = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stored == fresh,
            "{} is stale: run scripts/screenshots to refresh it",
            path.display()
        );
    }
}

fn main_screen() -> ShotOptions {
    ShotOptions::parse("120x40", d("25m"), Some("instance-failure".into()), 2).unwrap()
}

#[test]
fn main_screen_is_current() {
    check("main", main_screen(), "dark");
}

#[test]
fn picker_is_current() {
    check(
        "picker",
        ShotOptions::parse("100x30", d("0s"), None, 0).unwrap(),
        "dark",
    );
}

/// `--presenter` on the failback step that names the DR replica by ARN:
/// the step's RDS pane only, the big clock, the ARN's account masked.
#[test]
fn presenter_screen_is_current() {
    let mut options = ShotOptions::parse("120x40", d("10m"), Some("failback".into()), 1).unwrap();
    options.presenter = true;
    check_runbook(&builtin::regami(), "presenter", options, "high-contrast");
}

/// The multi-region runbook mid-failover: the replica promoted, the
/// standby still at zero.
#[test]
fn regami_failover_is_current() {
    let options =
        ShotOptions::parse("120x40", d("10m"), Some("region-failover".into()), 3).unwrap();
    check_runbook(&builtin::regami(), "regami-failover", options, "dark");
}

/// A drill in progress: the bad release crash-loops the service while the
/// rollback step is open.
#[test]
fn drill_screen_is_current() {
    let mut options = ShotOptions::parse("120x40", d("4m"), Some("app-failure".into()), 2).unwrap();
    options.drill = Some(drconsole::drill::find("rally-app-failure").unwrap());
    check("drill", options, "dark");
}

#[test]
fn the_same_arguments_give_the_same_frame() {
    let frame = || {
        render(
            &builtin::rally(),
            &main_screen(),
            &Theme::load("dark").unwrap(),
            ShotFormat::Svg,
        )
        .expect("the main screen renders")
    };
    let (a, b) = (frame(), frame());
    assert!(a.contains("Rally production"), "{a}");
    assert_eq!(a, b);
}

#[test]
fn bad_sizes_and_scenarios_are_errors() {
    assert!(
        ShotOptions::parse("120by40", d("0s"), None, 0)
            .unwrap_err()
            .contains("COLUMNSxROWS")
    );
    assert!(
        ShotOptions::parse("10x10", d("0s"), None, 0)
            .unwrap_err()
            .contains("from 20x5")
    );
    let options = ShotOptions::parse("80x24", d("0s"), Some("nope".into()), 0).unwrap();
    let err = render(
        &builtin::rally(),
        &options,
        &Theme::load("dark").unwrap(),
        ShotFormat::Txt,
    )
    .unwrap_err();
    assert!(err.contains("no scenario \"nope\""), "{err}");
}
