//! `GET /v1/staff/reports/{serial}`: everything about one report in the caller's reach.

use crate::evidence;
use shared::adapters::dynamo::ReportRecord;
use shared::app::App;
use shared::domain::registry::institution::InstitutionView;
use shared::domain::report::Report;
use shared::domain::report::custody::{Look, Tail};
use shared::domain::report::repeat::{MAX_LINKED, earliest_serial, latest_serial};
use shared::domain::report::serial::Serial;
use shared::domain::staff::Staff;
use shared::domain::staff::actions::actor;
use shared::domain::time::{format, now_cst};
use shared::domain::views::staff::{CustodyView, RepeatView, StaffDetail, repeat_view, staff_detail};
use shared::http::ApiError;
use shared::reads::report::record_in_reach;

/// How a detail is read: opened (an audited view), or answered after an action (whose own event
/// records it), revealing the reporter's contact or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Read {
    Opened,
    AfterAction { reveal_phone: bool },
}

/// The detail; a reveal shows the reporter's contact, a custody entry written before the answer,
/// and an opened detail is recorded in the audit trail before the answer.
pub async fn detail(app: &App, staff: &Staff, serial: &Serial, read: Read) -> Result<StaffDetail, ApiError> {
    let reveal_phone = read == Read::AfterAction { reveal_phone: true };
    let ReportRecord {
        report,
        events,
        mut custody,
    } = record_in_reach(app, staff, serial).await?;
    let now = now_cst();
    // The calendar in force, read (at most once a minute) beside the record's other reads.
    let calendar = async { Ok::<_, ApiError>(app.calendar().await?) };
    // Originals are linked on demand (`evidence::original`); the detail shows previews, and
    // records only the reveal.
    let looks: Vec<Look> = if reveal_phone {
        vec![Look::reveal(actor(staff, app.directory))]
    } else {
        Vec::new()
    };
    // Boxed: four reads and a write in one future is large for a debug build's thread stack.
    let (previews, recorded, repeats, (institution, institution_reports), (), calendar) = Box::pin(async {
        tokio::try_join!(
            evidence::previews(app, &report),
            async {
                if looks.is_empty() {
                    return Ok(Vec::new());
                }
                let tail = Tail::of(&custody);
                Ok::<_, ApiError>(app.records.append_custody(serial.as_str(), tail, looks, now).await?)
            },
            repeats(app, staff, &report),
            institution(app, staff, &report),
            async {
                if read == Read::Opened {
                    let (at, epoch) = (format(&now), now.timestamp());
                    let scope = &report.assignment.city;
                    app.records
                        .audit_view(serial.as_str(), staff, scope, &at, epoch)
                        .await?;
                }
                Ok::<_, ApiError>(())
            },
            calendar
        )
    })
    .await?;
    custody.extend(recorded);
    let mut view = staff_detail(
        &report,
        &events,
        previews,
        &app.directory.regions,
        &calendar,
        &now,
        reveal_phone,
    );
    view.repeats = repeats;
    view.institution = institution;
    view.institution_reports = institution_reports;
    view.custody = CustodyView::of(&custody, report.evidence.is_some());
    Ok(view)
}

/// The linked institution as the registry says now, and its other reports in the caller's reach
/// (newest first, at most `MAX_LINKED`), read together.
async fn institution(
    app: &App,
    staff: &Staff,
    report: &Report,
) -> Result<(Option<InstitutionView>, Vec<RepeatView>), ApiError> {
    let Some(linked) = &report.institution else {
        return Ok((None, Vec::new()));
    };
    let wanted = i32::try_from(MAX_LINKED + 1).unwrap_or(i32::MAX);
    let (found, others) = tokio::try_join!(
        app.records.institution(&linked.county, &linked.id),
        app.records.institution_reports(&linked.id, wanted),
    )?;
    let others = others
        .iter()
        .filter(|other| other.serial != report.serial && staff.can_see(other))
        .take(MAX_LINKED)
        .map(repeat_view)
        .collect();
    Ok((found.as_ref().map(InstitutionView::from), others))
}

/// The reports sharing this one's county and target or address within 90 days either way, those
/// the caller may see, newest first (at most `MAX_LINKED`).
async fn repeats(app: &App, staff: &Staff, report: &Report) -> Result<Vec<RepeatView>, ApiError> {
    let place = (
        report.assignment.county.as_str(),
        report.target.as_str(),
        report.address.as_str(),
    );
    let serials = app
        .records
        .repeats(
            place,
            &earliest_serial(&report.created_at),
            Some(&latest_serial(&report.created_at)),
            report.serial.as_str(),
        )
        .await?;
    let linked = &serials[..serials.len().min(MAX_LINKED)];
    // Boxed: the SDK's call is a large future, and this one sits deep in every action's answer.
    Ok(Box::pin(app.records.reports(linked))
        .await?
        .iter()
        .filter(|linked| staff.can_see(linked))
        .map(repeat_view)
        .collect())
}
