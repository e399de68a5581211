//! How a shared session stands, as the header shows it.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::domain::verify::short_age;
use crate::runbook::duration::secs_between;

/// Taking part, or only watching (`join --follow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Write,
    Follow,
}

/// A console seen in the session lately (its heartbeat).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    pub actor: String,
    pub console: String,
    pub mode: Mode,
}

/// What the share's task last knew.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareStatus {
    /// `s3://bucket/prefix/session`.
    pub session: String,
    pub mode: Mode,
    /// The consoles whose heartbeat is recent, this one included.
    pub participants: Vec<Participant>,
    /// This console's entries not yet in the shared log.
    pub waiting: usize,
    /// Since when S3 has not answered (or answered only errors).
    pub unreachable_since: Option<Timestamp>,
    /// The last error, while S3 is unreachable.
    pub error: Option<String>,
    /// S3 answers, but with an error that waiting will not mend (no such
    /// bucket, …): shown in full.
    pub failing: Option<String>,
    /// S3 refused this console's writes: it only follows.
    pub denied: Option<String>,
    /// The shared log is not one chain: nothing after the break is merged.
    pub broken: Option<String>,
}

impl ShareStatus {
    pub fn new(session: String, mode: Mode) -> Self {
        Self {
            session,
            mode,
            participants: Vec::new(),
            waiting: 0,
            unreachable_since: None,
            error: None,
            failing: None,
            denied: None,
            broken: None,
        }
    }

    /// How the header colours it: broken or refused is critical, waiting
    /// or unreachable a warning.
    pub fn health(&self) -> crate::domain::health::Health {
        use crate::domain::health::Health;
        if self.broken.is_some() || self.denied.is_some() || self.failing.is_some() {
            Health::Critical
        } else if self.unreachable_since.is_some() || self.waiting > 0 {
            Health::Warn
        } else {
            Health::Ok
        }
    }

    /// One line: who is in, and whether this console is in sync.
    pub fn describe(&self, now: Timestamp) -> String {
        let state = if let Some(broken) = &self.broken {
            format!("shared log broken, not merging: {broken}")
        } else if let Some(denied) = &self.denied {
            format!(
                "follow only: S3 refused this console's writes ({denied}); {} kept in the local journal",
                entries(self.waiting)
            )
        } else if let Some(since) = self.unreachable_since {
            let waiting = match (self.waiting, self.mode) {
                (_, Mode::Follow) => String::new(),
                (0, _) => "nothing waiting, ".to_string(),
                (n, _) => format!("{} waiting, ", entries(n)),
            };
            let how_long = short_age(secs_between(since, now));
            match &self.failing {
                Some(why) => format!("{waiting}S3 failing for {how_long}: {why}"),
                None => format!("{waiting}S3 unreachable for {how_long}"),
            }
        } else if self.waiting > 0 {
            format!("{} waiting", entries(self.waiting))
        } else {
            "in sync".to_string()
        };
        let mode = match self.mode {
            Mode::Follow => "following (read-only) · ",
            Mode::Write => "",
        };
        format!("share: {mode}{state}{}", self.who())
    }

    /// " · alice, bob, 1 following", or nothing before any heartbeat is seen.
    fn who(&self) -> String {
        let writers: Vec<&str> = self
            .participants
            .iter()
            .filter(|p| p.mode == Mode::Write)
            .map(|p| p.actor.as_str())
            .collect();
        let followers = self
            .participants
            .iter()
            .filter(|p| p.mode == Mode::Follow)
            .count();
        let mut parts = Vec::new();
        if !writers.is_empty() {
            parts.push(writers.join(", "));
        }
        if followers > 0 {
            parts.push(format!("{followers} following"));
        }
        match parts.is_empty() {
            true => String::new(),
            false => format!(" · {}", parts.join(", ")),
        }
    }
}

fn entries(n: usize) -> String {
    match n {
        1 => "1 entry".to_string(),
        n => format!("{n} entries"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn the_header_line_says_who_and_how_in_sync() {
        let mut status = ShareStatus::new("s3://b/p/s".into(), Mode::Write);
        let now = at("2026-12-03T10:00:40Z");
        assert_eq!(status.describe(now), "share: in sync");
        status.participants = vec![
            Participant {
                actor: "alice".into(),
                console: "a1".into(),
                mode: Mode::Write,
            },
            Participant {
                actor: "bob".into(),
                console: "b1".into(),
                mode: Mode::Write,
            },
            Participant {
                actor: "projector".into(),
                console: "p1".into(),
                mode: Mode::Follow,
            },
        ];
        assert_eq!(
            status.describe(now),
            "share: in sync · alice, bob, 1 following"
        );
        status.waiting = 3;
        status.unreachable_since = Some(at("2026-12-03T10:00:00Z"));
        assert_eq!(
            status.describe(now),
            "share: 3 entries waiting, S3 unreachable for 40s · alice, bob, 1 following"
        );
        assert_eq!(status.health(), crate::domain::health::Health::Warn);
        status.failing = Some("ListObjectsV2 on b: NoSuchBucket".into());
        assert_eq!(
            status.describe(now),
            "share: 3 entries waiting, S3 failing for 40s: ListObjectsV2 on b: NoSuchBucket \
             · alice, bob, 1 following"
        );
        assert_eq!(status.health(), crate::domain::health::Health::Critical);
        status.mode = Mode::Follow;
        status.failing = None;
        assert_eq!(
            status.describe(now),
            "share: following (read-only) · S3 unreachable for 40s · alice, bob, 1 following"
        );
    }
}
