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
use chrono::{DateTime, FixedOffset};
use percent_encoding::{NON_ALPHANUMERIC, utf8_percent_encode};
use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, Workbook, XlsxError};
use shared::app::App;
use shared::domain::report::Report;
use shared::domain::spreadsheet::safe_cell;
use shared::domain::staff::Staff;
use shared::domain::staff_views::staff_list_item;
use shared::domain::time::{cst, format, now_cst};
use shared::http::request::query_param;
use shared::http::response::{NO_STORE, text_response};
use shared::http::{ApiError, Body, Request, Response};

/// Rows per Query; a CSV part is whole pages, so that the next part starts where this one stopped.
const PAGE: usize = 100;
/// The most rows a workbook holds: a city's year with room to spare, about 1 MB of XLSX.
pub const MAX_WORKBOOK_ROWS: usize = 20_000;
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

const HEADER: [&str; 17] = [
    "流水号",
    "状态",
    "地市",
    "区县",
    "所属分类",
    "违规类型",
    "举报对象",
    "关联机构",
    "违规地址",
    "受理机构",
    "提交时间",
    "签收期限",
    "回复期限",
    "是否逾期",
    "处理结论",
    "回复时间",
    "评价星级",
];

/// Column widths of the workbook, in characters.
const WIDTHS: [f64; 17] = [
    18.0, 8.0, 10.0, 10.0, 10.0, 28.0, 24.0, 24.0, 30.0, 18.0, 19.0, 19.0, 19.0, 8.0, 10.0, 19.0, 8.0,
];

/// One exported cell, typed, so that each format writes it as its kind.
enum Cell {
    Text(String),
    Time(Option<DateTime<FixedOffset>>),
    Stars(Option<u8>),
}

fn row(app: &App, report: &Report, now: &DateTime<FixedOffset>) -> [Cell; 17] {
    let item = staff_list_item(report, &app.directory.regions, app.calendar, now);
    let subject = item.labels.subject;
    let reply = report.reply.as_ref();
    [
        Cell::Text(item.serial),
        Cell::Text(item.labels.status_name.to_owned()),
        Cell::Text(subject.city_name),
        Cell::Text(subject.county_name),
        Cell::Text(subject.category_name),
        Cell::Text(subject.violation_type_names.join(";")),
        Cell::Text(report.target.clone()),
        Cell::Text(item.institution_name.unwrap_or_default()),
        Cell::Text(report.address.clone()),
        Cell::Text(item.agency.name),
        Cell::Time(Some(report.created_at)),
        Cell::Time(Some(report.deadlines.sign_by)),
        Cell::Time(Some(report.deadlines.reply_by)),
        Cell::Text(if item.overdue { "是" } else { "否" }.to_owned()),
        Cell::Text(reply.map(|r| r.finding.name()).unwrap_or_default().to_owned()),
        Cell::Time(reply.map(|r| r.replied_at)),
        Cell::Stars(item.rating_stars),
    ]
}

/// `YYYY-MM-DD HH:MM:SS` in China time, as a spreadsheet reads a date-time.
fn local_time(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&cst()).format("%Y-%m-%d %H:%M:%S").to_string()
}

pub async fn export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    match query_param(request, "format").as_deref() {
        None | Some("csv") => csv_export(app, staff, request).await,
        Some("xlsx") => xlsx_export(app, staff, request).await,
        Some(_) => Err(ApiError::invalid("format", "导出格式只能是 csv 或 xlsx")),
    }
}

fn written(error: impl std::fmt::Display) -> ApiError {
    tracing::error!(error = %error, "export");
    ApiError::internal()
}

async fn csv_export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    let filter = filter(app, staff, request)?;
    let mut cursor = query_param(request, "cursor");
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    writer.write_record(HEADER).map_err(written)?;
    let now = now_cst();
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
            let cells = row(app, report, &now).map(|cell| match cell {
                Cell::Text(text) => safe_cell(&text).into_owned(),
                Cell::Time(at) => at.as_ref().map(local_time).unwrap_or_default(),
                Cell::Stars(stars) => stars.map(|s| s.to_string()).unwrap_or_default(),
            });
            writer.write_record(cells).map_err(written)?;
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
        .audit_export(staff, filters, rows, &format(&now), now.timestamp())
        .await?;
    let bytes = writer.into_inner().map_err(|e| written(e.into_error()))?;
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
    let page_size = i32::try_from(PAGE).map_err(|_| ApiError::internal())?;
    let mut reports = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let read = app
            .records
            .queue(&staff.queue(), &filter, page_size, cursor.as_deref())
            .await?;
        reports.extend(read.items);
        if reports.len() > MAX_WORKBOOK_ROWS {
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
    let bytes = workbook(app, &reports, &now).map_err(written)?;
    let filters = request.uri().query().unwrap_or_default();
    app.records
        .audit_export(staff, filters, reports.len(), &format(&now), now.timestamp())
        .await?;
    let mut response = Response::new(Body::Binary(bytes));
    let headers = response.headers_mut();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static(XLSX));
    headers.insert(http::header::CACHE_CONTROL, http::HeaderValue::from_static(NO_STORE));
    let name = file_name(app, staff, request, &now);
    let disposition = format!(
        "attachment; filename=\"suishoupai-export.xlsx\"; filename*=UTF-8''{}",
        utf8_percent_encode(&name, NON_ALPHANUMERIC)
    );
    headers.insert(
        http::header::CONTENT_DISPOSITION,
        http::HeaderValue::from_str(&disposition).map_err(|_| ApiError::internal())?,
    );
    headers.insert("x-export-truncated", http::HeaderValue::from_static("false"));
    Ok(response)
}

/// `武昌区教育局-举报件-20261101-20261130.xlsx`: whose reports, and the period asked for (else the
/// day of the export).
fn file_name(app: &App, staff: &Staff, request: &Request, now: &DateTime<FixedOffset>) -> String {
    let whose = app
        .directory
        .agency_by_id(&staff.agency_id)
        .map(|a| a.name)
        .or_else(|| app.directory.regions.get(&staff.region).map(|r| r.name.clone()))
        .unwrap_or_default();
    let day = |name: &str| query_param(request, name).map(|d| d.replace('-', ""));
    let period = match (day("from"), day("to")) {
        // A period given backwards is read the right way round, as the queue reads it.
        (Some(a), Some(b)) => format!("{}-{}", a.clone().min(b.clone()), a.max(b)),
        (Some(from), None) => format!("{from}-"),
        (None, Some(to)) => format!("-{to}"),
        (None, None) => now.format("%Y%m%d").to_string(),
    };
    format!("{whose}-举报件-{period}.xlsx")
}

fn workbook(app: &App, reports: &[Report], now: &DateTime<FixedOffset>) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("举报件")?;
    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let time = Format::new().set_num_format("yyyy-mm-dd hh:mm:ss");
    for (col, (title, width)) in (0u16..).zip(HEADER.iter().zip(WIDTHS)) {
        sheet.write_string_with_format(0, col, *title, &bold)?;
        sheet.set_column_width(col, width)?;
    }
    for (row_index, report) in (1u32..).zip(reports) {
        for (col, cell) in (0u16..).zip(row(app, report, now)) {
            match cell {
                // Written as text: a serial stays 15 digits, a citizen's `=…` is never run.
                Cell::Text(text) => sheet.write_string(row_index, col, text)?,
                Cell::Time(Some(at)) => {
                    let at = ExcelDateTime::parse_from_str(&local_time(&at))?;
                    sheet.write_datetime_with_format(row_index, col, &at, &time)?
                }
                Cell::Time(None) | Cell::Stars(None) => sheet,
                Cell::Stars(Some(stars)) => sheet.write_number(row_index, col, f64::from(stars))?,
            };
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(reports.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last_row, (HEADER.len() - 1) as u16)?;
    book.save_to_buffer()
}
