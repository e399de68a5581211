//! Switching the live source to another AWS profile or region while the
//! console runs: what the operator asks for, the build of the new source
//! (async: the console keeps drawing and polling the old one meanwhile)
//! and what the build gives back to the loop.

use std::fmt;
use std::sync::Arc;

use futures::future::{BoxFuture, FutureExt};

use crate::runbook::model::Environment;
use crate::sources::Source;
use crate::sources::aws::profiles::profile_names;
use crate::sources::aws::{AwsOptions, AwsSource};

/// The AWS profile and region a live source reads. `profile: None` is
/// aws-config's default chain (`AWS_PROFILE`, else "default").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceTarget {
    pub profile: Option<String>,
    /// Replaces the runbook's primary region, as `--region` does.
    pub region: String,
}

impl SourceTarget {
    /// What the header shows as the source: "aws", or "aws · prod".
    pub fn origin(&self) -> String {
        match &self.profile {
            Some(profile) => format!("aws · {profile}"),
            None => "aws".to_string(),
        }
    }
}

impl fmt::Display for SourceTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let profile = self.profile.as_deref().unwrap_or("default");
        write!(f, "profile {profile}, region {}", self.region)
    }
}

/// A finished build: the new source, or why there is none.
pub struct Switched {
    pub target: SourceTarget,
    pub result: Result<Arc<dyn Source>, String>,
}

/// A build in flight; dropping it abandons the switch.
pub type Build = BoxFuture<'static, Switched>;

/// Builds the source for a target (installed by the console).
pub type Switcher = Box<dyn Fn(SourceTarget) -> Build + Send>;

/// Builds `AwsSource`s like the running one (same environment, watched
/// instances, tuning and shared files) with the target's profile and region.
pub fn aws_switcher(env: Environment, options: AwsOptions) -> Switcher {
    Box::new(move |target: SourceTarget| {
        let env = env.clone();
        let options = AwsOptions {
            profile: target.profile.clone(),
            region: Some(target.region.clone()),
            ..options.clone()
        };
        async move {
            let result = build_aws(&env, options).await;
            Switched { target, result }
        }
        .boxed()
    })
}

/// aws-config accepts any profile name and fails only on the first call:
/// a name not in the shared files is refused here, so the old source stays.
async fn build_aws(env: &Environment, options: AwsOptions) -> Result<Arc<dyn Source>, String> {
    if let Some(profile) = &options.profile {
        let names = profile_names(&options.shared_files).await?;
        if !names.contains(profile) {
            let known = match names.is_empty() {
                true => "they have none".to_string(),
                false => format!("they have {}", names.join(", ")),
            };
            return Err(format!(
                "no profile {profile:?} in the AWS config files ({known})"
            ));
        }
    }
    let source = AwsSource::connect(env, options).await?;
    Ok(Arc::new(source))
}
