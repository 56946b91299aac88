//! Whose statistics a request asks for (`region`, `from`, `to`), checked against the caller's
//! reach, and the period's figures: the dashboard shows them, the statistics workbook writes them.

use crate::app::App;
use crate::domain::directory::regions::Level;
use crate::domain::reporting::stats::{
    Summary, agency_scope, city_scope, county_scope, fill_months, province_scope, summarize,
};
use crate::domain::staff::{Queue, Staff, StaffRole};
use crate::http::request::query_param;
use crate::http::{ApiError, Request};

/// Months before and after any report: the bounds of a period not given.
const EARLIEST: &str = "2000-01";
const LATEST: &str = "2999-12";

/// Whose figures a request asks for, checked against the caller's reach.
pub struct Scope {
    /// The counters' scope (`CITY#420100`, `AGENCY#…`).
    pub counters: String,
    /// The queue, and the county within it, whose overdue reports count.
    pub queue: Queue,
    pub county: Option<String>,
    /// The region's level; none for a handler's agency.
    pub level: Option<Level>,
    /// The region's or the agency's name.
    pub name: String,
}

/// The months asked for (`YYYY-MM`), the right way round; none is unbounded.
pub struct Period {
    pub from: Option<String>,
    pub to: Option<String>,
}

impl Period {
    /// The months to read: an open end is the earliest or latest month, and one end given
    /// beyond the other's default (`to=1438-11`) is still read the right way round.
    pub fn bounds(&self) -> (&str, &str) {
        let from = self.from.as_deref().unwrap_or(EARLIEST);
        let to = self.to.as_deref().unwrap_or(LATEST);
        (from.min(to), from.max(to))
    }
}

fn month(request: &Request, name: &'static str) -> Result<Option<String>, ApiError> {
    let Some(text) = query_param(request, name) else {
        return Ok(None);
    };
    chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d")
        .map(|_| Some(text))
        .map_err(|_| ApiError::invalid(name, "月份格式应为 YYYY-MM"))
}

pub fn period(request: &Request) -> Result<Period, ApiError> {
    let (from, to) = (month(request, "from")?, month(request, "to")?);
    // A period given backwards is read the right way round, as the queue reads its days.
    Ok(match (from, to) {
        (Some(from), Some(to)) if from > to => Period {
            from: Some(to),
            to: Some(from),
        },
        (from, to) => Period { from, to },
    })
}

pub fn scope(app: &App, staff: &Staff, request: &Request) -> Result<Scope, ApiError> {
    let region = query_param(request, "region");
    let regions = &app.directory.regions;
    match (staff.role, region) {
        (StaffRole::Handler, None) => Ok(Scope {
            counters: agency_scope(&staff.agency_id),
            queue: Queue::Agency(staff.agency_id.clone()),
            county: None,
            level: None,
            name: app
                .directory
                .agency_by_id(&staff.agency_id)
                .map(|a| a.name)
                .unwrap_or_else(|| staff.agency_id.clone()),
        }),
        (StaffRole::Handler, Some(_)) => Err(ApiError::forbidden()),
        (_, region) => {
            let code = region.unwrap_or_else(|| staff.region.clone());
            let place = regions
                .get(&code)
                .ok_or_else(|| ApiError::invalid("region", "区域不存在"))?;
            if !staff.covers_region(&code, app.directory) {
                return Err(ApiError::forbidden());
            }
            let (counters, queue, county) = match place.level {
                Level::Province => (province_scope(&code), Queue::Province(code), None),
                Level::City => (city_scope(&code), Queue::City(code), None),
                Level::County => {
                    let city = regions
                        .city_of(&code)
                        .ok_or_else(|| ApiError::invalid("region", "区域不存在"))?;
                    (county_scope(&code), Queue::City(city.code.clone()), Some(code))
                }
            };
            Ok(Scope {
                counters,
                queue,
                county,
                level: Some(place.level),
                name: place.name.clone(),
            })
        }
    }
}

/// The period's figures for a scope, and today's overdue count.
pub async fn summary(app: &App, scope: &Scope, period: &Period, now: &str) -> Result<Summary, ApiError> {
    let (from, to) = period.bounds();
    let province = &app.directory.regions.province().code;
    // Independent reads: the period's counters and today's overdue, together.
    let (months, overdue) = tokio::try_join!(
        app.records.stats(&scope.counters, from, to),
        app.records
            .count_overdue(province, &scope.queue, scope.county.as_deref(), now),
    )?;
    let mut summary = summarize(&months, overdue);
    // `now` is RFC 3339 in China time: its first seven characters are this month.
    fill_months(
        &mut summary,
        period.from.as_deref(),
        period.to.as_deref(),
        now.get(..7).unwrap_or(LATEST),
    );
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
    Ok(summary)
}
