//! SDK configuration for a local AWS: the same clients as in Lambda, pointed at moto (S3, SNS)
//! or at DynamoDB Local (the table and its stream), with Lambda's retries.

use aws_config::timeout::TimeoutConfig;
use aws_config::{ConfigLoader, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use std::time::Duration;

/// Region used locally; cn-north-1 so that China-partition quirks show up here first.
pub const LOCAL_REGION: &str = "cn-north-1";

/// DynamoDB Local serialises every write behind one lock (docs/performance.md): under a burst
/// an answer takes seconds that DynamoDB answers in milliseconds, so locally the SDK waits
/// longer than in Lambda. The faults tests use Lambda's timeouts (`lambda_sdk_config`).
fn local_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(2))
        .operation_attempt_timeout(Duration::from_secs(30))
        .operation_timeout(Duration::from_secs(60))
        .build()
}

pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    config(shared::adapters::sdk::loader_with(local_timeouts()), endpoint).await
}

/// The local AWS with the timeouts and retries of Lambda.
pub async fn lambda_sdk_config(endpoint: &str) -> SdkConfig {
    config(shared::adapters::sdk::loader(), endpoint).await
}

async fn config(loader: ConfigLoader, endpoint: &str) -> SdkConfig {
    loader
        .region(Region::new(LOCAL_REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "local"))
        .load()
        .await
}
