use super::prelude::*;

/// The CloudWatch alarm is in this state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
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
        if let Some(e) = &alarm.stale {
            return Err(not_read(&self.alarm, e));
        }
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
    pub const ALL: [Self; 3] = [Self::Ok, Self::Alarm, Self::InsufficientData];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "OK",
            Self::Alarm => "ALARM",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

/// By hand: the derive leaves out serde's lower-case aliases.
impl JsonSchema for AlarmStateName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AlarmStateName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<String> = Self::ALL
            .iter()
            .flat_map(|s| [s.as_str().to_owned(), s.as_str().to_ascii_lowercase()])
            .collect();
        schemars::json_schema!({ "type": "string", "enum": names })
    }
}
