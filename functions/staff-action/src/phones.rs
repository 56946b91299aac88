//! 机构与电话: `GET /v1/staff/agencies` (the agencies in a supervisor's reach with their duty and
//! public phones) and `POST /v1/staff/agencies/{agency}/phones` (save them). Saved phones take
//! the place of the province folder's; notify reads them on each new report, the public board
//! within a minute. Supervisors only; every change is in 操作日志.

use crate::supervisors_only;
use serde::Serialize;
use shared::adapters::dynamo::{GuardedWrite, LogEntry};
use shared::app::App;
use shared::domain::directory::phones::{AgencyPhones, PhonesInput, checked};
use shared::domain::staff::{Staff, StaffRole};
use shared::domain::time::{format, now_cst};
use shared::domain::views::profile::staff_profile;
use shared::http::ApiError;
use shared::http::request::decode_body;
use std::collections::HashMap;

#[derive(Debug, Serialize)]
pub struct AgencyPhonesView {
    pub agency_id: String,
    pub name: String,
    pub region: String,
    pub region_name: String,
    /// Who gets the new-report SMS (private).
    pub duty: Vec<String>,
    /// 举报电话, shown to citizens; empty for none.
    pub public_phone: String,
    /// `saved` (kept in the site) or `file` (the province folder's, never changed here).
    pub source: &'static str,
    pub changed_at: Option<String>,
    pub changed_by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct Agencies {
    pub items: Vec<AgencyPhonesView>,
}

const SUPERVISORS_ONLY: &str = "仅市级、省级督导可维护机构电话";

fn view(
    app: &App,
    id: &str,
    name: &str,
    region: &str,
    region_name: &str,
    saved: Option<&AgencyPhones>,
) -> AgencyPhonesView {
    let file = app.directory.agency_by_id(id);
    AgencyPhonesView {
        agency_id: id.to_owned(),
        name: name.to_owned(),
        region: region.to_owned(),
        region_name: region_name.to_owned(),
        duty: saved.map_or_else(
            || file.as_ref().map(|a| a.phones.clone()).unwrap_or_default(),
            |s| s.duty.clone(),
        ),
        public_phone: saved.map_or_else(
            || file.as_ref().and_then(|a| a.public_phone.clone()).unwrap_or_default(),
            |s| s.public_phone.clone(),
        ),
        source: if saved.is_some() { "saved" } else { "file" },
        changed_at: saved.map(|s| s.changed_at.clone()),
        changed_by: saved.map(|s| s.changed_by.clone()),
    }
}

pub async fn list(app: &App, staff: &Staff) -> Result<Agencies, ApiError> {
    supervisors_only(staff, SUPERVISORS_ONLY)?;
    let scope = (staff.role == StaffRole::City).then_some(staff.region.as_str());
    let saved: HashMap<String, AgencyPhones> = app
        .records
        .agency_phones(scope)
        .await?
        .into_iter()
        .map(|p| (p.agency_id.clone(), p))
        .collect();
    let items = staff_profile(staff, app.directory)
        .transfer_targets
        .iter()
        .map(|t| view(app, &t.id, &t.name, &t.region, &t.region_name, saved.get(&t.id)))
        .collect();
    Ok(Agencies { items })
}

pub async fn save(
    app: &App,
    staff: &Staff,
    agency: &str,
    body: serde_json::Value,
) -> Result<AgencyPhonesView, ApiError> {
    supervisors_only(staff, SUPERVISORS_ONLY)?;
    let input: PhonesInput = decode_body(body)?;
    let profile = staff_profile(staff, app.directory);
    let target = profile
        .transfer_targets
        .iter()
        .find(|t| t.id == agency)
        .ok_or_else(ApiError::not_found)?;
    let (duty, public_phone) = checked(&input)?;
    let scope = app.directory.scope_of(&target.region);
    let before = app.records.agency_phone(&scope, agency).await?;
    let now = now_cst();
    let at = format(&now);
    let phones = AgencyPhones {
        agency_id: agency.to_owned(),
        duty,
        public_phone,
        version: before.as_ref().map_or(1, |b| b.version + 1),
        changed_at: at.clone(),
        changed_by: staff.name.clone(),
    };
    let shown = if phones.public_phone.is_empty() {
        "无"
    } else {
        phones.public_phone.as_str()
    };
    let log = LogEntry {
        detail: format!(
            "修改 {} 电话:值班手机{}个,举报电话 {shown}",
            target.name,
            phones.duty.len()
        ),
        agency_id: agency.to_owned(),
        seq: phones.version,
        ..LogEntry::by(staff, &scope, "phones", &at)
    };
    match app
        .records
        .save_agency_phones(&phones, &scope, &log, now.timestamp())
        .await?
    {
        GuardedWrite::Written => Ok(view(
            app,
            &target.id,
            &target.name,
            &target.region,
            &target.region_name,
            Some(&phones),
        )),
        _ => Err(ApiError::new(
            409,
            "stale_version",
            "该机构电话已被他人修改,请刷新后重试",
        )),
    }
}
