//! How every client talks to AWS, chosen once: a connection within 1 s, an attempt within 3 s,
//! the standard retry mode (3 attempts, backoff with jitter, throttles and transient errors
//! only), and the whole operation given up within 7 s, before the shortest function timeout (10
//! s), so that a slow service answers 503 with a retry hint instead of a Lambda timeout.

use aws_config::environment::{EnvironmentVariableCredentialsProvider, EnvironmentVariableRegionProvider};
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader, SdkConfig};
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
/// and its region as environment variables, where the default chains would find them first. Read
/// from there directly, cold start skips building the chains' other providers (web identity
/// builds an STS client; container and instance metadata their own HTTP clients).
pub async fn load_in_lambda() -> SdkConfig {
    loader()
        .credentials_provider(EnvironmentVariableCredentialsProvider::new())
        .region(EnvironmentVariableRegionProvider::new())
        .load()
        .await
}
