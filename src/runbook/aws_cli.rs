//! The one reader of shell command text, and the one model of an `aws` CLI
//! invocation; the importer, the simulated world and readiness all use it.
//!
//! Shell: single quotes are literal, double quotes honour `\"`, `\\`, `\$`
//! and `` \` ``, and both may span lines (multi-line JSON or SQL); `\` at
//! the end of a line continues it; `;`, `&&`, `||`, `|`, `&`, newlines,
//! `(`, `)`, backquotes and `$(` separate commands (and redirections end
//! one, so `> out.json` is no flag value), so `X=$(aws …)` is an
//! `aws` command of its own; a `$(…)` inside double quotes is read through
//! to its closing `)`; a heredoc (`<<EOF`, `<<'EOF'`, `<<-EOF`) takes the
//! lines after its command up to the delimiter line (the delimiter matched
//! with surrounding blanks ignored, as plans indent it), and they belong to
//! that command's line; a `#` starting a word begins a comment. A
//! quote opened right after a letter or digit (`don't`) and not closed on
//! its line is read as an apostrophe, so careless prose in a plan does not
//! swallow the lines after it.
//!
//! aws CLI: `[VAR=value …] [sudo|time|…] [path/]aws [global options]
//! service operation [positional words] [--flag [value …]] …`. A global
//! option before the service takes one value unless it is a known switch.
//! After the operation, every word up to the next `--flag` is a value of
//! the flag before it: a flag with none is a switch (`--force-new-deployment`),
//! a list flag keeps all of them (`--alarm-names a b c`). As in the aws CLI,
//! a repeated flag's last occurrence wins. Flag names are kept without
//! their dashes and looked up with or without them.

use std::cell::Cell;
use std::ops::Range;

/// What a stretch of shell text is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// A word with its quotes and escapes resolved.
    Word(String),
    /// Something that ends a simple command: `;`, `&&`, `|`, `$(`, `)`, …
    Separator,
    /// A newline that ends a logical line.
    LineEnd,
    /// A `#` comment.
    Comment,
    /// `\` at the end of a line, with the blanks around the line break.
    Continuation,
    /// A heredoc's body: from the line break after its command through
    /// the delimiter line.
    HereDoc,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: Kind,
    /// Bytes of the source text it came from.
    pub span: Range<usize>,
}

/// The length of a `<placeholder>` at the start of `text` (`<db-id>`,
/// `<ACCOUNT_ID>`, `<region>`): plans write them where a value goes, and
/// reading them as redirections would end the command there.
fn placeholder_len(text: &str) -> Option<usize> {
    let inner = text.strip_prefix('<')?;
    let close = inner.find('>')?;
    let name = &inner[..close];
    let fits = |c: char| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/');
    let starts_well = name
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    (starts_well && name.chars().count() <= 64 && name.chars().all(fits)).then_some(close + 2)
}

/// Splits shell text into tokens.
pub fn tokenize(text: &str) -> Vec<Token> {
    let budget = substitution_budget(text);
    let mut lexer = Lexer::new(text, 0, &budget);
    lexer.run();
    lexer.tokens
}

/// Whether shell text leaves something open at its end: a quote, a
/// heredoc without its delimiter line, a `$(` without its `)`, or a `\`
/// continuation. An apostrophe inside a word (`don't`) is no quote.
pub fn is_unclosed(text: &str) -> bool {
    let budget = substitution_budget(text);
    let mut lexer = Lexer::new(text, 0, &budget);
    lexer.run();
    lexer.unclosed
        || !lexer.heredocs.is_empty()
        || lexer
            .tokens
            .last()
            .is_some_and(|t| t.kind == Kind::Continuation)
}

/// How deep `$(…)` inside double quotes is followed; deeper ones are read
/// as plain characters, so hostile nesting cannot exhaust the stack.
const MAX_NESTING: usize = 8;

/// Bytes that reading ahead through `$(…)` inside double quotes may cost
/// in all: an unclosed one reads to the end of the text, and many of them
/// must not make tokenizing quadratic. Past it, they are plain characters.
fn substitution_budget(text: &str) -> Cell<usize> {
    Cell::new(text.len().saturating_mul(4).saturating_add(4096))
}

struct Lexer<'a> {
    text: &'a str,
    /// See [`substitution_budget`]; shared with nested lexers.
    budget: &'a Cell<usize>,
    at: usize,
    tokens: Vec<Token>,
    word: String,
    word_start: Option<usize>,
    /// Heredocs opened on the current line, to read at its end: the
    /// delimiter and whether leading tabs are stripped (`<<-`).
    heredocs: Vec<(String, bool)>,
    /// Something opened and never closed (see [`is_unclosed`]).
    unclosed: bool,
    /// Levels of `$(` inside double quotes around this lexer.
    nesting: usize,
    /// Reading a `$(…)` inside double quotes: open parentheses, and where
    /// the closing one was found.
    parens: usize,
    closed_at: Option<usize>,
}

impl<'a> Lexer<'a> {
    fn new(text: &'a str, nesting: usize, budget: &'a Cell<usize>) -> Self {
        Self {
            text,
            budget,
            at: 0,
            tokens: Vec::new(),
            word: String::new(),
            word_start: None,
            heredocs: Vec::new(),
            unclosed: false,
            nesting,
            parens: 0,
            closed_at: None,
        }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.at..)?.chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.at += c.len_utf8();
        Some(c)
    }

    fn push(&mut self, kind: Kind, start: usize) {
        self.tokens.push(Token {
            kind,
            span: start..self.at,
        });
    }

    /// Adds `c` to the current word, starting one at `start` if needed.
    fn word_char(&mut self, c: char, start: usize) {
        self.word_start.get_or_insert(start);
        self.word.push(c);
    }

    fn end_word(&mut self, end: usize) {
        if let Some(start) = self.word_start.take() {
            self.tokens.push(Token {
                kind: Kind::Word(std::mem::take(&mut self.word)),
                span: start..end,
            });
        }
    }

    fn run(&mut self) {
        while let Some(c) = self.peek() {
            let start = self.at;
            match c {
                '\\' => self.backslash(start),
                '\'' | '"' => self.quoted(c, start),
                '#' if self.word_start.is_none() => {
                    let len = self.text[start..]
                        .find('\n')
                        .unwrap_or(self.text.len() - start);
                    self.at = start + len;
                    self.push(Kind::Comment, start);
                }
                '\n' if !self.heredocs.is_empty() => {
                    self.end_word(start);
                    self.heredoc_bodies(start);
                }
                '\n' => {
                    self.end_word(start);
                    self.bump();
                    self.push(Kind::LineEnd, start);
                }
                '<' if self.text[start..].starts_with("<<") => self.heredoc_operator(start),
                '<' if let Some(len) = placeholder_len(&self.text[start..]) => {
                    for c in self.text[start..start + len].chars() {
                        self.word_char(c, start);
                    }
                    self.at = start + len;
                }
                ')' if self.nesting > 0 && self.parens == 0 => {
                    self.end_word(start);
                    self.closed_at = Some(start);
                    return;
                }
                ';' | '&' | '|' | '(' | ')' | '`' | '<' | '>' => {
                    match c {
                        '(' => self.parens = self.parens.saturating_add(1),
                        ')' => self.parens = self.parens.saturating_sub(1),
                        _ => {}
                    }
                    self.end_word(start);
                    self.bump();
                    // `&&` and `||` are one separator.
                    if matches!(c, '&' | '|') && self.peek() == Some(c) {
                        self.bump();
                    }
                    self.push(Kind::Separator, start);
                }
                '$' if self.text[start..].starts_with("$(") => {
                    self.end_word(start);
                    self.at += 2;
                    self.parens = self.parens.saturating_add(1);
                    self.push(Kind::Separator, start);
                }
                c if c.is_whitespace() => {
                    self.end_word(start);
                    self.bump();
                }
                c => {
                    self.bump();
                    self.word_char(c, start);
                }
            }
        }
        self.end_word(self.at);
    }

    /// `<<` (or `<<-`) and its delimiter word, quotes removed: one
    /// separator; the body is read at the end of the line. `<<<` (a
    /// here-string) and a `<<` with no word after it are plain separators.
    fn heredoc_operator(&mut self, start: usize) {
        self.end_word(start);
        let rest = &self.text[start..];
        if rest.starts_with("<<<") {
            self.at = start + 3;
            self.push(Kind::Separator, start);
            return;
        }
        let strip_tabs = rest[2..].starts_with('-');
        let after_op = 2 + usize::from(strip_tabs);
        let word_at = after_op + rest[after_op..].len()
            - rest[after_op..].trim_start_matches([' ', '\t']).len();
        let mut delimiter = String::new();
        let mut quote: Option<char> = None;
        let mut end = word_at;
        for (i, c) in rest[word_at..].char_indices() {
            end = word_at + i;
            match (quote, c) {
                (_, '\n') => break,
                (Some(q), c) if c == q => quote = None,
                (Some(_), c) => delimiter.push(c),
                (None, '\'' | '"') => quote = Some(c),
                (None, '\\') => {}
                (None, c) if c.is_whitespace() || ";&|()<>`".contains(c) => break,
                (None, c) => delimiter.push(c),
            }
            end = word_at + i + c.len_utf8();
        }
        self.at = start + if delimiter.is_empty() { 2 } else { end };
        self.push(Kind::Separator, start);
        if !delimiter.is_empty() {
            self.heredocs.push((delimiter, strip_tabs));
        }
    }

    /// At the line break ending a line that opened heredocs: their bodies,
    /// one after another, through each delimiter line; to the end of the
    /// text when a delimiter never comes, as a shell would.
    fn heredoc_bodies(&mut self, start: usize) {
        let mut at = start + 1;
        for (delimiter, strip_tabs) in std::mem::take(&mut self.heredocs) {
            loop {
                let Some(line) = self.text.get(at..).filter(|rest| !rest.is_empty()) else {
                    self.unclosed = true;
                    break;
                };
                let line = line.split('\n').next().unwrap_or("");
                let next = at + line.len();
                let body_line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if body_line.trim() == delimiter {
                    at = next;
                    break;
                }
                at = (next + 1).min(self.text.len());
                if next >= self.text.len() {
                    self.unclosed = true;
                    break;
                }
            }
        }
        self.at = at;
        self.push(Kind::HereDoc, start);
    }

    /// A line continuation, or an escaped character.
    fn backslash(&mut self, start: usize) {
        let rest = &self.text[start + 1..];
        let blanks = rest.len() - rest.trim_start_matches([' ', '\t', '\r']).len();
        // At the very end of the text it still asks for a next line.
        if rest[blanks..].starts_with('\n') || rest[blanks..].is_empty() {
            self.end_word(start);
            let next = rest.get(blanks + 1..).unwrap_or("");
            let indent = next.len() - next.trim_start_matches([' ', '\t']).len();
            self.at = (start + 1 + blanks + 1 + indent).min(self.text.len());
            self.push(Kind::Continuation, start);
            return;
        }
        self.bump();
        match self.bump() {
            Some(c) => self.word_char(c, start),
            None => self.word_char('\\', start),
        }
    }

    /// A quoted string; an apostrophe inside a word that is not closed on
    /// its line stays a literal character.
    fn quoted(&mut self, quote: char, start: usize) {
        let after_letter = self.word_start.is_some()
            && self.text[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric);
        let Some(len) = closing(&self.text[start + 1..], quote, self.nesting, self.budget)
            .filter(|&len| !after_letter || !self.text[start + 1..start + 1 + len].contains('\n'))
        else {
            self.unclosed |= !after_letter;
            self.bump();
            self.word_char(quote, start);
            return;
        };
        self.word_start.get_or_insert(start);
        let inner = &self.text[start + 1..start + 1 + len];
        if quote == '\'' {
            self.word.push_str(inner);
        } else {
            let mut chars = inner.chars().peekable();
            while let Some(c) = chars.next() {
                match (c, chars.peek()) {
                    ('\\', Some(&next @ ('"' | '\\' | '$' | '`'))) => {
                        self.word.push(next);
                        chars.next();
                    }
                    _ => self.word.push(c),
                }
            }
        }
        self.at = start + 1 + len + 1;
    }
}

/// Bytes up to the quote closing a string that starts at `text`, if any;
/// a `$(…)` inside double quotes is skipped whole (its own quotes and
/// heredocs included).
fn closing(text: &str, quote: char, nesting: usize, budget: &Cell<usize>) -> Option<usize> {
    if quote == '\'' {
        return text.find('\'');
    }
    let mut escaped = false;
    let mut skip_to = 0;
    for (i, c) in text.char_indices() {
        if i < skip_to {
            continue;
        }
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '$' if nesting < MAX_NESTING && budget.get() > 0 && text[i..].starts_with("$(") => {
                skip_to = i + 2 + substitution(&text[i + 2..], nesting + 1, budget)?;
            }
            c if c == quote => return Some(i),
            _ => {}
        }
    }
    None
}

/// Bytes of a command substitution's inside through its closing `)`.
fn substitution(text: &str, nesting: usize, budget: &Cell<usize>) -> Option<usize> {
    let mut inner = Lexer::new(text, nesting, budget);
    inner.run();
    budget.set(budget.get().saturating_sub(inner.at));
    inner.closed_at.map(|at| at + 1)
}

/// One logical line of shell text: continuations joined with a space,
/// quoted line breaks kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogicalLine {
    /// Index of the physical line it starts on.
    pub line: usize,
    pub text: String,
}

/// The logical lines of shell text, blank ones dropped.
pub fn logical_lines(text: &str) -> Vec<LogicalLine> {
    let tokens = tokenize(text);
    tokens
        .split(|t| t.kind == Kind::LineEnd)
        .filter_map(|line| {
            let first = line.iter().find(|t| t.kind != Kind::Continuation)?;
            let last = line.last()?;
            let mut joined = String::new();
            let mut from = first.span.start;
            for cont in line.iter().filter(|t| t.kind == Kind::Continuation) {
                push_part(&mut joined, text.get(from..cont.span.start).unwrap_or(""));
                from = cont.span.end;
            }
            push_part(&mut joined, text.get(from..last.span.end).unwrap_or(""));
            Some(LogicalLine {
                line: text[..first.span.start].matches('\n').count(),
                text: joined,
            })
            .filter(|l| !l.text.is_empty())
        })
        .collect()
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

/// The simple commands in shell text: the words between separators.
pub fn simple_commands(text: &str) -> Vec<Vec<String>> {
    let mut commands = Vec::new();
    let mut current = Vec::new();
    for token in tokenize(text) {
        match token.kind {
            Kind::Word(word) => current.push(word),
            Kind::Separator | Kind::LineEnd => commands.push(std::mem::take(&mut current)),
            Kind::Comment | Kind::Continuation | Kind::HereDoc => {}
        }
    }
    commands.push(current);
    commands.retain(|c| !c.is_empty());
    commands
}

/// Words that only run the command after them.
const WRAPPERS: &[&str] = &["$", "sudo", "time", "command", "exec", "nohup"];

/// The program a simple command runs and its arguments, after any
/// `VAR=value` assignments and wrappers such as `sudo`.
pub fn program(words: &[String]) -> Option<(&str, &[String])> {
    let assignment = |w: &str| w.contains('=') && !w.starts_with('-');
    let at = words
        .iter()
        .position(|w| !WRAPPERS.contains(&w.as_str()) && !assignment(w))?;
    Some((words[at].as_str(), &words[at + 1..]))
}

/// One `aws <service> <operation> …` invocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsCommand {
    pub service: String,
    pub operation: String,
    /// Words between the operation and the first flag, e.g. a waiter name.
    pub positional: Vec<String>,
    /// Flags without their dashes, in order, each with all its values;
    /// global options are included.
    pub flags: Vec<(String, Vec<String>)>,
}

impl AwsCommand {
    /// Reads one simple command; `None` unless it runs `aws` with a service
    /// and an operation.
    pub fn from_words(words: &[String]) -> Option<Self> {
        let (program, args) = program(words)?;
        if program.rsplit('/').next() != Some("aws") {
            return None;
        }
        let mut flags = Vec::new();
        let mut rest = args.iter().peekable();
        // Global options come before the service.
        while let Some(word) = rest.next_if(|w| w.starts_with("--")) {
            let (name, mut values) = split_flag(word);
            if values.is_empty()
                && !GLOBAL_SWITCHES.contains(&name)
                && let Some(value) = rest.next_if(|w| !w.starts_with("--"))
            {
                values.push(value.clone());
            }
            flags.push((name.to_owned(), values));
        }
        let globals = flags.len();
        let service = rest.next()?.clone();
        let operation = rest.next()?.clone();
        let mut positional = Vec::new();
        for word in rest {
            if word.starts_with("--") {
                let (name, values) = split_flag(word);
                flags.push((name.to_owned(), values));
            } else if flags.len() > globals
                && let Some((_, values)) = flags.last_mut()
            {
                values.push(word.clone());
            } else {
                positional.push(word.clone());
            }
        }
        Some(Self {
            service,
            operation,
            positional,
            flags,
        })
    }

    /// The values of the last `--name`; empty for a switch or when absent.
    pub fn values(&self, name: &str) -> &[String] {
        let name = name.trim_start_matches('-');
        self.flags
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map_or(&[], |(_, v)| v.as_slice())
    }

    /// The values of the first of several spellings that is present, e.g.
    /// `--service` or `--services`.
    pub fn values_of_any(&self, names: &[&str]) -> &[String] {
        names
            .iter()
            .map(|n| self.values(n))
            .find(|v| !v.is_empty())
            .unwrap_or(&[])
    }

    /// The value of `--name` (its first, for a list flag), the last
    /// occurrence if repeated.
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.values(name).first().map(String::as_str)
    }

    /// Whether `--name` appears, with or without a value.
    pub fn has(&self, name: &str) -> bool {
        let name = name.trim_start_matches('-');
        self.flags.iter().any(|(n, _)| n == name)
    }

    pub fn is(&self, service: &str, operation: &str) -> bool {
        self.service == service && self.operation == operation
    }

    /// The region it runs in, if `--region` names one.
    pub fn region(&self) -> Option<&str> {
        self.flag("region")
    }
}

/// `--name=value` or `--name`: the name without dashes and any inline value.
fn split_flag(word: &str) -> (&str, Vec<String>) {
    let raw = word.trim_start_matches('-');
    match raw.split_once('=') {
        Some((name, value)) => (name, vec![value.to_owned()]),
        None => (raw, Vec::new()),
    }
}

/// Global options of the aws CLI that take no value; every other global
/// option before the service name is assumed to take one.
const GLOBAL_SWITCHES: &[&str] = &[
    "debug",
    "no-verify-ssl",
    "no-paginate",
    "no-cli-pager",
    "no-sign-request",
    "no-cli-auto-prompt",
    "cli-auto-prompt",
];

/// Every `aws` invocation in shell text, in order.
pub fn parse_text(text: &str) -> Vec<AwsCommand> {
    simple_commands(text)
        .iter()
        .filter_map(|words| AwsCommand::from_words(words))
        .collect()
}

/// Every `aws` invocation in a step's command strings, in order; a `\` or
/// an open quote at the end of one string carries on into the next.
pub fn parse_commands<S: AsRef<str>>(lines: &[S]) -> Vec<AwsCommand> {
    let text = lines
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("\n");
    parse_text(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> AwsCommand {
        let mut cmds = parse_text(line);
        assert_eq!(cmds.len(), 1, "{line}: {cmds:?}");
        cmds.remove(0)
    }

    /// `service operation [positional] --flag=value|value … @region`.
    fn summary(cmd: &AwsCommand) -> String {
        let mut out = format!("{} {} {:?}", cmd.service, cmd.operation, cmd.positional);
        for (name, values) in &cmd.flags {
            out.push_str(&format!(" --{name}={}", values.join("|")));
        }
        out + &format!(" @{}", cmd.region().unwrap_or("-"))
    }

    #[test]
    fn hard_cases() {
        let table = [
            (
                "aws --no-cli-pager rds describe-db-instances --db-instance-identifier a",
                "rds describe-db-instances [] --no-cli-pager= --db-instance-identifier=a @-",
            ),
            (
                "/usr/local/bin/aws --region eu-west-1 --output json ecs list-services --cluster c",
                "ecs list-services [] --region=eu-west-1 --output=json --cluster=c @eu-west-1",
            ),
            (
                "ARN=$(aws rds describe-db-instances --query 'DBInstances[0].Arn' --output text)",
                "rds describe-db-instances [] --query=DBInstances[0].Arn --output=text @-",
            ),
            (
                "aws rds wait db-instance-available --db-instance-identifier x --region a --region b",
                "rds wait [\"db-instance-available\"] --db-instance-identifier=x --region=a --region=b @b",
            ),
            (
                "aws cloudwatch describe-alarms --alarm-names a b c --state-value ALARM > out.json",
                "cloudwatch describe-alarms [] --alarm-names=a|b|c --state-value=ALARM @-",
            ),
            (
                "aws ecs describe-services --cluster=c1 --services a b",
                "ecs describe-services [] --cluster=c1 --services=a|b @-",
            ),
            (
                "aws ecs update-service --cluster c \\\n    --service 's 1' \\  \n    --force-new-deployment",
                "ecs update-service [] --cluster=c --service=s 1 --force-new-deployment= @-",
            ),
            (
                "aws rds-data execute-statement --sql \"SELECT *\n  FROM t\n  WHERE a = \\\"x\\\"\" --database d",
                "rds-data execute-statement [] --sql=SELECT *\n  FROM t\n  WHERE a = \"x\" --database=d @-",
            ),
            (
                "aws rds promote-read-replica --db-instance-identifier <replica-id> --region us-west-2 < in.txt",
                "rds promote-read-replica [] --db-instance-identifier=<replica-id> --region=us-west-2 @us-west-2",
            ),
            (
                "aws backup start-restore-job --recovery-point-arn arn:aws:rds:<region>:<ACCOUNT_ID>:cluster:x",
                "backup start-restore-job [] --recovery-point-arn=arn:aws:rds:<region>:<ACCOUNT_ID>:cluster:x @-",
            ),
            (
                "sudo AWS_PAGER= aws sns publish --message '{\n  \"a\": 1\n}' # notify",
                "sns publish [] --message={\n  \"a\": 1\n} @-",
            ),
        ];
        for (line, expected) in table {
            assert_eq!(summary(&one(line)), expected, "{line}");
        }
    }

    #[test]
    fn parses_invocations() {
        let inv = one(
            "aws --region us-east-1 rds restore-db-instance-to-point-in-time --target-db-instance-identifier=new --source-db-instance-identifier 'old'",
        );
        assert!(inv.is("rds", "restore-db-instance-to-point-in-time"));
        assert_eq!(inv.flag("--target-db-instance-identifier"), Some("new"));
        assert_eq!(inv.flag("--source-db-instance-identifier"), Some("old"));
        assert_eq!(inv.flag("--region"), Some("us-east-1"));
        let wait = one("aws rds wait db-instance-available --db-instance-identifier x");
        assert!(wait.is("rds", "wait"));
        assert_eq!(wait.positional, ["db-instance-available"]);
    }

    #[test]
    fn separators_split_commands() {
        let cmds = parse_text(
            "echo start; aws rds a --x 1 && aws ecs b | jq . || aws backup c & aws s3 ls\naws sts get-caller-identity",
        );
        let calls: Vec<_> = cmds
            .iter()
            .map(|c| (c.service.as_str(), c.operation.as_str()))
            .collect();
        assert_eq!(
            calls,
            [
                ("rds", "a"),
                ("ecs", "b"),
                ("backup", "c"),
                ("s3", "ls"),
                ("sts", "get-caller-identity")
            ]
        );
        assert_eq!(cmds[0].flag("x"), Some("1"));
    }

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

    #[test]
    fn logical_lines_join_continuations_and_quotes() {
        let text =
            "# 1. Start\naws a b \\  \n  --c d\n\necho don't stop\naws x y --j '{\n \"k\": 1\n}'\n";
        let lines: Vec<_> = logical_lines(text)
            .into_iter()
            .map(|l| (l.line, l.text))
            .collect();
        assert_eq!(
            lines,
            [
                (0, "# 1. Start".to_owned()),
                (1, "aws a b --c d".to_owned()),
                (4, "echo don't stop".to_owned()),
                (5, "aws x y --j '{\n \"k\": 1\n}'".to_owned()),
            ]
        );
    }

    #[test]
    fn heredocs_belong_to_their_command_line() {
        let text = "cat > f.json <<EOF\n{\n  \"a\": \"it's\"\n}\n  EOF\naws s3 cp f.json s3://b/ --region x\n\
            psql <<-'SQL' | tee out\n\tSELECT 1;\n\tSQL\nX=\"$(cat <<'P'\n)\"\nP\n)\"\ncat <<<\"$X\"\n";
        let lines: Vec<_> = logical_lines(text)
            .into_iter()
            .map(|l| (l.line, l.text))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    0,
                    "cat > f.json <<EOF\n{\n  \"a\": \"it's\"\n}\n  EOF".to_owned()
                ),
                (5, "aws s3 cp f.json s3://b/ --region x".to_owned()),
                (6, "psql <<-'SQL' | tee out\n\tSELECT 1;\n\tSQL".to_owned()),
                (9, "X=\"$(cat <<'P'\n)\"\nP\n)\"".to_owned()),
                (13, "cat <<<\"$X\"".to_owned()),
            ]
        );
        // Neither bodies nor delimiters are commands.
        assert_eq!(
            simple_commands(text),
            [
                vec!["cat"],
                vec!["f.json"],
                vec!["aws", "s3", "cp", "f.json", "s3://b/", "--region", "x"],
                vec!["psql"],
                vec!["tee", "out"],
                // A quoted `$(…)` is one word, its heredoc inside it.
                vec!["X=$(cat <<'P'\n)\"\nP\n)"],
                vec!["cat"],
                vec!["$X"],
            ]
        );
        assert!(!is_unclosed(text));
        assert!(is_unclosed("cat <<EOF\nbody"));
    }

    #[test]
    fn hostile_substitutions_stay_linear() {
        let text = "\"$(".repeat(100_000);
        let started = std::time::Instant::now();
        assert!(is_unclosed(&text));
        assert!(!tokenize(&text).is_empty());
        assert!(started.elapsed() < std::time::Duration::from_secs(20));
    }

    #[test]
    fn never_panics_on_generated_input() {
        let alphabet = [
            "aws", " ", "'", "\"", "\\", "\n", "$(", ")", "#", "--a", "é", "=", "|", "<<", "E",
        ];
        let mut inputs = vec![String::new()];
        for _ in 0..4 {
            inputs = inputs
                .iter()
                .flat_map(|s| alphabet.iter().map(move |p| format!("{s}{p}")))
                .collect();
            for text in &inputs {
                let breaks = text.matches('\n').count();
                for line in logical_lines(text) {
                    assert!(!line.text.is_empty() && line.line <= breaks, "{text:?}");
                }
                parse_text(text);
            }
        }
    }
}
