//! `GET /v1/staff/stats/export?region=&from=&to=` (the dashboard's 导出报表): the figures of
//! `/v1/staff/stats` for the same filters as a workbook, one sheet per dashboard table
//! (`shared::domain::reporting::stats_workbook`), with today's overdue reports listed. Recorded like every
//! export.

use crate::workbook::{download, export_not_written, workbook};
use shared::app::App;
use shared::domain::reporting::spreadsheet::file_name;
use shared::domain::reporting::stats_workbook::{MAX_OVERDUE_ROWS, StatsWorkbook};
use shared::domain::staff::Staff;
use shared::domain::time::{format, now_cst};
use shared::http::{ApiError, Body, Request, Response};
use shared::reads::stats::{period, scope, summary};

pub async fn export(app: &App, staff: &Staff, request: &Request) -> Result<Response<Body>, ApiError> {
    let period = period(request)?;
    let scope = scope(app, staff, request)?;
    let now = now_cst();
    let at = format(&now);
    let province = &app.directory.regions.province().code;
    // The figures, today's overdue reports and the calendar in force, read together.
    let overdue = async {
        let reports = app
            .records
            .overdue_reports(province, &scope.queue, scope.county.as_deref(), &at, MAX_OVERDUE_ROWS)
            .await?;
        Ok::<_, ApiError>(reports)
    };
    let calendar = async { Ok::<_, ApiError>(app.calendar().await?) };
    let (summary, overdue, calendar) = tokio::try_join!(summary(app, &scope, &period, &at), overdue, calendar)?;
    let (from, to) = (period.from.as_deref(), period.to.as_deref());
    let stats = StatsWorkbook {
        scope_name: &scope.name,
        level: scope.level,
        from,
        to,
        summary: &summary,
        overdue: &overdue,
    };
    let sheets = stats.sheets(&app.directory.regions, &calendar, &now);
    let bytes = workbook(&sheets).map_err(export_not_written)?;
    let filters = format!("stats?{}", request.uri().query().unwrap_or_default());
    let rows = sheets.iter().map(|s| s.rows.len()).sum();
    crate::recorded(app, staff, &filters, rows, &now).await?;
    let name = file_name(&scope.name, "统计报表", from, to, &now);
    download(bytes, &name, "suishoupai-statistics.xlsx")
}
