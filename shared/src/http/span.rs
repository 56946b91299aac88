//! One span per request, so that every log line of it (ours, the SDK's) names the request: the
//! route, API Gateway's request id, the caller's subject and the serial where the path has one.
//! Never a name or a phone: those stay in the claims.

use super::identity::claims;
use super::request::{path_param, route_key};
use super::response::respond;
use super::{ApiError, Body, Request, Response};
use futures_util::FutureExt;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::time::Instant;
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
/// response, or with the JSON error it ended in; a panic answers the JSON 500 (the panic hook of
/// `telemetry` has logged it once). One line per request says how it ended and how long it took.
pub async fn answer<F>(request: &Request, work: F) -> Response<Body>
where
    F: Future<Output = Result<Response<Body>, ApiError>>,
{
    let started = Instant::now();
    async move {
        let result = AssertUnwindSafe(work)
            .catch_unwind()
            .await
            .unwrap_or_else(|_| Err(ApiError::internal()));
        let response = respond(result);
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        tracing::info!(status = response.status().as_u16(), latency_ms, "answered");
        response
    }
    .instrument(request_span(request))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panicking_handler_answers_the_json_500() {
        let request = Request::default();
        let work = async {
            let fail = true;
            if fail {
                panic!("a bug");
            }
            Err::<Response<Body>, ApiError>(ApiError::not_found())
        };
        let response = answer(&request, work).await;
        assert_eq!(response.status(), 500);
        let body: serde_json::Value = serde_json::from_slice(response.body().as_ref()).unwrap();
        assert_eq!(body["code"], "internal");
    }
}
