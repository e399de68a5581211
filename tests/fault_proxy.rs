//! The fault proxy (tests/emulators/fault_proxy.rs) against the real
//! emulators started by `./scripts/test`: without rules it is transparent;
//! each fault on one region and service fails there the way drconsole's
//! error mapping will see it, while other regions and services pass; its
//! counters are exact. Fails, never skips, without the emulators.

mod emulators;

use std::time::{Duration, Instant};

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_cloudwatch::types::StateValue;
use drconsole::sources::aws::errors::{Call, from_sdk};
use emulators::fault_proxy::{Fault, FaultProxy, Rule};
use emulators::*;

/// Attempts per call in these tests: a retried fault shows as exactly this
/// many requests at the proxy.
const ATTEMPTS: u32 = 3;

/// Every service's client in one region, through one endpoint per emulator.
struct Clients {
    rds: aws_sdk_rds::Client,
    ecs: aws_sdk_ecs::Client,
    cloudwatch: aws_sdk_cloudwatch::Client,
    backup: aws_sdk_backup::Client,
}

/// `ATTEMPTS` attempts with quick backoff, each given `attempt_timeout`.
fn config(region: &str, attempt_timeout: Duration) -> SdkConfig {
    sdk_config(region)
        .into_builder()
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(ATTEMPTS)
                .with_initial_backoff(Duration::from_millis(10))
                .with_max_backoff(Duration::from_millis(50)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(2))
                .operation_attempt_timeout(attempt_timeout)
                .operation_timeout(Duration::from_secs(60))
                .build(),
        )
        .build()
}

fn clients_with(region: &str, moto: &str, ministack: &str, attempt_timeout: Duration) -> Clients {
    let sdk = config(region, attempt_timeout);
    Clients {
        rds: aws_sdk_rds::Client::from_conf(
            aws_sdk_rds::config::Builder::from(&sdk)
                .endpoint_url(moto)
                .build(),
        ),
        ecs: aws_sdk_ecs::Client::from_conf(
            aws_sdk_ecs::config::Builder::from(&sdk)
                .endpoint_url(moto)
                .build(),
        ),
        cloudwatch: aws_sdk_cloudwatch::Client::from_conf(
            aws_sdk_cloudwatch::config::Builder::from(&sdk)
                .endpoint_url(ministack)
                .build(),
        ),
        backup: aws_sdk_backup::Client::from_conf(
            aws_sdk_backup::config::Builder::from(&sdk)
                .endpoint_url(moto)
                .build(),
        ),
    }
}

fn through(proxy: &FaultProxy, region: &str) -> Clients {
    clients_with(region, &proxy.url(), &proxy.url(), Duration::from_secs(10))
}

fn direct(region: &str) -> Clients {
    clients_with(region, &moto(), &ministack(), Duration::from_secs(10))
}

fn rule(region: &'static str, service: &'static str, fault: Fault) -> Rule {
    Rule {
        region: Some(region),
        service: Some(service),
        fault,
    }
}

/// One call of each service, each as a pane error code or `OK`.
async fn rds_call(c: &Clients, region: &str) -> String {
    match c.rds.describe_db_instances().send().await {
        Ok(_) => "OK".into(),
        Err(e) => from_sdk(call("DescribeDBInstances", region), e).code,
    }
}

async fn ecs_call(c: &Clients, region: &str) -> String {
    match c.ecs.list_clusters().send().await {
        Ok(_) => "OK".into(),
        Err(e) => from_sdk(call("ListClusters", region), e).code,
    }
}

async fn cloudwatch_call(c: &Clients, region: &str) -> String {
    match c.cloudwatch.describe_alarms().send().await {
        Ok(_) => "OK".into(),
        Err(e) => from_sdk(call("DescribeAlarms", region), e).code,
    }
}

async fn backup_call(c: &Clients, region: &str) -> String {
    match c.backup.list_backup_vaults().send().await {
        Ok(_) => "OK".into(),
        Err(e) => from_sdk(call("ListBackupVaults", region), e).code,
    }
}

fn call<'a>(operation: &'a str, region: &'a str) -> Call<'a> {
    Call { operation, region }
}

/// The four calls above, as (service in the credential scope, operation,
/// result).
async fn all_calls(c: &Clients, region: &str) -> Vec<(&'static str, &'static str, String)> {
    vec![
        ("rds", "DescribeDBInstances", rds_call(c, region).await),
        ("ecs", "ListClusters", ecs_call(c, region).await),
        (
            "monitoring",
            "DescribeAlarms",
            cloudwatch_call(c, region).await,
        ),
        ("backup", "ListBackupVaults", backup_call(c, region).await),
    ]
}

/// Polls a condition the proxy reaches on its own (a client closing, a
/// request arriving); panics after a generous watchdog.
async fn eventually(what: &str, mut condition: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while !condition() {
        assert!(Instant::now() < deadline, "{what} within 30 s");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn without_rules_each_service_answers_as_it_does_directly() {
    const REGION: &str = "ap-south-1";
    let proxy = fault_proxy().await;
    let (via, to) = (through(&proxy, REGION), direct(REGION));

    let db = unique("proxied-db");
    create_postgres(&to.rds, &db).await;
    let cluster = unique("proxied-cluster");
    let cluster_arn = to
        .ecs
        .create_cluster()
        .cluster_name(&cluster)
        .send()
        .await
        .unwrap()
        .cluster()
        .and_then(|c| c.cluster_arn())
        .unwrap()
        .to_string();
    let alarm = unique("proxied-alarm");
    put_alarm(REGION, &alarm, StateValue::Alarm, "seeded for the proxy").await;
    let vault = unique("proxied-vault");
    to.backup
        .create_backup_vault()
        .backup_vault_name(&vault)
        .send()
        .await
        .unwrap();

    let instances =
        |out: aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput| {
            out.db_instances()
                .iter()
                .map(|d| {
                    (
                        d.db_instance_identifier().map(String::from),
                        d.db_instance_arn().map(String::from),
                        d.engine().map(String::from),
                        d.db_instance_status().map(String::from),
                    )
                })
                .collect::<Vec<_>>()
        };
    let describe = |c: &Clients| {
        c.rds
            .describe_db_instances()
            .db_instance_identifier(&db)
            .send()
    };
    let proxied = instances(describe(&via).await.unwrap());
    assert_eq!(proxied, instances(describe(&to).await.unwrap()));
    assert_eq!(proxied.len(), 1);
    assert_eq!(proxied[0].0.as_deref(), Some(db.as_str()));

    let proxied = via.ecs.list_clusters().send().await.unwrap();
    assert!(proxied.cluster_arns().contains(&cluster_arn), "{proxied:?}");

    let alarms = |out: aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsOutput| {
        out.metric_alarms()
            .iter()
            .map(|a| {
                (
                    a.alarm_name().map(String::from),
                    a.state_value().cloned(),
                    a.state_reason().map(String::from),
                )
            })
            .collect::<Vec<_>>()
    };
    let describe = |c: &Clients| c.cloudwatch.describe_alarms().alarm_names(&alarm).send();
    let proxied = alarms(describe(&via).await.unwrap());
    assert_eq!(proxied, alarms(describe(&to).await.unwrap()));
    assert_eq!(
        proxied,
        vec![(
            Some(alarm.clone()),
            Some(StateValue::Alarm),
            Some("seeded for the proxy".to_string())
        )]
    );

    let vaults = |out: aws_sdk_backup::operation::list_backup_vaults::ListBackupVaultsOutput| {
        out.backup_vault_list()
            .iter()
            .filter(|v| v.backup_vault_name() == Some(vault.as_str()))
            .map(|v| {
                (
                    v.backup_vault_name().map(String::from),
                    v.backup_vault_arn().map(String::from),
                )
            })
            .collect::<Vec<_>>()
    };
    let proxied = vaults(via.backup.list_backup_vaults().send().await.unwrap());
    assert_eq!(
        proxied,
        vaults(to.backup.list_backup_vaults().send().await.unwrap())
    );
    assert_eq!(proxied.len(), 1);

    // Exactly the proxied calls, each once, under its region, service and
    // operation as read from the request.
    let key = |service: &str, operation: &str| {
        (
            REGION.to_string(),
            service.to_string(),
            operation.to_string(),
        )
    };
    assert_eq!(
        proxy.all_requests().into_iter().collect::<Vec<_>>(),
        vec![
            (key("backup", "ListBackupVaults"), 1),
            (key("ecs", "ListClusters"), 1),
            (key("monitoring", "DescribeAlarms"), 1),
            (key("rds", "DescribeDBInstances"), 1),
        ]
    );
}

#[tokio::test]
async fn refuse_makes_one_region_and_service_unreachable() {
    const REGION: &str = "us-west-1";
    const OTHER: &str = "eu-west-2";
    let proxy = fault_proxy().await;
    proxy.set(rule(REGION, "rds", Fault::Refuse));
    let (here, there) = (through(&proxy, REGION), through(&proxy, OTHER));

    assert_eq!(rds_call(&here, REGION).await, "Unreachable");
    assert_eq!(
        proxy.requests(REGION, "rds", "DescribeDBInstances"),
        ATTEMPTS as usize
    );
    assert_eq!(ecs_call(&here, REGION).await, "OK");
    assert_eq!(rds_call(&there, OTHER).await, "OK");

    proxy.clear();
    assert_eq!(rds_call(&here, REGION).await, "OK");
}

#[tokio::test]
async fn hang_times_out_and_ends_when_the_client_gives_up() {
    const REGION: &str = "ap-northeast-2";
    let proxy = fault_proxy().await;
    proxy.set(rule(REGION, "monitoring", Fault::Hang));
    let url = proxy.url();
    let short = clients_with(REGION, &url, &url, Duration::from_millis(300));

    assert_eq!(cloudwatch_call(&short, REGION).await, "Timeout");
    assert_eq!(
        proxy.requests(REGION, "monitoring", "DescribeAlarms"),
        ATTEMPTS as usize
    );
    // Each timed-out attempt closed its connection, which ends the hold.
    eventually("the hung requests end", || {
        proxy.in_flight(REGION, "monitoring") == 0
    })
    .await;
    assert_eq!(backup_call(&short, REGION).await, "OK");
    assert_eq!(
        cloudwatch_call(&through(&proxy, "us-east-2"), "us-east-2").await,
        "OK"
    );
}

#[tokio::test]
async fn server_errors_answer_each_protocol_s_5xx() {
    const REGION: &str = "eu-west-2";
    let proxy = fault_proxy().await;
    let clients = through(&proxy, REGION);
    for (status, code) in [(503, "ServiceUnavailable"), (500, "InternalFailure")] {
        for service in ["rds", "ecs", "monitoring", "backup"] {
            proxy.clear();
            proxy.reset_counts();
            proxy.set(rule(REGION, service, Fault::ServerError(status)));
            for (called, operation, result) in all_calls(&clients, REGION).await {
                if called == service {
                    assert_eq!(result, code, "{service} answering {status}");
                    // 5xx is transient: every attempt was made.
                    assert_eq!(
                        proxy.requests(REGION, service, operation),
                        ATTEMPTS as usize,
                        "{service} answering {status}"
                    );
                } else {
                    assert_eq!(result, "OK", "{called} while {service} answers {status}");
                    assert_eq!(proxy.requests(REGION, called, operation), 1);
                }
            }
        }
    }
}

#[tokio::test]
async fn throttling_is_recognised_by_each_sdk() {
    const REGION: &str = "ca-central-1";
    let proxy = fault_proxy().await;
    let clients = through(&proxy, REGION);
    // Each protocol's throttling code (awsQuery and CloudWatch's
    // query-compatible CBOR use the query code, "Throttling"; JSON ones
    // "ThrottlingException") is shown as one: `Throttled`.
    for service in ["rds", "ecs", "monitoring", "backup"] {
        proxy.clear();
        proxy.reset_counts();
        proxy.set(rule(REGION, service, Fault::Throttle));
        for (called, operation, result) in all_calls(&clients, REGION).await {
            if called == service {
                assert_eq!(result, "Throttled", "{service} throttled");
                // Retried to the limit: the SDK took it for throttling, not
                // for a client error (which it does not retry).
                assert_eq!(
                    proxy.requests(REGION, service, operation),
                    ATTEMPTS as usize,
                    "{service} throttled"
                );
            } else {
                assert_eq!(result, "OK", "{called} while {service} is throttled");
            }
        }
    }
}

#[tokio::test]
async fn latency_delays_the_answer_and_then_forwards() {
    const REGION: &str = "us-east-2";
    const LATENCY: Duration = Duration::from_millis(400);
    let proxy = fault_proxy().await;
    let clients = through(&proxy, REGION);
    proxy.set(Rule {
        region: Some(REGION),
        service: None,
        fault: Fault::Latency(LATENCY),
    });
    let vault = unique("late-vault");
    direct(REGION)
        .backup
        .create_backup_vault()
        .backup_vault_name(&vault)
        .send()
        .await
        .unwrap();

    let started = Instant::now();
    let out = clients.backup.list_backup_vaults().send().await.unwrap();
    assert!(started.elapsed() >= LATENCY, "answered before the latency");
    assert!(
        out.backup_vault_list()
            .iter()
            .any(|v| v.backup_vault_name() == Some(vault.as_str())),
        "{out:?}"
    );
    assert_eq!(proxy.requests(REGION, "backup", "ListBackupVaults"), 1);
}

#[tokio::test]
async fn latency_longer_than_the_client_waits_ends_with_the_client() {
    const REGION: &str = "eu-west-3";
    let proxy = fault_proxy().await;
    // Far beyond the watchdog of `eventually`: only the client closing
    // can end these requests in time.
    proxy.set(rule(
        REGION,
        "ecs",
        Fault::Latency(Duration::from_secs(600)),
    ));
    let url = proxy.url();
    let short = clients_with(REGION, &url, &url, Duration::from_millis(300));

    assert_eq!(ecs_call(&short, REGION).await, "Timeout");
    assert_eq!(
        proxy.requests(REGION, "ecs", "ListClusters"),
        ATTEMPTS as usize
    );
    eventually("the delayed requests end", || {
        proxy.in_flight(REGION, "ecs") == 0
    })
    .await;
    assert_eq!(proxy.max_in_flight(REGION, "ecs"), 1);
}

#[tokio::test]
async fn the_most_specific_rule_applies_and_set_replaces() {
    const REGION: &str = "eu-north-1";
    let proxy = fault_proxy().await;
    let clients = through(&proxy, REGION);
    proxy.set(Rule {
        region: None,
        service: Some("ecs"),
        fault: Fault::Refuse,
    });
    proxy.set(Rule {
        region: Some(REGION),
        service: None,
        fault: Fault::ServerError(503),
    });
    proxy.set(rule(REGION, "rds", Fault::Throttle));
    assert_eq!(rds_call(&clients, REGION).await, "Throttled");
    assert_eq!(ecs_call(&clients, REGION).await, "ServiceUnavailable");
    assert_eq!(backup_call(&clients, REGION).await, "ServiceUnavailable");
    let elsewhere = through(&proxy, "us-west-2");
    assert_eq!(ecs_call(&elsewhere, "us-west-2").await, "Unreachable");
    assert_eq!(rds_call(&elsewhere, "us-west-2").await, "OK");

    proxy.set(rule(REGION, "rds", Fault::ServerError(500)));
    assert_eq!(rds_call(&clients, REGION).await, "InternalFailure");
}

#[tokio::test]
async fn concurrent_calls_are_counted_exactly() {
    const REGION: &str = "ap-southeast-1";
    const CALLS: usize = 5;
    let proxy = fault_proxy().await;
    let clients = through(&proxy, REGION);
    // Held until every call is in flight, so they overlap for certain.
    proxy.set(rule(REGION, "backup", Fault::Hang));
    let calls: Vec<_> = (0..CALLS)
        .map(|_| tokio::spawn(clients.backup.list_backup_vaults().send()))
        .collect();
    eventually("every call in flight", || {
        proxy.in_flight(REGION, "backup") == CALLS
    })
    .await;
    assert_eq!(rds_call(&clients, REGION).await, "OK");
    proxy.clear();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    eventually("every answer written", || {
        proxy.in_flight(REGION, "backup") == 0
    })
    .await;
    assert_eq!(proxy.max_in_flight(REGION, "backup"), CALLS);
    assert_eq!(proxy.max_in_flight(REGION, "rds"), 1);
    assert_eq!(proxy.requests(REGION, "backup", "ListBackupVaults"), CALLS);
    assert_eq!(proxy.requests(REGION, "rds", "DescribeDBInstances"), 1);
}

#[tokio::test]
async fn keep_alive_carries_calls_over_one_connection() {
    const REGION: &str = "sa-east-1";
    let proxy = fault_proxy().await;
    let clients = through(&proxy, REGION);
    for _ in 0..3 {
        assert_eq!(rds_call(&clients, REGION).await, "OK");
    }
    for _ in 0..3 {
        assert_eq!(cloudwatch_call(&clients, REGION).await, "OK");
    }
    assert_eq!(proxy.requests(REGION, "rds", "DescribeDBInstances"), 3);
    assert_eq!(proxy.requests(REGION, "monitoring", "DescribeAlarms"), 3);
    // One pooled connection per client, though moto closes each of its own.
    assert_eq!(proxy.connections(), 2);
}
