//! `drconsole screenshot`: one frame of the console on the simulated
//! environment, drawn headless. Time runs on a paused tokio clock from a
//! fixed start, so the same arguments always give the same picture.

use std::sync::Arc;

use clap::ValueEnum;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

use crate::app::{Action, App, Origin};
use crate::clock::Clock;
use crate::domain::snapshot::SourceKind;
use crate::journal::entry::{Entry, EntryKind};
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::Runbook;
use crate::sources::sim::SimSource;
use crate::sources::{Source, SourceUpdate};
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
}

impl ShotOptions {
    pub fn parse(size: &str, at: &str, scenario: Option<String>, confirm: usize) -> Result<Self, String> {
        let bad = || format!("--size {size:?}: write it as COLUMNSxROWS, e.g. 120x40");
        let (w, h) = size.split_once(['x', 'X']).ok_or_else(bad)?;
        let (width, height): (u16, u16) = (w.trim().parse().map_err(|_| bad())?, h.trim().parse().map_err(|_| bad())?);
        if !(20..=1000).contains(&width) || !(5..=500).contains(&height) {
            return Err(format!("--size {size:?}: from 20x5 up to 1000x500"));
        }
        let at = HumanDuration::parse(at).map_err(|e| format!("--at: {e}"))?;
        Ok(Self {
            width,
            height,
            at,
            scenario,
            confirm,
        })
    }
}

pub fn render(runbook: &Runbook, options: &ShotOptions, theme: &Theme, format: ShotFormat) -> Result<String, String> {
    if let Some(id) = &options.scenario
        && runbook.scenario(id).is_none()
    {
        return Err(format!("no scenario {id:?} in {}", runbook.name));
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .map_err(|e| e.to_string())?;
    let app = runtime.block_on(simulate(runbook.clone(), options));
    let mut buf = Buffer::empty(Rect::new(0, 0, options.width, options.height));
    crate::ui::render(buf.area, &mut buf, &app, theme);
    Ok(match format {
        ShotFormat::Svg => to_svg(&buf),
        ShotFormat::Txt => to_text(&buf),
    })
}

/// Plays the first `confirm` steps over the first half of `at`, then lets
/// the simulated world run to `at` and fetches everything once.
async fn simulate(runbook: Runbook, options: &ShotOptions) -> App {
    let start: jiff::Timestamp = START.parse().expect("START is a valid timestamp");
    let clock = Clock::sim(start);
    let source = Arc::new(SimSource::new(&runbook.environment, SEED, clock));
    let origin = Origin {
        source: source.label().to_string(),
        simulated: source.is_simulated(),
    };
    let mut app = App::new(runbook, origin, clock.now(), options.scenario.as_deref());
    let total = options.at.as_std();
    let mut seq = 0;
    let mut record = |app: &mut App, kind: EntryKind, step: Option<String>| {
        seq += 1;
        let entry = Entry {
            seq,
            time: clock.now(),
            actor: ACTOR.into(),
            kind,
            runbook: app.runbook.name.clone(),
            scenario: app.current().map(|s| s.id.clone()),
            step,
            note: None,
            undoes: None,
            evidence: None,
            drill: true,
        };
        app.update(Action::Journaled(entry))
    };
    if app.current().is_some() {
        record(&mut app, EntryKind::SessionStarted, None);
        let steps = app.steps().to_vec();
        let n = options.confirm.min(steps.len());
        for step in steps.into_iter().take(n) {
            tokio::time::advance(total / (2 * n as u32 + 1)).await;
            for effect in record(&mut app, EntryKind::Confirmed, Some(step.id.clone())) {
                if let crate::app::Effect::StepConfirmed(step) = effect {
                    source.step_confirmed(&step);
                }
            }
        }
    }
    let elapsed = tokio::time::Instant::now() - tokio_start(&clock);
    tokio::time::advance(total.saturating_sub(elapsed)).await;
    for kind in SourceKind::ALL {
        let result = source.fetch(kind).await;
        app.update(Action::Source(SourceUpdate::Fetched {
            kind,
            at: clock.now(),
            result,
        }));
    }
    app.update(Action::Tick(clock.now()));
    app
}

fn tokio_start(clock: &Clock) -> tokio::time::Instant {
    match clock {
        Clock::Sim { origin, .. } => *origin,
        _ => tokio::time::Instant::now(),
    }
}
