//! A clearly fictional institution registry for the local system and the seeded year: the same
//! six made-up institutions in every county, each name marked （演示）, no credit code, a street
//! that says 演示路. Read through `parse_csv` like any registry file, so its ids are real ones.

use shared::domain::directory::regions::Regions;
use shared::domain::registry::import::{RowError, parse_csv};
use shared::domain::registry::institution::Institution;

/// Name, aliases, kind, on the national platform, state: a spread of what handlers meet.
pub const DEMO_INSTITUTIONS: [(&str, &str, &str, &str, &str); 6] = [
    ("启智教育咨询有限公司", "启智教育", "学科类", "否", "正常"),
    ("博学文化传播有限公司", "博学文化;博学培训", "学科类", "是", "正常"),
    ("小状元托管中心", "小状元", "未知", "否", "正常"),
    ("阳光艺术培训中心", "阳光艺术", "非学科类", "是", "正常"),
    ("飞跃体育俱乐部", "", "非学科类", "是", "停办"),
    ("明德学堂", "", "学科类", "否", "注销"),
];

/// The registry name of a demo institution: marked as fictional.
pub fn demo_name(name: &str) -> String {
    format!("{name}(演示)")
}

/// The demo registry of every county of the province.
pub fn demo_registry(regions: &Regions) -> Result<Vec<Institution>, Vec<RowError>> {
    let mut csv = String::from("机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n");
    for city in regions.cities() {
        for county in regions.counties_of(city) {
            for (n, (name, aliases, kind, platform, state)) in DEMO_INSTITUTIONS.iter().enumerate() {
                csv.push_str(&format!(
                    "{},{aliases},,,{},{}演示路{}号,{kind},{platform},{state}\n",
                    demo_name(name),
                    county.code,
                    county.name,
                    n + 1
                ));
            }
        }
    }
    parse_csv(&csv, regions)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::directory::Directory;

    #[test]
    fn every_county_gets_the_six_and_every_name_says_it_is_a_demo() {
        let regions = &Directory::hubei().regions;
        let registry = demo_registry(regions).unwrap();
        let counties: usize = regions.cities().map(|c| regions.counties_of(c).len()).sum();
        assert_eq!(registry.len(), counties * DEMO_INSTITUTIONS.len());
        assert!(
            registry
                .iter()
                .all(|i| i.name.ends_with("(演示)") && i.credit_code.is_none())
        );
    }
}
