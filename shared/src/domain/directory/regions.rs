//! Administrative divisions (GB/T 2260): a province, its cities (市/州) and their counties (县/区).
//! Directly administered county-level units (仙桃, 潜江, 天门, 神农架林区) are cities with no
//! counties below them: they act as both city and county. Each division may give its seat (the
//! position of its people's government), from which the H5 picks the nearest county.

use crate::domain::Rejection;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use thiserror::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Province,
    City,
    County,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub level: Level,
    pub parent_code: Option<String>,
    /// The seat's latitude and longitude (WGS-84), optional columns `lat,lng`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lat: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lng: Option<f64>,
}

/// Where a division's people's government sits (WGS-84 degrees).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Seat {
    pub lat: f64,
    pub lng: f64,
}

impl Region {
    /// The seat, when the file gives one.
    pub fn seat(&self) -> Option<Seat> {
        Some(Seat {
            lat: self.lat?,
            lng: self.lng?,
        })
    }
}

#[derive(Debug, Error)]
pub enum RegionsError {
    #[error("regions file: {0}")]
    Csv(#[from] csv::Error),
    #[error("regions file must hold exactly one province, found {0}")]
    Province(usize),
    #[error("region {code} names parent {parent}, which is not a {expected:?}")]
    Parent {
        code: String,
        parent: String,
        expected: Level,
    },
    #[error("region {0}: lat and lng must both be given, within -90..90 and -180..180")]
    Seat(String),
}

/// Where a report is: the three levels, each a region code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionPath {
    pub province: String,
    pub city: String,
    pub county: String,
}

/// A region by code with its name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NamedRegion {
    pub code: String,
    pub name: String,
}

impl From<&Region> for NamedRegion {
    fn from(region: &Region) -> NamedRegion {
        NamedRegion {
            code: region.code.clone(),
            name: region.name.clone(),
        }
    }
}

/// A province's divisions, loaded from a `code,name,level,parent_code` CSV.
#[derive(Debug)]
pub struct Regions {
    ordered: Vec<Region>,
    index: HashMap<String, usize>,
    province: usize,
}

/// A row of the regions compiled in (`shared/build.rs`): a `Region` in static strings.
struct RegionRow {
    code: &'static str,
    name: &'static str,
    level: Level,
    parent_code: Option<&'static str>,
    lat: Option<f64>,
    lng: Option<f64>,
}

/// Hubei's divisions (GB/T 2260, 2024), from `data/hubei-regions.csv` at build time.
const HUBEI: &[RegionRow] = include!(concat!(env!("OUT_DIR"), "/hubei_regions.rs"));

impl Regions {
    pub fn from_csv(text: &str) -> Result<Regions, RegionsError> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let ordered = reader.deserialize::<Region>().collect::<Result<Vec<_>, _>>()?;
        Regions::from_regions(ordered)
    }

    /// Hubei's divisions, compiled in: what `from_csv` makes of `data/hubei-regions.csv`,
    /// without parsing it at every cold start.
    pub fn hubei() -> Result<Regions, RegionsError> {
        Regions::from_regions(
            HUBEI
                .iter()
                .map(|row| Region {
                    code: row.code.to_owned(),
                    name: row.name.to_owned(),
                    level: row.level,
                    parent_code: row.parent_code.map(str::to_owned),
                    lat: row.lat,
                    lng: row.lng,
                })
                .collect(),
        )
    }

    /// Checks divisions in their file's order: seats within range, one province, every parent
    /// one level up.
    fn from_regions(mut ordered: Vec<Region>) -> Result<Regions, RegionsError> {
        for region in &mut ordered {
            region.parent_code = region.parent_code.take().filter(|p| !p.is_empty());
            let in_range = match (region.lat, region.lng) {
                (Some(lat), Some(lng)) => (-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng),
                (None, None) => true,
                _ => false,
            };
            if !in_range {
                return Err(RegionsError::Seat(region.code.clone()));
            }
        }
        let provinces: Vec<usize> = ordered
            .iter()
            .enumerate()
            .filter(|(_, r)| r.level == Level::Province)
            .map(|(i, _)| i)
            .collect();
        let [province] = provinces[..] else {
            return Err(RegionsError::Province(provinces.len()));
        };
        let index = ordered.iter().enumerate().map(|(i, r)| (r.code.clone(), i)).collect();
        let regions = Regions {
            ordered,
            index,
            province,
        };
        regions.check_parents()?;
        Ok(regions)
    }

    fn check_parents(&self) -> Result<(), RegionsError> {
        for region in &self.ordered {
            let expected = match region.level {
                Level::Province => continue,
                Level::City => Level::Province,
                Level::County => Level::City,
            };
            let parent = region.parent_code.clone().unwrap_or_default();
            if self.get(&parent).map(|p| p.level) != Some(expected) {
                return Err(RegionsError::Parent {
                    code: region.code.clone(),
                    parent,
                    expected,
                });
            }
        }
        Ok(())
    }

    pub fn province(&self) -> &Region {
        &self.ordered[self.province]
    }

    /// Whether `text` is shaped like a GB/T 2260 code (six digits), whether or not it names a
    /// place here.
    pub fn is_code(text: &str) -> bool {
        text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit())
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.index.get(code).map(|&i| &self.ordered[i])
    }

    pub fn cities(&self) -> impl Iterator<Item = &Region> {
        self.ordered.iter().filter(|r| r.level == Level::City)
    }

    /// The counties a report in `city` may name; a directly administered city names itself.
    pub fn counties_of<'a>(&'a self, city: &'a Region) -> Vec<&'a Region> {
        let below: Vec<&Region> = self
            .ordered
            .iter()
            .filter(|r| r.level == Level::County && r.parent_code.as_deref() == Some(&city.code))
            .collect();
        if below.is_empty() { vec![city] } else { below }
    }

    pub fn is_directly_administered(&self, city: &Region) -> bool {
        city.level == Level::City
            && !self
                .ordered
                .iter()
                .any(|r| r.parent_code.as_deref() == Some(&city.code))
    }

    /// Whether `code` is what a report names as its county: a county, or a directly
    /// administered city.
    pub fn is_county(&self, code: &str) -> bool {
        self.get(code)
            .is_some_and(|r| r.level == Level::County || self.is_directly_administered(r))
    }

    /// Checks that `county` lies in `city` and returns the full place.
    pub fn locate(&self, city: &str, county: &str) -> Result<RegionPath, Rejection> {
        let city_region = self
            .get(city)
            .filter(|r| r.level == Level::City)
            .ok_or_else(|| Rejection::invalid("city", "所选地市不存在"))?;
        if !self.counties_of(city_region).iter().any(|c| c.code == county) {
            return Err(Rejection::invalid("county", "所选区县不属于所选地市"));
        }
        Ok(RegionPath {
            province: self.province().code.clone(),
            city: city.to_owned(),
            county: county.to_owned(),
        })
    }

    /// The city a county (or a directly administered city) belongs to.
    pub fn city_of(&self, code: &str) -> Option<&Region> {
        let region = self.get(code)?;
        match region.level {
            Level::City => Some(region),
            Level::County => self.get(region.parent_code.as_deref()?),
            Level::Province => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hubei() -> Regions {
        Regions::from_csv(include_str!("../../../data/hubei-regions.csv")).unwrap()
    }

    #[test]
    fn the_compiled_hubei_regions_are_the_file_read_as_any_province_file_is() {
        let compiled = Regions::hubei().unwrap();
        let read = hubei();
        assert_eq!(compiled.ordered, read.ordered);
        assert_eq!(compiled.province, read.province);
        assert_eq!(compiled.index, read.index);
        assert!(
            compiled.ordered.iter().all(|r| r.seat().is_some()),
            "every seat compiled in"
        );
    }

    #[test]
    fn hubei_has_one_province_17_cities_and_99_counties() {
        let regions = hubei();
        assert_eq!(regions.province().name, "湖北省");
        assert_eq!(regions.cities().count(), 17);
        let counties: usize = regions
            .cities()
            .filter(|c| !regions.is_directly_administered(c))
            .map(|c| regions.counties_of(c).len())
            .sum();
        assert_eq!(counties, 99);
    }

    #[test]
    fn directly_administered_cities_act_as_their_own_county() {
        let regions = hubei();
        for code in ["429004", "429005", "429006", "429021"] {
            let city = regions.get(code).unwrap();
            assert!(regions.is_directly_administered(city), "{code}");
            assert_eq!(
                regions
                    .counties_of(city)
                    .iter()
                    .map(|c| c.code.as_str())
                    .collect::<Vec<_>>(),
                [code]
            );
            assert!(regions.locate(code, code).is_ok());
        }
        assert!(!regions.is_directly_administered(regions.get("420100").unwrap()));
    }

    #[test]
    fn locate_accepts_a_county_of_the_city_and_rejects_others() {
        let regions = hubei();
        let place = regions.locate("420100", "420106").unwrap();
        assert_eq!(
            place,
            RegionPath {
                province: "420000".into(),
                city: "420100".into(),
                county: "420106".into()
            }
        );
        assert!(
            matches!(regions.locate("420100", "420202"), Err(Rejection::Invalid { field, .. }) if field == "county")
        );
        assert!(matches!(regions.locate("420106", "420106"), Err(Rejection::Invalid { field, .. }) if field == "city"));
        assert!(matches!(regions.locate("999999", "420106"), Err(Rejection::Invalid { field, .. }) if field == "city"));
        assert!(
            regions.locate("420100", "420100").is_err(),
            "a city with counties is not its own county"
        );
    }

    #[test]
    fn city_of_walks_up_one_level() {
        let regions = hubei();
        assert_eq!(regions.city_of("420106").unwrap().name, "武汉市");
        assert_eq!(regions.city_of("429004").unwrap().name, "仙桃市");
        assert!(regions.city_of("420000").is_none());
    }

    #[test]
    fn a_file_without_a_province_is_refused() {
        let err = Regions::from_csv("code,name,level,parent_code\n420100,武汉市,city,420000\n").unwrap_err();
        assert!(matches!(err, RegionsError::Province(0)));
    }

    #[test]
    fn a_county_under_a_missing_city_is_refused() {
        let text = "code,name,level,parent_code\n420000,湖北省,province,\n420106,武昌区,county,420100\n";
        assert!(matches!(Regions::from_csv(text), Err(RegionsError::Parent { .. })));
    }

    #[test]
    fn every_hubei_division_has_a_seat_in_the_province() {
        let regions = hubei();
        for city in regions.cities() {
            for region in std::iter::once(city).chain(regions.counties_of(city)) {
                let seat = region.seat().unwrap_or_else(|| panic!("{} has no seat", region.code));
                assert!(
                    (29.0..33.3).contains(&seat.lat) && (108.3..116.2).contains(&seat.lng),
                    "{}",
                    region.code
                );
            }
        }
    }

    #[test]
    fn seats_are_optional_but_whole_and_in_range() {
        let head = "code,name,level,parent_code,lat,lng\n320000,江苏省,province,,,\n";
        assert!(Regions::from_csv(&format!("{head}320400,常州市,city,320000,31.81,119.97\n")).is_ok());
        assert!(Regions::from_csv(&format!("{head}320400,常州市,city,320000,,\n")).is_ok());
        for bad in ["31.81,", "91,119.97", "31.81,200"] {
            let text = format!("{head}320400,常州市,city,320000,{bad}\n");
            assert!(
                matches!(Regions::from_csv(&text), Err(RegionsError::Seat(code)) if code == "320400"),
                "{bad}"
            );
        }
    }

    #[test]
    fn changzhou_style_files_load_too() {
        let text = "code,name,level,parent_code\n320000,江苏省,province,\n320400,常州市,city,320000\n320402,天宁区,county,320400\n";
        let regions = Regions::from_csv(text).unwrap();
        assert!(regions.locate("320400", "320402").is_ok());
    }
}
