//! Evaluates a step's `verify` predicate against the live state. Pure: the
//! caller passes the state and the clocks; the result carries the value seen
//! so it can be shown beside the step and written to the journal. Each
//! predicate judges itself (`runbook::predicates`); `all` / `any` combine.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::snapshot::LiveState;
use crate::runbook::model::Verify;
use crate::runbook::predicates::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Met,
    NotMet,
    /// The data needed is missing (not fetched yet, or its source failed).
    Unknown,
}

/// The outcome of a check and the value it was judged on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub outcome: Outcome,
    pub seen: String,
}

/// The clocks a check may depend on.
#[derive(Debug, Clone, Copy)]
pub struct VerifyContext {
    pub now: Timestamp,
    pub incident_start: Option<Timestamp>,
}

pub fn evaluate(check: &Verify, live: &LiveState, ctx: VerifyContext) -> Evidence {
    match check.node() {
        Node::Leaf(p) => p.evaluate(live, ctx).unwrap_or_else(|settled| settled),
        Node::All(checks) => combine(checks, live, ctx, true),
        Node::Any(checks) => combine(checks, live, ctx, false),
    }
}

/// `all`: met when every part is met, not met as soon as one is not.
/// `any`: met as soon as one part is met. Otherwise unknown.
fn combine(checks: &[Verify], live: &LiveState, ctx: VerifyContext, all: bool) -> Evidence {
    let parts: Vec<Evidence> = checks.iter().map(|c| evaluate(c, live, ctx)).collect();
    let seen = parts
        .iter()
        .map(|e| e.seen.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    let has = |o: Outcome| parts.iter().any(|e| e.outcome == o);
    let outcome = match all {
        true if has(Outcome::NotMet) => Outcome::NotMet,
        true if has(Outcome::Unknown) => Outcome::Unknown,
        true => Outcome::Met,
        false if has(Outcome::Met) => Outcome::Met,
        false if has(Outcome::Unknown) => Outcome::Unknown,
        false => Outcome::NotMet,
    };
    Evidence { outcome, seen }
}

/// "45s", "12m", "3h", "2d": the largest whole unit, for tight columns.
pub fn short_age(secs: u64) -> String {
    match secs {
        s if s < 120 => format!("{s}s"),
        s if s < 7_200 => format!("{}m", s / 60),
        s if s < 172_800 => format!("{}h", s / 3_600),
        s => format!("{}d", s / 86_400),
    }
}
