//! `POST /v1/staff/reports/{serial}/actions`: one action, with the version the caller saw.

use crate::detail::{Read, detail};
use serde::Serialize;
use shared::adapters::dynamo::SaveOutcome;
use shared::app::App;
use shared::domain::Rejection;
use shared::domain::report::serial::Serial;
use shared::domain::staff::Staff;
use shared::domain::staff::actions::{Action, ActionInput, apply, link, read_action};
use shared::domain::time::now_cst;
use shared::domain::views::AgencyView;
use shared::domain::views::staff::StaffDetail;
use shared::http::ApiError;
use shared::http::request::decode_body;

/// A write that met another transaction on a statistics bucket is tried again this often.
const MAX_ATTEMPTS: usize = 3;

/// The updated detail; or, when a transfer took the report out of the caller's reach, where it
/// went (the caller may no longer read it).
#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum Answer {
    Detail(Box<StaffDetail>),
    HandedOn {
        serial: String,
        version: u64,
        status: shared::domain::report::status::Status,
        agency: AgencyView,
        handed_on: bool,
    },
}

fn institution_not_in_county() -> Rejection {
    Rejection::conflict("institution_not_in_county", "所选机构不在该举报件所在区县的机构名录中")
}

fn stale() -> ApiError {
    Rejection::conflict("stale_version", "举报件已被他人处理,请刷新后重试").into()
}

pub async fn take_action(
    app: &App,
    staff: &Staff,
    serial: &Serial,
    body: serde_json::Value,
) -> Result<Answer, ApiError> {
    let input: ActionInput = decode_body(body)?;
    let (action, version) = read_action(&input)?;
    for _ in 0..MAX_ATTEMPTS {
        // The calendar in force (read at most once a minute) beside the report.
        let (report, calendar) =
            tokio::try_join!(async { Ok::<_, ApiError>(app.records.report(serial).await?) }, async {
                Ok::<_, ApiError>(app.calendar().await?)
            })?;
        let report = report.filter(|r| staff.can_see(r)).ok_or_else(ApiError::not_found)?;
        if report.version != version {
            return Err(stale());
        }
        let (next, event) = match &action {
            Action::Link {
                institution_id: Some(id),
            } => {
                // An institution of the report's county, as the registry has it now; an id of
                // another county's registry (or of none) conflicts with where the report is.
                let found = app
                    .records
                    .institution(&report.assignment.county, id)
                    .await?
                    .ok_or_else(institution_not_in_county)?;
                link(&report, staff, app.directory, Some(&found), now_cst())?
            }
            _ => apply(
                &report,
                staff,
                &action,
                app.directory,
                &app.settings.deadlines,
                &calendar,
                now_cst(),
            )?,
        };
        match app.records.save(&report, &next, &event).await? {
            SaveOutcome::Saved => {
                tracing::info!(serial = %serial, action = action.name(), staff = %staff.sub, version = next.version, "staff action");
                if !staff.can_see(&next) {
                    return Ok(Answer::HandedOn {
                        serial: serial.to_string(),
                        version: next.version,
                        status: next.status,
                        agency: AgencyView::from(&next.assignment),
                        handed_on: true,
                    });
                }
                let read = Read::AfterAction {
                    reveal_phone: action == Action::RevealContact,
                };
                return Ok(Answer::Detail(Box::new(detail(app, staff, serial, read).await?)));
            }
            // Read again: a newer version is stale to this caller's form; the same version
            // means only previews were recorded meanwhile, and the action is tried again.
            SaveOutcome::Stale | SaveOutcome::Contended => continue,
        }
    }
    Err(ApiError::unavailable())
}
