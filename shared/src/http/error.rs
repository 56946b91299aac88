//! One error type for every route, rendered as `{"code","message","field"?}` with a Chinese message.

use crate::adapters::StoreError;
use crate::adapters::dynamo::ListError;
use crate::domain::Rejection;
use serde::Serialize;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[error("{status} {code}: {message}")]
pub struct ApiError {
    #[serde(skip)]
    pub status: u16,
    pub code: &'static str,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds after which a retry may succeed: sent as `Retry-After` (429, 503).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl ApiError {
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }

    /// A quota used up until the next China day.
    pub fn quota(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(crate::domain::time::seconds_to_next_day(&crate::domain::time::now_cst())),
            ..ApiError::new(429, "too_many_requests", message)
        }
    }

    /// Too many reads this minute: again when the next minute starts.
    pub fn too_fast() -> ApiError {
        ApiError {
            retry_after: Some(crate::domain::time::seconds_to_next_minute(
                &crate::domain::time::now_cst(),
            )),
            ..ApiError::new(429, "too_many_requests", "操作过于频繁,请稍后再试")
        }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.into()),
            ..ApiError::new(400, "invalid_field", message)
        }
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(400, code, message)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(401, "unauthorized", "请先登录")
    }

    pub fn forbidden() -> ApiError {
        ApiError::new(403, "forbidden", "无权进行此操作")
    }

    pub fn not_found() -> ApiError {
        ApiError::new(404, "not_found", "未找到该信息")
    }

    pub fn route_not_found() -> ApiError {
        ApiError::new(404, "route_not_found", "请求的接口不存在")
    }

    pub fn internal() -> ApiError {
        ApiError::new(500, "internal", "系统繁忙,请稍后再试")
    }

    /// The store or a service is throttling or failing for now: retrying in a second is safe
    /// (every write is conditional or idempotent).
    pub fn unavailable() -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(503, "unavailable", "系统繁忙,请稍后再试")
        }
    }
}

impl From<Rejection> for ApiError {
    fn from(rejection: Rejection) -> ApiError {
        match rejection {
            Rejection::Invalid { field, message } => ApiError::invalid(field, message),
            Rejection::TooLarge { field, message } => ApiError {
                field: Some(field),
                ..ApiError::new(413, "too_large", message)
            },
            Rejection::Conflict { code, message } => ApiError::new(409, code, message),
            Rejection::Forbidden { message } => ApiError::new(403, "forbidden", message),
            Rejection::NotFound => ApiError::not_found(),
            Rejection::Quota { message } => ApiError::quota(message),
        }
    }
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> ApiError {
        match error {
            transient if transient.is_transient() => {
                tracing::warn!(error = %transient, "unavailable for now");
                ApiError::unavailable()
            }
            other => {
                tracing::error!(error = %other, "store failed");
                ApiError::internal()
            }
        }
    }
}

impl From<ListError> for ApiError {
    fn from(error: ListError) -> ApiError {
        match error {
            ListError::Cursor(rejection) => rejection.into(),
            ListError::Store(store) => store.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejections_map_to_their_status_codes() {
        let cases = [
            (Rejection::invalid("target", "举报对象不能为空"), 400),
            (Rejection::too_large("files[0].size", "图片大小不能超过60M"), 413),
            (Rejection::conflict("already_rated", "每条举报件仅支持评价一次"), 409),
            (Rejection::NotFound, 404),
            (
                Rejection::Quota {
                    message: "今日举报次数已达上限".into(),
                },
                429,
            ),
        ];
        for (rejection, status) in cases {
            assert_eq!(ApiError::from(rejection).status, status);
        }
    }

    #[test]
    fn the_json_shape_is_code_message_and_field() {
        let json = serde_json::to_value(ApiError::invalid("target", "举报对象不能为空")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"code": "invalid_field", "message": "举报对象不能为空", "field": "target"})
        );
    }
}
