//! "Nothing dropped", checked line by line: every line of a plan, with its
//! Markdown markup stripped, must appear in the emitted TOML, as a value or
//! a comment.

/// Lines of the (normalised) plan found nowhere in the TOML, with numbers.
pub fn missing_lines(plan: &str, toml_text: &str) -> Vec<(usize, String)> {
    let haystack = canonical(&haystack(toml_text));
    let mut missing = Vec::new();
    for (i, line) in plan.lines().enumerate() {
        for needle in needles(line) {
            // Titles drop a closing full stop or colon ("Restore it:").
            let needle = canonical(&needle);
            let needle = needle.trim_end_matches(['.', ':', '…']);
            if !needle.is_empty() && !haystack.contains(needle) {
                missing.push((i + 1, line.to_owned()));
                break;
            }
        }
    }
    missing
}

/// The TOML text itself (comments, plain values) and every string value
/// decoded (escapes undone).
fn haystack(toml_text: &str) -> String {
    fn walk(value: &toml::Value, out: &mut String) {
        match value {
            toml::Value::String(s) => {
                out.push_str(s);
                out.push('\n');
            }
            toml::Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            toml::Value::Table(table) => table.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = toml_text.to_owned();
    out.push('\n');
    let table: toml::Table = toml::from_str(toml_text).expect("emitted TOML parses");
    table.values().for_each(|v| walk(v, &mut out));
    out
}

/// Whitespace collapsed; emphasis and code-span marks dropped (the importer
/// keeps the words, not the typography).
fn canonical(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        match c {
            '*' | '`' => {}
            c if c.is_whitespace() => space = !out.is_empty(),
            c => {
                if space {
                    out.push(' ');
                    space = false;
                }
                out.push(c);
            }
        }
    }
    out
}

/// What of a source line must survive: its text without block markup
/// (heading hashes, quote marks, list markers, task boxes, `$` prompts,
/// continuation backslashes, the `echo "…"` around shell narration), a
/// table row's cells one by one; nothing for pure syntax (fences, rules,
/// table separators).
fn needles(line: &str) -> Vec<String> {
    let t = line.trim();
    let only = |set: &str| t.chars().all(|c| set.contains(c));
    if t.is_empty()
        || t.starts_with("```")
        || t.starts_with("~~~")
        || (t.len() >= 3 && (only("- ") || only("* ") || only("_ ")))
        || (t.contains('-') && only("|-: "))
    {
        return Vec::new();
    }
    if t.starts_with('|') {
        return t
            .trim_matches('|')
            .split('|')
            .map(|cell| strip_markup(cell.trim()).to_owned())
            .filter(|cell| !cell.is_empty())
            .collect();
    }
    vec![strip_markup(t).to_owned()]
}

fn strip_markup(mut t: &str) -> &str {
    loop {
        let before = t;
        t = t
            .trim_start_matches('#')
            .trim_start_matches('>')
            .trim_start();
        for marker in ["- ", "* ", "+ ", "[ ] ", "[x] ", "[X] ", "$ "] {
            t = t.strip_prefix(marker).unwrap_or(t);
        }
        if let Some(said) = t.strip_prefix("echo ") {
            let said = said.trim();
            t = said
                .strip_prefix('"')
                .and_then(|s| s.strip_suffix('"'))
                .or_else(|| said.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))
                .unwrap_or(said);
        }
        if let Some((number, rest)) = t.split_once(['.', ')'])
            && !number.is_empty()
            && number.len() <= 3
            && number.chars().all(|c| c.is_ascii_digit())
            && (rest.is_empty() || rest.starts_with(' '))
        {
            t = rest;
        }
        t = t.trim();
        if t == before {
            break;
        }
    }
    t.strip_suffix('\\').unwrap_or(t).trim_end()
}
