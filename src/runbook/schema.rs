//! The JSON Schema of runbook files (`drconsole schema`), generated from the
//! model types so it cannot drift from what the loader accepts. Editors'
//! TOML extensions read it through a `#:schema` line at the top of a file.
//! Draft 7: the newest draft Taplo (Even Better TOML) and Tombi both read.

use std::borrow::Cow;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use super::duration::{HumanDuration, MAX, UNITS};
use super::model::Runbook;

/// Where the importer's `#:schema` line points: a file beside the runbook,
/// written by `drconsole schema > drconsole.schema.json`. A relative path
/// works offline, and both Taplo and Tombi resolve it against the TOML file.
pub const SCHEMA_FILE: &str = "drconsole.schema.json";

/// The `#:schema` directive that heads an imported runbook.
pub fn directive() -> String {
    format!("#:schema ./{SCHEMA_FILE}")
}

/// The schema of a runbook file.
pub fn runbook_schema() -> Schema {
    SchemaSettings::draft07()
        .into_generator()
        .into_root_schema_for::<Runbook>()
}

/// Marks `field` required and drops its default: for lists the loader
/// insists on but reads with serde's `default`, so that it, not serde,
/// words the error when they are missing.
pub fn require(schema: &mut Schema, field: &str) {
    if let Some(Value::Object(property)) =
        schema.get_mut("properties").and_then(|p| p.get_mut(field))
    {
        property.remove("default");
    }
    match schema.get_mut("required") {
        Some(Value::Array(required)) => required.push(field.into()),
        _ => {
            schema.insert("required".into(), Value::Array(vec![field.into()]));
        }
    }
}

/// What `HumanDuration`'s deserializer accepts: a written duration or
/// whole seconds. The pattern cannot bound a written duration by `MAX`;
/// the loader still does.
impl JsonSchema for HumanDuration {
    fn schema_name() -> Cow<'static, str> {
        "Duration".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "A duration such as \"5m\", \"12h\", \"1h 30m\" or \"2 hours 15 minutes\", or a whole number of seconds (at most 100 years)",
            "anyOf": [
                { "type": "string", "pattern": duration_pattern() },
                { "type": "integer", "minimum": 0, "maximum": MAX.secs() }
            ]
        })
    }
}

/// The written durations `HumanDuration::parse` accepts, as an ECMA-262
/// pattern: bare digits, or terms of a number and a unit word (any case,
/// hence `[hH]`: JSON Schema patterns take no flags) with optional spaces
/// or commas between them.
pub fn duration_pattern() -> String {
    let mut words: Vec<&str> = UNITS
        .iter()
        .flat_map(|(words, _)| *words)
        .copied()
        .collect();
    // Longest first, so engines that take the first alternative that
    // matches still see "mins" before "m".
    words.sort_by_key(|w| std::cmp::Reverse(w.len()));
    let unit = words
        .iter()
        .map(|w| any_case(w))
        .collect::<Vec<_>>()
        .join("|");
    let number = r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)";
    format!(r"^\s*(?:[0-9]+|(?:{number}\s*(?:{unit})[\s,]*)+)\s*$")
}

/// "min" as "[mM][iI][nN]".
fn any_case(word: &str) -> String {
    word.chars()
        .map(|c| format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase()))
        .collect()
}
