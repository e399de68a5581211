//! Human durations in runbook files ("12h", "5m", "1h 30m", or plain seconds),
//! normalized to whole seconds everywhere else (JSON output, journal). The
//! one parser of written durations: runbooks, `screenshot --at`, the
//! console's incident-start prompt, and (for unit words) plan import.
//! Every duration is at most `MAX`, and times move by them only through
//! `later`/`earlier`, so no input can push a time out of jiff's range.

use std::fmt;

use jiff::{SignedDuration, Timestamp};

use serde::{Deserialize, Deserializer, Serialize, Serializer, de};

/// Seconds per unit. Signed like `Timestamp::as_second`, so timestamp
/// arithmetic (the simulator's) uses them as they are.
pub const MINUTE: i64 = 60;
pub const HOUR: i64 = 60 * MINUTE;
pub const DAY: i64 = 24 * HOUR;
pub const WEEK: i64 = 7 * DAY;

/// The longest duration accepted anywhere: 100 years. Anything longer is a
/// typo, and the bound keeps `now − duration` far inside jiff's ±9999 years.
pub const MAX: HumanDuration = HumanDuration(36_525 * DAY.unsigned_abs());

/// A non-negative duration with one-second resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct HumanDuration(pub u64);

impl HumanDuration {
    pub const fn from_secs(secs: u64) -> Self {
        Self(secs)
    }
    pub const fn from_mins(mins: u64) -> Self {
        Self(mins.saturating_mul(MINUTE.unsigned_abs()))
    }
    pub const fn from_hours(hours: u64) -> Self {
        Self(hours.saturating_mul(HOUR.unsigned_abs()))
    }
    pub const fn secs(self) -> u64 {
        self.0
    }
    pub fn as_signed(self) -> SignedDuration {
        SignedDuration::from_secs(i64::try_from(self.0).unwrap_or(i64::MAX))
    }

    /// Parses "12h", "5m", "1h 30m", "1h30m", "90s", "2d", "1.5h",
    /// "2 hours 15 minutes" or a bare number of seconds, up to `MAX`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("empty duration; write it like \"5m\", \"12h\" or \"1h 30m\"".into());
        }
        let secs = if text.bytes().all(|b| b.is_ascii_digit()) {
            // Too many digits for a u64 is still a number, just too long.
            text.parse::<f64>().ok()
        } else {
            sum_of_terms(text)
        };
        let secs = secs.ok_or_else(|| {
            format!("invalid duration {text:?}; write it like \"5m\", \"12h\" or \"1h 30m\"")
        })?;
        if secs > MAX.0 as f64 {
            return Err(too_long(&format!("{text:?}")));
        }
        // Whole and within MAX, so exact in both types.
        Ok(Self(secs as u64))
    }

    /// `secs` seconds, if that is at most `MAX`.
    pub fn within_max(secs: u64) -> Result<Self, String> {
        if secs > MAX.0 {
            return Err(too_long(&format!("{secs} seconds")));
        }
        Ok(Self(secs))
    }
}

/// The words of the error for a duration over `MAX`, for callers that
/// show it in place of their own hint.
pub const TOO_LONG: &str = "is longer than the longest accepted";

fn too_long(what: &str) -> String {
    format!("duration {what} {TOO_LONG}, {MAX} (100 years)")
}

impl From<HumanDuration> for SignedDuration {
    fn from(duration: HumanDuration) -> Self {
        duration.as_signed()
    }
}

/// `at` plus `by`, stopping at the latest time jiff holds instead of
/// overflowing: for times computed from data (the simulator, screenshots).
pub fn later(at: Timestamp, by: impl Into<SignedDuration>) -> Timestamp {
    at.saturating_add(by.into()).unwrap_or(Timestamp::MAX)
}

/// `at` minus `by`, stopping at the earliest time jiff holds.
pub fn earlier(at: Timestamp, by: impl Into<SignedDuration>) -> Timestamp {
    at.saturating_sub(by.into()).unwrap_or(Timestamp::MIN)
}

/// Whole seconds from `from` to `to`; 0 if `to` is earlier.
pub fn secs_between(from: jiff::Timestamp, to: jiff::Timestamp) -> u64 {
    u64::try_from(to.duration_since(from).as_secs()).unwrap_or(0)
}

/// The unit words (lower case; matched in any case) with their seconds:
/// one list for the parser and the JSON Schema's pattern.
pub const UNITS: [(&[&str], i64); 5] = [
    (&["s", "sec", "secs", "second", "seconds"], 1),
    (&["m", "min", "mins", "minute", "minutes"], MINUTE),
    (&["h", "hr", "hrs", "hour", "hours"], HOUR),
    (&["d", "day", "days"], DAY),
    (&["w", "wk", "wks", "week", "weeks"], WEEK),
];

/// Seconds per unit for a unit word, any case: s/sec/second(s),
/// m/min/minute(s), h/hr/hour(s), d/day(s), w/wk/week(s).
pub fn unit_secs(word: &str) -> Option<u64> {
    let word = word.to_ascii_lowercase();
    UNITS
        .iter()
        .find(|(words, _)| words.contains(&word.as_str()))
        .map(|(_, secs)| secs.unsigned_abs())
}

/// Terms of a number and a unit, with or without spaces or commas between
/// them; the total in seconds, each term rounded to the second (possibly
/// huge or infinite: the caller bounds it). None if anything else is there.
fn sum_of_terms(text: &str) -> Option<f64> {
    let mut rest = text;
    let mut total = 0.0;
    while !rest.is_empty() {
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number: f64 = rest[..number_end].parse().ok()?;
        rest = rest[number_end..].trim_start();
        let unit_end = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        // Digits and dots only, so never negative or NaN; at worst infinite.
        total += (number * unit_secs(&rest[..unit_end])? as f64).round();
        rest = rest[unit_end..].trim_start_matches(|c: char| c.is_whitespace() || c == ',');
    }
    Some(total)
}

impl fmt::Display for HumanDuration {
    /// Compact form that parses back: "0s", "45s", "5m", "1h30m", "2d4h".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == 0 {
            return f.write_str("0s");
        }
        let mut rest = self.0;
        for (unit, suffix) in [(DAY, "d"), (HOUR, "h"), (MINUTE, "m"), (1, "s")] {
            let size = unit.unsigned_abs();
            if rest >= size {
                write!(f, "{}{suffix}", rest / size)?;
                rest %= size;
            }
        }
        Ok(())
    }
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
                let secs =
                    u64::try_from(v).map_err(|_| E::custom("a duration cannot be negative"))?;
                self.visit_u64(secs)
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                HumanDuration::within_max(v).map_err(E::custom)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_written_form() {
        for (text, secs) in [
            ("45s", 45),
            ("5m", 300),
            ("12h", 43_200),
            ("1h 30m", 5_400),
            ("90", 90),
            ("90 seconds", 90),
            ("15m", 900),
            ("2 mins", 120),
            ("1h30m", 5_400),
            ("1 hour, 30 minutes", 5_400),
            ("1.5h", 5_400),
            ("26H", 93_600),
            ("2d", 172_800),
            ("8 days", 691_200),
            ("1w", 604_800),
            (" 900 ", 900),
        ] {
            assert_eq!(
                HumanDuration::parse(text),
                Ok(HumanDuration(secs)),
                "{text}"
            );
        }
    }

    #[test]
    fn rejects_what_is_not_a_duration() {
        assert!(
            HumanDuration::parse("")
                .unwrap_err()
                .contains("empty duration")
        );
        for text in [
            "soon",
            "12 hrs later",
            "5m ago",
            "-5m",
            "1h 30",
            "5.5",
            "1.2.3h",
            "5 fortnights",
            "h",
            "inf h",
            "5µs",
        ] {
            let error = HumanDuration::parse(text).unwrap_err();
            assert!(error.contains("invalid duration"), "{text}: {error}");
        }
    }

    #[test]
    fn refuses_more_than_a_hundred_years_naming_the_bound() {
        assert_eq!(HumanDuration::parse("36525d"), Ok(MAX));
        assert_eq!(HumanDuration::parse(&MAX.secs().to_string()), Ok(MAX));
        for text in [
            "36525d 1s",
            "3155760001",
            "18446744073709551615",
            "99999999999999999999",
            "99999999999999999999d",
            "1000000w",
            "14880952380w",
            "5000000000000000000000000000000000000000000h",
        ] {
            let error = HumanDuration::parse(text).unwrap_err();
            assert!(
                error.contains("longer than the longest accepted, 36525d (100 years)"),
                "{text}: {error}"
            );
        }
        let error = HumanDuration::within_max(u64::MAX).unwrap_err();
        assert!(
            error.contains("18446744073709551615 seconds is longer"),
            "{error}"
        );
    }

    #[test]
    fn times_move_by_durations_without_leaving_jiffs_range() {
        let now: Timestamp = "2026-03-14T02:00:00Z".parse().unwrap();
        let hour = HumanDuration::from_hours(1);
        assert_eq!(earlier(now, hour).to_string(), "2026-03-14T01:00:00Z");
        assert_eq!(later(now, hour).to_string(), "2026-03-14T03:00:00Z");
        assert_eq!(earlier(Timestamp::MIN, MAX), Timestamp::MIN);
        assert_eq!(later(Timestamp::MAX, MAX), Timestamp::MAX);
        let huge = HumanDuration(u64::MAX);
        assert_eq!(earlier(now, huge), Timestamp::MIN);
        assert_eq!(later(now, huge), Timestamp::MAX);
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
