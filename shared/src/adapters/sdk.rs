//! How every client talks to AWS, chosen once: a connection within 1 s, an attempt within 3 s,
//! the standard retry mode (3 attempts, backoff with jitter, throttles and transient errors
//! only), and the whole operation given up within 7 s, before the shortest function timeout (10
//! s), so that a slow service answers 503 with a retry hint instead of a Lambda timeout.

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_types::service_config::{LoadServiceConfig, ServiceConfigKey};
use std::collections::HashMap;
use std::time::Duration;

pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(1);
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(3);
pub const OPERATION_TIMEOUT: Duration = Duration::from_secs(7);
pub const MAX_ATTEMPTS: u32 = 3;

pub fn timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .operation_attempt_timeout(ATTEMPT_TIMEOUT)
        .operation_timeout(OPERATION_TIMEOUT)
        .build()
}

pub fn retries() -> RetryConfig {
    RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS)
}

/// The loader with these settings, for configurations built elsewhere (the local AWS).
pub fn loader() -> ConfigLoader {
    loader_with(timeouts())
}

/// The loader with other timeouts and the same retries (the local AWS is slower than AWS).
pub fn loader_with(timeouts: TimeoutConfig) -> ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
        .http_client(crate::adapters::https::client())
        .timeout_config(timeouts)
        .retry_config(retries())
}

/// The configuration with these settings from the SDK's default chains (profiles, environment,
/// instance metadata): for tools run by hand (`resend-sms`).
pub async fn load() -> SdkConfig {
    loader().load().await
}

/// The configuration of a function in Lambda, which hands every function its role's credentials
/// and its region as environment variables (and, locally, `AWS_ENDPOINT_URL` or
/// `AWS_ENDPOINT_URL_<SERVICE>` name the local AWS). Built from them directly rather than by
/// `aws_config`'s loader: the loader looks for profile files at every cold start, and its default
/// chains (web identity's STS client, container and instance metadata, profiles) are linked into
/// every function whether used or not, about 1 MB of each binary with the log filter's regex
/// engine (docs/performance.md, "Cold starts"). What the loader would add beyond these, the
/// clients default themselves (sleep, clock, identity cache).
pub fn load_in_lambda() -> SdkConfig {
    lambda_config(std::env::vars().filter(|(name, _)| name.starts_with("AWS_")).collect())
}

/// `load_in_lambda` with region and endpoints from these environment variables; the credentials
/// provider reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` from the
/// process's own environment when a client first signs.
pub fn lambda_config(env: HashMap<String, String>) -> SdkConfig {
    let env = AwsEnv(env.into_iter().filter(|(_, value)| !value.trim().is_empty()).collect());
    let region = env
        .get("AWS_REGION")
        .or_else(|| env.get("AWS_DEFAULT_REGION"))
        .map(Region::new);
    let endpoint = env.get("AWS_ENDPOINT_URL");
    let mut builder = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .http_client(crate::adapters::https::client())
        .timeout_config(timeouts())
        .retry_config(retries())
        .credentials_provider(SharedCredentialsProvider::new(
            EnvironmentVariableCredentialsProvider::new(),
        ));
    builder.set_region(region);
    builder.set_endpoint_url(endpoint);
    builder.service_config(env).build()
}

/// The `AWS_*` variables a client reads per service, as the loader's environment does:
/// `{NAME}_{SERVICE}` (`AWS_ENDPOINT_URL_DYNAMODB`) before `{NAME}`.
#[derive(Debug)]
struct AwsEnv(HashMap<String, String>);

impl AwsEnv {
    fn get(&self, name: &str) -> Option<String> {
        self.0.get(name).cloned()
    }
}

impl LoadServiceConfig for AwsEnv {
    fn load_config(&self, key: ServiceConfigKey<'_>) -> Option<String> {
        let service = key.service_id().to_uppercase().replace(' ', "_");
        self.get(&format!("{}_{service}", key.env()))
            .or_else(|| self.get(key.env()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(vars: &[(&str, &str)]) -> SdkConfig {
        lambda_config(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect())
    }

    #[test]
    fn lambda_config_takes_region_endpoint_and_settings_from_the_environment() {
        let config = config(&[
            ("AWS_REGION", "cn-north-1"),
            ("AWS_ENDPOINT_URL", "http://127.0.0.1:5000"),
        ]);
        assert_eq!(config.region().map(|r| r.as_ref()), Some("cn-north-1"));
        assert_eq!(config.endpoint_url(), Some("http://127.0.0.1:5000"));
        assert!(config.credentials_provider().is_some());
        assert!(config.http_client().is_some());
        let timeouts = config
            .timeout_config()
            .cloned()
            .unwrap_or_else(|| TimeoutConfig::builder().build());
        assert_eq!(timeouts.connect_timeout(), Some(CONNECT_TIMEOUT));
        assert_eq!(timeouts.operation_attempt_timeout(), Some(ATTEMPT_TIMEOUT));
        assert_eq!(timeouts.operation_timeout(), Some(OPERATION_TIMEOUT));
        assert_eq!(config.retry_config().map(|r| r.max_attempts()), Some(MAX_ATTEMPTS));
        assert_eq!(config.behavior_version(), Some(BehaviorVersion::latest()));
    }

    #[test]
    fn lambda_config_falls_back_to_the_default_region_and_the_service_endpoints() {
        let config = config(&[("AWS_DEFAULT_REGION", "cn-northwest-1"), ("AWS_ENDPOINT_URL", " ")]);
        assert_eq!(config.region().map(|r| r.as_ref()), Some("cn-northwest-1"));
        assert_eq!(config.endpoint_url(), None);
        assert_eq!(self::config(&[]).region(), None);
    }

    /// A client built from it reaches its own service's endpoint where one is named (DynamoDB
    /// Local beside moto), the common one otherwise: each listener here takes its connection.
    #[tokio::test]
    async fn a_client_calls_its_own_services_endpoint_before_the_common_one() {
        use aws_credential_types::Credentials;
        use tokio::net::TcpListener;
        let table = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let common = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let config = config(&[
            ("AWS_REGION", "cn-north-1"),
            ("AWS_ENDPOINT_URL", &format!("http://{}", common.local_addr().unwrap())),
            (
                "AWS_ENDPOINT_URL_DYNAMODB",
                &format!("http://{}", table.local_addr().unwrap()),
            ),
        ]);
        let credentials = Credentials::new("testing", "testing", None, None, "test");
        let dynamodb = aws_sdk_dynamodb::config::Builder::from(&config)
            .credentials_provider(credentials.clone())
            .build();
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .credentials_provider(credentials)
            .force_path_style(true)
            .build();
        let tables = tokio::spawn(aws_sdk_dynamodb::Client::from_conf(dynamodb).list_tables().send());
        let within = Duration::from_secs(5);
        tokio::time::timeout(within, table.accept()).await.unwrap().unwrap();
        let buckets = tokio::spawn(aws_sdk_s3::Client::from_conf(s3).list_buckets().send());
        tokio::time::timeout(within, common.accept()).await.unwrap().unwrap();
        tables.abort();
        buckets.abort();
    }
}
