//! Steps of a scenario section: from ordered lists and `- [ ]` checklists,
//! "Step N" sub-headings, "Phase N" groups, and — when a shell block is the
//! whole procedure — the numbered comments inside it. Prose that is not a
//! step goes to the scenario description or a step's detail.

use super::commands::{
    self, BlockLanguage, LineKind, ShellLine, code_spans, looks_like_command, parse_shell,
    step_marker,
};
use super::draft::{Command, DraftScenario, DraftStep, ScenarioOrigin};
use super::durations;
use super::markdown::{self, Block, BlockKind, Item};
use super::readiness;
use super::report::Notes;
use super::sections::{HeadingClass, Section, classify, is_info};
use super::shapes;
use super::text::{strip_section_number, title_of};
use super::timeline;
use crate::runbook::aws_cli::is_unclosed;

const TITLE_MAX: usize = 90;

pub fn build_scenario(
    section: &Section<'_>,
    origin: ScenarioOrigin,
    notes: &mut Notes,
) -> DraftScenario {
    let mut sc = DraftScenario::new(
        strip_section_number(&section.title).to_owned(),
        section.line,
        section.end_line,
        origin,
    );
    if is_prose_procedure(section) {
        steps_from_paragraphs(&mut sc, &section.blocks);
        return sc;
    }
    let title = sc.title.clone();
    let prose = add_sequence(&mut sc, &section.blocks, notes, &title);
    sc.description.extend(prose);
    for child in &section.children {
        add_child(&mut sc, child, notes);
    }
    let blocks = section.all_blocks();
    if !sc.steps.is_empty() {
        timeline::apply(&mut sc, &blocks, notes);
        return sc;
    }
    sc.steps = timeline::steps_from_rows(&blocks);
    if sc.steps.is_empty() {
        steps_from_bullets(&mut sc, section, notes);
    } else {
        // Each row's cells are its step's detail now.
        let mut table_lines = Vec::new();
        for block in blocks.iter().filter(|b| timeline::is_timeline(b)) {
            markdown::render(block, &mut table_lines);
        }
        sc.description.retain(|l| !table_lines.contains(l));
    }
    sc
}

/// Whether a section holds anything that reads as steps.
pub fn has_procedure_content(section: &Section<'_>) -> bool {
    is_prose_procedure(section)
        || section.blocks.iter().any(|b| block_has_steps(b))
        || section.children.iter().any(|c| {
            matches!(classify(&c.title), HeadingClass::Step | HeadingClass::Phase)
                || has_procedure_content(c)
        })
}

/// A recovery section written as paragraphs, the commands inline
/// (`aws …` spans): each paragraph is a step.
fn is_prose_procedure(section: &Section<'_>) -> bool {
    // Cheapest tests first: this is asked of every section.
    let only_prose = section
        .blocks
        .iter()
        .all(|b| matches!(b.kind, BlockKind::Paragraph(_) | BlockKind::Rule));
    if !only_prose || !section.children.is_empty() {
        return false;
    }
    let paragraphs: Vec<&str> = section
        .blocks
        .iter()
        .filter_map(|b| match &b.kind {
            BlockKind::Paragraph(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    paragraphs.len() >= 2
        && matches!(
            classify(&section.title),
            HeadingClass::Procedure | HeadingClass::Strong
        )
        && paragraphs
            .iter()
            .any(|p| code_spans(p).iter().any(|s| looks_like_command(s)))
}

/// Steps of a prose procedure: one a paragraph, titled by its first
/// sentence, its inline commands its commands, the paragraph its detail.
fn steps_from_paragraphs(sc: &mut DraftScenario, blocks: &[&Block]) {
    for block in blocks {
        let BlockKind::Paragraph(text) = &block.kind else {
            continue;
        };
        let sentence = first_sentence(text);
        let title = title_of(&without_commands(&sentence), TITLE_MAX);
        let mut step = DraftStep::new(title, block.line);
        for (i, line) in text.lines().enumerate() {
            inline_commands(line, block.line.saturating_add(i), &mut step.commands);
        }
        if text.trim().trim_end_matches('.') != step.title {
            step.detail.extend(text.lines().map(str::to_owned));
        }
        step.expected = durations::find_in_heading(&step.title).map(|f| f.upper);
        sc.steps.push(step);
    }
}

/// The text up to its first full stop (or `?`, `!`) outside a code span.
fn first_sentence(text: &str) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut in_code = false;
    let mut chars = joined.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match c {
            '`' => in_code = !in_code,
            '.' | '?' | '!' if !in_code && chars.peek().is_none_or(|&(_, n)| n == ' ') => {
                return joined.get(..i).unwrap_or(&joined).to_owned();
            }
            _ => {}
        }
    }
    joined
}

/// Whether the section's own numbered list runs `aws` commands: a
/// procedure whatever its heading says.
pub fn runs_aws_steps(section: &Section<'_>) -> bool {
    let is_aws = |t: &str| {
        let t = t.trim().trim_start_matches("$ ");
        t.starts_with("aws ") && looks_like_command(t)
    };
    section.blocks.iter().any(|b| {
        if !matches!(b.kind, BlockKind::List { ordered: true, .. }) || !is_step_list(b) {
            return false;
        }
        let mut lines = Vec::new();
        markdown::render(b, &mut lines);
        lines
            .iter()
            .any(|l| is_aws(l) || code_spans(l).iter().any(|s| is_aws(s)))
    })
}

fn block_has_steps(block: &Block) -> bool {
    match &block.kind {
        BlockKind::List { .. } => is_step_list(block),
        BlockKind::Code { lang, text, .. } => shell_commands(lang, text),
        BlockKind::Table { .. } => timeline::is_timeline(block),
        _ => false,
    }
}

/// Whether a section (or its sub-sections) has shell commands.
pub fn has_commands(section: &Section<'_>) -> bool {
    section.all_blocks().iter().any(|b| match &b.kind {
        BlockKind::Code { lang, text, .. } => shell_commands(lang, text),
        _ => false,
    })
}

/// A fenced block we read as shell: labelled so, or unlabelled with lines
/// that look like commands.
pub fn shell_commands(lang: &str, text: &str) -> bool {
    match commands::language(lang) {
        BlockLanguage::Shell => text.lines().any(|l| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#')
        }),
        BlockLanguage::Unlabelled => text.lines().any(looks_like_command),
        BlockLanguage::Other => false,
    }
}

fn is_step_list(block: &Block) -> bool {
    match &block.kind {
        BlockKind::List { ordered, items } => {
            (*ordered || items.iter().any(|i| i.task.is_some())) && !shapes::is_detail(block)
        }
        _ => false,
    }
}

/// Lines that only label what follows: "Steps:", "**Checklist:**".
fn is_list_label(text: &str) -> bool {
    let t = text.trim().trim_end_matches(':').trim().to_lowercase();
    text.trim_end().ends_with(':')
        && matches!(
            t.as_str(),
            "steps" | "procedure" | "checklist" | "actions" | "instructions" | "tasks" | "runbook"
        )
}

/// Whether a line states an objective ("RTO: 5 minutes").
pub fn is_objective_line(text: &str) -> bool {
    let t = text.trim_start().to_ascii_lowercase();
    [
        "rto",
        "rpo",
        "recovery time objective",
        "recovery point objective",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// Adds the steps of a run of blocks; returns the prose that is not part
/// of any step, for the caller to place.
/// A shell block with neither a lead-in nor a comment is titled `untitled`:
/// the heading the blocks sit under.
fn add_sequence(
    sc: &mut DraftScenario,
    blocks: &[&Block],
    notes: &mut Notes,
    untitled: &str,
) -> Vec<String> {
    let list_mode = blocks.iter().any(|b| is_step_list(b));
    let start = sc.steps.len();
    let mut prose = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    // "Steps:" before a list: quoted above the list's first step.
    let mut label: Option<(&str, usize)> = None;
    for (i, block) in blocks.iter().enumerate() {
        let has_step = sc.steps.len() > start;
        let next_is_code = matches!(
            blocks.get(i + 1).map(|b| &b.kind),
            Some(BlockKind::Code { lang, text, .. }) if shell_commands(lang, text)
        );
        match &block.kind {
            BlockKind::List { items, .. } if is_step_list(block) => {
                flush(&mut pending, &mut prose);
                let first = sc.steps.len();
                for item in items {
                    sc.steps.push(step_from_item(item, notes));
                }
                if let (Some((_, line)), Some(step)) = (label.take(), sc.steps.get_mut(first)) {
                    step.context_lines.push(line);
                }
            }
            BlockKind::Paragraph(text) if is_list_label(text) => {
                if let Some((text, _)) = label.replace((text, block.line)) {
                    prose.extend(text.lines().map(str::to_owned));
                }
            }
            // "- Force redeploy after updating the config:" then a code block.
            BlockKind::List { items, .. } if next_is_code && items.len() == 1 => {
                flush(&mut pending, &mut prose);
                let mut lines = Vec::new();
                markdown::render_item(&items[0], "", 0, &mut lines);
                pending = Some((lines.join("\n"), items[0].line));
            }
            BlockKind::Paragraph(text) if next_is_code => {
                flush(&mut pending, &mut prose);
                pending = Some((text.clone(), block.line));
            }
            BlockKind::Code {
                lang,
                text,
                body_line,
            } => {
                if shell_commands(lang, text) {
                    if list_mode && has_step {
                        let step = sc.steps.last_mut().expect("a step");
                        flush(&mut pending, &mut step.detail);
                        attach_code(step, text, *body_line);
                    } else {
                        let (steps, preamble) =
                            steps_from_code(text, *body_line, pending.take(), untitled);
                        prose.extend(preamble);
                        sc.steps.extend(steps);
                    }
                } else {
                    flush(&mut pending, &mut prose);
                    keep_code(sc, start, &mut prose, block, lang, text, notes);
                }
            }
            BlockKind::Rule | BlockKind::Heading { .. } => {}
            _ => {
                flush(&mut pending, &mut prose);
                markdown::render(block, &mut prose);
            }
        }
    }
    flush(&mut pending, &mut prose);
    if let Some((text, _)) = label {
        prose.extend(text.lines().map(str::to_owned));
    }
    prose
}

/// Moves the text held for a code block into `out`.
fn flush(pending: &mut Option<(String, usize)>, out: &mut Vec<String>) {
    if let Some((text, _)) = pending.take() {
        out.extend(text.lines().map(str::to_owned));
    }
}

/// A non-shell code block (HCL, JSON, YAML, diagrams) is kept as text.
fn keep_code(
    sc: &mut DraftScenario,
    start: usize,
    prose: &mut Vec<String>,
    block: &Block,
    lang: &str,
    text: &str,
    notes: &mut Notes,
) {
    if text.trim().is_empty() {
        return;
    }
    let mut lines = Vec::new();
    markdown::render(block, &mut lines);
    let what = if lang.is_empty() { "unlabelled" } else { lang };
    notes.kept(
        block.line,
        format!(
            "{what} code block in \"{}\" kept as text, not as commands",
            sc.title
        ),
    );
    match sc.steps.get_mut(start..).and_then(|s| s.last_mut()) {
        Some(step) => step.detail.extend(lines),
        None => prose.extend(lines),
    }
}

/// Shell lines into a step: commands as commands, comments and narration
/// as detail.
fn attach_code(step: &mut DraftStep, text: &str, body_line: usize) {
    for line in parse_shell(text, body_line) {
        attach_line(step, line);
    }
}

fn attach_line(step: &mut DraftStep, line: ShellLine) {
    match line.kind {
        LineKind::Command(text) => step.commands.push(Command {
            line: line.line,
            text,
        }),
        LineKind::Comment(text) | LineKind::Echo(text) => {
            let text = step_marker(&text).map_or(text, |(_, title)| title);
            if !text.is_empty() && text != step.title {
                step.detail.push(text);
            }
        }
        LineKind::Shebang(text) | LineKind::Plumbing(text) => step.detail.push(text),
    }
}

/// Steps from a shell block that is a procedure on its own: split at
/// numbered comments (`# 1. …`, `# Step 2: …`), else numbered `echo`s, else
/// comments that head commands; otherwise the block is one step. Returns the
/// steps and the prose found before the first step.
fn steps_from_code(
    text: &str,
    body_line: usize,
    hint: Option<(String, usize)>,
    fallback_title: &str,
) -> (Vec<DraftStep>, Vec<String>) {
    let lines = parse_shell(text, body_line);
    let numbered = |want_echo: bool| -> Vec<usize> {
        lines
            .iter()
            .enumerate()
            .filter(|(_, l)| match &l.kind {
                LineKind::Comment(c) => !want_echo && step_marker(c).is_some(),
                LineKind::Echo(e) => want_echo && step_marker(e).is_some(),
                _ => false,
            })
            .map(|(i, _)| i)
            .collect()
    };
    let mut splits = numbered(false);
    if splits.len() < 2 {
        splits = numbered(true);
    }
    if splits.len() < 2 {
        // Comments directly followed by a command head a step each.
        splits = lines
            .windows(2)
            .enumerate()
            .filter(|(_, w)| {
                matches!(w[0].kind, LineKind::Comment(_))
                    && matches!(w[1].kind, LineKind::Command(_))
            })
            .map(|(i, _)| i)
            .collect();
    }
    let mut preamble = Vec::new();
    let mut steps: Vec<DraftStep> = Vec::new();
    if splits.len() < 2 {
        let (title, line, hint_text) = match &hint {
            Some((text, line)) => (title_of(text, TITLE_MAX), *line, Some(text.as_str())),
            None => (
                first_comment(&lines).unwrap_or_else(|| fallback_title.to_owned()),
                lines.first().map_or(body_line, |l| l.line),
                None,
            ),
        };
        let mut step = DraftStep::new(title, line);
        if let Some(text) = hint_text
            && text.trim_end_matches(':') != step.title
        {
            step.detail.extend(text.lines().map(str::to_owned));
        }
        for line in lines {
            attach_line(&mut step, line);
        }
        step.expected = durations::find_in_heading(&step.title).map(|f| f.upper);
        return (vec![step], preamble);
    }
    if let Some((text, _)) = hint {
        preamble.extend(text.lines().map(str::to_owned));
    }
    let mut early_commands = Vec::new();
    let mut next_split = splits.iter().peekable();
    for (i, line) in lines.into_iter().enumerate() {
        if next_split.next_if(|&&s| s == i).is_some() {
            let marker_text = match &line.kind {
                LineKind::Comment(t) | LineKind::Echo(t) => t.clone(),
                _ => String::new(),
            };
            let title = step_marker(&marker_text).map_or(marker_text, |(_, t)| t);
            let mut step = DraftStep::new(title_of(&title, TITLE_MAX), line.line);
            step.expected = durations::find_in_heading(&title).map(|f| f.upper);
            if step.title != title {
                step.detail.push(title);
            }
            step.commands.append(&mut early_commands);
            steps.push(step);
            continue;
        }
        match steps.last_mut() {
            Some(step) => attach_line(step, line),
            None => match line.kind {
                LineKind::Command(text) => early_commands.push(Command {
                    line: line.line,
                    text,
                }),
                LineKind::Comment(t)
                | LineKind::Echo(t)
                | LineKind::Shebang(t)
                | LineKind::Plumbing(t) => preamble.push(t),
            },
        }
    }
    (steps, preamble)
}

fn first_comment(lines: &[ShellLine]) -> Option<String> {
    lines.iter().find_map(|l| match &l.kind {
        LineKind::Comment(c) if !c.is_empty() => Some(title_of(c, TITLE_MAX)),
        _ => None,
    })
}

/// Removes "Step 3:" / "Step 3 -" from a title.
fn strip_step_prefix(title: &str) -> String {
    if title
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("step"))
        && let Some((_, rest)) = step_marker(title)
        && !rest.is_empty()
    {
        return rest;
    }
    title.to_owned()
}

/// A step from a list item: its first line is the title; the rest of its
/// text, nested bullets and tables are detail; inline `aws …` spans and
/// code blocks inside it are commands.
pub fn step_from_item(item: &Item, notes: &mut Notes) -> DraftStep {
    let (lead, line) = item.lead().unwrap_or(("", item.line));
    let first = lead.lines().next().unwrap_or("").trim();
    let title = strip_step_prefix(&title_of(&without_commands(first), TITLE_MAX));
    let title = if title.is_empty() {
        "(untitled step)".to_owned()
    } else {
        title
    };
    let mut step = DraftStep::new(title, line);
    if step.title != strip_step_prefix(first.trim_end_matches([':', '.']))
        && !first.is_empty()
        && !only_command(first)
    {
        step.detail.push(first.to_owned());
    }
    inline_commands(lead, line, &mut step.commands);
    if let Some((_, rest)) = lead.split_once('\n') {
        bare_commands(rest, line + 1, "", &mut step);
    }
    let skip = usize::from(item.lead().is_some());
    for block in &item.blocks[skip..] {
        item_block(block, 0, &mut step, notes);
    }
    step.expected = durations::find_in_heading(first)
        .map(|f| f.upper)
        .or_else(|| durations::find_labelled(&step.detail.join("\n")));
    step
}

fn inline_commands(text: &str, line: usize, out: &mut Vec<Command>) {
    for span in code_spans(text) {
        if looks_like_command(span) {
            out.push(Command {
                line,
                text: span.trim_start_matches("$ ").to_owned(),
            });
        }
    }
}

/// A title without its inline commands ("Promote `db` with `aws rds …`" ->
/// "Promote `db`"); the command itself becomes a command, the full text detail.
fn without_commands(text: &str) -> String {
    let mut out = text.to_owned();
    for span in code_spans(text) {
        if looks_like_command(span) {
            out = out.replace(&format!("`{span}`"), "");
        }
    }
    if out.len() == text.len() {
        return out;
    }
    let mut t = out
        .trim()
        .trim_end_matches([':', '-', ',', '.', ' '])
        .to_owned();
    for tail in [" with", " using", " via", " by running", " run", " by"] {
        if t.to_ascii_lowercase().ends_with(tail) {
            t.truncate(t.len() - tail.len());
        }
    }
    let t = t.trim().to_owned();
    if t.is_empty() {
        // Only a command: name it by program and operation.
        let span = code_spans(text)
            .into_iter()
            .find(|s| looks_like_command(s))
            .unwrap_or("");
        let head: Vec<&str> = span.split_whitespace().take(3).collect();
        return format!("Run `{}`", head.join(" "));
    }
    t
}

/// A command written as plain text in a list item (not fenced, not
/// backticked): a `$ ` prompt, or a known program with `--flags` or a `\`
/// continuing it.
fn is_bare_command(line: &str) -> bool {
    let line = line.trim();
    !line.contains('`')
        && (line.starts_with("$ ")
            || (looks_like_command(line)
                && (line.contains(" --") || line.ends_with('\\') || is_unclosed(line))))
}

/// Lines of a list item's paragraph: commands written bare (see
/// [`is_bare_command`]) go to the step as a shell reads them, a quote,
/// heredoc or `\` left open taking the lines after it; the rest is detail.
fn bare_commands(text: &str, first_line: usize, pad: &str, step: &mut DraftStep) {
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        if !is_bare_command(line) {
            step.detail.push(format!("{pad}{line}"));
            continue;
        }
        let mut command = line.trim().to_owned();
        while is_unclosed(&command)
            && let Some((_, next)) = lines.next()
        {
            command.push('\n');
            command.push_str(next);
        }
        for line in parse_shell(&command, first_line + i) {
            attach_line(step, line);
        }
    }
}

/// Whether a text is nothing but one inline command.
fn only_command(text: &str) -> bool {
    let t = text.trim().trim_end_matches(['.', ':']);
    t.starts_with('`')
        && t.ends_with('`')
        && code_spans(t).len() == 1
        && looks_like_command(&t[1..t.len() - 1])
}

fn item_block(block: &Block, depth: usize, step: &mut DraftStep, notes: &mut Notes) {
    let pad = "  ".repeat(depth);
    match &block.kind {
        BlockKind::List { ordered, items } => {
            for (n, item) in items.iter().enumerate() {
                let (lead, line) = item.lead().unwrap_or(("", item.line));
                inline_commands(lead, line, &mut step.commands);
                if !only_command(lead) {
                    let marker = item.marker(*ordered, n);
                    let mut lines = lead.lines();
                    step.detail
                        .push(format!("{pad}{marker}{}", lines.next().unwrap_or("")));
                    step.detail.extend(lines.map(|l| format!("{pad}  {l}")));
                }
                let skip = usize::from(item.lead().is_some());
                for inner in &item.blocks[skip..] {
                    item_block(inner, depth + 1, step, notes);
                }
            }
        }
        BlockKind::Paragraph(text) => {
            inline_commands(text, block.line, &mut step.commands);
            if only_command(text) {
                return;
            }
            bare_commands(text, block.line, &pad, step);
        }
        BlockKind::Code {
            lang,
            text,
            body_line,
        } => {
            if shell_commands(lang, text) {
                attach_code(step, text, *body_line);
            } else if !text.trim().is_empty() {
                let what = if lang.is_empty() {
                    "unlabelled"
                } else {
                    lang.as_str()
                };
                notes.kept(
                    block.line,
                    format!(
                        "{what} code block in step \"{}\" kept as detail",
                        step.title
                    ),
                );
                markdown::render(block, &mut step.detail);
            }
        }
        _ => markdown::render(block, &mut step.detail),
    }
}

/// A sub-section of a scenario: a "Step N" heading is one step; context
/// headings (symptoms, impact) join the description; anything else is a
/// group whose steps get the group's name as a title prefix.
///
/// Returns whether the steps it added carry its own label (so an enclosing
/// group does not prefix them again).
fn add_child(sc: &mut DraftScenario, child: &Section<'_>, notes: &mut Notes) -> bool {
    let class = classify(&child.title);
    let heading = strip_section_number(&child.title).to_owned();
    // Timelines and decision trees are detail of the procedure.
    let detail = shapes::is_detail_heading(&heading)
        || (!child.blocks.is_empty()
            && child.children.is_empty()
            && child.blocks.iter().all(|b| shapes::is_detail(b)));
    if detail && class != HeadingClass::Step {
        sc.description.push(format!("{heading}:"));
        for block in child.all_blocks() {
            if let BlockKind::Heading { text, .. } = &block.kind {
                sc.description.push(format!("{text}:"));
            } else {
                markdown::render(block, &mut sc.description);
            }
        }
        return false;
    }
    // What must hold before the procedure: its readiness, not its steps.
    let context = (is_info(&child.title) && !has_procedure_content(child))
        || readiness::is_readiness(&child.title);
    if class == HeadingClass::Step || context {
        if class != HeadingClass::Step {
            sc.description.push(format!("{heading}:"));
            for block in child.all_blocks() {
                markdown::render(block, &mut sc.description);
            }
            return false;
        }
        sc.steps.push(step_from_section(child, &heading, notes));
        return false;
    }
    if class != HeadingClass::Generic && one_code_step(child) {
        sc.steps.push(step_from_section(child, &heading, notes));
        return false;
    }
    let before = sc.steps.len();
    let prose = add_sequence(sc, &child.blocks, notes, &heading);
    // Steps of sub-groups that carry their own label: not prefixed again.
    let mut labelled = vec![false; sc.steps.len().saturating_sub(before)];
    for grandchild in &child.children {
        let own = add_child(sc, grandchild, notes);
        labelled.resize(sc.steps.len().saturating_sub(before), own);
    }
    if sc.steps.len() == before {
        // The section's whole text, prose included, becomes the step.
        sc.steps.push(step_from_section(child, &heading, notes));
        return false;
    }
    let timing = durations::find_in_heading(&heading);
    let label = match class {
        HeadingClass::Phase => heading
            .split([':', '–', '—', '(', '-'])
            .next()
            .unwrap_or(&heading)
            .trim()
            .to_owned(),
        _ => timing.map_or(heading.clone(), |t| {
            format!("{}{}", &heading[..t.start], &heading[t.end..])
                .trim()
                .to_owned()
        }),
    };
    let Some(added) = sc.steps.get_mut(before..) else {
        return false;
    };
    // A group's duration is the time by which all of it should be done: on
    // its one step, else on its last step, unless that step states its own.
    if let Some(last) = added.last_mut()
        && last.expected.is_none()
    {
        last.expected = timing.map(|t| t.upper);
    }
    let mut intro = Vec::new();
    if label != heading {
        intro.push(heading.clone());
    }
    intro.extend(prose);
    if let Some(first) = added.first_mut() {
        first.detail.splice(0..0, intro);
        // "Steps" or "Procedure" says nothing a prefix would add; the
        // heading is quoted above the first step instead.
        if class == HeadingClass::Generic && label == heading {
            first.context_lines.insert(0, child.line);
        }
    }
    if class == HeadingClass::Generic {
        return false;
    }
    for (step, _) in added
        .iter_mut()
        .zip(labelled.iter().chain(std::iter::repeat(&false)))
        .filter(|(step, own)| !**own && step.title != heading)
    {
        step.title = format!("{label}: {}", step.title);
    }
    true
}

/// A sub-heading over prose and one shell block that is not split by
/// numbered comments: one step, titled by the heading (its duration
/// included); the prose is its detail, the block its commands.
fn one_code_step(section: &Section<'_>) -> bool {
    let mut code = section.blocks.iter().filter_map(|b| match &b.kind {
        BlockKind::Code {
            lang,
            text,
            body_line,
        } if shell_commands(lang, text) => Some((text, *body_line)),
        _ => None,
    });
    let (Some((text, body_line)), None) = (code.next(), code.next()) else {
        return false;
    };
    section.children.is_empty()
        && section.blocks.iter().all(|b| {
            matches!(
                b.kind,
                BlockKind::Paragraph(_) | BlockKind::Code { .. } | BlockKind::Rule
            )
        })
        && steps_from_code(text, body_line, None, "").0.len() == 1
}

/// One step from a whole section ("Step 3: Restore (30 min)" and its body).
fn step_from_section(section: &Section<'_>, heading: &str, notes: &mut Notes) -> DraftStep {
    let title = strip_step_prefix(heading);
    let mut step = DraftStep::new(title, section.line);
    for block in section.all_blocks() {
        if let BlockKind::Heading { text, .. } = &block.kind {
            step.detail.push(format!("{text}:"));
        } else {
            item_block(block, 0, &mut step, notes);
        }
    }
    step.expected = durations::find_in_heading(heading)
        .map(|f| f.upper)
        .or_else(|| durations::find_labelled(&step.detail.join("\n")));
    step
}

/// A scenario whose section has no steps: its bullets become steps
/// ("Detection: …", "Action: …"), objective lines stay in the description;
/// with no bullets either, one placeholder step keeps the scenario usable.
fn steps_from_bullets(sc: &mut DraftScenario, section: &Section<'_>, notes: &mut Notes) {
    let mut description = Vec::new();
    for block in section.all_blocks() {
        match &block.kind {
            BlockKind::List { items, .. } => {
                for item in items {
                    let lead = item.lead().map_or("", |(t, _)| t);
                    if is_objective_line(lead) {
                        markdown::render_item(item, "", 0, &mut description);
                    } else {
                        sc.steps.push(step_from_item(item, notes));
                    }
                }
            }
            BlockKind::Heading { text, .. } => description.push(format!("{text}:")),
            _ => markdown::render(block, &mut description),
        }
    }
    sc.description = description;
    if sc.steps.is_empty() {
        let mut step = DraftStep::new(title_of(&sc.title, TITLE_MAX), sc.line);
        step.detail
            .push("The plan gives no steps for this scenario; see its description.".to_owned());
        sc.steps.push(step);
        sc.placeholder_steps = true;
    }
}
