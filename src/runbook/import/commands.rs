//! Commands in plans: fenced shell blocks (with `\` continuations, numbered
//! comments that mark steps, `echo` narration) and inline `aws …` spans.

/// One logical line of a shell block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShellLine {
    /// Source line where it starts.
    pub line: usize,
    pub kind: LineKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// A command, continuations joined into one line.
    Command(String),
    /// A `#` comment, without the `#`.
    Comment(String),
    /// `echo "text"` that only narrates; the text without quotes.
    Echo(String),
    /// `#!/bin/bash`
    Shebang(String),
}

/// Whether a fenced block's language is shell, something else to keep as
/// text, or unlabelled (decide by looking).
pub enum BlockLanguage {
    Shell,
    Unlabelled,
    Other,
}

pub fn language(lang: &str) -> BlockLanguage {
    match lang {
        "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "shellsession" | "fish"
        | "ksh" | "powershell" | "ps1" | "pwsh" | "cmd" | "bat" | "awscli" => BlockLanguage::Shell,
        "" | "text" | "txt" | "plain" | "plaintext" | "none" => BlockLanguage::Unlabelled,
        _ => BlockLanguage::Other,
    }
}

/// Programs whose invocations we recognise as commands in unlabelled blocks
/// and inline code.
const PROGRAMS: &[&str] = &[
    "aws",
    "kubectl",
    "eksctl",
    "helm",
    "terraform",
    "psql",
    "pg_dump",
    "pg_restore",
    "pg_basebackup",
    "mysql",
    "mysqldump",
    "redis-cli",
    "curl",
    "wget",
    "ssh",
    "scp",
    "docker",
    "systemctl",
    "sudo",
    "gcloud",
    "az",
    "git",
    "make",
    "ansible-playbook",
    "pytest",
    "python",
    "python3",
    "bash",
    "sh",
    "dig",
    "nslookup",
    "jq",
    "sam",
    "cdk",
    "copilot",
    "ecs-cli",
];

fn program_of(command: &str) -> &str {
    let command = command.trim_start_matches("$ ").trim_start();
    let first = command.split_whitespace().next().unwrap_or("");
    // `VAR=$(aws …)` runs aws.
    match first.split_once("=$(") {
        Some((_, inner)) => inner,
        None => first,
    }
}

/// Whether a line of an unlabelled block, or an inline code span, reads as
/// a command: a known program with at least one argument, or a `./script`.
pub fn looks_like_command(text: &str) -> bool {
    let text = text.trim().trim_start_matches("$ ");
    let program = program_of(text);
    let has_args = text.split_whitespace().nth(1).is_some();
    (PROGRAMS.contains(&program) && has_args) || (program.starts_with("./") && program.len() > 2)
}

/// Splits a shell block into logical lines: continuations joined, comments
/// and narration told apart, blank lines dropped.
pub fn parse_shell(body: &str, first_line: usize) -> Vec<ShellLine> {
    let mut out = Vec::new();
    let mut pending: Option<(usize, String)> = None;
    for (offset, raw) in body.lines().enumerate() {
        let line_no = first_line + offset;
        let line = raw.trim_end();
        if let Some((start, mut joined)) = pending.take() {
            let part = line.trim();
            if let Some(more) = part.strip_suffix('\\') {
                push_part(&mut joined, more);
                pending = Some((start, joined));
            } else {
                push_part(&mut joined, part);
                out.push(ShellLine {
                    line: start,
                    kind: classify(&joined),
                });
            }
            continue;
        }
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !trimmed.starts_with('#')
            && let Some(head) = trimmed.strip_suffix('\\')
        {
            pending = Some((line_no, head.trim_end().to_owned()));
            continue;
        }
        out.push(ShellLine {
            line: line_no,
            kind: classify(trimmed),
        });
    }
    if let Some((start, joined)) = pending {
        out.push(ShellLine {
            line: start,
            kind: classify(&joined),
        });
    }
    out
}

fn push_part(joined: &mut String, part: &str) {
    let part = part.trim();
    if part.is_empty() {
        return;
    }
    if !joined.is_empty() {
        joined.push(' ');
    }
    joined.push_str(part);
}

fn classify(line: &str) -> LineKind {
    if line.starts_with("#!") {
        return LineKind::Shebang(line.to_owned());
    }
    if let Some(comment) = line.strip_prefix('#') {
        return LineKind::Comment(comment.trim_start_matches('#').trim().to_owned());
    }
    let line = line.strip_prefix("$ ").unwrap_or(line);
    match narration(line) {
        Some(text) => LineKind::Echo(text),
        None => LineKind::Command(line.to_owned()),
    }
}

/// The text of `echo "…"` when the line does nothing else (no redirection,
/// pipe or chained command).
fn narration(line: &str) -> Option<String> {
    let rest = line.strip_prefix("echo ")?.trim();
    let rest = rest
        .strip_prefix("-e ")
        .or_else(|| rest.strip_prefix("-n "))
        .unwrap_or(rest)
        .trim();
    let unquoted = if let Some(inner) = rest.strip_prefix('"') {
        inner.strip_suffix('"')?
    } else if let Some(inner) = rest.strip_prefix('\'') {
        inner.strip_suffix('\'')?
    } else {
        rest
    };
    let inner_has_quote = unquoted.contains(['"', '\'']);
    let has_operator = |s: &str| s.contains(['|', '>', '<', ';', '&', '`']);
    if inner_has_quote || (has_operator(unquoted) && unquoted.len() == rest.len()) {
        return None;
    }
    Some(unquoted.to_owned())
}

/// A step marker in a comment or echo: "1. Promote …", "Step 2: Wait …",
/// "3) Update …". Returns the number and the title.
pub fn step_marker(text: &str) -> Option<(u32, String)> {
    let text = text.trim();
    let rest = strip_prefix_ci(text, "step").map_or(text, str::trim_start);
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 3 {
        return None;
    }
    let number: u32 = rest[..digits].parse().ok()?;
    let after = &rest[digits..];
    let explicit_step = rest.len() != text.len();
    let title = match after.chars().next() {
        Some('.' | ')' | ':') => &after[1..],
        Some(' ') if explicit_step => after,
        Some('-' | '–') if explicit_step => &after[after.chars().next()?.len_utf8()..],
        None if explicit_step => "",
        _ => return None,
    };
    let title = title
        .trim()
        .trim_start_matches(['-', '–', ':'])
        .trim()
        .trim_end_matches("...")
        .trim_end_matches('…')
        .trim();
    // "1.5 GB" is not a step; "2. " needs words after it.
    if title.is_empty() && !explicit_step || title.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    Some((number, title.to_owned()))
}

fn strip_prefix_ci<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
        .filter(|rest| rest.starts_with(' '))
}

/// Inline code spans (`…`) of a text.
pub fn code_spans(text: &str) -> Vec<&str> {
    let mut spans = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else { break };
        let span = after[..close].trim();
        if !span.is_empty() {
            spans.push(span);
        }
        rest = &after[close + 1..];
    }
    spans
}

/// The AWS service an `aws …` command calls, without parsing it fully.
pub fn aws_service(command: &str) -> Option<&str> {
    let mut words = command.split_whitespace();
    words.find(|w| *w == "aws" || w.ends_with("/aws") || w.ends_with("$(aws"))?;
    let mut skip_value = false;
    for w in words {
        if skip_value {
            skip_value = false;
        } else if w.starts_with("--") {
            skip_value = !w.contains('=');
        } else {
            return Some(w);
        }
    }
    None
}

/// A parsed command line: words with quotes removed, and `--flag value`
/// pairs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Invocation {
    pub words: Vec<String>,
}

impl Invocation {
    pub fn parse(command: &str) -> Self {
        Self {
            words: shell_words(command),
        }
    }

    /// For `aws [global flags] service operation …`: (service, operation).
    /// For `aws rds wait db-instance-available`, the operation is "wait".
    pub fn aws_call(&self) -> Option<(&str, &str)> {
        let start = self.words.iter().position(|w| {
            w == "aws" || w.ends_with("/aws") || w.ends_with("=$(aws") || w == "$(aws"
        })?;
        let mut positional = self.words[start + 1..]
            .iter()
            .scan(false, |skip_value, w| {
                if *skip_value {
                    *skip_value = false;
                    return Some(None);
                }
                if w.starts_with("--") {
                    *skip_value = !w.contains('=');
                    return Some(None);
                }
                Some(Some(w.as_str()))
            })
            .flatten();
        Some((positional.next()?, positional.next()?))
    }

    /// The second positional word after the operation, e.g. the waiter name.
    pub fn aws_subcommand(&self) -> Option<&str> {
        let (_, op) = self.aws_call()?;
        let at = self.words.iter().position(|w| w == op)?;
        self.words.get(at + 1).map(String::as_str)
    }

    /// The value of `--flag value` or `--flag=value`.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.words.iter().enumerate().find_map(|(i, w)| {
            if w == name {
                self.words
                    .get(i + 1)
                    .filter(|v| !v.starts_with("--"))
                    .map(String::as_str)
            } else {
                w.strip_prefix(name).and_then(|v| v.strip_prefix('='))
            }
        })
    }
}

/// Splits a command line into words, honouring single and double quotes.
pub fn shell_words(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut quote: Option<char> = None;
    for c in command.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_classifies() {
        let body = "#!/bin/bash\n# 1. Promote\naws rds promote-read-replica \\  \n  --db-instance-identifier db-replica \\\n  --region us-west-2\necho \"2. Waiting...\"\necho $X > out\n\n";
        let lines = parse_shell(body, 10);
        assert_eq!(
            lines,
            vec![
                ShellLine {
                    line: 10,
                    kind: LineKind::Shebang("#!/bin/bash".into())
                },
                ShellLine {
                    line: 11,
                    kind: LineKind::Comment("1. Promote".into())
                },
                ShellLine {
                    line: 12,
                    kind: LineKind::Command(
                        "aws rds promote-read-replica --db-instance-identifier db-replica --region us-west-2"
                            .into()
                    )
                },
                ShellLine {
                    line: 15,
                    kind: LineKind::Echo("2. Waiting...".into())
                },
                ShellLine {
                    line: 16,
                    kind: LineKind::Command("echo $X > out".into())
                },
            ]
        );
    }

    #[test]
    fn reads_step_markers() {
        assert_eq!(
            step_marker("1. Promote read replica"),
            Some((1, "Promote read replica".into()))
        );
        assert_eq!(
            step_marker("Step 2: Promote replica"),
            Some((2, "Promote replica".into()))
        );
        assert_eq!(
            step_marker("3. Waiting for replica promotion..."),
            Some((3, "Waiting for replica promotion".into()))
        );
        assert_eq!(step_marker("step 4 - scale"), Some((4, "scale".into())));
        assert_eq!(step_marker("Secondary Region RDS"), None);
        assert_eq!(step_marker("1.5 GB free"), None);
        assert_eq!(step_marker("2024 plan"), None);
    }

    #[test]
    fn recognises_commands() {
        assert!(looks_like_command("aws ecs update-service --cluster x"));
        assert!(looks_like_command("$ kubectl get pods"));
        assert!(looks_like_command("X=$(curl -s http://x)"));
        assert!(!looks_like_command("/ping"));
        assert!(!looks_like_command("pg_dump"));
        assert!(!looks_like_command("rally-prod-db"));
    }

    #[test]
    fn parses_invocations() {
        let inv = Invocation::parse(
            "aws --region us-east-1 rds restore-db-instance-to-point-in-time --target-db-instance-identifier=new --source-db-instance-identifier 'old'",
        );
        assert_eq!(
            inv.aws_call(),
            Some(("rds", "restore-db-instance-to-point-in-time"))
        );
        assert_eq!(inv.flag("--target-db-instance-identifier"), Some("new"));
        assert_eq!(inv.flag("--source-db-instance-identifier"), Some("old"));
        assert_eq!(inv.flag("--region"), Some("us-east-1"));
        let wait =
            Invocation::parse("aws rds wait db-instance-available --db-instance-identifier x");
        assert_eq!(wait.aws_call(), Some(("rds", "wait")));
        assert_eq!(wait.aws_subcommand(), Some("db-instance-available"));
        assert_eq!(code_spans("run `a b` then `c`"), vec!["a b", "c"]);
    }
}
