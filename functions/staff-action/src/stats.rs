//! `GET /v1/staff/stats?region=&from=&to=`: counters kept on every change, summed over months;
//! overdue-now counted on the sparse open index (only overdue open reports are read).
//! `GET /v1/staff/stats/export` answers the same figures as a workbook (the `export` function).

use serde::Serialize;
use shared::app::App;
use shared::domain::reporting::stats::Summary;
use shared::domain::staff::Staff;
use shared::domain::time::{format, now_cst};
use shared::http::{ApiError, Request};
use shared::reads::stats::{period, scope, summary};

#[derive(Debug, Serialize)]
pub struct Stats {
    /// The region (or, for a handler, the agency) the figures cover.
    pub scope: String,
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub summary: Summary,
}

pub async fn stats(app: &App, staff: &Staff, request: &Request) -> Result<Stats, ApiError> {
    let period = period(request)?;
    let scope = scope(app, staff, request)?;
    let summary = summary(app, &scope, &period, &format(&now_cst())).await?;
    let (from, to) = period.bounds();
    Ok(Stats {
        scope: scope.counters,
        from: from.to_owned(),
        to: to.to_owned(),
        summary,
    })
}
