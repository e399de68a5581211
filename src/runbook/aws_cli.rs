//! Just enough of a shell reader to see what `aws` CLI lines in a step would
//! do: joins `\` continuations, splits on `;`, `&&`, `||` and `|`, honours
//! simple quotes, drops comments, and splits flags from their values.
//! Anything that is not an `aws` invocation is ignored.

/// One `aws <service> <operation> --flag value …` invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsCommand {
    pub service: String,
    pub operation: String,
    /// Flags without their leading dashes, in order; `None` for switches
    /// such as `--force-new-deployment`.
    pub flags: Vec<(String, Option<String>)>,
}

impl AwsCommand {
    /// The value of `--name`, the last one if repeated.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Whether `--name` appears, with or without a value.
    pub fn has(&self, name: &str) -> bool {
        self.flags.iter().any(|(n, _)| n == name)
    }

    pub fn is(&self, service: &str, operation: &str) -> bool {
        self.service == service && self.operation == operation
    }
}

/// Global options of the aws CLI that take no value; every other global
/// option before the service name is assumed to take one.
const GLOBAL_SWITCHES: &[&str] = &[
    "--debug",
    "--no-verify-ssl",
    "--no-paginate",
    "--no-cli-pager",
    "--no-sign-request",
    "--no-cli-auto-prompt",
    "--cli-auto-prompt",
];

/// Every `aws` invocation in a step's command strings, in order.
pub fn parse_commands<S: AsRef<str>>(lines: &[S]) -> Vec<AwsCommand> {
    let text = lines
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("\n");
    join_continuations(&text)
        .lines()
        .flat_map(|line| split_pipeline(&tokenize(line)))
        .filter_map(|words| parse_aws(&words))
        .collect()
}

/// A backslash at the end of a line (trailing blanks allowed) continues it.
fn join_continuations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        let trimmed = line.trim_end();
        match trimmed.strip_suffix('\\') {
            Some(head) => {
                out.push_str(head);
                out.push(' ');
            }
            None => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}

/// A word, or a command separator (`;`, `&&`, `||`, `|`) seen outside quotes.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    Separator,
}

/// Splits a line into words: single quotes are literal, double quotes allow
/// `\"`, a `#` starting a word begins a comment.
fn tokenize(line: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' if chars.peek() == Some(&'"') => {
                            word.push('"');
                            chars.next();
                        }
                        _ => word.push(q),
                    }
                }
            }
            '#' if !in_word => break,
            ';' | '|' | '&' => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
                // `&&`, `||` count once; a lone `&` (background) separates too.
                if chars.peek() == Some(&c) {
                    chars.next();
                }
                tokens.push(Token::Separator);
            }
            c if c.is_whitespace() => {
                if in_word {
                    tokens.push(Token::Word(std::mem::take(&mut word)));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        tokens.push(Token::Word(word));
    }
    tokens
}

fn split_pipeline(tokens: &[Token]) -> Vec<Vec<String>> {
    tokens
        .split(|t| *t == Token::Separator)
        .map(|part| {
            part.iter()
                .filter_map(|t| match t {
                    Token::Word(w) => Some(w.clone()),
                    Token::Separator => None,
                })
                .collect()
        })
        .collect()
}

/// Reads one simple command; `None` unless it runs `aws`.
fn parse_aws(words: &[String]) -> Option<AwsCommand> {
    // Skip leading `VAR=value` assignments.
    let mut rest = words
        .iter()
        .skip_while(|w| !w.starts_with('-') && w.contains('='));
    if rest.next().map(String::as_str) != Some("aws") {
        return None;
    }
    let rest: Vec<&String> = rest.collect();
    let mut i = 0;
    let mut global = Vec::new();
    while let Some(word) = rest.get(i).filter(|w| w.starts_with("--")) {
        let (name, value, used) = flag_at(&rest, i);
        if GLOBAL_SWITCHES.contains(&word.as_str()) {
            global.push((name, None));
            i += 1;
        } else {
            global.push((name, value));
            i += used;
        }
    }
    let service = rest.get(i)?.to_string();
    let operation = rest.get(i + 1)?.to_string();
    i += 2;
    let mut flags = global;
    while i < rest.len() {
        if rest[i].starts_with("--") {
            let (name, value, used) = flag_at(&rest, i);
            flags.push((name, value));
            i += used;
        } else {
            // A stray positional word: nothing the simulation needs.
            i += 1;
        }
    }
    Some(AwsCommand {
        service,
        operation,
        flags,
    })
}

/// The flag at `i`: its name, its value (inline `--a=b` or the next word if
/// that is not itself a flag), and how many words it used.
fn flag_at(words: &[&String], i: usize) -> (String, Option<String>, usize) {
    let raw = words[i].trim_start_matches('-');
    if let Some((name, value)) = raw.split_once('=') {
        return (name.to_string(), Some(value.to_string()), 1);
    }
    match words.get(i + 1) {
        Some(next) if !next.starts_with("--") => (raw.to_string(), Some(next.to_string()), 2),
        _ => (raw.to_string(), None, 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_continuations_and_reads_flags() {
        let block = "aws rds restore-db-instance-to-point-in-time \\  \n  --source-db-instance-identifier rally-prod-db \\\n  --target-db-instance-identifier rally-prod-db-restore \\\n  --use-latest-restorable-time \\\n  --region us-east-1\n# Or provide --restore-time \"YYYY\"";
        let cmds = parse_commands(&[block]);
        assert_eq!(cmds.len(), 1);
        let cmd = &cmds[0];
        assert!(cmd.is("rds", "restore-db-instance-to-point-in-time"));
        assert_eq!(
            cmd.flag("target-db-instance-identifier"),
            Some("rally-prod-db-restore")
        );
        assert!(cmd.has("use-latest-restorable-time"));
        assert_eq!(cmd.flag("use-latest-restorable-time"), None);
        assert_eq!(cmd.flag("region"), Some("us-east-1"));
        assert!(!cmd.has("restore-time"), "comment lines are ignored");
    }

    #[test]
    fn quotes_equals_globals_and_separators() {
        let cmds = parse_commands(&[
            "AWS_PAGER= aws --no-cli-pager --region us-west-2 ecs update-service --cluster=c1 --service 's 1' --desired-count \"3\" && echo done; aws rds wait db-instance-available --db-instance-identifier x # trailing",
            "echo not aws --cluster nope",
        ]);
        assert_eq!(cmds.len(), 2);
        assert!(cmds[0].is("ecs", "update-service"));
        assert_eq!(cmds[0].flag("region"), Some("us-west-2"));
        assert!(cmds[0].has("no-cli-pager"));
        assert_eq!(cmds[0].flag("cluster"), Some("c1"));
        assert_eq!(cmds[0].flag("service"), Some("s 1"));
        assert_eq!(cmds[0].flag("desired-count"), Some("3"));
        assert!(cmds[1].is("rds", "wait"));
        assert_eq!(cmds[1].flag("db-instance-identifier"), Some("x"));
    }

    #[test]
    fn incomplete_or_foreign_lines_yield_nothing() {
        assert!(parse_commands(&["aws", "aws rds", "kubectl get pods", ""]).is_empty());
    }
}
