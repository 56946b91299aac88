//! `staff-action`: the agencies' side. Queues, detail, actions (签收, 回复, 转办, 公开, 督办, …),
//! statistics, reply templates, the institution registry, the roster (人员管理), agencies' phones (机构与电话), the audit log (操作日志), the holidays (节假日) and the caller's own profile. A report outside the caller's reach answers 404.
//! Files (the CSV and Excel exports, the statistics and audit workbooks, evidence packages) are the `export` function's.

mod action;
mod audit_log;
mod calendar;
mod detail;
mod evidence;
mod institutions;
mod phones;
mod queue;
mod roster;
mod stats;

use serde_json::json;
use shared::app::App;
use shared::domain::directory::templates::templates;
use shared::domain::staff::Staff;
use shared::domain::time::now_cst;
use shared::domain::views::profile::{calendar_warning, staff_profile};
use shared::http::request::{json_body, path_param, path_serial, query_param, route_key};
use shared::http::response::json;
use shared::http::span::answer;
use shared::http::{ApiError, Body, Request, Response, identity};

/// Refuses (403, `message`) anyone but a city or province supervisor: the pages that keep the
/// province (人员管理, 机构与电话).
fn supervisors_only(staff: &Staff, message: &'static str) -> Result<(), ApiError> {
    if staff.is_supervisor() {
        Ok(())
    } else {
        Err(ApiError::new(403, "forbidden", message))
    }
}

pub async fn handle(app: &App, request: Request) -> Response<Body> {
    answer(&request, route(app, &request)).await
}

async fn route(app: &App, request: &Request) -> Result<Response<Body>, ApiError> {
    let key = route_key(request);
    if !key.starts_with("GET /v1/staff/") && !key.starts_with("POST /v1/staff/") {
        return Err(ApiError::route_not_found());
    }
    let staff = Box::pin(identity::staff(request, &app.records, app.directory)).await?;
    match key.as_str() {
        // Every arm boxed: the route's future stays small, so moving it costs no stack (resident
        // for the sandbox's life) and debug builds fit a test thread's.
        "GET /v1/staff/me" => {
            let mut profile = staff_profile(&staff, app.directory);
            profile.calendar_warning = calendar_warning(&*Box::pin(app.calendar()).await?, &now_cst());
            Ok(json(200, &profile))
        }
        "GET /v1/staff/reports" => Ok(json(200, &Box::pin(queue::list(app, &staff, request)).await?)),
        "GET /v1/staff/reports/{serial}" => {
            let serial = path_serial(request)?;
            Ok(json(
                200,
                &Box::pin(detail::detail(app, &staff, &serial, detail::Read::Opened)).await?,
            ))
        }
        "POST /v1/staff/reports/{serial}/actions" => {
            let serial = path_serial(request)?;
            let body = json_body(request)?;
            Ok(json(
                200,
                &Box::pin(action::take_action(app, &staff, &serial, body)).await?,
            ))
        }
        "POST /v1/staff/reports/{serial}/evidence/{n}/original" => {
            let serial = path_serial(request)?;
            let n = path_param(request, "n");
            Ok(json(
                200,
                &Box::pin(evidence::original(app, &staff, &serial, n.as_deref())).await?,
            ))
        }
        "GET /v1/staff/stats" => Ok(json(200, &Box::pin(stats::stats(app, &staff, request)).await?)),
        "GET /v1/staff/institutions" => Ok(json(200, &Box::pin(institutions::list(app, &staff, request)).await?)),
        "POST /v1/staff/institutions/import" => Box::pin(institutions::import(app, &staff, request)).await,
        "GET /v1/staff/roster" => Ok(json(200, &Box::pin(roster::list(app, &staff)).await?)),
        "POST /v1/staff/roster" => {
            let body = json_body(request)?;
            Ok(json(201, &Box::pin(roster::add(app, &staff, body)).await?))
        }
        "POST /v1/staff/roster/{sub}" => {
            let sub = path_param(request, "sub").ok_or_else(ApiError::not_found)?;
            let body = json_body(request)?;
            Ok(json(200, &Box::pin(roster::change(app, &staff, &sub, body)).await?))
        }
        "GET /v1/staff/agencies" => Ok(json(200, &Box::pin(phones::list(app, &staff)).await?)),
        "POST /v1/staff/agencies/{agency}/phones" => {
            let agency = path_param(request, "agency").ok_or_else(ApiError::not_found)?;
            let body = json_body(request)?;
            Ok(json(200, &Box::pin(phones::save(app, &staff, &agency, body)).await?))
        }
        "GET /v1/staff/calendar" => Ok(json(200, &Box::pin(calendar::show(app, &staff)).await?)),
        "POST /v1/staff/calendar/{year}" => {
            let year = path_param(request, "year").ok_or_else(ApiError::not_found)?;
            let body = json_body(request)?;
            Ok(json(200, &Box::pin(calendar::save(app, &staff, &year, body)).await?))
        }
        "GET /v1/staff/audit" => Ok(json(200, &Box::pin(audit_log::search(app, &staff, request)).await?)),
        "GET /v1/staff/templates" => {
            let wanted = query_param(request, "violation_type");
            Ok(json(200, &json!({"items": templates(wanted.as_deref())})))
        }
        _ => Err(ApiError::route_not_found()),
    }
}
