//! `GET /v1/staff/reports`: the caller's queue, filtered, newest first.

use crate::evidence;
use chrono::NaiveDate;
use serde::Serialize;
use shared::adapters::dynamo::QueueFilter;
use shared::app::App;
use shared::domain::directory::catalog::Catalog;
use shared::domain::registry::institution::is_id;
use shared::domain::report::serial::bounds_for_days;
use shared::domain::report::status::Status;
use shared::domain::staff::Staff;
use shared::domain::time::{format, now_cst};
use shared::domain::views::staff::{StaffListItem, staff_list_item};
use shared::http::request::{limit, query_param};
use shared::http::{ApiError, Request};

#[derive(Debug, Serialize)]
pub struct Queue {
    pub items: Vec<StaffListItem>,
    pub next_cursor: Option<String>,
}

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

pub async fn list(app: &App, staff: &Staff, request: &Request) -> Result<Queue, ApiError> {
    let filter = filter(app, staff, request)?;
    let limit = limit(request, 20, 100)?;
    let cursor = query_param(request, "cursor");
    let (page, calendar) = tokio::try_join!(
        async {
            Ok(app
                .records
                .queue(&staff.queue(), &filter, limit, cursor.as_deref())
                .await?)
        },
        async { Ok::<_, ApiError>(app.calendar().await?) }
    )?;
    let now = now_cst();
    let expires_at = evidence::expiry(app);
    let mut items = Vec::with_capacity(page.items.len());
    for report in &page.items {
        let mut item = staff_list_item(report, &app.directory.regions, &calendar, &now);
        item.thumbnail = evidence::thumbnail(app, report, &expires_at).await?;
        items.push(item);
    }
    Ok(Queue {
        items,
        next_cursor: page.next,
    })
}
