//! The caller, from the JWT claims that API Gateway's authorizer verified and put in the request
//! context. The reporter's name and phone come only from here, never from a form.

use super::ApiError;
use crate::adapters::dynamo::Records;
use crate::domain::directory::Directory;
use crate::domain::report::Reporter;
use crate::domain::report::phone::Phone;
use crate::domain::staff::{Staff, StaffRole};
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};
use std::collections::HashMap;

/// The verified claims, or none on a public route.
pub fn claims(request: &Request) -> Option<&HashMap<String, String>> {
    match request.request_context_ref()? {
        RequestContext::ApiGatewayV2(context) => context.authorizer.as_ref()?.jwt.as_ref().map(|jwt| &jwt.claims),
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// The first of `names` present and not blank.
fn claim(claims: &HashMap<String, String>, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| claims.get(*n))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// The citizen making the request: `sub`, `name`, and `phone_number` (or `phone`).
pub fn citizen(request: &Request) -> Result<Reporter, ApiError> {
    let claims = claims(request).ok_or_else(ApiError::unauthorized)?;
    let get = |names: &[&str]| claim(claims, names);
    let sub = get(&["sub"]).ok_or_else(ApiError::unauthorized)?;
    let name = get(&["name"]);
    let phone = get(&["phone_number", "phone"]);
    match (name, phone) {
        (Some(name), Some(phone)) => Ok(Reporter {
            sub,
            name,
            phone: Phone::new(phone),
        }),
        // A token without the real-name claims cannot report: the platform needs them.
        _ => Err(ApiError::new(403, "identity_incomplete", "请先完成实名认证")),
    }
}

/// The staff member making the request. The token (Cognito's staff pool, or the province's own
/// issuer) proves only who it is, by `sub`; the roster (人员管理) says what they are. Someone not on
/// the roster, or disabled there, is refused whatever their other claims say, and an entry the
/// directory no longer fits (an agency removed) answers 403 too.
pub async fn staff(request: &Request, records: &Records, directory: &Directory) -> Result<Staff, ApiError> {
    let claims = claims(request).ok_or_else(ApiError::unauthorized)?;
    let sub = claim(claims, &["sub"]).ok_or_else(ApiError::unauthorized)?;
    let member = records
        .roster_member(&sub)
        .await?
        .ok_or_else(|| ApiError::new(403, "staff_not_on_roster", "该账号不在人员名单中,请联系本地区督导添加"))?;
    if !member.enabled {
        return Err(ApiError::new(403, "staff_disabled", "该账号已停用,请联系本地区督导"));
    }
    let staff = member.staff();
    let agency_known = staff.role != StaffRole::Handler || directory.agency_by_id(&staff.agency_id).is_some();
    if !staff.is_consistent(directory) || !agency_known {
        return Err(ApiError::new(
            403,
            "staff_claims_invalid",
            "账号的机构、区域或角色配置有误,请联系管理员",
        ));
    }
    Ok(staff)
}
