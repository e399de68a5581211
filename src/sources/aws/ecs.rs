//! ECS: services of one cluster through `DescribeServices` (10 a call, the
//! API's limit), and, as a detail of its own, why the recent tasks of
//! services that struggle stopped (`ListTasks` STOPPED once for the
//! cluster, then `DescribeTasks`).

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{self, DeploymentRolloutState, DesiredStatus};

use super::errors::{Call, from_sdk};
use super::timestamp;
use crate::domain::snapshot::{
    Deployment, EcsEvent, EcsService, RolloutState, SourceError, StoppedTask,
};

/// DescribeServices' limit on services per call.
pub const MAX_SERVICES_PER_CALL: usize = 10;
/// DescribeTasks' limit on tasks per call.
pub const MAX_TASKS_PER_CALL: usize = 100;
/// ListTasks' largest page.
pub const TASKS_PER_PAGE: i32 = 100;
/// Pages of a cluster's stopped tasks read at most (ECS keeps them about an
/// hour): a cluster in a crash loop costs at most this many ListTasks and
/// as many DescribeTasks calls.
pub const STOPPED_TASK_PAGES: usize = 5;
/// Stopped tasks kept per service, newest first.
pub const STOPPED_TASKS_KEPT: usize = 3;
/// Service events kept, newest first.
pub const EVENTS_KEPT: usize = 10;

/// The named services of one cluster, in the order given. A service ECS
/// does not know, or one in a cluster that does not exist, is reported with
/// status "MISSING".
pub async fn services(
    client: &Client,
    region: &str,
    cluster: &str,
    names: &[String],
) -> Result<Vec<EcsService>, SourceError> {
    let call = Call {
        operation: "DescribeServices",
        region,
    };
    let calls = names.chunks(MAX_SERVICES_PER_CALL).map(|chunk| async move {
        client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| from_sdk(call, e))
    });
    let outputs = match futures::future::try_join_all(calls).await {
        Ok(outputs) => outputs,
        // A cluster that does not exist (yet: a standby created during the
        // failover) has none of its services: show them missing.
        Err(e) if e.code == "ClusterNotFoundException" => {
            return Ok(names.iter().map(|n| missing(region, cluster, n)).collect());
        }
        Err(e) => return Err(e),
    };
    let mut found: Vec<EcsService> = outputs
        .iter()
        .flat_map(|o| o.services())
        .filter_map(|raw| service(region, cluster, raw))
        .collect();

    let in_order = names.iter().map(|name| {
        found
            .iter()
            .position(|s| &s.name == name)
            .map(|i| found.swap_remove(i))
            .unwrap_or_else(|| missing(region, cluster, name))
    });
    Ok(in_order.collect())
}

/// Worth a look at its stopped tasks: tasks failed, too few run, or the
/// rollout failed.
pub fn struggles(svc: &EcsService) -> bool {
    svc.running < svc.desired
        || svc
            .deployments
            .iter()
            .any(|d| d.failed_tasks > 0 || d.rollout == Some(RolloutState::Failed))
}

fn missing(region: &str, cluster: &str, name: &str) -> EcsService {
    EcsService {
        stale: None,
        cluster: cluster.to_string(),
        name: name.to_string(),
        region: region.to_string(),
        status: "MISSING".to_string(),
        desired: 0,
        running: 0,
        pending: 0,
        deployments: Vec::new(),
        events: Vec::new(),
        circuit_breaker: false,
        stopped_tasks: Vec::new(),
    }
}

fn count(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

pub fn service(region: &str, cluster: &str, raw: &types::Service) -> Option<EcsService> {
    let mut deployments: Vec<Deployment> = raw.deployments().iter().map(deployment).collect();
    // PRIMARY first, as the panes expect; the rest keep ECS's order.
    deployments.sort_by_key(|d| d.status != "PRIMARY");
    let mut events: Vec<EcsEvent> = raw
        .events()
        .iter()
        .filter_map(|e| {
            Some(EcsEvent {
                at: e.created_at().and_then(timestamp)?,
                message: e.message()?.to_string(),
            })
        })
        .collect();
    events.sort_by_key(|e| std::cmp::Reverse(e.at));
    events.truncate(EVENTS_KEPT);
    Some(EcsService {
        stale: None,
        cluster: cluster.to_string(),
        name: raw.service_name()?.to_string(),
        region: region.to_string(),
        status: raw.status().unwrap_or("UNKNOWN").to_string(),
        desired: count(raw.desired_count()),
        running: count(raw.running_count()),
        pending: count(raw.pending_count()),
        deployments,
        events,
        circuit_breaker: raw
            .deployment_configuration()
            .and_then(|c| c.deployment_circuit_breaker())
            .is_some_and(|b| b.enable()),
        stopped_tasks: Vec::new(),
    })
}

fn deployment(raw: &types::Deployment) -> Deployment {
    Deployment {
        id: raw.id().unwrap_or_default().to_string(),
        status: raw.status().unwrap_or_default().to_string(),
        task_definition: crate::arn::id_of(raw.task_definition().unwrap_or_default()).to_string(),
        rollout: raw.rollout_state().and_then(|r| match r {
            DeploymentRolloutState::InProgress => Some(RolloutState::InProgress),
            DeploymentRolloutState::Completed => Some(RolloutState::Completed),
            DeploymentRolloutState::Failed => Some(RolloutState::Failed),
            _ => None,
        }),
        desired: count(raw.desired_count()),
        running: count(raw.running_count()),
        pending: count(raw.pending_count()),
        failed_tasks: count(raw.failed_tasks()),
        updated: raw.updated_at().or(raw.created_at()).and_then(timestamp),
    }
}

/// (service name, task) for recently stopped tasks of these services,
/// newest first: one ListTasks for the whole cluster (100 a page, at most
/// `STOPPED_TASK_PAGES` pages), then DescribeTasks, 100 a call; a task
/// belongs to a service by its group ("service:NAME") or by the deployment
/// that started it. Calls grow with clusters, not services.
pub async fn stopped_tasks(
    client: &Client,
    region: &str,
    cluster: &str,
    services: &[EcsService],
) -> Result<Vec<(String, StoppedTask)>, SourceError> {
    let list_call = Call {
        operation: "ListTasks",
        region,
    };
    let mut pages = client
        .list_tasks()
        .cluster(cluster)
        .desired_status(DesiredStatus::Stopped)
        .max_results(TASKS_PER_PAGE)
        .into_paginator()
        .send();
    let mut arns: Vec<String> = Vec::new();
    for _ in 0..STOPPED_TASK_PAGES {
        let Some(page) = pages.next().await else {
            break;
        };
        let page = page.map_err(|e| from_sdk(list_call, e))?;
        arns.extend(page.task_arns().iter().cloned());
    }
    arns.sort();
    arns.dedup();

    let describe_call = Call {
        operation: "DescribeTasks",
        region,
    };
    let describes = arns.chunks(MAX_TASKS_PER_CALL).map(|chunk| async move {
        client
            .describe_tasks()
            .cluster(cluster)
            .set_tasks(Some(chunk.to_vec()))
            .send()
            .await
            .map_err(|e| from_sdk(describe_call, e))
    });
    let mut out = Vec::new();
    for task in futures::future::try_join_all(describes)
        .await?
        .iter()
        .flat_map(|o| o.tasks())
    {
        if let Some(owner) = owner(task, services) {
            out.push((owner.to_string(), stopped_task(task)));
        }
    }
    out.sort_by_key(|(_, task)| std::cmp::Reverse(task.stopped_at));
    Ok(out)
}

/// Which of these services a task belongs to: the one its group names
/// ("service:NAME"), else the one whose deployment started it (ECS sets
/// `startedBy` to the deployment id, "ecs-svc/…").
fn owner<'a>(task: &types::Task, services: &'a [EcsService]) -> Option<&'a str> {
    let by_group = task
        .group()
        .and_then(|g| g.strip_prefix("service:"))
        .and_then(|name| services.iter().find(|s| s.name == name));
    let by_starter = || {
        let started_by = task.started_by().filter(|s| !s.is_empty())?;
        services
            .iter()
            .find(|s| s.deployments.iter().any(|d| d.id == started_by))
    };
    by_group.or_else(by_starter).map(|s| s.name.as_str())
}

pub fn stopped_task(raw: &types::Task) -> StoppedTask {
    let arn = raw.task_arn().unwrap_or_default();
    let mut reason = raw.stopped_reason().unwrap_or("stopped").to_string();
    // The first container that says more: its reason, else a failing exit code.
    let container = raw.containers().iter().find_map(|c| {
        let name = c.name().unwrap_or("container");
        match (c.reason(), c.exit_code()) {
            (Some(r), _) if !r.is_empty() => Some(format!("{name}: {r}")),
            (_, Some(code)) if code != 0 => Some(format!("{name} exited {code}")),
            _ => None,
        }
    });
    if let Some(detail) = container {
        reason = format!("{reason} ({detail})");
    }
    StoppedTask {
        id: crate::arn::id_of(arn).to_string(),
        stopped_at: raw.stopped_at().and_then(timestamp),
        reason,
    }
}
