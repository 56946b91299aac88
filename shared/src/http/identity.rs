//! The caller, from the JWT claims that API Gateway's authorizer verified and put in the request
//! context. The reporter's name and phone come only from here, never from a form.

use super::ApiError;
use crate::domain::report::Reporter;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use std::collections::HashMap;

/// The verified claims, or none on a public route.
pub fn claims(request: &Request) -> Option<HashMap<String, String>> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => {
            context.authorizer.as_ref()?.jwt.as_ref().map(|jwt| jwt.claims.clone())
        }
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The citizen making the request: `sub`, `name`, and `phone_number` (or `phone`).
pub fn citizen(request: &Request) -> Result<Reporter, ApiError> {
    let claims = claims(request).ok_or_else(ApiError::unauthorized)?;
    let get = |names: &[&str]| {
        names
            .iter()
            .find_map(|n| claims.get(*n))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let sub = get(&["sub"]).ok_or_else(ApiError::unauthorized)?;
    let name = get(&["name"]);
    let phone = get(&["phone_number", "phone"]);
    match (name, phone) {
        (Some(name), Some(phone)) => Ok(Reporter { sub, name, phone }),
        // A token without the real-name claims cannot report: the platform needs them.
        _ => Err(ApiError::new(403, "identity_incomplete", "请先完成实名认证")),
    }
}
