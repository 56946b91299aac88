//! Domain values to items and back, with serde_dynamo, plus the keys derived from them.

use super::log::LogEntry;
use crate::adapters::StoreError;
use crate::domain::report::Report;
use crate::domain::report::custody::CustodyEntry;
use crate::domain::report::evidence::Upload;
use crate::domain::report::timeline::{ActorRole, Event, EventKind};
use crate::domain::time::format;
use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::HashMap;

pub type Item = HashMap<String, AttributeValue>;

pub const PK: &str = "pk";
pub const SK: &str = "sk";
pub const REPORT_SK: &str = "REPORT";
pub const EVENT_PREFIX: &str = "EVENT#";
pub const CUSTODY_PREFIX: &str = "CUSTODY#";

/// A string attribute.
pub fn text_attr(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute (DynamoDB sends numbers as text).
pub fn number_attr(value: impl ToString) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A projection expression of document paths (`reply.finding`) and its attribute names: every
/// name has a placeholder, since `status`, `name` and others are reserved words in expressions.
pub fn projection(paths: &[&str]) -> (String, HashMap<String, String>) {
    let mut names: Vec<&str> = Vec::new();
    let expression = paths
        .iter()
        .map(|path| {
            path.split('.')
                .map(|name| {
                    let i = names.iter().position(|n| *n == name).unwrap_or_else(|| {
                        names.push(name);
                        names.len() - 1
                    });
                    format!("#a{i}")
                })
                .collect::<Vec<_>>()
                .join(".")
        })
        .collect::<Vec<_>>()
        .join(", ");
    let names = (0..)
        .zip(names)
        .map(|(i, n)| (format!("#a{i}"), n.to_owned()))
        .collect();
    (expression, names)
}

/// A string attribute of an item read back, or empty.
pub fn text_of(item: &Item, name: &str) -> String {
    item.get(name).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default()
}

/// A number attribute of an item read back, or zero.
pub fn number_of(item: &Item, name: &str) -> i64 {
    item.get(name)
        .and_then(|v| v.as_n().ok())
        .and_then(|n| n.parse().ok())
        .unwrap_or_default()
}

/// What a report's partition key starts with.
pub const REPORT_PREFIX: &str = "REPORT#";

pub fn report_pk(serial: &str) -> String {
    format!("{REPORT_PREFIX}{serial}")
}

pub fn reporter_pk(sub: &str) -> String {
    format!("REPORTER#{sub}")
}

pub fn pii_pk(province: &str) -> String {
    format!("PII#{province}")
}

pub fn recount_pk(province: &str) -> String {
    format!("RECOUNT#{province}")
}

pub fn ask_pk(province: &str) -> String {
    format!("ASK#{province}")
}

pub fn open_pk(province: &str) -> String {
    format!("OPEN#{province}")
}

pub fn institution_pk(id: &str) -> String {
    format!("INSTITUTION#{id}")
}

pub fn board_pk(city: &str) -> String {
    format!("BOARD#{city}")
}

pub fn upload_pk(key: &str) -> String {
    format!("UPLOAD#{key}")
}

pub fn idempotency_pk(sub: &str, key: &str) -> String {
    format!("IDEMPOTENCY#{sub}#{key}")
}

pub fn quota_pk(sub: &str, day: &str) -> String {
    format!("QUOTA#{sub}#{day}")
}

pub fn key(pk: String, sk: &str) -> Item {
    HashMap::from([(PK.to_owned(), text_attr(pk)), (SK.to_owned(), text_attr(sk))])
}

pub fn to_item<T: Serialize>(value: &T, pk: String, sk: &str) -> Result<Item, StoreError> {
    let mut item: Item = serde_dynamo::to_item(value).map_err(|e| StoreError::Corrupt {
        key: pk.clone(),
        detail: e.to_string(),
    })?;
    item.extend(key(pk, sk));
    Ok(item)
}

pub fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    // A projected item may carry no key: its serial names it then.
    let name = item
        .get(PK)
        .or_else(|| item.get("serial"))
        .and_then(|v| v.as_s().ok())
        .cloned()
        .unwrap_or_default();
    serde_dynamo::from_item(item).map_err(|e| StoreError::Corrupt {
        key: name,
        detail: e.to_string(),
    })
}

/// The report item with every index key derived from the report itself, so that the indexes
/// can never disagree with the report.
pub fn report_item(report: &Report) -> Result<Item, StoreError> {
    let serial = report.serial.to_string();
    let a = &report.assignment;
    let mut item = to_item(report, report_pk(&serial), REPORT_SK)?;
    item.insert("entity".into(), text_attr("report"));
    item.insert("serial_sk".into(), text_attr(serial.clone()));
    item.insert("reporter_pk".into(), text_attr(reporter_pk(&report.reporter.sub)));
    item.insert("agency_pk".into(), text_attr(format!("AGENCY#{}", a.agency_id)));
    item.insert("city_pk".into(), text_attr(format!("CITY#{}", a.city)));
    item.insert("province_pk".into(), text_attr(format!("PROVINCE#{}", a.province)));
    if let Some(deadline) = report.open_deadline() {
        // Only open reports carry these: the sparse `open_by_deadline` index holds them alone.
        item.insert("open_pk".into(), text_attr(open_pk(&a.province)));
        item.insert("open_deadline".into(), text_attr(format(&deadline)));
    }
    if let Some(since) = report.holds_reporter_data_since() {
        // Only replied reports still holding their reporter's data: the retention rule's work.
        item.insert("pii_pk".into(), text_attr(pii_pk(&a.province)));
        item.insert("pii_since".into(), text_attr(format(&since)));
    }
    if let Some(question) = report.questions.last().filter(|q| q.ended.is_none()) {
        // Only reports with a question not ended: the housekeeping finds those past their limit.
        item.insert("ask_pk".into(), text_attr(ask_pk(&a.province)));
        item.insert("ask_until".into(), text_attr(format(&question.open_until)));
    }
    if let Some(year) = report.deadlines.counted_without.first() {
        // Only reports counted while a year was missing: recounted once it is entered.
        item.insert("recount_pk".into(), text_attr(recount_pk(&a.province)));
        item.insert("recount_sk".into(), text_attr(format!("{year}#{serial}")));
    }
    if let Some(institution) = &report.institution {
        // Only linked reports: the sparse `by_institution` index holds an institution's reports.
        item.insert("institution_pk".into(), text_attr(institution_pk(&institution.id)));
    }
    if let (true, Some(reply)) = (report.is_on_public_board(), &report.reply) {
        item.insert("board_pk".into(), text_attr(board_pk(&a.city)));
        item.insert(
            "board_sk".into(),
            text_attr(format!("{}#{serial}", format(&reply.replied_at))),
        );
    }
    Ok(item)
}

/// A timeline event of `report`; a staff member's event is also an entry of the 操作日志.
pub fn event_item(report: &Report, event: &Event) -> Result<Item, StoreError> {
    let serial = report.serial.to_string();
    let mut item = to_item(event, report_pk(&serial), &format!("{EVENT_PREFIX}{:06}", event.seq))?;
    item.insert("entity".into(), text_attr("event"));
    if event.actor.role == ActorRole::Staff {
        let actor = &event.actor;
        let log = LogEntry {
            scope: report.assignment.city.clone(),
            // 查看联系方式 is an action with its own kind in the log: auditors look for it.
            kind: if event.kind == EventKind::ContactRevealed {
                "reveal"
            } else {
                "action"
            }
            .into(),
            at: format(&event.at),
            sub: actor.sub.clone().unwrap_or_default(),
            name: actor.name.clone().unwrap_or_default(),
            agency_id: actor.agency_id.clone().unwrap_or_default(),
            detail: event.kind.label().into(),
            serial,
            seq: event.seq,
        };
        item.extend(log.attributes());
    }
    Ok(item)
}

pub fn custody_item(entry: &CustodyEntry) -> Result<Item, StoreError> {
    let mut item = to_item(
        entry,
        report_pk(&entry.serial),
        &format!("{CUSTODY_PREFIX}{:06}", entry.seq),
    )?;
    item.insert("entity".into(), text_attr("custody"));
    Ok(item)
}

pub fn upload_item(upload: &Upload, ttl: i64) -> Result<Item, StoreError> {
    let mut item = to_item(upload, upload_pk(&upload.key), "UPLOAD")?;
    item.insert("entity".into(), text_attr("upload"));
    item.insert("ttl".into(), number_attr(ttl));
    Ok(item)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::Finding;
    use crate::domain::report::timeline::Actor;
    use chrono::DateTime;

    #[test]
    fn a_projection_names_every_segment_once_by_placeholder() {
        let (expression, names) = projection(&["status", "reply.finding", "reply.replied_at", "institution.name"]);
        assert_eq!(expression, "#a0, #a1.#a2, #a1.#a3, #a4.#a5");
        assert_eq!(names.len(), 6);
        assert_eq!(names["#a1"], "reply");
        assert_eq!(names["#a5"], "name");
    }

    fn report(public: bool) -> Report {
        let mut report = crate::domain::report::tests::sample(public);
        report.reporter.sub = "s-1".into();
        report
    }

    #[test]
    fn a_report_round_trips_and_carries_its_index_keys() {
        let original = report(true);
        let item = report_item(&original).unwrap();
        assert_eq!(item["pk"], text_attr("REPORT#221215170850330"));
        assert_eq!(item["agency_pk"], text_attr("AGENCY#420106-education"));
        assert_eq!(item["city_pk"], text_attr("CITY#420100"));
        assert_eq!(item["province_pk"], text_attr("PROVINCE#420000"));
        assert_eq!(item["reporter_pk"], text_attr("REPORTER#s-1"));
        assert_eq!(
            item["open_pk"],
            text_attr("OPEN#420000"),
            "an open report is in the open index"
        );
        assert!(item.contains_key("open_deadline"));
        assert!(
            !item.contains_key("board_pk"),
            "not on the board until replied and published"
        );
        let back: Report = from_item(item).unwrap();
        assert_eq!(back, original);
    }

    #[test]
    fn only_a_published_report_gets_board_keys() {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let at = DateTime::parse_from_rfc3339("2022-12-16T10:00:00+08:00").unwrap();
        let (r, _) = report(true).accept(staff.clone(), at).unwrap();
        let (r, _) = r.reply(staff.clone(), Finding::Partly, "已处理", at).unwrap();
        let item = report_item(&r).unwrap();
        assert!(!item.contains_key("board_pk"));
        assert!(!item.contains_key("open_pk"), "a replied report leaves the open index");
        let (r, _) = r.publish(staff, None, at).unwrap();
        let item = report_item(&r).unwrap();
        assert_eq!(item["board_pk"], text_attr("BOARD#420100"));
        assert_eq!(item["board_sk"], text_attr("2022-12-16T10:00:00+08:00#221215170850330"));
    }
}
