//! Automatic dispatch: category → department, county + department → agency.
//!
//! The default directory follows the Hubei rule: every county (and every directly administered
//! city) has one agency per department, id `{county}-{department}`, named after the county
//! (`420106-education` = 武昌区教育局). A loaded directory may name agencies explicitly and let
//! one agency serve several (county, department) pairs, as Changzhou's does.

mod agencies_file;
pub mod catalog;
pub mod offices;
pub mod phones;
pub mod regions;
pub mod templates;

use crate::domain::Rejection;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::{RegionPath, Regions};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::OnceLock;

/// An agency that handles reports: a county's 教育局, 科技局, ….
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    pub id: String,
    pub name: String,
    /// Duty phones that receive the new-report SMS: private, never shown to citizens.
    #[serde(default)]
    pub phones: Vec<String>,
    /// The complaint phone the agency publishes for citizens (举报电话), if any.
    #[serde(default)]
    pub public_phone: Option<String>,
}

/// Who a report is assigned to and where it lies: stored on the report so that the staff side
/// can query a queue per agency, per city and for the province.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Assignment {
    pub agency_id: String,
    pub agency_name: String,
    pub department: String,
    pub province: String,
    pub city: String,
    pub county: String,
}

/// An office of a zone without a division code of its own (a development zone, 经开区): it takes
/// reports only when handed on to it, and they stay located in `region`, the county its streets
/// belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneOffice {
    pub zone: String,
    pub region: String,
    pub department: String,
    pub agency: Agency,
}

/// The regions of a deployment and the agencies that serve them.
/// Where an agency takes a report: the region it sits in, itself, and the department it serves
/// the report for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    pub region: String,
    pub agency: Agency,
    pub department: String,
}

#[derive(Debug)]
pub struct Directory {
    pub regions: Regions,
    explicit: HashMap<(String, String), Agency>,
    zones: Vec<ZoneOffice>,
}

impl Directory {
    /// Regions with the default one-agency-per-department rule.
    pub fn new(regions: Regions) -> Directory {
        Directory {
            regions,
            explicit: HashMap::new(),
            zones: Vec::new(),
        }
    }

    /// Names the agency for `(county, department)` explicitly, overriding the default rule.
    pub fn with_agency(mut self, county: &str, department: &str, agency: Agency) -> Directory {
        self.explicit.insert((county.to_owned(), department.to_owned()), agency);
        self
    }

    /// Hubei's divisions (GB/T 2260, 2024) with the default rule; built once.
    pub fn hubei() -> &'static Directory {
        static HUBEI: OnceLock<Directory> = OnceLock::new();
        HUBEI.get_or_init(|| {
            let regions = Regions::hubei().unwrap_or_else(|e| panic!("the embedded Hubei regions are invalid: {e}"));
            Directory::new(regions)
        })
    }

    fn all_agencies(&self) -> impl Iterator<Item = &Agency> {
        self.explicit.values().chain(self.zones.iter().map(|z| &z.agency))
    }

    /// The zone offices within `region`.
    pub fn zone_offices(&self, region: &str) -> impl Iterator<Item = &ZoneOffice> {
        self.zones.iter().filter(move |z| z.region == region)
    }

    /// Where an agency takes a report handed on to it: its region, itself, and the department it
    /// serves there (the report's own `department` when it serves that one). Any id the directory
    /// defines, or one of the default rule.
    pub fn placement(&self, id: &str, department: &str) -> Option<Placement> {
        let mut served: Vec<(&String, &String, &Agency)> = self
            .explicit
            .iter()
            .map(|((region, dept), agency)| (region, dept, agency))
            .chain(self.zones.iter().map(|z| (&z.region, &z.department, &z.agency)))
            .filter(|(_, _, agency)| agency.id == id)
            .collect();
        served.sort_by_key(|(region, dept, _)| (*dept != department, (*region).clone(), (*dept).clone()));
        if let Some((region, dept, agency)) = served.first() {
            return Some(Placement {
                region: (*region).clone(),
                agency: (*agency).clone(),
                department: (*dept).clone(),
            });
        }
        let (region, dept) = id.rsplit_once('-')?;
        let agency = self.agency(region, dept).filter(|a| a.id == id)?;
        Some(Placement {
            region: region.to_owned(),
            agency,
            department: dept.to_owned(),
        })
    }

    /// The city a region lies in, or the province for the province itself: the partition of
    /// the roster and of the audit log a city supervisor reads.
    pub fn scope_of(&self, region: &str) -> String {
        self.regions
            .city_of(region)
            .map_or_else(|| self.regions.province().code.clone(), |city| city.code.clone())
    }

    /// An agency by id, explicit or by the default `{region}-{department}` rule.
    pub fn agency_by_id(&self, id: &str) -> Option<Agency> {
        if let Some(agency) = self.all_agencies().find(|a| a.id == id) {
            return Some(agency.clone());
        }
        let (region, department) = id.rsplit_once('-')?;
        self.agency(region, department).filter(|a| a.id == id)
    }

    /// The agency of `region` (a county, or a directly administered city) for `department`.
    pub fn agency(&self, region: &str, department: &str) -> Option<Agency> {
        if let Some(agency) = self.explicit.get(&(region.to_owned(), department.to_owned())) {
            return Some(agency.clone());
        }
        let region = self.regions.get(region)?;
        let suffix = &Catalog::get().department(department)?.default_name_suffix;
        Some(Agency {
            id: format!("{}-{department}", region.code),
            name: format!("{}{suffix}", region.name),
            phones: vec![],
            public_phone: None,
        })
    }

    /// Validates the place and category of a report and picks its agency.
    pub fn dispatch(&self, city: &str, county: &str, category: &str) -> Result<Assignment, Rejection> {
        let RegionPath { province, city, county } = self.regions.locate(city, county)?;
        let department = Catalog::get()
            .category(category)
            .map(|c| c.department.clone())
            .ok_or_else(|| Rejection::invalid("category", "所属分类不存在"))?;
        let agency = self
            .agency(&county, &department)
            .ok_or_else(|| Rejection::invalid("county", "该区县暂无受理机构"))?;
        Ok(Assignment {
            agency_id: agency.id,
            agency_name: agency.name,
            department,
            province,
            city,
            county,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn a_wuchang_academic_report_goes_to_the_wuchang_education_bureau() {
        let assignment = Directory::hubei().dispatch("420100", "420106", "academic").unwrap();
        assert_eq!(assignment.agency_id, "420106-education");
        assert_eq!(assignment.agency_name, "武昌区教育局");
        assert_eq!(
            (assignment.province.as_str(), assignment.city.as_str()),
            ("420000", "420100")
        );
    }

    #[test]
    fn each_category_reaches_its_department() {
        let directory = Directory::hubei();
        let names: Vec<String> = ["academic", "technology", "arts", "sports"]
            .iter()
            .map(|c| directory.dispatch("420100", "420111", c).unwrap().agency_name)
            .collect();
        assert_eq!(
            names,
            ["洪山区教育局", "洪山区科技局", "洪山区文化和旅游局", "洪山区体育局"]
        );
    }

    #[test]
    fn directly_administered_cities_have_their_own_agencies() {
        let assignment = Directory::hubei().dispatch("429004", "429004", "sports").unwrap();
        assert_eq!(
            (assignment.agency_id.as_str(), assignment.agency_name.as_str()),
            ("429004-sports", "仙桃市体育局")
        );
        assert_eq!(assignment.city, "429004");
    }

    #[test]
    fn unknown_category_or_mismatched_county_is_rejected_by_field() {
        let directory = Directory::hubei();
        assert!(
            matches!(directory.dispatch("420100", "420106", "cooking"), Err(Rejection::Invalid { field, .. }) if field == "category")
        );
        assert!(
            matches!(directory.dispatch("420200", "420106", "academic"), Err(Rejection::Invalid { field, .. }) if field == "county")
        );
    }

    #[test]
    fn a_directory_file_names_agencies_and_their_duty_phones() {
        let regions = Regions::hubei().unwrap();
        let csv = "region,department,agency_id,agency_name,phones\n420106,education,420106-education,武昌区教育局,13900000001; 13900000002\n";
        let directory = Directory::new(regions).with_agencies_csv(csv).unwrap();
        let agency = directory.agency_by_id("420106-education").unwrap();
        assert_eq!(agency.phones, ["13900000001", "13900000002"]);
        assert!(
            directory.agency_by_id("420111-education").unwrap().phones.is_empty(),
            "default rule"
        );
        assert!(directory.agency_by_id("nowhere").is_none());
        let regions = Regions::hubei().unwrap();
        assert!(
            Directory::new(regions)
                .with_agencies_csv("region,department,agency_id,agency_name,phones\n999999,education,x,y,\n")
                .is_err()
        );
    }

    #[test]
    fn a_bad_row_of_a_directory_file_is_named_by_its_line() {
        let header = "region,department,agency_id,agency_name,phones\n";
        let good = "420106,education,420106-education,武昌区教育局,13900000001\n";
        let read =
            |rows: &str| Directory::new(Regions::hubei().unwrap()).with_agencies_csv(&format!("{header}{good}{rows}"));
        for (rows, said) in [
            ("999999,education,x,y,\n", "agencies line 3: unknown region 999999"),
            (
                "420111,education, ,y,\n",
                "agencies line 3: an agency needs an id and a name",
            ),
            (
                "420111,education,420106-education,另一个局,\n",
                "agencies line 3: 420106-education is both",
            ),
            ("420111,education,x\n", "agencies line 3: "),
        ] {
            let error = read(rows).expect_err(rows);
            assert!(error.starts_with(said), "{rows}: {error}");
        }
    }

    #[test]
    fn an_explicit_agency_can_serve_several_departments() {
        let regions = Regions::from_csv(
            "code,name,level,parent_code\n320000,江苏省,province,\n320400,常州市,city,320000\n320412,武进区,county,320400\n",
        )
        .unwrap();
        let shared = Agency {
            id: "320412-wenti".into(),
            name: "武进区文体广电和旅游局".into(),
            phones: vec!["0519-86311153".into()],
            public_phone: None,
        };
        let directory = Directory::new(regions)
            .with_agency("320412", "culture", shared.clone())
            .with_agency("320412", "sports", shared.clone());
        assert_eq!(
            directory.dispatch("320400", "320412", "arts").unwrap().agency_id,
            shared.id
        );
        assert_eq!(
            directory.dispatch("320400", "320412", "sports").unwrap().agency_id,
            shared.id
        );
        assert_eq!(
            directory.dispatch("320400", "320412", "academic").unwrap().agency_name,
            "武进区教育局"
        );
    }

    /// Changzhou's folder as shipped (provinces/changzhou/).
    pub(crate) fn changzhou() -> Directory {
        let regions = Regions::from_csv(include_str!("../../../../provinces/changzhou/regions.csv")).unwrap();
        Directory::new(regions)
            .with_agencies_csv(include_str!("../../../../provinces/changzhou/agencies.csv"))
            .unwrap()
    }

    #[test]
    fn changzhous_shared_offices_take_each_department_they_serve() {
        let directory = changzhou();
        let arts = directory.dispatch("320400", "320402", "arts").unwrap();
        let sports = directory.dispatch("320400", "320402", "sports").unwrap();
        assert_eq!(
            (arts.agency_id.as_str(), arts.agency_name.as_str()),
            ("cz-tianning-c", "天宁区文化体育和旅游局")
        );
        assert_eq!(sports.agency_id, arts.agency_id, "one office, two departments");
        assert_eq!(
            directory.dispatch("320400", "320412", "academic").unwrap().agency_name,
            "武进区教育局"
        );
        // A development zone's office takes reports only when handed on, located in 武进区.
        assert!(
            directory
                .zone_offices("320412")
                .any(|z| z.agency.name == "经开区社会事业局")
        );
        let zone = directory.placement("cz-jingkai-a", "education").unwrap();
        assert_eq!(
            (
                zone.region.as_str(),
                zone.agency.name.as_str(),
                zone.department.as_str()
            ),
            ("320412", "经开区社会事业局", "education")
        );
        let placement = directory.placement("cz-jingkai-a", "science").unwrap();
        assert_eq!(placement.department, "culture", "a department it serves");
        assert_eq!(directory.agency_by_id("cz-jingkai-b").unwrap().name, "经开区科技金融局");
        assert!(
            directory.placement("320412-education", "education").is_none(),
            "no default-rule id where the file names them"
        );
    }

    #[test]
    fn one_agency_id_is_one_office() {
        let regions = Regions::from_csv(include_str!("../../../../provinces/changzhou/regions.csv")).unwrap();
        let twice =
            "region,department,agency_id,agency_name,phones\n320402,education,x,甲局,\n320404,education,x,乙局,\n";
        assert!(Directory::new(regions).with_agencies_csv(twice).is_err());
    }
}
