//! SDK configuration for a local AWS: the same clients as in Lambda, pointed at moto (S3, SNS)
//! or at DynamoDB Local (the table and its stream).

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;

/// Region used locally; cn-north-1 so that China-partition quirks show up here first.
pub const LOCAL_REGION: &str = "cn-north-1";

pub async fn sdk_config(endpoint: &str) -> SdkConfig {
    aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(LOCAL_REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("testing", "testing", None, None, "local"))
        .load()
        .await
}
