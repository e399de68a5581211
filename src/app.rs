//! The console's state and its one update function. No I/O here: input,
//! clock ticks, live data and journal results come in as `Action`s; what
//! must happen outside (journal writes, telling the source, quitting) goes
//! out as `Effect`s. A step only shows done once its journal entry is back.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use jiff::Timestamp;

use crate::clipboard;
use crate::domain::health::{Limits, newest_completed_age};
use crate::domain::rpo::{self, RpoEstimate};
use crate::domain::snapshot::LiveState;
use crate::domain::summary::state_lines;
use crate::domain::verify::{Evidence, Outcome, VerifyContext, evaluate};
use crate::drill::{DrillAction, DrillChange, DrillStatus};
use crate::journal::entry::{Draft, Entry, EntryEvidence, EntryKind};
use crate::keys::{BINDINGS, Command, Keymap};
use crate::palette::{self, PaletteState};
use crate::runbook::duration::{HumanDuration, MAX, TOO_LONG, earlier, secs_between};
use crate::runbook::model::{Runbook, Scenario, Step};
use crate::sources::SourceUpdate;
use crate::switch::SourceTarget;
use crate::ui::presenter::Presenter;
use crate::ui::theme::{BUILTIN as BUILTIN_THEMES, Theme};
use crate::ui::view::{
    AlarmsView, BackupsView, ChecklistView, EcsView, FooterView, FrameView, HeaderView, LogView,
    PopupView, RdsView,
};

/// The panes, in focus order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Checklist,
    Rds,
    Backups,
    Ecs,
    Alarms,
    Log,
}

impl Pane {
    pub const ALL: [Pane; 6] = [
        Pane::Checklist,
        Pane::Rds,
        Pane::Backups,
        Pane::Ecs,
        Pane::Alarms,
        Pane::Log,
    ];
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0)
    }
    fn step(self, by: isize) -> Pane {
        let n = Self::ALL.len() as isize;
        Self::ALL[(self.index() as isize + by).rem_euclid(n) as usize]
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prompt {
    /// Reason for skipping the step at this index.
    Skip(usize),
    Note,
    /// When the incident began: empty for now, "-25m", "02:10", RFC 3339.
    Declare,
}

impl Prompt {
    /// What the prompt takes, shown with its error when a value is refused.
    pub fn accepts(&self) -> &'static str {
        match self {
            Self::Skip(_) => "any text saying why the step is skipped",
            Self::Note => "any text",
            Self::Declare => {
                "empty for now; -25m or 25m ago; 02:10 or 02:10:30 (UTC, today or else \
                 yesterday); an RFC 3339 time such as 2026-03-14T01:30:00Z"
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// Choosing the scenario; nothing is journaled yet.
    Picker {
        selected: usize,
    },
    Normal,
    Input {
        prompt: Prompt,
        text: String,
        /// Why the last Enter was refused; cleared when the text is edited.
        error: Option<String>,
    },
    /// The step's check is not met: confirm anyway?
    ConfirmAgainst {
        step: usize,
    },
    ConfirmQuit,
    /// The keys overlay, scrolled this many rows.
    Help {
        scroll: usize,
    },
    /// Whether the environment allows the scenario now, re-judged live.
    Readiness,
    /// The `:` command palette.
    Palette(PaletteState),
    /// Typing the filter of this pane (it filters as it is typed).
    Filter(Pane),
}

/// A step's standing state: in a shared session, the first resolution in
/// the log not undone (a later one is a duplicate, shown as already done).
#[derive(Debug, Clone, PartialEq)]
pub enum StepStatus {
    Pending,
    Confirmed {
        seq: u64,
        at: Timestamp,
        /// The operator whose entry it is.
        actor: String,
        against_evidence: bool,
    },
    Skipped {
        seq: u64,
        at: Timestamp,
        actor: String,
        reason: String,
    },
}

impl StepStatus {
    pub fn seq(&self) -> Option<u64> {
        match self {
            Self::Pending => None,
            Self::Confirmed { seq, .. } | Self::Skipped { seq, .. } => Some(*seq),
        }
    }
    /// Who resolved the step, if it is resolved.
    pub fn actor(&self) -> Option<&str> {
        match self {
            Self::Pending => None,
            Self::Confirmed { actor, .. } | Self::Skipped { actor, .. } => Some(actor),
        }
    }
    fn resolved_at(&self) -> Option<Timestamp> {
        match self {
            Self::Pending => None,
            Self::Confirmed { at, .. } | Self::Skipped { at, .. } => Some(*at),
        }
    }
    pub fn is_pending(&self) -> bool {
        matches!(self, Self::Pending)
    }
}

/// When a step was started, and by whom.
#[derive(Debug, Clone, PartialEq)]
pub struct Started {
    pub at: Timestamp,
    pub actor: String,
}

/// The standing resolution a duplicate `confirmed` or `skipped` entry met:
/// the log shows the duplicate as already done by it.
#[derive(Debug, Clone, PartialEq)]
pub struct AlreadyDone {
    pub seq: u64,
    pub actor: String,
}

// Actions are handled one at a time as they arrive; boxing the journal
// entry would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Key(KeyEvent),
    /// A mouse click landed on this step of the checklist.
    SelectStep(usize),
    Tick(Timestamp),
    Source(SourceUpdate),
    /// The journal accepted an entry (fsync'd), or a resumed session replays one.
    Journaled(Entry),
    Replayed(Vec<Entry>),
    /// A shared session's entries new to this console, after those shown.
    Merged(Vec<Entry>),
    /// A shared session's log as it now reads, in place of what was shown
    /// (another console's entries landed before this one's own).
    Rebuilt(Vec<Entry>),
    /// How the shared session stands, and the header's line for it.
    Shared {
        status: crate::journal::share::ShareStatus,
        line: String,
    },
    JournalFailed(String),
    Resize,
    /// The live source now reads this profile and region (its poller
    /// replaced), or could not be built for it (the old one runs on).
    SourceSwitched(Result<SourceTarget, (SourceTarget, String)>),
}

// Effects, like actions, are carried out one at a time as they come.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Open the journal for this scenario (new, or resumed) and start the session.
    Begin {
        scenario: String,
    },
    Append(Draft),
    /// The operator ran this step's commands (started or confirmed it): a
    /// simulated world reacts, a real one is only watched.
    StepRun(Step, Timestamp),
    Refresh,
    /// Write these bytes to the terminal: an OSC 52 clipboard request.
    Terminal(String),
    /// Export the session as Markdown next to its journal.
    Export,
    /// A facilitator's action on the drill (pause, speed, inject).
    Drill(DrillAction),
    /// Build a live source for this profile and region; the result comes
    /// back as `Action::SourceSwitched`.
    SwitchSource(SourceTarget),
    Exit,
}

/// How the console was started: what the header shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Origin {
    pub source: String,
    pub simulated: bool,
}

/// The console's state. Private: panes draw from `view`, tests read it
/// through the accessors below.
#[derive(Debug, Clone)]
pub struct App {
    runbook: Runbook,
    origin: Origin,
    limits: Limits,
    now: Timestamp,
    live: LiveState,
    scenario: Option<usize>,
    incident_start: Option<Timestamp>,
    /// The RPO estimate recorded when the incident was declared.
    declared_rpo: Option<RpoEstimate>,
    /// What a recovery started now would lose, re-estimated with the live state.
    rpo_now: Option<RpoEstimate>,
    /// The API health of the primary and DR regions, likewise.
    region_health: Vec<crate::domain::regions::RegionHealth>,
    /// Age in seconds of the newest completed recovery point, likewise.
    newest_backup_age: Option<u64>,
    statuses: Vec<StepStatus>,
    /// Every resolution of each step in log order, undone or not: the
    /// status is the first not undone, so an undo can uncover a later one.
    resolutions: Vec<Vec<StepStatus>>,
    /// The seqs of resolutions taken back by an `undone` entry.
    undone: std::collections::BTreeSet<u64>,
    /// seq of a duplicate resolution → the one standing when it arrived.
    already_done: std::collections::BTreeMap<u64, AlreadyDone>,
    /// This console's operator: entries of others are attributed on screen.
    /// `None` attributes nothing.
    operator: Option<String>,
    /// The seq of the standing `session_completed` entry, once every step is resolved.
    completed: Option<u64>,
    /// When each step was first started (`x`), and by whom, if it was.
    started: Vec<Option<Started>>,
    /// The live check of each step, re-judged on every new snapshot and tick.
    evidence: Vec<Option<Evidence>>,
    /// The whole second of the last tick: ticks faster than seconds (a
    /// sped-up drill) dirty the screen only when it changes.
    ticked_second: Option<i64>,
    log: Vec<Entry>,
    selected: usize,
    focus: Pane,
    zoomed: bool,
    scroll: [usize; 6],
    mode: Mode,
    /// One line for the operator: a journal failure, "nothing to undo", …
    message: Option<String>,
    /// The readiness overlay's content, re-judged while it is open.
    readiness_view: Option<crate::domain::readiness::Readiness>,
    /// Commands run from the palette this session, oldest first.
    history: Vec<String>,
    /// Each pane's row filter, in `Pane::ALL` order; empty shows all rows.
    filters: [String; 6],
    /// A theme chosen in the palette, over the one the console started with.
    theme: Option<(&'static str, Theme)>,
    /// The scenario to begin once the current session's pause is journaled.
    switching: Option<usize>,
    /// The keys in effect (the config file's remaps over the table).
    keymap: Keymap,
    /// The drill the simulated world is staging, if any.
    drill: Option<DrillStatus>,
    /// The AWS profile the live source reads (`None`: the default chain).
    profile: Option<String>,
    /// What `:profile` completes: the shared files' profiles.
    profiles: Vec<String>,
    /// What `:region` completes: the regions the runbook names.
    named_regions: Vec<String>,
    /// "switching to …" while a new source is built.
    switching_source: Option<String>,
    /// Presenter mode (`--presenter`): see `ui::presenter`.
    presenter: bool,
    /// A shared session's state and the header's line for it.
    share: Option<(crate::journal::share::ShareStatus, String)>,
    /// Following a shared session (`join --follow`): nothing is written.
    following: bool,
    /// The session is shared (`--share`, `join`): its scenario stays.
    shared_session: bool,
    dirty: bool,
}

impl App {
    /// The drill being staged, shown in the header.
    pub fn set_drill(&mut self, drill: Option<DrillStatus>) {
        self.drill = drill;
        self.dirty = true;
    }

    /// The facilitator changed the drill: the header shows the new speed,
    /// the footer what happened.
    pub fn drill_changed(&mut self, change: &DrillChange) {
        if let (Some(drill), Some(speed)) = (self.drill.as_mut(), change.speed) {
            drill.speed = speed;
        }
        self.message = Some(change.text.clone());
        self.dirty = true;
    }

    /// The drill being staged, if any.
    pub fn drill(&self) -> Option<&DrillStatus> {
        self.drill.as_ref()
    }

    /// Takes the keys in effect (the config file's remaps).
    pub fn with_keymap(mut self, keymap: Keymap) -> Self {
        self.keymap = keymap;
        self
    }

    /// Only watches a shared session: every key that would write says so.
    pub fn following(mut self, on: bool) -> Self {
        self.following = on;
        self
    }

    /// Takes part in a shared session, whose scenario cannot be switched.
    pub fn shared(mut self, on: bool) -> Self {
        self.shared_session = on;
        self
    }

    /// Draws in presenter mode, for a projector.
    pub fn with_presenter(mut self, on: bool) -> Self {
        self.presenter = on;
        self
    }

    pub fn new(runbook: Runbook, origin: Origin, now: Timestamp, scenario: Option<&str>) -> Self {
        let limits = Limits::from_runbook(&runbook);
        let index = scenario.and_then(|id| runbook.scenarios.iter().position(|s| s.id == id));
        let named_regions = runbook
            .environment
            .all_regions()
            .into_iter()
            .map(String::from)
            .collect();
        let mut app = Self {
            runbook,
            origin,
            limits,
            now,
            live: LiveState::default(),
            scenario: None,
            incident_start: None,
            declared_rpo: None,
            rpo_now: None,
            region_health: Vec::new(),
            newest_backup_age: None,
            statuses: Vec::new(),
            resolutions: Vec::new(),
            undone: Default::default(),
            already_done: Default::default(),
            operator: None,
            completed: None,
            started: Vec::new(),
            evidence: Vec::new(),
            ticked_second: None,
            log: Vec::new(),
            selected: 0,
            focus: Pane::Checklist,
            zoomed: false,
            scroll: [0; 6],
            mode: Mode::Picker { selected: 0 },
            message: None,
            readiness_view: None,
            history: Vec::new(),
            filters: Default::default(),
            theme: None,
            switching: None,
            keymap: Keymap::default(),
            drill: None,
            profile: None,
            profiles: Vec::new(),
            named_regions,
            switching_source: None,
            presenter: false,
            share: None,
            following: false,
            shared_session: false,
            dirty: true,
        };
        if let Some(index) = index {
            app.choose(index);
        }
        app
    }

    /// Effects to run once at start: begin the session if the scenario was given.
    pub fn start(&self) -> Vec<Effect> {
        match self.current() {
            Some(scenario) if self.log.is_empty() => vec![Effect::Begin {
                scenario: scenario.id.clone(),
            }],
            _ => Vec::new(),
        }
    }

    pub fn current(&self) -> Option<&Scenario> {
        self.scenario.map(|i| &self.runbook.scenarios[i])
    }

    pub fn steps(&self) -> &[Step] {
        self.current().map_or(&[], |s| &s.steps)
    }

    pub fn remaining(&self) -> usize {
        self.statuses.iter().filter(|s| s.is_pending()).count()
    }

    /// Whether the session is journaled complete (and not undone since).
    pub fn is_complete(&self) -> bool {
        self.completed.is_some()
    }

    /// Where the RTO clock stands: at the last step's resolution once the
    /// session is complete, else now. Export measures the same way.
    pub fn rto_end(&self) -> Timestamp {
        let last = self
            .statuses
            .iter()
            .filter_map(StepStatus::resolved_at)
            .max();
        match (self.completed, last) {
            (Some(_), Some(last)) => last,
            _ => self.now,
        }
    }

    /// Whether the screen needs drawing; clears the flag.
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    pub fn runbook(&self) -> &Runbook {
        &self.runbook
    }

    pub fn now(&self) -> Timestamp {
        self.now
    }

    pub fn live(&self) -> &LiveState {
        &self.live
    }

    pub fn mode(&self) -> &Mode {
        &self.mode
    }

    pub fn selected(&self) -> usize {
        self.selected
    }

    pub fn statuses(&self) -> &[StepStatus] {
        &self.statuses
    }

    /// When each step was started and by whom, if it was.
    pub fn started(&self) -> &[Option<Started>] {
        &self.started
    }

    /// This console's operator (the journal's actor): the checklist names
    /// whoever else started or resolved a step.
    pub fn set_operator(&mut self, operator: String) {
        self.operator = Some(operator);
        self.dirty = true;
    }

    /// Duplicate resolutions (by seq) and the standing one each met.
    pub fn already_done(&self) -> &std::collections::BTreeMap<u64, AlreadyDone> {
        &self.already_done
    }

    /// Each step's live check, as last judged.
    pub fn evidence(&self) -> &[Option<Evidence>] {
        &self.evidence
    }

    pub fn log(&self) -> &[Entry] {
        &self.log
    }

    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The AWS profile the live source reads and the profiles `:profile`
    /// offers; the header names the profile.
    pub fn set_aws_profile(&mut self, profile: Option<String>, profiles: Vec<String>) {
        self.profile = profile;
        self.profiles = profiles;
        self.origin.source = self.source_target().origin();
    }

    /// The profile and region the live source reads.
    pub fn source_target(&self) -> SourceTarget {
        SourceTarget {
            profile: self.profile.clone(),
            region: self.runbook.environment.regions.primary.clone(),
        }
    }

    /// Shows one line to the operator (warnings met outside the app).
    pub fn show_message(&mut self, message: String) {
        self.message = Some(message);
        self.dirty = true;
    }

    pub fn incident_start(&self) -> Option<Timestamp> {
        self.incident_start
    }

    pub fn declared_rpo(&self) -> Option<&RpoEstimate> {
        self.declared_rpo.as_ref()
    }

    /// The theme chosen in the palette, if one was.
    pub fn theme_name(&self) -> Option<&'static str> {
        self.theme.map(|(name, _)| name)
    }

    pub fn focus(&self) -> Pane {
        self.focus
    }

    /// The row filter of `pane`; empty when it shows every row.
    pub fn filter(&self, pane: Pane) -> &str {
        &self.filters[pane.index()]
    }

    /// Everything the next frame shows, borrowed from the state: drawing
    /// reads this and nothing else.
    pub fn view(&self) -> FrameView<'_> {
        let objectives = &self.runbook.objectives;
        let scenario = self.current();
        let regions = &self.runbook.environment.regions;
        FrameView {
            now: self.now,
            focus: self.focus,
            zoomed: self.zoomed,
            scroll: self.scroll,
            filters: self.filters.each_ref().map(String::as_str),
            theme: self.theme.as_ref().map(|(_, t)| t),
            header: HeaderView {
                origin: &self.origin,
                drill: self.drill.as_ref(),
                runbook: &self.runbook.name,
                scenario: scenario.map(|s| s.title.as_str()),
                primary_region: &regions.primary,
                dr_region: regions.dr.as_deref(),
                region_health: &self.region_health,
                now: self.now,
                rto_target: scenario.map_or(objectives.rto, |s| s.rto(objectives)),
                rto_elapsed: self
                    .incident_start
                    .map(|start| crate::runbook::duration::secs_between(start, self.rto_end())),
                complete: self.is_complete(),
                rpo_target: scenario.map_or(objectives.rpo, |s| s.rpo(objectives)),
                rpo: self.rpo_now.as_ref(),
                done: self.statuses.len().saturating_sub(self.remaining()),
                total: self.statuses.len(),
                share: self
                    .share
                    .as_ref()
                    .map(|(status, line)| (line.as_str(), status.health())),
            },
            checklist: ChecklistView {
                title: scenario.map_or("Checklist".into(), |s| format!("Checklist · {}", s.title)),
                steps: self.steps(),
                statuses: &self.statuses,
                evidence: &self.evidence,
                started: &self.started,
                operator: self.operator.as_deref(),
                selected: self.selected,
                selected_time: self.step_time(self.selected),
            },
            rds: RdsView {
                feed: &self.live.rds,
                limits: &self.limits,
            },
            backups: BackupsView {
                feed: &self.live.backups,
                rds: &self.live.rds,
                limits: &self.limits,
                newest_age: self.newest_backup_age,
            },
            ecs: EcsView {
                feed: &self.live.ecs,
            },
            alarms: AlarmsView {
                feed: &self.live.alarms,
            },
            log: LogView {
                entries: &self.log,
                already_done: &self.already_done,
            },
            footer: self.footer_view(),
            popup: match &self.mode {
                Mode::Picker { selected } => Some(PopupView::Picker {
                    runbook: &self.runbook,
                    selected: *selected,
                }),
                Mode::Help { scroll } => Some(PopupView::Help {
                    keys: &self.keymap,
                    scroll: *scroll,
                }),
                Mode::Readiness => self.readiness_view.as_ref().map(PopupView::Readiness),
                Mode::Input {
                    prompt,
                    error: Some(error),
                    ..
                } => Some(PopupView::PromptError { prompt, error }),
                Mode::Palette(state) => Some(self.palette_view(state)),
                _ => None,
            },
            presenter: self
                .presenter
                .then(|| Presenter::for_step(self.steps().get(self.selected))),
        }
    }

    fn footer_view(&self) -> FooterView<'_> {
        match &self.mode {
            Mode::Input {
                prompt,
                text,
                error,
            } => FooterView::Input {
                prompt,
                text,
                error: error.as_deref(),
            },
            Mode::ConfirmAgainst { step } => FooterView::ConfirmAgainst {
                seen: self
                    .evidence
                    .get(*step)
                    .and_then(Option::as_ref)
                    .map_or("", |e| e.seen.as_str()),
            },
            Mode::ConfirmQuit => FooterView::ConfirmQuit {
                remaining: self.remaining(),
            },
            Mode::Picker { .. } => FooterView::Picker,
            Mode::Filter(pane) => FooterView::Filter {
                text: &self.filters[pane.index()],
            },
            _ => self
                .switching_source
                .as_deref()
                .or(self.message.as_deref())
                .map_or(FooterView::Hints(&self.keymap), FooterView::Message),
        }
    }

    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Key(key) => {
                self.dirty = true;
                self.on_key(key)
            }
            Action::SelectStep(index) => {
                if matches!(self.mode, Mode::Normal) && index < self.statuses.len() {
                    self.selected = index;
                    self.focus = Pane::Checklist;
                    self.dirty = true;
                }
                Vec::new()
            }
            Action::Tick(now) => {
                // Ages and clocks show whole seconds: a tick within the
                // second last ticked redraws only if a check turned.
                let second = now.as_second();
                let moved = self.ticked_second != Some(second);
                self.ticked_second = Some(second);
                self.now = now;
                let before = std::mem::take(&mut self.evidence);
                self.judge();
                self.dirty |= moved || self.evidence != before;
                Vec::new()
            }
            Action::Source(update) => {
                // Data fetched after the last tick (a sped-up drill polls
                // between ticks) moves "now" on, so no age reads "in 51s";
                // time alone redraws nothing (the tick does).
                self.now = self.now.max(update.at());
                if self.apply_source(update) {
                    self.judge();
                    self.dirty = true;
                }
                Vec::new()
            }
            Action::Journaled(entry) => {
                self.dirty = true;
                self.apply_entry(entry, true)
            }
            Action::Replayed(entries) => {
                self.dirty = true;
                let mut effects: Vec<Effect> = entries
                    .into_iter()
                    .flat_map(|e| self.apply_entry(e, false))
                    .collect();
                // Pick up where the session left off.
                if let Some(first) = self.statuses.iter().position(StepStatus::is_pending) {
                    self.selected = first;
                }
                // Every step resolved without a completion (a crash between
                // the two writes, or an older journal): complete it now.
                effects.extend(self.completion().map(Effect::Append));
                effects
            }
            Action::Merged(entries) => {
                self.dirty = true;
                entries
                    .into_iter()
                    .flat_map(|e| self.apply_entry(e, false))
                    .collect()
            }
            Action::Rebuilt(entries) => {
                self.dirty = true;
                self.forget_journal();
                let effects = entries
                    .into_iter()
                    .flat_map(|e| self.apply_entry(e, false))
                    .collect();
                if let Some(first) = self.statuses.iter().position(StepStatus::is_pending) {
                    self.selected = first;
                }
                effects
            }
            Action::Shared { status, line } => {
                self.dirty = true;
                self.share = Some((status, line));
                Vec::new()
            }
            Action::JournalFailed(error) => {
                // A switch waits for its pause to be written: without it, none.
                self.switching = None;
                self.message = Some(format!("journal write failed, nothing recorded: {error}"));
                self.dirty = true;
                Vec::new()
            }
            Action::Resize => {
                self.dirty = true;
                Vec::new()
            }
            Action::SourceSwitched(result) => {
                self.dirty = true;
                self.switching_source = None;
                match result {
                    Ok(target) => self.source_switched(target),
                    Err((target, why)) => {
                        self.message = Some(format!(
                            "cannot switch to {target}: {why}; still on {}",
                            self.source_target()
                        ));
                        Vec::new()
                    }
                }
            }
        }
    }

    /// The new source's data starts from nothing: no row of the old
    /// account or region stays on screen.
    fn source_switched(&mut self, target: SourceTarget) -> Vec<Effect> {
        self.live = LiveState::default();
        self.scroll = [0; 6];
        self.runbook.environment.regions.primary = target.region.clone();
        self.profile = target.profile.clone();
        self.origin.source = target.origin();
        self.message = Some(format!("switched to {target}"));
        self.judge();
        let mut draft = self.draft(EntryKind::Note);
        draft.note = Some(format!("source switched to {target}"));
        append(draft)
    }

    /// `:profile` and `:region`: the same source on another profile or
    /// region, built while the old one runs on.
    fn switch_source(&mut self, target: SourceTarget) -> Result<Vec<Effect>, String> {
        if self.origin.simulated {
            return Err(NO_AWS.into());
        }
        if target == self.source_target() {
            return Err(format!("already on {target}"));
        }
        self.switching_source = Some(format!("switching to {target}…"));
        Ok(vec![Effect::SwitchSource(target)])
    }

    /// Back to before any entry: the log, the clocks and the steps' states.
    fn forget_journal(&mut self) {
        self.log.clear();
        self.incident_start = None;
        self.declared_rpo = None;
        self.completed = None;
        self.reset_steps(self.statuses.len());
        self.judge();
    }

    /// `n` steps, none started or resolved.
    fn reset_steps(&mut self, n: usize) {
        self.statuses = vec![StepStatus::Pending; n];
        self.resolutions = vec![Vec::new(); n];
        self.undone.clear();
        self.already_done.clear();
        self.started = vec![None; n];
    }

    fn choose(&mut self, index: usize) {
        self.scenario = Some(index);
        let n = self.runbook.scenarios[index].steps.len();
        self.reset_steps(n);
        self.evidence = vec![None; n];
        self.selected = 0;
        self.mode = Mode::Normal;
        self.judge();
    }

    fn apply_source(&mut self, update: SourceUpdate) -> bool {
        match update {
            SourceUpdate::Unchanged { key, at } => {
                self.live.touch(&key, at);
                false
            }
            SourceUpdate::Fetched { key, at, result } => self.live.apply(&key, at, result),
        }
    }

    /// Re-estimates the live figures (RPO, newest backup's age) and
    /// re-judges every step's check against the live state and clocks.
    fn judge(&mut self) {
        self.rpo_now = rpo::estimate(&self.live, self.now);
        let watched = self.runbook.environment.regions.watched();
        self.region_health = crate::domain::regions::region_health(&watched, &self.live);
        let backups = self.live.backups.data.as_ref();
        self.newest_backup_age = backups.and_then(|b| newest_completed_age(b, self.now));
        let ctx = VerifyContext {
            now: self.now,
            incident_start: self.incident_start,
        };
        self.evidence = self
            .steps()
            .iter()
            .map(|s| s.verify.as_ref().map(|v| evaluate(v, &self.live, ctx)))
            .collect();
        if self.mode == Mode::Readiness {
            self.readiness_view = self.readiness();
        }
    }

    fn on_key(&mut self, key: KeyEvent) -> Vec<Effect> {
        let ctrl_c =
            key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL);
        match self.mode.clone() {
            Mode::Picker { selected } => self.on_picker_key(key, selected),
            // Ctrl-C while asking to quit quits; from a prompt or an overlay
            // it asks, as it does from the checklist: twice always quits.
            Mode::ConfirmQuit if ctrl_c => {
                self.mode = Mode::Normal;
                append(self.draft(EntryKind::SessionPaused))
            }
            Mode::Input { .. }
            | Mode::ConfirmAgainst { .. }
            | Mode::Help { .. }
            | Mode::Readiness
                if ctrl_c =>
            {
                self.mode = Mode::Normal;
                self.on_command(Command::Quit)
            }
            // Esc takes back the focused pane's filter.
            Mode::Normal if key.code == KeyCode::Esc => {
                self.filters[self.focus.index()].clear();
                Vec::new()
            }
            Mode::Normal => match self.keymap.command_for(&key) {
                Some(command) => {
                    self.message = None;
                    self.on_command(command)
                }
                None => Vec::new(),
            },
            Mode::Input { prompt, text, .. } => self.on_input_key(key, prompt, text),
            Mode::ConfirmAgainst { step } => {
                self.mode = Mode::Normal;
                match key.code {
                    KeyCode::Char('y' | 'Y') => append(self.confirm_draft(step, true)),
                    _ => Vec::new(),
                }
            }
            Mode::ConfirmQuit => {
                self.mode = Mode::Normal;
                match key.code {
                    KeyCode::Char('y' | 'Y') => append(self.draft(EntryKind::SessionPaused)),
                    _ => Vec::new(),
                }
            }
            Mode::Help { scroll } => {
                self.on_help_key(key, scroll);
                Vec::new()
            }
            Mode::Readiness => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            Mode::Palette(state) => self.on_palette_key(key, state),
            Mode::Filter(pane) => {
                self.on_filter_key(key, pane);
                Vec::new()
            }
        }
    }

    /// Help scrolls with the up and down keys and PageUp/PageDown (on a
    /// short screen it is longer than the screen); any other key closes it.
    fn on_help_key(&mut self, key: KeyEvent, scroll: usize) {
        // The overlay stops at its last row; this bound only keeps the
        // count from running far past it.
        let most = BINDINGS.len();
        let scroll = match (self.keymap.command_for(&key), key.code) {
            (Some(Command::Down), _) => scroll.saturating_add(1).min(most),
            (Some(Command::Up), _) => scroll.saturating_sub(1),
            (_, KeyCode::PageDown) => scroll.saturating_add(10).min(most),
            (_, KeyCode::PageUp) => scroll.saturating_sub(10),
            _ => {
                self.mode = Mode::Normal;
                return;
            }
        };
        self.mode = Mode::Help { scroll };
    }

    fn on_picker_key(&mut self, key: KeyEvent, selected: usize) -> Vec<Effect> {
        let n = self.runbook.scenarios.len();
        match self.keymap.command_for(&key) {
            Some(Command::Up) => {
                self.mode = Mode::Picker {
                    selected: selected.saturating_sub(1),
                }
            }
            Some(Command::Down) => {
                self.mode = Mode::Picker {
                    selected: (selected + 1).min(n.saturating_sub(1)),
                }
            }
            Some(Command::Confirm) if n > 0 => {
                self.choose(selected);
                return self.start();
            }
            Some(Command::Quit) => return vec![Effect::Exit],
            _ if key.code == KeyCode::Esc => return vec![Effect::Exit],
            _ => {}
        }
        Vec::new()
    }

    /// Typing into a prompt. A refused value keeps the prompt open with
    /// its text and shows why inside it; nothing is journaled until Enter
    /// gives a value the prompt accepts.
    fn on_input_key(&mut self, key: KeyEvent, prompt: Prompt, mut text: String) -> Vec<Effect> {
        match key.code {
            KeyCode::Esc => self.mode = Mode::Normal,
            KeyCode::Enter => match self.prompt_draft(&prompt, text.trim()) {
                Ok(draft) => {
                    self.mode = Mode::Normal;
                    return append(draft);
                }
                Err(error) => {
                    self.mode = Mode::Input {
                        prompt,
                        text,
                        error: Some(error),
                    }
                }
            },
            KeyCode::Backspace => {
                text.pop();
                self.mode = Mode::Input {
                    prompt,
                    text,
                    error: None,
                };
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                text.push(c);
                self.mode = Mode::Input {
                    prompt,
                    text,
                    error: None,
                };
            }
            _ => {}
        }
        Vec::new()
    }

    /// The entry a prompt's (trimmed) text asks for, or why it is refused.
    fn prompt_draft(&self, prompt: &Prompt, text: &str) -> Result<Draft, String> {
        match prompt {
            // Empty text declares it now (see `parse_start`).
            Prompt::Declare => parse_start(text, self.now).map(|start| self.declare_draft(start)),
            Prompt::Skip(_) if text.is_empty() => Err("a skip needs a reason".into()),
            Prompt::Note if text.is_empty() => Err("the note is empty".into()),
            Prompt::Skip(step) => {
                let mut d = self.step_draft(EntryKind::Skipped, *step);
                d.note = Some(text.to_string());
                Ok(d)
            }
            Prompt::Note => {
                let mut d = self.step_draft(EntryKind::Note, self.selected);
                d.evidence = None;
                d.note = Some(text.to_string());
                Ok(d)
            }
        }
    }

    fn on_command(&mut self, command: Command) -> Vec<Effect> {
        let n = self.statuses.len();
        if self.following {
            match command {
                Command::Quit => return vec![Effect::Exit],
                c if c.writes() => {
                    self.message = Some(FOLLOWING.into());
                    return Vec::new();
                }
                _ => {}
            }
        }
        match command {
            Command::Up | Command::Down => {
                // The checklist moves its selection; other panes scroll.
                let (position, last) = match self.focus {
                    Pane::Checklist => (&mut self.selected, n.saturating_sub(1)),
                    pane => (&mut self.scroll[pane.index()], usize::MAX),
                };
                *position = match command {
                    Command::Down => (*position + 1).min(last),
                    _ => position.saturating_sub(1),
                };
            }
            Command::Confirm => return self.confirm(),
            Command::Start => match (
                self.statuses.get(self.selected),
                self.started.get(self.selected),
            ) {
                (Some(StepStatus::Pending), Some(None)) => {
                    return append(self.step_draft(EntryKind::StepStarted, self.selected));
                }
                (Some(StepStatus::Pending), Some(Some(_))) => {
                    self.message = Some("this step is already started; Enter confirms it".into())
                }
                (Some(_), _) => {
                    self.message = Some("this step is already resolved; u undoes it".into())
                }
                _ => {}
            },
            // The RTO clock stopped at completion: moving its start now would
            // rewrite a finished record.
            Command::Declare if self.is_complete() => {
                self.message = Some("the session is complete; u reopens it".into())
            }
            Command::Declare => self.ask(Prompt::Declare),
            Command::Skip => match self.statuses.get(self.selected) {
                Some(StepStatus::Pending) => self.ask(Prompt::Skip(self.selected)),
                Some(_) => self.message = Some("this step is already resolved; u undoes it".into()),
                None => {}
            },
            Command::Undo => return self.undo(),
            Command::Note => self.ask(Prompt::Note),
            Command::FocusNext => self.focus = self.focus.step(1),
            Command::FocusPrev => self.focus = self.focus.step(-1),
            Command::Zoom => self.zoomed = !self.zoomed,
            Command::Refresh => return vec![Effect::Refresh],
            Command::Help => self.mode = Mode::Help { scroll: 0 },
            Command::Readiness if self.scenario.is_some() => {
                self.mode = Mode::Readiness;
                self.readiness_view = self.readiness();
            }
            Command::Readiness => {}
            Command::Palette => self.mode = Mode::Palette(PaletteState::default()),
            Command::Filter if self.focus == Pane::Checklist => {
                self.message = Some(
                    "/ filters a list pane: Tab to RDS, backups, ECS, alarms or the log".into(),
                )
            }
            Command::Filter => self.mode = Mode::Filter(self.focus),
            Command::Copy => return self.copy(),
            // They take an argument: the palette runs them (see `run_palette`).
            Command::Scenario | Command::Step | Command::Theme => {}
            Command::Export => return vec![Effect::Export],
            Command::Profile | Command::Region | Command::Speed | Command::Inject => {}
            Command::Pause => return self.drill_action(DrillAction::TogglePause),
            Command::Faster => return self.drill_action(DrillAction::Faster),
            Command::Slower => return self.drill_action(DrillAction::Slower),
            Command::InjectKey => {
                self.mode = Mode::Palette(PaletteState {
                    text: "inject ".into(),
                    ..PaletteState::default()
                })
            }
            // A completed session is already journaled as such: nothing to ask or write.
            Command::Quit if self.is_complete() => return vec![Effect::Exit],
            Command::Quit if self.remaining() > 0 => self.mode = Mode::ConfirmQuit,
            // Every step resolved but the completion not written (its write
            // failed): write it now; the console stays open as after any completion.
            Command::Quit => return self.completion().map_or_else(Vec::new, append),
        }
        Vec::new()
    }

    fn on_palette_key(&mut self, key: KeyEvent, mut state: PaletteState) -> Vec<Effect> {
        let edited = |state: &mut PaletteState| {
            state.cycle = None;
            state.recall = None;
            state.error = None;
        };
        match key.code {
            KeyCode::Esc => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            KeyCode::Enter if state.text.trim().is_empty() => {
                self.mode = Mode::Normal;
                return Vec::new();
            }
            KeyCode::Enter => {
                let text = state.text.trim().to_string();
                match palette::parse(&text).and_then(|(c, arg)| self.run_palette(c, &arg)) {
                    Ok(effects) => {
                        if self.history.last() != Some(&text) {
                            self.history.push(text);
                        }
                        if matches!(self.mode, Mode::Palette(_)) {
                            self.mode = Mode::Normal;
                        }
                        return effects;
                    }
                    Err(error) => state.error = Some(error),
                }
            }
            KeyCode::Tab => {
                let (list, i) = match state.cycle.take() {
                    Some((list, i)) => {
                        let next = (i + 1) % list.len().max(1);
                        (list, next)
                    }
                    None => (palette::completions(&state.text, |c| self.arguments(c)), 0),
                };
                if let Some(pick) = list.get(i) {
                    state.text = pick.clone();
                    state.cycle = Some((list, i));
                }
                state.error = None;
            }
            // ↑ goes back through this session's commands, ↓ forward.
            KeyCode::Up | KeyCode::Down => {
                let n = self.history.len();
                let recall = match (key.code, state.recall) {
                    (KeyCode::Up, None) => n.checked_sub(1).map(|_| 0),
                    (KeyCode::Up, Some(back)) => Some((back + 1).min(n.saturating_sub(1))),
                    (_, Some(back)) => back.checked_sub(1),
                    (_, None) => None,
                };
                if recall.is_some() || state.recall.is_some() {
                    let text = recall
                        .and_then(|back| n.checked_sub(back + 1))
                        .and_then(|i| self.history.get(i));
                    state.text = text.cloned().unwrap_or_default();
                    state.cycle = None;
                    state.error = None;
                    state.recall = recall;
                }
            }
            KeyCode::Backspace => {
                state.text.pop();
                edited(&mut state);
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
                state.text.push(c);
                edited(&mut state);
            }
            _ => {}
        }
        self.mode = Mode::Palette(state);
        Vec::new()
    }

    /// A facilitator's action, when a drill is staged.
    fn drill_action(&mut self, action: DrillAction) -> Vec<Effect> {
        if self.drill.is_none() {
            self.message = Some(
                "no drill is staged: pause, speed and inject are for drills (demo, run --sim)"
                    .into(),
            );
            return Vec::new();
        }
        vec![Effect::Drill(action)]
    }

    /// Runs a palette command, or says why it cannot run (shown in the palette).
    fn run_palette(&mut self, command: Command, arg: &str) -> Result<Vec<Effect>, String> {
        if self.following && command.writes() {
            return Err(FOLLOWING.into());
        }
        let none = |what: &str| format!("no {what} matches {arg:?}");
        match command {
            Command::Scenario => {
                let n = self.runbook.scenarios.len();
                let index =
                    palette::best(arg, &self.arguments(command)).ok_or_else(|| none("scenario"))?;
                self.switch_scenario(index % n.max(1))
            }
            Command::Step => {
                let n = self.statuses.len();
                let number = arg.split_whitespace().next().and_then(|w| w.parse().ok());
                let index = match number {
                    Some(k @ 1..) if k <= n => k - 1,
                    Some(_) => return Err(format!("step numbers run from 1 to {n}")),
                    None => {
                        let titles: Vec<String> =
                            self.steps().iter().map(|s| s.title.clone()).collect();
                        palette::best(arg, &titles).ok_or_else(|| none("step"))?
                    }
                };
                self.selected = index;
                self.focus = Pane::Checklist;
                Ok(Vec::new())
            }
            // A projector needs high contrast, whatever the room asks for.
            Command::Theme if self.presenter => Err(PRESENTER_KEEPS_THEME.into()),
            Command::Theme => {
                let names = self.arguments(command);
                let index = palette::best(arg, &names).ok_or_else(|| none("theme"))?;
                let (name, text) = BUILTIN_THEMES[index];
                self.theme = Some((name, Theme::from_toml(text, name)?));
                self.message = Some(format!("theme {name}"));
                Ok(Vec::new())
            }
            Command::Speed => {
                let speed = crate::clock::parse_speed(arg).ok_or_else(|| {
                    format!("a speed is 1 to {}: {arg:?}", crate::clock::MAX_SPEED)
                })?;
                Ok(self.drill_action(DrillAction::Speed(speed)))
            }
            Command::Inject => {
                let names = self.arguments(command);
                let index = palette::best(arg, &names).ok_or_else(|| none("inject"))?;
                Ok(self.drill_action(DrillAction::Inject(names[index].clone())))
            }
            Command::Profile => {
                // Exactly as typed: a near miss is refused, never guessed.
                self.switch_source(SourceTarget {
                    profile: Some(arg.trim().to_string()),
                    ..self.source_target()
                })
            }
            Command::Region if self.origin.simulated => Err(NO_AWS.into()),
            Command::Region => {
                let region = arg.trim();
                if !is_region_name(region) {
                    return Err(format!(
                        "{region:?} is not a region name (such as eu-west-1)"
                    ));
                }
                self.switch_source(SourceTarget {
                    region: region.to_string(),
                    ..self.source_target()
                })
            }
            other => Ok(self.on_command(other)),
        }
    }

    /// What a palette command's argument can be, as completion offers it.
    fn arguments(&self, command: Command) -> Vec<String> {
        match command {
            Command::Scenario => {
                let scenarios = &self.runbook.scenarios;
                let ids = scenarios.iter().map(|s| s.id.clone());
                ids.chain(scenarios.iter().map(|s| s.title.clone()))
                    .collect()
            }
            Command::Step => self
                .steps()
                .iter()
                .enumerate()
                .map(|(i, s)| format!("{} {}", i + 1, s.title))
                .collect(),
            Command::Theme => BUILTIN_THEMES.iter().map(|(n, _)| n.to_string()).collect(),
            Command::Inject => self
                .drill
                .as_ref()
                .map(|d| d.injects.clone())
                .unwrap_or_default(),
            // The simulated environment has neither to offer.
            Command::Profile | Command::Region if self.origin.simulated => Vec::new(),
            Command::Profile => self.profiles.clone(),
            Command::Region => {
                let current = &self.runbook.environment.regions.primary;
                let mut regions = self.named_regions.clone();
                if !regions.contains(current) {
                    regions.insert(0, current.clone());
                }
                regions
            }
            _ => Vec::new(),
        }
    }

    /// Switching is journaled as a start is: the current session is paused
    /// ("switched to …") and a new one begins. Once the operator has recorded
    /// anything about a step or the incident's start, switching would split
    /// that record, so it is refused.
    fn switch_scenario(&mut self, index: usize) -> Result<Vec<Effect>, String> {
        let Some(target) = self.runbook.scenarios.get(index) else {
            return Err("this runbook has no scenarios".into());
        };
        let id = target.id.clone();
        if self.scenario == Some(index) {
            return Err(format!("already on scenario {id}"));
        }
        // The other consoles stay on this session: switching would split it.
        if self.scenario.is_some() && self.shared_session {
            return Err(format!(
                "a shared session keeps its scenario: q quits, then start {id} with --scenario {id}"
            ));
        }
        let recorded = self.log.iter().any(|e| {
            matches!(
                e.kind,
                EntryKind::StepStarted
                    | EntryKind::Confirmed
                    | EntryKind::Skipped
                    | EntryKind::Undone
                    | EntryKind::IncidentDeclared
            )
        });
        if recorded {
            return Err(format!(
                "this session already records steps: q quits (--resume continues it), \
                 then start with --scenario {id}"
            ));
        }
        // Nothing journaled yet (the journal could not be opened): just begin.
        if self.log.is_empty() {
            return Ok(self.begin_switch(index));
        }
        self.switching = Some(index);
        let mut draft = self.draft(EntryKind::SessionPaused);
        draft.note = Some(format!("switched to scenario {id}"));
        Ok(append(draft))
    }

    /// A new session of another scenario: its own journal, clock and log.
    fn begin_switch(&mut self, index: usize) -> Vec<Effect> {
        self.forget_journal();
        self.choose(index);
        self.message = self
            .current()
            .map(|s| format!("switched to scenario {}", s.id));
        self.start()
    }

    fn on_filter_key(&mut self, key: KeyEvent, pane: Pane) {
        let filter = &mut self.filters[pane.index()];
        match key.code {
            KeyCode::Esc => {
                filter.clear();
                self.mode = Mode::Normal;
            }
            KeyCode::Enter => self.mode = Mode::Normal,
            KeyCode::Backspace => {
                filter.pop();
            }
            KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => filter.push(c),
            _ => return,
        }
        // The rows shown change: start from the first.
        self.scroll[pane.index()] = 0;
    }

    /// The selected step's commands to the clipboard, by the terminal.
    fn copy(&mut self) -> Vec<Effect> {
        let Some(step) = self.steps().get(self.selected) else {
            return Vec::new();
        };
        let message = match step.commands.len() {
            0 => "this step has no commands to copy".to_string(),
            1 => "copied 1 command".to_string(),
            n => format!("copied {n} commands"),
        };
        let effects = match step.commands.is_empty() {
            true => Vec::new(),
            false => vec![Effect::Terminal(clipboard::osc52(
                &step.commands.join("\n"),
            ))],
        };
        self.message = Some(message);
        effects
    }

    fn palette_view(&self, state: &PaletteState) -> PopupView<'_> {
        let (matches, selected) = match &state.cycle {
            Some((list, i)) => (list.clone(), Some(*i)),
            None => (
                palette::completions(&state.text, |c| self.arguments(c)),
                None,
            ),
        };
        PopupView::Palette {
            text: state.text.clone(),
            matches,
            selected,
            error: state.error.clone(),
        }
    }

    fn ask(&mut self, prompt: Prompt) {
        self.mode = Mode::Input {
            prompt,
            text: String::new(),
            error: None,
        };
    }

    fn confirm(&mut self) -> Vec<Effect> {
        let step = self.selected;
        match self.statuses.get(step) {
            Some(StepStatus::Pending) => {}
            Some(_) => {
                self.message = Some("this step is already resolved; u undoes it".into());
                return Vec::new();
            }
            None => return Vec::new(),
        }
        let unmet = self
            .evidence
            .get(step)
            .and_then(Option::as_ref)
            .is_some_and(|e| e.outcome != Outcome::Met);
        if unmet {
            self.mode = Mode::ConfirmAgainst { step };
            return Vec::new();
        }
        append(self.confirm_draft(step, false))
    }

    /// Takes back the latest confirm or skip still standing. A completed
    /// session first takes back its completion; that entry's return then
    /// takes back the step (see `apply_entry`), so each `undone` names
    /// exactly one entry and the journal reads as reopened.
    fn undo(&mut self) -> Vec<Effect> {
        if let Some(seq) = self.completed {
            let mut draft = self.draft(EntryKind::Undone);
            draft.undoes = Some(seq);
            return append(draft);
        }
        let latest = self
            .statuses
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.seq().map(|seq| (seq, i)))
            .max();
        let Some((seq, step)) = latest else {
            self.message = Some("nothing to undo".into());
            return Vec::new();
        };
        self.selected = step;
        let mut draft = self.step_draft(EntryKind::Undone, step);
        draft.undoes = Some(seq);
        append(draft)
    }

    /// Every step is resolved and no completion stands.
    pub fn completion_due(&self) -> bool {
        self.completion().is_some()
    }

    /// The `session_completed` entry, when every step is resolved and no
    /// completion stands.
    fn completion(&self) -> Option<Draft> {
        (self.scenario.is_some() && self.completed.is_none() && self.remaining() == 0)
            .then(|| self.draft(EntryKind::SessionCompleted))
    }

    pub fn draft(&self, kind: EntryKind) -> Draft {
        let mut draft = Draft::new(self.now, kind);
        draft.scenario = self.current().map(|s| s.id.clone());
        draft
    }

    fn step_draft(&self, kind: EntryKind, step: usize) -> Draft {
        let mut draft = self.draft(kind);
        draft.step = self.steps().get(step).map(|s| s.id.clone());
        draft.evidence = Some(EntryEvidence {
            check: self.evidence.get(step).cloned().flatten(),
            ..self.live_evidence()
        });
        draft
    }

    /// The incident began at `start`.
    fn declare_draft(&self, start: Timestamp) -> Draft {
        let mut draft = self.draft(EntryKind::IncidentDeclared);
        draft.at = Some(start);
        draft.evidence = Some(self.live_evidence());
        draft
    }

    /// What the panes and the header show now: the RPO recorded is the
    /// header's figure, so the export's "RPO at declaration" is what the
    /// operator saw.
    pub fn live_evidence(&self) -> EntryEvidence {
        EntryEvidence {
            state: state_lines(&self.live, self.now),
            rpo: self.rpo_now.clone(),
            ..EntryEvidence::default()
        }
    }

    /// Whether the live state allows the current scenario now (no incident
    /// assumed: the same question `drconsole ready` answers).
    pub fn readiness(&self) -> Option<crate::domain::readiness::Readiness> {
        let scenario = self.current()?;
        let ctx = VerifyContext {
            now: self.now,
            incident_start: None,
        };
        Some(crate::domain::readiness::assess(
            &self.runbook,
            scenario,
            &self.live,
            ctx,
        ))
    }

    /// How long the step at `index` has taken: from its start (or the
    /// previous resolution, or the declaration) to its resolution or now.
    pub fn step_time(&self, index: usize) -> Option<StepTime> {
        let resolved_at = self.statuses.get(index)?.resolved_at();
        let end = resolved_at.unwrap_or(self.now);
        let previous = self
            .statuses
            .iter()
            .filter_map(StepStatus::resolved_at)
            .filter(|at| *at < end)
            .max();
        let started = self.started.get(index).and_then(Option::as_ref);
        let from = started.map(|s| s.at).or(previous).or(self.incident_start)?;
        Some(StepTime {
            secs: crate::runbook::duration::secs_between(from, end),
            expected: self.steps().get(index)?.expected,
            running: resolved_at.is_none() && started.is_some(),
        })
    }

    fn confirm_draft(&self, step: usize, against_evidence: bool) -> Draft {
        let mut draft = self.step_draft(EntryKind::Confirmed, step);
        if let Some(evidence) = draft.evidence.as_mut() {
            evidence.against_evidence = against_evidence;
        }
        draft
    }

    /// Folds one journal entry into the checklist. `fresh` entries were just
    /// written by this session; replayed ones come from a resumed file.
    fn apply_entry(&mut self, entry: Entry, fresh: bool) -> Vec<Effect> {
        let mut effects = Vec::new();
        let index = entry
            .step
            .as_deref()
            .and_then(|id| self.steps().iter().position(|s| s.id == id));
        match entry.kind {
            // The session's start declares the incident unless a declaration says otherwise.
            EntryKind::SessionStarted if self.incident_start.is_none() => {
                self.incident_start = Some(entry.time);
            }
            EntryKind::IncidentDeclared => {
                self.incident_start = Some(entry.at.unwrap_or(entry.time));
                self.declared_rpo = entry.evidence.as_ref().and_then(|e| e.rpo.clone());
            }
            // The first start stands: a second operator's start neither
            // restarts the clock nor runs the commands again.
            EntryKind::StepStarted => {
                if let Some(i) = index.filter(|&i| self.started[i].is_none()) {
                    self.started[i] = Some(Started {
                        at: entry.time,
                        actor: entry.actor.clone(),
                    });
                    effects.push(Effect::StepRun(self.steps()[i].clone(), entry.time));
                }
            }
            EntryKind::Confirmed | EntryKind::Skipped => {
                if let Some(i) = index {
                    let was_pending = self.statuses[i].is_pending();
                    self.resolve(i, &entry, fresh);
                    // A step confirmed without being started ran just now.
                    if entry.kind == EntryKind::Confirmed
                        && was_pending
                        && self.started[i].is_none()
                    {
                        effects.push(Effect::StepRun(self.steps()[i].clone(), entry.time));
                    }
                    if fresh {
                        self.select_next_pending(i);
                        effects.extend(self.completion().map(Effect::Append));
                    }
                }
            }
            EntryKind::Undone if entry.undoes.is_some() && entry.undoes == self.completed => {
                self.completed = None;
                // Reopened: now take back the step that completed it.
                if fresh {
                    effects.extend(self.undo());
                }
            }
            EntryKind::Undone => {
                if let Some(target) = entry.undoes {
                    self.take_back(target);
                }
            }
            // Paused to switch scenario: the next session begins instead.
            EntryKind::SessionPaused if fresh => match self.switching.take() {
                Some(index) => return self.begin_switch(index),
                None => effects.push(Effect::Exit),
            },
            // The console stays open so the team can review the screen.
            EntryKind::SessionCompleted => {
                self.completed = Some(entry.seq);
                if fresh && self.message.is_none() {
                    self.message = Some(
                        "scenario complete: the RTO clock is stopped; q quits, u reopens".into(),
                    );
                }
            }
            _ => {}
        }
        self.log.push(entry);
        self.judge();
        effects
    }

    /// Records a confirm or skip of step `i`. The step keeps its standing
    /// resolution if it has one; the entry is then a duplicate, logged as
    /// already done by that one.
    fn resolve(&mut self, i: usize, entry: &Entry, fresh: bool) {
        let resolution = match entry.kind {
            EntryKind::Skipped => StepStatus::Skipped {
                seq: entry.seq,
                at: entry.time,
                actor: entry.actor.clone(),
                reason: entry.note.clone().unwrap_or_default(),
            },
            _ => StepStatus::Confirmed {
                seq: entry.seq,
                at: entry.time,
                actor: entry.actor.clone(),
                against_evidence: entry.evidence.as_ref().is_some_and(|e| e.against_evidence),
            },
        };
        self.resolutions[i].push(resolution);
        let standing = &self.statuses[i];
        if let (Some(seq), Some(actor)) = (standing.seq(), standing.actor()) {
            let first = AlreadyDone {
                seq,
                actor: actor.to_string(),
            };
            if fresh {
                self.message = Some(format!(
                    "{} was already done by {} (#{}): yours is logged beside it",
                    entry.step.as_deref().unwrap_or("the step"),
                    first.actor,
                    first.seq
                ));
            }
            self.already_done.insert(entry.seq, first);
        } else {
            self.restate(i);
        }
    }

    /// Takes back exactly the resolution `target` names: a later one still
    /// standing then stands. Any other seq changes nothing.
    fn take_back(&mut self, target: u64) {
        let step = self
            .resolutions
            .iter()
            .position(|r| r.iter().any(|s| s.seq() == Some(target)));
        if let Some(i) = step
            && self.undone.insert(target)
        {
            self.restate(i);
        }
    }

    /// Step `i`'s status: its first resolution not undone, else pending.
    fn restate(&mut self, i: usize) {
        let undone = &self.undone;
        self.statuses[i] = self.resolutions[i]
            .iter()
            .find(|s| s.seq().is_some_and(|seq| !undone.contains(&seq)))
            .cloned()
            .unwrap_or(StepStatus::Pending);
    }

    fn select_next_pending(&mut self, from: usize) {
        let n = self.statuses.len();
        if let Some(next) = (1..=n)
            .map(|k| (from + k) % n)
            .find(|&i| self.statuses[i].is_pending())
        {
            self.selected = next;
        }
    }
}

/// What a follower is told when it tries to write.
const FOLLOWING: &str =
    "following: this console only watches the shared session (join without --follow to take part)";

/// Why `:profile` and `:region` change nothing in a drill.
const NO_AWS: &str = "the simulated environment has no AWS profile or region: nothing to switch";

/// Why `:theme` changes nothing on a projector.
const PRESENTER_KEEPS_THEME: &str = "presenter mode keeps the high-contrast theme";

/// Asks for a journal write. Appends are synchronous (the runtime fsyncs
/// before it answers), so no write is ever in flight and order holds.
fn append(draft: Draft) -> Vec<Effect> {
    vec![Effect::Append(draft)]
}

/// A step's elapsed time against its expected duration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepTime {
    pub secs: u64,
    pub expected: Option<HumanDuration>,
    /// Started and not yet resolved: the clock is running.
    pub running: bool,
}

impl StepTime {
    pub fn over(&self) -> bool {
        self.expected.is_some_and(|e| self.secs > e.secs())
    }
}

/// When the incident began, as the operator types it: empty for now,
/// "-25m" / "25m" / "25m ago", "02:10" (UTC, today or else yesterday),
/// or an RFC 3339 time. Never in the future, nor more than `MAX` back.
pub fn parse_start(text: &str, now: Timestamp) -> Result<Timestamp, String> {
    let text = text.trim();
    let start = if text.is_empty() {
        now
    } else if let Ok(at) = text.parse::<Timestamp>() {
        at
    } else if let Some(clock) = parse_clock(text) {
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let at = today
            .to_datetime(clock)
            .to_zoned(jiff::tz::TimeZone::UTC)
            .map_err(|e| e.to_string())?
            .timestamp();
        if at > now {
            earlier(at, HumanDuration::from_hours(24))
        } else {
            at
        }
    } else {
        let span = text.trim_start_matches('-').trim_end_matches("ago").trim();
        let back = HumanDuration::parse(span).map_err(|e| {
            if e.contains(TOO_LONG) {
                e
            } else {
                format!("{text:?}: give the start as \"-25m\", \"02:10\" (UTC) or an RFC 3339 time; empty means now")
            }
        })?;
        earlier(now, back)
    };
    if start > now {
        return Err("the incident cannot start in the future".into());
    }
    if secs_between(start, now) > MAX.secs() {
        return Err(format!(
            "the incident cannot start more than {MAX} (100 years) ago"
        ));
    }
    Ok(start)
}

/// An AWS region's shape: lowercase words and a number, dash-separated
/// (eu-west-1, us-gov-west-1); a typo is refused before any client is built.
fn is_region_name(text: &str) -> bool {
    let parts: Vec<&str> = text.split('-').collect();
    let (last, words) = match parts.split_last() {
        Some((last, words)) => (last, words),
        None => return false,
    };
    words.len() >= 2
        && words
            .iter()
            .all(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_lowercase()))
        && !last.is_empty()
        && last.chars().all(|c| c.is_ascii_digit())
}

fn parse_clock(text: &str) -> Option<jiff::civil::Time> {
    let mut parts = text.split(':');
    let hour: i8 = parts.next()?.parse().ok()?;
    let minute: i8 = parts.next()?.parse().ok()?;
    let second: i8 = parts.next().map_or(Some(0), |s| s.parse().ok())?;
    if parts.next().is_some() {
        return None;
    }
    jiff::civil::Time::new(hour, minute, second, 0).ok()
}
