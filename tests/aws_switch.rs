//! `:region` and `:profile` on a live console: the source is rebuilt in
//! place through the console's own switcher (profiles read from shared
//! files in a temp dir, every call through a fault proxy in front of the
//! emulators), its poller replaced, the old rows gone and the switch
//! journaled; a profile the files do not have leaves the old source
//! running. Needs `./scripts/test`.

mod emulators;

use std::cell::Cell;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use drconsole::app::{Action, App};
use drconsole::domain::snapshot::{DbInstance, SourceKind};
use drconsole::journal::entry::EntryKind;
use drconsole::journal::store;
use drconsole::runbook::load;
use drconsole::runbook::model::Runbook;
use drconsole::sources::aws::profiles::profile_names;
use drconsole::sources::aws::{AwsOptions, AwsSource, AwsTuning, SharedFiles};
use drconsole::sources::{FeedPart, SourceUpdate};
use drconsole::switch::aws_switcher;
use drconsole::ui::view::FooterView;
use emulators::console::LiveConsole;
use emulators::fault_proxy::{Fault, FaultProxy, Rule};
use emulators::*;

// No other test uses these regions.
const OLD: &str = "ap-southeast-4";
const NEW: &str = "me-central-1";

fn tuning() -> AwsTuning {
    AwsTuning {
        state_interval: Duration::from_secs(1),
        metrics_interval: Duration::from_secs(1),
        ..test_tuning()
    }
}

/// One instance that names no region, so it is looked for in the primary.
fn runbook(db: &str) -> Runbook {
    let text = format!(
        r#"
name = "switch"
[objectives]
rto = "1h"
rpo = "15m"
[environment.regions]
primary = "{OLD}"
[[environment.rds]]
id = "{db}"
[[scenario]]
id = "failover"
title = "Fail over"
[[scenario.step]]
id = "watch"
title = "Watch"
"#
    );
    load::parse(&text, "switch.toml").unwrap().0
}

/// Shared files with a profile per proxy, `live` first, each profile's
/// calls going to its proxy.
fn shared_files(dir: &tempfile::TempDir, proxies: &[(&str, &FaultProxy)]) -> SharedFiles {
    let config = dir.path().join("config");
    let text: String = proxies
        .iter()
        .map(|(name, proxy)| {
            format!(
                "[profile {name}]\n\
                 endpoint_url = {}\n\
                 aws_access_key_id = testing\n\
                 aws_secret_access_key = testing\n",
                proxy.url()
            )
        })
        .collect();
    std::fs::write(&config, text).unwrap();
    let credentials = dir.path().join("credentials");
    std::fs::write(&credentials, "").unwrap();
    SharedFiles {
        config: Some(config),
        credentials: Some(credentials),
    }
}

/// A console on `profile` and region `OLD`, built as `drconsole run`
/// builds it, with the console's switcher installed.
async fn console(runbook: Runbook, files: SharedFiles, profile: &str) -> LiveConsole {
    let profiles = profile_names(&files).await.unwrap();
    let options = AwsOptions {
        profile: Some(profile.into()),
        tuning: tuning(),
        shared_files: files,
        ..AwsOptions::default()
    };
    let source = AwsSource::connect(&runbook.environment, options.clone())
        .await
        .unwrap();
    let env = runbook.environment.clone();
    let mut console = LiveConsole::open(runbook, "failover", Arc::new(source));
    let app = &mut console.session.app;
    app.set_aws_profile(Some(profile.into()), profiles);
    console.session.on_switch(aws_switcher(env, options));
    console
}

/// Opens the palette, types `line`, presses Enter.
fn palette(console: &mut LiveConsole, line: &str) {
    let key = |code| Action::Key(KeyEvent::new(code, KeyModifiers::NONE));
    console.session.dispatch(key(KeyCode::Char(':')));
    for c in line.chars() {
        console.session.dispatch(key(KeyCode::Char(c)));
    }
    console.session.dispatch(key(KeyCode::Enter));
}

fn instance<'a>(app: &'a App, id: &str) -> Option<&'a DbInstance> {
    app.live().rds.data.as_ref()?.instance(id)
}

fn footer(app: &App) -> Option<String> {
    match app.view().footer {
        FooterView::Message(text) => Some(text.to_string()),
        _ => None,
    }
}

fn is_rds_state_in(update: &SourceUpdate, region: &str) -> bool {
    let key = update.key();
    key.kind == SourceKind::Rds
        && key.part == FeedPart::State
        && key.region.as_deref() == Some(region)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_region_away_from_a_refused_one_shows_only_the_new_regions_data() {
    let db = unique("switch-db");
    create_postgres(&rds(OLD, &moto()), &db).await;
    create_postgres(&rds(NEW, &moto()), &db).await;
    let proxy = fault_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let mut console = console(
        runbook(&db),
        shared_files(&dir, &[("live", &proxy)]),
        "live",
    )
    .await;

    console
        .until(
            "the instance in the old region",
            |_| {},
            |app| instance(app, &db).is_some_and(|d| d.region == OLD),
        )
        .await;
    proxy.set(Rule {
        region: Some(OLD),
        service: None,
        fault: Fault::Refuse,
    });
    console
        .until(
            "the old region's row marked stale",
            |_| {},
            |app| instance(app, &db).is_some_and(|d| d.stale.is_some()),
        )
        .await;

    palette(&mut console, &format!("region {NEW}"));
    assert_eq!(
        footer(console.app()).as_deref(),
        Some(format!("switching to profile live, region {NEW}…").as_str())
    );
    console.switch().await;

    // Nothing of the old region is left, before the new source answers.
    let app = console.app();
    assert_eq!(app.live().feeds().count(), 0);
    assert!(app.live().rds.data.is_none());
    assert_eq!(app.view().header.origin.source, "aws · live");
    assert_eq!(app.view().header.primary_region, NEW);
    assert_eq!(
        app.message(),
        Some(format!("switched to profile live, region {NEW}").as_str())
    );

    console
        .until(
            "the instance in the new region",
            |_| {},
            |app| instance(app, &db).is_some_and(|d| d.region == NEW && d.stale.is_none()),
        )
        .await;
    let app = console.app();
    let rds = app.live().rds.data.as_ref().unwrap();
    assert_eq!(rds.instances.len(), 1);
    assert!(rds.unavailable.is_empty(), "{:?}", rds.unavailable);
    let old_feeds: Vec<_> = app
        .live()
        .feeds()
        .filter(|(key, _)| key.region.as_deref() == Some(OLD))
        .map(|(key, _)| key.clone())
        .collect();
    assert!(old_feeds.is_empty(), "{old_feeds:?}");

    // The old poller is gone: no call reaches the old region any more.
    console.run_for(Duration::from_secs(1), |_| {}).await;
    proxy.reset_counts();
    let fresh = Cell::new(0);
    console
        .until(
            "two more rounds of the new region",
            |u| {
                if is_rds_state_in(u, NEW) {
                    fresh.set(fresh.get() + 1);
                }
            },
            |_| fresh.get() >= 2,
        )
        .await;
    let old_calls: Vec<_> = proxy
        .all_requests()
        .into_keys()
        .filter(|(region, _, _)| region == OLD)
        .collect();
    assert!(old_calls.is_empty(), "{old_calls:?}");
    assert!(proxy.requests(NEW, "rds", "DescribeDBInstances") > 0);

    let journal = console.session.journal_path().unwrap();
    let entries = store::read(&journal).unwrap().entries;
    let last = entries.last().unwrap();
    assert_eq!(last.kind, EntryKind::Note);
    assert_eq!(
        last.note.as_deref(),
        Some(format!("source switched to profile live, region {NEW}").as_str())
    );
    assert_eq!(last.actor, "tester");
    assert_eq!(console.app().log().last(), Some(last));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_profile_leaves_the_old_source_running_and_says_why() {
    let db = unique("switch-keep");
    create_postgres(&rds(OLD, &moto()), &db).await;
    let proxy = fault_proxy().await;
    let dir = tempfile::tempdir().unwrap();
    let mut console = console(
        runbook(&db),
        shared_files(&dir, &[("live", &proxy)]),
        "live",
    )
    .await;
    console
        .until("the instance", |_| {}, |app| instance(app, &db).is_some())
        .await;
    let journal = console.session.journal_path().unwrap();
    let before = store::read(&journal).unwrap().entries;

    palette(&mut console, "profile nosuch");
    console.switch().await;

    let app = console.app();
    assert_eq!(
        app.message(),
        Some(
            format!(
                "cannot switch to profile nosuch, region {OLD}: no profile \"nosuch\" in the \
                 AWS config files (they have live); still on profile live, region {OLD}"
            )
            .as_str()
        )
    );
    assert_eq!(app.view().header.origin.source, "aws · live");
    assert!(instance(app, &db).is_some_and(|d| d.region == OLD));
    assert_eq!(store::read(&journal).unwrap().entries, before);

    // The old poller still polls, and its answers still reach the app.
    proxy.reset_counts();
    let fresh = Cell::new(0);
    console
        .until(
            "two more rounds of the old source",
            |u| {
                if is_rds_state_in(u, OLD) {
                    fresh.set(fresh.get() + 1);
                }
            },
            |_| fresh.get() >= 2,
        )
        .await;
    assert!(proxy.requests(OLD, "rds", "DescribeDBInstances") > 0);
    assert!(instance(console.app(), &db).is_some_and(|d| d.stale.is_none()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn switching_profile_away_from_a_refused_endpoint_shows_the_new_profiles_data() {
    let db = unique("switch-profile");
    create_postgres(&rds(OLD, &moto()), &db).await;
    let (live, down) = (fault_proxy().await, fault_proxy().await);
    down.set(Rule {
        region: None,
        service: None,
        fault: Fault::Refuse,
    });
    let dir = tempfile::tempdir().unwrap();
    let files = shared_files(&dir, &[("live", &live), ("down", &down)]);
    let mut console = console(runbook(&db), files, "down").await;
    console
        .until(
            "the instances unavailable through the refused endpoint",
            |_| {},
            |app| app.live().rds.error.is_some(),
        )
        .await;
    assert!(instance(console.app(), &db).is_none());

    palette(&mut console, "profile live");
    console.switch().await;
    let app = console.app();
    assert_eq!(app.view().header.origin.source, "aws · live");
    assert!(app.live().rds.error.is_none());

    console
        .until(
            "the instance through the answering profile",
            |_| {},
            |app| instance(app, &db).is_some(),
        )
        .await;
    let rds = &console.app().live().rds;
    assert!(rds.error.is_none(), "{:?}", rds.error);
    assert!(rds.data.as_ref().unwrap().unavailable.is_empty());
    assert!(live.requests(OLD, "rds", "DescribeDBInstances") > 0);
    let journal = console.session.journal_path().unwrap();
    let last = store::read(&journal).unwrap().entries.pop().unwrap();
    assert_eq!(
        last.note.as_deref(),
        Some(format!("source switched to profile live, region {OLD}").as_str())
    );
}
