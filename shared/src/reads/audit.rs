//! 操作日志's search (`from`, `to`, `kind`, `person`, `agency`) within the caller's reach, and its
//! entries named for people: the page shows them, the workbook writes them.
//!
//! Reach: the province supervisor reads the province's own entries and every city's; a city
//! supervisor its city's (what its people did, and what anyone did to its reports); a handler
//! only their own steps, so a clerk can see whose contact they revealed and when. A period is at
//! most 184 days (the six months 等保 asks to keep, the trail keeping three years), by default the
//! last seven.

use super::queue::day;
use crate::adapters::dynamo::{LogEntry, LogQuery};
use crate::app::App;
use crate::domain::staff::{Staff, StaffRole};
use crate::domain::time::now_cst;
use crate::http::request::query_param;
use crate::http::{ApiError, Request};
use chrono::{Duration, NaiveDate};
use serde::Serialize;

/// The longest period one search covers.
const MAX_DAYS: i64 = 184;
/// Entries a search shows; a workbook holds more.
pub const SHOWN: usize = 500;
pub const EXPORTED: usize = 20_000;
/// A subject's length (the roster's limit) and an agency id's, as the OpenAPI document says.
const MAX_PERSON_CHARS: usize = 128;
const MAX_AGENCY_CHARS: usize = 64;

pub const KINDS: [(&str, &str); 8] = [
    ("view", "查看详情"),
    ("reveal", "查看联系方式"),
    ("export", "导出"),
    ("import", "导入"),
    ("action", "办理操作"),
    ("staff", "人员变更"),
    ("phones", "机构电话变更"),
    ("calendar", "节假日变更"),
];

fn kind_name(kind: &str) -> &'static str {
    KINDS.iter().find(|(k, _)| *k == kind).map_or("", |(_, name)| name)
}

#[derive(Debug, Serialize)]
pub struct LogView {
    pub at: String,
    pub kind: String,
    pub kind_name: &'static str,
    pub sub: String,
    pub name: String,
    pub agency_id: String,
    pub agency_name: String,
    pub scope: String,
    pub scope_name: String,
    pub serial: Option<String>,
    pub detail: String,
}

/// An entry as the page and the workbook show it: kinds, agencies and regions named.
pub fn view(app: &App, entry: LogEntry) -> LogView {
    LogView {
        kind_name: kind_name(&entry.kind),
        agency_name: app
            .directory
            .agency_by_id(&entry.agency_id)
            .map(|a| a.name)
            .unwrap_or_default(),
        scope_name: app
            .directory
            .regions
            .get(&entry.scope)
            .map(|r| r.name.clone())
            .unwrap_or_default(),
        serial: Some(entry.serial).filter(|s| !s.is_empty()),
        at: entry.at,
        kind: entry.kind,
        sub: entry.sub,
        name: entry.name,
        agency_id: entry.agency_id,
        scope: entry.scope,
        detail: entry.detail,
    }
}

/// The search of the query string within the caller's reach, or why not.
pub fn query(app: &App, staff: &Staff, request: &Request, max: usize) -> Result<LogQuery, ApiError> {
    let today = now_cst().date_naive();
    let to = day(request, "to")?.unwrap_or(today);
    let from = day(request, "from")?.unwrap_or(to - Duration::days(6));
    // A range given backwards is read the right way round, as the queue's is.
    let (from, to) = (from.min(to), from.max(to));
    if (to - from).num_days() >= MAX_DAYS {
        return Err(ApiError::new(
            422,
            "period_too_long",
            format!("一次最多查询{MAX_DAYS}天,请缩短时间范围"),
        ));
    }
    let kind = query_param(request, "kind");
    if let Some(kind) = &kind
        && kind_name(kind).is_empty()
    {
        return Err(ApiError::invalid("kind", "操作类型不存在"));
    }
    let province = app.directory.regions.province().code.clone();
    let scopes = match staff.role {
        StaffRole::Province => std::iter::once(province)
            .chain(app.directory.regions.cities().map(|c| c.code.clone()))
            .collect(),
        StaffRole::City => vec![staff.region.clone()],
        StaffRole::Handler => vec![app.directory.scope_of(&staff.region)],
    };
    let agency_id = query_param(request, "agency");
    if agency_id.as_ref().is_some_and(|a| a.chars().count() > MAX_AGENCY_CHARS) {
        return Err(ApiError::invalid("agency", "机构代码过长"));
    }
    let asked = query_param(request, "person");
    if asked.as_ref().is_some_and(|p| p.chars().count() > MAX_PERSON_CHARS) {
        return Err(ApiError::invalid(
            "person",
            format!("操作人不能超过{MAX_PERSON_CHARS}个字符"),
        ));
    }
    let person = match staff.role {
        // A handler sees only their own steps, whatever they ask.
        StaffRole::Handler => Some(staff.sub.clone()),
        _ => asked.map(|p| p.trim().to_owned()),
    };
    let bound = |date: NaiveDate, time: &str| format!("{}T{time}+08:00", date.format("%Y-%m-%d"));
    Ok(LogQuery {
        scopes,
        from: bound(from, "00:00:00"),
        to: bound(to, "23:59:59"),
        kind,
        person,
        agency_id,
        max,
    })
}
