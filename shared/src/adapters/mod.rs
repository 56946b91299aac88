//! One adapter per AWS service; each is the only code that speaks to its service.

pub mod cognito;
pub mod dynamo;
pub mod fresh;
pub mod https;
pub mod kms;
pub mod post_policy;
pub mod s3;
pub mod sdk;
pub mod sms;
pub mod sns;

/// The rustls provider of every TLS connection of ours: ring (docs/decisions.md, "TLS on ring").
pub fn tls_provider() -> rustls::crypto::CryptoProvider {
    rustls::crypto::ring::default_provider()
}

/// Makes `tls_provider` (the SDK clients', `https`) the process's rustls provider, once. HTTP
/// clients outside the SDK (reqwest, for Tencent Cloud SMS and the local tools) take theirs from
/// it; with none installed they refuse to start.
pub fn install_tls_provider() {
    // Err only when one is installed already: that one stays.
    let _ = tls_provider().install_default();
}

use aws_runtime::retries::classifiers::{THROTTLING_ERRORS, TRANSIENT_ERRORS};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::http::Response as HttpResponse;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use thiserror::Error;

/// A failure of a service below, not of the caller's request. Each names the adapter operation
/// that failed (`create_report`, `claim_sms`, …) so that a log line says what was being done.
#[derive(Debug, Error)]
pub enum StoreError {
    /// The service refused for load; the caller may retry later.
    #[error("{operation}: {service} throttled the call: {detail}")]
    Throttled {
        service: &'static str,
        operation: &'static str,
        detail: String,
    },
    /// The service could not answer for now (a 5xx, a timeout, a dropped connection), after the
    /// SDK's own retries; the caller may retry later.
    #[error("{operation}: {service} unavailable: {detail}")]
    Unavailable {
        service: &'static str,
        operation: &'static str,
        detail: String,
    },
    #[error("{operation}: {service} call failed: {detail}")]
    Service {
        service: &'static str,
        operation: &'static str,
        detail: String,
    },
    /// An item that does not read back as the type we wrote.
    #[error("malformed item {key}: {detail}")]
    Corrupt { key: String, detail: String },
}

impl StoreError {
    /// A failed SDK call, classified by the error code the service answered with, against the
    /// SDK's own list of throttling codes (never by the text of the message).
    pub fn call<E>(service: &'static str, operation: &'static str, error: SdkError<E, HttpResponse>) -> StoreError
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
    {
        let throttled = error.code().is_some_and(|code| THROTTLING_ERRORS.contains(&code));
        let transient = match &error {
            SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) | SdkError::ResponseError(_) => true,
            SdkError::ServiceError(failure) => {
                failure.raw().status().is_server_error()
                    || error.code().is_some_and(|code| TRANSIENT_ERRORS.contains(&code))
            }
            _ => false,
        };
        let detail = DisplayErrorContext(&error).to_string();
        if throttled {
            StoreError::Throttled {
                service,
                operation,
                detail,
            }
        } else if transient {
            StoreError::Unavailable {
                service,
                operation,
                detail,
            }
        } else {
            StoreError::Service {
                service,
                operation,
                detail,
            }
        }
    }

    /// A failure before any call: a request that could not be built or signed.
    pub fn request(service: &'static str, operation: &'static str, error: impl std::fmt::Display) -> StoreError {
        StoreError::Service {
            service,
            operation,
            detail: error.to_string(),
        }
    }

    pub fn is_throttled(&self) -> bool {
        matches!(self, StoreError::Throttled { .. })
    }

    /// Worth retrying later: throttled, or unavailable for now.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Throttled { .. } | StoreError::Unavailable { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::operation::query::QueryError;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use aws_smithy_types::error::ErrorMetadata;

    fn answered(code: &str, message: &str) -> SdkError<QueryError, Response> {
        answered_with(400, code, message)
    }

    fn answered_with(status: u16, code: &str, message: &str) -> SdkError<QueryError, Response> {
        let error = QueryError::generic(ErrorMetadata::builder().code(code).message(message).build());
        let status = StatusCode::try_from(status).unwrap_or_else(|_| unreachable!());
        SdkError::service_error(error, Response::new(status, SdkBody::empty()))
    }

    #[test]
    fn a_5xx_is_unavailable_for_now_and_a_4xx_is_not() {
        let down = StoreError::call("dynamodb", "queue", answered_with(503, "ServiceUnavailable", ""));
        assert!(
            matches!(down, StoreError::Unavailable { .. }) && down.is_transient(),
            "{down}"
        );
        let bad = StoreError::call("dynamodb", "queue", answered("ValidationException", ""));
        assert!(!bad.is_transient(), "{bad}");
    }

    #[test]
    fn throttling_is_read_from_the_error_code_not_the_text() {
        let throttled = StoreError::call("dynamodb", "queue", answered("ThrottlingException", "slow down"));
        assert!(throttled.is_throttled());
        assert!(
            throttled.to_string().starts_with("queue: dynamodb throttled the call"),
            "{throttled}"
        );
        let provisioned = answered("ProvisionedThroughputExceededException", "");
        assert!(StoreError::call("dynamodb", "save_report", provisioned).is_throttled());
        // A message that mentions throttling is not throttling.
        let other = StoreError::call("dynamodb", "stats", answered("ValidationException", "Throttling words"));
        assert!(!other.is_throttled());
        assert!(other.to_string().starts_with("stats: dynamodb call failed"), "{other}");
    }
}
