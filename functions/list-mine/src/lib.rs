//! `list-mine`: a citizen's own reports (我的投诉) and the detail of one.
//!
//! Another citizen's report answers 404, exactly as a report that does not exist.

use serde::Serialize;
use shared::adapters::dynamo::ReportRecord;
use shared::app::App;
use shared::domain::report::custody::{Look, Tail};
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::Actor;
use shared::domain::time::{minute_key, now_cst};
use shared::domain::views::citizen::{CitizenDetail, CitizenListItem, citizen_detail, list_item};
use shared::http::request::{limit, path_serial, query_param, route_key};
use shared::http::response::json;
use shared::http::span::answer;
use shared::http::{ApiError, Body, Request, Response, identity};

#[derive(Debug, Serialize)]
pub struct MyReports {
    pub items: Vec<CitizenListItem>,
    pub next_cursor: Option<String>,
}

pub async fn handle(app: &App, request: Request) -> Response<Body> {
    answer(&request, route(app, &request)).await
}

async fn route(app: &App, request: &Request) -> Result<Response<Body>, ApiError> {
    match route_key(request).as_str() {
        "GET /v1/me/reports" => {
            let citizen = identity::citizen(request)?;
            let limit = limit(request, 20, 50)?;
            let cursor = query_param(request, "cursor");
            let (_, page) = tokio::try_join!(allow_read(app, &citizen.sub), async {
                Ok(app.records.reports_of(&citizen.sub, limit, cursor.as_deref()).await?)
            })?;
            let regions = &app.directory.regions;
            let now = now_cst();
            let items = page.items.iter().map(|r| list_item(r, regions, &now)).collect();
            Ok(json(
                200,
                &MyReports {
                    items,
                    next_cursor: page.next,
                },
            ))
        }
        "GET /v1/me/reports/{serial}" => {
            let citizen = identity::citizen(request)?;
            let serial = path_serial(request)?;
            let (_, detail) = tokio::try_join!(allow_read(app, &citizen.sub), detail(app, &citizen.sub, &serial))?;
            Ok(json(200, &detail))
        }
        _ => Err(ApiError::route_not_found()),
    }
}

/// Counts the read against the citizen's rate, alongside the read itself (no added round trip):
/// past `READS_PER_MINUTE` the answer is 429 whatever the read found.
async fn allow_read(app: &App, sub: &str) -> Result<(), ApiError> {
    let now = now_cst();
    let counted = app
        .records
        .count_read(sub, &minute_key(&now), app.settings.reads_per_minute, now.timestamp())
        .await?;
    if counted { Ok(()) } else { Err(ApiError::too_fast()) }
}

/// The reporter's own report. Each link to an original is a custody entry, written before the
/// answer, by the reporter (no name or id: the log is shown to staff).
async fn detail(app: &App, sub: &str, serial: &Serial) -> Result<CitizenDetail, ApiError> {
    let ReportRecord {
        report,
        events,
        custody,
    } = app
        .records
        .report_record(serial)
        .await?
        .filter(|record| record.report.reporter.sub == sub)
        .ok_or_else(ApiError::not_found)?;
    let files = report.evidence.iter().flat_map(|e| e.files.iter());
    let looks = files.map(|f| Look::view(Actor::citizen(), f)).collect();
    let (links, _) = tokio::try_join!(
        app.evidence
            .links(report.evidence.as_ref(), app.settings.evidence_url_ttl),
        app.records
            .append_custody(serial.as_str(), Tail::of(&custody), looks, now_cst())
    )?;
    Ok(citizen_detail(
        &report,
        &events,
        links,
        &app.directory.regions,
        &now_cst(),
    ))
}
