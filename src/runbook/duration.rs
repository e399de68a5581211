//! Human durations in runbook files ("12h", "5m", "1h 30m", or plain seconds),
//! normalized to whole seconds everywhere else (JSON output, journal).

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// A non-negative duration with one-second resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HumanDuration(pub u64);

impl HumanDuration {
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }
    pub const fn from_mins(mins: u64) -> Self {
        Self(mins * 60)
    }
    pub const fn from_hours(hours: u64) -> Self {
        Self(hours * 3600)
    }
    pub const fn secs(self) -> u64 {
        self.0
    }
    pub fn as_std(self) -> Duration {
        Duration::from_secs(self.0)
    }
    pub fn as_signed(self) -> jiff::SignedDuration {
        jiff::SignedDuration::from_secs(self.0 as i64)
    }

    /// Parses "12h", "5m", "1h 30m", "90s", "2d" or a bare number of seconds.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty duration; write it like \"5m\", \"12h\" or \"1h 30m\"".into());
        }
        if let Ok(secs) = text.parse::<u64>() {
            return Ok(Self(secs));
        }
        humantime::parse_duration(text)
            .map(|d| Self(d.as_secs()))
            .map_err(|e| {
                format!(
                    "invalid duration {text:?} ({e}); write it like \"5m\", \"12h\" or \"1h 30m\""
                )
            })
    }
}

impl fmt::Display for HumanDuration {
    /// Compact form that parses back: "0s", "45s", "5m", "1h30m", "2d4h".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        format_compact(self.0, f)
    }
}

fn format_compact(secs: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if secs == 0 {
        return f.write_str("0s");
    }
    let units = [(86_400, "d"), (3_600, "h"), (60, "m"), (1, "s")];
    let mut rest = secs;
    for (size, suffix) in units {
        if rest >= size {
            write!(f, "{}{suffix}", rest / size)?;
            rest %= size;
        }
    }
    Ok(())
}

impl Serialize for HumanDuration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u64(self.0)
    }
}

impl<'de> Deserialize<'de> for HumanDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl de::Visitor<'_> for Visitor {
            type Value = HumanDuration;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration such as \"5m\", \"12h\" or a number of seconds")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                HumanDuration::parse(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                u64::try_from(v)
                    .map(HumanDuration)
                    .map_err(|_| E::custom("a duration cannot be negative"))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(HumanDuration(v))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_human_forms() {
        assert_eq!(HumanDuration::parse("12h").unwrap().secs(), 43_200);
        assert_eq!(HumanDuration::parse("5m").unwrap().secs(), 300);
        assert_eq!(HumanDuration::parse("1h 30m").unwrap().secs(), 5_400);
        assert_eq!(HumanDuration::parse("90").unwrap().secs(), 90);
        assert!(
            HumanDuration::parse("soon")
                .unwrap_err()
                .contains("invalid duration")
        );
        assert!(HumanDuration::parse("").is_err());
    }

    #[test]
    fn display_round_trips() {
        for secs in [0, 45, 300, 5_400, 43_200, 190_861] {
            let shown = HumanDuration(secs).to_string();
            assert_eq!(
                HumanDuration::parse(&shown).unwrap().secs(),
                secs,
                "{shown}"
            );
        }
        assert_eq!(HumanDuration(5_400).to_string(), "1h30m");
    }
}
