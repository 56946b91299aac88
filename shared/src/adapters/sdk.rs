//! How every client talks to AWS, chosen once: a connection within 1 s, an attempt within 3 s,
//! the standard retry mode (3 attempts, backoff with jitter, throttles and transient errors
//! only), and the whole operation given up within 7 s, before the shortest function timeout (10
//! s), so that a slow service answers 503 with a retry hint instead of a Lambda timeout.

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
        .timeout_config(timeouts)
        .retry_config(retries())
}

/// The Lambda environment's configuration with these settings.
pub async fn load() -> SdkConfig {
    loader().load().await
}
