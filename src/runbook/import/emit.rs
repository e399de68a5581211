//! Writes a runbook as TOML a person would edit: fixed key order, comments
//! saying where things came from, multi-line strings for long text, and
//! durations as "12h". Same input, same bytes.

use std::fmt::Write;

use crate::runbook::model::{Runbook, Step, Verify};

/// Where the runbook's parts came from, for comments.
#[derive(Debug, Clone, Default)]
pub struct Provenance {
    pub source: String,
    /// Comment for `[objectives]` (e.g. "RTO from line 8; RPO assumed").
    pub objectives: String,
    pub scenarios: Vec<ScenarioProvenance>,
    /// Per scenario, per step.
    pub steps: Vec<Vec<StepProvenance>>,
    /// Where the runbook description came from.
    pub description: Option<String>,
    /// Plan text kept verbatim as comments at the end (see `appendix`).
    pub appendix: String,
}

#[derive(Debug, Clone, Default)]
pub struct ScenarioProvenance {
    pub from: usize,
    pub to: usize,
    /// Comment lines before it: the headings of the sections that hold it.
    pub before: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct StepProvenance {
    /// Quoted plan lines that introduced it ("# line 58: Steps:").
    pub context: Vec<String>,
    /// Its source line (0: none).
    pub line: usize,
    /// The source line quoted, when the step does not carry its text.
    pub quote: Option<String>,
    pub verify_inferred: bool,
}

pub fn emit(runbook: &Runbook, prov: &Provenance) -> String {
    let mut out = String::new();
    let w = &mut out;
    line(
        w,
        &format!(
            "# Imported from {} by `drconsole import`.",
            one_line(&prov.source)
        ),
    );
    line(
        w,
        "# Review it: objectives, the environment and every `verify` were inferred;",
    );
    line(
        w,
        "# the import report lists what to check. Validate with `drconsole validate`.",
    );
    line(w, "");
    kv(w, "name", &string(&runbook.name));
    if let Some(d) = &runbook.description {
        if let Some(origin) = &prov.description {
            line(w, &format!("# From {}", one_line(origin)));
        }
        kv(w, "description", &string(d));
    }
    line(w, "");
    line(w, "[objectives]");
    if !prov.objectives.is_empty() {
        for part in prov.objectives.lines() {
            line(w, &format!("# {part}"));
        }
    }
    kv(w, "rto", &string(&runbook.objectives.rto.to_string()));
    kv(w, "rpo", &string(&runbook.objectives.rpo.to_string()));
    environment(w, runbook);
    for (i, scenario) in runbook.scenarios.iter().enumerate() {
        line(w, "");
        if let Some(p) = prov.scenarios.get(i) {
            for comment in &p.before {
                line(w, comment);
            }
            line(
                w,
                &format!("# {} lines {}-{}", one_line(&prov.source), p.from, p.to),
            );
        }
        line(w, "[[scenario]]");
        kv(w, "id", &string(&scenario.id));
        kv(w, "title", &string(&scenario.title));
        if let Some(rto) = scenario.rto {
            kv(w, "rto", &string(&rto.to_string()));
        }
        if let Some(rpo) = scenario.rpo {
            kv(w, "rpo", &string(&rpo.to_string()));
        }
        if let Some(d) = &scenario.description {
            kv(w, "description", &string(d));
        }
        for (j, step) in scenario.steps.iter().enumerate() {
            let p = prov.steps.get(i).and_then(|s| s.get(j));
            line(w, "");
            if let Some(p) = p {
                for comment in &p.context {
                    line(w, comment);
                }
                match &p.quote {
                    Some(quote) => line(w, quote),
                    None if p.line > 0 => {
                        let _ = writeln!(w, "# line {}", p.line);
                    }
                    None => {}
                }
            }
            line(w, "[[scenario.step]]");
            step_body(w, step, p.is_some_and(|p| p.verify_inferred));
        }
    }
    out.push_str(&prov.appendix);
    out
}

fn environment(w: &mut String, runbook: &Runbook) {
    let env = &runbook.environment;
    line(w, "");
    line(w, "[environment]");
    let mut regions = format!("{{ primary = {}", string(&env.regions.primary));
    if let Some(dr) = &env.regions.dr {
        let _ = write!(regions, ", dr = {}", string(dr));
    }
    regions.push_str(" }");
    kv(w, "regions", &regions);
    if let Some(account) = &env.account {
        kv(w, "account", &string(account));
    }
    for rds in &env.rds {
        line(w, "");
        line(w, "[[environment.rds]]");
        kv(w, "id", &string(&rds.id));
        if let Some(r) = &rds.region {
            kv(w, "region", &string(r));
        }
        let role = match rds.role {
            crate::runbook::model::RdsRole::Primary => "primary",
            crate::runbook::model::RdsRole::Replica => "replica",
        };
        kv(w, "role", &string(role));
        if let Some(s) = &rds.source {
            kv(w, "source", &string(s));
        }
        if let Some(e) = &rds.engine {
            kv(w, "engine", &string(e));
        }
    }
    for ecs in &env.ecs {
        line(w, "");
        line(w, "[[environment.ecs]]");
        kv(w, "cluster", &string(&ecs.cluster));
        kv(w, "service", &string(&ecs.service));
        if let Some(r) = &ecs.region {
            kv(w, "region", &string(r));
        }
    }
    for vault in &env.backup_vaults {
        line(w, "");
        line(w, "[[environment.backup_vaults]]");
        kv(w, "name", &string(&vault.name));
        if let Some(r) = &vault.region {
            kv(w, "region", &string(r));
        }
    }
    if !env.alarms.names.is_empty() || !env.alarms.prefixes.is_empty() {
        line(w, "");
        line(w, "[environment.alarms]");
        kv(w, "names", &array(&env.alarms.names));
        kv(w, "prefixes", &array(&env.alarms.prefixes));
    }
    let t = &env.thresholds;
    if t.replica_lag.is_some() || t.recovery_point_age.is_some() {
        line(w, "");
        line(w, "[environment.thresholds]");
        if let Some(d) = t.replica_lag {
            kv(w, "replica_lag", &string(&d.to_string()));
        }
        if let Some(d) = t.recovery_point_age {
            kv(w, "recovery_point_age", &string(&d.to_string()));
        }
    }
}

fn step_body(w: &mut String, step: &Step, verify_inferred: bool) {
    kv(w, "id", &string(&step.id));
    kv(w, "title", &string(&step.title));
    if let Some(role) = &step.role {
        kv(w, "role", &string(role));
    }
    if let Some(expected) = step.expected {
        kv(w, "expected", &string(&expected.to_string()));
    }
    if let Some(detail) = &step.detail {
        kv(w, "detail", &string(detail));
    }
    if !step.commands.is_empty() {
        kv(w, "commands", &array(&step.commands));
    }
    if let Some(verify) = &step.verify {
        if verify_inferred {
            line(
                w,
                "# verify inferred from the commands above; adjust or remove",
            );
        }
        match verify {
            Verify::All(checks) | Verify::Any(checks) => {
                let key = if matches!(verify, Verify::All(_)) {
                    "verify.all"
                } else {
                    "verify.any"
                };
                line(w, &format!("{key} = ["));
                for check in checks {
                    line(w, &format!("  {{ {} }},", check.to_inline_toml()));
                }
                line(w, "]");
            }
            other => line(w, &format!("verify.{}", other.to_inline_toml())),
        }
    }
}

fn line(w: &mut String, text: &str) {
    w.push_str(text);
    w.push('\n');
}

fn kv(w: &mut String, key: &str, value: &str) {
    let _ = writeln!(w, "{key} = {value}");
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn array(items: &[String]) -> String {
    if items.is_empty() {
        return "[]".to_owned();
    }
    let mut out = String::from("[\n");
    for item in items {
        let _ = writeln!(out, "  {},", string(item));
    }
    out.push(']');
    out
}

/// A TOML string: plain when nothing needs escaping, literal ('…') when
/// only quotes or backslashes would, a multi-line string for text with line
/// breaks, escaped otherwise.
pub fn string(text: &str) -> String {
    let awkward = |c: char| (c.is_control() && c != '\t') || c == '\u{7f}';
    if text.contains('\n') && !text.chars().any(|c| awkward(c) && c != '\n') {
        return multi_line(text);
    }
    let needs_escape = text.contains(['"', '\\']);
    if !needs_escape && !text.chars().any(awkward) {
        return format!("\"{text}\"");
    }
    if !text.contains('\'') && !text.chars().any(awkward) {
        return format!("'{text}'");
    }
    escaped(text)
}

fn escape_char(c: char, out: &mut String) {
    match c {
        '"' => out.push_str("\\\""),
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push('\t'),
        c if c.is_control() || c == '\u{7f}' => {
            let _ = write!(out, "\\u{:04X}", c as u32);
        }
        c => out.push(c),
    }
}

fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        escape_char(c, &mut out);
    }
    out.push('"');
    out
}

/// `"""` string starting on its own line. Backslashes are escaped, and a
/// quote is escaped when it follows another so no `"""` can form.
fn multi_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("\"\"\"\n");
    let mut prev_quote = false;
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '"' if prev_quote || i + 1 == chars.len() => {
                out.push_str("\\\"");
                prev_quote = false;
            }
            '"' => {
                out.push('"');
                prev_quote = true;
            }
            '\\' => {
                out.push_str("\\\\");
                prev_quote = false;
            }
            '\n' => {
                out.push('\n');
                prev_quote = false;
            }
            c => {
                escape_char(c, &mut out);
                prev_quote = false;
            }
        }
    }
    out.push_str("\"\"\"");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize)]
    struct Wrap {
        v: String,
    }

    #[test]
    fn strings_round_trip() {
        let cases = [
            "plain",
            "with \"quotes\"",
            "back\\slash",
            "both ' and \" and \\",
            "line one\nline \"two\"\n\"\"\" triple",
            "ends with quote\"",
            "ends\nwith quote\"",
            "control \u{1} \u{7f} char",
            "tab\there",
            "\n leading newline",
            "trailing newline\n",
            "carriage\r\nreturn",
            "",
        ];
        for case in cases {
            let doc = format!("v = {}\n", string(case));
            let back: Wrap = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(back.v, case, "{doc}");
        }
    }
}
