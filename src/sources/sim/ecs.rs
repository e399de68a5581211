//! Simulated ECS: every declared service steady on one deployment (services
//! in the DR region start scaled to zero, a pilot light), reacting to
//! `update-service`: a new deployment starts its tasks while the old one
//! drains, then completes; a new desired count ramps the running tasks.

use jiff::Timestamp;

use super::noise::{Noise, ts};
use super::world::{Reaction, SimWorld};
use crate::domain::snapshot::{
    Deployment, EcsEvent, EcsService, EcsSnapshot, RolloutState, StoppedTask,
};
use crate::runbook::duration::HOUR;

/// ECS repeats "has reached a steady state." about every six hours.
const STEADY_EVERY: i64 = 6 * HOUR;
const EVENTS_SHOWN: usize = 10;

/// A task count moving one task per `step` seconds from `start` on.
#[derive(Debug, Clone, Copy)]
struct Ramp {
    from: u32,
    to: u32,
    start: i64,
    step: i64,
}

impl Ramp {
    fn steady(count: u32) -> Self {
        Self {
            from: count,
            to: count,
            start: i64::MIN / 4,
            step: 1,
        }
    }

    /// A ramp from `from` to `to` that starts at `start` and ends by `by`.
    fn within(from: u32, to: u32, start: i64, by: i64) -> Self {
        let tasks = i64::from(from.abs_diff(to).max(1));
        Self {
            from,
            to,
            start,
            step: ((by - start) / tasks).max(5),
        }
    }

    fn value(&self, t: i64) -> u32 {
        if t < self.start || self.from == self.to {
            return self.from;
        }
        let moved = ((t - self.start) / self.step + 1).min(i64::from(self.from.abs_diff(self.to)));
        let moved = u32::try_from(moved).unwrap_or(u32::MAX);
        if self.to > self.from {
            self.from.saturating_add(moved)
        } else {
            self.from.saturating_sub(moved)
        }
    }

    /// When the last task has started (or stopped).
    fn done_at(&self) -> i64 {
        let tasks = i64::from(self.from.abs_diff(self.to));
        if tasks == 0 {
            self.start
        } else {
            self.start + (tasks - 1) * self.step
        }
    }
}

#[derive(Debug, Clone)]
struct DeploymentState {
    id: String,
    task_definition: String,
    created: i64,
    ramp: Ramp,
    /// When a drained deployment disappears from the list.
    gone_at: Option<i64>,
}

/// An event and whether it is a forecast that a later update may change
/// (completion, steady state) rather than a task start or stop.
#[derive(Debug, Clone)]
struct PlannedEvent {
    at: i64,
    message: String,
    tentative: bool,
}

#[derive(Debug, Clone)]
struct ServiceState {
    cluster: String,
    name: String,
    region: String,
    desired: u32,
    /// Oldest first; the last is PRIMARY.
    deployments: Vec<DeploymentState>,
    rollout_done: i64,
    events: Vec<PlannedEvent>,
    /// (start, end) of each update, when no periodic steady-state event fires.
    busy: Vec<(i64, i64)>,
}

impl ServiceState {
    fn event(&mut self, at: i64, message: String, tentative: bool) {
        self.events.push(PlannedEvent {
            at,
            message,
            tentative,
        });
    }
}

pub(super) fn snapshot(world: &SimWorld, now: Timestamp) -> EcsSnapshot {
    let now_s = now.as_second();
    EcsSnapshot {
        services: fold(world, now)
            .iter()
            .map(|s| {
                let mut service = render(&world.noise, s, now_s);
                if let Some((since, reason)) = crash_loop(world, &service.name, now) {
                    crash(&world.noise, &mut service, since.as_second(), reason, now_s);
                }
                service
            })
            .collect(),
        unavailable: Vec::new(),
    }
}

fn fold(world: &SimWorld, now: Timestamp) -> Vec<ServiceState> {
    let env = &world.env;
    let noise = &world.noise;
    let start = world.start.as_second();
    let dr = env
        .regions
        .dr
        .as_deref()
        .filter(|dr| *dr != env.regions.primary);
    let mut services: Vec<ServiceState> = env
        .ecs
        .iter()
        .map(|spec| {
            let region = env.region_of(spec.region.as_deref()).to_string();
            let key = format!("ecs:{}/{}", spec.cluster, spec.service);
            let desired = if Some(region.as_str()) == dr {
                0
            } else if noise.range(&key, 0, 0, 4) == 0 {
                1
            } else {
                2
            };
            let created = start - noise.range(&key, 1, 2 * HOUR, 72 * HOUR);
            let revision = noise.range(&key, 2, 3, 60);
            ServiceState {
                cluster: spec.cluster.clone(),
                name: spec.service.clone(),
                region,
                desired,
                deployments: vec![DeploymentState {
                    id: deployment_id(noise, &key, -1),
                    task_definition: format!("{}:{revision}", spec.service),
                    created,
                    ramp: Ramp::steady(desired),
                    gone_at: None,
                }],
                rollout_done: created + 240,
                events: Vec::new(),
                busy: Vec::new(),
            }
        })
        .collect();

    for (index, timed) in world.reactions.iter().enumerate() {
        if timed.at > now {
            break;
        }
        let Reaction::EcsUpdate {
            cluster,
            service,
            new_deployment,
            task_definition,
            desired,
        } = &timed.what
        else {
            continue;
        };
        let Some(svc) = services
            .iter_mut()
            .find(|s| &s.cluster == cluster && &s.name == service)
        else {
            continue; // AWS refuses: ServiceNotFoundException.
        };
        let at = timed.at.as_second();
        let key = format!("ecs:{cluster}/{service}");
        svc.events.retain(|e| e.at <= at || !e.tentative);
        if let Some(n) = desired {
            svc.desired = *n;
        }
        if *new_deployment {
            start_deployment(noise, svc, &key, index as i64, at, task_definition.clone());
        } else {
            scale(noise, svc, at);
        }
    }
    services
}

/// A new PRIMARY deployment starts its tasks over the first half of the
/// rollout while every older one drains over the second half.
fn start_deployment(
    noise: &Noise,
    svc: &mut ServiceState,
    key: &str,
    n: i64,
    at: i64,
    task_definition: Option<String>,
) {
    let half = noise.range(key, n, 180, 360) / 2;
    let name = svc.name.clone();
    let mut drained_by = at;
    let mut stopped = Vec::new();
    for old in svc
        .deployments
        .iter_mut()
        .filter(|d| d.gone_at.is_none_or(|g| g > at))
    {
        let running = old.ramp.value(at);
        old.ramp = Ramp::within(running, 0, at + half, at + 2 * half - 30);
        let gone = old.ramp.done_at() + 15;
        old.gone_at = Some(gone);
        drained_by = drained_by.max(gone);
        if running > 0 {
            stopped.push(running);
        }
    }
    for (i, count) in stopped.into_iter().enumerate() {
        let tasks = task_list(noise, &format!("{key}:stop"), n * 10 + i as i64, count);
        let message = format!("(service {name}) has stopped {count} running tasks: {tasks}.");
        svc.event(at + half, message, false);
    }

    let desired = svc.desired;
    let id = deployment_id(noise, key, n);
    let task_definition = task_definition.unwrap_or_else(|| {
        svc.deployments
            .last()
            .map(|d| d.task_definition.clone())
            .unwrap_or_default()
    });
    let ramp = Ramp::within(0, desired, at + 30, at + half);
    if desired > 0 {
        let tasks = task_list(noise, &format!("{key}:start"), n, desired);
        let message = format!("(service {name}) has started {desired} tasks: {tasks}.");
        svc.event(at + 30, message, false);
    }
    svc.rollout_done = drained_by.max(ramp.done_at()) + 10;
    svc.deployments.push(DeploymentState {
        id: id.clone(),
        task_definition,
        created: at,
        ramp,
        gone_at: None,
    });
    let done = svc.rollout_done;
    svc.event(
        done,
        format!("(service {name}) (deployment {id}) deployment completed."),
        true,
    );
    svc.event(
        done,
        format!("(service {name}) has reached a steady state."),
        true,
    );
    svc.busy.push((at, done));
}

/// A new desired count on the current deployment: one task every 15 s.
fn scale(noise: &Noise, svc: &mut ServiceState, at: i64) {
    let name = svc.name.clone();
    let desired = svc.desired;
    let Some(primary) = svc.deployments.last_mut() else {
        return;
    };
    let running = primary.ramp.value(at);
    primary.ramp = Ramp {
        from: running,
        to: desired,
        start: at + 30,
        step: 15,
    };
    let ramp_done = primary.ramp.done_at() + 10;
    let primary_id = primary.id.clone();
    let key = format!("ecs:{}/{name}:scale", svc.cluster);
    if desired > running {
        let count = desired - running;
        let tasks = task_list(noise, &key, at, count);
        let message = format!("(service {name}) has started {count} tasks: {tasks}.");
        svc.event(at + 30, message, false);
    } else if desired < running {
        let count = running - desired;
        let tasks = task_list(noise, &key, at, count);
        let message = format!("(service {name}) has stopped {count} running tasks: {tasks}.");
        svc.event(at + 30, message, false);
    }
    if svc.rollout_done > at {
        // A rollout still in progress now also waits for the new count.
        svc.rollout_done = svc.rollout_done.max(ramp_done);
        let message = format!("(service {name}) (deployment {primary_id}) deployment completed.");
        svc.event(svc.rollout_done, message, true);
    }
    let steady = svc.rollout_done.max(ramp_done);
    svc.event(
        steady,
        format!("(service {name}) has reached a steady state."),
        true,
    );
    svc.busy.push((at, steady));
}

fn render(noise: &Noise, svc: &ServiceState, now: i64) -> EcsService {
    let mut deployments = Vec::new();
    let visible: Vec<&DeploymentState> = svc
        .deployments
        .iter()
        .filter(|d| d.gone_at.is_none_or(|g| g > now))
        .collect();
    // PRIMARY first, then the draining ones, newest first.
    for (i, d) in visible.iter().rev().enumerate() {
        let running = d.ramp.value(now);
        let primary = i == 0;
        let (status, rollout, desired, pending, updated) = if primary {
            let in_progress = now < svc.rollout_done;
            let pending = if now >= d.ramp.start - 30 {
                d.ramp.to.saturating_sub(running)
            } else {
                0
            };
            let updated = if in_progress {
                d.created
            } else {
                svc.rollout_done.max(d.created)
            };
            let rollout = if in_progress {
                RolloutState::InProgress
            } else {
                RolloutState::Completed
            };
            ("PRIMARY", rollout, svc.desired, pending, updated)
        } else {
            let desired = if now >= d.ramp.start {
                d.ramp.to
            } else {
                d.ramp.from
            };
            ("ACTIVE", RolloutState::Completed, desired, 0, d.created)
        };
        deployments.push(Deployment {
            id: d.id.clone(),
            status: status.to_string(),
            task_definition: d.task_definition.clone(),
            rollout: Some(rollout),
            desired,
            running,
            pending,
            failed_tasks: 0,
            updated: Some(ts(updated)),
        });
    }
    EcsService {
        stale: None,
        cluster: svc.cluster.clone(),
        name: svc.name.clone(),
        region: svc.region.clone(),
        status: "ACTIVE".to_string(),
        desired: svc.desired,
        running: deployments.iter().map(|d| d.running).sum(),
        pending: deployments.iter().map(|d| d.pending).sum(),
        deployments,
        events: events(noise, svc, now),
        circuit_breaker: true,
        stopped_tasks: Vec::new(),
    }
}

/// The periodic steady-state events outside updates plus the updates' own
/// events, newest first.
fn events(noise: &Noise, svc: &ServiceState, now: i64) -> Vec<EcsEvent> {
    let key = format!("ecs:{}/{}", svc.cluster, svc.name);
    let phase = noise.range(&key, 3, 0, STEADY_EVERY);
    let since = svc.deployments.first().map_or(now, |d| d.created);
    let latest = (now - phase).div_euclid(STEADY_EVERY) * STEADY_EVERY + phase;
    let mut all: Vec<(i64, String)> = (0..EVENTS_SHOWN as i64)
        .map(|k| latest - k * STEADY_EVERY)
        .filter(|&t| t >= since && !svc.busy.iter().any(|&(a, b)| (a..=b).contains(&t)))
        .map(|t| {
            let message = format!("(service {}) has reached a steady state.", svc.name);
            (t, message)
        })
        .collect();
    all.extend(
        svc.events
            .iter()
            .filter(|e| e.at <= now)
            .map(|e| (e.at, e.message.clone())),
    );
    // Newest first; among equal times the later-planned event first.
    all.reverse();
    all.sort_by_key(|e| std::cmp::Reverse(e.0));
    all.truncate(EVENTS_SHOWN);
    all.into_iter()
        .map(|(at, message)| EcsEvent {
            at: ts(at),
            message,
        })
        .collect()
}

fn deployment_id(noise: &Noise, key: &str, n: i64) -> String {
    let digits = noise.hash(&format!("{key}:deployment"), n) % 10_000_000_000_000_000_000;
    format!("ecs-svc/{digits:019}")
}

/// "(task 1f…) (task 9a…)", at most five listed as ECS does in one event.
fn task_list(noise: &Noise, key: &str, n: i64, count: u32) -> String {
    (0..count.min(5))
        .map(|i| format!("(task {})", noise.hex(&format!("{key}#{n}#{i}"), 32)))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The crash loop a drill staged on the service, if one holds at `now`:
/// since when, and why tasks stop. A new deployment after it began (a
/// rollback, a forced redeploy) ends it.
fn crash_loop<'a>(
    world: &'a SimWorld,
    service: &str,
    now: Timestamp,
) -> Option<(Timestamp, &'a str)> {
    let (since, reason) = world
        .crash_loops
        .iter()
        .take_while(|t| t.at <= now)
        .filter(|t| t.what.0 == service)
        .last()
        .and_then(|t| t.what.1.as_deref().map(|r| (t.at, r)))?;
    let replaced = world.reactions.iter().any(|r| {
        r.at >= since
            && r.at <= now
            && matches!(&r.what, Reaction::EcsUpdate { service: s, new_deployment: true, .. } if s == service)
    });
    (!replaced).then_some((since, reason))
}

/// Seconds a crash-looping task lives before it stops.
const CRASH_PERIOD: i64 = 40;

/// The service as ECS shows a crash loop: no task stays running, the
/// rollout fails (the circuit breaker trips), recent tasks stopped for
/// `reason`, and the events say so.
fn crash(noise: &Noise, svc: &mut EcsService, since: i64, reason: &str, now: i64) {
    let crashes = u32::try_from((now.saturating_sub(since) / CRASH_PERIOD).saturating_add(1))
        .unwrap_or(u32::MAX);
    for d in &mut svc.deployments {
        if d.status == "PRIMARY" {
            d.running = 0;
            d.pending = d.desired;
            d.failed_tasks = crashes;
            if now.saturating_sub(since) >= 3 * CRASH_PERIOD {
                d.rollout = Some(RolloutState::Failed);
            }
        } else {
            d.running = 0;
        }
    }
    svc.running = 0;
    svc.pending = svc.desired;
    let newest = since + (now.saturating_sub(since) / CRASH_PERIOD) * CRASH_PERIOD;
    svc.stopped_tasks = (0..3)
        .map(|k| newest - k * CRASH_PERIOD)
        .filter(|&t| t >= since)
        .map(|t| StoppedTask {
            id: noise.alnum(&format!("crash:{}:{t}", svc.name), 32),
            stopped_at: Some(ts(t)),
            reason: reason.to_string(),
        })
        .collect();
    let mut events: Vec<EcsEvent> = vec![EcsEvent {
        at: ts(newest),
        message: format!(
            "(service {}) is unable to consistently start tasks successfully.",
            svc.name
        ),
    }];
    events.append(&mut svc.events);
    svc.events = events;
}
