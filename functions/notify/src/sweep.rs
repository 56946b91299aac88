//! The housekeeping's changes by time: each report found due is read again and changed only if
//! the change still applies to it (it may have moved on since the index was read); the save is
//! conditional on the version read, so a report changed meanwhile is left for the next run.

use shared::adapters::StoreError;
use shared::adapters::dynamo::{Records, SaveOutcome};
use shared::domain::Rejection;
use shared::domain::report::Report;
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::Event;

/// Applies `change` to each of `serials`; how many reports it changed.
pub async fn change_each(
    records: &Records,
    serials: Vec<Serial>,
    change: impl Fn(&Report) -> Result<(Report, Event), Rejection>,
) -> Result<usize, StoreError> {
    let mut changed = 0;
    for serial in serials {
        let Some(report) = records.report(&serial).await? else {
            continue;
        };
        let Ok((after, event)) = change(&report) else {
            continue;
        };
        if records.save(&report, &after, &event).await? == SaveOutcome::Saved {
            changed += 1;
        }
    }
    Ok(changed)
}
