//! A report as a row of the queue's export: what the spreadsheet shows of it, read from the
//! stored report's `ROW_ATTRIBUTES` alone. Those are about a third of an item's bytes; a year's
//! workbook (20,000 reports) would otherwise have the table read, send and the export parse the
//! reporter, the text, the evidence and every key too (docs/performance.md, "A year as one
//! workbook").

use crate::domain::directory::Assignment;
use crate::domain::report::deadlines::Deadlines;
use crate::domain::report::rating::Stars;
use crate::domain::report::serial::Serial;
use crate::domain::report::status::Status;
use crate::domain::report::{Finding, Report};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ReportRow {
    pub serial: Serial,
    pub status: Status,
    pub target: String,
    pub address: String,
    pub category: String,
    pub violation_types: Vec<String>,
    pub assignment: Assignment,
    pub deadlines: Deadlines,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub reply: Option<RowReply>,
    #[serde(default)]
    pub rating: Option<RowRating>,
    #[serde(default)]
    pub institution: Option<RowInstitution>,
}

/// The current round's conclusion and when it was given; not its text.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RowReply {
    pub finding: Finding,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub replied_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RowRating {
    pub stars: Stars,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RowInstitution {
    pub name: String,
}

/// The stored report's attributes a `ReportRow` is read from, as document paths (a Query's
/// projection).
pub const ROW_ATTRIBUTES: [&str; 13] = [
    "serial",
    "status",
    "target",
    "address",
    "category",
    "violation_types",
    "assignment",
    "deadlines",
    "created_at",
    "reply.finding",
    "reply.replied_at",
    "rating.stars",
    "institution.name",
];

impl ReportRow {
    pub fn is_overdue(&self, now: &DateTime<FixedOffset>) -> bool {
        self.deadlines.overdue(self.status, now)
    }
}

impl From<&Report> for ReportRow {
    fn from(report: &Report) -> ReportRow {
        ReportRow {
            serial: report.serial.clone(),
            status: report.status,
            target: report.target.clone(),
            address: report.address.clone(),
            category: report.category.clone(),
            violation_types: report.violation_types.clone(),
            assignment: report.assignment.clone(),
            deadlines: report.deadlines.clone(),
            created_at: report.created_at,
            reply: report.reply.as_ref().map(|r| RowReply {
                finding: r.finding,
                replied_at: r.replied_at,
            }),
            rating: report.rating.as_ref().map(|r| RowRating { stars: r.stars }),
            institution: report
                .institution
                .as_ref()
                .map(|i| RowInstitution { name: i.name.clone() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::registry::institution::InstitutionRef;
    use crate::domain::report::Rating;
    use crate::domain::report::tests::{at, projected, sample};
    use crate::domain::report::timeline::Actor;

    fn answered() -> Report {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let when = at("2022-12-15T16:40:56+08:00");
        let (report, _) = sample(true).accept(staff.clone(), when).unwrap();
        let (mut report, _) = report
            .reply(staff, Finding::Partly, "经核查部分属实,已责令整改", when)
            .unwrap();
        report.rating = Some(Rating {
            stars: Stars::new(4).unwrap(),
            comment: Some("处理及时".into()),
            rated_at: when,
        });
        report.institution = Some(InstitutionRef {
            id: "inst-1".into(),
            name: "启明教育培训中心".into(),
            county: "420106".into(),
        });
        report
    }

    #[test]
    fn the_projected_attributes_read_back_as_the_whole_reports_row() {
        for report in [sample(false), answered()] {
            let row: ReportRow = serde_json::from_value(projected(&report, &ROW_ATTRIBUTES)).unwrap();
            assert_eq!(row, ReportRow::from(&report));
        }
        let row = ReportRow::from(&answered());
        assert_eq!(row.reply.map(|r| r.finding), Some(Finding::Partly));
        assert_eq!(row.rating.map(|r| r.stars.get()), Some(4));
        assert_eq!(row.institution.map(|i| i.name).as_deref(), Some("启明教育培训中心"));
    }

    #[test]
    fn nothing_of_the_reporter_their_text_or_evidence_is_read() {
        let report = answered();
        let read = projected(&report, &ROW_ATTRIBUTES).to_string();
        for secret in [&report.reporter.name, report.reporter.phone.reveal(), &report.content] {
            assert!(!read.contains(secret), "{secret} in {read}");
        }
        assert!(!read.contains("经核查部分属实"), "nor the reply's text");
        assert!(!read.contains("处理及时"), "nor the rating's comment");
    }

    #[test]
    fn overdue_as_the_report_is() {
        let report = sample(false);
        let row = ReportRow::from(&report);
        for now in [
            "2022-12-16T23:00:00+08:00",
            "2022-12-17T00:00:00+08:00",
            "2030-01-01T00:00:00+08:00",
        ] {
            assert_eq!(row.is_overdue(&at(now)), report.is_overdue(&at(now)), "{now}");
        }
    }
}
