//! The config file: defaults for what the flags set, so a team writes them
//! once. Found at `--config FILE`, else `$DRCONSOLE_CONFIG`, else the
//! platform config path (`~/.config/drconsole/config.toml` on Linux); a
//! missing file at the platform path is no error. Flags beat the
//! environment, which beats the file, which beats the compiled defaults;
//! `drconsole config` prints each setting and where it came from.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::keys::Keymap;
use crate::runbook::duration::HumanDuration;
use crate::runbook::lines::Lines;
use crate::sources::aws::AwsTuning;

/// The variable naming a config file, like `--config`.
pub const CONFIG_ENV: &str = "DRCONSOLE_CONFIG";

/// The example shipped in the repository: every setting at its default.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

/// The file as written: every setting optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Your name in the journal.
    pub operator: Option<String>,
    /// dark, light, high-contrast, or a path to a theme file.
    pub theme: Option<String>,
    /// Where journals go.
    pub journal_dir: Option<PathBuf>,
    /// Where sessions are shared, `s3://BUCKET/PREFIX` (under a runbook's).
    pub share: Option<String>,
    #[serde(default)]
    pub aws: AwsFile,
    #[serde(default)]
    pub refresh: RefreshFile,
    /// Remapped keys: a command's name (`confirm`, `quit`, …) and its keys.
    #[serde(default)]
    pub keys: BTreeMap<String, toml::Spanned<KeyList>>,
}

/// One key or several, as `[keys]` writes them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    fn keys(&self) -> Vec<String> {
        match self {
            Self::One(key) => vec![key.clone()],
            Self::Many(keys) => keys.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsFile {
    pub profile: Option<String>,
    pub region: Option<String>,
}

/// How often live AWS data is read.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RefreshFile {
    /// RDS instances, ECS services, alarms.
    pub state: Option<HumanDuration>,
    /// CloudWatch metrics and restore windows.
    pub metrics: Option<HumanDuration>,
    /// Recovery points.
    pub recovery_points: Option<HumanDuration>,
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Default,
    File(PathBuf),
    Env(&'static str),
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Default => write!(f, "default"),
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Env(name) => write!(f, "${name}"),
        }
    }
}

/// One setting: its value (`None`: decided later, e.g. the login name) and
/// where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting<T> {
    pub value: T,
    pub origin: Origin,
}

/// Every setting, resolved from the file, the environment and the defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct Settings {
    /// The file read, if any.
    pub file: Option<PathBuf>,
    pub operator: Setting<Option<String>>,
    pub theme: Setting<String>,
    pub journal_dir: Setting<Option<PathBuf>>,
    pub share: Setting<Option<String>>,
    pub profile: Setting<Option<String>>,
    pub region: Setting<Option<String>>,
    pub state_interval: Setting<HumanDuration>,
    pub metrics_interval: Setting<HumanDuration>,
    pub recovery_points_interval: Setting<HumanDuration>,
    /// The keys in effect: the file's remaps over the key table.
    pub keys: Setting<Keymap>,
}

impl ConfigFile {
    /// Parses a config file's text; errors are "config FILE:LINE:COLUMN:
    /// message", naming the key.
    pub fn parse(text: &str, file: &str) -> Result<Self, String> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let config: Self = toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |span| span.start);
            let (line, column) = Lines::new(text).position(text, offset);
            let message = e.message().lines().next().unwrap_or("invalid").to_string();
            format!("config {file}:{line}:{column}: {message}")
        })?;
        for (key, value) in [
            ("refresh.state", config.refresh.state),
            ("refresh.metrics", config.refresh.metrics),
            ("refresh.recovery_points", config.refresh.recovery_points),
        ] {
            if value.is_some_and(|d| d.secs() == 0) {
                let at = text
                    .find(key.rsplit('.').next().unwrap_or(key))
                    .unwrap_or(0);
                let (line, column) = Lines::new(text).position(text, at);
                return Err(format!(
                    "config {file}:{line}:{column}: `{key}` must be longer than 0s"
                ));
            }
        }
        config.keymap().map_err(|(offset, message)| {
            let (line, column) = Lines::new(text).position(text, offset);
            format!("config {file}:{line}:{column}: keys: {message}")
        })?;
        Ok(config)
    }

    /// The key table with this file's remaps, or where (a byte offset) and
    /// why a remap is refused.
    fn keymap(&self) -> Result<Keymap, (usize, String)> {
        let remaps: Vec<(String, Vec<String>)> = self
            .keys
            .iter()
            .map(|(name, keys)| (name.clone(), keys.get_ref().keys()))
            .collect();
        Keymap::remapped(&remaps).map_err(|e| {
            let at = self
                .keys
                .values()
                .nth(e.index)
                .map_or(0, |keys| keys.span().start);
            (at, e.message)
        })
    }

    /// Reads the file to use: `explicit` (`--config`), else `$DRCONSOLE_CONFIG`,
    /// else the platform path if it exists. `None`: no file, defaults apply.
    pub fn find(
        explicit: Option<&Path>,
        env: Option<std::ffi::OsString>,
    ) -> Result<Option<(PathBuf, Self)>, String> {
        let named = explicit
            .map(Path::to_path_buf)
            .or_else(|| env.filter(|v| !v.is_empty()).map(PathBuf::from));
        let (path, must_exist) = match named {
            Some(path) => (path, true),
            None => match default_path() {
                Some(path) => (path, false),
                None => return Ok(None),
            },
        };
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(e) if !must_exist && e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(format!("cannot read config {}: {e}", path.display())),
        };
        let config = Self::parse(&text, &path.display().to_string())?;
        Ok(Some((path, config)))
    }
}

/// The file's value if it has one, else the default.
fn pick<T>(value: Option<T>, default: T, file: &Origin) -> Setting<T> {
    match value {
        Some(value) => Setting {
            value,
            origin: file.clone(),
        },
        None => Setting {
            value: default,
            origin: Origin::Default,
        },
    }
}

fn pick_optional<T>(value: Option<T>, file: &Origin) -> Setting<Option<T>> {
    pick(value.map(Some), None, file)
}

/// The platform config path, e.g. `~/.config/drconsole/config.toml`.
pub fn default_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "drconsole")
        .map(|dirs| dirs.config_dir().join("config.toml"))
}

impl Settings {
    /// Lays the file over the compiled defaults, and the environment's
    /// journal directory over both (`lookup` reads a variable).
    pub fn resolve(
        found: Option<(PathBuf, ConfigFile)>,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Self {
        let (file, config) = match found {
            Some((path, config)) => (Some(path), config),
            None => (None, ConfigFile::default()),
        };
        let from_file = match &file {
            Some(path) => Origin::File(path.clone()),
            None => Origin::Default,
        };
        // `parse` refused any file whose remaps do not make a keymap.
        let keys = match config.keymap() {
            Ok(keys) if !config.keys.is_empty() => Setting {
                value: keys,
                origin: from_file.clone(),
            },
            _ => Setting {
                value: Keymap::default(),
                origin: Origin::Default,
            },
        };
        let pick = |value, default| pick(value, default, &from_file);
        let optional = |value| pick_optional(value, &from_file);
        let pick_path = |value| pick_optional(value, &from_file);
        let tuning = AwsTuning::default();
        let secs = |d: Duration| HumanDuration::from_secs(d.as_secs());
        let journal_env = crate::journal::store::DIR_ENV;
        let journal_dir = match lookup(journal_env).filter(|v| !v.is_empty()) {
            Some(dir) => Setting {
                value: Some(PathBuf::from(dir)),
                origin: Origin::Env(journal_env),
            },
            None => pick_path(config.journal_dir),
        };
        let profile = match lookup("AWS_PROFILE").filter(|v| !v.is_empty()) {
            Some(_) if config.aws.profile.is_none() => Setting {
                value: None,
                origin: Origin::Env("AWS_PROFILE"),
            },
            _ => optional(config.aws.profile),
        };
        Self {
            file,
            operator: optional(config.operator),
            theme: self::pick(config.theme, "dark".to_string(), &from_file),
            journal_dir,
            share: optional(config.share),
            profile,
            region: optional(config.aws.region),
            state_interval: pick(config.refresh.state, secs(tuning.state_interval)),
            metrics_interval: pick(config.refresh.metrics, secs(tuning.metrics_interval)),
            recovery_points_interval: pick(
                config.refresh.recovery_points,
                secs(tuning.recovery_points_interval),
            ),
            keys,
        }
    }

    /// Reads the config the way every command does.
    pub fn load(explicit: Option<&Path>) -> Result<Self, String> {
        let found = ConfigFile::find(explicit, std::env::var_os(CONFIG_ENV))?;
        Ok(Self::resolve(found, |name| std::env::var(name).ok()))
    }

    /// The AWS intervals these settings ask for, over the other defaults.
    pub fn tuning(&self) -> AwsTuning {
        let duration = |d: HumanDuration| Duration::from_secs(d.secs());
        AwsTuning {
            state_interval: duration(self.state_interval.value),
            metrics_interval: duration(self.metrics_interval.value),
            recovery_points_interval: duration(self.recovery_points_interval.value),
            ..AwsTuning::default()
        }
    }

    /// `drconsole config`: each setting, its value and where it came from.
    pub fn describe(&self) -> String {
        let mut out = match &self.file {
            Some(path) => format!("config file: {}\n", path.display()),
            None => match default_path() {
                Some(path) => format!("config file: none ({} does not exist)\n", path.display()),
                None => "config file: none\n".to_string(),
            },
        };
        let unset = |what: &str| format!("({what})");
        let text = |v: &Option<String>, what: &str| v.clone().unwrap_or_else(|| unset(what));
        let rows = [
            (
                "operator",
                text(&self.operator.value, "your login name"),
                &self.operator.origin,
            ),
            ("theme", self.theme.value.clone(), &self.theme.origin),
            (
                "journal_dir",
                self.journal_dir.value.as_ref().map_or_else(
                    || unset("the platform data directory"),
                    |p| p.display().to_string(),
                ),
                &self.journal_dir.origin,
            ),
            (
                "share",
                text(&self.share.value, "none: sessions stay on this machine"),
                &self.share.origin,
            ),
            (
                "aws.profile",
                text(&self.profile.value, "$AWS_PROFILE, else default"),
                &self.profile.origin,
            ),
            (
                "aws.region",
                text(&self.region.value, "the runbook's primary region"),
                &self.region.origin,
            ),
            (
                "refresh.state",
                self.state_interval.value.to_string(),
                &self.state_interval.origin,
            ),
            (
                "refresh.metrics",
                self.metrics_interval.value.to_string(),
                &self.metrics_interval.origin,
            ),
            (
                "refresh.recovery_points",
                self.recovery_points_interval.value.to_string(),
                &self.recovery_points_interval.origin,
            ),
        ];
        for (key, value, origin) in rows {
            out.push_str(&format!("{key:<24} {value:<32} {origin}\n"));
        }
        let remapped = self.keys.value.remaps();
        for b in crate::keys::BINDINGS.iter().filter(|b| !b.keys.is_empty()) {
            let origin = match remapped.iter().any(|(name, _)| *name == b.name) {
                true => &self.keys.origin,
                false => &Origin::Default,
            };
            let key = format!("keys.{}", b.name);
            let value = self.keys.value.keys_of(b);
            out.push_str(&format!("{key:<24} {value:<32} {origin}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Command;
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    fn none(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn the_shipped_example_is_the_compiled_defaults() {
        let example = ConfigFile::parse(EXAMPLE, "config.example.toml").unwrap();
        let with_example = Settings::resolve(Some(("x".into(), example)), none);
        let defaults = Settings::resolve(None, none);
        let values = |s: &Settings| {
            (
                s.operator.value.clone(),
                s.theme.value.clone(),
                s.journal_dir.value.clone(),
                s.profile.value.clone(),
                s.region.value.clone(),
                s.state_interval.value,
                s.metrics_interval.value,
                s.recovery_points_interval.value,
                s.keys.value.clone(),
            )
        };
        assert_eq!(values(&with_example), values(&defaults));
        // The example names every key binding, so it shows them all.
        let example = ConfigFile::parse(EXAMPLE, "config.example.toml").unwrap();
        let keyed: Vec<&str> = crate::keys::BINDINGS
            .iter()
            .filter(|b| !b.keys.is_empty())
            .map(|b| b.name)
            .collect();
        let mut named: Vec<&str> = example.keys.keys().map(String::as_str).collect();
        let mut expected = keyed.clone();
        named.sort_unstable();
        expected.sort_unstable();
        assert_eq!(named, expected);
        assert_eq!(with_example.tuning(), AwsTuning::default());
    }

    #[test]
    fn a_file_sets_what_it_names_and_says_so() {
        let text = "operator = \"ana\"\n[refresh]\nstate = \"30s\"\n";
        let file = ConfigFile::parse(text, "c.toml").unwrap();
        let settings = Settings::resolve(Some(("c.toml".into(), file)), none);
        assert_eq!(settings.operator.value.as_deref(), Some("ana"));
        assert_eq!(settings.operator.origin, Origin::File("c.toml".into()));
        assert_eq!(settings.state_interval.value, HumanDuration::from_secs(30));
        assert_eq!(settings.theme.origin, Origin::Default);
        assert_eq!(settings.tuning().state_interval, Duration::from_secs(30));
        let described = settings.describe();
        assert!(described.contains("operator"), "{described}");
        let operator_row = described
            .lines()
            .find(|l| l.starts_with("operator"))
            .unwrap();
        assert!(operator_row.ends_with("c.toml"), "{described}");
    }

    #[test]
    fn the_environment_beats_the_file_for_the_journal() {
        let file = ConfigFile::parse("journal_dir = \"/from/file\"", "c.toml").unwrap();
        let env = |name: &str| (name == "DRCONSOLE_JOURNAL_DIR").then(|| "/from/env".to_string());
        let settings = Settings::resolve(Some(("c.toml".into(), file)), env);
        assert_eq!(settings.journal_dir.value, Some(PathBuf::from("/from/env")));
        assert_eq!(
            settings.journal_dir.origin,
            Origin::Env("DRCONSOLE_JOURNAL_DIR")
        );
    }

    #[test]
    fn bad_config_names_file_line_column_and_key() {
        let cases = [
            (
                "theme = \"dark\"\ncolour = 1\n",
                "config c.toml:2:1: unknown field `colour`",
            ),
            ("[refresh]\nstate = \"soon\"\n", "config c.toml:2:9:"),
            (
                "[refresh]\nstate = \"0s\"\n",
                "config c.toml:2:1: `refresh.state` must be longer than 0s",
            ),
            ("[aws]\nprofile = 3\n", "config c.toml:2:11:"),
            ("operator = \n", "config c.toml:1:"),
        ];
        for (text, expected) in cases {
            let err = ConfigFile::parse(text, "c.toml").unwrap_err();
            assert!(err.starts_with(expected), "{text:?}: {err}");
        }
    }

    #[test]
    fn a_named_file_must_exist_the_platform_one_need_not() {
        let missing = Path::new("/nonexistent/drconsole.toml");
        let err = ConfigFile::find(Some(missing), None).unwrap_err();
        assert!(
            err.starts_with("cannot read config /nonexistent/drconsole.toml"),
            "{err}"
        );
        let err = ConfigFile::find(None, Some(missing.as_os_str().to_owned())).unwrap_err();
        assert!(err.contains("/nonexistent/drconsole.toml"), "{err}");
    }

    #[test]
    fn keys_remapped_in_the_file_are_in_effect_and_said_so() {
        let text = "[keys]\nzoom = \"F5\"\nquit = [\"Q\"]\n";
        let file = ConfigFile::parse(text, "c.toml").unwrap();
        let settings = Settings::resolve(Some(("c.toml".into(), file)), none);
        let zoom = KeyEvent::new(KeyCode::F(5), KeyModifiers::NONE);
        assert_eq!(settings.keys.value.command_for(&zoom), Some(Command::Zoom));
        let described = settings.describe();
        let line = |key: &str| {
            described
                .lines()
                .find(|l| l.starts_with(key))
                .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        };
        assert_eq!(line("keys.zoom").as_deref(), Some("keys.zoom F5 c.toml"));
        assert_eq!(
            line("keys.quit").as_deref(),
            Some("keys.quit Q Ctrl-C c.toml")
        );
        assert_eq!(line("keys.note").as_deref(), Some("keys.note n default"));
    }

    #[test]
    fn a_bad_remap_names_file_line_and_column_of_its_keys() {
        let text = "theme = \"dark\"\n[keys]\nnote = \"n\"\nzoom = \"q\"\n";
        let err = ConfigFile::parse(text, "c.toml").unwrap_err();
        assert_eq!(
            err,
            "config c.toml:4:8: keys: q is bound to both zoom and quit; remap the other one too"
        );
        let err = ConfigFile::parse("[keys]\nlaunch = \"l\"\n", "c.toml").unwrap_err();
        assert!(
            err.starts_with("config c.toml:2:10: keys: unknown command \"launch\""),
            "{err}"
        );
        let err = ConfigFile::parse("[keys]\nzoom = 5\n", "c.toml").unwrap_err();
        assert!(err.starts_with("config c.toml:2:8:"), "{err}");
    }
}
