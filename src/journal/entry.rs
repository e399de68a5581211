//! One line of the journal. Entries are only ever appended: an undo is a
//! new entry naming the one it takes back.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::rpo::RpoEstimate;
use crate::domain::verify::Evidence;
use crate::runbook::reference::RunbookRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    SessionStarted,
    SessionResumed,
    /// An operator's console joined a shared session (`journal::share`).
    Joined,
    /// When the failure began, in `at` (the operator may set it back).
    IncidentDeclared,
    /// The operator began the step (its clock starts; a drill runs its commands).
    StepStarted,
    Confirmed,
    Skipped,
    Undone,
    Note,
    /// The operator quit with steps remaining; `--resume` continues here.
    SessionPaused,
    /// Every step is confirmed or skipped.
    SessionCompleted,
    /// A drill's facilitator injected a fault (`drill_detail.fault`).
    Injected,
    /// A drill's clock was paused, resumed or sped up (`drill_detail.speed`).
    ClockChanged,
    /// A drill's scorecard, at its end (`note` holds it as text).
    DrillScored,
}

/// What a drill adds to an entry. In a drill an entry's `time` is drill
/// time (the simulated world's clock, which the facilitator can pause or
/// speed up); `wall` is when it happened on the wall clock.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DrillDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall: Option<Timestamp>,
    /// For `session_started` and `session_resumed`: the drill staged (a
    /// built-in drill's name, or a path).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// For `injected`: what was injected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fault: Option<crate::drill::Fault>,
    /// For `clock_changed`: the speed from then on, 0 while paused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<u32>,
}

/// The live evidence at the moment of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct EntryEvidence {
    /// The step's verify check, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub check: Option<Evidence>,
    /// Whether the operator confirmed although the check was not met.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub against_evidence: bool,
    /// One line per watched resource, as the panes showed it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state: Vec<String>,
    /// The RPO estimate at that moment, as the header showed it. (Journals
    /// written before it was the header's figure hold, for a declaration,
    /// the estimate as of the declared start.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rpo: Option<RpoEstimate>,
}

/// A journal line as written to disk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub seq: u64,
    pub time: Timestamp,
    pub actor: String,
    pub kind: EntryKind,
    pub runbook: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// For `undone`: the seq of the entry taken back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<u64>,
    /// For `incident_declared`: when the failure began.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<EntryEvidence>,
    /// Set on every entry of a session run against the simulated source.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub drill: bool,
    /// For `session_started` and `session_resumed`: the runbook as the
    /// console was given it, so `log export` can judge against it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runbook_ref: Option<RunbookRef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill_detail: Option<DrillDetail>,
    /// The hash chain: the SHA-256 (hex) of the previous entry's canonical
    /// bytes, `chain::GENESIS` on a session's first entry; absent on
    /// entries written before drconsole chained its journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prev: Option<String>,
    /// Set on the entries of a shared session (`journal::share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<ShareDetail>,
}

/// What a shared session adds to an entry: who wrote it, so every console
/// knows its own entries in the shared log (after a crash too) and an undo
/// can name an entry not yet uploaded.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ShareDetail {
    /// The console that wrote it: an id it draws at its first entry and
    /// keeps in its local journal.
    pub console: String,
    /// On a shared copy: the entry's seq in that console's local journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub local_seq: Option<u64>,
    /// On a console's first local entry: the session, `s3://bucket/prefix/session`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// On a local `undone`: the console's own entry taken back, by local
    /// seq, when it had not reached the share yet. Its shared copy names
    /// the shared seq in `undoes` instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes_local: Option<u64>,
}

/// What the app asks to append; the journal fills in seq, actor, runbook and drill.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub time: Timestamp,
    pub kind: EntryKind,
    pub scenario: Option<String>,
    pub step: Option<String>,
    pub note: Option<String>,
    pub undoes: Option<u64>,
    pub at: Option<Timestamp>,
    pub evidence: Option<EntryEvidence>,
    pub runbook_ref: Option<RunbookRef>,
    pub drill_detail: Option<DrillDetail>,
    /// Filled in by a shared session before the journal writes it.
    pub share: Option<ShareDetail>,
}

impl Draft {
    pub fn new(time: Timestamp, kind: EntryKind) -> Self {
        Self {
            time,
            kind,
            scenario: None,
            step: None,
            note: None,
            undoes: None,
            at: None,
            evidence: None,
            runbook_ref: None,
            drill_detail: None,
            share: None,
        }
    }
}
