//! SDK errors as the panes show them: the AWS error code and message when
//! the service answered, else a local code (`Timeout`, `Unreachable`,
//! `NoCredentials`, `ExpiredToken`, `BadResponse`) and what went wrong.
//! Every message names the operation and region it came from. Throttling,
//! whatever each API calls it, is one code: `Throttled`.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::domain::snapshot::SourceError;

/// Codes AWS uses for credentials that were valid once and are not any more,
/// or never were: the fix is the same (refresh them), so the message says so.
const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "RequestExpired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];

/// The one code every throttling answer is shown with: the SDK has
/// already backed off and retried it, so it is a wait, not a failure.
pub const THROTTLED: &str = "Throttled";

const REFRESH_HINT: &str =
    "refresh your credentials (e.g. `aws sso login`, or new keys for the profile)";

/// Where a call went: "DescribeDBInstances in eu-west-1".
#[derive(Debug, Clone, Copy)]
pub struct Call<'a> {
    pub operation: &'a str,
    pub region: &'a str,
}

impl std::fmt::Display for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} in {}", self.operation, self.region)
    }
}

/// Maps any SDK operation error to a `SourceError` naming its region and API.
pub fn from_sdk<E>(call: Call<'_>, err: SdkError<E, HttpResponse>) -> SourceError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    classify(call, err).from_call(call.region, call.operation)
}

fn classify<E>(call: Call<'_>, err: SdkError<E, HttpResponse>) -> SourceError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    if let SdkError::ServiceError(ctx) = &err {
        let status = ctx.raw().status().as_u16();
        let service_err = ctx.err();
        let code = service_err
            .code()
            .map(str::to_string)
            .unwrap_or_else(|| format!("HTTP{status}"));
        let message = service_err
            .message()
            .map(str::to_string)
            .unwrap_or_else(|| format!("the service answered HTTP {status} without an error code"));
        return service(call, code, &message);
    }
    if let Some(creds) = find_in_chain::<CredentialsError>(&err) {
        return credentials(call, creds);
    }
    let detail = chain_text(&err);
    match &err {
        SdkError::TimeoutError(_) => SourceError::new("Timeout", format!("{call}: {detail}")),
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            SourceError::new("Timeout", format!("{call}: {detail}"))
        }
        SdkError::DispatchFailure(_) => SourceError::new(
            "Unreachable",
            format!("{call}: cannot reach the endpoint: {detail}"),
        ),
        SdkError::ResponseError(ctx) => SourceError::new(
            "BadResponse",
            format!(
                "{call}: unreadable answer (HTTP {}): {detail}",
                ctx.raw().status().as_u16()
            ),
        ),
        SdkError::ConstructionFailure(_) => {
            SourceError::new("RequestError", format!("{call}: {detail}"))
        }
        _ => SourceError::new("Error", format!("{call}: {detail}")),
    }
}

fn service(call: Call<'_>, code: String, message: &str) -> SourceError {
    if is_throttling(&code) {
        return throttled(call, &code, message);
    }
    let message = if CREDENTIAL_CODES.contains(&code.as_str()) {
        format!("{call}: {message}; {REFRESH_HINT}")
    } else {
        format!("{call}: {message}")
    };
    SourceError::new(code, message)
}

/// The codes the SDK's retry classifier treats as throttling (so a pane
/// says throttled exactly when the SDK backed off for it), and a bare 429.
fn is_throttling(code: &str) -> bool {
    aws_runtime::retries::classifiers::THROTTLING_ERRORS.contains(&code) || code == "HTTP429"
}

/// A throttled call, as every API's throttling answer is shown.
pub fn throttled(call: Call<'_>, code: &str, message: &str) -> SourceError {
    SourceError::new(
        THROTTLED,
        format!("{call} is throttled; backing off ({code}: {message})"),
    )
}

fn credentials(call: Call<'_>, err: &CredentialsError) -> SourceError {
    let detail = chain_text(err);
    let expired = detail.to_ascii_lowercase().contains("expired");
    let code = if expired {
        "ExpiredToken"
    } else {
        "NoCredentials"
    };
    SourceError::new(code, format!("{call}: {detail}; {REFRESH_HINT}"))
}

/// The error and its sources on one line, without repeats (SDK errors
/// often repeat their source's text in their own).
fn chain_text(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for text in chain(err).map(ToString::to_string) {
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

fn find_in_chain<'a, T: StdError + 'static>(err: &'a (dyn StdError + 'static)) -> Option<&'a T> {
    chain(err).find_map(|e| e.downcast_ref::<T>())
}

/// The error, then its source, its source's source, and so on.
fn chain<'a>(
    err: &'a (dyn StdError + 'static),
) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    std::iter::successors(Some(err), |&e| e.source())
}
