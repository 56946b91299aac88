//! The local stand-in for API Gateway: matches the route, does the JWT authorizer's job, builds
//! the same v2 event API Gateway would send, and hands it to the function's handler in-process.

use crate::tokens::{Issuer, TokenError, TokenRequest};
use axum::Router;
use axum::body::{Bytes, to_bytes};
use axum::extract::{Request as AxumRequest, State};
use axum::response::{IntoResponse, Redirect, Response as AxumResponse};
use axum::routing::{get, post};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::header::CONTENT_SECURITY_POLICY;
use http::request::Parts;
use http::{HeaderMap, HeaderValue, StatusCode};
use lambda_http::Body;
use serde_json::{Map, Value, json};
use shared::app::App;
use shared::http::ApiError;
use shared::routes::{self, Access, Route};
use std::collections::HashMap;
use std::sync::Arc;
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

/// API Gateway's payload limit.
const MAX_PAYLOAD_BYTES: usize = 10 * 1024 * 1024;

/// What the local server needs: the app every handler shares and the local token issuer.
#[derive(Debug, Clone)]
pub struct Local {
    pub app: &'static App,
    pub issuer: Issuer,
    /// Where the SMS "sent" are listed (`/_local/sms`): the local AWS (SNS), or the Tencent
    /// stand-in with `SMS_PROVIDER=tencent`.
    pub sms_endpoint: String,
    /// Built web sites served beside the API: the admin site at `/admin/`, the citizen H5 at `/h5/`.
    pub sites: Vec<Site>,
}

/// A static site and the path it is served under (`admin` → `/admin/`).
#[derive(Debug, Clone)]
pub struct Site {
    pub name: &'static str,
    pub dir: std::path::PathBuf,
    /// The `Content-Security-Policy` it is served with, as deployed (`site::admin_policy`).
    pub policy: Option<HeaderValue>,
}

pub fn router(local: Local) -> Router {
    let mut router = Router::new()
        .route("/dev/token", post(dev_token))
        .route("/dev/health", get(|| async { "ok" }))
        .route("/dev/sms", get(dev_sms))
        .route("/dev/staff", get(dev_staff))
        .route("/dev/host-sign-in", get(crate::host_sign_in::page))
        .route("/h5/config.json", get(crate::host_sign_in::citizen_config));
    for site in &local.sites {
        // The sites route by URL hash, so every path under a site is a file or its index.html.
        let files = ServeDir::new(&site.dir).fallback(ServeFile::new(site.dir.join("index.html")));
        // Compressed as CloudFront compresses them (`Compress: true`), so that page-load figures
        // (scripts/lighthouse) are those of the deployed sites.
        let mut files = Router::new().fallback_service(files).layer(CompressionLayer::new());
        if let Some(policy) = &site.policy {
            files = files.layer(SetResponseHeaderLayer::overriding(
                CONTENT_SECURITY_POLICY,
                policy.clone(),
            ));
        }
        let root = format!("/{}/", site.name);
        let redirect = root.clone();
        router = router
            .route(
                &format!("/{}", site.name),
                get(move || async move { Redirect::permanent(&redirect) }),
            )
            .nest_service(&root, files);
    }
    router.fallback(api).with_state(Arc::new(local))
}

fn error(error: &ApiError) -> AxumResponse {
    let status = StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, axum::Json(error)).into_response()
}

async fn dev_token(State(local): State<Arc<Local>>, body: Bytes) -> AxumResponse {
    let Ok(request) = serde_json::from_slice::<TokenRequest>(&body) else {
        return error(&ApiError::bad_request("invalid_json", "请求体不是有效的JSON"));
    };
    match local.issuer.issue(&request, chrono::Utc::now().timestamp()) {
        Ok((token, exp)) => axum::Json(json!({"token": token, "expires_at": exp})).into_response(),
        Err(TokenError::Invalid(field, message)) => error(&ApiError::invalid(field, message)),
    }
}

/// Everyone on the roster, for the admin site's local sign-in.
async fn dev_staff(State(local): State<Arc<Local>>) -> AxumResponse {
    match crate::demo_staff::signable(&local.app.records, local.app.directory).await {
        Ok(staff) => axum::Json(staff).into_response(),
        Err(e) => error(&ApiError::from(e)),
    }
}

/// What the platform texted, as the local AWS recorded it: `{"items":[{"phone_number","message"}]}`.
async fn dev_sms(State(local): State<Arc<Local>>) -> AxumResponse {
    match crate::sms::sent(&local.sms_endpoint).await {
        Ok(items) => axum::Json(json!({ "items": items })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read SMS from the local AWS");
            error(&ApiError::unavailable())
        }
    }
}

async fn api(State(local): State<Arc<Local>>, request: AxumRequest) -> AxumResponse {
    let (parts, body) = request.into_parts();
    let Ok(body) = to_bytes(body, MAX_PAYLOAD_BYTES).await else {
        return error(&ApiError::new(413, "body_too_large", "请求体过大"));
    };
    let Some((route, params)) = routes::find(parts.method.as_str(), parts.uri.path()) else {
        return error(&ApiError::route_not_found());
    };
    let claims = match route.access {
        Access::Public => None,
        Access::Citizen => match bearer(&parts.headers).and_then(|t| local.issuer.verify_citizen(t)) {
            Some(claims) => Some(claims),
            None => return error(&ApiError::unauthorized()),
        },
        Access::Staff => match bearer(&parts.headers).and_then(|t| local.issuer.verify_staff(t)) {
            Some(claims) => Some(claims),
            None => return error(&ApiError::unauthorized()),
        },
    };
    let event = v2_event(route, &parts, &params, claims, &body);
    let request = match lambda_http::request::from_str(&event.to_string()) {
        Ok(request) => request,
        Err(e) => {
            tracing::error!(error = %e, "event did not convert");
            return error(&ApiError::internal());
        }
    };
    into_axum(dispatch(local.app, route.function, request).await)
}

/// Calls the function that serves the route, as Lambda would.
/// Each handler's future is boxed: in a debug build, one future the size of the largest handler,
/// nested in a caller's, overflowed a test thread's stack.
pub async fn dispatch(app: &'static App, function: &str, request: lambda_http::Request) -> lambda_http::Response<Body> {
    match function {
        "submit" => Box::pin(submit::handle(app, request)).await,
        "list-mine" => Box::pin(list_mine::handle(app, request)).await,
        "public-board" => Box::pin(public_board::handle(app, request)).await,
        "rate" => Box::pin(rate::handle(app, request)).await,
        "staff-action" => Box::pin(staff_action::handle(app, request)).await,
        "export" => Box::pin(export::handle(app, request)).await,
        _ => shared::http::response::error_response(&ApiError::route_not_found()),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token.trim())
}

/// An API Gateway HTTP API (payload 2.0) event, with the JWT authorizer's claims.
fn v2_event(
    route: &Route,
    parts: &Parts,
    params: &HashMap<String, String>,
    claims: Option<HashMap<String, String>>,
    body: &[u8],
) -> Value {
    let mut headers = Map::new();
    for name in parts.headers.keys() {
        let joined: Vec<&str> = parts
            .headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .collect();
        headers.insert(name.as_str().to_owned(), Value::String(joined.join(",")));
    }
    let raw_query = parts.uri.query().unwrap_or_default();
    let mut query: Map<String, Value> = Map::new();
    for (k, v) in serde_urlencoded::from_str::<Vec<(String, String)>>(raw_query).unwrap_or_default() {
        match query.get_mut(&k) {
            Some(Value::String(existing)) => {
                existing.push(',');
                existing.push_str(&v);
            }
            _ => {
                query.insert(k, Value::String(v));
            }
        }
    }
    let now = chrono::Utc::now();
    let (body, encoded) = match std::str::from_utf8(body) {
        _ if body.is_empty() => (Value::Null, false),
        Ok(text) => (Value::String(text.to_owned()), false),
        Err(_) => (Value::String(STANDARD.encode(body)), true),
    };
    let mut context = json!({
        "accountId": "000000000000",
        "apiId": "local",
        "domainName": "127.0.0.1",
        "domainPrefix": "local",
        "http": {
            "method": parts.method.as_str(),
            "path": parts.uri.path(),
            "protocol": "HTTP/1.1",
            "sourceIp": "127.0.0.1",
            "userAgent": headers.get("user-agent").cloned().unwrap_or(Value::String(String::new())),
        },
        "requestId": uuid::Uuid::new_v4().to_string(),
        "routeKey": route.key(),
        "stage": "$default",
        "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
        "timeEpoch": now.timestamp_millis(),
    });
    if let Some(claims) = claims {
        context["authorizer"] = json!({"jwt": {"claims": claims, "scopes": null}});
    }
    json!({
        "version": "2.0",
        "routeKey": route.key(),
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "queryStringParameters": if query.is_empty() { Value::Null } else { Value::Object(query) },
        "pathParameters": if params.is_empty() { Value::Null } else { json!(params) },
        "requestContext": context,
        "body": body,
        "isBase64Encoded": encoded,
    })
}

fn into_axum(response: lambda_http::Response<Body>) -> AxumResponse {
    let (parts, body) = response.into_parts();
    let bytes: Vec<u8> = match body {
        Body::Empty => Vec::new(),
        Body::Text(text) => text.into_bytes(),
        Body::Binary(bytes) => bytes,
        _ => Vec::new(),
    };
    AxumResponse::from_parts(parts, axum::body::Body::from(bytes))
}
