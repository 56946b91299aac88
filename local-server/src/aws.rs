//! SDK configuration for a local AWS: the same clients as in Lambda, pointed at moto (S3, SNS)
//! or at DynamoDB Local (the table and its stream), with Lambda's retries.

use aws_config::timeout::TimeoutConfig;
use aws_config::{ConfigLoader, Region, SdkConfig};
use aws_sdk_dynamodb::config::Credentials;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use shared::adapters::s3::EvidenceStore;
use shared::app::{App, Settings};
use shared::domain::directory::Directory;
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

/// The app as in Lambda, on the local AWS: its evidence store's client also passes
/// `MotoLockedCopy`.
pub fn app(sdk: &SdkConfig, table_sdk: &SdkConfig, settings: Settings, directory: &'static Directory) -> App {
    let mut app = App::with_table_sdk(sdk, table_sdk, settings, directory);
    let s3 = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(app.settings.s3_path_style)
        .interceptor(MotoLockedCopy)
        .build();
    app.evidence = EvidenceStore::new(s3, app.settings.bucket.clone(), sdk.credentials_provider());
    app
}

/// moto refuses a CopyObject that locks its copy unless the request names a checksum algorithm
/// in `x-amz-sdk-checksum-algorithm`, a rule S3 applies to uploads with a body, not to copies:
/// this adds the header to such copies (moto checks no signature), so that sealing locks locally
/// as in AWS.
#[derive(Debug, Clone, Copy)]
pub struct MotoLockedCopy;

impl Intercept for MotoLockedCopy {
    fn name(&self) -> &'static str {
        "MotoLockedCopy"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let headers = context.request_mut().headers_mut();
        if headers.contains_key("x-amz-copy-source") && headers.contains_key("x-amz-object-lock-mode") {
            headers.insert("x-amz-sdk-checksum-algorithm", "SHA256");
        }
        Ok(())
    }
}
