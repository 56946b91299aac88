//! `GET /v1/staff/reports/{serial}`: everything about one report in the caller's reach.

use shared::app::App;
use shared::domain::serial::Serial;
use shared::domain::staff::Staff;
use shared::domain::staff_views::{StaffDetail, staff_detail};
use shared::domain::time::now_cst;
use shared::http::ApiError;

pub async fn detail(app: &App, staff: &Staff, serial: &Serial, reveal_phone: bool) -> Result<StaffDetail, ApiError> {
    let (report, events) = app
        .records
        .report_with_timeline(serial)
        .await?
        .filter(|(report, _)| staff.can_see(report))
        .ok_or_else(ApiError::not_found)?;
    let links = app
        .evidence
        .links(report.evidence.as_ref(), app.settings.evidence_url_ttl)
        .await?;
    let now = now_cst();
    Ok(staff_detail(
        &report,
        &events,
        links,
        &app.directory.regions,
        app.calendar,
        &now,
        reveal_phone,
    ))
}
