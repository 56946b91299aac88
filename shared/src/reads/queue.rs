//! The queue's filters from a query string (`status`, `county`, `category`, `overdue`,
//! `dissatisfied`, `awaiting`, `institution`, `from`, `to`), checked against the caller's reach:
//! the queue shows them, the export writes them.

use crate::adapters::dynamo::QueueFilter;
use crate::app::App;
use crate::domain::directory::catalog::Catalog;
use crate::domain::registry::institution::is_id;
use crate::domain::report::serial::bounds_for_days;
use crate::domain::report::status::Status;
use crate::domain::staff::Staff;
use crate::domain::time::{format, now_cst};
use crate::http::request::query_param;
use crate::http::{ApiError, Request};
use chrono::NaiveDate;

/// A day of the query string (`YYYY-MM-DD`), or a 400 naming it.
pub fn day(request: &Request, name: &'static str) -> Result<Option<NaiveDate>, ApiError> {
    query_param(request, name)
        .map(|text| {
            NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| ApiError::invalid(name, "日期格式应为 YYYY-MM-DD"))
        })
        .transpose()
}

/// The filters of the query string, checked.
pub fn filter(app: &App, staff: &Staff, request: &Request) -> Result<QueueFilter, ApiError> {
    let status = query_param(request, "status");
    if let Some(status) = &status
        && ![Status::Pending, Status::Processing, Status::Replied]
            .iter()
            .any(|s| s.code() == status)
    {
        return Err(ApiError::invalid("status", "状态只能是 pending、processing 或 replied"));
    }
    let county = query_param(request, "county");
    if let Some(county) = &county
        && !staff.covers_region(county, app.directory)
        && staff.is_supervisor()
    {
        return Err(ApiError::invalid("county", "区县不在您的管辖范围内"));
    }
    let category = query_param(request, "category");
    if let Some(category) = &category
        && Catalog::get().category(category).is_none()
    {
        return Err(ApiError::invalid("category", "所属分类不存在"));
    }
    let flag = |name: &'static str| match query_param(request, name).as_deref() {
        None | Some("false") => Ok(false),
        Some("true") => Ok(true),
        Some(_) => Err(ApiError::invalid(name, format!("{name} 只能是 true 或 false"))),
    };
    let overdue = flag("overdue")?;
    let dissatisfied = flag("dissatisfied")?;
    let awaiting = flag("awaiting")?;
    let institution = query_param(request, "institution");
    if let Some(id) = &institution
        && !is_id(id)
    {
        return Err(ApiError::invalid("institution", "机构不存在"));
    }
    let (from_serial, to_serial) = bounds_for_days(day(request, "from")?, day(request, "to")?);
    Ok(QueueFilter {
        status,
        county,
        category,
        overdue_at: overdue.then(|| format(&now_cst())),
        dissatisfied,
        awaiting_at: awaiting.then(|| format(&now_cst())),
        from_serial,
        to_serial,
        institution,
    })
}
