//! What one frame shows, as plain data: the app builds a `FrameView` once
//! per frame and each pane draws from its own part of it. Everything here
//! is borrowed or already computed: no clock, lock or domain rule is left
//! for drawing.

use jiff::Timestamp;

use crate::app::{AlreadyDone, Origin, Pane, Prompt, Started, StepStatus, StepTime};
use crate::domain::health::Limits;
use crate::domain::readiness::Readiness;
use crate::domain::regions::RegionHealth;
use crate::domain::rpo::RpoEstimate;
use crate::domain::snapshot::{AlarmSnapshot, BackupSnapshot, EcsSnapshot, Feed, RdsSnapshot};
use crate::domain::verify::Evidence;
use crate::journal::entry::Entry;
use crate::keys::Keymap;
use crate::runbook::duration::HumanDuration;
use crate::runbook::model::{Runbook, Step};

pub struct FrameView<'a> {
    pub now: Timestamp,
    pub focus: Pane,
    pub zoomed: bool,
    /// Scroll offset of each pane, in `Pane::ALL` order.
    pub scroll: [usize; 6],
    /// Row filter of each pane, in `Pane::ALL` order; empty shows all.
    pub filters: [&'a str; 6],
    /// A theme chosen in the console, over the one it started with.
    pub theme: Option<&'a crate::ui::theme::Theme>,
    pub header: HeaderView<'a>,
    pub checklist: ChecklistView<'a>,
    pub rds: RdsView<'a>,
    pub backups: BackupsView<'a>,
    pub ecs: EcsView<'a>,
    pub alarms: AlarmsView<'a>,
    pub log: LogView<'a>,
    pub footer: FooterView<'a>,
    pub popup: Option<PopupView<'a>>,
    /// Presenter mode: the big clock, the step's panes only, masking.
    pub presenter: Option<crate::ui::presenter::Presenter>,
}

/// What is being run where, and the two objectives against their targets.
pub struct HeaderView<'a> {
    pub origin: &'a Origin,
    /// The drill the simulated world stages, if any: the tag says DRILL.
    pub drill: Option<&'a crate::drill::DrillStatus>,
    pub runbook: &'a str,
    pub scenario: Option<&'a str>,
    pub primary_region: &'a str,
    pub dr_region: Option<&'a str>,
    /// Each region's API health: an unreachable one is shown as such.
    pub region_health: &'a [RegionHealth],
    pub now: Timestamp,
    pub rto_target: HumanDuration,
    /// Seconds from the incident's start to now, or to the last step's
    /// resolution once the session is complete.
    pub rto_elapsed: Option<u64>,
    /// Every step is resolved and the completion journaled: the clock is stopped.
    pub complete: bool,
    pub rpo_target: HumanDuration,
    /// What a recovery started now would lose.
    pub rpo: Option<&'a RpoEstimate>,
    pub done: usize,
    pub total: usize,
    /// A shared session: how it stands (a third header line), and its colour.
    pub share: Option<(&'a str, crate::domain::health::Health)>,
}

/// The scenario's steps with their state and live check.
pub struct ChecklistView<'a> {
    pub title: String,
    pub steps: &'a [Step],
    pub statuses: &'a [StepStatus],
    pub evidence: &'a [Option<Evidence>],
    pub started: &'a [Option<Started>],
    /// This console's operator: a step another started or resolved names
    /// them. `None` names no one.
    pub operator: Option<&'a str>,
    pub selected: usize,
    /// The selected step's time against its expected duration.
    pub selected_time: Option<StepTime>,
}

pub struct RdsView<'a> {
    pub feed: &'a Feed<RdsSnapshot>,
    pub limits: &'a Limits,
}

/// Recovery points, and the RDS feed for each primary's restore window.
pub struct BackupsView<'a> {
    pub feed: &'a Feed<BackupSnapshot>,
    pub rds: &'a Feed<RdsSnapshot>,
    pub limits: &'a Limits,
    /// Seconds since the newest completed recovery point, if there is one.
    pub newest_age: Option<u64>,
}

pub struct EcsView<'a> {
    pub feed: &'a Feed<EcsSnapshot>,
}

pub struct AlarmsView<'a> {
    pub feed: &'a Feed<AlarmSnapshot>,
}

/// The journal so far, oldest first.
pub struct LogView<'a> {
    pub entries: &'a [Entry],
    /// Duplicate confirms and skips (by seq) and the resolution each met.
    pub already_done: &'a std::collections::BTreeMap<u64, AlreadyDone>,
}

/// The footer's one line.
pub enum FooterView<'a> {
    Input {
        prompt: &'a Prompt,
        text: &'a str,
        /// Why the last value was refused.
        error: Option<&'a str>,
    },
    /// The step's check is not met: this is what it saw.
    ConfirmAgainst {
        seen: &'a str,
    },
    ConfirmQuit {
        remaining: usize,
    },
    Picker,
    /// The focused pane's filter being typed.
    Filter {
        text: &'a str,
    },
    Message(&'a str),
    /// The key hints, from the keys in effect.
    Hints(&'a Keymap),
}

pub enum PopupView<'a> {
    Picker {
        runbook: &'a Runbook,
        selected: usize,
    },
    Help {
        keys: &'a Keymap,
        scroll: usize,
    },
    Readiness(&'a Readiness),
    /// The open prompt refused its value: why, and what it accepts.
    PromptError {
        prompt: &'a Prompt,
        error: &'a str,
    },
    /// The `:` palette: the line typed, its completions (best first), the
    /// one Tab shows, and why the last Enter ran nothing.
    Palette {
        text: String,
        matches: Vec<String>,
        selected: Option<usize>,
        error: Option<String>,
    },
}
