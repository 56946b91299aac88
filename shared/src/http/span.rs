//! One span per request, so that every log line of it (ours, the SDK's) names the request: the
//! route, API Gateway's request id, the caller's subject and the serial where the path has one.
//! Never a name or a phone: those stay in the claims.

use super::identity::claims;
use super::request::{path_param, route_key};
use super::response::respond;
use super::{ApiError, Body, Request, Response};
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use std::future::Future;
use tracing::Instrument;

pub fn request_span(request: &Request) -> tracing::Span {
    let request_id = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(context)) => context.request_id.clone(),
        #[allow(unreachable_patterns)]
        _ => None,
    };
    let sub = claims(request).and_then(|c| c.get("sub")).map(String::as_str);
    tracing::info_span!(
        "request",
        route = %route_key(request),
        request_id = request_id.as_deref().unwrap_or_default(),
        sub = sub.unwrap_or_default(),
        serial = path_param(request, "serial").as_deref().unwrap_or_default(),
    )
}

/// Runs a function's `work` for `request` inside the request's span and answers with its
/// response, or with the JSON error it ended in.
pub async fn answer<F>(request: &Request, work: F) -> Response<Body>
where
    F: Future<Output = Result<Response<Body>, ApiError>>,
{
    async move { respond(work.await) }
        .instrument(request_span(request))
        .await
}
