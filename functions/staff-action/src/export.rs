//! `GET /v1/staff/export?format=csv|xlsx&…`: the filtered queue for a clerk's spreadsheet. The
//! reporter's identity is not exported, and no cell is ever a formula.
//!
//! - CSV (UTF-8 with a BOM, so Excel reads the Chinese) for tools: a text cell that a spreadsheet
//!   would read as a formula is quoted (`spreadsheet::safe_cell`, docs/security.md); times are
//!   `YYYY-MM-DD HH:MM:SS`, China time. A part holds at most `EXPORT_ROWS` rows (a Lambda
//!   response holds 6 MB); a longer export names where the next part starts
//!   (`x-export-next-cursor`, passed back as `cursor`), and the admin site joins the parts.
//! - XLSX (`rust_xlsxwriter`) for clerks: serials and codes as text cells, times as date-time
//!   cells in China time, the header frozen with an auto-filter, every text written as text
//!   (never a formula). A workbook cannot be joined from parts: it is written whole, up to
//!   `MAX_WORKBOOK_ROWS` (a city's year), named for the region and the period.

use crate::queue::filter;
use crate::workbook::{download, export_not_written, workbook};
use chrono::{DateTime, FixedOffset};
use shared::app::App;
use shared::domain::calendar::Calendar;
use shared::domain::report::Report;
use shared::domain::reporting::spreadsheet::{Cell, Column, Sheet, column, file_name};
use shared::domain::staff::Staff;
use shared::domain::time::{format, now_cst};
use shared::domain::views::staff::staff_list_item;
use shared::http::request::query_param;
use shared::http::response::{NO_STORE, text_response};
use shared::http::{ApiError, Body, Request, Response};

/// Rows per Query; a CSV part is whole pages, so that the next part starts where this one stopped.
const PAGE: usize = 100;
/// The most rows a workbook holds: a city's year with room to spare, about 1 MB of XLSX.
pub const MAX_WORKBOOK_ROWS: usize = 20_000;

const COLUMNS: &[Column] = &[
    column("流水号", 18.0),
    column("状态", 8.0),
    column("地市", 10.0),
    column("区县", 10.0),
    column("所属分类", 10.0),
    column("违规类型", 28.0),
    column("举报对象", 24.0),
    column("关联机构", 24.0),
    column("违规地址", 30.0),
    column("受理机构", 18.0),
    column("提交时间", 19.0),
    column("签收期限", 19.0),
    column("回复期限", 19.0),
    column("是否逾期", 8.0),
    column("处理结论", 10.0),
    column("回复时间", 19.0),
    column("评价星级", 8.0),
];

fn row(app: &App, calendar: &Calendar, report: &Report, now: &DateTime<FixedOffset>) -> Vec<Cell> {
    let item = staff_list_item(report, &app.directory.regions, calendar, now);
    let subject = item.labels.subject;
    let reply = report.reply.as_ref();
    vec![
        Cell::Text(item.serial),
        Cell::text(item.labels.status_name),
        Cell::Text(subject.city_name),
        Cell::Text(subject.county_name),
        Cell::Text(subject.category_name),
        Cell::Text(subject.violation_type_names.join(";")),
        Cell::text(&report.target),
        Cell::Text(item.institution_name.unwrap_or_default()),
        Cell::text(&report.address),
        Cell::Text(item.agency.name),
        Cell::Time(Some(report.created_at)),
        Cell::Time(Some(report.deadlines.sign_by)),
        Cell::Time(Some(report.deadlines.reply_by)),
        Cell::text(if item.overdue { "是" } else { "否" }),
        Cell::text(reply.map(|r| r.finding.name()).unwrap_or_default()),
        Cell::Time(reply.map(|r| r.replied_at)),
        Cell::Number(item.rating_stars.map(f64::from)),
    ]
}

pub async fn export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    match query_param(request, "format").as_deref() {
        None | Some("csv") => csv_export(app, staff, request).await,
        Some("xlsx") => xlsx_export(app, staff, request).await,
        Some(_) => Err(ApiError::invalid("format", "导出格式只能是 csv 或 xlsx")),
    }
}

async fn csv_export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    let filter = filter(app, staff, request)?;
    let mut cursor = query_param(request, "cursor");
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer
        .write_record(COLUMNS.iter().map(|c| c.header))
        .map_err(export_not_written)?;
    let now = now_cst();
    let calendar = app.calendar().await?;
    let part = app.settings.export_rows;
    let page = PAGE.min(part);
    let page_size = i32::try_from(page).map_err(|_| ApiError::internal())?;
    let mut rows = 0;
    loop {
        let read = app
            .records
            .queue(&staff.queue(), &filter, page_size, cursor.as_deref())
            .await?;
        for report in &read.items {
            let cells = row(app, &calendar, report, &now);
            writer
                .write_record(cells.iter().map(Cell::csv))
                .map_err(export_not_written)?;
            rows += 1;
        }
        cursor = read.next;
        // Another page might not fit: stop here, and say where the next part starts.
        if cursor.is_none() || rows + page > part {
            break;
        }
    }
    let filters = request.uri().query().unwrap_or_default();
    app.records
        .audit_export(
            staff,
            &app.directory.scope_of(&staff.region),
            filters,
            rows,
            &format(&now),
            now.timestamp(),
        )
        .await?;
    let bytes = writer.into_inner().map_err(|e| export_not_written(e.into_error()))?;
    let text = String::from_utf8(bytes).map_err(|_| ApiError::internal())?;
    let mut response = text_response(200, text, "text/csv; charset=utf-8", NO_STORE);
    let headers = response.headers_mut();
    headers.insert(
        http::header::CONTENT_DISPOSITION,
        http::HeaderValue::from_static("attachment; filename=\"suishoupai-export.csv\""),
    );
    headers.insert(
        "x-export-truncated",
        http::HeaderValue::from_static(if cursor.is_some() { "true" } else { "false" }),
    );
    if let Some(next) = cursor {
        let next = http::HeaderValue::from_str(&next).map_err(|_| ApiError::internal())?;
        headers.insert("x-export-next-cursor", next);
    }
    Ok(response)
}

async fn xlsx_export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    let filter = filter(app, staff, request)?;
    let now = now_cst();
    let calendar = app.calendar().await?;
    let page_size = i32::try_from(PAGE).map_err(|_| ApiError::internal())?;
    // Each page becomes rows at once: the reports themselves are not all held.
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let read = app
            .records
            .queue(&staff.queue(), &filter, page_size, cursor.as_deref())
            .await?;
        rows.extend(read.items.iter().map(|report| row(app, &calendar, report, &now)));
        if rows.len() > MAX_WORKBOOK_ROWS {
            return Err(ApiError::new(
                422,
                "export_too_large",
                format!("导出超过{MAX_WORKBOOK_ROWS}条,请缩小筛选范围,或分批导出CSV"),
            ));
        }
        cursor = read.next;
        if cursor.is_none() {
            break;
        }
    }
    let count = rows.len();
    let sheet = Sheet {
        name: "举报件",
        title: None,
        columns: COLUMNS,
        rows,
    };
    let bytes = workbook(&[sheet]).map_err(export_not_written)?;
    let filters = request.uri().query().unwrap_or_default();
    app.records
        .audit_export(
            staff,
            &app.directory.scope_of(&staff.region),
            filters,
            count,
            &format(&now),
            now.timestamp(),
        )
        .await?;
    let mut response = download(bytes, &whose_file(app, staff, request, &now), "suishoupai-export.xlsx")?;
    response
        .headers_mut()
        .insert("x-export-truncated", http::HeaderValue::from_static("false"));
    Ok(response)
}

/// `武昌区教育局-举报件-20261101-20261130.xlsx`: whose reports (the caller's agency, else region),
/// and the period asked for (else the day of the export).
fn whose_file(app: &App, staff: &Staff, request: &Request, now: &DateTime<FixedOffset>) -> String {
    let whose = app
        .directory
        .agency_by_id(&staff.agency_id)
        .map(|a| a.name)
        .or_else(|| app.directory.regions.get(&staff.region).map(|r| r.name.clone()))
        .unwrap_or_default();
    let (from, to) = (query_param(request, "from"), query_param(request, "to"));
    file_name(&whose, "举报件", from.as_deref(), to.as_deref(), now)
}
