use super::prelude::*;
use jiff::Timestamp;

/// The instance's (or cluster's) point-in-time window covers the incident
/// start minus `before_incident` (before a declaration: now minus it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::PitrCovers")]
pub struct PitrCovers {
    pub instance: String,
    #[serde(default)]
    pub before_incident: HumanDuration,
}

impl Predicate for PitrCovers {
    fn evaluate(&self, live: &LiveState, ctx: VerifyContext) -> Result<Evidence, Evidence> {
        // Before a declaration, readiness asks about a failure right now.
        let start = ctx.incident_start.unwrap_or(ctx.now);
        let db = Database::find(live, &self.instance)?;
        let target = earlier(start, self.before_incident);
        Ok(match db.restore_window() {
            (Some(from), Some(to)) => Evidence::judge(
                from <= target && target <= to,
                format!("window {} – {}", clock(from), clock(to)),
            ),
            _ => match db.unavailable(live, FeedKey::WINDOWS_API) {
                Some(e) => Evidence::unknown(format!("{} restore window unknown: {e}", db.name())),
                None => Evidence::not_met(format!("{} has no restore window", db.name())),
            },
        })
    }
    fn label(&self) -> String {
        match self.before_incident.secs() {
            0 => format!("PITR window of {} covers now", self.instance),
            _ => format!(
                "PITR window of {} covers now − {}",
                self.instance, self.before_incident
            ),
        }
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::Database(&self.instance)]
    }
    /// The restore window is drawn with the recovery points.
    fn shown_in(&self) -> Vec<SourceKind> {
        vec![SourceKind::Backups]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ instance = "db", before_incident = "5m" }"#,
            r#"{ instance = "db", before_incident = "8d" }"#,
        ]
    }
}

fn clock(at: Timestamp) -> String {
    at.strftime("%m-%d %H:%M").to_string()
}
