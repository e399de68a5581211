//! What a runbook argument names: a runbook built into the binary or a file.
//! Decided here once, so every command reads `rally` the same way; the
//! journal records it at session start so `log export` finds the runbook again.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::builtin;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RunbookRef {
    /// A built-in runbook, by name (`rally`).
    Builtin(String),
    /// A runbook (.toml) or Markdown plan (.md) file.
    File(PathBuf),
}

impl RunbookRef {
    /// A built-in name, unless a file of that name exists: the user's own
    /// `./rally` is the one they mean.
    pub fn resolve(arg: &Path) -> Self {
        match arg.to_str() {
            Some(name) if !arg.exists() && builtin::source(name).is_some() => {
                Self::Builtin(name.to_string())
            }
            _ => Self::File(arg.to_path_buf()),
        }
    }

    /// The same runbook named from anywhere: a file's path made absolute
    /// (for the journal, which may be read from another directory).
    pub fn absolute(&self) -> Self {
        match self {
            Self::File(path) => {
                Self::File(std::path::absolute(path).unwrap_or_else(|_| path.clone()))
            }
            builtin => builtin.clone(),
        }
    }

    /// A `.md` or `.markdown` plan, imported when read.
    pub fn is_markdown(&self) -> bool {
        matches!(self, Self::File(path) if path.extension().is_some_and(|e| {
            e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown")
        }))
    }
}

impl fmt::Display for RunbookRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Builtin(name) => write!(f, "{name} (built in)"),
            Self::File(path) => write!(f, "{}", path.display()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_builtin_name_or_a_file() {
        assert_eq!(
            RunbookRef::resolve(Path::new("regami")),
            RunbookRef::Builtin("regami".into())
        );
        assert_eq!(
            RunbookRef::resolve(Path::new("no-such-runbook")),
            RunbookRef::File("no-such-runbook".into())
        );
    }

    #[test]
    fn journaled_as_tagged_json_with_an_absolute_path() {
        let file = RunbookRef::File("plans/dr.md".into()).absolute();
        let RunbookRef::File(path) = &file else {
            panic!("a file stays a file: {file:?}");
        };
        assert!(
            path.is_absolute() && path.ends_with("plans/dr.md"),
            "{path:?}"
        );
        assert!(file.is_markdown());
        assert_eq!(
            serde_json::to_string(&RunbookRef::Builtin("rally".into())).unwrap(),
            r#"{"builtin":"rally"}"#
        );
    }
}
