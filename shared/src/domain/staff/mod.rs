//! Agency staff and what they may see: a handler sees its agency's reports, a city supervisor
//! every report in its city, a province supervisor every report in the province.

pub mod actions;
pub mod roster;

use crate::domain::directory::Directory;
use crate::domain::directory::regions::Level;
use crate::domain::report::Report;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StaffRole {
    /// Works the reports of one agency (a county's 教育局, or a directly administered city's).
    Handler,
    /// Supervises a city (市/州).
    City,
    /// Supervises the province.
    Province,
}

impl StaffRole {
    /// The stored (lowercase) name, as tokens and the API carry it.
    pub fn code(self) -> &'static str {
        match self {
            StaffRole::Handler => "handler",
            StaffRole::City => "city",
            StaffRole::Province => "province",
        }
    }

    pub fn parse(text: &str) -> Option<StaffRole> {
        match text {
            "handler" => Some(StaffRole::Handler),
            "city" => Some(StaffRole::City),
            "province" => Some(StaffRole::Province),
            _ => None,
        }
    }
}

/// A signed-in staff member, from the staff pool's claims.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staff {
    pub sub: String,
    pub name: String,
    pub role: StaffRole,
    /// The agency a handler works for; supervisors may belong to one too.
    pub agency_id: String,
    /// The region the role covers: the agency's region, the city, or the province.
    pub region: String,
}

/// Which queue a staff member works from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Queue {
    Agency(String),
    City(String),
    Province(String),
}

impl Staff {
    /// Checks the claims against the directory: the region must exist at the role's level, a
    /// handler's agency must exist.
    pub fn is_consistent(&self, directory: &Directory) -> bool {
        let level = directory.regions.get(&self.region).map(|r| r.level);
        match self.role {
            StaffRole::Province => level == Some(Level::Province),
            StaffRole::City => level == Some(Level::City),
            StaffRole::Handler => !self.agency_id.is_empty() && level.is_some(),
        }
    }

    pub fn is_supervisor(&self) -> bool {
        matches!(self.role, StaffRole::City | StaffRole::Province)
    }

    pub fn queue(&self) -> Queue {
        match self.role {
            StaffRole::Handler => Queue::Agency(self.agency_id.clone()),
            StaffRole::City => Queue::City(self.region.clone()),
            StaffRole::Province => Queue::Province(self.region.clone()),
        }
    }

    /// Whether the report lies within this staff member's reach.
    pub fn can_see(&self, report: &Report) -> bool {
        let a = &report.assignment;
        match self.role {
            StaffRole::Handler => a.agency_id == self.agency_id,
            StaffRole::City => a.city == self.region,
            StaffRole::Province => a.province == self.region,
        }
    }

    /// Whether a region (county, city or province code) lies within this staff member's reach.
    pub fn covers_region(&self, region: &str, directory: &Directory) -> bool {
        let regions = &directory.regions;
        match self.role {
            StaffRole::Province => regions.get(region).is_some(),
            StaffRole::City => region == self.region || regions.city_of(region).is_some_and(|c| c.code == self.region),
            StaffRole::Handler => region == self.region,
        }
    }
}

/// `张**`: the surname, enough to address the reporter, not to identify them.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::report::tests::sample;

    pub(crate) fn staff(role: StaffRole, agency: &str, region: &str) -> Staff {
        Staff {
            sub: "s".into(),
            name: "李四".into(),
            role,
            agency_id: agency.into(),
            region: region.into(),
        }
    }

    #[test]
    fn each_role_sees_its_own_reach() {
        let report = sample(true); // 武昌区, academic → 420106-education
        assert!(staff(StaffRole::Handler, "420106-education", "420106").can_see(&report));
        assert!(!staff(StaffRole::Handler, "420106-science", "420106").can_see(&report));
        assert!(staff(StaffRole::City, "", "420100").can_see(&report));
        assert!(!staff(StaffRole::City, "", "420200").can_see(&report));
        assert!(staff(StaffRole::Province, "", "420000").can_see(&report));
        assert!(!staff(StaffRole::Province, "", "320000").can_see(&report));
    }

    #[test]
    fn claims_must_fit_the_directory() {
        let directory = Directory::hubei();
        assert!(staff(StaffRole::City, "", "420100").is_consistent(directory));
        assert!(
            !staff(StaffRole::City, "", "420106").is_consistent(directory),
            "a county is not a city"
        );
        assert!(!staff(StaffRole::Province, "", "420100").is_consistent(directory));
        assert!(!staff(StaffRole::Handler, "", "420106").is_consistent(directory));
    }

    #[test]
    fn regions_covered() {
        let directory = Directory::hubei();
        let city = staff(StaffRole::City, "", "420100");
        assert!(city.covers_region("420100", directory) && city.covers_region("420106", directory));
        assert!(!city.covers_region("420202", directory) && !city.covers_region("420000", directory));
        assert!(staff(StaffRole::Province, "", "420000").covers_region("420202", directory));
    }

    #[test]
    fn names_keep_only_the_surname() {
        assert_eq!(mask_name("张三"), "张*");
        assert_eq!(mask_name("欧阳娜娜"), "欧***");
        assert_eq!(mask_name(""), "");
    }

    #[test]
    fn phones_are_masked_in_the_middle() {}
}
