//! Creating a report: check the form and its evidence, pick a serial, write it all at once.

use crate::evidence::{check_evidence, evidence_in_use, seal};
use serde::Serialize;
use shared::adapters::dynamo::{CreateOutcome, NewReport, REPORTS_COUNTED};
use shared::app::App;
use shared::domain::Rejection;
use shared::domain::registry::institution::InstitutionRef;
use shared::domain::report::custody::seal_entry;
use shared::domain::report::deadlines::Deadlines;
use shared::domain::report::draft::Draft;
use shared::domain::report::evidence::owner_of;
use shared::domain::report::idempotency::{check_key, fingerprint};
use shared::domain::report::input::{ReportInput, validate};
use shared::domain::report::repeat::{MAX_LINKED, earliest_serial};
use shared::domain::report::serial::Serial;
use shared::domain::report::status::Status;
use shared::domain::report::{Report, Reporter};
use shared::domain::time::{day_key, format, now_cst};
use shared::domain::views::AgencyView;
use shared::http::ApiError;
use shared::http::request::decode_body;
use std::time::Duration;

/// Serial candidates tried before giving up (each has a 1-in-1000 chance of colliding).
const MAX_ATTEMPTS: u32 = 12;

#[derive(Debug, Serialize)]
pub struct Receipt {
    pub serial: String,
    pub status: Status,
    pub status_name: &'static str,
    pub created_at: String,
    pub agency: AgencyView,
}

fn receipt(report: &Report) -> Receipt {
    Receipt {
        serial: report.serial.to_string(),
        status: report.status,
        status_name: report.status.name(),
        created_at: format(&report.created_at),
        agency: AgencyView::from(&report.assignment),
    }
}

pub async fn submit(
    app: &App,
    citizen: &Reporter,
    body: serde_json::Value,
    key: Option<&str>,
) -> Result<Receipt, ApiError> {
    let idempotency = match key {
        Some(key) => {
            check_key(key)?;
            let print = fingerprint(&body);
            Some((key, print))
        }
        None => None,
    };
    let replayed = async {
        match &idempotency {
            Some((key, print)) => replay(app, citizen, key, print).await,
            None => Ok(None),
        }
    };
    let now = now_cst();
    // The form is checked first, but a retry's first answer wins over anything found now (the
    // notice may have changed since, its evidence is claimed by the report it made).
    let draft =
        decode_body::<ReportInput>(body).and_then(|input| validate(&input, app.directory).map_err(ApiError::from));
    let draft = match draft {
        Ok(draft) => draft,
        Err(error) => return replayed.await?.ok_or(error),
    };
    // The first answer for this key and how many reports the citizen made today come first, and
    // together: a citizen past the daily limit costs two reads, never the evidence's checks.
    let day = day_key(&now);
    let (replayed, made_today) = tokio::join!(
        replayed,
        app.records.allowance_used(&citizen.sub, &day, REPORTS_COUNTED)
    );
    if let Some(answer) = replayed? {
        return Ok(answer);
    }
    // Refused before anything is sealed: a refused report's uploads stay pending and expire. The
    // transaction's own condition still decides between two submissions racing for the last one.
    if made_today? >= app.settings.reports_per_day {
        return Err(daily_limit_reached(app));
    }
    // Then what does not depend on each other, together: the evidence, the earlier reports this
    // one repeats, the chosen institution and the calendar.
    let place = (
        draft.assignment.county.as_str(),
        draft.target.as_str(),
        draft.address.as_str(),
    );
    let (evidence, repeats, institution, calendar) = tokio::join!(
        check_evidence(app, citizen, draft.evidence.as_ref()),
        async { Ok::<_, ApiError>(app.records.repeats(place, &earliest_serial(&now), None, "").await?) },
        chosen_institution(app, &draft),
        app.calendar()
    );
    let (checked, repeats, institution, calendar) = (evidence?, repeats?, institution?, calendar?);
    // Sealed before the report is written, so that the report records what was sealed: if the
    // write then fails, a sealed copy is kept that no report cites, nothing is lost.
    let evidence = match &checked {
        Some(checked) => Some(seal(app, checked).await?),
        None => None,
    };
    let keys = checked.as_ref().map(|c| c.claims()).unwrap_or_default();
    let owner = owner_of(&citizen.sub);
    let deadlines = Deadlines::new(&app.settings.deadlines, &calendar, &now, now);
    for attempt in 0..MAX_ATTEMPTS {
        let (mut report, event) = Report::submit(
            Serial::candidate(&now, attempt),
            draft.clone(),
            citizen.clone(),
            evidence.clone(),
            deadlines.clone(),
            now,
        );
        report.repeats = repeats.iter().take(MAX_LINKED).cloned().collect();
        report.institution = institution.clone();
        let seal = (report.evidence.as_ref()).and_then(|e| seal_entry(report.serial.as_str(), e));
        let new = NewReport {
            report: &report,
            event: &event,
            seal: seal.as_ref(),
            idempotency: idempotency.as_ref().map(|(k, p)| (*k, p.as_str())),
            uploads: &keys,
            owner: &owner,
            quota_day: &day,
            quota_limit: app.settings.reports_per_day,
            now_epoch: now.timestamp(),
        };
        match app.records.create_report(&new).await? {
            CreateOutcome::Created => {
                // The sealed uploads are deleted by the `evidence` function, off this path.
                tracing::info!(serial = %report.serial, agency = %report.assignment.agency_id, "report submitted");
                return Ok(receipt(&report));
            }
            CreateOutcome::SerialTaken => continue,
            CreateOutcome::Contended => tokio::time::sleep(Duration::from_millis(20 * u64::from(attempt + 1))).await,
            CreateOutcome::IdempotencyTaken => {
                let (key, print) = idempotency.as_ref().ok_or_else(ApiError::internal)?;
                return replay(app, citizen, key, print)
                    .await?
                    .ok_or_else(ApiError::unavailable);
            }
            CreateOutcome::EvidenceTaken => return Err(evidence_in_use()),
            CreateOutcome::QuotaExceeded => return Err(daily_limit_reached(app)),
        }
    }
    tracing::warn!("no free serial after {MAX_ATTEMPTS} attempts");
    Err(ApiError::unavailable())
}

fn daily_limit_reached(app: &App) -> ApiError {
    Rejection::Quota {
        message: format!("每人每天最多提交{}条举报,请明天再试", app.settings.reports_per_day),
    }
    .into()
}

/// The answer first given for this key, if the key was used; a conflict if for another body.
async fn replay(app: &App, citizen: &Reporter, key: &str, print: &str) -> Result<Option<Receipt>, ApiError> {
    let Some(record) = app.records.idempotency(&citizen.sub, key).await? else {
        return Ok(None);
    };
    if record.fingerprint != print {
        return Err(Rejection::conflict("idempotency_key_reused", "该幂等键已用于内容不同的举报").into());
    }
    let report = app
        .records
        .report(&record.serial)
        .await?
        .ok_or_else(ApiError::internal)?;
    Ok(Some(receipt(&report)))
}

/// The registry institution the citizen chose from the suggestions: one of the report's county.
async fn chosen_institution(app: &App, draft: &Draft) -> Result<Option<InstitutionRef>, ApiError> {
    let Some(id) = &draft.institution_id else {
        return Ok(None);
    };
    let found = app
        .records
        .institution(&draft.assignment.county, id)
        .await?
        .ok_or_else(|| ApiError::invalid("institution_id", "所选机构不存在"))?;
    Ok(Some(found.reference()))
}
