//! Shared sessions against moto's S3 (a server of each test's own):
//! conditional writes under concurrent writers, the log's chain as
//! `log verify s3://…` reads it, and what the share's task does when S3
//! stops answering. The consoles themselves are in tests/share_consoles.rs.

mod common;
mod emulators;

use std::time::Duration;

use drconsole::journal::entry::{Entry, EntryKind, ShareDetail};
use drconsole::journal::share::layout::Fetched;
use drconsole::journal::share::s3::Bucket;
use drconsole::journal::share::sync::{self, Event, Link};
use drconsole::journal::share::view;
use drconsole::journal::share::{Mode, SessionLog, ShareStatus, ShareUrl};
use emulators::s3::S3;

const BUCKET: &str = "dr-team";

/// `n` local entries of one console: notes "<console> <i>".
fn local_entries(console: &str, actor: &str, n: u64) -> Vec<Entry> {
    (1..=n)
        .map(|seq| {
            let mut e = common::entry(seq, EntryKind::Note, None, Some(&format!("{actor} {seq}")));
            e.actor = actor.into();
            e.share = Some(ShareDetail {
                console: console.into(),
                ..ShareDetail::default()
            });
            e
        })
        .collect()
}

async fn session(s3: &S3, name: &str) -> SessionLog {
    let bucket = Bucket::from_client(s3.client(), BUCKET);
    let url = ShareUrl::parse(&format!("s3://{BUCKET}/incidents/{name}")).unwrap();
    SessionLog::new(bucket, url)
}

fn settings(log: &SessionLog, console: &str, actor: &str, mode: Mode) -> sync::Settings {
    sync::Settings {
        log: log.clone(),
        console: console.into(),
        actor: actor.into(),
        mode,
        poll: Duration::from_millis(200),
    }
}

/// Waits (under a watchdog, not a measurement) for a status that `done` accepts.
async fn until(link: &mut Link, done: impl Fn(&ShareStatus) -> bool) -> ShareStatus {
    let mut events = link.take_events().expect("the events");
    wait_status(&mut events, done).await
}

/// The whole shared log, read and checked as a console reads it.
async fn read_all(log: &SessionLog) -> Vec<Entry> {
    match log.fetch_after(&[]).await.expect("S3 answers") {
        Fetched::Entries(entries) => entries,
        Fetched::Broken(broken) => panic!("the shared log is broken: {}", broken.0),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_writers_at_once_end_with_one_order_without_duplicates_or_gaps() {
    let s3 = S3::start(BUCKET).await;
    let log = session(&s3, "race").await;
    let writers = [("c-alice", "alice"), ("c-bob", "bob"), ("c-carol", "carol")];
    let mut links: Vec<Link> = writers
        .iter()
        .map(|(console, actor)| {
            sync::spawn(
                settings(&log, console, actor, Mode::Write),
                Vec::new(),
                local_entries(console, actor, 50),
            )
        })
        .collect();
    for link in &mut links {
        until(link, |s| s.waiting == 0 && s.unreachable_since.is_none()).await;
    }
    let shared = read_all(&log).await;
    assert_eq!(shared.len(), 150);
    let seqs: Vec<u64> = shared.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=150).collect::<Vec<u64>>(), "one order, no gaps");
    for (console, actor) in writers {
        let mine: Vec<u64> = shared
            .iter()
            .filter_map(view::identity)
            .filter(|(c, _)| *c == console)
            .map(|(_, local)| local)
            .collect();
        assert_eq!(
            mine,
            (1..=50).collect::<Vec<u64>>(),
            "{actor}'s entries, each once, in its own order"
        );
    }
    // The three interleave: each writer lost races and re-sequenced.
    let runs = shared
        .windows(2)
        .filter(|w| view::identity(&w[0]).map(|i| i.0) != view::identity(&w[1]).map(|i| i.0))
        .count();
    assert!(
        runs >= 2,
        "the writers' entries interleave ({runs} changes of writer)"
    );
    // The shared log is what `log verify` reads: intact.
    let (stdout, code) = verify(&s3, "s3://dr-team/incidents/race");
    assert_eq!(code, 0, "{stdout}");
    assert!(stdout.contains("intact: 150 entries"), "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn entries_written_while_s3_is_stopped_wait_and_land_in_order_when_it_answers() {
    let s3 = S3::start(BUCKET).await;
    let log = session(&s3, "outage").await;
    let mut link = sync::spawn(
        settings(&log, "c-alice", "alice", Mode::Write),
        Vec::new(),
        local_entries("c-alice", "alice", 3),
    );
    let mut events = link.take_events().unwrap();
    wait_status(&mut events, |s| s.waiting == 0).await;
    s3.stop();
    let local = local_entries("c-alice", "alice", 8);
    for entry in &local[3..] {
        link.upload(entry.clone());
    }
    let waiting = wait_status(&mut events, |s| s.unreachable_since.is_some()).await;
    assert!(waiting.error.is_some());
    tokio::time::sleep(Duration::from_secs(30)).await;
    s3.resume();
    wait_status(&mut events, |s| {
        s.waiting == 0 && s.unreachable_since.is_none()
    })
    .await;
    let shared = read_all(&log).await;
    let notes: Vec<&str> = shared.iter().filter_map(|e| e.note.as_deref()).collect();
    assert_eq!(
        notes,
        (1..=8).map(|i| format!("alice {i}")).collect::<Vec<_>>(),
        "every entry once, in order"
    );
}

async fn wait_status(
    events: &mut tokio::sync::mpsc::UnboundedReceiver<Event>,
    done: impl Fn(&ShareStatus) -> bool,
) -> ShareStatus {
    let found = tokio::time::timeout(Duration::from_secs(120), async {
        while let Some(event) = events.recv().await {
            if let Event::Status(status) = event
                && done(&status)
            {
                return Some(status);
            }
        }
        None
    })
    .await;
    found
        .ok()
        .flatten()
        .expect("the status within the watchdog")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_follower_merges_what_others_write_in_one_poll_and_writes_nothing() {
    let s3 = S3::start(BUCKET).await;
    let log = session(&s3, "follow").await;
    let mut writer = sync::spawn(
        settings(&log, "c-alice", "alice", Mode::Write),
        Vec::new(),
        local_entries("c-alice", "alice", 4),
    );
    until(&mut writer, |s| s.waiting == 0).await;
    // Given entries of its own, a follower still uploads none.
    let mut follower = sync::spawn(
        settings(&log, "c-wall", "projector", Mode::Follow),
        Vec::new(),
        local_entries("c-wall", "projector", 2),
    );
    let mut events = follower.take_events().unwrap();
    let first = tokio::time::timeout(Duration::from_secs(60), async {
        loop {
            if let Some(Event::Merged(new)) = events.recv().await {
                return new;
            }
        }
    })
    .await
    .expect("the follower merges within the watchdog");
    let notes: Vec<&str> = first.iter().filter_map(|e| e.note.as_deref()).collect();
    assert_eq!(
        notes,
        ["alice 1", "alice 2", "alice 3", "alice 4"],
        "its first poll brings every entry"
    );
    // Its status follows a whole round of pulling and pushing.
    wait_status(&mut events, |s| s.mode == Mode::Follow).await;
    let shared = read_all(&log).await;
    assert_eq!(shared.len(), 4, "the follower wrote nothing");
}

/// `drconsole log verify URL` against this S3: its output and exit code.
fn verify(s3: &S3, url: &str) -> (String, i32) {
    drconsole(s3, &["log", "verify", url])
}

/// `drconsole ARGS` against this S3: its output and exit code.
fn drconsole(s3: &S3, args: &[&str]) -> (String, i32) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_drconsole"))
        .args(args)
        .envs(s3.env())
        .env("DRCONSOLE_CONFIG", "/dev/null")
        .output()
        .expect("drconsole runs");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (text, out.status.code().unwrap_or(-1))
}

/// A session of `n` notes by alice, written as consoles write it.
async fn written(s3: &S3, name: &str, n: u64) -> SessionLog {
    let log = session(s3, name).await;
    let mut shared: Vec<Entry> = Vec::new();
    for local in local_entries("c-alice", "alice", n) {
        let copy = view::shared_copy(&local, &shared, "c-alice");
        log.append(&copy).await.expect("written");
        shared.push(copy);
    }
    log
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_verify_names_the_entry_edited_removed_or_inserted_in_a_shared_log() {
    let s3 = S3::start(BUCKET).await;
    let key = |name: &str, seq: u64| format!("incidents/{name}/entries/{seq:020}.json");

    let log = written(&s3, "intact", 5).await;
    let (out, code) = verify(&s3, "s3://dr-team/incidents/intact");
    assert_eq!(code, 0, "{out}");
    let head = drconsole::journal::chain::hash(read_all(&log).await.last().unwrap());
    assert_eq!(
        out.trim(),
        format!("s3://dr-team/incidents/intact: intact: 5 entries, chain head {head}")
    );
    // The prefix alone: its latest session.
    let (out, code) = verify(&s3, "s3://dr-team/incidents");
    assert_eq!(code, 0, "{out}");

    written(&s3, "edited", 5).await;
    let mut entry: serde_json::Value =
        serde_json::from_slice(&s3.get(&key("edited", 3)).await).unwrap();
    entry["actor"] = "mallory".into();
    s3.put(&key("edited", 3), serde_json::to_vec(&entry).unwrap())
        .await;
    let (out, code) = verify(&s3, "s3://dr-team/incidents/edited");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("tampered: entry seq 3 (object 3) was changed"),
        "{out}"
    );

    written(&s3, "removed", 5).await;
    s3.delete(&key("removed", 3)).await;
    let (out, code) = verify(&s3, "s3://dr-team/incidents/removed");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("seq 3") && out.contains("removed"), "{out}");

    // An entry slipped in at seq 3: the later objects move up one key.
    written(&s3, "inserted", 5).await;
    for seq in (3..=5).rev() {
        let body = s3.get(&key("inserted", seq)).await;
        s3.put(&key("inserted", seq + 1), body).await;
    }
    let mut forged: serde_json::Value =
        serde_json::from_slice(&s3.get(&key("inserted", 2)).await).unwrap();
    forged["note"] = "all fine here".into();
    s3.put(&key("inserted", 3), serde_json::to_vec(&forged).unwrap())
        .await;
    let (out, code) = verify(&s3, "s3://dr-team/incidents/inserted");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("object 3") && out.contains("inserted"),
        "{out}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_export_writes_the_postmortem_of_a_shared_session() {
    let s3 = S3::start(BUCKET).await;
    let log = written(&s3, "exported", 3).await;
    let head = drconsole::journal::chain::hash(read_all(&log).await.last().unwrap());
    let (out, code) = drconsole(&s3, &["log", "export", "s3://dr-team/incidents"]);
    assert_eq!(code, 0, "{out}");
    for i in 1..=3 {
        assert!(out.contains(&format!("alice {i}")), "note {i}:\n{out}");
    }
    assert!(
        out.contains(&format!("Log chain head: {head}")),
        "the chain head:\n{out}"
    );
}
