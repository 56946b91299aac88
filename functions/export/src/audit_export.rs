//! `GET /v1/staff/audit/export`: 操作日志's search (`shared::reads::audit`) as a workbook, up to
//! `EXPORTED` entries; the export is itself recorded.

use crate::workbook::{Book, download, export_not_written};
use shared::app::App;
use shared::domain::reporting::spreadsheet::{Cell, Column, column, file_name};
use shared::domain::staff::Staff;
use shared::domain::time::now_cst;
use shared::http::request::query_param;
use shared::http::{ApiError, Body, Request, Response};
use shared::reads::audit::{EXPORTED, query, view};

const COLUMNS: &[Column] = &[
    column("时间", 19.0),
    column("操作类型", 12.0),
    column("操作人", 12.0),
    column("账号标识", 24.0),
    column("所属机构", 18.0),
    column("地区", 10.0),
    column("流水号", 18.0),
    column("内容", 40.0),
];

pub async fn export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    let query = query(app, staff, request, EXPORTED)?;
    let (entries, truncated) = app.records.audit_log(&query).await?;
    if truncated {
        return Err(ApiError::new(
            422,
            "export_too_large",
            format!("导出超过{EXPORTED}条,请缩小查询范围"),
        ));
    }
    let count = entries.len();
    let mut book = Book::new();
    book.sheet("操作日志", None, COLUMNS).map_err(export_not_written)?;
    for v in entries.into_iter().map(|e| view(app, e)) {
        let at = chrono::DateTime::parse_from_rfc3339(&v.at).ok();
        let cells = [
            Cell::Time(at),
            Cell::text(v.kind_name),
            Cell::Text(v.name),
            Cell::Text(v.sub),
            Cell::Text(v.agency_name),
            Cell::Text(v.scope_name),
            Cell::Text(v.serial.unwrap_or_default()),
            Cell::Text(v.detail),
        ];
        book.row(&cells).map_err(export_not_written)?;
    }
    let bytes = book.finish().map_err(export_not_written)?;
    let now = now_cst();
    let filters = format!("操作日志 {}", request.uri().query().unwrap_or_default());
    crate::recorded(app, staff, &filters, count, &now).await?;
    let whose = app
        .directory
        .regions
        .get(&staff.region)
        .map(|r| r.name.clone())
        .unwrap_or_default();
    let (from, to) = (query_param(request, "from"), query_param(request, "to"));
    let name = file_name(&whose, "操作日志", from.as_deref(), to.as_deref(), &now);
    download(bytes, &name, "suishoupai-audit.xlsx")
}
