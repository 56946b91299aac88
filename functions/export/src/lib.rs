//! `export`: the files staff download. The queue as CSV parts or one Excel workbook
//! (`queue_export`), the dashboard's statistics workbook (`stats_export`), 操作日志 as a
//! workbook (`audit_export`), each recorded in the audit trail; and a report's evidence package
//! (`package`), a custody entry of its own.
//!
//! A function of its own (docs/decisions.md, "Exports in their own function"): a province's year
//! as a workbook needs memory and CPU that the rest of the staff API does not, and the workbook
//! writer would otherwise weigh on every cold start of `staff-action`. So does an evidence package:
//! up to three 60 MB originals in memory, KMS to sign and a ZIP writer.

mod audit_export;
mod package;
mod queue_export;
mod stats_export;
mod workbook;

use chrono::{DateTime, FixedOffset};
use shared::app::App;
use shared::domain::staff::Staff;
use shared::domain::time::format;
use shared::http::request::{path_serial, route_key};
use shared::http::response::json;
use shared::http::span::answer;
use shared::http::{ApiError, Body, Request, Response, identity};

pub async fn handle(app: &App, request: Request) -> Response<Body> {
    answer(&request, route(app, &request)).await
}

async fn route(app: &App, request: &Request) -> Result<Response<Body>, ApiError> {
    let key = route_key(request);
    let export = match key.as_str() {
        "GET /v1/staff/export"
        | "GET /v1/staff/stats/export"
        | "GET /v1/staff/audit/export"
        | "POST /v1/staff/reports/{serial}/package" => key,
        _ => return Err(ApiError::route_not_found()),
    };
    let staff = Box::pin(identity::staff(request, &app.records, app.directory)).await?;
    match export.as_str() {
        "GET /v1/staff/export" => Box::pin(queue_export::export(app, &staff, request)).await,
        "GET /v1/staff/stats/export" => Box::pin(stats_export::export(app, &staff, request)).await,
        "GET /v1/staff/audit/export" => Box::pin(audit_export::export(app, &staff, request)).await,
        _ => {
            let serial = path_serial(request)?;
            Ok(json(200, &Box::pin(package::package(app, &staff, &serial)).await?))
        }
    }
}

/// Records in the audit trail that `staff` exported `rows` rows with `filters`, before the file
/// is answered.
async fn recorded(
    app: &App,
    staff: &Staff,
    filters: &str,
    rows: usize,
    now: &DateTime<FixedOffset>,
) -> Result<(), ApiError> {
    let scope = app.directory.scope_of(&staff.region);
    let at = format(now);
    Ok(app
        .records
        .audit_export(staff, &scope, filters, rows, &at, now.timestamp())
        .await?)
}
