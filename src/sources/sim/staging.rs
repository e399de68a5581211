//! A drill played in the simulated world: its timed injects laid in when
//! the scenario begins, those waiting for a step laid in when it runs, the
//! facilitator's pause, speed and injects, and a resumed drill's world
//! rebuilt from its journal.

use jiff::Timestamp;

use super::{SimSource, later};
use crate::drill::{self, DrillAction, DrillChange, DrillStatus, Fault, SPEEDS};
use crate::journal::entry::{Entry, EntryKind};
use crate::runbook::model::Step;

/// The scenario's session begins at `start` in a fresh world (nothing an
/// earlier scenario's session did in it), and its drill's timed injects
/// are laid in at their offsets from then.
pub(super) fn begin(source: &SimSource, scenario: &str, start: Timestamp) {
    source.world().restart(start);
    let drill = source.drill_for(scenario).cloned();
    if let Some(drill) = &drill {
        let mut world = source.world();
        for (offset, fault) in drill::following(drill, None) {
            world.inject(fault, later(start, offset));
        }
    }
    *source.playing() = drill;
    ran(source).clear();
}

fn ran(source: &SimSource) -> std::sync::MutexGuard<'_, std::collections::HashSet<String>> {
    source
        .ran
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The operator ran `step` at `at`: the injects waiting for it follow.
pub(super) fn after_step(source: &SimSource, step: &Step, at: Timestamp) {
    let playing = source.playing().clone();
    let Some(drill) = playing else {
        return;
    };
    if !ran(source).insert(step.id.clone()) {
        return;
    }
    let mut world = source.world();
    for (delay, fault) in drill::following(&drill, Some(&step.id)) {
        world.inject(fault, later(at, delay));
    }
}

pub(super) fn status(source: &SimSource, scenario: &str) -> Option<DrillStatus> {
    let drill = source.drill_for(scenario)?;
    let injects = injects(source, drill).into_iter().map(|(n, _)| n).collect();
    Some(DrillStatus {
        name: drill.reference.clone(),
        title: drill.title.clone(),
        speed: source.clock.drill().map_or(1, |c| c.speed()),
        injects,
    })
}

/// What the facilitator can inject by name: the drill's named injects,
/// then the stock ones its names do not shadow.
fn injects(source: &SimSource, drill: &drill::Drill) -> Vec<(String, Fault)> {
    let mut all = drill::named_injects(drill);
    let stock = drill::stock_injects(&source.world().env);
    for (name, fault) in stock {
        if !all.iter().any(|(n, _)| *n == name) {
            all.push((name, fault));
        }
    }
    all
}

pub(super) fn control(source: &SimSource, action: &DrillAction) -> Result<DrillChange, String> {
    let playing = source.playing().clone();
    let drill = playing.ok_or("no drill is staged in this scenario")?;
    let clock = source
        .clock
        .drill()
        .ok_or("this world's clock is fixed: it cannot be paused or sped up")?;
    let speed = clock.speed();
    let set = |to: u32, text: String| {
        clock.set_speed(to);
        Ok(DrillChange {
            speed: Some(clock.speed()),
            fault: None,
            text,
        })
    };
    match action {
        DrillAction::TogglePause if speed == 0 => set(1, "drill resumed at 1×".into()),
        DrillAction::TogglePause => set(0, "drill paused: the world's clock stands still".into()),
        DrillAction::Speed(to) => set(
            *to,
            format!("drill at {}×", (*to).min(crate::clock::MAX_SPEED)),
        ),
        DrillAction::Faster => {
            let to = SPEEDS.iter().copied().find(|&s| s > speed).unwrap_or(speed);
            set(to, format!("drill at {to}×"))
        }
        DrillAction::Slower => {
            let to = SPEEDS
                .iter()
                .rev()
                .copied()
                .find(|&s| s < speed.max(1))
                .unwrap_or(1);
            set(to, format!("drill at {to}×"))
        }
        DrillAction::Inject(name) => {
            let (_, fault) = injects(source, &drill)
                .into_iter()
                .find(|(n, _)| n == name)
                .ok_or_else(|| format!("no inject named {name:?} in this drill"))?;
            source.world().inject(&fault, source.clock.now());
            Ok(DrillChange {
                speed: None,
                text: format!("injected {name}: {}", fault.describe()),
                fault: Some(fault),
            })
        }
    }
}

/// A resumed drill's world as it stood: it began when the session first
/// started, the drill's timed injects and the facilitator's injects at
/// their journaled times, the clock at the journal's last entry and at its
/// last speed. The steps run follow through `step_run`, at their times.
pub(super) fn resume(source: &SimSource, scenario: &str, entries: &[Entry]) -> Option<Timestamp> {
    let start = entries
        .iter()
        .find(|e| e.kind == EntryKind::SessionStarted)
        .map(|e| e.time)?;
    begin(source, scenario, start);
    let mut speed = None;
    for entry in entries {
        let detail = entry.drill_detail.as_ref();
        match entry.kind {
            EntryKind::Injected => {
                if let Some(fault) = detail.and_then(|d| d.fault.as_ref()) {
                    source.world().inject(fault, entry.time);
                }
            }
            EntryKind::ClockChanged => speed = detail.and_then(|d| d.speed).or(speed),
            _ => {}
        }
    }
    let clock = source.clock.drill()?;
    let last = entries.last()?;
    clock.set_now(last.time);
    if let Some(speed) = speed {
        clock.set_speed(speed);
    }
    Some(last.time)
}

/// A shared drill joined at wall time `wall_now`: the world resumed from
/// the session's entries, its clock moved on from the last entry by the
/// wall time since it was written, times the drill's speed.
pub(super) fn join(
    source: &SimSource,
    scenario: &str,
    entries: &[Entry],
    wall_now: Timestamp,
) -> Option<Timestamp> {
    let at = resume(source, scenario, entries)?;
    let clock = source.clock.drill()?;
    let written = entries
        .last()
        .and_then(|e| e.drill_detail.as_ref())
        .and_then(|d| d.wall);
    let Some(written) = written else {
        return Some(at);
    };
    let since = wall_now
        .duration_since(written)
        .max(jiff::SignedDuration::ZERO);
    let ahead = since
        .checked_mul(i32::try_from(clock.speed()).unwrap_or(i32::MAX))
        .unwrap_or(jiff::SignedDuration::MAX);
    let now = at.checked_add(ahead).unwrap_or(at);
    clock.set_now(now);
    Some(now)
}

/// Another console's facilitator action, in this world: its inject at
/// its time, its speed, and the clock no earlier than its entry.
pub(super) fn follow(source: &SimSource, entry: &Entry) {
    let detail = entry.drill_detail.as_ref();
    match entry.kind {
        EntryKind::Injected => {
            if let Some(fault) = detail.and_then(|d| d.fault.as_ref()) {
                source.world().inject(fault, entry.time);
            }
        }
        EntryKind::ClockChanged => {
            if let (Some(clock), Some(speed)) = (source.clock.drill(), detail.and_then(|d| d.speed))
            {
                if clock.now() < entry.time {
                    clock.set_now(entry.time);
                }
                clock.set_speed(speed);
            }
        }
        _ => {}
    }
}
