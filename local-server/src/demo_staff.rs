//! The demo staff: two county handlers of the education department, a city supervisor and the
//! province supervisor, of whatever province the server serves, put on the roster at start. The
//! admin site's local build offers everyone on the roster (`GET /dev/staff`), so that someone a
//! supervisor adds in 人员管理 can sign in next.

use crate::setup::BoxError;
use serde::Serialize;
use shared::adapters::StoreError;
use shared::adapters::dynamo::Records;
use shared::domain::directory::Directory;
use shared::domain::staff::roster::{MemberInput, enrolled, role_label};
use shared::domain::time::{format, now_cst};

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

/// Puts `claims`' person on the roster on the platform's own authority (the demo, the test
/// harness), as the API's supervisors would.
pub async fn put_on_roster(records: &Records, directory: &Directory, claims: &DemoClaims) -> Result<(), BoxError> {
    let now = now_cst();
    let input = MemberInput {
        sub: claims.sub.clone(),
        name: claims.name.clone(),
        role: claims.staff_role.into(),
        agency_id: claims.agency.clone(),
        region: claims.region.clone(),
        phone: String::new(),
    };
    let member = enrolled(&input, directory, &format(&now)).map_err(|e| e.to_string())?;
    // Already there (a restart over the same table): nothing to do.
    records.enrol(&member, directory, now.timestamp()).await?;
    Ok(())
}

/// Puts the demo staff on the roster.
pub async fn seed_roster(records: &Records, directory: &Directory) -> Result<(), BoxError> {
    for staff in demo_staff(directory) {
        put_on_roster(records, directory, &staff.claims).await?;
    }
    Ok(())
}

/// Everyone on the roster as the local sign-in offers them: the demo staff first, in their
/// order, then the others by name; a disabled person is offered too (and refused by the API).
pub async fn signable(records: &Records, directory: &Directory) -> Result<Vec<DemoStaff>, StoreError> {
    let demo: Vec<String> = demo_staff(directory).into_iter().map(|s| s.claims.sub).collect();
    let mut members = records.roster(None).await?;
    members.sort_by_key(|m| {
        (
            demo.iter().position(|d| *d == m.sub).unwrap_or(demo.len()),
            m.name.clone(),
        )
    });
    Ok(members
        .into_iter()
        .map(|m| {
            let off = if m.enabled { "" } else { "(已停用)" };
            DemoStaff {
                label: format!("{} {} {}{off}", m.place(directory), role_label(m.role), m.name),
                claims: DemoClaims {
                    staff_role: m.role.code(),
                    sub: m.sub,
                    name: m.name,
                    agency: m.agency_id,
                    region: m.region,
                },
            }
        })
        .collect())
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
