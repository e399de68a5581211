//! `drconsole import`: a Markdown DR plan to a runbook. Scenarios come from
//! headings, steps from numbered lists, checklists, "Step N" headings or
//! numbered comments in shell blocks, commands from fenced blocks and inline
//! `aws …` spans, objectives from RTO/RPO lines and tables, the environment
//! from the commands' flags and labelled resources. Text that maps to
//! nothing is kept as description or detail; the report says what was
//! inferred, kept and worth checking.

mod appendix;
mod chains;
mod commands;
mod draft;
mod durations;
mod emit;
mod environment;
mod markdown;
mod objectives;
mod plan_text;
mod readiness;
mod report;
mod roles;
mod scenarios;
mod sections;
mod shapes;
mod source;
mod steps;
mod text;
mod timeline;
mod verify;

use std::collections::HashSet;
use std::fmt;

pub use report::{Note, NoteKind, Report, ScenarioSummary};

use self::commands::{LineKind, parse_shell};
use self::draft::{DraftScenario, DraftStep, ScenarioOrigin};
use self::environment::{CommandSite, Created};
use self::markdown::{Block, BlockKind};
use self::objectives::{Stated, TableRow, Which};
use self::report::Notes;
use self::scenarios::Outline;
use self::sections::{HeadingClass, Section, classify};
use self::source::SourceLines;
use self::text::{UniqueIds, slug, strip_section_number, words};
use super::duration::HumanDuration;
use super::model::{Objectives, Runbook, Scenario, Step};
use crate::runbook::aws_cli::simple_commands;

/// A successful import: the runbook, its TOML, and the report.
#[derive(Debug, Clone)]
pub struct Imported {
    pub runbook: Runbook,
    pub toml: String,
    pub report: Report,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ImportError {
    /// Nothing but whitespace.
    Empty { source: String },
    /// Binary, NUL bytes, UTF-16 or invalid UTF-8.
    NotText { source: String, why: String },
    /// Text, but nothing that reads as a procedure.
    NoProcedures { source: String },
    /// The emitted TOML did not read back as the runbook: a bug.
    Internal { source: String, why: String },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty { source } => write!(f, "{source}: the file is empty; nothing to import"),
            Self::NotText { source, why } => {
                write!(f, "{source}: not a text Markdown file ({why})")
            }
            Self::NoProcedures { source } => write!(
                f,
                "{source}: no procedures found. The importer looks for scenario headings \
                 (\"Scenario A: …\", \"Procedure 2: …\", \"Category 1 …\", failover / failback / \
                 restore / recovery / outage sections), numbered step lists, `- [ ]` checklists, \
                 \"Step N\" / \"Phase N\" headings, and shell code blocks whose comments number \
                 the steps (`# 1. …`)"
            ),
            Self::Internal { source, why } => write!(
                f,
                "{source}: internal error, the generated runbook did not read back ({why}); please report this"
            ),
        }
    }
}

impl std::error::Error for ImportError {}

/// The plan text as the importer reads it: line endings, look-alike spaces,
/// hyphens and quotes, mis-encodings and invisible characters normalised.
pub fn normalize(markdown: &str) -> String {
    text::normalize(markdown).0
}

/// Imports a plan file's bytes: refuses binary or non-UTF-8 input.
pub fn import_bytes(bytes: &[u8], source_name: &str) -> Result<Imported, ImportError> {
    let text = text::decode(bytes).map_err(|e| ImportError::NotText {
        source: source_name.to_owned(),
        why: match e {
            text::NotText::NulBytes { offset } => format!("NUL byte at offset {offset}"),
            text::NotText::Utf16 => "UTF-16 text; save it as UTF-8".to_owned(),
            text::NotText::InvalidUtf8 { line } => {
                format!("invalid UTF-8 on line {line}; save it as UTF-8")
            }
            text::NotText::Binary => "mostly control characters: looks binary".to_owned(),
        },
    })?;
    import(text, source_name)
}

/// Imports Markdown text. `source_name` names the plan in the output's
/// header comment, the report and errors.
pub fn import(markdown: &str, source_name: &str) -> Result<Imported, ImportError> {
    let source = source_name.to_owned();
    let (text, repaired) = text::normalize(markdown);
    if text.trim().is_empty() {
        return Err(ImportError::Empty { source });
    }
    let mut notes = Notes::default();
    if repaired > 0 {
        notes.check(
            None,
            format!("repaired {repaired} mis-encoded character sequence(s) (e.g. \"â€™\")"),
        );
    }
    let mut blocks = markdown::parse(&text);
    sections::bold_headings(&mut blocks, &text);
    let last_line = text.lines().count().max(1);
    let root = sections::tree(&blocks, last_line);
    let outline = scenarios::outline(&root);

    let mut drafts: Vec<Draft<'_>> = Vec::new();
    for section in &outline.scenarios {
        drafts.push(draft_of(section, ScenarioOrigin::Heading, &mut notes));
    }
    if drafts.is_empty() {
        let whole = whole_plan(&outline, &root, source_name);
        if !steps::has_procedure_content(&whole) {
            return Err(ImportError::NoProcedures { source });
        }
        notes.check(
            None,
            "no scenario headings found; the whole plan became one scenario",
        );
        drafts.push(draft_of(&whole, ScenarioOrigin::WholePlan, &mut notes));
    }
    for section in &outline.references {
        drafts.push(draft_of(section, ScenarioOrigin::Reference, &mut notes));
    }

    let context = outline.context_blocks();
    let (objectives, objective_note) =
        settle_objectives(&context, &outline, &mut drafts, &mut notes);

    let role_blocks: Vec<_> = outline.roles.iter().flat_map(|s| s.all_blocks()).collect();
    let mut roles = roles::find_roles(&role_blocks);
    if roles.is_empty() {
        roles = roles::find_roles_anywhere(&context);
    }
    for role in &roles {
        notes.inferred(
            role.line,
            format!("role \"{}\" from the roles section", role.name),
        );
    }

    let (environment, _created) = infer_environment(&text, &blocks, &context, &drafts, &mut notes);
    borrow_reference_commands(&mut drafts, &mut notes);
    chain_scenarios(&outline, &mut drafts, &mut notes);
    {
        let mut targets: Vec<&mut DraftScenario> = drafts
            .iter_mut()
            .map(|d| &mut d.scenario)
            .filter(|s| s.origin != ScenarioOrigin::Reference)
            .collect();
        readiness::apply(
            &outline.skipped,
            &outline.scenarios,
            &mut targets,
            &environment,
            &mut notes,
        );
    }

    let mut scenarios_out = Vec::new();
    let mut prov = emit::Provenance {
        source: source.clone(),
        objectives: objective_note,
        ..Default::default()
    };
    let src = SourceLines::new(&text);
    let draft_refs: Vec<&DraftScenario> = drafts.iter().map(|d| &d.scenario).collect();
    let plan_text = plan_text::place(&outline, &blocks, &src, &draft_refs, &mut notes);
    let mut headings_above = plan_text::container_headings(&outline, &draft_refs, &src);
    let description = join_text(&plan_text.lines);
    let mut summaries = Vec::new();
    let mut scenario_ids = UniqueIds::default();
    for (i, draft) in drafts.iter().map(|d| &d.scenario).enumerate() {
        let (mut scenario, step_prov) =
            finish_scenario(draft, &roles, &src, &mut scenario_ids, &mut notes);
        summaries.push(ScenarioSummary {
            id: scenario.id.clone(),
            title: scenario.title.clone(),
            line: draft.line,
            steps: scenario.steps.len(),
            commands: scenario.steps.iter().map(|s| s.commands.len()).sum(),
        });
        if scenario.description.is_some() && scenario.description == description {
            scenario.description = None;
        }
        prov.scenarios.push(emit::ScenarioProvenance {
            from: draft.line,
            to: draft.end_line,
            before: headings_above
                .get_mut(i)
                .map(std::mem::take)
                .unwrap_or_default(),
        });
        prov.steps.push(step_prov);
        scenarios_out.push(scenario);
    }
    prov.description = plan_text.origin.clone();
    prov.appendix = appendix::render(&plan_text.kept, &source, &src);

    let runbook = Runbook {
        name: runbook_name(&outline, source_name),
        description,
        objectives,
        environment,
        scenarios: scenarios_out,
    };
    let toml = emit::emit(&runbook, &prov);
    self_check(&toml, &runbook, &source)?;
    let mut notes = notes.0;
    notes.sort_by_key(|n| (n.kind, n.line.unwrap_or(0)));
    Ok(Imported {
        runbook,
        toml,
        report: Report {
            source,
            scenarios: summaries,
            notes,
        },
    })
}

/// Reads the emitted TOML back: it must be exactly the runbook.
fn self_check(toml: &str, runbook: &Runbook, source: &str) -> Result<(), ImportError> {
    let why = match toml::from_str::<Runbook>(toml) {
        Ok(back) if back == *runbook => return Ok(()),
        Ok(_) => "it read back different".to_owned(),
        Err(e) => e.to_string(),
    };
    Err(ImportError::Internal {
        source: source.to_owned(),
        why,
    })
}

/// A scenario's draft with the plan text it came from.
struct Draft<'a> {
    scenario: DraftScenario,
    blocks: Vec<&'a Block>,
    /// Headings above and inside it, with their lines (read for objectives).
    headings: Vec<(String, usize)>,
}

/// A scenario's draft, its blocks and its headings (for objectives).
fn draft_of<'a>(section: &Section<'a>, origin: ScenarioOrigin, notes: &mut Notes) -> Draft<'a> {
    let draft = steps::build_scenario(section, origin, notes);
    let blocks = section.all_blocks();
    let mut headings = Vec::new();
    collect_headings(section, &mut headings);
    Draft {
        scenario: draft,
        blocks,
        headings,
    }
}

/// Sections that chain scenarios ("Execute Scenario 2, then Scenario 4")
/// become scenarios of those scenarios' steps, placed in plan order.
fn chain_scenarios<'a>(outline: &Outline<'_, 'a>, drafts: &mut Vec<Draft<'a>>, notes: &mut Notes) {
    let named: Vec<chains::Named<'_>> = outline
        .scenarios
        .iter()
        .zip(drafts.iter())
        .filter(|(_, d)| d.scenario.origin == ScenarioOrigin::Heading)
        .map(|(s, d)| chains::Named {
            labels: chains::labels(&s.title),
            scenario: &d.scenario,
        })
        .collect();
    // A scenario whose steps only name other scenarios takes their steps.
    let mut replaced = Vec::new();
    for (i, section) in outline.scenarios.iter().enumerate() {
        let Some(draft) = drafts.get(i) else { break };
        if chains::only_references(&draft.scenario, &named)
            && let Some((scenario, names)) = chains::chain(section, &named)
        {
            replaced.push((i, scenario.steps, names));
        }
    }
    let mut chained = Vec::new();
    for section in outline.skipped.iter().filter(|s| {
        !matches!(
            classify(&s.title),
            HeadingClass::NotProcedure | HeadingClass::Roles | HeadingClass::Reference
        )
    }) {
        let Some((scenario, names)) = chains::chain(section, &named) else {
            continue;
        };
        notes.inferred(
            section.line,
            format!(
                "\"{}\" runs {} in order: made a scenario of their steps",
                scenario.title,
                names.join(", then ")
            ),
        );
        let mut headings = Vec::new();
        collect_headings(section, &mut headings);
        chained.push(Draft {
            scenario,
            blocks: section.all_blocks(),
            headings,
        });
    }
    for (i, steps, names) in replaced {
        if let Some(draft) = drafts.get_mut(i) {
            let title = &draft.scenario.title;
            notes.inferred(
                draft.scenario.line,
                format!(
                    "\"{title}\" runs {} in order: its steps are theirs",
                    names.join(", then ")
                ),
            );
            draft.scenario.steps = steps;
        }
    }
    for draft in chained {
        let at = drafts
            .iter()
            .position(|d| {
                d.scenario.origin == ScenarioOrigin::Reference
                    || d.scenario.line > draft.scenario.line
            })
            .unwrap_or(drafts.len());
        drafts.insert(at, draft);
    }
}

fn collect_headings(section: &Section<'_>, out: &mut Vec<(String, usize)>) {
    out.push((section.title.clone(), section.line));
    for child in &section.children {
        collect_headings(child, out);
    }
}

/// A plan without scenario headings: its procedure-bearing sections as one
/// scenario named after the plan.
fn whole_plan<'a>(outline: &Outline<'_, 'a>, root: &Section<'a>, source_name: &str) -> Section<'a> {
    let mut children: Vec<Section<'a>> = outline
        .skipped
        .iter()
        .chain(&outline.loose_steps)
        .filter(|s| classify(&s.title) != HeadingClass::NotProcedure)
        .map(|s| (*s).clone())
        .collect();
    children.sort_by_key(|s| s.line);
    Section {
        title: outline
            .title
            .as_ref()
            .map_or_else(|| file_stem(source_name), |(t, _)| t.clone()),
        level: 0,
        line: outline.title.as_ref().map_or(1, |(_, l)| *l),
        end_line: root.end_line,
        blocks: outline.intro.clone(),
        children,
    }
}

fn file_stem(source: &str) -> String {
    let name = source.rsplit(['/', '\\']).next().unwrap_or(source);
    name.rsplit_once('.')
        .map_or(name, |(stem, _)| stem)
        .to_owned()
}

fn runbook_name(outline: &Outline<'_, '_>, source_name: &str) -> String {
    let Some((title, _)) = &outline.title else {
        return file_stem(source_name);
    };
    let title = strip_section_number(title).trim().to_owned();
    let generic = words(&title).iter().all(|w| {
        matches!(
            w.as_str(),
            "disaster"
                | "recovery"
                | "dr"
                | "plan"
                | "runbook"
                | "the"
                | "bcp"
                | "business"
                | "continuity"
                | "document"
                | "and"
        )
    });
    if generic {
        format!("{title} ({})", file_stem(source_name))
    } else {
        title
    }
}

/// Joins kept lines into one text: trailing blank lines and runs of blank
/// lines removed; None when nothing is left.
fn join_text(lines: &[String]) -> Option<String> {
    let mut out = String::new();
    let mut blank = false;
    for line in lines {
        let line = line.trim_end();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push('\n');
            blank = false;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(line);
    }
    (!out.is_empty()).then_some(out)
}

const DEFAULT_RTO: HumanDuration = HumanDuration::from_hours(4);
const DEFAULT_RPO: HumanDuration = HumanDuration::from_hours(1);

/// Plan-wide objectives from the context; per-scenario ones from each
/// scenario's text and from RTO/RPO tables. Returns the objectives and a
/// comment for the TOML.
fn settle_objectives(
    context: &[&Block],
    outline: &Outline<'_, '_>,
    drafts: &mut [Draft<'_>],
    notes: &mut Notes,
) -> (Objectives, String) {
    let mut global: Vec<Stated> = Vec::new();
    objectives::scan_blocks(context, &mut global);
    if let Some((title, line)) = &outline.title {
        objectives::scan_line(title, *line, &mut global);
    }
    for draft in drafts.iter_mut() {
        scenario_objectives(draft, notes);
    }
    let mut all_blocks: Vec<&Block> = context.to_vec();
    for d in drafts.iter() {
        all_blocks.extend(d.blocks.iter().copied());
    }
    let rows = objectives::scan_tables(&all_blocks);
    let unmatched = objectives_from_rows(rows, drafts, notes);
    let mut plan = PlanObjectives {
        global: &global,
        unmatched: &unmatched,
        drafts,
        notes,
        comment: Vec::new(),
    };
    let rto = plan.pick(Which::Rto, DEFAULT_RTO);
    let rpo = plan.pick(Which::Rpo, DEFAULT_RPO);
    (Objectives { rto, rpo }, plan.comment.join("\n"))
}

/// A scenario's objectives stated in its headings and text.
fn scenario_objectives(draft: &mut Draft<'_>, notes: &mut Notes) {
    if draft.scenario.origin == ScenarioOrigin::WholePlan {
        // Its text is the plan's own: its objectives are the plan's.
        return;
    }
    let mut found = Vec::new();
    for (heading, line) in &draft.headings {
        objectives::scan_line(heading, *line, &mut found);
    }
    objectives::scan_blocks(&draft.blocks, &mut found);
    let scenario = &mut draft.scenario;
    for which in [Which::Rto, Which::Rpo] {
        let Some(s) = found.iter().find(|s| s.which == which) else {
            continue;
        };
        *scenario.objective_mut(which) = Some((s.value, s.line));
        let (name, title) = (which.name(), &scenario.title);
        notes.inferred(
            s.line,
            format!("{name} {} for \"{title}\" from \"{}\"", s.value, s.text),
        );
        if s.vague {
            notes.check(
                Some(s.line),
                format!("{name} of \"{title}\" read as 0 from \"{}\"", s.text),
            );
        }
    }
}

/// Gives each RTO/RPO table row to the scenario it names; returns the rows
/// that name none (categories, the plan as a whole).
fn objectives_from_rows(
    rows: Vec<TableRow>,
    drafts: &mut [Draft<'_>],
    notes: &mut Notes,
) -> Vec<TableRow> {
    // Matching every row against every scenario is quadratic; a plan this
    // large is generated, not written, so its rows stay plan-wide.
    let row_budget = rows.len().saturating_mul(drafts.len()) <= 2_000_000;
    let mut unmatched = Vec::new();
    for row in rows {
        let target = drafts
            .iter_mut()
            .take(if row_budget { usize::MAX } else { 0 })
            .find(|d| row_names_scenario(&row.key, &d.scenario.title));
        let Some(Draft { scenario, .. }) = target else {
            unmatched.push(row);
            continue;
        };
        for which in [Which::Rto, Which::Rpo] {
            let slot = scenario.objective_mut(which);
            let Some((v, vague)) = row.value(which).filter(|_| slot.is_none()) else {
                continue;
            };
            *slot = Some((v, row.line));
            let (name, title) = (which.name(), &scenario.title);
            notes.inferred(
                row.line,
                format!(
                    "{name} {v} for \"{title}\" from a table row \"{}\"",
                    row.key
                ),
            );
            if vague {
                notes.check(Some(row.line), format!("{name} of \"{title}\" read as 0"));
            }
        }
    }
    unmatched
}

/// Settles a plan-wide objective: stated in the plan's context, else the
/// largest in an objectives table, else the largest scenario's, else a
/// default; each choice noted for the report and the TOML comment.
struct PlanObjectives<'x, 'a> {
    global: &'x [Stated],
    unmatched: &'x [TableRow],
    drafts: &'x [Draft<'a>],
    notes: &'x mut Notes,
    comment: Vec<String>,
}

impl PlanObjectives<'_, '_> {
    fn pick(&mut self, which: Which, default: HumanDuration) -> HumanDuration {
        let name = which.name();
        if let Some(s) = self.global.iter().find(|s| s.which == which) {
            let text = &s.text;
            self.notes
                .inferred(s.line, format!("plan {name} {} from \"{text}\"", s.value));
            self.comment
                .push(format!("{name} from line {}: {text}", s.line));
            if s.vague {
                self.notes.check(
                    Some(s.line),
                    format!("plan {name} read as 0 from \"{text}\"; set the figure you actually commit to"),
                );
            }
            return s.value;
        }
        let from_rows = self
            .unmatched
            .iter()
            .filter_map(|r| r.value(which).map(|(v, _)| (v, r.line)))
            .max();
        if let Some((v, line)) = from_rows {
            self.notes.check(
                Some(line),
                format!("plan {name} {v}: the largest value in an objectives table"),
            );
            self.comment
                .push(format!("{name}: largest value in the table at line {line}"));
            return v;
        }
        let per_scenario = self
            .drafts
            .iter()
            .filter_map(|d| d.scenario.objective(which))
            .max();
        if let Some((v, line)) = per_scenario {
            self.notes.check(
                Some(line),
                format!("no plan-wide {name}; used the largest scenario {name} ({v})"),
            );
            self.comment.push(format!(
                "{name}: no plan-wide value; the largest scenario value"
            ));
            return v;
        }
        self.notes.check(
            None,
            format!("no {name} found; assumed {default} — set your real objective"),
        );
        self.comment
            .push(format!("{name}: not stated in the plan; assumed {default}"));
        default
    }
}

/// Whether a table row's first cell names a scenario: "Category 1" matches
/// "Category 1: Database", "Database corruption" matches itself.
fn row_names_scenario(key: &str, title: &str) -> bool {
    let (k, t) = (words(key), words(title));
    if k.is_empty() {
        return false;
    }
    if k.len() >= 2
        && t.len() >= 2
        && k[..2] == t[..2]
        && ["category", "scenario", "procedure", "tier"].contains(&k[0].as_str())
    {
        return true;
    }
    let (k, t) = (k.join(" "), t.join(" "));
    k == t || (k.len() >= 8 && t.contains(&k)) || (t.len() >= 8 && k.contains(&t))
}

/// Lines of text with their numbers, flagging code lines; table rows
/// become "label: cells" so resource tables read like labelled lines.
fn text_lines<'t>(
    text: &'t str,
    blocks: &[Block],
) -> Vec<(std::borrow::Cow<'t, str>, usize, bool)> {
    let mut code = vec![false; text.lines().count() + 2];
    fn mark(block: &Block, code: &mut [bool]) {
        match &block.kind {
            BlockKind::Code {
                text, body_line, ..
            } => {
                for i in 0..text.lines().count() {
                    if let Some(slot) = code.get_mut(body_line + i) {
                        *slot = true;
                    }
                }
            }
            BlockKind::List { items, .. } => {
                for item in items {
                    for b in &item.blocks {
                        mark(b, code);
                    }
                }
            }
            _ => {}
        }
    }
    for block in blocks {
        mark(block, &mut code);
    }
    text.lines()
        .enumerate()
        .map(|(i, line)| {
            let no = i + 1;
            let is_code = code.get(no).copied().unwrap_or(false);
            let trimmed = line.trim();
            if !is_code && trimmed.starts_with('|') {
                let cells: Vec<&str> = trimmed
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                if cells.len() >= 2 {
                    return (
                        format!("{}: {}", cells[0], cells[1..].join(" ")).into(),
                        no,
                        false,
                    );
                }
            }
            (line.into(), no, is_code)
        })
        .collect()
}

fn infer_environment(
    text: &str,
    blocks: &[Block],
    context: &[&Block],
    drafts: &[Draft<'_>],
    notes: &mut Notes,
) -> (super::model::Environment, Created) {
    let mut sites: Vec<CommandSite<'_>> = Vec::new();
    for draft in drafts.iter().map(|d| &d.scenario) {
        let in_step = draft.origin != ScenarioOrigin::Reference;
        for step in &draft.steps {
            for c in &step.commands {
                sites.push(CommandSite {
                    text: &c.text,
                    line: c.line,
                    in_step,
                });
            }
        }
    }
    // Commands in setup or other non-scenario sections.
    let mut context_commands: Vec<(String, usize)> = Vec::new();
    for block in context {
        if let BlockKind::Code {
            lang,
            text,
            body_line,
        } = &block.kind
            && steps::shell_commands(lang, text)
        {
            for line in parse_shell(text, *body_line) {
                if let LineKind::Command(c) = line.kind {
                    context_commands.push((c, line.line));
                }
            }
        }
    }
    for (c, line) in &context_commands {
        sites.push(CommandSite {
            text: c,
            line: *line,
            in_step: false,
        });
    }
    sites.sort_by_key(|s| s.line);
    let lines = text_lines(text, blocks);
    let borrowed: Vec<(&str, usize, bool)> =
        lines.iter().map(|(l, n, c)| (l.as_ref(), *n, *c)).collect();
    environment::infer(&sites, &borrowed, notes)
}

/// Words that say little about what a step does, separated by blanks.
const STOPWORDS: &str = "the and for with within after from into new use via any all are this \
    that then when your our its east west aws step run if necessary \
    available current most recent as above";

fn significant_words(text: &str) -> HashSet<String> {
    let lower = text
        .to_lowercase()
        .replace("point-in-time", "point-in-time pitr");
    words(&lower)
        .into_iter()
        .filter(|w| {
            w.len() >= 3 && !text::listed(STOPWORDS, w) && !w.chars().all(|c| c.is_ascii_digit())
        })
        .collect()
}

/// Reference-section commands ("Appendix: Example Commands") also go to
/// the steps without commands that they plainly belong to: the step names
/// the same resource, or shares two or more telling words.
/// A step of a reference section that has commands, as other steps can
/// borrow them.
struct Reference {
    /// Its telling words.
    words: HashSet<String>,
    /// Names its commands use, as they would appear backticked in prose.
    names: Vec<String>,
    commands: Vec<draft::Command>,
}

fn references(drafts: &[Draft<'_>]) -> Vec<Reference> {
    drafts
        .iter()
        .filter(|d| d.scenario.origin == ScenarioOrigin::Reference)
        .flat_map(|d| d.scenario.steps.iter())
        .filter(|s| !s.commands.is_empty())
        .map(|s| Reference {
            words: significant_words(&s.all_text()),
            names: s
                .commands
                .iter()
                .flat_map(|c| simple_commands(&c.text).concat())
                .filter(|w| !w.starts_with('-') && w.contains('-') && environment::is_concrete(w))
                .map(|w| format!("`{w}`"))
                .collect(),
            commands: s.commands.clone(),
        })
        .collect()
}

/// Steps without commands take a reference step's commands when they name
/// the same resource or share its wording.
fn borrow_reference_commands(drafts: &mut [Draft<'_>], notes: &mut Notes) {
    let references = references(drafts);
    if references.is_empty() {
        return;
    }
    if references.len() > 200 {
        notes.check(
            None,
            "too many reference commands to match them to steps; they stay in their own scenario",
        );
        return;
    }
    for draft in drafts
        .iter_mut()
        .map(|d| &mut d.scenario)
        .filter(|d| d.origin != ScenarioOrigin::Reference)
    {
        for step in draft.steps.iter_mut().filter(|s| s.commands.is_empty()) {
            let text = step.all_text();
            let step_words = significant_words(&text);
            for r in &references {
                let shares_name = r.names.iter().any(|name| text.contains(name.as_str()));
                if !shares_name && r.words.intersection(&step_words).count() < 2 {
                    continue;
                }
                let why = if shares_name {
                    "names the same resource"
                } else {
                    "same wording"
                };
                for c in &r.commands {
                    notes.check(
                        Some(step.line),
                        format!(
                            "step \"{}\" of \"{}\" got the reference command from line {} ({why}); check it fits",
                            step.title, draft.title, c.line
                        ),
                    );
                }
                step.commands.extend(r.commands.iter().cloned());
                break;
            }
        }
    }
}

/// A draft step in the model: its id, role and verify predicate, and where
/// it came from.
fn finish_step(
    step: &DraftStep,
    scenario: &str,
    roles: &[roles::Role],
    src: &SourceLines<'_>,
    step_ids: &mut UniqueIds,
    notes: &mut Notes,
) -> (Step, emit::StepProvenance) {
    let base = slug(&step.title, 32);
    let id = step_ids.claim(if base.is_empty() { "step" } else { &base });
    let checks = verify::infer(step);
    if !checks.is_empty() {
        let title = &step.title;
        notes.inferred(
            step.line,
            format!("verify for step \"{title}\" of \"{scenario}\" from its commands"),
        );
    }
    let verify = verify::combine(checks);
    let detail = join_text(&step.detail);
    let prov = step_provenance(step, detail.as_deref(), verify.is_some(), src);
    let step = Step {
        id,
        title: step.title.clone(),
        detail,
        role: roles::assign(step, roles),
        commands: step.commands.iter().map(|c| c.text.clone()).collect(),
        expected: step.expected,
        verify,
    };
    (step, prov)
}

/// What the report says about a finished scenario as a whole.
fn scenario_notes(draft: &DraftScenario, steps: &[Step], notes: &mut Notes) {
    let without_command: Vec<&str> = steps
        .iter()
        .filter(|s| s.commands.is_empty())
        .map(|s| s.id.as_str())
        .collect();
    if draft.placeholder_steps {
        notes.check(
            Some(draft.line),
            format!(
                "\"{}\" has no steps in the plan; added one placeholder step",
                draft.title
            ),
        );
    }
    if draft.origin == ScenarioOrigin::Reference {
        notes.kept(
            draft.line,
            format!(
                "reference section \"{}\" kept as a scenario of its commands",
                draft.title
            ),
        );
    }
    if !without_command.is_empty() && !draft.placeholder_steps {
        notes.check(
            Some(draft.line),
            format!(
                "\"{}\": {} of {} step(s) have no command: {}",
                draft.title,
                without_command.len(),
                draft.steps.len(),
                without_command.join(", ")
            ),
        );
    }
}

/// Turns a draft into the model: ids, roles, verify predicates, text.
fn finish_scenario(
    draft: &DraftScenario,
    roles: &[roles::Role],
    src: &SourceLines<'_>,
    scenario_ids: &mut UniqueIds,
    notes: &mut Notes,
) -> (Scenario, Vec<emit::StepProvenance>) {
    let base = slug(&scenario_core_title(&draft.title), 40);
    let id = scenario_ids.claim(if base.is_empty() { "scenario" } else { &base });
    let mut step_ids = UniqueIds::default();
    let (steps_out, prov): (Vec<Step>, Vec<_>) = draft
        .steps
        .iter()
        .map(|step| finish_step(step, &draft.title, roles, src, &mut step_ids, notes))
        .unzip();
    scenario_notes(draft, &steps_out, notes);
    let scenario = Scenario {
        id,
        title: draft.title.clone(),
        description: join_text(&draft.description),
        rto: draft.rto.map(|(v, _)| v),
        rpo: draft.rpo.map(|(v, _)| v),
        steps: steps_out,
        ready: draft.ready.clone(),
    };
    (scenario, prov)
}

/// A step's comments: the labels that introduced it, then its source line,
/// quoted when its title and detail do not carry the line's text (a
/// "Step 3:" prefix or an `echo` dropped from the title).
fn step_provenance(
    step: &draft::DraftStep,
    detail: Option<&str>,
    verify_inferred: bool,
    src: &SourceLines<'_>,
) -> emit::StepProvenance {
    let carried = step.line == 0 || src.carried_by(step.line, &[&step.title, detail.unwrap_or("")]);
    emit::StepProvenance {
        context: step.context_lines.iter().map(|&l| src.quote(l)).collect(),
        line: step.line,
        quote: (!carried).then(|| src.quote(step.line)),
        verify_inferred,
    }
}

/// "Scenario A: Database failure (single AZ)" -> "Database failure".
fn scenario_core_title(title: &str) -> String {
    let stripped = match title.split_once([':', '–', '—']) {
        Some((head, rest)) if classify(head) == HeadingClass::Strong && !rest.trim().is_empty() => {
            rest
        }
        _ => title,
    };
    let mut out = String::new();
    let mut depth = 0usize;
    for c in stripped.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            c if depth == 0 => out.push(c),
            _ => {}
        }
    }
    if out.trim().is_empty() {
        stripped.to_owned()
    } else {
        out
    }
}
