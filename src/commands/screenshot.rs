//! `drconsole screenshot`: one frame of the console on the simulated
//! environment, drawn headless. Time runs on a paused tokio clock from a
//! fixed start, so the same arguments always give the same picture.

use std::process::ExitCode;

use clap::ValueEnum;
use color_eyre::Result;
use color_eyre::eyre::eyre;
use jiff::Timestamp;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use super::common::{find_scenario, load_runbook_or_rally};
use crate::app::{Action, App, Origin};
use crate::cli::ScreenshotArgs;
use crate::journal::entry::{Entry, EntryKind};
use crate::runbook::duration::{HumanDuration, later};
use crate::runbook::model::Runbook;
use crate::sources::SourceUpdate;
use crate::sources::poller::FETCH_TIMEOUT;
use crate::sources::sim::world::SimWorld;
use crate::ui::export::{to_svg, to_text};
use crate::ui::theme::Theme;

/// The simulated incident starts here in every screenshot.
pub const START: &str = "2026-03-14T02:00:00Z";
const SEED: u64 = 7;
const ACTOR: &str = "on-call";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShotFormat {
    Svg,
    Txt,
}

#[derive(Debug, Clone)]
pub struct ShotOptions {
    pub width: u16,
    pub height: u16,
    pub at: HumanDuration,
    pub scenario: Option<String>,
    pub confirm: usize,
    /// Draw the presenter view (the caller picks its theme).
    pub presenter: bool,
    /// Stage this drill in the frame's world.
    pub drill: Option<crate::drill::Drill>,
}

impl ShotOptions {
    pub fn parse(
        size: &str,
        at: HumanDuration,
        scenario: Option<String>,
        confirm: usize,
    ) -> Result<Self, String> {
        let bad = || format!("--size {size:?}: write it as COLUMNSxROWS, e.g. 120x40");
        let (w, h) = size.split_once(['x', 'X']).ok_or_else(bad)?;
        let (width, height): (u16, u16) = (
            w.trim().parse().map_err(|_| bad())?,
            h.trim().parse().map_err(|_| bad())?,
        );
        if !(20..=1000).contains(&width) || !(5..=500).contains(&height) {
            return Err(format!("--size {size:?}: from 20x5 up to 1000x500"));
        }
        Ok(Self {
            width,
            height,
            at,
            scenario,
            confirm,
            presenter: false,
            drill: None,
        })
    }
}

pub fn run(args: ScreenshotArgs) -> Result<ExitCode> {
    let runbook = load_runbook_or_rally(args.runbook.as_deref())?;
    let theme_name = match args.presenter {
        true => super::console::PRESENTER_THEME,
        false => &args.theme,
    };
    let theme = Theme::load(theme_name).map_err(|e| eyre!(e))?;
    let mut options = ShotOptions::parse(&args.size, args.at, args.scenario, args.confirm)
        .map_err(|e| eyre!(e))?;
    options.presenter = args.presenter;
    if let Some(name) = &args.drill {
        options.drill =
            Some(crate::drill::find(name).map_err(|why| eyre!("drill {name:?}: {why}"))?);
    }
    let frame = render(&runbook, &options, &theme, args.format).map_err(|e| eyre!(e))?;
    std::fs::write(&args.out, frame)
        .map_err(|e| eyre!("cannot write {}: {e}", args.out.display()))?;
    Ok(ExitCode::SUCCESS)
}

pub fn render(
    runbook: &Runbook,
    options: &ShotOptions,
    theme: &Theme,
    format: ShotFormat,
) -> Result<String, String> {
    let buf = frame(runbook, options, theme)?;
    Ok(match format {
        ShotFormat::Svg => to_svg(&buf),
        ShotFormat::Txt => to_text(&buf),
    })
}

/// The frame `render` writes out, with each cell's colours (for tests).
pub fn frame(runbook: &Runbook, options: &ShotOptions, theme: &Theme) -> Result<Buffer, String> {
    if let Some(id) = &options.scenario {
        find_scenario(runbook, id)?;
    }
    let app = simulate(runbook.clone(), options);
    let mut buf = Buffer::empty(Rect::new(0, 0, options.width, options.height));
    crate::ui::render(buf.area, &mut buf, &app.view(), theme);
    Ok(buf)
}

/// Lays a drill's injects in the world: the timed ones (`step` None) from
/// `at`, or those waiting for `step`, which ran at `at`.
fn stage(world: &mut SimWorld, drill: &crate::drill::Drill, at: Timestamp, step: Option<&str>) {
    for (delay, fault) in crate::drill::following(drill, step) {
        let secs = i64::try_from(delay).unwrap_or(i64::MAX);
        world.inject(fault, later(at, jiff::SignedDuration::from_secs(secs)));
    }
}

/// Plays the first `confirm` steps over the first half of `at`, then lets
/// the simulated world run to `at` and reads everything once. The world is a
/// pure function of time, so no clock runs here.
fn simulate(runbook: Runbook, options: &ShotOptions) -> App {
    // START is a constant a test draws from; the fallback is never taken.
    let start: Timestamp = START.parse().unwrap_or(Timestamp::UNIX_EPOCH);
    let mut world = SimWorld::new(&runbook.environment, SEED, start);
    let origin = Origin {
        source: "simulated".into(),
        simulated: true,
    };
    let mut app = App::new(runbook, origin, start, options.scenario.as_deref())
        .with_presenter(options.presenter);
    let record =
        |app: &mut App, seq: u64, time: Timestamp, kind: EntryKind, step: Option<String>| {
            let entry = Entry {
                seq,
                time,
                actor: ACTOR.into(),
                kind,
                runbook: app.runbook().name.clone(),
                scenario: app.current().map(|s| s.id.clone()),
                step,
                note: None,
                undoes: None,
                at: None,
                evidence: None,
                drill: true,
                runbook_ref: None,
                drill_detail: None,
                prev: None,
                share: None,
            };
            app.update(Action::Journaled(entry));
        };
    let drill = options
        .drill
        .as_ref()
        .filter(|d| app.current().is_some_and(|s| s.id == d.scenario));
    if let Some(drill) = drill {
        stage(&mut world, drill, start, None);
        app.set_drill(Some(crate::drill::DrillStatus {
            name: drill.reference.clone(),
            title: drill.title.clone(),
            speed: 1,
            injects: Vec::new(),
        }));
    }
    if app.current().is_some() {
        record(&mut app, 1, start, EntryKind::SessionStarted, None);
        let steps = app.steps().to_vec();
        let n = options.confirm.min(steps.len());
        // Step i+1 of n at (i+1)/(2n+1) of `at`: never past `at`.
        let total = options.at.as_signed();
        let slice = total
            / i32::try_from(n)
                .unwrap_or(i32::MAX)
                .saturating_mul(2)
                .saturating_add(1);
        for (i, step) in steps.into_iter().take(n).enumerate() {
            let nth = i32::try_from(i).unwrap_or(i32::MAX).saturating_add(1);
            let at = later(start, slice.checked_mul(nth).unwrap_or(total));
            world.confirm(&step, at);
            if let Some(drill) = drill {
                stage(&mut world, drill, at, Some(&step.id));
            }
            record(
                &mut app,
                i as u64 + 2,
                at,
                EntryKind::Confirmed,
                Some(step.id.clone()),
            );
        }
    }
    let now = later(start, options.at);
    for key in world.feeds() {
        let result = world.fetch_feed_at(&key, now, FETCH_TIMEOUT);
        app.update(Action::Source(SourceUpdate::Fetched {
            key,
            at: now,
            result,
        }));
    }
    app.update(Action::Tick(now));
    app
}
