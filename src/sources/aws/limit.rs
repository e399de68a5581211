//! At most a fixed number of calls in flight per API and region: each SDK
//! client of `RegionClients` gets its own HTTP client that holds a permit
//! for every request attempt, from before it connects until its answer is
//! read in full. Retries take a permit of their own, so a throttled or
//! hanging endpoint never sees more than the cap, and other regions and
//! APIs, holding permits of their own, never wait for it.

use std::sync::Arc;

use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::{Builder, ConnectorBuilder, tls};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use tokio::sync::Semaphore;

/// An HTTP client that lets at most `limit` requests through at once.
#[derive(Debug, Clone)]
pub struct CappedHttpClient {
    inner: SharedHttpClient,
    permits: Arc<Semaphore>,
}

impl CappedHttpClient {
    /// `inner` capped at `limit` requests in flight (at least one).
    pub fn new(inner: SharedHttpClient, limit: usize) -> Self {
        Self {
            inner,
            permits: Arc::new(Semaphore::new(limit.clamp(1, Semaphore::MAX_PERMITS))),
        }
    }

    /// The SDK's own default HTTPS client (rustls, the proxy settings of
    /// the environment), capped.
    pub fn default_https(limit: usize) -> Self {
        Self::new(default_https_client(), limit)
    }
}

/// What `aws-smithy-runtime` builds when a client is given none: we need
/// one of our own to wrap, one per client so each has its own cap.
fn default_https_client() -> SharedHttpClient {
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
            tls::rustls_provider::CryptoMode::AwsLc,
        ));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

impl HttpClient for CappedHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CappedConnector {
            inner: self.inner.http_connector(settings, components),
            permits: self.permits.clone(),
        })
    }

    // For the user agent: the inner client's name ("hyper 1.x").
    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct CappedConnector {
    inner: SharedHttpConnector,
    permits: Arc<Semaphore>,
}

impl HttpConnector for CappedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let (inner, permits) = (self.inner.clone(), self.permits.clone());
        HttpConnectorFuture::new(async move {
            // Never closed; an attempt that times out while waiting drops
            // this future and with it its place in the queue.
            let _permit = permits
                .acquire_owned()
                .await
                .map_err(|e| ConnectorError::other(Box::new(e), None))?;
            let mut response = inner.call(request).await?;
            // The connector answers once the head is in; the body is still
            // on the wire, so the call is in flight until it is read.
            let body = ByteStream::new(response.take_body())
                .collect()
                .await
                .map_err(|e| ConnectorError::io(Box::new(e)))?;
            *response.body_mut() = SdkBody::from(body.into_bytes());
            Ok(response)
        })
    }
}
