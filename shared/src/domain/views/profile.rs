//! Who a signed-in staff member is, as the admin site shows it in its header, and the agencies
//! they may hand a report on to (the same reach `actions::destination` enforces).

use crate::domain::calendar::Calendar;
use crate::domain::directory::Directory;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::{Level, Region};
use crate::domain::staff::roster::role_label;
use crate::domain::staff::{Staff, StaffRole};
use crate::domain::views::AgencyView;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Debug, Clone, Serialize)]
pub struct RegionView {
    pub code: String,
    pub name: String,
    pub level: Level,
}

#[derive(Debug, Clone, Serialize)]
pub struct TransferTarget {
    pub id: String,
    pub name: String,
    /// The region the agency serves (a county, or a city for its city-level agencies).
    pub region: String,
    pub region_name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffProfile {
    /// The subject the roster knows this person by.
    pub sub: String,
    pub name: String,
    pub role: StaffRole,
    /// 受理人员, 市级督导, 省级督导.
    pub role_name: &'static str,
    pub agency: Option<AgencyView>,
    pub region: RegionView,
    pub transfer_targets: Vec<TransferTarget>,
    /// A year whose holidays the platform lacks, said to every staff member (the site's banner).
    pub calendar_warning: Option<CalendarWarning>,
}

/// 节假日安排缺失: deadlines in `year` count weekends only until its holidays are entered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CalendarWarning {
    pub year: i32,
    pub message: String,
}

/// The warning at `now`, if the calendar lacks a year it needs (`Calendar::missing_year`).
pub fn calendar_warning(calendar: &Calendar, now: &DateTime<FixedOffset>) -> Option<CalendarWarning> {
    let year = calendar.missing_year(now)?;
    Some(CalendarWarning {
        year,
        message: format!(
            "平台尚未录入{year}年节假日安排:{year}年的办理时限暂只按周末计算,法定节假日和调休上班日未计入。\
             请省级督导按国务院办公厅节假日安排通知在“节假日”页录入,录入后相关举报的期限将自动重算。"
        ),
    })
}

/// The regions whose agencies `staff` may transfer to: a handler and a city supervisor within
/// their city, the province supervisor anywhere.
fn reachable_regions<'a>(staff: &Staff, directory: &'a Directory) -> Vec<&'a Region> {
    let regions = &directory.regions;
    let cities: Vec<&Region> = match staff.role {
        StaffRole::Province => regions.cities().collect(),
        StaffRole::City => regions.get(&staff.region).into_iter().collect(),
        StaffRole::Handler => regions.city_of(&staff.region).into_iter().collect(),
    };
    let mut out = Vec::new();
    for city in cities {
        out.push(city);
        out.extend(regions.counties_of(city).into_iter().filter(|c| c.code != city.code));
    }
    out
}

pub fn staff_profile(staff: &Staff, directory: &Directory) -> StaffProfile {
    let region = directory.regions.get(&staff.region);
    let mut seen = BTreeSet::new();
    let mut transfer_targets = Vec::new();
    for place in reachable_regions(staff, directory) {
        for department in &Catalog::get().departments {
            if let Some(agency) = directory.agency(&place.code, &department.code)
                && seen.insert(agency.id.clone())
            {
                transfer_targets.push(TransferTarget {
                    id: agency.id,
                    name: agency.name,
                    region: place.code.clone(),
                    region_name: place.name.clone(),
                });
            }
        }
        // A zone's offices, listed with the county they lie in.
        for office in directory.zone_offices(&place.code) {
            if seen.insert(office.agency.id.clone()) {
                transfer_targets.push(TransferTarget {
                    id: office.agency.id.clone(),
                    name: office.agency.name.clone(),
                    region: place.code.clone(),
                    region_name: format!("{}({})", office.zone, place.name),
                });
            }
        }
    }
    StaffProfile {
        sub: staff.sub.clone(),
        name: staff.name.clone(),
        role: staff.role,
        role_name: role_label(staff.role),
        agency: directory
            .agency_by_id(&staff.agency_id)
            .map(|a| AgencyView { id: a.id, name: a.name }),
        region: RegionView {
            code: staff.region.clone(),
            name: region.map(|r| r.name.clone()).unwrap_or_default(),
            level: region.map_or(Level::County, |r| r.level),
        },
        calendar_warning: None,
        transfer_targets,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::staff::tests::staff;

    #[test]
    fn a_handler_sees_its_agency_and_may_hand_on_within_its_city() {
        let profile = staff_profile(
            &staff(StaffRole::Handler, "420106-education", "420106"),
            Directory::hubei(),
        );
        assert_eq!(profile.agency.as_ref().map(|a| a.name.as_str()), Some("武昌区教育局"));
        assert_eq!(
            (profile.region.name.as_str(), profile.region.level),
            ("武昌区", Level::County)
        );
        let ids: Vec<&str> = profile.transfer_targets.iter().map(|t| t.id.as_str()).collect();
        assert!(ids.contains(&"420111-education") && ids.contains(&"420100-education"));
        assert!(!ids.iter().any(|id| id.starts_with("4202")), "not 黄石市's agencies");
    }

    #[test]
    fn the_province_supervisor_reaches_every_city_and_has_no_agency() {
        let profile = staff_profile(&staff(StaffRole::Province, "", "420000"), Directory::hubei());
        assert!(profile.agency.is_none());
        assert_eq!(profile.role_name, "省级督导");
        let ids: Vec<&str> = profile.transfer_targets.iter().map(|t| t.id.as_str()).collect();
        assert!(
            ids.contains(&"420202-education") && ids.contains(&"429004-sports"),
            "仙桃市 acts as a county"
        );
        let unique: BTreeSet<&&str> = ids.iter().collect();
        assert_eq!(unique.len(), ids.len());
    }
}
