//! Which office to call (举报电话): for a county, per category, the county's agency and the city's
//! with their public complaint phones, as a city notice lists them for parents. Duty phones (the
//! SMS numbers) are never part of it.

use crate::domain::Rejection;
use crate::domain::directory::Directory;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::{Level, NamedRegion, Regions};
use serde::Serialize;

/// One office: the agency of a level (`county` or `city`) and its public phone, if published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Office {
    /// Which agency, to put a phone saved in 机构与电话 in place of the file's.
    #[serde(skip)]
    pub agency_id: String,
    pub level: &'static str,
    pub name: String,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CategoryOffices {
    pub category: String,
    pub category_name: String,
    /// The county's agency first, then the city's (one office where the city is its own county).
    pub offices: Vec<Office>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Offices {
    pub county: NamedRegion,
    pub city: NamedRegion,
    pub categories: Vec<CategoryOffices>,
}

/// The offices for `county` (a county, or a directly administered city); `None` when the code
/// names no such place.
pub fn offices(directory: &Directory, county: &str) -> Result<Option<Offices>, Rejection> {
    if !Regions::is_code(county) {
        return Err(Rejection::invalid("county", "区县代码应为6位数字"));
    }
    let regions = &directory.regions;
    let Some(place) = regions.get(county) else {
        return Ok(None);
    };
    if place.level != Level::County && !regions.is_directly_administered(place) {
        return Ok(None);
    }
    let Some(city) = regions.city_of(&place.code) else {
        return Ok(None);
    };
    let mut categories = Vec::new();
    for category in &Catalog::get().categories {
        let levels = [("county", &place.code), ("city", &city.code)];
        let mut offices: Vec<Office> = Vec::new();
        for (level, region) in levels {
            let Some(agency) = directory.agency(region, &category.department) else {
                continue;
            };
            if offices.iter().any(|o| o.name == agency.name) {
                continue;
            }
            offices.push(Office {
                agency_id: agency.id,
                level,
                name: agency.name,
                phone: agency.public_phone,
            });
        }
        categories.push(CategoryOffices {
            category: category.code.clone(),
            category_name: category.name.clone(),
            offices,
        });
    }
    Ok(Some(Offices {
        county: NamedRegion::from(place),
        city: NamedRegion::from(city),
        categories,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::Agency;

    #[test]
    fn each_category_names_the_county_office_then_the_citys() {
        let offices = offices(Directory::hubei(), "420106").unwrap().unwrap();
        assert_eq!(
            (offices.county.name.as_str(), offices.city.name.as_str()),
            ("武昌区", "武汉市")
        );
        let academic = &offices.categories[0];
        assert_eq!(academic.category, "academic");
        let names: Vec<(&str, &str)> = academic.offices.iter().map(|o| (o.level, o.name.as_str())).collect();
        assert_eq!(names, [("county", "武昌区教育局"), ("city", "武汉市教育局")]);
        assert_eq!(offices.categories.len(), Catalog::get().categories.len());
    }

    #[test]
    fn a_directly_administered_city_is_one_office_per_category() {
        let offices = offices(Directory::hubei(), "429004").unwrap().unwrap();
        assert!(offices.categories.iter().all(|c| c.offices.len() == 1), "{offices:?}");
    }

    #[test]
    fn public_phones_are_shown_and_duty_phones_never() {
        let regions = crate::domain::directory::regions::Regions::hubei().unwrap();
        let agency = Agency {
            id: "420106-education".into(),
            name: "武昌区教育局".into(),
            phones: vec!["13900000000".into()],
            public_phone: Some("027-00000106".into()),
        };
        let directory = Directory::new(regions).with_agency("420106", "education", agency);
        let offices = offices(&directory, "420106").unwrap().unwrap();
        let text = serde_json::to_string(&offices).unwrap();
        assert!(text.contains("027-00000106"));
        assert!(!text.contains("13900000000"), "{text}");
    }

    #[test]
    fn codes_that_are_no_county_find_nothing_and_malformed_ones_are_refused() {
        assert_eq!(
            offices(Directory::hubei(), "420100").unwrap(),
            None,
            "a city with counties"
        );
        assert_eq!(offices(Directory::hubei(), "999999").unwrap(), None);
        assert!(offices(Directory::hubei(), "4201").is_err());
    }
}
