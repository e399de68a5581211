//! Writes a runbook as TOML a person would edit: fixed key order, comments
//! saying where things came from, multi-line strings for long text, and
//! durations as "12h". Same input, same bytes.

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Key, Table, Value};

use crate::runbook::duration::HumanDuration;
use crate::runbook::model::{RdsRole, Runbook, Step, Verify};
use crate::runbook::schema;

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
    let mut doc = DocumentMut::new();
    // The schema directive first, then a blank line: Taplo and Tombi read
    // it only as the document's header comment.
    doc.decor_mut().set_prefix(format!(
        "{}\n\n\
         # Imported from {} by `drconsole import`.\n\
         # Review it: objectives, the environment and every `verify` were inferred;\n\
         # the import report lists what to check. Validate with `drconsole validate`.\n\
         # Editor help: `drconsole schema > {}` beside this file.\n\n",
        schema::directive(),
        one_line(&prov.source),
        schema::SCHEMA_FILE,
    ));
    let root = doc.as_table_mut();
    put(root, "name", runbook.name.as_str());
    if let Some(d) = &runbook.description {
        let origin = prov.description.as_deref().map(one_line);
        let comment = origin.map_or_else(String::new, |o| format!("# From {o}\n"));
        put_commented(root, "description", d.as_str(), comment);
    }
    let mut objectives = table("\n");
    let comments: String = prov
        .objectives
        .lines()
        .map(|l| format!("# {l}\n"))
        .collect();
    let rto = runbook.objectives.rto.to_string();
    put_commented(&mut objectives, "rto", rto, comments);
    put(&mut objectives, "rpo", runbook.objectives.rpo.to_string());
    root.insert("objectives", Item::Table(objectives));
    root.insert("environment", Item::Table(environment(runbook)));
    let mut scenarios = ArrayOfTables::new();
    for (i, scenario) in runbook.scenarios.iter().enumerate() {
        let mut head = String::from("\n");
        if let Some(p) = prov.scenarios.get(i) {
            p.before
                .iter()
                .for_each(|c| head.push_str(&format!("{c}\n")));
            let source = one_line(&prov.source);
            head.push_str(&format!("# {source} lines {}-{}\n", p.from, p.to));
        }
        let mut t = table(&head);
        put(&mut t, "id", scenario.id.as_str());
        put(&mut t, "title", scenario.title.as_str());
        optional(&mut t, "rto", scenario.rto.map(|d| d.to_string()));
        optional(&mut t, "rpo", scenario.rpo.map(|d| d.to_string()));
        optional(&mut t, "description", scenario.description.as_deref());
        if !scenario.ready.is_empty()
            && let Some((_, Value::Array(mut list))) = Verify::All(scenario.ready.clone()).to_toml()
        {
            one_per_line(&mut list);
            put_commented(
                &mut t,
                "ready",
                list,
                "# ready inferred from the plan's prerequisites; adjust or remove\n".to_owned(),
            );
        }
        let mut steps = ArrayOfTables::new();
        for (j, step) in scenario.steps.iter().enumerate() {
            steps.push(step_table(step, prov.steps.get(i).and_then(|s| s.get(j))));
        }
        if !steps.is_empty() {
            t.insert("step", Item::ArrayOfTables(steps));
        }
        scenarios.push(t);
    }
    if !scenarios.is_empty() {
        root.insert("scenario", Item::ArrayOfTables(scenarios));
    }
    doc.set_trailing(&prov.appendix);
    doc.to_string()
}

/// A table whose header has `prefix` (blank lines, comments) before it.
fn table(prefix: &str) -> Table {
    let mut t = Table::new();
    t.decor_mut().set_prefix(prefix);
    t
}

fn put(t: &mut Table, key: &str, value: impl Into<Value>) {
    put_commented(t, key, value, String::new());
}

/// `key = value`, with comment lines before it.
fn put_commented(t: &mut Table, key: &str, value: impl Into<Value>, comments: String) {
    let mut k = Key::new(key);
    k.leaf_decor_mut().set_prefix(comments);
    t.insert_formatted(&k, Item::Value(value.into()));
}

fn environment(runbook: &Runbook) -> Table {
    let env = &runbook.environment;
    let mut t = table("\n");
    let mut regions = InlineTable::new();
    regions.insert("primary", env.regions.primary.as_str().into());
    if let Some(dr) = &env.regions.dr {
        regions.insert("dr", dr.as_str().into());
    }
    put(&mut t, "regions", regions);
    optional(&mut t, "account", env.account.as_deref());
    let mut rds = ArrayOfTables::new();
    for r in &env.rds {
        let mut e = table("\n");
        put(&mut e, "id", r.id.as_str());
        optional(&mut e, "region", r.region.as_deref());
        let role = match r.role {
            RdsRole::Primary => "primary",
            RdsRole::Replica => "replica",
        };
        put(&mut e, "role", role);
        optional(&mut e, "source", r.source.as_deref());
        optional(&mut e, "engine", r.engine.as_deref());
        rds.push(e);
    }
    let mut clusters = ArrayOfTables::new();
    for c in &env.rds_clusters {
        let mut e = table("\n");
        put(&mut e, "id", c.id.as_str());
        optional(&mut e, "region", c.region.as_deref());
        optional(&mut e, "engine", c.engine.as_deref());
        clusters.push(e);
    }
    let mut ecs = ArrayOfTables::new();
    for s in &env.ecs {
        let mut e = table("\n");
        put(&mut e, "cluster", s.cluster.as_str());
        put(&mut e, "service", s.service.as_str());
        optional(&mut e, "region", s.region.as_deref());
        ecs.push(e);
    }
    let mut vaults = ArrayOfTables::new();
    for v in &env.backup_vaults {
        let mut e = table("\n");
        put(&mut e, "name", v.name.as_str());
        optional(&mut e, "region", v.region.as_deref());
        vaults.push(e);
    }
    for (key, list) in [
        ("rds", rds),
        ("rds_clusters", clusters),
        ("ecs", ecs),
        ("backup_vaults", vaults),
    ] {
        if !list.is_empty() {
            t.insert(key, Item::ArrayOfTables(list));
        }
    }
    if !env.alarms.names.is_empty() || !env.alarms.prefixes.is_empty() {
        let mut a = table("\n");
        put(&mut a, "names", lines(&env.alarms.names));
        put(&mut a, "prefixes", lines(&env.alarms.prefixes));
        t.insert("alarms", Item::Table(a));
    }
    let th = &env.thresholds;
    if th.replica_lag.is_some() || th.recovery_point_age.is_some() {
        let mut e = table("\n");
        let text = |d: Option<HumanDuration>| d.map(|d| d.to_string());
        optional(&mut e, "replica_lag", text(th.replica_lag));
        optional(&mut e, "recovery_point_age", text(th.recovery_point_age));
        t.insert("thresholds", Item::Table(e));
    }
    t
}

fn optional(t: &mut Table, key: &str, value: Option<impl Into<Value>>) {
    if let Some(v) = value {
        put(t, key, v);
    }
}

fn step_table(step: &Step, p: Option<&StepProvenance>) -> Table {
    let mut head = String::from("\n");
    if let Some(p) = p {
        p.context
            .iter()
            .for_each(|c| head.push_str(&format!("{c}\n")));
        match &p.quote {
            Some(quote) => head.push_str(&format!("{quote}\n")),
            None if p.line > 0 => head.push_str(&format!("# line {}\n", p.line)),
            None => {}
        }
    }
    let mut t = table(&head);
    put(&mut t, "id", step.id.as_str());
    put(&mut t, "title", step.title.as_str());
    optional(&mut t, "role", step.role.as_deref());
    optional(&mut t, "expected", step.expected.map(|e| e.to_string()));
    optional(&mut t, "detail", step.detail.as_deref());
    if !step.commands.is_empty() {
        put(&mut t, "commands", lines(&step.commands));
    }
    if let Some((key, mut check)) = step.verify.as_ref().and_then(Verify::to_toml) {
        if let Value::Array(list) = &mut check {
            one_per_line(list);
        }
        let comment = match p.is_some_and(|p| p.verify_inferred) {
            true => "# verify inferred from the commands above; adjust or remove\n",
            false => "",
        };
        let mut verify = Table::new();
        verify.set_dotted(true);
        put_commented(&mut verify, &key, check, comment.to_owned());
        t.insert("verify", Item::Table(verify));
    }
    t
}

/// An array written one item a line, as people edit lists of commands.
fn lines(items: &[String]) -> Array {
    let mut list: Array = items.iter().map(String::as_str).collect();
    one_per_line(&mut list);
    list
}

fn one_per_line(list: &mut Array) {
    if list.is_empty() {
        return;
    }
    list.iter_mut()
        .for_each(|v| v.decor_mut().set_prefix("\n  "));
    list.set_trailing_comma(true);
    list.set_trailing("\n");
}

fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
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
            let mut doc = DocumentMut::new();
            put(doc.as_table_mut(), "v", case);
            let doc = doc.to_string();
            let back: Wrap = toml::from_str(&doc).unwrap_or_else(|e| panic!("{doc}: {e}"));
            assert_eq!(back.v, case, "{doc}");
        }
    }

    #[test]
    fn nested_checks_are_written_one_a_line_and_read_back() {
        let text = "id = \"a\"\ntitle = \"t\"\nverify.all = [\n  { instance_promoted = { instance = \"x\" } },\n  { any = [{ instance_exists = { instance = \"y\" } }, { alarm_state = { alarm = \"z\", state = \"OK\" } }] },\n]\n";
        let step: Step = toml::from_str(text).unwrap();
        let mut doc = DocumentMut::new();
        let mut steps = ArrayOfTables::new();
        steps.push(step_table(&step, None));
        doc.insert("step", Item::ArrayOfTables(steps));
        let written = doc.to_string();
        assert_eq!(written, format!("\n[[step]]\n{text}"));
        #[derive(serde::Deserialize)]
        struct Steps {
            step: Vec<Step>,
        }
        let back: Steps = toml::from_str(&written).unwrap();
        assert_eq!(back.step, [step]);
    }
}
