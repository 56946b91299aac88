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
//!   `MAX_WORKBOOK_ROWS` (a province's year), named for the region and the period. The queue is
//!   read as slices of time, a few at once, and the sheet is written row by row to /tmp
//!   (`workbook::Book`), so neither the time nor the memory grows with a Query's round trip.

use crate::workbook::{Book, download, export_not_written};
use chrono::{DateTime, FixedOffset};
use futures_util::StreamExt;
use shared::adapters::dynamo::QueueFilter;
use shared::app::App;
use shared::domain::report::serial::time_slices;
use shared::domain::reporting::queue_row::ReportRow;
use shared::domain::reporting::spreadsheet::{Cell, Column, column, file_name};
use shared::domain::staff::{Queue, Staff};
use shared::domain::time::now_cst;
use shared::domain::views::Subject;
use shared::http::request::query_param;
use shared::http::response::{NO_STORE, text_response};
use shared::http::{ApiError, Body, Request, Response};
use shared::reads::queue::filter;

/// Rows per Query; a CSV part is whole pages, so that the next part starts where this one stopped.
const PAGE: usize = 100;
/// The most rows a workbook holds: a province's year, about 1.6 MB of XLSX.
pub const MAX_WORKBOOK_ROWS: usize = 20_000;
/// A workbook's queue is read as this many slices of equal time, `READ_AHEAD` at once: read
/// page after page, a year waited on some 200 Queries in turn (docs/performance.md, "Exports").
const SLICES: u32 = 16;
const READ_AHEAD: usize = 4;
/// Reports per Query of a slice (a Query also stops at 1 MB).
const SLICE_PAGE: i32 = 250;

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

fn row(app: &App, report: &ReportRow, now: &DateTime<FixedOffset>) -> Vec<Cell> {
    let subject = Subject::new(
        &report.assignment,
        &report.category,
        &report.violation_types,
        &app.directory.regions,
    );
    let reply = report.reply.as_ref();
    vec![
        Cell::Text(report.serial.to_string()),
        Cell::text(report.status.name()),
        Cell::Text(subject.city_name),
        Cell::Text(subject.county_name),
        Cell::Text(subject.category_name),
        Cell::Text(subject.violation_type_names.join(";")),
        Cell::text(&report.target),
        Cell::Text(report.institution.as_ref().map(|i| i.name.clone()).unwrap_or_default()),
        Cell::text(&report.address),
        Cell::text(&report.assignment.agency_name),
        Cell::Time(Some(report.created_at)),
        Cell::Time(Some(report.deadlines.sign_by)),
        Cell::Time(Some(report.deadlines.reply_by)),
        Cell::text(if report.is_overdue(now) { "是" } else { "否" }),
        Cell::text(reply.map(|r| r.finding.name()).unwrap_or_default()),
        Cell::Time(reply.map(|r| r.replied_at)),
        Cell::Number(report.rating.as_ref().map(|r| f64::from(r.stars.get()))),
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
    let part = app.settings.export_rows;
    let page = PAGE.min(part);
    let page_size = i32::try_from(page).map_err(|_| ApiError::internal())?;
    let mut rows = 0;
    let queue = staff.queue();
    loop {
        let read = app
            .records
            .queue_rows(&queue, &filter, page_size, cursor.as_deref())
            .await?;
        for report in &read.items {
            let cells = row(app, report, &now);
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
    crate::recorded(app, staff, filters, rows, &now).await?;
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
    let queue = staff.queue();
    let span = app.records.queue_span(&queue, &filter).await?;
    let slices = span.map_or_else(Vec::new, |(oldest, newest)| time_slices(&oldest, &newest, SLICES));
    // The slices are read a few at once, and written newest first as each is complete: only
    // the slices read ahead are held, as rows, and the sheet itself goes to /tmp.
    let read = |(lower, upper): (String, String)| {
        let slice = QueueFilter {
            from_serial: Some(lower),
            to_serial: Some(upper),
            ..filter.clone()
        };
        read_slice(app, &queue, slice, &now)
    };
    let mut slices = futures_util::stream::iter(slices).map(read).buffered(READ_AHEAD);
    let mut book = Book::new();
    book.sheet("举报件", None, COLUMNS).map_err(export_not_written)?;
    while let Some(rows) = slices.next().await {
        for cells in rows? {
            if book.rows() == MAX_WORKBOOK_ROWS {
                return Err(ApiError::new(
                    422,
                    "export_too_large",
                    format!("导出超过{MAX_WORKBOOK_ROWS}条,请缩小筛选范围,或分批导出CSV"),
                ));
            }
            book.row(&cells).map_err(export_not_written)?;
        }
    }
    let count = book.rows();
    let bytes = book.finish().map_err(export_not_written)?;
    let filters = request.uri().query().unwrap_or_default();
    crate::recorded(app, staff, filters, count, &now).await?;
    let mut response = download(bytes, &whose_file(app, staff, request, &now), "suishoupai-export.xlsx")?;
    response
        .headers_mut()
        .insert("x-export-truncated", http::HeaderValue::from_static("false"));
    Ok(response)
}

/// One slice of the queue, page after page, as rows; more than a workbook holds is not read.
async fn read_slice(
    app: &App,
    queue: &Queue,
    filter: QueueFilter,
    now: &DateTime<FixedOffset>,
) -> Result<Vec<Vec<Cell>>, ApiError> {
    let mut rows = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let read = app
            .records
            .queue_rows(queue, &filter, SLICE_PAGE, cursor.as_deref())
            .await?;
        rows.extend(read.items.iter().map(|report| row(app, report, now)));
        cursor = read.next;
        if cursor.is_none() || rows.len() > MAX_WORKBOOK_ROWS {
            return Ok(rows);
        }
    }
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
