//! What the import found, inferred and kept, and what a person should check.
//! Rendered as text for stderr.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NoteKind {
    /// Something we derived (a resource, an objective, a verify predicate).
    Inferred,
    /// Text that maps to no step, and where it went: a description, a
    /// detail, or the appendix of comments at the end of the TOML.
    Kept,
    /// Something the user should look at.
    Check,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub kind: NoteKind,
    pub line: Option<usize>,
    pub text: String,
}

/// Notes collected while importing, in the order they were made.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes(pub Vec<Note>);

impl Notes {
    fn push(&mut self, kind: NoteKind, line: Option<usize>, text: String) {
        self.0.push(Note { kind, line, text });
    }
    pub fn inferred(&mut self, line: usize, text: impl Into<String>) {
        self.push(NoteKind::Inferred, Some(line), text.into());
    }
    pub fn kept(&mut self, line: usize, text: impl Into<String>) {
        self.push(NoteKind::Kept, Some(line), text.into());
    }
    pub fn check(&mut self, line: Option<usize>, text: impl Into<String>) {
        self.push(NoteKind::Check, line, text.into());
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioSummary {
    pub id: String,
    pub title: String,
    pub line: usize,
    pub steps: usize,
    pub commands: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub source: String,
    pub scenarios: Vec<ScenarioSummary>,
    pub notes: Vec<Note>,
}

impl Report {
    pub fn notes_of(&self, kind: NoteKind) -> impl Iterator<Item = &Note> {
        self.notes.iter().filter(move |n| n.kind == kind)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let steps: usize = self.scenarios.iter().map(|s| s.steps).sum();
        let commands: usize = self.scenarios.iter().map(|s| s.commands).sum();
        writeln!(
            f,
            "Imported {}: {} scenario(s), {steps} step(s), {commands} command(s).",
            self.source,
            self.scenarios.len()
        )?;
        writeln!(f)?;
        writeln!(f, "Scenarios:")?;
        for s in &self.scenarios {
            writeln!(
                f,
                "  line {:>4}  {} ({}): {} step(s), {} command(s)",
                s.line, s.title, s.id, s.steps, s.commands
            )?;
        }
        let sections = [
            (NoteKind::Inferred, "Inferred:"),
            (NoteKind::Kept, "Kept as text:"),
            (NoteKind::Check, "Please check:"),
        ];
        for (kind, heading) in sections {
            let mut notes = self.notes_of(kind).peekable();
            if notes.peek().is_none() {
                continue;
            }
            writeln!(f)?;
            writeln!(f, "{heading}")?;
            for note in notes {
                match note.line {
                    Some(line) => writeln!(f, "  line {line:>4}  {}", note.text)?,
                    None => writeln!(f, "             {}", note.text)?,
                }
            }
        }
        Ok(())
    }
}
