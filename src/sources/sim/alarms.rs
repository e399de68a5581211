//! Simulated CloudWatch alarms: every declared name, plus a few invented
//! per declared prefix, all OK except one that now and then fires for a
//! minute or two so the pane visibly moves. Drills can hold any alarm in a
//! state with an override.

use jiff::Timestamp;

use super::noise::ts;
use super::world::{SimWorld, override_at};
use crate::domain::snapshot::{Alarm, AlarmSnapshot, AlarmState};
use crate::runbook::duration::DAY;

/// Suffixes of the alarms invented for each declared prefix.
const INVENTED: &[&str] = &["high-cpu", "5xx", "unhealthy-hosts"];
/// The flapping alarm may fire once in each window of this many seconds.
const FLAP_WINDOW: i64 = 480;

pub(super) fn snapshot(world: &SimWorld, now: Timestamp) -> AlarmSnapshot {
    let names = alarm_names(world);
    let flapper = flapper(world, &names);
    let region = world.env.regions.primary.clone();
    let now_s = now.as_second();
    let alarms = names
        .iter()
        .map(|name| {
            let (state, since) = match override_state(world, name, now) {
                Some(held) => held,
                None if Some(name) == flapper.as_ref() => flap(world, name, now_s),
                None => {
                    let quiet_for = world
                        .noise
                        .range(&format!("alarm:{name}"), 0, DAY, 20 * DAY);
                    (AlarmState::Ok, world.start.as_second() - quiet_for)
                }
            };
            Alarm {
                stale: None,
                name: name.clone(),
                region: region.clone(),
                state,
                reason: reason(state).to_string(),
                updated: ts(since),
                metric: metric_of(name).map(str::to_string),
            }
        })
        .collect();
    AlarmSnapshot {
        alarms,
        unavailable: Vec::new(),
    }
}

/// Declared names, then `<prefix>-<suffix>` for each prefix, without repeats.
fn alarm_names(world: &SimWorld) -> Vec<String> {
    let spec = &world.env.alarms;
    let mut names: Vec<String> = Vec::new();
    let invented = spec.prefixes.iter().flat_map(|prefix| {
        let joiner = if prefix.ends_with(['-', '_', '/', '.']) {
            ""
        } else {
            "-"
        };
        INVENTED
            .iter()
            .map(move |suffix| format!("{prefix}{joiner}{suffix}"))
    });
    for name in spec.names.iter().cloned().chain(invented) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

/// The one alarm that flaps: the first prefix's `5xx` alarm, or, with no
/// prefixes, the last declared name.
fn flapper(world: &SimWorld, names: &[String]) -> Option<String> {
    let spec = &world.env.alarms;
    if spec.prefixes.is_empty() {
        return spec.names.last().cloned();
    }
    names
        .iter()
        .skip(spec.names.len())
        .find(|n| n.ends_with("5xx"))
        .cloned()
}

/// The state held by a drill override and since when.
fn override_state(world: &SimWorld, name: &str, now: Timestamp) -> Option<(AlarmState, i64)> {
    let state = *override_at(&world.alarm_overrides, name, now)?;
    let since = world
        .alarm_overrides
        .iter()
        .take_while(|t| t.at <= now)
        .filter(|t| t.what.0 == name)
        .last()
        .map_or(now.as_second(), |t| t.at.as_second());
    Some((state, since))
}

/// The window's firing interval, if the alarm fires in that window.
fn firing(world: &SimWorld, name: &str, window: i64) -> Option<(i64, i64)> {
    let key = format!("flap:{name}");
    let noise = &world.noise;
    if noise.unit(&key, window) >= 0.5 {
        return None;
    }
    let begin = window * FLAP_WINDOW + noise.range(&key, window + 1_000_000, 60, 300);
    let len = noise.range(&key, window + 2_000_000, 45, 150);
    Some((begin, begin + len))
}

/// State at `now` and the time of the last transition.
fn flap(world: &SimWorld, name: &str, now: i64) -> (AlarmState, i64) {
    let current = now.div_euclid(FLAP_WINDOW);
    if let Some((begin, end)) = firing(world, name, current)
        && (begin..end).contains(&now)
    {
        return (AlarmState::Alarm, begin);
    }
    // The last time it went back to OK, searching back a few hours.
    let last_ok = (0..50)
        .filter_map(|k| firing(world, name, current - k))
        .map(|(_, end)| end)
        .find(|&end| end <= now);
    (AlarmState::Ok, last_ok.unwrap_or(now - 3 * DAY))
}

fn reason(state: AlarmState) -> &'static str {
    match state {
        AlarmState::Ok => {
            "Threshold Crossed: 3 datapoints were not greater than the threshold (recovered)."
        }
        AlarmState::Alarm => {
            "Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold."
        }
        AlarmState::InsufficientData => "Insufficient Data: no datapoints were received.",
    }
}

/// A plausible metric for the alarm, guessed from its name.
fn metric_of(name: &str) -> Option<&'static str> {
    let lower = name.to_ascii_lowercase();
    [
        ("cpu", "CPUUtilization"),
        ("memory", "MemoryUtilization"),
        ("5xx", "HTTPCode_Target_5XX_Count"),
        ("unhealthy", "UnHealthyHostCount"),
        ("lag", "ReplicaLag"),
        ("latency", "TargetResponseTime"),
        ("storage", "FreeStorageSpace"),
        ("connection", "DatabaseConnections"),
    ]
    .into_iter()
    .find(|(needle, _)| lower.contains(needle))
    .map(|(_, metric)| metric)
}
