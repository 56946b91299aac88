//! 期限重算, run by the housekeeping schedule: reports whose deadlines were counted while a year's
//! holidays were missing are counted again once the province has entered that year (节假日). Each
//! is recorded in its timeline, by the system; a report changed meanwhile waits for the next run.

use crate::sweep::change_each;
use chrono::Datelike;
use shared::adapters::StoreError;
use shared::adapters::dynamo::Records;
use shared::domain::calendar::Calendar;
use shared::domain::directory::Directory;
use shared::domain::time::{cst, now_cst};

/// Reports recounted per run at most: a campaign's worth within the hour.
const PER_RUN: usize = 500;

/// Recounts the reports marked with a year `calendar` now holds; returns how many it recounted.
pub async fn recount_marked(
    records: &Records,
    directory: &Directory,
    calendar: &Calendar,
) -> Result<usize, StoreError> {
    let now = now_cst();
    // Marks are for this year or later ones (or last year's, on New Year's Day): everything
    // marked before the first of those still missing can be recounted now.
    let first = now.with_timezone(&cst()).year() - 1;
    let missing = (first..).find(|y| !calendar.covers(*y)).unwrap_or(first);
    let province = &directory.regions.province().code;
    let marked = records.counted_without_before(province, missing, PER_RUN).await?;
    let recounted = change_each(records, marked, |report| report.recount(calendar, now)).await?;
    if recounted > 0 {
        tracing::info!(recounted, "deadlines recounted on a year's holidays just entered");
    }
    Ok(recounted)
}
