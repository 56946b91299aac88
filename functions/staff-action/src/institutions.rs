//! The institution registry on the staff side: `GET /v1/staff/institutions?county=&q=` (a
//! county's registry, for the link dialog and the registry page) and
//! `POST /v1/staff/institutions/import` (a supervisor's CSV, all rows or none, recorded).

use serde::Serialize;
use shared::adapters::dynamo::ImportCount;
use shared::app::App;
use shared::domain::digest::sha256_hex;
use shared::domain::registry::import::{RowError, decode, parse_csv_within};
use shared::domain::registry::institution::InstitutionView;
use shared::domain::registry::search::rank;
use shared::domain::staff::Staff;
use shared::domain::text::normalise;
use shared::domain::time::{format, now_cst};
use shared::http::request::{body_bytes, county_param, query_param};
use shared::http::response::json;
use shared::http::{ApiError, Body, Request, Response};

/// A registry file of 5,000 rows is well under 1 MB; the limit leaves room within Lambda's
/// 6 MB request once API Gateway has base64-encoded it.
const MAX_IMPORT_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Serialize)]
pub struct Registry {
    pub items: Vec<InstitutionView>,
}

/// A county's registry in the caller's reach, by name; those matching `q` best first.
pub async fn list(app: &App, staff: &Staff, request: &Request) -> Result<Registry, ApiError> {
    let county = county_param(request, &app.directory.regions)?;
    if !staff.covers_region(&county, app.directory) {
        return Err(ApiError::forbidden());
    }
    let query = normalise(&query_param(request, "q").unwrap_or_default());
    let mut found: Vec<(u8, InstitutionView)> = app
        .records
        .institutions(&county)
        .await?
        .iter()
        .filter_map(|i| {
            let rank = if query.is_empty() {
                Some(0)
            } else {
                rank(&i.search, &query)
            };
            rank.map(|r| (r, InstitutionView::from(i)))
        })
        .collect();
    found.sort_by(|(ra, a), (rb, b)| (ra, &a.name).cmp(&(rb, &b.name)));
    Ok(Registry {
        items: found.into_iter().map(|(_, view)| view).collect(),
    })
}

#[derive(Debug, Serialize)]
pub struct Imported {
    pub rows: usize,
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// A file with any bad row: every error, and nothing imported.
#[derive(Debug, Serialize)]
pub struct Refused {
    pub code: &'static str,
    pub message: String,
    pub errors: Vec<RowError>,
}

/// Imports a registry file for the caller's region (city and province supervisors).
pub async fn import(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    if !staff.is_supervisor() {
        return Err(ApiError::new(403, "forbidden", "只有市、省级督导人员可以导入机构名录"));
    }
    let bytes = body_bytes(request, MAX_IMPORT_BYTES)?;
    if bytes.is_empty() {
        return Err(ApiError::bad_request("body_required", "请选择要导入的CSV文件"));
    }
    let text = decode(bytes);
    let file = sha256_hex(bytes, 8);
    // Every row must be of a county in the caller's reach, as with any other write.
    let within = |county: &str| staff.covers_region(county, app.directory);
    match parse_csv_within(&text, &app.directory.regions, &within) {
        Ok(list) => {
            let ImportCount {
                added,
                updated,
                unchanged,
            } = app.records.save_institutions(&list).await?;
            let detail = format!(
                "file {file}: {} rows, {added} added, {updated} updated, {unchanged} unchanged",
                list.len()
            );
            let shown = format!(
                "导入机构名录(文件 {file}):{} 行,新增 {added},更新 {updated},未变 {unchanged}",
                list.len()
            );
            record(app, staff, &detail, shown).await?;
            tracing::info!(staff = %staff.sub, rows = list.len(), added, updated, "registry imported");
            Ok(json(
                200,
                &Imported {
                    rows: list.len(),
                    added,
                    updated,
                    unchanged,
                },
            ))
        }
        Err(errors) => {
            let detail = format!("file {file}: refused, {} errors", errors.len());
            let shown = format!("导入机构名录被拒(文件 {file}):{} 处错误,未导入", errors.len());
            record(app, staff, &detail, shown).await?;
            Ok(json(
                422,
                &Refused {
                    code: "invalid_rows",
                    message: format!("导入文件有{}处错误,未导入任何机构", errors.len()),
                    errors,
                },
            ))
        }
    }
}

/// The import (or the refusal) in the audit trail of the supervisor's region.
/// Records the import: `detail` in the trail, `shown` (Chinese) in 操作日志.
async fn record(app: &App, staff: &Staff, detail: &str, shown: String) -> Result<(), ApiError> {
    let now = now_cst();
    let scope = app.directory.scope_of(&staff.region);
    app.records
        .audit_import(staff, &scope, (detail, shown), &format(&now), now.timestamp())
        .await?;
    Ok(())
}
