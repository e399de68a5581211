//! The few S3 calls a shared session makes: list, get, put (conditional or
//! not). Errors are sorted into what the share does about them: wait for S3
//! (unavailable), stop writing (denied), or re-read (the key was taken).

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::meta::region::RegionProviderChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_s3::Client;
use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::list_objects_v2::ListObjectsV2Output;
use aws_sdk_s3::primitives::ByteStream;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use jiff::Timestamp;

use crate::sources::aws::errors::{self, Call};

/// Why an S3 call did not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum S3Error {
    /// Unreachable, timed out, throttled, a 5xx: worth trying again later.
    Unavailable(String),
    /// S3 refused this caller (403): trying again will not help.
    Denied(String),
    /// The bucket does not exist, or anything else that is not transient.
    Failed(String),
}

impl S3Error {
    pub fn text(&self) -> &str {
        match self {
            Self::Unavailable(t) | Self::Denied(t) | Self::Failed(t) => t,
        }
    }
}

/// What a conditional put found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Put {
    Created,
    /// Another writer holds the key: re-read and try the next one.
    Taken,
}

/// One object's key and when S3 last wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub key: String,
    pub modified: Option<Timestamp>,
}

/// A bucket and the client that reaches it.
#[derive(Debug, Clone)]
pub struct Bucket {
    client: Client,
    pub name: String,
}

/// Short timeouts: a hung S3 must show as unreachable in seconds, and the
/// share tries again on its next poll anyway.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(4);
const OPERATION_TIMEOUT: Duration = Duration::from_secs(9);
/// How long a console starting up asks where its bucket is.
const REGION_PROBE: Duration = Duration::from_secs(3);

/// One retry: the share tries again on its next poll anyway.
pub fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(2)
}

pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

impl Bucket {
    /// A client from aws-config's default chain (environment, profile,
    /// `AWS_ENDPOINT_URL_S3`); the region is the chain's, else us-east-1.
    /// A custom endpoint (an emulator, MinIO) is addressed path-style.
    pub async fn connect(name: &str, profile: Option<&str>) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(RegionProviderChain::default_provider().or_else("us-east-1"))
            .retry_config(retries())
            .timeout_config(timeouts());
        if let Some(profile) = profile {
            loader = loader.profile_name(profile);
        }
        let config = loader.load().await;
        let custom_endpoint = config.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some_and(|v| !v.is_empty());
        let client = |region: Option<aws_config::Region>| {
            let mut s3 =
                aws_sdk_s3::config::Builder::from(&config).force_path_style(custom_endpoint);
            if let Some(region) = region {
                s3 = s3.region(region);
            }
            Client::from_conf(s3.build())
        };
        let first = client(None);
        // A bucket in another region answers with its own: S3 does not
        // serve it from here (the SDK follows no redirect). Unreachable
        // now, the chain's region stands.
        let probe = tokio::time::timeout(REGION_PROBE, bucket_region(&first, name));
        match probe.await.ok().flatten() {
            Some(home) if config.region().is_none_or(|r| r.as_ref() != home) => Self {
                client: client(Some(aws_config::Region::new(home))),
                name: name.to_string(),
            },
            _ => Self {
                client: first,
                name: name.to_string(),
            },
        }
    }

    /// The region the bucket is reached in.
    pub fn region(&self) -> Option<String> {
        self.client.config().region().map(ToString::to_string)
    }

    /// A bucket reached through a client built elsewhere (tests, custom
    /// endpoints).
    pub fn from_client(client: Client, name: &str) -> Self {
        Self {
            client,
            name: name.to_string(),
        }
    }

    /// Every key under `prefix` after `start_after`, in key order.
    pub async fn list(
        &self,
        prefix: &str,
        start_after: Option<&str>,
    ) -> Result<Vec<Listed>, S3Error> {
        let pages = self.pages(prefix, start_after, None).await?;
        Ok(pages
            .iter()
            .flat_map(|page| page.contents())
            .filter_map(|o| {
                Some(Listed {
                    key: o.key()?.to_string(),
                    modified: o
                        .last_modified()
                        .and_then(|t| Timestamp::from_second(t.secs()).ok()),
                })
            })
            .collect())
    }

    /// The "folders" right under `prefix` (keys cut at the next slash), each
    /// without the prefix and the slash.
    pub async fn folders(&self, prefix: &str) -> Result<Vec<String>, S3Error> {
        let pages = self.pages(prefix, None, Some("/")).await?;
        Ok(pages
            .iter()
            .flat_map(|page| page.common_prefixes())
            .filter_map(|p| {
                let name = p.prefix()?.strip_prefix(prefix)?.trim_end_matches('/');
                (!name.is_empty()).then(|| name.to_string())
            })
            .collect())
    }

    /// Every page of a listing.
    async fn pages(
        &self,
        prefix: &str,
        start_after: Option<&str>,
        delimiter: Option<&str>,
    ) -> Result<Vec<ListObjectsV2Output>, S3Error> {
        let mut pages = Vec::new();
        let mut token = None;
        loop {
            let page = self
                .client
                .list_objects_v2()
                .bucket(&self.name)
                .prefix(prefix)
                .set_start_after(start_after.map(str::to_string))
                .set_delimiter(delimiter.map(str::to_string))
                .set_continuation_token(token.take())
                .send()
                .await
                .map_err(|e| classify("ListObjectsV2", &self.name, e))?;
            token = page
                .next_continuation_token()
                .filter(|_| page.is_truncated() == Some(true))
                .map(str::to_string);
            pages.push(page);
            if token.is_none() {
                return Ok(pages);
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Vec<u8>, S3Error> {
        let object = self
            .client
            .get_object()
            .bucket(&self.name)
            .key(key)
            .send()
            .await
            .map_err(|e| classify("GetObject", &self.name, e))?;
        let body = object.body.collect().await.map_err(|e| {
            S3Error::Unavailable(format!("GetObject {key}: the body broke off: {e}"))
        })?;
        Ok(body.into_bytes().to_vec())
    }

    /// Creates `key` unless it exists (`If-None-Match: *`): of two writers
    /// of one key, exactly one gets `Created`.
    pub async fn put_new(&self, key: &str, bytes: Vec<u8>) -> Result<Put, S3Error> {
        let sent = self
            .client
            .put_object()
            .bucket(&self.name)
            .key(key)
            .if_none_match("*")
            .content_type("application/json")
            .body(ByteStream::from(bytes))
            .send()
            .await;
        match sent {
            Ok(_) => Ok(Put::Created),
            // 412: the key exists; 409: a put of it is in flight.
            Err(SdkError::ServiceError(e)) if matches!(e.raw().status().as_u16(), 409 | 412) => {
                Ok(Put::Taken)
            }
            Err(e) => Err(classify("PutObject", &self.name, e)),
        }
    }

    /// Writes `key`, replacing what is there (heartbeats).
    pub async fn put(&self, key: &str, bytes: Vec<u8>) -> Result<(), S3Error> {
        self.client
            .put_object()
            .bucket(&self.name)
            .key(key)
            .content_type("application/json")
            .body(ByteStream::from(bytes))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| classify("PutObject", &self.name, e))
    }
}

/// The region S3 says the bucket is in, if it answers at all.
async fn bucket_region(client: &Client, bucket: &str) -> Option<String> {
    match client.head_bucket().bucket(bucket).send().await {
        Ok(head) => head.bucket_region().map(str::to_string),
        Err(SdkError::ServiceError(e)) => e
            .raw()
            .headers()
            .get("x-amz-bucket-region")
            .map(str::to_string),
        Err(_) => None,
    }
}

/// The panes' reading of an SDK error (`aws::errors`), sorted by what the
/// share does next. "Bucket" stands where the panes name a region.
fn classify<E>(operation: &str, bucket: &str, err: SdkError<E, HttpResponse>) -> S3Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let status = match &err {
        SdkError::ServiceError(e) => Some(e.raw().status().as_u16()),
        _ => None,
    };
    let call = Call {
        operation,
        region: bucket,
    };
    let error = errors::from_sdk(call, err);
    let text = error.message;
    match (status, error.code.as_str()) {
        (Some(403), _) | (_, "AccessDenied") => S3Error::Denied(text),
        (Some(429 | 500..), _) | (None, _) | (_, errors::THROTTLED) => S3Error::Unavailable(text),
        _ => S3Error::Failed(text),
    }
}
