//! One report as staff read it: `staff-action`'s detail and originals, `export`'s evidence
//! package.

use crate::adapters::dynamo::ReportRecord;
use crate::app::App;
use crate::domain::report::serial::Serial;
use crate::domain::staff::Staff;
use crate::http::ApiError;

/// A report with its timeline and custody log, if it is in `staff`'s reach (else 404: not even
/// its existence is told).
pub async fn record_in_reach(app: &App, staff: &Staff, serial: &Serial) -> Result<ReportRecord, ApiError> {
    app.records
        .report_record(serial)
        .await?
        .filter(|record| staff.can_see(&record.report))
        .ok_or_else(ApiError::not_found)
}
