//! Loading a runbook file: TOML syntax, serde shape, then semantic checks,
//! every problem reported as `file:line:column` with a one-line message.
//!
//! The model stays free of spans: positions come from a second, spanned parse
//! of the same text (`toml::de::DeTable`) walked by key path.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeArray, DeTable};

use super::lines::Lines;
use super::model::{Environment, RdsRole, Runbook, Verify};
use super::predicates::Node;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "error",
            Self::Warning => "warning",
        })
    }
}

/// One problem in a runbook file; `line` and `column` are 1-based, the column
/// counted in characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl Diagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}: {}",
            self.file, self.line, self.column, self.severity, self.message
        )
    }
}

/// The runbook and its warnings, or every diagnostic found (at least one of
/// them an error; warnings found alongside are included, sorted by position).
pub type LoadResult = Result<(Runbook, Vec<Diagnostic>), Vec<Diagnostic>>;

/// Reads and parses a runbook file. An unreadable or non-UTF-8 file is an
/// error diagnostic, never a panic.
pub fn load(path: &Path) -> LoadResult {
    let (text, file) = read_text(path)?;
    parse(&text, &file)
}

/// A file's text and its name for diagnostics; an unreadable or non-UTF-8
/// file is one error diagnostic (runbooks and drills read the same way).
pub fn read_text(path: &Path) -> Result<(String, String), Vec<Diagnostic>> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| {
        vec![diagnostic_at(
            Severity::Error,
            &file,
            (1, 1),
            format!("cannot read file: {e}"),
        )]
    })?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((text, file)),
        Err(e) => {
            let valid = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // The prefix is valid UTF-8 by construction; point at the bad byte.
            let at = std::str::from_utf8(valid)
                .map(|prefix| Lines::new(prefix).position(prefix, prefix.len()))
                .unwrap_or((1, 1));
            Err(vec![diagnostic_at(
                Severity::Error,
                &file,
                at,
                "file is not valid UTF-8; save it as UTF-8 text".into(),
            )])
        }
    }
}

/// Parses runbook text; `file` is only used to label diagnostics.
pub fn parse(text: &str, file: &str) -> LoadResult {
    // A byte-order mark is harmless for a human but not valid TOML.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = Lines::new(text);
    let toml_error = |e: toml::de::Error| {
        let offset = e.span().map_or(0, |span| span.start);
        vec![diagnostic_at(
            Severity::Error,
            file,
            lines.position(text, offset),
            one_line(e.message()),
        )]
    };
    let doc = DeTable::parse(text).map_err(toml_error)?;
    let runbook: Runbook = toml::from_str(text).map_err(toml_error)?;

    let mut checker = Checker {
        text,
        lines: &lines,
        file,
        doc: doc.get_ref(),
        diagnostics: Vec::new(),
    };
    checker.check_environment(&runbook.environment);
    if let Some(share) = &runbook.share
        && let Err(why) = crate::journal::share::ShareUrl::parse(share)
    {
        checker.error(&[Key("share")], format!("share: {why}"));
    }
    checker.check_scenarios(&runbook);
    let mut diagnostics = checker.diagnostics;
    diagnostics.sort_by_key(|d| (d.line, d.column, d.severity));
    if diagnostics.iter().any(Diagnostic::is_error) {
        Err(diagnostics)
    } else {
        Ok((runbook, diagnostics))
    }
}

pub(crate) fn diagnostic_at(
    severity: Severity,
    file: &str,
    (line, column): (usize, usize),
    message: String,
) -> Diagnostic {
    Diagnostic {
        severity,
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

/// toml's messages are mostly one line already; make sure of it.
pub(crate) fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// One step of a key path into the TOML document.
#[derive(Debug, Clone, Copy)]
enum Seg<'p> {
    Key(&'p str),
    Index(usize),
}

use Seg::{Index, Key};

struct Checker<'a> {
    text: &'a str,
    /// Found once: every diagnostic needs a position.
    lines: &'a Lines,
    file: &'a str,
    doc: &'a DeTable<'a>,
    diagnostics: Vec<Diagnostic>,
}

impl Checker<'_> {
    /// Byte span of the value at `path`, or of its deepest ancestor present
    /// (so a missing key points at the table that lacks it).
    fn span_of(&self, path: &[Seg]) -> Range<usize> {
        let mut best = 0..0;
        let mut table: Option<&DeTable> = Some(self.doc);
        let mut array: Option<&DeArray> = None;
        for seg in path {
            let next = match (seg, table, array) {
                (Key(key), Some(t), _) => t.get(*key),
                (Index(i), _, Some(a)) => a.get(*i),
                _ => None,
            };
            let Some(value) = next else { break };
            if !value.span().is_empty() {
                best = value.span();
            }
            table = value.get_ref().as_table();
            array = value.get_ref().as_array();
        }
        best
    }

    fn position_of(&self, path: &[Seg]) -> (usize, usize) {
        self.lines.position(self.text, self.span_of(path).start)
    }

    fn report(&mut self, severity: Severity, path: &[Seg], message: String) {
        let at = self.position_of(path);
        self.diagnostics
            .push(diagnostic_at(severity, self.file, at, message));
    }

    fn error(&mut self, path: &[Seg], message: String) {
        self.report(Severity::Error, path, message);
    }

    fn warning(&mut self, path: &[Seg], message: String) {
        self.report(Severity::Warning, path, message);
    }

    /// Reports the second and later occurrences of each key, naming where
    /// the first one is.
    fn duplicates<K: Eq + std::hash::Hash>(
        &mut self,
        keys: impl IntoIterator<Item = (K, Vec<Seg<'static>>)>,
        describe: impl Fn(&K) -> String,
    ) {
        let mut first_seen: HashMap<K, (usize, usize)> = HashMap::new();
        for (key, path) in keys {
            let at = self.position_of(&path);
            match first_seen.get(&key) {
                Some((line, column)) => {
                    let message = format!(
                        "{} (first declared at line {line}, column {column})",
                        describe(&key)
                    );
                    self.error(&path, message);
                }
                None => {
                    first_seen.insert(key, at);
                }
            }
        }
    }

    fn check_environment(&mut self, env: &Environment) {
        let primary = env.regions.primary.as_str();
        if env.regions.dr.as_deref() == Some(primary) {
            self.error(
                &[Key("environment"), Key("regions"), Key("dr")],
                format!("DR region \"{primary}\" is the same as the primary region"),
            );
        }

        // Field `key` of item `i` of [environment]'s list `list`.
        let at = |list, i, key| vec![Key("environment"), Key(list), Index(i), Key(key)];
        for (i, rds) in env.rds.iter().enumerate() {
            match (rds.role, &rds.source) {
                // Live data names a replica's source anyway; imported plans
                // often never name the primary, so this only warns.
                (RdsRole::Replica, None) => self.warning(
                    &at("rds", i, "role"),
                    format!(
                        "RDS replica \"{}\" has no source; name the instance it replicates",
                        rds.id
                    ),
                ),
                (RdsRole::Primary, Some(_)) => self.error(
                    &at("rds", i, "source"),
                    format!(
                        "RDS instance \"{}\" is a primary but names a source; \
                         set role = \"replica\" or remove source",
                        rds.id
                    ),
                ),
                (RdsRole::Replica, Some(source)) if env.rds(crate::arn::id_of(source)).is_none() => self
                    .warning(
                        &at("rds", i, "source"),
                        format!(
                            "replica \"{}\" has source \"{source}\" which [environment] does not declare",
                            rds.id
                        ),
                    ),
                _ => {}
            }
        }

        let regions = |own: &Option<String>| env.region_of(own.as_deref()).to_owned();
        self.duplicates(
            env.rds
                .iter()
                .enumerate()
                .map(|(i, r)| ((r.id.clone(), regions(&r.region)), at("rds", i, "id"))),
            |(id, region)| format!("RDS instance \"{id}\" in {region} is declared twice"),
        );
        self.duplicates(
            env.rds_clusters.iter().enumerate().map(|(i, c)| {
                let key = (c.id.clone(), regions(&c.region));
                (key, at("rds_clusters", i, "id"))
            }),
            |(id, region)| format!("Aurora cluster \"{id}\" in {region} is declared twice"),
        );
        self.duplicates(
            env.ecs.iter().enumerate().map(|(i, e)| {
                let key = (e.cluster.clone(), e.service.clone(), regions(&e.region));
                (key, at("ecs", i, "service"))
            }),
            |(cluster, service, region)| {
                format!("ECS service \"{service}\" in cluster \"{cluster}\" ({region}) is declared twice")
            },
        );
        self.duplicates(
            env.backup_vaults.iter().enumerate().map(|(i, v)| {
                let key = (v.name.clone(), regions(&v.region));
                (key, at("backup_vaults", i, "name"))
            }),
            |(name, region)| format!("backup vault \"{name}\" in {region} is declared twice"),
        );
        for (list, names, what) in [
            ("names", &env.alarms.names, "alarm name"),
            ("prefixes", &env.alarms.prefixes, "alarm prefix"),
        ] {
            self.duplicates(
                names.iter().enumerate().map(|(i, name)| {
                    let path = vec![Key("environment"), Key("alarms"), Key(list), Index(i)];
                    (name.clone(), path)
                }),
                |name| format!("{what} \"{name}\" is declared twice"),
            );
        }
    }

    fn check_scenarios(&mut self, runbook: &Runbook) {
        if runbook.scenarios.is_empty() {
            self.error(
                &[Key("scenario")],
                "the runbook has no scenarios; add at least one [[scenario]] with steps".into(),
            );
        }
        self.duplicates(
            runbook.scenarios.iter().enumerate().map(|(i, s)| {
                let path = vec![Key("scenario"), Index(i), Key("id")];
                (s.id.clone(), path)
            }),
            |id| format!("duplicate scenario id \"{id}\""),
        );

        for (i, scenario) in runbook.scenarios.iter().enumerate() {
            if scenario.id.trim().is_empty() {
                self.error(
                    &[Key("scenario"), Index(i), Key("id")],
                    "scenario id is empty".into(),
                );
            }
            if scenario.steps.is_empty() {
                self.error(
                    &[Key("scenario"), Index(i), Key("step")],
                    format!(
                        "scenario \"{}\" has no steps; add at least one [[scenario.step]]",
                        scenario.id
                    ),
                );
            }
            self.duplicates(
                scenario.steps.iter().enumerate().map(|(j, step)| {
                    let path = vec![Key("scenario"), Index(i), Key("step"), Index(j), Key("id")];
                    (step.id.clone(), path)
                }),
                |id| format!("duplicate step id \"{id}\" in scenario \"{}\"", scenario.id),
            );
            for (j, step) in scenario.steps.iter().enumerate() {
                let mut path = vec![Key("scenario"), Index(i), Key("step"), Index(j)];
                if step.id.trim().is_empty() {
                    path.push(Key("id"));
                    self.error(&path, "step id is empty".into());
                    path.pop();
                }
                if let Some(verify) = &step.verify {
                    path.push(Key("verify"));
                    self.check_verify(verify, &mut path, &runbook.environment);
                }
            }
            for (j, check) in scenario.ready.iter().enumerate() {
                let mut path = vec![Key("scenario"), Index(i), Key("ready"), Index(j)];
                self.check_verify(check, &mut path, &runbook.environment);
            }
        }
    }

    /// Checks a verify predicate whose table is at `path` (the key that holds it).
    fn check_verify<'p>(&mut self, verify: &'p Verify, path: &mut Vec<Seg<'p>>, env: &Environment) {
        path.push(Key(verify.key()));
        match verify.node() {
            Node::All(checks) | Node::Any(checks) => {
                if checks.is_empty() {
                    let key = verify.key();
                    self.error(
                        path,
                        format!("verify.{key} is empty; list at least one check"),
                    );
                }
                for (k, check) in checks.iter().enumerate() {
                    path.push(Index(k));
                    self.check_verify(check, path, env);
                    path.pop();
                }
            }
            Node::Leaf(predicate) => {
                for (field, message) in predicate.check(env) {
                    path.push(Key(field));
                    self.warning(path, message);
                    path.pop();
                }
            }
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_joins_lines() {
        assert_eq!(one_line("first\n  second\n\n"), "first; second");
    }

    #[test]
    fn arn_sources_compare_by_identifier() {
        assert_eq!(
            crate::arn::id_of("arn:aws:rds:us-east-1:123456789012:db:main"),
            "main"
        );
        assert_eq!(crate::arn::id_of("main"), "main");
    }

    #[test]
    fn display_is_file_line_column_severity_message() {
        let d = diagnostic_at(Severity::Warning, "r.toml", (3, 7), "careful".into());
        assert_eq!(d.to_string(), "r.toml:3:7: warning: careful");
    }
}
