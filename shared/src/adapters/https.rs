//! The HTTP client every AWS SDK client of ours uses: hyper over rustls with ring, trusting the
//! Mozilla roots compiled into the binary (`webpki-roots`). ring rather than the SDK's aws-lc:
//! 0.4–0.5 MB less resident memory and a fifth fewer relocations at every cold start
//! (docs/decisions.md, "Cold starts").
//!
//! Why not the SDK's default client: it reads and parses the system's certificate store at client
//! construction and again for each connector it builds (`SSL_CERT_FILE` and every file of
//! `SSL_CERT_DIR`; Amazon Linux 2023 lists its bundle twice). That was most of a function's cold
//! start beyond a bare Lambda binary (docs/performance.md, "Cold starts"). AWS endpoints chain to
//! public roots that Mozilla's list holds, and the list is updated with the crate.
//! No proxy support: the functions reach AWS directly.

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::rt::{TokioExecutor, TokioTimer};
use std::error::Error as StdError;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type BoxError = Box<dyn StdError + Send + Sync>;

/// How long an idle pooled connection is kept (the SDK's default).
const POOL_IDLE: Duration = Duration::from_secs(90);

/// The client for an `SdkConfig` (`adapters::sdk::loader_with`): one connection pool per distinct
/// timeout settings, shared by every SDK client built from that configuration.
pub fn client() -> SharedHttpClient {
    SharedHttpClient::new(Https::default())
}

#[derive(Debug, Default)]
struct Https {
    /// Built on first use per settings; a few at most.
    connectors: Mutex<Vec<(Settings, SharedHttpConnector)>>,
}

/// The settings a connector depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Settings {
    connect: Option<Duration>,
    read: Option<Duration>,
}

impl HttpClient for Https {
    fn http_connector(&self, settings: &HttpConnectorSettings, _components: &RuntimeComponents) -> SharedHttpConnector {
        let key = Settings {
            connect: settings.connect_timeout(),
            read: settings.read_timeout(),
        };
        let mut connectors = self.connectors.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some((_, connector)) = connectors.iter().find(|(k, _)| *k == key) {
            return connector.clone();
        }
        let connector = match Connector::new(key) {
            Ok(connector) => SharedHttpConnector::new(connector),
            Err(error) => SharedHttpConnector::new(Refusing(error.to_string())),
        };
        connectors.push((key, connector.clone()));
        connector
    }
}

#[derive(Debug, Clone)]
struct Connector {
    client: Client<HttpsConnector<TcpConnector>, SdkBody>,
    read_timeout: Option<Duration>,
}

impl Connector {
    fn new(settings: Settings) -> Result<Connector, rustls::Error> {
        let mut tcp = TcpConnector::new();
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        tcp.set_connect_timeout(settings.connect);
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        let tls = rustls::ClientConfig::builder_with_provider(Arc::new(super::tls_provider()))
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth();
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_tls_config(tls)
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let client = Client::builder(TokioExecutor::new())
            .pool_idle_timeout(POOL_IDLE)
            .pool_timer(TokioTimer::new())
            .build(https);
        Ok(Connector {
            client,
            read_timeout: settings.read,
        })
    }
}

/// Answers every call with why no TLS configuration could be built (the provider lacking rustls's
/// default protocol versions: not seen, but a reason in the log rather than a panic).
#[derive(Debug)]
struct Refusing(String);

impl HttpConnector for Refusing {
    fn call(&self, _request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Err(ConnectorError::other(self.0.clone().into(), None)))
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => return HttpConnectorFuture::ready(Err(ConnectorError::user(error.into()))),
        };
        let response = self.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, response)
                    .await
                    .map_err(|elapsed| ConnectorError::timeout(elapsed.into()))?,
                None => response.await,
            }
            .map_err(classify)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|error| ConnectorError::other(error.into(), None))
        })
    }
}

/// The SDK's retry classes for what hyper reports: a failed or dropped connection is `io`
/// (retried), a cut-off answer transient, a request hyper refused the caller's.
fn classify(error: hyper_util::client::legacy::Error) -> ConnectorError {
    let class: fn(BoxError) -> ConnectorError = match find::<hyper::Error>(&error) {
        Some(e) if e.is_timeout() => ConnectorError::timeout,
        Some(e) if e.is_user() => ConnectorError::user,
        Some(e) if e.is_incomplete_message() => |e| ConnectorError::other(e, Some(ErrorKind::TransientError)),
        Some(e) if e.is_closed() || e.is_canceled() => ConnectorError::io,
        _ if error.is_connect() || find::<std::io::Error>(&error).is_some() => ConnectorError::io,
        _ => |e| ConnectorError::other(e, None),
    };
    class(error.into())
}

/// The first error of type `E` in `error`'s chain of sources.
fn find<'a, E: StdError + 'static>(error: &'a (dyn StdError + 'static)) -> Option<&'a E> {
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(found) = current.downcast_ref::<E>() {
            return Some(found);
        }
        next = current.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_types::error::display::DisplayErrorContext;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

    /// A TLS server on a loopback port with a certificate for `localhost` made on the spot (so on
    /// no list of roots); answers with what its one handshake ended in.
    async fn untrusted_server() -> (u16, tokio::sync::oneshot::Receiver<String>) {
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("certificate");
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        let config = rustls::ServerConfig::builder_with_provider(Arc::new(crate::adapters::tls_provider()))
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(vec![CertificateDer::from(made.cert.der().to_vec())], key)
            .expect("server configuration");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("address").port();
        let (tell, told) = tokio::sync::oneshot::channel();
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept");
            let ended = match tokio_rustls::TlsAcceptor::from(Arc::new(config)).accept(stream).await {
                Ok(_) => "handshake completed".to_owned(),
                Err(error) => error.to_string(),
            };
            let _ = tell.send(ended);
        });
        (port, told)
    }

    #[tokio::test]
    async fn the_sdk_speaks_tls_through_this_client_and_refuses_a_certificate_from_no_known_root() {
        let (port, handshake) = untrusted_server().await;
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(aws_sdk_dynamodb::config::BehaviorVersion::latest())
            .region(aws_sdk_dynamodb::config::Region::new("cn-north-1"))
            .endpoint_url(format!("https://localhost:{port}"))
            .credentials_provider(aws_sdk_dynamodb::config::Credentials::new(
                "id", "secret", None, None, "test",
            ))
            .retry_config(aws_smithy_types::retry::RetryConfig::disabled())
            .http_client(client())
            .build();
        let error = aws_sdk_dynamodb::Client::from_conf(config)
            .list_tables()
            .send()
            .await
            .expect_err("a certificate from no known root is refused");
        let said = DisplayErrorContext(&error).to_string();
        assert!(said.contains("UnknownIssuer"), "{said}");
        // The refusal came from the certificate check within a handshake the server saw begin.
        let ended = handshake.await.expect("the server saw a connection");
        assert!(ended.contains("alert"), "{ended}");
    }
}
