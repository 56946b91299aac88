//! `public-board`: what anyone may read. The platform's catalog and notice (`/v1/meta`), a
//! city's public board, and one public report. Nothing of a reporter is ever in these answers.

mod meta;
mod open311;
mod phones;
mod suggestions;

use serde::Serialize;
use shared::app::App;
use shared::domain::directory::offices;
use shared::domain::directory::regions::Level;
use shared::domain::views::public::{PublicReport, public_view};
use shared::http::request::{limit, path_serial, query_param, route_key};
use shared::http::response::{PUBLIC_SHORT, json_cached};
use shared::http::span::answer;
use shared::http::{ApiError, Body, Request, Response};

#[derive(Debug, Serialize)]
pub struct Board {
    pub city: String,
    pub city_name: String,
    pub items: Vec<PublicReport>,
    pub next_cursor: Option<String>,
}

pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let key = route_key(&request);
    if key.starts_with("GET /open311/") {
        // Open311 answers in its own formats, errors included; the span and logs are the same.
        return answer(&request, async { Ok(open311::answer(app, &request, &key).await) }).await;
    }
    answer(&request, route(app, &request)).await
}

/// The city `code` names (a well-formed code that names no city is 404: there is no board).
pub(crate) fn city_named<'a>(
    app: &'a App,
    field: &'static str,
    code: &str,
) -> Result<&'a shared::domain::directory::regions::Region, ApiError> {
    if !shared::domain::directory::regions::Regions::is_code(code) {
        return Err(ApiError::invalid(field, "地市代码应为6位数字"));
    }
    app.directory
        .regions
        .get(code)
        .filter(|r| r.level == Level::City)
        .ok_or_else(|| ApiError::new(404, "not_found", "该地市不存在"))
}

async fn route(app: &App, request: &Request) -> Result<Response<Body>, ApiError> {
    match route_key(request).as_str() {
        "GET /v1/meta" => Ok(meta::answer(app, request)),
        "GET /v1/public/agencies" => {
            let county = query_param(request, "county").ok_or_else(|| ApiError::invalid("county", "请选择区县"))?;
            let offices = offices::offices(app.directory, &county)?
                .ok_or_else(|| ApiError::new(404, "not_found", "该区县不存在"))?;
            let offices = phones::with_saved_phones(app, offices).await?;
            Ok(json_cached(200, &offices, "public, max-age=300"))
        }
        "GET /v1/public/reports" => Ok(json_cached(200, &board(app, request).await?, PUBLIC_SHORT)),
        "GET /v1/public/evidence-key" => Ok(json_cached(200, &evidence_key(app).await?, "public, max-age=3600")),
        "GET /v1/public/institutions" => Ok(json_cached(
            200,
            &suggestions::suggestions(app, request).await?,
            "public, max-age=300",
        )),
        "GET /v1/public/reports/{serial}" => {
            let record = app
                .records
                .public_report(&path_serial(request)?)
                .await?
                .ok_or_else(ApiError::not_found)?;
            let view = public_view(&record, &app.directory.regions).ok_or_else(ApiError::not_found)?;
            Ok(json_cached(200, &view, PUBLIC_SHORT))
        }
        _ => Err(ApiError::route_not_found()),
    }
}

/// The public key that signs evidence packages, for anyone checking one (docs/evidence.md).
#[derive(Debug, serde::Serialize)]
struct EvidenceKey {
    key_id: String,
    key_spec: &'static str,
    algorithm: &'static str,
    public_key_pem: String,
}

async fn evidence_key(app: &App) -> Result<EvidenceKey, ApiError> {
    let signer = app.signer.as_ref().ok_or_else(ApiError::route_not_found)?;
    let der = signer.public_key().await?;
    Ok(EvidenceKey {
        key_id: signer.key_id().to_owned(),
        key_spec: shared::domain::views::package::KEY_SPEC,
        algorithm: shared::domain::views::package::ALGORITHM,
        public_key_pem: shared::adapters::kms::pem("PUBLIC KEY", &der),
    })
}

async fn board(app: &App, request: &Request) -> Result<Board, ApiError> {
    let regions = &app.directory.regions;
    let city = query_param(request, "city").ok_or_else(|| ApiError::invalid("city", "请选择地市"))?;
    let city = city_named(app, "city", &city)?;
    let limit = limit(request, 10, 50)?;
    let cursor = query_param(request, "cursor");
    let page = app.records.public_board(&city.code, limit, cursor.as_deref()).await?;
    let items = page.items.iter().filter_map(|r| public_view(r, regions)).collect();
    Ok(Board {
        city: city.code.clone(),
        city_name: city.name.clone(),
        items,
        next_cursor: page.next,
    })
}
