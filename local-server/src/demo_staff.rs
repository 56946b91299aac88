//! The demo staff the admin site's local build offers (`GET /dev/staff`): two county handlers of
//! the education department, a city supervisor and the province supervisor, of whatever province
//! the server serves.

use serde::Serialize;
use shared::domain::directory::Directory;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoClaims {
    pub sub: String,
    pub name: String,
    pub agency: String,
    pub region: String,
    pub staff_role: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoStaff {
    pub label: String,
    pub claims: DemoClaims,
}

/// Hubei's demo handlers sit in 武昌区 and 洪山区 (the manual's examples); elsewhere, the first two
/// counties of the first city.
const PREFERRED_COUNTIES: [&str; 2] = ["420106", "420111"];
const HANDLER_NAMES: [&str; 2] = ["王科员", "赵科员"];

pub fn demo_staff(directory: &Directory) -> Vec<DemoStaff> {
    let regions = &directory.regions;
    let province = regions.province();
    let Some(city) = regions.cities().next() else {
        return Vec::new();
    };
    let mut counties: Vec<&str> = PREFERRED_COUNTIES
        .iter()
        .copied()
        .filter(|c| regions.get(c).is_some())
        .collect();
    if counties.is_empty() {
        counties = regions
            .counties_of(city)
            .iter()
            .take(2)
            .map(|c| c.code.as_str())
            .collect();
    }
    let mut staff: Vec<DemoStaff> = counties
        .iter()
        .zip(HANDLER_NAMES)
        .filter_map(|(county, name)| {
            let agency = directory.agency(county, "education")?;
            Some(DemoStaff {
                label: format!("{} 受理人员 {name}", agency.name),
                claims: DemoClaims {
                    sub: format!("demo-{county}"),
                    name: name.into(),
                    agency: agency.id,
                    region: (*county).into(),
                    staff_role: "handler",
                },
            })
        })
        .collect();
    for (region, role, title, name) in [
        (city, "city", "市级督导", "李督导"),
        (province, "province", "省级督导", "陈督导"),
    ] {
        staff.push(DemoStaff {
            label: format!("{} {title} {name}", region.name),
            claims: DemoClaims {
                sub: format!("demo-{}", region.code),
                name: name.into(),
                agency: String::new(),
                region: region.code.clone(),
                staff_role: role,
            },
        });
    }
    staff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hubeis_demo_staff_are_the_manuals() {
        let labels: Vec<String> = demo_staff(Directory::hubei()).into_iter().map(|s| s.label).collect();
        assert_eq!(
            labels,
            [
                "武昌区教育局 受理人员 王科员",
                "洪山区教育局 受理人员 赵科员",
                "武汉市 市级督导 李督导",
                "湖北省 省级督导 陈督导"
            ]
        );
    }
}
