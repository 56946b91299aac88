//! Writing a response: JSON with the right status and caching.

use super::ApiError;
use lambda_http::{Body, Response};
use serde::Serialize;

/// Private answers must never be cached by a proxy.
pub const NO_STORE: &str = "no-store";
/// Public board answers may be cached briefly.
pub const PUBLIC_SHORT: &str = "public, max-age=30";

pub fn json<T: Serialize>(status: u16, value: &T) -> Response<Body> {
    json_cached(status, value, NO_STORE)
}

pub fn json_cached<T: Serialize>(status: u16, value: &T, cache_control: &str) -> Response<Body> {
    match serde_json::to_string(value) {
        Ok(text) => build(status, text, cache_control),
        Err(error) => {
            tracing::error!(%error, "response did not serialise");
            error_response(&ApiError::internal())
        }
    }
}

pub fn error_response(error: &ApiError) -> Response<Body> {
    let text = serde_json::to_string(error).unwrap_or_else(|_| r#"{"code":"internal","message":"系统繁忙"}"#.into());
    error_response_as(error, text, "application/json; charset=utf-8")
}

/// `error` answered with a body of another shape (Open311's): its status, `Retry-After`, no
/// caching, and the log line of a server failure.
pub fn error_response_as(error: &ApiError, text: String, content_type: &'static str) -> Response<Body> {
    if error.status >= 500 {
        tracing::error!(code = error.code, "request failed");
    }
    let mut response = text_response(error.status, text, content_type, NO_STORE);
    if let Some(seconds) = error.retry_after {
        response
            .headers_mut()
            .insert(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
    }
    response
}

/// Turns a handler's result into the response the runtime sends.
pub fn respond(result: Result<Response<Body>, ApiError>) -> Response<Body> {
    result.unwrap_or_else(|error| error_response(&error))
}

fn build(status: u16, text: String, cache_control: &str) -> Response<Body> {
    text_response(status, text, "application/json; charset=utf-8", cache_control)
}

/// A text body of any type (CSV, XML, …) with its caching rule.
pub fn text_response(status: u16, text: String, content_type: &'static str, cache_control: &str) -> Response<Body> {
    let mut response = Response::new(Body::Text(text));
    *response.status_mut() = http::StatusCode::from_u16(status).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(content_type));
    if let Ok(value) = http::HeaderValue::from_str(cache_control) {
        headers.insert(http::header::CACHE_CONTROL, value);
    }
    response
}

/// `Content-Disposition` saving a file as `name` (RFC 6266: UTF-8 in `filename*`, an ASCII
/// `fallback` for old clients): header values are ASCII.
pub fn attachment(name: &str, fallback: &str) -> String {
    use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
    format!(
        "attachment; filename=\"{fallback}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, NON_ALPHANUMERIC)
    )
}
