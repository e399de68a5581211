//! Commands in plans: fenced shell blocks (with `\` continuations, numbered
//! comments that mark steps, `echo` narration) and inline `aws …` spans.
//! Words and lines are read by [`crate::runbook::aws_cli`].

use super::text::listed;
use crate::runbook::aws_cli::{Kind, logical_lines, program, simple_commands, tokenize};

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
    /// Shell set-up that runs nothing of the procedure: `set -euo
    /// pipefail`, `REGION=<region>`, `export X=y`; kept as text. (`cd` is a
    /// command: the commands after it run where it leads.)
    Plumbing(String),
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
/// and inline code, separated by blanks.
const PROGRAMS: &str = "aws kubectl eksctl helm terraform psql pg_dump pg_restore \
    pg_basebackup mysql mysqldump redis-cli curl wget ssh scp docker \
    systemctl sudo gcloud az git make ansible-playbook pytest python \
    python3 bash sh dig nslookup jq sam cdk copilot ecs-cli";

/// Whether a line of an unlabelled block, or an inline code span, reads as
/// a command: a known program with at least one argument, or a `./script`.
/// In `X=$(aws …)` the program is `aws`.
pub fn looks_like_command(text: &str) -> bool {
    let commands = simple_commands(text);
    let Some((program, args)) = commands.iter().find_map(|words| program(words)) else {
        return false;
    };
    (listed(PROGRAMS, program) && !args.is_empty())
        || (program.starts_with("./") && program.len() > 2)
}

/// Splits a shell block into logical lines: continuations joined, comments
/// and narration told apart, blank lines dropped.
pub fn parse_shell(body: &str, first_line: usize) -> Vec<ShellLine> {
    logical_lines(body)
        .into_iter()
        .map(|l| ShellLine {
            line: first_line + l.line,
            kind: classify(&l.text),
        })
        .collect()
}

fn classify(line: &str) -> LineKind {
    if line.starts_with("#!") {
        return LineKind::Shebang(line.to_owned());
    }
    if let Some(comment) = line.strip_prefix('#') {
        return LineKind::Comment(comment.trim_start_matches('#').trim().to_owned());
    }
    let line = line.strip_prefix("$ ").unwrap_or(line);
    if is_plumbing(line) {
        return LineKind::Plumbing(line.to_owned());
    }
    match narration(line) {
        Some(text) => LineKind::Echo(text),
        None => LineKind::Command(line.to_owned()),
    }
}

/// Builtins that only prepare the shell, separated by blanks.
const PLUMBING: &str = "set export readonly declare local unset shopt";

/// A line that is one simple command setting up the shell: a builtin of
/// [`PLUMBING`] or only `VAR=value` assignments, running nothing. The
/// reader ends a command at `<` and `>`, so `DB=<db-id>` reads as `DB=`
/// then `db-id`: pieces after redirections may be single words only. A
/// `$(…)`, `;`, `&&` or `|` makes the line a command.
fn is_plumbing(line: &str) -> bool {
    let redirections_only = tokenize(line).iter().all(|t| match t.kind {
        Kind::Separator => matches!(line.get(t.span.clone()), Some("<" | ">")),
        _ => true,
    });
    let commands = simple_commands(line);
    let Some((first, rest)) = commands.split_first() else {
        return false;
    };
    redirections_only
        && rest.iter().all(|words| words.len() == 1)
        && program(first).is_none_or(|(program, _)| listed(PLUMBING, program))
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
    fn plumbing_is_told_from_commands() {
        let body = "set -euo pipefail\ncd /opt/dr\nDB_ID=<db-id>\nDB=<a> aws rds x\nexport AWS_REGION=us-west-2\nID=$(aws rds describe-db-instances)\ncd /opt && ./failover.sh\nset -e; aws s3 ls\n";
        let kinds: Vec<LineKind> = parse_shell(body, 1).into_iter().map(|l| l.kind).collect();
        assert_eq!(
            kinds,
            [
                LineKind::Plumbing("set -euo pipefail".into()),
                LineKind::Command("cd /opt/dr".into()),
                LineKind::Plumbing("DB_ID=<db-id>".into()),
                LineKind::Command("DB=<a> aws rds x".into()),
                LineKind::Plumbing("export AWS_REGION=us-west-2".into()),
                LineKind::Command("ID=$(aws rds describe-db-instances)".into()),
                LineKind::Command("cd /opt && ./failover.sh".into()),
                LineKind::Command("set -e; aws s3 ls".into()),
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
    fn reads_code_spans() {
        assert_eq!(code_spans("run `a b` then `c`"), vec!["a b", "c"]);
    }
}
