//! CloudWatch down while RDS answers: every instance keeps its live status,
//! a replica's lag is unknown (never a stale figure) and the RDS pane says
//! why; `status` reports the unreadable API as a finding. Real emulators
//! behind the fault proxy. Needs `./scripts/test`.

mod emulators;

use drconsole::domain::assess::{Overall, runbook_health};
use drconsole::domain::health::{Health, Limits};
use drconsole::domain::snapshot::{Feed, LiveState, RdsSnapshot, SourceKind};
use drconsole::runbook::load;
use drconsole::sources::aws::{AwsSource, Watchlist};
use drconsole::sources::{Payload, Source, fetch_all};
use drconsole::ui::export::to_text;
use drconsole::ui::rds;
use drconsole::ui::theme::DARK;
use drconsole::ui::view::RdsView;
use drconsole::ui::widgets::PaneCtx;
use emulators::fault_proxy::{Fault, Rule};
use emulators::*;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;

const REGION: &str = "eu-central-1";

async fn fetch_rds(source: &AwsSource) -> RdsSnapshot {
    match source.fetch(SourceKind::Rds).await {
        Ok(Payload::Rds(rds)) => rds,
        other => panic!("RDS fetch: {other:?}"),
    }
}

#[tokio::test]
async fn cloudwatch_down_leaves_every_instance_its_live_status() {
    let (primary, replica) = (unique("part-db"), unique("part-replica"));
    let client = rds(REGION, &moto());
    create_postgres(&client, &primary).await;
    client
        .create_db_instance_read_replica()
        .db_instance_identifier(&replica)
        .source_db_instance_identifier(&primary)
        .db_instance_class("db.t3.micro")
        .send()
        .await
        .unwrap();
    put_series(REGION, &replica, "ReplicaLag", &[2.0, 3.0, 4.0]).await;

    let text = format!(
        r#"
name = "partial"
[objectives]
rto = "1h"
rpo = "15m"
[environment.regions]
primary = "{REGION}"
[[environment.rds]]
id = "{primary}"
role = "primary"
[[environment.rds]]
id = "{replica}"
role = "replica"
[[scenario]]
id = "s"
title = "S"
[[scenario.step]]
id = "a"
title = "A"
"#
    );
    let (runbook, _) = load::parse(&text, "partial.toml").unwrap();
    let proxy = fault_proxy().await;
    let tuning = test_tuning();
    let clients = proxied_clients(&proxy.url(), REGION, &tuning);
    let watch = Watchlist::new(&runbook.environment, None, &[]);

    // Healthy first: the lag is read.
    let source = AwsSource::from_clients(watch.clone(), tuning, [clients.clone()]).unwrap();
    let seen = fetch_rds(&source).await;
    assert_eq!(seen.instance(&replica).unwrap().lag_secs, Some(4.0));
    assert!(seen.unavailable.is_empty(), "{:?}", seen.unavailable);

    // CloudWatch refuses: a new source (no cached metrics) still lists both
    // instances with their status; the lag is unknown and says why.
    proxy.set(Rule {
        region: None,
        service: Some("monitoring"),
        fault: Fault::Refuse,
    });
    let source = AwsSource::from_clients(watch, tuning, [clients]).unwrap();
    let seen = fetch_rds(&source).await;
    let ids: Vec<&str> = seen.instances.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, [primary.as_str(), replica.as_str()]);
    assert!(seen.instances.iter().all(|d| d.status == "available"));
    assert_eq!(seen.instance(&replica).unwrap().lag_secs, None);
    let why = seen.unavailable_in(REGION, "GetMetricData").unwrap();
    assert_eq!(why.code, "Unreachable");

    // The pane: the replica's row keeps its status; its lag line says why.
    let mut feed = Feed::default();
    feed.apply(jiff::Timestamp::now(), Ok(seen.clone()));
    let limits = Limits::from_runbook(&runbook);
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 12));
    rds::render(
        buf.area,
        &mut buf,
        &RdsView {
            feed: &feed,
            limits: &limits,
        },
        &PaneCtx {
            theme: &DARK,
            now: jiff::Timestamp::now(),
            focused: false,
            scroll: 0,
            zoomed: false,
            filter: "",
        },
    );
    let screen = to_text(&buf);
    let replica_row = screen.lines().find(|l| l.contains(&replica)).unwrap();
    assert!(replica_row.contains("available"), "{screen}");
    assert!(
        screen.contains("lag ?     GetMetricData Unreachable"),
        "{screen}"
    );

    // `status`: the instances are judged, and the unreadable API is a
    // critical finding, so the verdict is degraded rather than unknown.
    let mut live = LiveState::default();
    live.rds.apply(jiff::Timestamp::now(), Ok(seen));
    let verdict = runbook_health(&runbook, &live, jiff::Timestamp::now());
    assert_eq!(verdict.overall, Overall::Degraded);
    let unreadable = verdict
        .findings
        .iter()
        .find(|f| f.resource == "GetMetricData")
        .unwrap();
    assert_eq!(unreadable.health, Health::Critical);
    assert_eq!(unreadable.region.as_deref(), Some(REGION));
    assert!(
        verdict
            .findings
            .iter()
            .any(|f| f.resource == primary && f.summary.starts_with("available")),
        "{:?}",
        verdict.findings
    );
}

/// The primary region's RDS API unreachable while the DR region answers:
/// the DR instance (the one being promoted) is still listed with its live
/// status, the pane says which region could not be listed, `status` reports
/// that region's failure instead of calling the primary "not found", a check
/// on the primary is unknown (never not met), and the header names the
/// primary region unreachable.
#[tokio::test]
async fn the_primary_region_unreachable_leaves_the_dr_region_in_view() {
    use drconsole::domain::regions::{RegionState, region_health};
    use drconsole::domain::verify::{Outcome, VerifyContext, evaluate};
    use drconsole::runbook::model::Verify;

    const PRIMARY: &str = "ap-northeast-1";
    const DR: &str = "ap-northeast-2";
    let (primary, dr) = (unique("outage-db"), unique("outage-dr"));
    for (region, id) in [(PRIMARY, &primary), (DR, &dr)] {
        create_postgres(&rds(region, &moto()), id).await;
    }
    let text = format!(
        r#"
name = "outage"
[objectives]
rto = "1h"
rpo = "15m"
[environment.regions]
primary = "{PRIMARY}"
dr = "{DR}"
[[environment.rds]]
id = "{primary}"
role = "primary"
[[environment.rds]]
id = "{dr}"
region = "{DR}"
role = "primary"
[[scenario]]
id = "s"
title = "S"
[[scenario.step]]
id = "a"
title = "A"
verify.instance_status = {{ instance = "{primary}", status = "available" }}
"#
    );
    let (runbook, _) = load::parse(&text, "outage.toml").unwrap();
    let proxy = fault_proxy().await;
    // Every API of the primary region, as in a regional outage.
    proxy.set(Rule {
        region: Some(PRIMARY),
        service: None,
        fault: Fault::Refuse,
    });
    let tuning = test_tuning();
    let clients = [PRIMARY, DR].map(|region| proxied_clients(&proxy.url(), region, &tuning));
    let watch = Watchlist::new(&runbook.environment, None, &[]);
    let source = AwsSource::from_clients(watch, tuning, clients).unwrap();
    let seen = fetch_rds(&source).await;

    let ids: Vec<&str> = seen.instances.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, [dr.as_str()]);
    assert_eq!(seen.instances[0].status, "available");
    let unlisted: Vec<_> = seen.unlisted().collect();
    assert_eq!(unlisted.len(), 1, "{unlisted:?}");
    assert_eq!(unlisted[0].region.as_deref(), Some(PRIMARY));
    assert_eq!(unlisted[0].code, "Unreachable");

    // What `status` and the console hold: every feed folded in.
    let now = jiff::Timestamp::now();
    let live = fetch_all(&source, &[SourceKind::Rds], source.fetch_timeout(), now).await;
    let ids_held: Vec<&str> = live
        .rds
        .data
        .iter()
        .flat_map(|r| &r.instances)
        .map(|d| d.id.as_str())
        .collect();
    assert_eq!(ids_held, [dr.as_str()]);

    // The pane.
    let limits = Limits::from_runbook(&runbook);
    let mut buf = Buffer::empty(Rect::new(0, 0, 100, 10));
    rds::render(
        buf.area,
        &mut buf,
        &RdsView {
            feed: &live.rds,
            limits: &limits,
        },
        &PaneCtx {
            theme: &DARK,
            now,
            focused: false,
            scroll: 0,
            zoomed: false,
            filter: "",
        },
    );
    let screen = to_text(&buf);
    assert!(
        screen.contains(&format!("✗ {PRIMARY}: DescribeDBInstances Unreachable")),
        "{screen}"
    );
    assert!(
        screen
            .lines()
            .any(|l| l.contains(&dr) && l.contains("available")),
        "{screen}"
    );

    // `status`.
    let verdict = runbook_health(&runbook, &live, now);
    assert_eq!(verdict.overall, Overall::Degraded);
    assert!(
        verdict
            .findings
            .iter()
            .any(|f| f.resource == "DescribeDBInstances"
                && f.region.as_deref() == Some(PRIMARY)
                && f.health == Health::Critical),
        "{:?}",
        verdict.findings
    );
    assert!(
        !verdict.findings.iter().any(|f| f.resource == primary),
        "the primary is not called missing: {:?}",
        verdict.findings
    );

    // A check on the primary: unknown, not "not found".
    let check = &runbook.scenarios[0].steps[0].verify;
    let Some(check @ Verify::InstanceStatus { .. }) = check else {
        panic!("{check:?}");
    };
    let evidence = evaluate(
        check,
        &live,
        VerifyContext {
            now,
            incident_start: None,
        },
    );
    assert_eq!(evidence.outcome, Outcome::Unknown, "{}", evidence.seen);

    // The header's region health.
    let health = region_health(&[PRIMARY, DR], &live);
    assert_eq!(health[0].state, RegionState::Unreachable);
    assert_eq!(health[1].state, RegionState::Ok);
}

/// The whole primary region unreachable: the DR region's ECS service and
/// alarm stay in view, each pane names the region it could not read, and
/// `status` reports those failures instead of calling the primary's
/// resources missing.
#[tokio::test]
async fn the_primary_region_unreachable_leaves_dr_services_and_alarms_in_view() {
    use drconsole::domain::snapshot::{AlarmSnapshot, EcsSnapshot};

    const PRIMARY: &str = "sa-east-1";
    const DR: &str = "ca-central-1";
    let (cluster, dr_cluster) = (unique("part-apps"), unique("part-apps-dr"));
    let (alarm, dr_alarm) = (unique("part-5xx"), unique("part-dr-5xx"));
    let client = ecs(DR, &moto());
    client
        .create_cluster()
        .cluster_name(&dr_cluster)
        .send()
        .await
        .unwrap();
    let task_def = register_task_definition(DR, &unique("part-task")).await;
    client
        .create_service()
        .cluster(&dr_cluster)
        .service_name("api")
        .task_definition(task_def)
        .desired_count(0)
        .send()
        .await
        .unwrap();
    put_alarm(
        DR,
        &dr_alarm,
        aws_sdk_cloudwatch::types::StateValue::Ok,
        "fine",
    )
    .await;

    let text = format!(
        r#"
name = "outage"
[objectives]
rto = "1h"
rpo = "15m"
[environment.regions]
primary = "{PRIMARY}"
dr = "{DR}"
[[environment.ecs]]
cluster = "{cluster}"
service = "api"
[[environment.ecs]]
cluster = "{dr_cluster}"
service = "api"
region = "{DR}"
[environment.alarms]
names = ["{alarm}", "{dr_alarm}"]
[[scenario]]
id = "s"
title = "S"
[[scenario.step]]
id = "a"
title = "A"
"#
    );
    let (runbook, _) = load::parse(&text, "outage.toml").unwrap();
    let proxy = fault_proxy().await;
    proxy.set(Rule {
        region: Some(PRIMARY),
        service: None,
        fault: Fault::Refuse,
    });
    let tuning = test_tuning();
    let clients = [PRIMARY, DR].map(|region| proxied_clients(&proxy.url(), region, &tuning));
    let watch = Watchlist::new(&runbook.environment, None, &[]);
    let source = AwsSource::from_clients(watch, tuning, clients).unwrap();
    let Ok(Payload::Ecs(ecs_seen)) = source.fetch(SourceKind::Ecs).await else {
        panic!("the DR cluster answered");
    };
    let Ok(Payload::Alarms(alarms_seen)) = source.fetch(SourceKind::Alarms).await else {
        panic!("the DR region's alarms answered");
    };
    let names = |ecs: &EcsSnapshot| {
        ecs.services
            .iter()
            .map(|s| format!("{}/{}", s.cluster, s.name))
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&ecs_seen), [format!("{dr_cluster}/api")]);
    let alarm_names =
        |a: &AlarmSnapshot| a.alarms.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
    assert_eq!(alarm_names(&alarms_seen), [dr_alarm]);
    for (kind, unavailable, api) in [
        ("ECS", &ecs_seen.unavailable, "DescribeServices"),
        ("alarms", &alarms_seen.unavailable, "DescribeAlarms"),
    ] {
        assert_eq!(unavailable.len(), 1, "{kind}: {unavailable:?}");
        assert_eq!(unavailable[0].region.as_deref(), Some(PRIMARY), "{kind}");
        assert_eq!(unavailable[0].api.as_deref(), Some(api), "{kind}");
        assert_eq!(unavailable[0].code, "Unreachable", "{kind}");
    }

    let now = jiff::Timestamp::now();
    let mut live = LiveState::default();
    live.ecs.apply(now, Ok(ecs_seen));
    live.alarms.apply(now, Ok(alarms_seen));
    let verdict = runbook_health(&runbook, &live, now);
    let unreadable: Vec<&str> = verdict
        .findings
        .iter()
        .filter(|f| f.region.as_deref() == Some(PRIMARY))
        .map(|f| f.resource.as_str())
        .collect();
    assert_eq!(
        unreadable,
        ["DescribeServices", "DescribeAlarms"],
        "{:?}",
        verdict.findings
    );
    assert!(
        !verdict
            .findings
            .iter()
            .any(|f| f.summary == "named in the runbook but not found"),
        "{:?}",
        verdict.findings
    );
}
