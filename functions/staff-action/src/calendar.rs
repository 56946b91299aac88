//! 节假日: `GET /v1/staff/calendar` (the years around now: entered, the province file's, or
//! missing) and `POST /v1/staff/calendar/{year}` (the province supervisor enters this year's or
//! next year's holidays and make-up working days). A year entered counts in every instance within
//! a minute; the housekeeping then recounts the deadlines counted without it. Every change is in
//! 操作日志.

use chrono::{DateTime, Datelike, FixedOffset};
use serde::Serialize;
use shared::adapters::dynamo::{GuardedWrite, LogEntry};
use shared::app::App;
use shared::domain::calendar::Calendar;
use shared::domain::calendar::year::{HolidayYear, YearInput, checked, day_texts};
use shared::domain::staff::{Staff, StaffRole};
use shared::domain::time::{cst, format, now_cst};
use shared::domain::views::profile::{CalendarWarning, calendar_warning};
use shared::http::ApiError;
use shared::http::request::decode_body;

#[derive(Debug, Serialize)]
pub struct YearView {
    pub year: i32,
    /// `entered` (in 节假日), `file` (the province folder's) or `missing` (weekends only).
    pub source: &'static str,
    pub holidays: Vec<String>,
    pub workdays: Vec<String>,
    pub version: u64,
    pub changed_at: Option<String>,
    pub changed_by: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CalendarView {
    /// Last year, this year and next.
    pub years: Vec<YearView>,
    /// Whether the caller may enter years (the province supervisor).
    pub editable: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<CalendarWarning>,
}

fn this_year(now: &DateTime<FixedOffset>) -> i32 {
    now.with_timezone(&cst()).year()
}

fn entered_view(year: &HolidayYear) -> YearView {
    YearView {
        year: year.year,
        source: "entered",
        holidays: year.holidays.clone(),
        workdays: year.workdays.clone(),
        version: year.version,
        changed_at: Some(year.changed_at.clone()),
        changed_by: Some(year.changed_by.clone()),
    }
}

fn file_view(base: &Calendar, year: i32) -> YearView {
    let (holidays, workdays) = base.days_of(year);
    YearView {
        year,
        source: if base.covers(year) { "file" } else { "missing" },
        holidays: day_texts(&holidays),
        workdays: day_texts(&workdays),
        version: 0,
        changed_at: None,
        changed_by: None,
    }
}

pub async fn show(app: &App, staff: &Staff) -> Result<CalendarView, ApiError> {
    let now = now_cst();
    let entered = app.records.holiday_years().await?;
    // The calendar in force, from the years just read rather than read again.
    let calendar = app.holidays.base().with_entered(&entered);
    let this = this_year(&now);
    let years = (this - 1..=this + 1)
        .map(|year| match entered.iter().find(|e| e.year == year) {
            Some(e) => entered_view(e),
            None => file_view(app.holidays.base(), year),
        })
        .collect();
    Ok(CalendarView {
        years,
        editable: staff.role == StaffRole::Province,
        warning: calendar_warning(&calendar, &now),
    })
}

pub async fn save(app: &App, staff: &Staff, year: &str, body: serde_json::Value) -> Result<YearView, ApiError> {
    if staff.role != StaffRole::Province {
        return Err(ApiError::new(403, "forbidden", "仅省级督导可录入节假日"));
    }
    let input: YearInput = decode_body(body)?;
    let now = now_cst();
    let this = this_year(&now);
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| *y == this || *y == this + 1)
        .ok_or_else(|| {
            ApiError::new(
                422,
                "year_not_open",
                format!("只能录入{this}年或{}年的节假日", this + 1),
            )
        })?;
    let (holidays, workdays) = checked(year, &input)?;
    let (holidays, workdays) = (day_texts(&holidays), day_texts(&workdays));
    let before = app.records.holiday_year(year).await?;
    if before
        .as_ref()
        .is_some_and(|b| b.holidays == holidays && b.workdays == workdays)
    {
        return Err(ApiError::new(409, "no_change", "与已录入的安排相同,无需保存"));
    }
    let at = format(&now);
    let entry = HolidayYear {
        year,
        version: before.as_ref().map_or(1, |b| b.version + 1),
        holidays,
        workdays,
        changed_at: at.clone(),
        changed_by: staff.name.clone(),
    };
    let scope = app.directory.regions.province().code.clone();
    let log = LogEntry {
        detail: format!(
            "{}{year}年节假日:放假{}天,调休上班{}天",
            if before.is_some() { "修改" } else { "录入" },
            entry.holidays.len(),
            entry.workdays.len()
        ),
        seq: entry.version,
        ..LogEntry::by(staff, &scope, "calendar", &at)
    };
    match app
        .records
        .save_holiday_year(&entry, &scope, &log, now.timestamp())
        .await?
    {
        GuardedWrite::Written => {
            app.holidays.forget();
            Ok(entered_view(&entry))
        }
        _ => Err(ApiError::new(
            409,
            "stale_version",
            "该年节假日已被他人修改,请刷新后重试",
        )),
    }
}
