use super::prelude::*;

/// The CloudWatch alarm is in this state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, expecting = "struct variant Verify::AlarmState")]
pub struct AlarmState {
    pub alarm: String,
    pub state: AlarmStateName,
}

impl Predicate for AlarmState {
    fn evaluate(&self, live: &LiveState, _: VerifyContext) -> Result<Evidence, Evidence> {
        let alarms = data(&live.alarms, "alarm")?;
        let alarm = alarms
            .alarm(&self.alarm)
            .ok_or_else(|| unseen(&self.alarm, alarms.unavailable.first()))?;
        fresh(&self.alarm, &alarm.stale)?;
        Ok(Evidence::judge(
            alarm.state == self.state,
            format!("{} is {}", self.alarm, alarm.state.as_str()),
        ))
    }
    fn label(&self) -> String {
        format!("alarm {} is {}", self.alarm, self.state.as_str())
    }
    fn watches(&self) -> Vec<Watched<'_>> {
        vec![Watched::Alarm(&self.alarm)]
    }
    fn examples() -> [&'static str; 2] {
        [
            r#"{ alarm = "db-down", state = "OK" }"#,
            r#"{ alarm = "app-5xx", state = "OK" }"#,
        ]
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AlarmStateName {
    #[serde(rename = "OK", alias = "ok")]
    Ok,
    #[serde(rename = "ALARM", alias = "alarm")]
    Alarm,
    #[serde(rename = "INSUFFICIENT_DATA", alias = "insufficient_data")]
    InsufficientData,
}

impl AlarmStateName {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}
