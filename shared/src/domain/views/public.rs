//! What the public board may show of a report. Built field by field from an allow-list, so
//! nothing about the reporter (name, phone, subject) or the evidence can reach it.

use crate::domain::directory::Assignment;
use crate::domain::directory::regions::Regions;
use crate::domain::registry::institution::InstitutionRef;
use crate::domain::report::serial::Serial;
use crate::domain::report::status::Status;
use crate::domain::report::{Finding, Reply, Report, on_public_board};
use crate::domain::views::{MeasureView, Subject, measure_views};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize)]
pub struct PublicReply {
    pub finding: Finding,
    pub finding_name: &'static str,
    pub text: String,
    /// 处理措施, shown with the finding; null when not recorded.
    pub measures: Option<Vec<MeasureView>>,
    pub replied_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicReport {
    pub serial: String,
    /// Category, violation types and place: what was reported, by code and name.
    #[serde(flatten)]
    pub subject: Subject,
    /// The text staff chose to publish (redacted); the reporter's own words are never shown.
    pub public_text: Option<String>,
    /// The agency that answered (e.g. 武昌区教育局).
    pub agency: String,
    /// The registry institution the report is linked to, by name: shown because the report is
    /// published (the citizen's own `target` text never is).
    pub institution: Option<String>,
    pub reply: PublicReply,
    pub created_at: String,
}

/// The public view of `report`, or `None` if it is not on the public board.
/// The part of a stored report the public side may read: the public board's index projects
/// these attributes only, and the public detail reads them alone (`PUBLIC_ATTRIBUTES`). Nothing
/// here can carry the reporter, the text they wrote, their evidence or their location.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PublicRecord {
    pub serial: Serial,
    pub status: Status,
    pub public: bool,
    #[serde(default)]
    pub published: bool,
    #[serde(default)]
    pub public_text: Option<String>,
    pub category: String,
    pub violation_types: Vec<String>,
    pub assignment: Assignment,
    #[serde(default)]
    pub reply: Option<Reply>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(default)]
    pub institution: Option<InstitutionRef>,
}

/// The stored attributes of a `PublicRecord`: the public index's projection and the public
/// function's only readable attributes (with the keys), in `infra/template.yaml`.
pub const PUBLIC_ATTRIBUTES: [&str; 11] = [
    "serial",
    "status",
    "public",
    "published",
    "public_text",
    "category",
    "violation_types",
    "assignment",
    "reply",
    "created_at",
    "institution",
];

impl PublicRecord {
    pub fn is_on_public_board(&self) -> bool {
        on_public_board(self.public, self.published, self.status, self.reply.is_some())
    }
}

/// What the board will show of `report` once published with the text it holds: the board's own
/// rendering of the same public attributes, so that the preview staff see is exactly what is
/// published. `None` unless the reporter asked for display and there is a reply to show.
pub fn board_preview(report: &Report, regions: &Regions) -> Option<PublicReport> {
    let record = PublicRecord {
        serial: report.serial.clone(),
        status: report.status,
        public: report.public,
        published: true,
        public_text: report.public_text.clone(),
        category: report.category.clone(),
        violation_types: report.violation_types.clone(),
        assignment: report.assignment.clone(),
        reply: report.reply.clone(),
        created_at: report.created_at,
        institution: report.institution.clone(),
    };
    public_view(&record, regions)
}

pub fn public_view(record: &PublicRecord, regions: &Regions) -> Option<PublicReport> {
    if !record.is_on_public_board() {
        return None;
    }
    let reply = record.reply.as_ref()?;
    Some(PublicReport {
        serial: record.serial.to_string(),
        subject: Subject::new(&record.assignment, &record.category, &record.violation_types, regions),
        public_text: record.public_text.clone(),
        agency: reply.agency_name.clone(),
        institution: record.institution.as_ref().map(|i| i.name.clone()),
        reply: PublicReply {
            finding: reply.finding,
            finding_name: reply.finding.name(),
            text: reply.text.clone(),
            measures: measure_views(reply),
            replied_at: crate::domain::time::format(&reply.replied_at),
        },
        created_at: crate::domain::time::format(&record.created_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::Directory;
    use crate::domain::report::evidence::sealed_image;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::report::timeline::Actor;

    /// What the public side reads of a stored report: its public attributes alone.
    fn projected(report: &Report) -> PublicRecord {
        serde_json::from_value(crate::domain::report::tests::projected(report, &PUBLIC_ATTRIBUTES)).unwrap()
    }

    fn published() -> Report {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let when = at("2022-12-15T16:40:56+08:00");
        let mut report = sample(true);
        report.evidence = Some(sealed_image("evidence/secret.jpg", &"ab".repeat(32), when));
        let (report, _) = report.accept(staff.clone(), when).unwrap();
        let (report, _) = report
            .reply(
                staff.clone(),
                Finding::Substantiated,
                "经核查投诉属实,已于2022-12-15进行查处",
                when,
            )
            .unwrap();
        report.publish(staff, None, when).unwrap().0
    }

    #[test]
    fn the_board_shows_the_manuals_fields() {
        let view = public_view(&projected(&published()), &Directory::hubei().regions).unwrap();
        assert_eq!(view.agency, "武昌区教育局");
        assert_eq!(view.subject.county_name, "武昌区");
        assert_eq!(view.reply.replied_at, "2022-12-15T16:40:56+08:00");
        assert_eq!(view.subject.violation_type_names.len(), 1);
    }

    #[test]
    fn nothing_of_the_reporter_or_the_evidence_reaches_the_board() {
        let report = published();
        let record = projected(&report);
        let read = format!("{record:?}");
        let text = serde_json::to_string(&public_view(&record, &Directory::hubei().regions).unwrap()).unwrap();
        for secret in [
            "张三",
            "13812341234",
            "citizen-1",
            "secret.jpg",
            "uploads/",
            &report.content,
            &report.target,
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
            assert!(!read.contains(secret), "{secret} readable by the public side: {read}");
        }
    }

    #[test]
    fn a_published_reports_institution_shows_by_name_only() {
        let mut report = published();
        report.institution = Some(InstitutionRef {
            id: "91350100M000100Y43".into(),
            name: "某某学堂".into(),
            county: "420106".into(),
        });
        let view = public_view(&projected(&report), &Directory::hubei().regions).unwrap();
        assert_eq!(view.institution.as_deref(), Some("某某学堂"));
        let text = serde_json::to_string(&view).unwrap();
        assert!(!text.contains("91350100M000100Y43"), "{text}");
    }

    #[test]
    fn the_preview_is_what_the_board_shows_once_published_institution_included() {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let when = at("2022-12-15T16:40:56+08:00");
        let mut report = sample(true);
        report.institution = Some(InstitutionRef {
            id: "91350100M000100Y43".into(),
            name: "某某学堂".into(),
            county: "420106".into(),
        });
        let (report, _) = report.accept(staff.clone(), when).unwrap();
        let (replied, _) = report
            .reply(staff.clone(), Finding::Substantiated, "经核查属实", when)
            .unwrap();
        let regions = &Directory::hubei().regions;
        let text = "某机构在居民楼内开展学科类培训";
        let (published, _) = replied.publish(staff, Some(text.into()), when).unwrap();
        let board = public_view(&projected(&published), regions).unwrap();
        let mut preview = board_preview(&replied, regions).unwrap();
        assert_eq!(preview.institution.as_deref(), Some("某某学堂"));
        // The site puts the text being typed in place of the stored one.
        preview.public_text = Some(text.into());
        assert_eq!(
            serde_json::to_value(&preview).unwrap(),
            serde_json::to_value(&board).unwrap()
        );
        assert!(
            board_preview(&sample(false), regions).is_none(),
            "no reply yet, and not public"
        );
    }

    #[test]
    fn unpublished_reports_have_no_public_view() {
        assert!(public_view(&projected(&sample(true)), &Directory::hubei().regions).is_none());
    }
}
