//! An outage lab: AWS emulators behind the tests' fault proxy, for walking
//! region and service outages by hand with `drconsole status` and the
//! console. Start it with `scripts/outage-lab`, which starts moto and
//! MiniStack and passes their URLs (DRCONSOLE_TEST_MOTO,
//! DRCONSOLE_TEST_MINISTACK) to this example.
//!
//! It seeds the emulators directly (never through the proxy): a PostgreSQL
//! primary in one region, its cross-region read replica in another with
//! some `ReplicaLag`, an ECS service and an alarm; writes a runbook for them
//! into a temporary directory; starts the fault proxy on a free port of
//! 127.0.0.1; prints how to point drconsole at the proxy; then takes
//! commands on stdin (`help` lists them) until `quit`, end of input or
//! Ctrl-C. Everything it starts stops with it; nothing leaves loopback.

#[path = "../tests/emulators/mod.rs"]
mod emulators;

use std::collections::BTreeSet;
use std::error::Error;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use aws_sdk_cloudwatch::types::StateValue;
use emulators::fault_proxy::{Fault, FaultProxy, Rule};
use emulators::{
    create_postgres, ecs, fault_proxy, moto, put_alarm, put_series, rds, register_task_definition,
};

const PRIMARY: &str = "us-east-1";
const DR: &str = "us-west-2";
const DB: &str = "shop-db";
const REPLICA: &str = "shop-db-replica";
const CLUSTER: &str = "shop";
const SERVICE: &str = "web";
const ALARM: &str = "shop-web-5xx";
const SCENARIO: &str = "region-failover";
/// The replica's lag until `lag N` changes it.
const INITIAL_LAG_SECS: f64 = 2.0;

/// The services a rule may name, as SigV4 scopes them (which the proxy
/// matches), with the names people use for them.
const SERVICES: &[(&str, &str)] = &[
    ("rds", "rds"),
    ("ecs", "ecs"),
    ("backup", "backup"),
    ("monitoring", "monitoring"),
    ("cloudwatch", "monitoring"),
];

const HELP: &str = "\
commands:
  refuse REGION [SERVICE]    close connections unanswered (Unreachable)
  hang REGION [SERVICE]      hold requests until the client gives up (Timeout)
  throttle REGION [SERVICE]  answer as a throttled service (Throttled)
  error500 REGION [SERVICE]  answer HTTP 500 InternalFailure
  latency MS [REGION]        delay every request (of REGION) by MS milliseconds
  clear                      remove every fault
  promote                    promote the DR replica (in moto)
  stop                       stop the primary (in moto)
  lag N                      the replica's ReplicaLag from now on (put once a minute; 2 at start)
  counts                     requests seen by the proxy per region, service and API
  quit                       stop the lab and the emulators
REGION is any region name (* for all); SERVICE is rds, ecs, backup or cloudwatch
(alias monitoring); without SERVICE the fault covers the whole region.";

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::Builder::new().prefix("outage-lab-").tempdir()?;
    println!("seeding moto and MiniStack ...");
    let source_arn = seed().await?;
    let runbook = dir.path().join("outage-lab.toml");
    std::fs::write(&runbook, runbook_text(&source_arn))?;
    let proxy = fault_proxy().await;
    let lag = Arc::new(Mutex::new(Some(INITIAL_LAG_SECS)));
    let publisher = tokio::spawn(publish_lag(lag.clone()));
    let env_file = dir.path().join("lab.env");
    std::fs::write(&env_file, env_text(&proxy.url()))?;
    print_instructions(dir.path(), &runbook, &env_file, &proxy.url());

    let mut lines = stdin_lines();
    // One listener for the whole loop, so a Ctrl-C during a command counts.
    let interrupted = tokio::signal::ctrl_c();
    tokio::pin!(interrupted);
    loop {
        print_prompt();
        let line = tokio::select! {
            line = lines.recv() => line,
            _ = &mut interrupted => None,
        };
        let Some(line) = line else {
            println!();
            break;
        };
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.first() == Some(&"quit") {
            break;
        }
        match run(&proxy, &lag, &words).await {
            Ok(said) => println!("{said}"),
            Err(why) => println!("error: {why}"),
        }
    }
    println!("stopping the proxy; the emulators stop with scripts/outage-lab");
    publisher.abort();
    drop(proxy);
    dir.close()?;
    Ok(())
}

/// The primary, its cross-region replica with some lag, the ECS service and
/// the alarm; the primary's ARN, which the replica replicates.
async fn seed() -> Result<String, Box<dyn Error>> {
    let primary_rds = rds(PRIMARY, &moto());
    create_postgres(&primary_rds, DB).await;
    let described = primary_rds
        .describe_db_instances()
        .db_instance_identifier(DB)
        .send()
        .await?;
    let arn = described
        .db_instances()
        .first()
        .and_then(|db| db.db_instance_arn())
        .ok_or("moto did not report the primary's ARN")?
        .to_string();
    rds(DR, &moto())
        .create_db_instance_read_replica()
        .db_instance_identifier(REPLICA)
        .source_db_instance_identifier(&arn)
        .db_instance_class("db.t3.micro")
        .send()
        .await?;
    put_series(
        DR,
        REPLICA,
        "ReplicaLag",
        &[3.0, 2.0, 4.0, 3.0, INITIAL_LAG_SECS],
    )
    .await;

    let ecs_client = ecs(PRIMARY, &moto());
    ecs_client
        .create_cluster()
        .cluster_name(CLUSTER)
        .send()
        .await?;
    let task_definition = register_task_definition(PRIMARY, "shop-web").await;
    ecs_client
        .create_service()
        .cluster(CLUSTER)
        .service_name(SERVICE)
        .task_definition(task_definition)
        .desired_count(0)
        .send()
        .await?;
    put_alarm(PRIMARY, ALARM, StateValue::Ok, "outage lab: quiet").await;
    Ok(arn)
}

fn runbook_text(source_arn: &str) -> String {
    format!(
        r#"# Written by examples/outage_lab.rs for the emulators behind its fault proxy.
name = "Outage lab"
description = "A primary in {PRIMARY}, its replica in {DR}, behind the lab's fault proxy"

[objectives]
rto = "1h"
rpo = "15m"

[environment.regions]
primary = "{PRIMARY}"
dr = "{DR}"

[[environment.rds]]
id = "{DB}"
role = "primary"
engine = "postgres"

[[environment.rds]]
id = "{REPLICA}"
region = "{DR}"
role = "replica"
engine = "postgres"
source = "{source_arn}"

[[environment.ecs]]
cluster = "{CLUSTER}"
service = "{SERVICE}"

[environment.alarms]
names = ["{ALARM}"]

[[scenario]]
id = "{SCENARIO}"
title = "Primary region outage: promote the DR replica"

[[scenario.step]]
id = "check-replica"
title = "Check that the DR replica keeps up"
verify.replica_lag_below = {{ instance = "{REPLICA}", max = "30s" }}

[[scenario.step]]
id = "fence-primary"
title = "Stop the primary so nothing writes to it"
commands = ["aws rds stop-db-instance --db-instance-identifier {DB} --region {PRIMARY}"]
verify.instance_status = {{ instance = "{DB}", status = "stopped" }}

[[scenario.step]]
id = "promote"
title = "Promote the DR replica"
commands = ["aws rds promote-read-replica --db-instance-identifier {REPLICA} --region {DR}"]
verify.instance_promoted = {{ instance = "{REPLICA}" }}
"#
    )
}

/// Every AWS setting drconsole reads, pointed at the proxy, with the
/// user's own profiles and credentials kept out of it.
fn env_text(proxy: &str) -> String {
    let mut text = String::from(
        "# Written by examples/outage_lab.rs: drconsole against the lab's fault proxy.\n\
         unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_SESSION_TOKEN\n",
    );
    for var in [
        "AWS_ENDPOINT_URL",
        "AWS_ENDPOINT_URL_RDS",
        "AWS_ENDPOINT_URL_ECS",
        "AWS_ENDPOINT_URL_BACKUP",
        "AWS_ENDPOINT_URL_CLOUDWATCH",
    ] {
        text.push_str(&format!("export {var}={proxy}\n"));
    }
    text.push_str(&format!(
        "export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing\n\
         export AWS_REGION={PRIMARY} AWS_EC2_METADATA_DISABLED=true\n\
         export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null\n"
    ));
    text
}

fn print_instructions(dir: &Path, runbook: &Path, env_file: &Path, proxy: &str) {
    let (runbook, env_file, journal) = (
        runbook.display(),
        env_file.display(),
        dir.join("journal").display().to_string(),
    );
    println!(
        "
The outage lab is up.
  primary  {DB} in {PRIMARY}; replica {REPLICA} in {DR}
  ECS      {CLUSTER}/{SERVICE} in {PRIMARY}; alarm {ALARM} in {PRIMARY}
  proxy    {proxy}  (moto {moto}, MiniStack {ministack} behind it)
  runbook  {runbook}

In another terminal, in the repository:
  source {env_file}
  cargo run --quiet -- status {runbook}
  cargo run --quiet -- run {runbook} --scenario {SCENARIO} --journal-dir {journal}

{env}
{HELP}",
        moto = moto(),
        ministack = emulators::ministack(),
        env = env_text(proxy)
            .lines()
            .skip(1)
            .map(|l| format!("  {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

fn print_prompt() {
    use std::io::Write;
    print!("lab> ");
    let _ = std::io::stdout().flush();
}

/// Lines of stdin, read on a thread of their own (the runtime has no async
/// stdin here); the channel closes at end of input.
fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

/// One command; what it did.
type Lag = Arc<Mutex<Option<f64>>>;

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Puts the replica's lag once a minute, as RDS publishes it: drconsole
/// takes a datapoint older than five minutes for no lag figure at all.
/// `None` (after `promote`) publishes nothing, as for a standalone instance.
async fn publish_lag(lag: Lag) {
    let mut every_minute = tokio::time::interval(Duration::from_secs(60));
    // The first tick is now, and seeding has just put the series.
    every_minute.tick().await;
    loop {
        every_minute.tick().await;
        let value = *lock(&lag);
        if let Some(secs) = value {
            put_series(DR, REPLICA, "ReplicaLag", &[secs]).await;
        }
    }
}

async fn run(proxy: &FaultProxy, lag: &Lag, words: &[&str]) -> Result<String, Box<dyn Error>> {
    match words {
        [] => Ok(String::new()),
        ["help"] => Ok(HELP.to_string()),
        [
            verb @ ("refuse" | "hang" | "throttle" | "error500"),
            region,
            rest @ ..,
        ] => {
            let fault = match *verb {
                "refuse" => Fault::Refuse,
                "hang" => Fault::Hang,
                "throttle" => Fault::Throttle,
                _ => Fault::ServerError(500),
            };
            let service = match rest {
                [] => None,
                [service] => Some(service_scope(service)?),
                _ => return Err(format!("usage: {verb} REGION [SERVICE]").into()),
            };
            let rule = Rule {
                region: region_scope(region),
                service,
                fault,
            };
            proxy.set(rule);
            Ok(format!("{} now: {}", describe(&rule), fault_text(fault)))
        }
        ["latency", ms, rest @ ..] => {
            let ms: u64 = ms.parse().map_err(|_| "latency takes milliseconds")?;
            let region = match rest {
                [] => None,
                [region] => region_scope(region),
                _ => return Err("usage: latency MS [REGION]".into()),
            };
            let rule = Rule {
                region,
                service: None,
                fault: Fault::Latency(Duration::from_millis(ms)),
            };
            proxy.set(rule);
            Ok(format!("{} now: {ms} ms late", describe(&rule)))
        }
        ["clear"] => {
            proxy.clear();
            Ok("every fault removed: everything passes".into())
        }
        ["promote"] => {
            let said = promote().await?;
            *lock(lag) = None;
            Ok(said)
        }
        ["stop"] => {
            rds(PRIMARY, &moto())
                .stop_db_instance()
                .db_instance_identifier(DB)
                .send()
                .await
                .map_err(said)?;
            Ok(format!("{DB} in {PRIMARY} stopped"))
        }
        ["lag", n] => {
            let secs: f64 = n.parse().map_err(|_| "lag takes seconds")?;
            if !secs.is_finite() || secs < 0.0 {
                return Err("lag takes a non-negative number of seconds".into());
            }
            {
                let mut published = lock(lag);
                if published.is_none() {
                    return Err(format!("{REPLICA} is promoted: it has no lag").into());
                }
                *published = Some(secs);
            }
            put_series(DR, REPLICA, "ReplicaLag", &[secs]).await;
            Ok(format!(
                "ReplicaLag {secs} s put for {REPLICA} a minute ago, and again every minute \
                 (the console reads it at its next metrics refresh; points within one minute \
                 average)"
            ))
        }
        ["counts"] => Ok(counts_text(proxy)),
        [verb @ ("refuse" | "hang" | "throttle" | "error500"), ..] => {
            Err(format!("usage: {verb} REGION [SERVICE]").into())
        }
        ["latency", ..] => Err("usage: latency MS [REGION]".into()),
        ["lag", ..] => Err("usage: lag SECONDS".into()),
        _ => Err(format!("unknown command {:?}; try help", words.join(" ")).into()),
    }
}

/// PromoteReadReplica, then what real RDS reports after it: moto keeps
/// `ReadReplicaSourceDBInstanceIdentifier` on a promoted instance, so the
/// lab replaces it with a standalone instance of the same name and region
/// (consoles polling in between may miss it for a moment).
async fn promote() -> Result<String, Box<dyn Error>> {
    let client = rds(DR, &moto());
    let described = client
        .describe_db_instances()
        .db_instance_identifier(REPLICA)
        .send()
        .await
        .map_err(said)?;
    let is_replica = described
        .db_instances()
        .first()
        .is_some_and(|db| db.read_replica_source_db_instance_identifier().is_some());
    if !is_replica {
        return Ok(format!("{REPLICA} in {DR} is already standalone"));
    }
    client
        .promote_read_replica()
        .db_instance_identifier(REPLICA)
        .send()
        .await
        .map_err(said)?;
    client
        .delete_db_instance()
        .db_instance_identifier(REPLICA)
        .skip_final_snapshot(true)
        .send()
        .await
        .map_err(said)?;
    create_postgres(&client, REPLICA).await;
    Ok(format!(
        "{REPLICA} in {DR} promoted: now a standalone instance without a replication source \
         (moto keeps the source after PromoteReadReplica, so the lab recreated it standalone)"
    ))
}

/// An SDK error with its code and message (its `Display` says only
/// "service error").
fn said(error: impl Error) -> String {
    aws_smithy_types::error::display::DisplayErrorContext(&error).to_string()
}

/// `*` is every region; any other name is taken as it is.
fn region_scope(region: &str) -> Option<&'static str> {
    (region != "*").then(|| intern(region))
}

fn service_scope(service: &str) -> Result<&'static str, String> {
    SERVICES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(service))
        .map(|(_, scope)| *scope)
        .ok_or_else(|| format!("unknown service {service}: rds, ecs, backup or cloudwatch"))
}

/// The proxy's rules hold `&'static str`; a lab names a handful of
/// regions, each kept once for the life of the process.
fn intern(name: &str) -> &'static str {
    static NAMES: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut names = lock(&NAMES);
    if let Some(known) = names.get(name) {
        return known;
    }
    let leaked: &'static str = Box::leak(name.to_string().into_boxed_str());
    names.insert(leaked);
    leaked
}

fn describe(rule: &Rule) -> String {
    let region = rule.region.unwrap_or("every region");
    match rule.service {
        Some(service) => format!("{service} in {region}"),
        None => format!("every service in {region}"),
    }
}

fn fault_text(fault: Fault) -> String {
    match fault {
        Fault::Refuse => "connections closed unanswered".into(),
        Fault::Hang => "requests held until the client gives up".into(),
        Fault::Throttle => "answered as throttled".into(),
        Fault::ServerError(status) => format!("answered HTTP {status}"),
        Fault::Latency(d) => format!("{} ms late", d.as_millis()),
    }
}

fn counts_text(proxy: &FaultProxy) -> String {
    let all = proxy.all_requests();
    if all.is_empty() {
        return "no requests through the proxy yet".into();
    }
    all.iter()
        .map(|((region, service, operation), n)| {
            format!("{n:>6}  {region:<14} {service:<11} {operation}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
