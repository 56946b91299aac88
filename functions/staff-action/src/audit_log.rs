//! 操作日志: `GET /v1/staff/audit` searches the audit trail of the caller's reach
//! (`shared::reads::audit`); `GET /v1/staff/audit/export`, the same search as a workbook, is the
//! `export` function's.

use serde::Serialize;
use shared::app::App;
use shared::domain::staff::Staff;
use shared::http::{ApiError, Request};
use shared::reads::audit::{LogView, SHOWN, query, view};

#[derive(Debug, Serialize)]
pub struct LogPage {
    pub items: Vec<LogView>,
    /// More entries matched than are shown: narrow the search.
    pub truncated: bool,
}

pub async fn search(app: &App, staff: &Staff, request: &Request) -> Result<LogPage, ApiError> {
    let query = query(app, staff, request, SHOWN)?;
    let (entries, truncated) = app.records.audit_log(&query).await?;
    Ok(LogPage {
        items: entries.into_iter().map(|e| view(app, e)).collect(),
        truncated,
    })
}
