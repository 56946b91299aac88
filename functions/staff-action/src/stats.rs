//! `GET /v1/staff/stats?region=&from=&to=`: counters kept on every change, summed over months;
//! overdue-now counted on the sparse open index (only overdue open reports are read).

use serde::Serialize;
use shared::app::App;
use shared::domain::regions::Level;
use shared::domain::staff::{Queue, Staff, StaffRole};
use shared::domain::stats::{Summary, agency_scope, city_scope, county_scope, province_scope, summarize};
use shared::domain::time::{format, now_cst};
use shared::http::request::query_param;
use shared::http::{ApiError, Request};

#[derive(Debug, Serialize)]
pub struct Stats {
    /// The region (or, for a handler, the agency) the figures cover.
    pub scope: String,
    pub from: String,
    pub to: String,
    #[serde(flatten)]
    pub summary: Summary,
}

fn month(request: &Request, name: &'static str, default: &str) -> Result<String, ApiError> {
    let Some(text) = query_param(request, name) else {
        return Ok(default.to_owned());
    };
    chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .map(|_| text)
        .map_err(|_| ApiError::invalid(name, "月份格式应为 YYYY-MM"))
}

pub async fn stats(app: &App, staff: &Staff, request: &Request) -> Result<Stats, ApiError> {
    let (from, to) = (month(request, "from", "2000-01")?, month(request, "to", "2999-12")?);
    // A period given backwards is read the right way round, as the queue reads its days.
    let (from, to) = if from > to { (to, from) } else { (from, to) };
    let region = query_param(request, "region");
    let regions = &app.directory.regions;
    // Which counters to read, and which queue counts the overdue ones.
    let (scope, queue, county) = match (staff.role, region) {
        (StaffRole::Handler, None) => (
            agency_scope(&staff.agency_id),
            Queue::Agency(staff.agency_id.clone()),
            None,
        ),
        (StaffRole::Handler, Some(_)) => return Err(ApiError::forbidden()),
        (_, region) => {
            let code = region.unwrap_or_else(|| staff.region.clone());
            let place = regions
                .get(&code)
                .ok_or_else(|| ApiError::invalid("region", "区域不存在"))?;
            if !staff.covers_region(&code, app.directory) {
                return Err(ApiError::forbidden());
            }
            match place.level {
                Level::Province => (province_scope(&code), Queue::Province(code), None),
                Level::City => (city_scope(&code), Queue::City(code), None),
                Level::County => {
                    let city = regions
                        .city_of(&code)
                        .ok_or_else(|| ApiError::invalid("region", "区域不存在"))?;
                    (county_scope(&code), Queue::City(city.code.clone()), Some(code))
                }
            }
        }
    };
    let province = &app.directory.regions.province().code;
    let now = format(&now_cst());
    // Independent reads: the period's counters and today's overdue, together.
    let (months, overdue) = tokio::try_join!(
        app.records.stats(&scope, &from, &to),
        app.records.count_overdue(province, &queue, county.as_deref(), &now),
    )?;
    let mut summary = summarize(&months, overdue);
    // The most reported institutions' names, as the registry has them now (read together).
    let names = futures_util::future::try_join_all(
        summary
            .institutions
            .iter()
            .map(|i| app.records.institution(&i.county, &i.id)),
    )
    .await?;
    for (counted, found) in summary.institutions.iter_mut().zip(names) {
        counted.name = found.map(|i| i.name).unwrap_or_else(|| counted.id.clone());
    }
    Ok(Stats {
        scope,
        from,
        to,
        summary,
    })
}
