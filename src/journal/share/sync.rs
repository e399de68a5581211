//! The task that keeps a console and its shared session in step: it polls
//! for new entries, uploads this console's own in order (re-sequencing
//! when another console took the seq), and beats a heartbeat. It never
//! blocks the console: S3 calls happen here, results arrive as events.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::layout::{Fetched, SessionLog};
use super::s3::{Put, S3Error};
use super::status::{Mode, Participant, ShareStatus};
use super::view;
use crate::journal::entry::Entry;

/// How often a console looks for the others' entries.
pub const POLL: Duration = Duration::from_secs(2);
/// Heartbeats every this many polls; a console not heard from for
/// `GONE_AFTER` has left.
const BEAT_EVERY: u32 = 5;
const GONE_AFTER: Duration = Duration::from_secs(35);
/// Seqs lost in a row to other writers before giving the others a turn.
const MAX_TAKEN_IN_A_ROW: u32 = 32;

/// What the task tells the console.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Entries new to the shared log, in seq order (this console's own too,
    /// once uploaded).
    Merged(Vec<Entry>),
    Status(ShareStatus),
}

enum Command {
    Upload(Box<Entry>),
    /// One last pull and push; answers with how many entries still wait.
    Finish(oneshot::Sender<usize>),
}

/// Who this console is in the session.
#[derive(Debug, Clone)]
pub struct Settings {
    pub log: SessionLog,
    pub console: String,
    pub actor: String,
    pub mode: Mode,
    pub poll: Duration,
}

/// The console's end of the task.
#[derive(Debug)]
pub struct Link {
    commands: mpsc::UnboundedSender<Command>,
    events: Option<mpsc::UnboundedReceiver<Event>>,
    task: JoinHandle<()>,
}

/// A heartbeat object's body.
#[derive(Debug, Serialize, Deserialize)]
struct Beat {
    actor: String,
    console: String,
    mode: Mode,
    at: jiff::Timestamp,
}

/// Starts the task on `known` (the shared log read so far, checked) with
/// `pending` (this console's local entries not in it, in order).
pub fn spawn(settings: Settings, known: Vec<Entry>, pending: Vec<Entry>) -> Link {
    let (commands, inbox) = mpsc::unbounded_channel();
    let (events, outbox) = mpsc::unbounded_channel();
    let status = ShareStatus::new(settings.log.url.to_string(), settings.mode);
    let sync = Sync {
        settings,
        known,
        pending: pending.into(),
        status,
        sent: None,
        events,
        beats: 0,
        seen: HashMap::new(),
        finish: None,
    };
    let task = tokio::spawn(sync.run(inbox));
    Link {
        commands,
        events: Some(outbox),
        task,
    }
}

impl Link {
    /// Queues one of this console's entries (already in its local journal).
    pub fn upload(&self, entry: Entry) {
        // A task that ended has reported why; the entry is safe locally.
        let _ = self.commands.send(Command::Upload(Box::new(entry)));
    }

    /// The events, once: the console's loop owns them.
    pub fn take_events(&mut self) -> Option<mpsc::UnboundedReceiver<Event>> {
        self.events.take()
    }

    /// Tries to upload what waits, for at most `grace`; then stops the
    /// task. Returns how many entries still wait, `None` when S3 did not
    /// answer in time (they all wait in the local journal).
    pub async fn finish(self, grace: Duration) -> Option<usize> {
        let (reply, answer) = oneshot::channel();
        let _ = self.commands.send(Command::Finish(reply));
        let waited = tokio::time::timeout(grace, answer).await;
        self.task.abort();
        waited.ok().and_then(Result::ok)
    }
}

struct Sync {
    settings: Settings,
    known: Vec<Entry>,
    pending: VecDeque<Entry>,
    status: ShareStatus,
    /// The status last sent, so an unchanged one is not sent again.
    sent: Option<ShareStatus>,
    events: mpsc::UnboundedSender<Event>,
    beats: u32,
    /// Consoles whose heartbeat was read: who they are.
    seen: HashMap<String, Participant>,
    /// The console is closing: answer with what still waits.
    finish: Option<oneshot::Sender<usize>>,
}

impl Sync {
    async fn run(mut self, mut inbox: mpsc::UnboundedReceiver<Command>) {
        let mut tick = tokio::time::interval(self.settings.poll);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            let ticked = tokio::select! {
                command = inbox.recv() => match command {
                    Some(command) => {
                        self.queue(command);
                        false
                    }
                    None => return,
                },
                _ = tick.tick() => true,
            };
            self.drain(&mut inbox);
            if ticked || self.finish.is_some() {
                self.pull().await;
            }
            self.push().await;
            if ticked {
                self.beat().await;
            }
            if let Some(reply) = self.finish.take() {
                let _ = reply.send(self.pending.len());
                return;
            }
            // What was queued while S3 was waited on counts as waiting.
            self.drain(&mut inbox);
            self.publish();
        }
    }

    fn queue(&mut self, command: Command) {
        match command {
            Command::Upload(entry) => self.pending.push_back(*entry),
            Command::Finish(reply) => self.finish = Some(reply),
        }
    }

    /// Takes the commands queued now, without waiting.
    fn drain(&mut self, inbox: &mut mpsc::UnboundedReceiver<Command>) {
        while let Ok(command) = inbox.try_recv() {
            self.queue(command);
        }
    }

    fn publish(&mut self) {
        self.status.waiting = match self.settings.mode {
            Mode::Write => self.pending.len(),
            Mode::Follow => 0,
        };
        if self.sent.as_ref() != Some(&self.status) {
            self.sent = Some(self.status.clone());
            let _ = self.events.send(Event::Status(self.status.clone()));
        }
    }

    fn answered(&mut self) {
        self.status.unreachable_since = None;
        self.status.error = None;
        self.status.failing = None;
    }

    /// A call begun at `began` failed: S3 is unreachable since then.
    fn failed(&mut self, error: &S3Error, began: jiff::Timestamp) {
        self.status.unreachable_since.get_or_insert(began);
        self.status.error = Some(error.text().to_string());
        self.status.failing = match error {
            S3Error::Failed(why) => Some(why.clone()),
            S3Error::Unavailable(_) | S3Error::Denied(_) => None,
        };
    }

    /// Reads what is new in the shared log. Returns whether S3 answered.
    async fn pull(&mut self) -> bool {
        if self.status.broken.is_some() {
            return true;
        }
        let began = jiff::Timestamp::now();
        match self.settings.log.fetch_after(&self.known).await {
            Ok(Fetched::Entries(new)) => {
                self.answered();
                if !new.is_empty() {
                    let console = &self.settings.console;
                    if let Some(last) = view::last_shared(&new, console) {
                        self.pending.retain(|p| p.seq > last);
                    }
                    self.known.extend(new.iter().cloned());
                    let _ = self.events.send(Event::Merged(new));
                }
                true
            }
            Ok(Fetched::Broken(broken)) => {
                self.answered();
                self.status.broken = Some(broken.0);
                true
            }
            Err(e) => {
                self.failed(&e, began);
                false
            }
        }
    }

    /// Uploads waiting entries in order until done or S3 says no.
    async fn push(&mut self) {
        if self.settings.mode == Mode::Follow
            || self.status.denied.is_some()
            || self.status.broken.is_some()
        {
            return;
        }
        let mut taken = 0;
        while let Some(local) = self.pending.front() {
            let copy = view::shared_copy(local, &self.known, &self.settings.console);
            let began = jiff::Timestamp::now();
            match self.settings.log.append(&copy).await {
                Ok(Put::Created) => {
                    self.answered();
                    taken = 0;
                    self.pending.pop_front();
                    self.known.push(copy.clone());
                    let _ = self.events.send(Event::Merged(vec![copy]));
                }
                // Someone else wrote this seq (or an earlier try of ours
                // did): read it, and go on after it.
                Ok(Put::Taken) => {
                    taken += 1;
                    if taken > MAX_TAKEN_IN_A_ROW || !self.pull().await {
                        return;
                    }
                }
                Err(S3Error::Denied(why)) => {
                    self.status.denied = Some(why);
                    return;
                }
                Err(e) => {
                    self.failed(&e, began);
                    return;
                }
            }
        }
    }

    /// Says this console is here, and reads who else is.
    async fn beat(&mut self) {
        let due = self.beats.is_multiple_of(BEAT_EVERY);
        self.beats = self.beats.wrapping_add(1);
        if !due {
            return;
        }
        let log = &self.settings.log;
        let beat = Beat {
            actor: self.settings.actor.clone(),
            console: self.settings.console.clone(),
            mode: self.settings.mode,
            at: jiff::Timestamp::now(),
        };
        let body = serde_json::to_vec(&beat).unwrap_or_default();
        // A follower without write access is still a follower.
        let _ = log
            .bucket
            .put(&log.participant_key(&self.settings.console), body)
            .await;
        let Ok(listed) = log.bucket.list(&log.participants_prefix(), None).await else {
            return;
        };
        let now = jiff::Timestamp::now();
        let gone = jiff::SignedDuration::try_from(GONE_AFTER).unwrap_or_default();
        let mut here = Vec::new();
        for object in listed {
            let recent = object
                .modified
                .is_none_or(|at| now.duration_since(at) <= gone);
            if !recent {
                continue;
            }
            if !self.seen.contains_key(&object.key) {
                let Ok(body) = log.bucket.get(&object.key).await else {
                    continue;
                };
                let Ok(beat) = serde_json::from_slice::<Beat>(&body) else {
                    continue;
                };
                self.seen.insert(
                    object.key.clone(),
                    Participant {
                        actor: beat.actor,
                        console: beat.console,
                        mode: beat.mode,
                    },
                );
            }
            here.extend(self.seen.get(&object.key).cloned());
        }
        here.sort_by(|a, b| a.actor.cmp(&b.actor).then(a.console.cmp(&b.console)));
        self.status.participants = here;
    }
}
