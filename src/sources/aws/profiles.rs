//! The profiles of the AWS shared config and credentials files, read by
//! aws-config's own parser so drconsole lists exactly the profiles the SDK
//! would accept.

use std::path::PathBuf;

use aws_runtime::env_config::file::{
    EnvConfigFileKind as ProfileFileKind, EnvConfigFiles as ProfileFiles,
};
use aws_types::os_shim_internal::{Env, Fs};

/// Where the shared files are. `None` is where aws-config looks:
/// `AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, else `~/.aws/config`
/// and `~/.aws/credentials`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SharedFiles {
    pub config: Option<PathBuf>,
    pub credentials: Option<PathBuf>,
}

impl SharedFiles {
    /// The files for aws-config; `None` when both are its defaults.
    pub fn profile_files(&self) -> Option<ProfileFiles> {
        if self.config.is_none() && self.credentials.is_none() {
            return None;
        }
        Some(self.build())
    }

    fn build(&self) -> ProfileFiles {
        let mut builder = ProfileFiles::builder();
        for (kind, path) in [
            (ProfileFileKind::Config, &self.config),
            (ProfileFileKind::Credentials, &self.credentials),
        ] {
            builder = match (kind, path) {
                (kind, Some(path)) => builder.with_file(kind, path),
                (ProfileFileKind::Config, None) => builder.include_default_config_file(true),
                (_, None) => builder.include_default_credentials_file(true),
            };
        }
        builder.build()
    }
}

/// The profile names of the shared files, sorted; a missing file has none.
pub async fn profile_names(files: &SharedFiles) -> Result<Vec<String>, String> {
    names_in(&Env::real(), files).await
}

/// `profile_names` with the environment given (tests never read the
/// user's `~/.aws`).
async fn names_in(env: &Env, files: &SharedFiles) -> Result<Vec<String>, String> {
    let set = aws_config::profile::load(&Fs::real(), env, &files.build(), None)
        .await
        .map_err(|e| format!("cannot read the AWS config files: {e}"))?;
    let mut names: Vec<String> = set.profiles().map(String::from).collect();
    names.sort();
    Ok(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    }

    /// Config sections need `profile ` (but `default`), credentials
    /// sections do not; sso-session sections are no profiles.
    const CONFIG: &str = "[default]\nregion = eu-west-1\n\
        [profile prod]\nregion = eu-central-1\n\
        [sso-session corp]\nsso_region = eu-west-1\n\
        [staging]\nregion = eu-west-2\n";
    const CREDENTIALS: &str = "[ci]\naws_access_key_id = a\naws_secret_access_key = b\n\
        [prod]\naws_access_key_id = c\naws_secret_access_key = d\n";

    #[tokio::test]
    async fn reads_the_files_the_environment_names() {
        let dir = tempfile::tempdir().unwrap();
        let config = write(&dir, "config", CONFIG);
        let credentials = write(&dir, "credentials", CREDENTIALS);
        let env = Env::from_slice(&[
            ("AWS_CONFIG_FILE", &config),
            ("AWS_SHARED_CREDENTIALS_FILE", &credentials),
        ]);
        let names = names_in(&env, &SharedFiles::default()).await.unwrap();
        assert_eq!(names, ["ci", "default", "prod"]);
    }

    #[tokio::test]
    async fn files_given_win_over_the_environment() {
        let dir = tempfile::tempdir().unwrap();
        let config = write(&dir, "config", CONFIG);
        let other = write(&dir, "other", "[profile elsewhere]\nregion = us-east-1\n");
        let empty = write(&dir, "empty", "");
        let env = Env::from_slice(&[("AWS_CONFIG_FILE", &config)]);
        let files = SharedFiles {
            config: Some(other.into()),
            credentials: Some(empty.into()),
        };
        let names = names_in(&env, &files).await.unwrap();
        assert_eq!(names, ["elsewhere"]);
    }
}
