//! A console's side of a shared session: what it knows of the shared log,
//! its own entries not in it yet, and what the app was last shown, so that
//! new entries are appended to the screen when they follow what it shows
//! and the screen is rebuilt when they land before this console's own.

use std::collections::HashSet;
use std::time::Duration;

use crate::app::Action;
use crate::journal::entry::{Draft, Entry, ShareDetail};
use crate::journal::share::s3::Bucket;
use crate::journal::share::sync::{self, Link};
use crate::journal::share::view::{self, Target};
use crate::journal::share::{Mode, SessionLog, ShareStatus, ShareUrl};

/// How a console takes part in a shared session (`--share`, `join`).
#[derive(Debug, Clone)]
pub struct ShareSettings {
    pub bucket: Bucket,
    /// `--share`: the prefix a new session goes under; `join`: the session.
    pub url: ShareUrl,
    pub mode: Mode,
    /// `join`: the session's entries as read when joining, checked.
    pub joined: Option<Vec<Entry>>,
    pub poll: Duration,
}

/// An entry as the app was shown it: its seq and who wrote it.
type Shown = (u64, Option<(String, u64)>);

fn shown(entry: &Entry) -> Shown {
    (
        entry.seq,
        view::identity(entry).map(|(c, s)| (c.to_string(), s)),
    )
}

pub(super) struct Shared {
    pub link: Link,
    pub console: String,
    /// The session, `s3://bucket/prefix/session`.
    pub url: ShareUrl,
    pub mode: Mode,
    /// The shared log as read so far.
    shared: Vec<Entry>,
    /// This console's local entries not in it yet, in order.
    pending: Vec<Entry>,
    shown: Vec<Shown>,
    /// Steps this console's source has run: each runs once, whoever
    /// started it and however often the screen is rebuilt.
    pub ran: HashSet<String>,
    /// The task's last status, and the header's line as last shown.
    status: Option<ShareStatus>,
    line: String,
}

impl Shared {
    /// Starts the share's task on the log read so far and this console's
    /// local entries; returns the link and what the app shows first.
    pub fn start(
        settings: &ShareSettings,
        url: ShareUrl,
        console: String,
        actor: String,
        known: Vec<Entry>,
        local: &[Entry],
    ) -> (Self, Action) {
        let pending = view::not_shared(local, &known, &console);
        let link = sync::spawn(
            sync::Settings {
                log: SessionLog::new(settings.bucket.clone(), url.clone()),
                console: console.clone(),
                actor,
                mode: settings.mode,
                poll: settings.poll,
            },
            known.clone(),
            pending.clone(),
        );
        let mut shared = Self {
            link,
            console,
            url,
            mode: settings.mode,
            shared: known,
            pending,
            shown: Vec::new(),
            ran: HashSet::new(),
            status: None,
            line: String::new(),
        };
        let first = shared.view();
        shared.shown = first.iter().map(shown).collect();
        (shared, Action::Rebuilt(first))
    }

    fn view(&self) -> Vec<Entry> {
        view::merged(&self.shared, &self.pending, &self.console)
    }

    /// Stamps a draft before the local journal writes it: this console's
    /// id (and the session, on the journal's first entry), and its undo
    /// target as the journal records it.
    pub fn stamp(&self, draft: &mut Draft, first: bool) {
        let mut detail = ShareDetail {
            console: self.console.clone(),
            session: first.then(|| self.url.to_string()),
            ..ShareDetail::default()
        };
        if let Some(seq) = draft.undoes {
            match view::target(seq, &self.shared, &self.pending) {
                Some(Target::Shared(seq)) => draft.undoes = Some(seq),
                Some(Target::Own(local)) => {
                    draft.undoes = None;
                    detail.undoes_local = Some(local);
                }
                None => {}
            }
        }
        draft.share = Some(detail);
    }

    /// This console wrote `local`: it goes to the task, and the app is
    /// shown it as the entry after everything shown.
    pub fn wrote(&mut self, local: Entry) -> Entry {
        self.link.upload(local.clone());
        self.pending.push(local.clone());
        let last = self.pending.len().saturating_sub(1);
        let entry =
            view::pending_shown(&self.shared, &self.pending, last, &self.console).unwrap_or(local);
        self.shown.push(shown(&entry));
        entry
    }

    /// Entries new to the shared log: what the app should do with them.
    pub fn merged(&mut self, new: Vec<Entry>) -> Action {
        if let Some(last) = view::last_shared(&new, &self.console) {
            self.pending.retain(|p| p.seq > last);
        }
        self.shared.extend(new);
        let view = self.view();
        let now: Vec<Shown> = view.iter().map(shown).collect();
        let follows = now.len() >= self.shown.len() && now[..self.shown.len()] == self.shown[..];
        let action = match follows {
            true => Action::Merged(view[self.shown.len()..].to_vec()),
            false => Action::Rebuilt(view),
        };
        self.shown = now;
        action
    }

    /// The task reported its status.
    pub fn reported(&mut self, status: ShareStatus) {
        self.status = Some(status);
    }

    /// The header's line as of `now`, when it changed: what waits is this
    /// console's count (the task may be busy with a call S3 does not
    /// answer), and how long S3 has not answered grows by the second.
    pub fn line(&mut self, now: jiff::Timestamp) -> Option<Action> {
        let mut status = self.status.clone()?;
        if status.mode == Mode::Write {
            status.waiting = self.pending.len();
        }
        let line = status.describe(now);
        if line == self.line {
            return None;
        }
        self.line.clone_from(&line);
        Some(Action::Shared { status, line })
    }

    /// Whether the latest step resolution shown is this console's: the
    /// console that resolved the last step writes the completion.
    pub fn resolved_last(&self, log: &[Entry]) -> bool {
        use crate::journal::entry::EntryKind;
        log.iter()
            .rev()
            .find(|e| matches!(e.kind, EntryKind::Confirmed | EntryKind::Skipped))
            .is_some_and(|e| self.is_own(e))
    }

    pub fn is_own(&self, entry: &Entry) -> bool {
        view::identity(entry).is_some_and(|(writer, _)| writer == self.console)
    }
}
