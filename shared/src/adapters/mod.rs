//! One adapter per AWS service; each is the only code that speaks to its service.

pub mod dynamo;
pub mod post_policy;
pub mod s3;
pub mod sns;

use thiserror::Error;

/// A failure of the store below, not of the caller's request.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The service refused for load; the caller may retry later.
    #[error("throttled: {0}")]
    Throttled(String),
    #[error("{service} call failed: {detail}")]
    Service { service: &'static str, detail: String },
    /// An item that does not read back as the type we wrote.
    #[error("malformed item {key}: {detail}")]
    Corrupt { key: String, detail: String },
}

impl StoreError {
    pub fn service(service: &'static str, error: impl std::error::Error + 'static) -> StoreError {
        let detail = aws_sdk_dynamodb::error::DisplayErrorContext(&error).to_string();
        if detail.contains("Throttling")
            || detail.contains("ProvisionedThroughputExceeded")
            || detail.contains("RequestLimitExceeded")
        {
            StoreError::Throttled(detail)
        } else {
            StoreError::Service { service, detail }
        }
    }
}
