//! `GET /v1/staff/export?…`: the filtered queue as CSV (UTF-8 with a BOM, so Excel reads the
//! Chinese), written page by page. The reporter's identity is not exported, and no cell can be
//! evaluated as a formula (`spreadsheet::safe_cell`, docs/security.md).
//!
//! A part holds at most `EXPORT_ROWS` rows (a Lambda response holds 6 MB); a longer export names
//! where the next part starts (`x-export-next-cursor`, passed back as `cursor`), and the admin
//! site joins the parts into one file: a province's year is a few requests, each well within
//! API Gateway's 29 s.

use crate::queue::filter;
use shared::app::App;
use shared::domain::spreadsheet::safe_cell;
use shared::domain::staff::Staff;
use shared::domain::staff_views::staff_list_item;
use shared::domain::time::{format, now_cst};
use shared::http::request::query_param;
use shared::http::response::{NO_STORE, text_response};
use shared::http::{ApiError, Body, Request, Response};

/// Rows per Query; a part is whole pages, so that the next part starts where this one stopped.
const PAGE: usize = 100;

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

pub async fn export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    let filter = filter(app, staff, request)?;
    let mut cursor = query_param(request, "cursor");
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let fail = |e: csv::Error| {
        tracing::error!(error = %e, "csv");
        ApiError::internal()
    };
    writer.write_record(HEADER).map_err(fail)?;
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
            let item = staff_list_item(report, &app.directory.regions, app.calendar, &now);
            let reply = report.reply.as_ref();
            let row = [
                item.serial.as_str(),
                item.labels.status_name,
                &item.labels.subject.city_name,
                &item.labels.subject.county_name,
                &item.labels.subject.category_name,
                &item.labels.subject.violation_type_names.join(";"),
                &report.target,
                item.institution_name.as_deref().unwrap_or_default(),
                &report.address,
                &item.agency.name,
                &item.created_at,
                &item.deadlines.sign_by,
                &item.deadlines.reply_by,
                if item.overdue { "是" } else { "否" },
                reply.map(|r| r.finding.name()).unwrap_or_default(),
                &reply
                    .map(|r| shared::domain::time::format(&r.replied_at))
                    .unwrap_or_default(),
                &item.rating_stars.map(|s| s.to_string()).unwrap_or_default(),
            ];
            writer
                .write_record(row.iter().map(|cell| safe_cell(cell).into_owned()))
                .map_err(fail)?;
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
    let bytes = writer.into_inner().map_err(|e| fail(e.into_error().into()))?;
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
