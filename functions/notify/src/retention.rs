//! The retention rule for reporters' personal data, run by the housekeeping schedule: a report
//! replied longer ago than the retention period loses its reporter's name and phone (an event
//! in its timeline says so); the report, its reply and the reporter's account id stay.

use crate::sweep::change_each;
use shared::adapters::StoreError;
use shared::adapters::dynamo::Records;
use shared::domain::directory::Directory;
use shared::domain::time::{format, now_cst};

/// Reports redacted per run at most: a backlog drains over a few quarter hours, and no run
/// comes near notify's timeout.
const PER_RUN: usize = 200;

/// Redacts what is due; returns how many reports it redacted.
pub async fn redact_due(records: &Records, directory: &Directory, days: i64) -> Result<usize, StoreError> {
    let now = now_cst();
    let cutoff = format(&(now - chrono::Duration::days(days)));
    let province = &directory.regions.province().code;
    let due = records.reporter_data_before(province, &cutoff, PER_RUN).await?;
    // Reopened or changed since the index was read: the next run sees it again if still due.
    let redacted = change_each(records, due, |report| report.redact_reporter(now)).await?;
    if redacted > 0 {
        tracing::info!(redacted, "reporter data removed from reports past the retention period");
    }
    Ok(redacted)
}
