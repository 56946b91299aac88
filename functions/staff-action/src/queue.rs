//! `GET /v1/staff/reports`: the caller's queue, filtered, newest first.

use crate::evidence;
use serde::Serialize;
use shared::app::App;
use shared::domain::staff::Staff;
use shared::domain::time::now_cst;
use shared::domain::views::staff::{StaffListItem, staff_list_item};
use shared::http::request::{limit, query_param};
use shared::http::{ApiError, Request};
use shared::reads::queue::filter;

#[derive(Debug, Serialize)]
pub struct Queue {
    pub items: Vec<StaffListItem>,
    pub next_cursor: Option<String>,
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
