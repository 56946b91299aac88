//! 举报人未补充, run by the housekeeping schedule: a question to the reporter past its limit is
//! recorded as lapsed, in the timeline and on the question. The reply deadline already stands
//! where it should (moved by the whole limit when the question was asked); this records it.

use crate::sweep::change_each;
use shared::adapters::StoreError;
use shared::adapters::dynamo::Records;
use shared::domain::calendar::Calendar;
use shared::domain::directory::Directory;
use shared::domain::directory::catalog::Catalog;
use shared::domain::time::{format, now_cst};

/// Questions recorded per run at most, as for the retention rule.
const PER_RUN: usize = 200;

/// Records the lapsed questions; returns how many it recorded.
pub async fn record_lapses(records: &Records, directory: &Directory, calendar: &Calendar) -> Result<usize, StoreError> {
    let now = now_cst();
    let province = &directory.regions.province().code;
    let limit = Catalog::get().questions.limit_days;
    let due = records.questions_past_limit(province, &format(&now), PER_RUN).await?;
    // Answered or withdrawn since the index was read: nothing to record.
    let recorded = change_each(records, due, |report| report.lapse_question(limit, calendar, now)).await?;
    if recorded > 0 {
        tracing::info!(recorded, "questions to reporters recorded as unanswered");
    }
    Ok(recorded)
}
