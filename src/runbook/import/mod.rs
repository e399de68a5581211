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
mod plan_objectives;
mod plan_text;
mod readiness;
mod reference_commands;
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
use self::report::Notes;
use self::scenarios::Outline;
use self::sections::{HeadingClass, Section, classify};
use self::source::SourceLines;
use self::text::{UniqueIds, slug, strip_section_number, words};
use super::model::{Runbook, Scenario, Step};

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
        plan_objectives::settle(&context, &outline, &mut drafts, &mut notes);

    let roles = find_roles(&outline, &context, &mut notes);

    let (environment, _created) = infer_environment(&text, &blocks, &context, &drafts, &mut notes);
    let references =
        reference_commands::references(drafts.iter().map(|d| (&d.scenario, d.headings.as_slice())));
    reference_commands::attach(
        &references,
        drafts.iter_mut().map(|d| &mut d.scenario),
        &mut notes,
    );
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

    // A command reference is not a procedure: its commands went to the
    // steps that point at them; its text goes to the appendix.
    drafts.retain(|d| d.scenario.origin != ScenarioOrigin::Reference);

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
        share: None,
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

/// Roles from the sections about roles, then from anywhere else outside
/// the procedures (an appendix, a RACI table), each noted with its line.
fn find_roles(
    outline: &Outline<'_, '_>,
    context: &[&Block],
    notes: &mut Notes,
) -> Vec<roles::Role> {
    let role_blocks: Vec<&Block> = outline.roles.iter().flat_map(|s| s.all_blocks()).collect();
    let in_roles: HashSet<*const Block> = role_blocks.iter().map(|b| *b as *const Block).collect();
    let mut elsewhere: Vec<&Block> = context
        .iter()
        .copied()
        .filter(|b| !in_roles.contains(&(*b as *const Block)))
        .collect();
    elsewhere.extend(outline.references.iter().flat_map(|s| s.all_blocks()));
    let roles = roles::find(&role_blocks, &elsewhere);
    for role in &roles {
        let duties = if role.duties.is_empty() {
            "no responsibilities stated".to_owned()
        } else {
            format!("responsible for \"{}\"", role.duties)
        };
        notes.inferred(role.line, format!("role \"{}\", {duties}", role.name));
    }
    roles
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
        let failback = environment::is_failback(&draft.title);
        for step in &draft.steps {
            let failback = failback || environment::is_failback(&step.title);
            for c in &step.commands {
                sites.push(CommandSite {
                    text: &c.text,
                    line: c.line,
                    in_step,
                    failback,
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
            failback: false,
        });
    }
    sites.sort_by_key(|s| s.line);
    let lines = text_lines(text, blocks);
    let borrowed: Vec<(&str, usize, bool)> =
        lines.iter().map(|(l, n, c)| (l.as_ref(), *n, *c)).collect();
    environment::infer(&sites, &borrowed, notes)
}

/// A draft step in the model: its id, role and verify predicate, and where
/// it came from.
fn finish_step(
    step: &DraftStep,
    checks: verify::StepChecks,
    scenario: &str,
    roles: &[roles::Role],
    src: &SourceLines<'_>,
    step_ids: &mut UniqueIds,
    notes: &mut Notes,
) -> (Step, emit::StepProvenance) {
    let base = slug(&step.title, 32);
    let id = step_ids.claim(if base.is_empty() { "step" } else { &base });
    for why in checks.unchecked {
        notes.check(Some(step.line), why);
    }
    let checks = checks.checks;
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
        role: assigned_role(step, scenario, roles, notes),
        commands: step.commands.iter().map(|c| c.text.clone()).collect(),
        expected: step.expected,
        verify,
    };
    (step, prov)
}

/// The role a step is given; a match on one word is noted for checking.
fn assigned_role(
    step: &DraftStep,
    scenario: &str,
    roles: &[roles::Role],
    notes: &mut Notes,
) -> Option<String> {
    let assignment = roles::assign(step, roles)?;
    if let Some(word) = &assignment.weak {
        notes.check(
            Some(step.line),
            format!(
                "step \"{}\" of \"{scenario}\" given role \"{}\" on one word (\"{word}\"); check it",
                step.title, assignment.role
            ),
        );
    }
    Some(assignment.role)
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
    let checks = verify::infer_scenario(&draft.steps);
    let (steps_out, prov): (Vec<Step>, Vec<_>) = draft
        .steps
        .iter()
        .zip(checks)
        .map(|(step, checks)| {
            finish_step(step, checks, &draft.title, roles, src, &mut step_ids, notes)
        })
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
