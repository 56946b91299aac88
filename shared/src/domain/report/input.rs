//! The report form (`POST /v1/reports`), checked field by field. Every field is optional in the
//! wire type so that a missing one is reported by name, in Chinese, like any other mistake.

use crate::domain::Rejection;
use crate::domain::directory::Directory;
use crate::domain::directory::catalog::Catalog;
use crate::domain::registry::institution::is_id;
use crate::domain::report::draft::{Draft, Location};
use crate::domain::report::evidence::{EvidenceInput, check_citation};
use serde::Deserialize;

pub const MAX_TARGET_CHARS: usize = 100;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_CONTENT_CHARS: usize = 2000;

#[derive(Debug, Clone, Deserialize)]
pub struct LocationInput {
    pub lat: Option<f64>,
    pub lng: Option<f64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportInput {
    pub target: Option<String>,
    pub city: Option<String>,
    pub county: Option<String>,
    pub address: Option<String>,
    pub category: Option<String>,
    pub violation_types: Option<Vec<String>>,
    pub content: Option<String>,
    pub public: Option<bool>,
    pub evidence: Option<EvidenceInput>,
    pub location: Option<LocationInput>,
    /// The version of `/v1/meta`'s notice the citizen read and agreed to (阅读并同意).
    pub notice_version: Option<String>,
    /// The institution chosen from the suggestions (`GET /v1/public/institutions`), if any.
    pub institution_id: Option<String>,
}

/// A required text: trimmed, not empty, not longer than `max` characters, no control characters
/// but line breaks and tabs.
pub fn text(field: &str, label: &str, value: Option<&str>, max: usize) -> Result<String, Rejection> {
    let value = value.map(str::trim).unwrap_or_default();
    if value.is_empty() {
        return Err(Rejection::invalid(field, format!("{label}不能为空")));
    }
    if value.chars().count() > max {
        return Err(Rejection::invalid(field, format!("{label}不能超过{max}个字")));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r')
    {
        return Err(Rejection::invalid(field, format!("{label}含有无效字符")));
    }
    Ok(value.to_owned())
}

fn violation_types(value: Option<&[String]>) -> Result<Vec<String>, Rejection> {
    let value = value.unwrap_or_default();
    if value.is_empty() {
        return Err(Rejection::invalid("violation_types", "请选择违规类型"));
    }
    let catalog = Catalog::get();
    let mut chosen: Vec<String> = Vec::with_capacity(value.len());
    for (i, code) in value.iter().enumerate() {
        if catalog.violation_type(code).is_none() {
            return Err(Rejection::invalid(format!("violation_types[{i}]"), "违规类型不存在"));
        }
        if chosen.contains(code) {
            return Err(Rejection::invalid(format!("violation_types[{i}]"), "违规类型重复"));
        }
        chosen.push(code.clone());
    }
    Ok(chosen)
}

fn location(value: Option<&LocationInput>) -> Result<Option<Location>, Rejection> {
    let Some(value) = value else { return Ok(None) };
    let lat = value
        .lat
        .filter(|v| (-90.0..=90.0).contains(v))
        .ok_or_else(|| Rejection::invalid("location.lat", "纬度无效"))?;
    let lng = value
        .lng
        .filter(|v| (-180.0..=180.0).contains(v))
        .ok_or_else(|| Rejection::invalid("location.lng", "经度无效"))?;
    Ok(Some(Location {
        lat: micro_degrees(lat),
        lng: micro_degrees(lng),
    }))
}

/// A coordinate to six decimals (about 0.1 m, finer than any phone's fix). The store holds no
/// number smaller than 1e-130, and `-0.0` becomes `0.0`.
fn micro_degrees(value: f64) -> f64 {
    (value * 1e6).round() / 1e6 + 0.0
}

/// Only the notice shown now can be agreed to: a citizen who read an older one reads again.
fn notice_version(value: Option<&str>) -> Result<String, Rejection> {
    let current = &Catalog::get().notice.version;
    match value.map(str::trim) {
        None | Some("") => Err(Rejection::invalid("notice_version", "请先阅读并同意举报须知")),
        Some(version) if version == current => Ok(current.clone()),
        Some(_) => Err(Rejection::invalid(
            "notice_version",
            "举报须知已更新,请重新阅读并同意后提交",
        )),
    }
}

/// Checks a citizen's form and dispatches it.
pub fn validate(input: &ReportInput, directory: &Directory) -> Result<Draft, Rejection> {
    let notice_version = notice_version(input.notice_version.as_deref())?;
    let target = text("target", "举报对象", input.target.as_deref(), MAX_TARGET_CHARS)?;
    let city = input
        .city
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Rejection::invalid("city", "请选择违规培训所在地市"))?;
    let county = input
        .county
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Rejection::invalid("county", "请选择违规培训所在区县"))?;
    let address = text(
        "address",
        "违规培训详细地址",
        input.address.as_deref(),
        MAX_ADDRESS_CHARS,
    )?;
    let category = input
        .category
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .ok_or_else(|| Rejection::invalid("category", "请选择所属分类"))?;
    let violation_types = violation_types(input.violation_types.as_deref())?;
    let content = text("content", "举报内容", input.content.as_deref(), MAX_CONTENT_CHARS)?;
    let location = location(input.location.as_ref())?;
    let evidence = input.evidence.as_ref().map(check_citation).transpose()?;
    let assignment = directory.dispatch(city, county, category)?;
    let institution_id = match input.institution_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(id) if is_id(id) => Some(id.to_owned()),
        Some(_) => return Err(Rejection::invalid("institution_id", "所选机构不存在")),
    };
    Ok(Draft {
        target,
        address,
        category: category.to_owned(),
        violation_types,
        content,
        public: input.public.unwrap_or(false),
        location,
        evidence,
        assignment,
        notice_version,
        institution_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn form(change: impl FnOnce(&mut serde_json::Value)) -> Result<Draft, Rejection> {
        let mut body = json!({
            "target": "某某教育咨询有限公司",
            "city": "420100",
            "county": "420106",
            "address": "中南路1号3楼",
            "category": "academic",
            "violation_types": ["unlicensed", "holiday"],
            "content": "周末组织初中数学培训",
            "public": true,
            "location": {"lat": 30.55, "lng": 114.31},
            "notice_version": Catalog::get().notice.version
        });
        change(&mut body);
        let input: ReportInput = serde_json::from_value(body).unwrap();
        validate(&input, Directory::hubei())
    }

    fn field_of(result: Result<Draft, Rejection>) -> String {
        match result {
            Err(Rejection::Invalid { field, message }) => {
                assert!(!message.is_ascii(), "message is Chinese: {message}");
                field
            }
            other => panic!("expected a field error, got {other:?}"),
        }
    }

    #[test]
    fn a_complete_form_is_dispatched_to_its_agency() {
        let draft = form(|_| {}).unwrap();
        assert_eq!(draft.assignment.agency_name, "武昌区教育局");
        assert_eq!(draft.violation_types, ["unlicensed", "holiday"]);
        assert!(draft.public);
        assert_eq!(
            draft.location,
            Some(Location {
                lat: 30.55,
                lng: 114.31
            })
        );
    }

    #[test]
    fn each_missing_required_field_is_named() {
        for field in [
            "target",
            "city",
            "county",
            "address",
            "category",
            "violation_types",
            "content",
            "notice_version",
        ] {
            assert_eq!(
                field_of(form(|b| {
                    b.as_object_mut().unwrap().remove(field);
                })),
                field
            );
        }
    }

    #[test]
    fn blank_text_counts_as_missing_and_length_is_counted_in_characters() {
        assert_eq!(field_of(form(|b| b["target"] = json!("   "))), "target");
        assert!(form(|b| b["content"] = json!("培".repeat(MAX_CONTENT_CHARS))).is_ok());
        assert_eq!(
            field_of(form(|b| b["content"] = json!("培".repeat(MAX_CONTENT_CHARS + 1)))),
            "content"
        );
        assert_eq!(field_of(form(|b| b["address"] = json!("a\u{0000}b"))), "address");
    }

    #[test]
    fn codes_must_exist_and_fit_together() {
        assert_eq!(field_of(form(|b| b["category"] = json!("cooking"))), "category");
        assert_eq!(field_of(form(|b| b["county"] = json!("420202"))), "county");
        assert_eq!(field_of(form(|b| b["city"] = json!("110000"))), "city");
        assert_eq!(
            field_of(form(|b| b["violation_types"] = json!(["unlicensed", "nope"]))),
            "violation_types[1]"
        );
        assert_eq!(
            field_of(form(|b| b["violation_types"] = json!(["ahead", "ahead"]))),
            "violation_types[1]"
        );
        assert_eq!(field_of(form(|b| b["violation_types"] = json!([]))), "violation_types");
    }

    #[test]
    fn location_is_optional_but_must_be_on_earth() {
        assert_eq!(
            form(|b| {
                b.as_object_mut().unwrap().remove("location");
            })
            .unwrap()
            .location,
            None
        );
        assert_eq!(
            field_of(form(|b| b["location"] = json!({"lat": 91.0, "lng": 114.0}))),
            "location.lat"
        );
        assert_eq!(field_of(form(|b| b["location"] = json!({"lat": 30.0}))), "location.lng");
    }

    #[test]
    fn coordinates_are_kept_to_six_decimals_and_never_below_what_the_store_holds() {
        let at = |lat: f64, lng: f64| {
            form(|b| b["location"] = json!({"lat": lat, "lng": lng}))
                .unwrap()
                .location
        };
        assert_eq!(
            at(30.123_456_789, 114.0),
            Some(Location {
                lat: 30.123_457,
                lng: 114.0
            })
        );
        let tiny = at(-2.225e-309, 1e-131).unwrap();
        assert_eq!(
            (tiny.lat.to_bits(), tiny.lng.to_bits()),
            (0.0f64.to_bits(), 0.0f64.to_bits())
        );
    }

    #[test]
    fn only_the_current_notice_can_be_agreed_to() {
        assert_eq!(form(|_| {}).unwrap().notice_version, Catalog::get().notice.version);
        assert_eq!(
            field_of(form(|b| b["notice_version"] = json!("000000000000"))),
            "notice_version"
        );
    }

    #[test]
    fn public_defaults_to_no() {
        assert!(
            !form(|b| {
                b.as_object_mut().unwrap().remove("public");
            })
            .unwrap()
            .public
        );
    }
}
