//! Reading a request: route, parameters and a JSON body within limits.

use super::ApiError;
use crate::domain::directory::regions::Regions;
use crate::domain::report::serial::Serial;
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt};
use serde::de::DeserializeOwned;

/// Bodies larger than this are refused with 413 before parsing.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// `"METHOD /path/{param}"`, as API Gateway names the route that matched.
pub fn route_key(request: &Request) -> String {
    if let Some(RequestContext::ApiGatewayV2(context)) = request.request_context_ref()
        && let Some(key) = &context.route_key
    {
        return key.clone();
    }
    format!("{} {}", request.method(), request.uri().path())
}

pub fn path_param(request: &Request, name: &str) -> Option<String> {
    request
        .path_parameters_ref()
        .and_then(|p| p.first(name))
        .map(str::to_owned)
}

/// The `{serial}` of the path; a malformed one is a report that does not exist (404).
pub fn path_serial(request: &Request) -> Result<Serial, ApiError> {
    path_param(request, "serial")
        .and_then(|s| Serial::parse(&s))
        .ok_or_else(ApiError::not_found)
}

pub fn query_param(request: &Request, name: &str) -> Option<String> {
    request
        .query_string_parameters_ref()
        .and_then(|q| q.first(name))
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
}

/// The `county` parameter naming a county (or a directly administered city) of `regions`:
/// missing or malformed is 400, a code that names no county 404.
pub fn county_param(request: &Request, regions: &Regions) -> Result<String, ApiError> {
    let county = query_param(request, "county").ok_or_else(|| ApiError::invalid("county", "请选择区县"))?;
    if !Regions::is_code(&county) {
        return Err(ApiError::invalid("county", "区县代码应为6位数字"));
    }
    if !regions.is_county(&county) {
        return Err(ApiError::new(404, "not_found", "该区县不存在"));
    }
    Ok(county)
}

pub fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// `limit` from the query string: `default` when absent, 1..=`max` otherwise.
pub fn limit(request: &Request, default: i32, max: i32) -> Result<i32, ApiError> {
    page_size(request, "limit", default, max)
}

/// A page size named `name`: `default` when absent, 1..=`max` otherwise. Unlike the filters, an
/// empty one is no number and is refused.
pub fn page_size(request: &Request, name: &'static str, default: i32, max: i32) -> Result<i32, ApiError> {
    let given = request.query_string_parameters_ref().and_then(|q| q.first(name));
    match given {
        None => Ok(default),
        Some(text) => text
            .parse::<i32>()
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or_else(|| ApiError::invalid(name, format!("{name} 须为1至{max}之间的整数"))),
    }
}

/// The body's bytes, at most `max` of them.
pub fn body_bytes(request: &Request, max: usize) -> Result<&[u8], ApiError> {
    let bytes: &[u8] = match request.body() {
        Body::Empty => &[],
        Body::Text(text) => text.as_bytes(),
        Body::Binary(bytes) => bytes,
        _ => &[],
    };
    if bytes.len() > max {
        return Err(ApiError::new(
            413,
            "body_too_large",
            format!("请求体不能超过{}KB", max / 1024),
        ));
    }
    Ok(bytes)
}

/// The body as a JSON object.
pub fn json_body(request: &Request) -> Result<serde_json::Value, ApiError> {
    let bytes = body_bytes(request, MAX_BODY_BYTES)?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request("body_required", "请求体不能为空"));
    }
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|_| ApiError::bad_request("invalid_json", "请求体不是有效的JSON"))?;
    if !value.is_object() {
        return Err(ApiError::bad_request("invalid_json", "请求体须为JSON对象"));
    }
    Ok(value)
}

/// Reads `value` as `T`, naming the field whose type is wrong.
pub fn decode_body<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|error| {
        let path = error.path().to_string();
        ApiError::invalid(path.trim_start_matches('.'), "字段类型错误")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::input::ReportInput;

    fn with_body(body: &str) -> Request {
        http::Request::builder()
            .method("POST")
            .uri("/v1/reports")
            .body(Body::Text(body.into()))
            .unwrap()
    }

    #[test]
    fn bodies_must_be_small_json_objects() {
        assert_eq!(json_body(&with_body("")).unwrap_err().code, "body_required");
        assert_eq!(json_body(&with_body("{oops")).unwrap_err().code, "invalid_json");
        assert_eq!(json_body(&with_body("[1]")).unwrap_err().code, "invalid_json");
        let big = format!("{{\"content\":\"{}\"}}", "a".repeat(MAX_BODY_BYTES));
        assert_eq!(json_body(&with_body(&big)).unwrap_err().status, 413);
        assert!(json_body(&with_body("{\"a\":1}")).is_ok());
    }

    #[test]
    fn a_wrongly_typed_field_is_named() {
        let error = decode_body::<ReportInput>(serde_json::json!({"public": "yes"})).unwrap_err();
        assert_eq!((error.status, error.field.as_deref()), (400, Some("public")));
        let error = decode_body::<ReportInput>(serde_json::json!({"violation_types": ["a", 3]})).unwrap_err();
        assert_eq!(error.field.as_deref(), Some("violation_types[1]"));
    }
}
