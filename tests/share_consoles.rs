//! Consoles sharing one session over moto's S3 (a server of each test's
//! own), as operators run them: the real binary in pseudo-terminals, keys
//! typed, screens read. What S3 holds at the end is read back and checked.

mod common;
mod emulators;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::pty::Pty;
use drconsole::journal::entry::{Entry, EntryKind};
use drconsole::journal::share::layout::Fetched;
use drconsole::journal::share::s3::Bucket;
use drconsole::journal::share::{SessionLog, ShareUrl, layout, view};
use emulators::s3::S3;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;

const BUCKET: &str = "dr-team";
const PREFIX: &str = "s3://dr-team/incidents";

/// A console of `who`, journaling into its own directory under `dir`.
fn console(s3: &S3, dir: &Path, who: &str, args: &[&str]) -> Pty {
    let journal = dir.join(who);
    let mut words: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    words.extend([
        "--operator".into(),
        who.into(),
        "--journal-dir".into(),
        journal.display().to_string(),
    ]);
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let env = s3.env();
    Pty::spawn_sized(&words, dir, 50, 200, move |cmd| {
        for (key, value) in env {
            cmd.env(key, value);
        }
        cmd.env("DRCONSOLE_CONFIG", "/dev/null");
    })
}

fn start(s3: &S3, dir: &Path, who: &str) -> Pty {
    console(
        s3,
        dir,
        who,
        &[
            "demo",
            "rally",
            "--scenario",
            "instance-failure",
            "--share",
            PREFIX,
        ],
    )
}

fn join(s3: &S3, dir: &Path, who: &str, extra: &[&str]) -> Pty {
    let mut args = vec!["join", PREFIX];
    args.extend(extra);
    console(s3, dir, who, &args)
}

fn in_sync(pty: &Pty, who: &str) {
    pty.wait_for(&format!("{who} in sync"), |s| {
        s.contents().contains("share: in sync")
    });
}

fn note(pty: &mut Pty, text: &str) {
    pty.send(b"n");
    pty.send(text.as_bytes());
    pty.send(b"\r");
}

fn quit(pty: &mut Pty) {
    pty.send(b"q");
    pty.wait_for("asked to quit", |s| {
        s.contents().contains("Quit and keep the session")
    });
    pty.send(b"y");
    assert_eq!(pty.wait_exit(), Some(0), "the console exits cleanly");
}

/// The only session under the prefix, read and checked as a console reads it.
async fn shared_log(s3: &S3) -> Vec<Entry> {
    let bucket = Bucket::from_client(s3.client(), BUCKET);
    let prefix = ShareUrl::parse(PREFIX).unwrap();
    let names = layout::sessions(&bucket, &prefix)
        .await
        .expect("S3 answers");
    assert_eq!(names.len(), 1, "one session: {names:?}");
    let log = SessionLog::new(bucket, prefix.child(&names[0]));
    match log.fetch_after(&[]).await.expect("S3 answers") {
        Fetched::Entries(entries) => entries,
        Fetched::Broken(broken) => panic!("the shared log is broken: {}", broken.0),
    }
}

/// A console's local journal: its own entries.
fn local(dir: &Path, who: &str) -> Vec<Entry> {
    let files: Vec<PathBuf> = std::fs::read_dir(dir.join(who))
        .expect("its journal directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .collect();
    assert_eq!(files.len(), 1, "one local journal for {who}: {files:?}");
    drconsole::journal::store::read(&files[0])
        .expect("readable")
        .entries
}

/// Every local entry is in the shared log exactly once, in local order.
fn each_once_in_order(shared: &[Entry], local: &[Entry], who: &str) {
    let console = local[0].share.as_ref().expect("stamped").console.clone();
    let uploaded: Vec<u64> = shared
        .iter()
        .filter_map(view::identity)
        .filter(|(c, _)| *c == console)
        .map(|(_, seq)| seq)
        .collect();
    let written: Vec<u64> = local.iter().map(|e| e.seq).collect();
    assert_eq!(uploaded, written, "{who}'s entries, each once, in order");
}

/// The notes `who` wrote, in the shared log's order.
fn notes_of(shared: &[Entry], who: &str) -> Vec<String> {
    shared
        .iter()
        .filter(|e| e.actor == who && e.kind == EntryKind::Note)
        .filter_map(|e| e.note.clone())
        .collect()
}

fn seqs_run_from_one(shared: &[Entry]) {
    let seqs: Vec<u64> = shared.iter().map(|e| e.seq).collect();
    let expected: Vec<u64> = (1..=u64::try_from(shared.len()).unwrap()).collect();
    assert_eq!(seqs, expected, "one order, no gaps");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_operators_see_each_others_confirmations_and_a_follower_cannot_write() {
    let s3 = S3::start(BUCKET).await;
    let dir = tempfile::tempdir().unwrap();
    let mut alice = start(&s3, dir.path(), "alice");
    in_sync(&alice, "alice");
    let mut bob = join(&s3, dir.path(), "bob", &[]);
    in_sync(&bob, "bob");
    let mut wall = join(&s3, dir.path(), "wall", &["--follow"]);
    wall.wait_for("the follower", |s| {
        s.contents()
            .contains("share: following (read-only) · in sync")
    });

    // Alice confirms step 1; bob's and the wall's checklists show it.
    alice.send(b"\r");
    bob.wait_for("alice's confirmation on bob's screen", |s| {
        s.contents().contains("confirmed by alice")
    });
    wall.wait_for("alice's confirmation on the wall", |s| {
        s.contents().contains("confirmed by alice")
    });
    // Bob notes something; alice sees it.
    note(&mut bob, "paged the DBA");
    alice.wait_for("bob's note on alice's screen", |s| {
        s.contents().contains("paged the DBA")
    });
    // Both see who is in.
    alice.wait_for("the participants", |s| {
        s.contents().contains("alice, bob, 1 following")
    });

    // The follower cannot write: it says so, and writes nothing.
    wall.send(b"n");
    wall.wait_for("the follower's refusal", |s| {
        s.contents()
            .contains("following: this console only watches the shared session")
    });
    wall.send(b"\r");
    wall.send(b"q");
    assert_eq!(wall.wait_exit(), Some(0));
    assert!(
        !dir.path().join("wall").exists(),
        "a follower keeps no journal"
    );
    quit(&mut bob);
    quit(&mut alice);

    let shared = shared_log(&s3).await;
    seqs_run_from_one(&shared);
    assert!(
        shared.iter().all(|e| e.actor != "wall"),
        "the follower wrote nothing"
    );
    let kinds: Vec<(&str, EntryKind)> = shared.iter().map(|e| (e.actor.as_str(), e.kind)).collect();
    assert_eq!(
        kinds[..4],
        [
            ("alice", EntryKind::SessionStarted),
            ("bob", EntryKind::Joined),
            ("alice", EntryKind::Confirmed),
            ("bob", EntryKind::Note),
        ]
    );
    each_once_in_order(&shared, &local(dir.path(), "alice"), "alice");
    each_once_in_order(&shared, &local(dir.path(), "bob"), "bob");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_console_processes_writing_at_once_end_with_one_order() {
    let s3 = S3::start(BUCKET).await;
    let dir = tempfile::tempdir().unwrap();
    let mut consoles = vec![("alice", start(&s3, dir.path(), "alice"))];
    in_sync(&consoles[0].1, "alice");
    for who in ["bob", "carol"] {
        let pty = join(&s3, dir.path(), who, &[]);
        in_sync(&pty, who);
        consoles.push((who, pty));
    }
    // Fifty notes each, typed into all three at once.
    for i in 1..=50 {
        for (who, pty) in &mut consoles {
            note(pty, &format!("{who}-{i}"));
        }
    }
    // The start, two joins and 150 notes, on every screen.
    for (who, pty) in &consoles {
        pty.wait_for(&format!("every entry on {who}'s screen"), |s| {
            s.contents().contains("Log · 153 entries") && s.contents().contains("share: in sync")
        });
    }
    for (_, pty) in &mut consoles {
        quit(pty);
    }

    let shared = shared_log(&s3).await;
    seqs_run_from_one(&shared);
    assert_eq!(shared.len(), 156, "153 entries and three pauses");
    for (who, _) in &consoles {
        each_once_in_order(&shared, &local(dir.path(), who), who);
        let typed: Vec<String> = (1..=50).map(|i| format!("{who}-{i}")).collect();
        assert_eq!(
            notes_of(&shared, who),
            typed,
            "{who}'s notes, each once, in order"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_s3_stopped_30s_nobody_waits_and_a_console_killed_mid_upload_loses_nothing() {
    let s3 = S3::start(BUCKET).await;
    let dir = tempfile::tempdir().unwrap();
    let mut alice = start(&s3, dir.path(), "alice");
    in_sync(&alice, "alice");
    let mut bob = join(&s3, dir.path(), "bob", &[]);
    in_sync(&bob, "bob");

    s3.stop();
    // Nobody waits on S3: each note is on its writer's screen at once,
    // and the header says what waits.
    for i in 1..=3 {
        note(&mut alice, &format!("alice-offline-{i}"));
        note(&mut bob, &format!("bob-offline-{i}"));
    }
    alice.wait_for("alice's notes, waiting", |s| {
        s.contents().contains("alice-offline-3")
            && s.contents().contains("share: 3 entries waiting")
    });
    bob.wait_for("bob's notes, waiting", |s| {
        s.contents().contains("bob-offline-3") && s.contents().contains("share: 3 entries waiting")
    });
    alice.wait_for("S3 reported unreachable", |s| {
        s.contents().contains("S3 unreachable for")
    });
    // Alice's console dies while its upload hangs.
    kill(Pid::from_raw(alice.pid()), Signal::SIGKILL).unwrap();
    assert_eq!(alice.wait_exit(), None, "killed by the signal");
    tokio::time::sleep(Duration::from_secs(30)).await;
    s3.resume();

    // Started again as the farewell would say, it uploads what is missing.
    let mut alice = console(
        &s3,
        dir.path(),
        "alice",
        &[
            "demo",
            "rally",
            "--scenario",
            "instance-failure",
            "--share",
            PREFIX,
            "--resume",
        ],
    );
    for (who, pty) in [("alice", &alice), ("bob", &bob)] {
        pty.wait_for(&format!("{who} sees every offline note"), |s| {
            let text = s.contents();
            text.contains("share: in sync")
                && text.contains("alice-offline-3")
                && text.contains("bob-offline-3")
        });
    }
    quit(&mut bob);
    quit(&mut alice);

    let shared = shared_log(&s3).await;
    seqs_run_from_one(&shared);
    each_once_in_order(&shared, &local(dir.path(), "alice"), "alice");
    each_once_in_order(&shared, &local(dir.path(), "bob"), "bob");
    for who in ["alice", "bob"] {
        let typed: Vec<String> = (1..=3).map(|i| format!("{who}-offline-{i}")).collect();
        assert_eq!(
            notes_of(&shared, who),
            typed,
            "{who}'s offline notes, each once, in order"
        );
    }
}
