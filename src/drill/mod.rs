//! Drills: the disaster a scenario rehearses, staged in the simulated
//! world (docs/drills.md). A drill file is read and checked here; the
//! simulated source plays its injects (`crate::sources::sim`).

pub mod autopilot;
pub mod model;
pub mod report;
pub mod score;

use std::path::Path;

pub use model::{Drill, Expect, Fault, Inject, When};

use crate::runbook::lines::Lines;
use crate::runbook::load::{Diagnostic, Severity, diagnostic_at, one_line, read_text};
use crate::runbook::model::Runbook;

/// The drills shipped with drconsole: one per built-in scenario.
const BUILTIN: &[(&str, &str)] = &[
    (
        "rally-instance-failure",
        include_str!("../../drills/rally-instance-failure.toml"),
    ),
    (
        "rally-data-corruption",
        include_str!("../../drills/rally-data-corruption.toml"),
    ),
    (
        "rally-app-failure",
        include_str!("../../drills/rally-app-failure.toml"),
    ),
    (
        "rally-regional-outage",
        include_str!("../../drills/rally-regional-outage.toml"),
    ),
    (
        "regami-region-failover",
        include_str!("../../drills/regami-region-failover.toml"),
    ),
    (
        "regami-region-restore",
        include_str!("../../drills/regami-region-restore.toml"),
    ),
    (
        "regami-az-failure",
        include_str!("../../drills/regami-az-failure.toml"),
    ),
    (
        "regami-data-corruption",
        include_str!("../../drills/regami-data-corruption.toml"),
    ),
    (
        "regami-app-failure",
        include_str!("../../drills/regami-app-failure.toml"),
    ),
    (
        "regami-failback",
        include_str!("../../drills/regami-failback.toml"),
    ),
];

/// The built-in drills' names and texts.
pub fn builtin() -> impl Iterator<Item = (&'static str, &'static str)> {
    BUILTIN.iter().copied()
}

/// The built-in drills that stage a scenario of the runbook named `runbook`
/// (a built-in's name), read and checked.
pub fn builtin_for(runbook: &str) -> Vec<Drill> {
    BUILTIN
        .iter()
        .filter_map(|(name, text)| parse(text, name).ok())
        .filter(|d| d.runbook.as_deref() == Some(runbook))
        .collect()
}

/// Whether a TOML text is a drill (it has injects or names the scenario it
/// stages) rather than a runbook.
pub fn looks_like_drill(text: &str) -> bool {
    toml::from_str::<toml::Table>(text)
        .is_ok_and(|t| t.contains_key("inject") || t.get("scenario").is_some_and(|s| s.is_str()))
}

/// The drill a journal names (`drill_detail.name`): a built-in drill's
/// name, else a drill file's path; or why it cannot be had.
pub fn find(name: &str) -> Result<Drill, String> {
    let first = |errors: Vec<Diagnostic>| {
        errors
            .first()
            .map_or_else(|| "it cannot be read".to_string(), ToString::to_string)
    };
    match BUILTIN.iter().find(|(builtin, _)| *builtin == name) {
        Some((_, text)) => parse(text, name).map_err(first),
        None if !Path::new(name).exists() => {
            Err("no built-in drill has that name and no such file is there".to_string())
        }
        None => load(Path::new(name)).map_err(first),
    }
}

/// Reads a drill file.
pub fn load(path: &Path) -> Result<Drill, Vec<Diagnostic>> {
    let (text, file) = read_text(path)?;
    parse(&text, &file)
}

/// Parses a drill; every problem as `file:line:column`.
pub fn parse(text: &str, file: &str) -> Result<Drill, Vec<Diagnostic>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    let at = |offset: usize, message: String| {
        diagnostic_at(Severity::Error, file, lines.position(text, offset), message)
    };
    let raw: model::DrillFile = toml::from_str(text).map_err(|e| {
        vec![at(
            e.span().map_or(0, |span| span.start),
            one_line(e.message()),
        )]
    })?;
    let mut injects = Vec::new();
    let mut errors = Vec::new();
    for spanned in &raw.injects {
        match spanned.get_ref().check() {
            Ok(inject) => injects.push(inject),
            Err(message) => errors.push(at(spanned.span().start, format!("inject: {message}"))),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Drill {
        title: raw.title,
        description: raw.description,
        runbook: raw.runbook,
        scenario: raw.scenario,
        reference: file.to_string(),
        injects,
        expect: Expect {
            rto: raw.expect.rto.map(|d| d.secs()),
            steps: raw
                .expect
                .steps
                .iter()
                .map(|due| (due.step.clone(), due.by.secs()))
                .collect(),
        },
    })
}

/// What in a drill does not fit the runbook it is played on: a scenario or
/// step it does not have (errors), resources it does not declare (warnings).
pub fn check_against(drill: &Drill, runbook: &Runbook) -> Vec<(Severity, String)> {
    let mut found = Vec::new();
    let Some(scenario) = runbook.scenarios.iter().find(|s| s.id == drill.scenario) else {
        let ids: Vec<&str> = runbook.scenarios.iter().map(|s| s.id.as_str()).collect();
        found.push((
            Severity::Error,
            format!(
                "scenario {:?} is not in {}; it has {}",
                drill.scenario,
                runbook.name,
                ids.join(", ")
            ),
        ));
        return found;
    };
    for (step, _) in &drill.expect.steps {
        if !scenario.steps.iter().any(|s| &s.id == step) {
            found.push((
                Severity::Error,
                format!("expected step {step:?} is not in scenario {}", scenario.id),
            ));
        }
    }
    let env = &runbook.environment;
    for inject in &drill.injects {
        if let When::AfterStep { step, .. } = &inject.when
            && !scenario.steps.iter().any(|s| &s.id == step)
        {
            found.push((
                Severity::Error,
                format!("step {step:?} is not in scenario {}", scenario.id),
            ));
        }
        let undeclared = match &inject.fault {
            Fault::InstanceStatus { instance: id, .. } | Fault::ReplicaLag { replica: id, .. } => {
                (!env.rds.iter().any(|r| &r.id == id)).then(|| format!("RDS instance {id:?}"))
            }
            Fault::Alarm { alarm, .. } => (!env.alarms.names.contains(alarm)
                && !env
                    .alarms
                    .prefixes
                    .iter()
                    .any(|p| alarm.starts_with(p.as_str())))
            .then(|| format!("alarm {alarm:?}")),
            Fault::CrashLoop { service, .. } | Fault::ServiceScaled { service, .. } => {
                (!env.ecs.iter().any(|e| &e.service == service))
                    .then(|| format!("ECS service {service:?}"))
            }
            Fault::RegionApi { region, .. } => (!env.all_regions().contains(&region.as_str()))
                .then(|| format!("region {region:?}")),
            Fault::BackupJobFailed { vault, .. } => env
                .vault(vault)
                .is_none()
                .then(|| format!("backup vault {vault:?}")),
        };
        if let Some(what) = undeclared {
            found.push((
                Severity::Warning,
                format!("{what} is not declared in the runbook's [environment]"),
            ));
        }
    }
    found
}

/// Why a drill cannot be played on the runbook: `check_against`'s errors
/// (its warnings do not stop it).
pub fn misfits(drill: &Drill, runbook: &Runbook) -> Vec<String> {
    check_against(drill, runbook)
        .into_iter()
        .filter(|(severity, _)| *severity == Severity::Error)
        .map(|(_, message)| message)
        .collect()
}

/// What the facilitator asks of a drill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DrillAction {
    /// Pause the world's clock, or resume it when paused.
    TogglePause,
    /// Run at this speed (1× to `clock::MAX_SPEED`).
    Speed(u32),
    /// One step faster or slower along `SPEEDS`.
    Faster,
    Slower,
    /// Inject one of the drill's named injects, or a stock one, now.
    Inject(String),
}

/// The speeds `+` and `-` step through.
pub const SPEEDS: &[u32] = &[1, 2, 5, 10, 30, 60];

/// What a drill action did: the clock's speed after it (0: paused), or
/// the fault injected, and a line for the footer and the journal.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillChange {
    pub speed: Option<u32>,
    pub fault: Option<Fault>,
    pub text: String,
}

/// What the header and the palette show of the drill being staged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillStatus {
    /// How the journal finds it again: a built-in drill's name, or a path.
    pub name: String,
    pub title: String,
    /// Drill seconds per second; 0 while paused.
    pub speed: u32,
    /// What `:inject` completes: the drill's named injects, then the stock ones.
    pub injects: Vec<String>,
}

/// Injects any drill can throw in, made from the runbook's environment:
/// a lag spike on the first replica, the first alarm firing, the primary
/// region unreachable, the first service crash-looping. Those the environment has nothing for are left out.
pub fn stock_injects(env: &crate::runbook::model::Environment) -> Vec<(String, Fault)> {
    use crate::domain::snapshot::AlarmState;
    use crate::runbook::model::RdsRole;
    let mut stock = Vec::new();
    if let Some(replica) = env.rds.iter().find(|r| r.role == RdsRole::Replica) {
        stock.push((
            "lag-spike".to_string(),
            Fault::ReplicaLag {
                replica: replica.id.clone(),
                lag: 600,
                over: 60,
            },
        ));
    }
    if let Some(alarm) = env.alarms.names.first() {
        stock.push((
            "alarm".to_string(),
            Fault::Alarm {
                alarm: alarm.clone(),
                state: AlarmState::Alarm,
            },
        ));
    }
    stock.push((
        "region-unreachable".to_string(),
        Fault::RegionApi {
            region: env.regions.primary.clone(),
            api_of: None,
            health: model::ApiHealth::Unreachable,
            latency: None,
        },
    ));
    if let Some(service) = env.ecs.first() {
        stock.push((
            "crash-loop".to_string(),
            Fault::CrashLoop {
                lasting: None,
                service: service.service.clone(),
                reason: "Essential container in task exited (exit code 137: OutOfMemoryError)"
                    .to_string(),
            },
        ));
    }
    stock
}

/// The injects that follow an event, with their delay in seconds after it:
/// the drill's start (`step` None), or the run of the step with that id.
pub fn following<'a>(
    drill: &'a Drill,
    step: Option<&'a str>,
) -> impl Iterator<Item = (u64, &'a Fault)> + 'a {
    drill
        .injects
        .iter()
        .filter_map(move |inject| match (&inject.when, step) {
            (When::At(offset), None) => Some((*offset, &inject.fault)),
            (When::AfterStep { step: id, delay }, Some(ran)) if id == ran => {
                Some((*delay, &inject.fault))
            }
            _ => None,
        })
}

/// The drill's injects the facilitator can name: those with a `name`.
pub fn named_injects(drill: &Drill) -> Vec<(String, Fault)> {
    drill
        .injects
        .iter()
        .filter_map(|i| i.name.clone().map(|name| (name, i.fault.clone())))
        .collect()
}
