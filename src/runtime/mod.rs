//! Carries out the app's effects: journal writes (fsync'd before the app
//! hears of them), telling the source about confirmations, refreshes. The
//! terminal loop and the tests drive the console through `dispatch`.

mod shared;

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;

pub use shared::ShareSettings;
use shared::Shared;

use crate::app::{Action, App, Effect};
use crate::clock::Clock;
use crate::drill::DrillAction;
use crate::journal::entry::{Draft, DrillDetail, Entry, EntryKind};
use crate::journal::export;
use crate::journal::share::sync::Event as ShareEvent;
use crate::journal::share::{self, Mode};
use crate::journal::store::{Journal, SessionMeta};
use crate::runbook::reference::RunbookRef;
use crate::sources::Source;
use crate::sources::poller::{Poller, Updates};
use crate::switch::{Build, Switched, Switcher};

/// Where and as whom the session is journaled.
#[derive(Debug, Clone)]
pub struct JournalSettings {
    pub dir: PathBuf,
    pub actor: String,
    /// Continue the latest unfinished session of this runbook and scenario.
    pub resume: bool,
    /// What the runbook argument named, journaled at the session's start.
    pub runbook_ref: Option<RunbookRef>,
    /// A shared session to start, resume or join.
    pub share: Option<ShareSettings>,
}

type TerminalWriter = Box<dyn FnMut(&str) + Send>;

pub struct Session {
    pub app: App,
    source: Arc<dyn Source>,
    settings: JournalSettings,
    journal: Option<Journal>,
    refresh: Option<Box<dyn Fn() + Send>>,
    /// Where terminal requests (the OSC 52 clipboard) are written.
    terminal: Option<TerminalWriter>,
    pub exit: bool,
    /// Warnings met while opening the journal (a torn last line, …).
    pub warnings: Vec<String>,
    /// Why the session to resume could not be opened (another console holds
    /// it, …); nothing is journaled then.
    refused: Option<String>,
    /// Builds a source for another AWS profile or region.
    switcher: Option<Switcher>,
    /// A switch asked for, for the loop to await (`take_switch`).
    switch: Option<Build>,
    /// The shared session this console takes part in, once begun.
    share: Option<Shared>,
    /// What the share's task reports, for the loop to take.
    share_events: Option<tokio::sync::mpsc::UnboundedReceiver<ShareEvent>>,
}

/// The poller of the live source and the updates it sends: the console's
/// loop owns them, and replaces both when the source is switched.
pub struct Polling {
    pub poller: Arc<Poller>,
    pub updates: Updates,
}

/// A started session with its poller: the console and the end-to-end tests
/// both begin here. Dropping the poller stops the polling tasks.
pub struct Launched {
    pub session: Session,
    /// The latest poll result of each kind, not yet taken.
    pub updates: Updates,
    pub poller: Arc<Poller>,
}

pub fn launch(
    app: App,
    source: Arc<dyn Source>,
    clock: Clock,
    settings: JournalSettings,
) -> Launched {
    let mut session = Session::new(app, source.clone(), settings);
    // Begin first: a drill's world is staged (or rebuilt from its journal)
    // before the first poll reads it.
    session.start();
    let (poller, updates) = Poller::spawn(source, clock);
    let poller = Arc::new(poller);
    let refresher = poller.clone();
    session.on_refresh(move || refresher.refresh_now());
    Launched {
        session,
        updates,
        poller,
    }
}

impl Session {
    pub fn new(mut app: App, source: Arc<dyn Source>, settings: JournalSettings) -> Self {
        // Entries of other operators are attributed on screen.
        app.set_operator(settings.actor.clone());
        Self {
            app,
            source,
            settings,
            journal: None,
            refresh: None,
            terminal: None,
            exit: false,
            warnings: Vec::new(),
            refused: None,
            switcher: None,
            switch: None,
            share: None,
            share_events: None,
        }
    }

    /// What builds the source `:profile` and `:region` switch to: only
    /// a console on AWS has one.
    pub fn on_switch(&mut self, switcher: Switcher) {
        self.switcher = Some(switcher);
    }

    /// The build of the switch last asked for, once: the loop awaits it
    /// and hands the result to `switched`. A newer switch replaces an
    /// older one not yet taken.
    pub fn take_switch(&mut self) -> Option<Build> {
        self.switch.take()
    }

    /// A build finished. On success its source replaces the polled one: a
    /// new poller (the old one dropped, its tasks stopped), `r` refreshing
    /// it, the app's live state cleared and the switch journaled. On
    /// failure the old source runs on and the footer says why.
    pub fn switched(&mut self, polling: &mut Polling, switched: Switched, clock: Clock) {
        let Switched { target, result } = switched;
        let source = match result {
            Ok(source) => source,
            Err(why) => return self.dispatch(Action::SourceSwitched(Err((target, why)))),
        };
        let (poller, updates) = Poller::spawn(source.clone(), clock);
        let poller = Arc::new(poller);
        let refresher = poller.clone();
        self.on_refresh(move || refresher.refresh_now());
        // The refresher held the only other handle: the old poller goes here.
        *polling = Polling { poller, updates };
        self.source = source;
        self.dispatch(Action::SourceSwitched(Ok(target)));
    }

    /// What `r` calls: the poller's refresh.
    pub fn on_refresh(&mut self, refresh: impl Fn() + Send + 'static) {
        self.refresh = Some(Box::new(refresh));
    }

    /// What writes the app's terminal requests: the console's terminal.
    pub fn on_terminal(&mut self, write: impl FnMut(&str) + Send + 'static) {
        self.terminal = Some(Box::new(write));
    }

    /// Why resuming was refused, if it was: the console stops here when the
    /// scenario came from the command line.
    pub fn refused(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    pub fn journal_path(&self) -> Option<PathBuf> {
        self.journal.as_ref().map(|j| j.path().to_path_buf())
    }

    /// Runs the app's start effects (begins the session when the scenario was given).
    pub fn start(&mut self) {
        let effects = self.app.start();
        self.run(effects);
    }

    pub fn dispatch(&mut self, action: Action) {
        // "S3 unreachable for 40s" counts on between the task's reports.
        if matches!(action, Action::Tick(_)) {
            self.share_line();
        }
        let effects = self.app.update(action);
        self.run(effects);
    }

    /// Shows the share's line if it changed (wall time: a drill's clock
    /// may run faster or stand still).
    fn share_line(&mut self) {
        let line = self
            .share
            .as_mut()
            .and_then(|s| s.line(jiff::Timestamp::now()));
        if let Some(action) = line {
            self.app.update(action);
        }
    }

    fn run(&mut self, effects: Vec<Effect>) {
        let mut queue = VecDeque::from(effects);
        while let Some(effect) = queue.pop_front() {
            let next = match effect {
                Effect::Begin { scenario } => self.begin(&scenario),
                Effect::Append(draft) => self.append(draft),
                Effect::StepRun(step, at) => {
                    let first = self
                        .share
                        .as_mut()
                        .is_none_or(|s| s.ran.insert(step.id.clone()));
                    if first {
                        self.source.step_run(&step, at);
                    }
                    Vec::new()
                }
                Effect::Refresh => {
                    if let Some(refresh) = &self.refresh {
                        refresh();
                    }
                    Vec::new()
                }
                Effect::Terminal(bytes) => {
                    if let Some(write) = &mut self.terminal {
                        write(&bytes);
                    }
                    Vec::new()
                }
                Effect::Drill(action) => self.drill(&action),
                Effect::Export => {
                    self.export();
                    Vec::new()
                }
                Effect::SwitchSource(target) => match &self.switcher {
                    Some(build) => {
                        self.switch = Some(build(target));
                        Vec::new()
                    }
                    None => self.app.update(Action::SourceSwitched(Err((
                        target,
                        "this console cannot switch its source".into(),
                    )))),
                },
                Effect::Exit => {
                    self.exit = true;
                    Vec::new()
                }
            };
            queue.extend(next);
        }
    }

    /// The operator quits from outside the app (a signal, by name): record
    /// the pause, unless the session is already complete.
    pub fn pause_and_exit(&mut self, signal: &str) {
        if self.journal.is_some() && !self.app.is_complete() {
            let mut draft = self.app.draft(EntryKind::SessionPaused);
            draft.note = Some(format!("terminated by {signal}"));
            let effects = self.append(draft);
            self.run(effects);
        }
        self.exit = true;
    }

    /// Opens the journal: the latest unfinished session when resuming, else
    /// a new file; then records the start.
    fn begin(&mut self, scenario: &str) -> Vec<Effect> {
        // A switch of scenario: the paused session's journal is let go.
        self.journal = None;
        if let Some(settings) = self.settings.share.clone() {
            return self.begin_shared(scenario, &settings);
        }
        let meta = SessionMeta {
            runbook: self.app.runbook().name.clone(),
            scenario: scenario.to_string(),
            actor: self.settings.actor.clone(),
            drill: self.source.is_simulated(),
        };
        let mut effects = Vec::new();
        let mut kind = EntryKind::SessionStarted;
        if self.settings.resume {
            match Journal::resume(&self.settings.dir, meta.clone()) {
                Ok(Some((journal, read))) => {
                    self.warnings.extend(read.warnings);
                    self.journal = Some(journal);
                    // The world as it stood: before the steps replay into it,
                    // and the console's clock where the journal stopped.
                    if let Some(at) = self.source.drill_resume(scenario, &read.entries) {
                        self.app.update(Action::Tick(at));
                    }
                    effects.extend(self.app.update(Action::Replayed(read.entries)));
                    kind = EntryKind::SessionResumed;
                }
                Ok(None) => self.warnings.push(format!(
                    "no unfinished session of {scenario} to resume; starting a new one"
                )),
                // Starting a new session instead would fork the incident's
                // record: refuse, show why, write nothing.
                Err(e) => {
                    let reason = e.to_string();
                    self.app.show_message(reason.clone());
                    self.warnings.push(reason.clone());
                    self.refused = Some(reason);
                    return Vec::new();
                }
            }
        }
        if self.journal.is_none()
            && let Err(failed) = self.create_journal(meta)
        {
            return failed;
        }
        // A simulated world stages the scenario's drill from now on (a
        // resumed one was rebuilt from its journal above).
        if kind == EntryKind::SessionStarted {
            self.source.scenario_began(scenario);
        }
        let status = self.source.drill_status(scenario);
        let draft = self.opening(kind, scenario, status.as_ref());
        self.app.set_drill(status);
        effects.extend(self.append(draft));
        // Shown on screen too: "nothing to resume", a torn last line, …
        if !self.warnings.is_empty() {
            self.app.show_message(self.warnings.join("; "));
        }
        effects
    }

    /// What `log export` writes for this session, as Markdown next to its
    /// journal; the footer says where, or why not.
    fn export(&mut self) {
        let message = match self.journal_path() {
            None => "no journal is open: nothing to export".to_string(),
            Some(journal) => {
                let out = journal.with_extension("md");
                // A shared session's record is the shared log, not this
                // console's own entries.
                let entries = match &self.share {
                    Some(_) => Ok(self.app.log().to_vec()),
                    None => crate::journal::store::read(&journal).map(|r| r.entries),
                };
                let written = entries.and_then(|entries| {
                    let text = export::markdown(&entries, Some(self.app.runbook()));
                    std::fs::write(&out, text)
                });
                match written {
                    Ok(()) => format!("exported to {}", out.display()),
                    Err(e) => format!("cannot export to {}: {e}", out.display()),
                }
            }
        };
        self.app.show_message(message);
    }

    /// Begins a shared session: a new one under `--share`'s prefix, this
    /// operator's resumed one (`--resume`), or the one `join` read. The
    /// local journal takes this console's entries first; the share's task
    /// uploads them and brings the others'.
    fn begin_shared(&mut self, scenario: &str, settings: &ShareSettings) -> Vec<Effect> {
        let meta = SessionMeta {
            runbook: self.app.runbook().name.clone(),
            scenario: scenario.to_string(),
            actor: self.settings.actor.clone(),
            drill: self.source.is_simulated(),
        };
        let follow = settings.mode == Mode::Follow;
        let known = settings.joined.clone().unwrap_or_default();
        // The local journal and what it holds: this console's own entries.
        let opened = match (&settings.joined, follow) {
            (_, true) => Ok(None),
            (Some(_), false) => {
                Journal::resume_shared(&self.settings.dir, &settings.url.to_string(), meta.clone())
            }
            (None, false) if self.settings.resume => {
                Journal::resume(&self.settings.dir, meta.clone())
            }
            (None, false) => Ok(None),
        };
        let (journal, local) = match opened {
            Ok(Some((journal, read))) => {
                self.warnings.extend(read.warnings);
                (Some(journal), read.entries)
            }
            Ok(None) => {
                if self.settings.resume && settings.joined.is_none() {
                    self.warnings.push(format!(
                        "no unfinished session of {scenario} to resume; starting a new shared one"
                    ));
                }
                (None, Vec::new())
            }
            Err(e) => return self.refuse(e.to_string()),
        };
        let resumed = journal.is_some();
        // Which session and which console: a resumed journal says (its
        // first entry); else a joined session, or a new one.
        let stamp = local
            .first()
            .and_then(|e| e.share.as_ref())
            .and_then(|d| Some((d.session.clone()?, d.console.clone())));
        let (url, console) = match (resumed, stamp) {
            (true, Some((session, console))) => match share::ShareUrl::parse(&session) {
                Ok(url) => (url, console),
                Err(why) => return self.refuse(why),
            },
            (true, None) => {
                return self.refuse(format!(
                    "the session to resume was not shared: resume it without --share \
                     (or start a new shared session without --resume) ({})",
                    journal
                        .as_ref()
                        .map_or_else(String::new, |j| j.path().display().to_string())
                ));
            }
            (false, _) => {
                let console = share::new_console_id(&self.settings.actor);
                let url = match settings.joined {
                    Some(_) => settings.url.clone(),
                    None => settings.url.child(&share::layout::session_name(
                        &meta.runbook,
                        scenario,
                        self.app.now(),
                        &console,
                    )),
                };
                (url, console)
            }
        };
        self.journal = journal;
        if self.journal.is_none()
            && !follow
            && let Err(failed) = self.create_journal(meta)
        {
            return failed;
        }
        // The simulated world as the session's entries have it.
        let world_at = match (&settings.joined, resumed) {
            (Some(_), _) => self.source.drill_join(scenario, &known),
            (None, true) => self.source.drill_resume(scenario, &local),
            (None, false) => {
                self.source.scenario_began(scenario);
                None
            }
        };
        if let Some(at) = world_at {
            self.app.update(Action::Tick(at));
        }
        let status = self.source.drill_status(scenario);
        self.app.set_drill(status.clone());
        let (mut shared, first) = Shared::start(
            settings,
            url,
            console,
            self.settings.actor.clone(),
            known,
            &local,
        );
        self.share_events = shared.link.take_events();
        // Steps already run into the world (rebuilt above) run no more.
        let mut effects = Vec::new();
        for effect in self.app.update(first) {
            match effect {
                Effect::StepRun(step, at) if shared.ran.insert(step.id.clone()) => {
                    // A new session's world runs steps as they come; a
                    // rebuilt one is given them here, once.
                    self.source.step_run(&step, at);
                }
                Effect::StepRun(..) => {}
                other => effects.push(other),
            }
        }
        self.share = Some(shared);
        if !follow {
            let kind = match (resumed, &settings.joined) {
                (true, _) => EntryKind::SessionResumed,
                (false, Some(_)) => EntryKind::Joined,
                (false, None) => EntryKind::SessionStarted,
            };
            let draft = self.opening(kind, scenario, status.as_ref());
            effects.extend(self.append(draft));
        }
        if !self.warnings.is_empty() {
            self.app.show_message(self.warnings.join("; "));
        }
        effects
    }

    /// A new journal file for the session; when it cannot be created, what
    /// the app does about it (nothing is journaled).
    fn create_journal(&mut self, meta: SessionMeta) -> Result<(), Vec<Effect>> {
        match Journal::create(&self.settings.dir, meta, self.app.now()) {
            Ok(journal) => {
                self.journal = Some(journal);
                Ok(())
            }
            Err(e) => Err(self.app.update(Action::JournalFailed(format!(
                "cannot create a journal in {}: {e}",
                self.settings.dir.display()
            )))),
        }
    }

    /// The entry that opens (or resumes, or joins) a session: the drill
    /// staged, the runbook as given, and what the console sees, since
    /// opening the console declares the incident.
    fn opening(
        &self,
        kind: EntryKind,
        scenario: &str,
        drill: Option<&crate::drill::DrillStatus>,
    ) -> Draft {
        let mut draft = Draft::new(self.app.now(), kind);
        draft.scenario = Some(scenario.to_string());
        draft.drill_detail = drill.map(|s| DrillDetail {
            name: Some(s.name.clone()),
            ..DrillDetail::default()
        });
        draft.runbook_ref = self.settings.runbook_ref.clone();
        draft.evidence = Some(self.app.live_evidence());
        draft
    }

    /// Why the session cannot begin: shown, kept for the command, nothing written.
    fn refuse(&mut self, reason: String) -> Vec<Effect> {
        self.app.show_message(reason.clone());
        self.warnings.push(reason.clone());
        self.refused = Some(reason);
        Vec::new()
    }

    /// What the share's task reports, once: the console's loop owns it.
    pub fn take_share_events(
        &mut self,
    ) -> Option<tokio::sync::mpsc::UnboundedReceiver<ShareEvent>> {
        self.share_events.take()
    }

    /// One report of the share's task: new shared entries (merged into the
    /// screen, another console's drill actions followed), or its status.
    pub fn share_event(&mut self, event: ShareEvent) {
        let Some(share) = self.share.as_mut() else {
            return;
        };
        let new = match event {
            ShareEvent::Status(status) => {
                share.reported(status);
                return self.share_line();
            }
            ShareEvent::Merged(new) => new,
        };
        let others: Vec<Entry> = new
            .iter()
            .filter(|e| !share.is_own(e))
            .filter(|e| matches!(e.kind, EntryKind::Injected | EntryKind::ClockChanged))
            .cloned()
            .collect();
        let action = share.merged(new);
        for entry in &others {
            self.source.drill_follow(entry);
            let detail = entry.drill_detail.clone().unwrap_or_default();
            self.app.drill_changed(&crate::drill::DrillChange {
                speed: detail.speed,
                fault: detail.fault,
                text: format!(
                    "{}: {}",
                    entry.actor,
                    entry.note.clone().unwrap_or_default()
                ),
            });
        }
        self.dispatch(action);
        self.share_line();
        // Every step resolved, no completion yet: the console that
        // resolved the last one writes it.
        let due = self.app.completion_due()
            && self
                .share
                .as_ref()
                .is_some_and(|s| s.resolved_last(self.app.log()));
        if due {
            let effects = self.append(self.app.draft(EntryKind::SessionCompleted));
            self.run(effects);
        }
    }

    /// On the way out: what waits is uploaded if S3 answers within
    /// `grace`. Says how the share was left, for the terminal.
    pub async fn finish_share(&mut self, grace: std::time::Duration) -> Option<String> {
        let share = self.share.take()?;
        if share.mode == Mode::Follow {
            share.link.finish(std::time::Duration::ZERO).await;
            return None;
        }
        let url = share.url.to_string();
        Some(match share.link.finish(grace).await {
            Some(0) => format!("share: every entry is in {url}"),
            Some(n) => format!(
                "share: {n} entries are not in {url} yet (they are in the local journal); \
                 `drconsole join {url}` uploads them"
            ),
            None => format!(
                "share: S3 did not answer; entries not yet in {url} are in the local journal, \
                 and `drconsole join {url}` uploads them"
            ),
        })
    }

    /// A drill that just completed, scored: the entry that says how it went.
    fn scored(&self) -> Option<Draft> {
        let drill = crate::drill::find(&self.app.drill()?.name).ok()?;
        let card = crate::drill::score::score(self.app.log(), &drill, self.app.runbook());
        let mut draft = self.app.draft(EntryKind::DrillScored);
        draft.note = Some(card.summary());
        Some(draft)
    }

    /// A facilitator's action: the source carries it out, the journal
    /// records it (drill and wall time), the header follows.
    fn drill(&mut self, action: &DrillAction) -> Vec<Effect> {
        match self.source.drill_control(action) {
            Ok(change) => {
                self.app.drill_changed(&change);
                // A new speed polls at a new pace: start it now.
                if change.speed.is_some()
                    && let Some(refresh) = &self.refresh
                {
                    refresh();
                }
                let kind = match change.fault {
                    Some(_) => EntryKind::Injected,
                    None => EntryKind::ClockChanged,
                };
                let mut draft = self.app.draft(kind);
                draft.note = Some(change.text);
                draft.drill_detail = Some(DrillDetail {
                    fault: change.fault,
                    speed: change.speed,
                    ..DrillDetail::default()
                });
                self.append(draft)
            }
            Err(why) => {
                self.app.show_message(why);
                Vec::new()
            }
        }
    }

    fn append(&mut self, mut draft: Draft) -> Vec<Effect> {
        // Simulated time can be paused or sped up: keep the wall clock too.
        if self.source.is_simulated() {
            draft
                .drill_detail
                .get_or_insert_with(DrillDetail::default)
                .wall = Some(jiff::Timestamp::now());
        }
        if let Some(share) = &self.share {
            if share.mode == Mode::Follow {
                return Vec::new();
            }
            let first = self.journal.as_ref().and_then(|j| j.next_seq()) == Some(1);
            share.stamp(&mut draft, first);
        }
        let Some(journal) = self.journal.as_mut() else {
            return self
                .app
                .update(Action::JournalFailed("no journal is open".into()));
        };
        match journal.append(draft) {
            Ok(entry) => {
                let entry = match self.share.as_mut() {
                    Some(share) => share.wrote(entry),
                    None => entry,
                };
                self.share_line();
                let completed = entry.kind == EntryKind::SessionCompleted;
                let mut effects = self.app.update(Action::Journaled(entry));
                if completed && let Some(draft) = self.scored() {
                    effects.extend(self.append(draft));
                }
                effects
            }
            Err(e) => self.app.update(Action::JournalFailed(e.to_string())),
        }
    }
}
