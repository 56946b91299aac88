//! What a citizen sees of their own reports: the list of 我的投诉 and the detail screen
//! (签收信息, 提交信息, 举证材料, the reply, the rating, and a timeline without staff names).

use super::catalog::Catalog;
use super::dispatch::Assignment;
use super::draft::Location;
use super::evidence::EvidenceKind;
use super::regions::Regions;
use super::report::{Finding, Report};
use super::status::Status;
use super::time::format;
use super::timeline::{Event, EventKind};
use serde::Serialize;

/// What a report is about and where, by code with Chinese names: shared by every audience.
#[derive(Debug, Clone, Serialize)]
pub struct Subject {
    pub city: String,
    pub city_name: String,
    pub county: String,
    pub county_name: String,
    pub category: String,
    pub category_name: String,
    pub violation_types: Vec<String>,
    pub violation_type_names: Vec<String>,
}

impl Subject {
    pub fn of(report: &Report, regions: &Regions) -> Subject {
        Subject::new(&report.assignment, &report.category, &report.violation_types, regions)
    }

    pub fn new(assignment: &Assignment, category: &str, violation_types: &[String], regions: &Regions) -> Subject {
        let catalog = Catalog::get();
        let name_of = |code: &str| regions.get(code).map(|r| r.name.clone()).unwrap_or_default();
        Subject {
            city: assignment.city.clone(),
            city_name: name_of(&assignment.city),
            county: assignment.county.clone(),
            county_name: name_of(&assignment.county),
            category: category.to_owned(),
            category_name: catalog.category(category).map(|c| c.name.clone()).unwrap_or_default(),
            violation_types: violation_types.to_vec(),
            violation_type_names: violation_types
                .iter()
                .filter_map(|v| catalog.violation_type(v).map(|t| t.name.clone()))
                .collect(),
        }
    }
}

/// The subject and the status, shared by the citizen's list and detail.
#[derive(Debug, Clone, Serialize)]
pub struct Labels {
    pub status: Status,
    pub status_name: &'static str,
    #[serde(flatten)]
    pub subject: Subject,
}

impl Labels {
    pub fn of(report: &Report, regions: &Regions) -> Labels {
        Labels {
            status: report.status,
            status_name: report.status.name(),
            subject: Subject::of(report, regions),
        }
    }
}

fn can_rate(report: &Report) -> bool {
    report.status == Status::Replied && report.rating.is_none()
}

/// One row of 我的投诉.
#[derive(Debug, Clone, Serialize)]
pub struct CitizenListItem {
    pub serial: String,
    #[serde(flatten)]
    pub labels: Labels,
    pub target: String,
    pub created_at: String,
    pub can_rate: bool,
}

pub fn list_item(report: &Report, regions: &Regions) -> CitizenListItem {
    CitizenListItem {
        serial: report.serial.to_string(),
        labels: Labels::of(report, regions),
        target: report.target.clone(),
        created_at: format(&report.created_at),
        can_rate: can_rate(report),
    }
}

/// A short-lived link to one evidence file.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceLink {
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    pub url: String,
    pub expires_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyView {
    pub finding: Finding,
    pub finding_name: &'static str,
    pub text: String,
    pub replied_at: String,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RatingView {
    pub stars: u8,
    pub level_name: String,
    pub comment: Option<String>,
    pub rated_at: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub kind: EventKind,
    pub label: &'static str,
    pub at: String,
    /// The agency that acted, if staff did; never a person's name.
    pub agency: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencyView {
    pub id: String,
    pub name: String,
}

impl From<&Assignment> for AgencyView {
    /// The agency a report is with.
    fn from(assignment: &Assignment) -> AgencyView {
        AgencyView {
            id: assignment.agency_id.clone(),
            name: assignment.agency_name.clone(),
        }
    }
}

/// The detail screen of one of the caller's reports.
#[derive(Debug, Clone, Serialize)]
pub struct CitizenDetail {
    pub serial: String,
    #[serde(flatten)]
    pub labels: Labels,
    pub target: String,
    pub address: String,
    pub content: String,
    pub public: bool,
    pub published: bool,
    pub location: Option<Location>,
    pub agency: AgencyView,
    pub created_at: String,
    pub evidence: Vec<EvidenceLink>,
    pub reply: Option<ReplyView>,
    pub rating: Option<RatingView>,
    pub can_rate: bool,
    pub timeline: Vec<TimelineEntry>,
}

pub fn reply_view(report: &Report) -> Option<ReplyView> {
    report.reply.as_ref().map(|r| ReplyView {
        finding: r.finding,
        finding_name: r.finding.name(),
        text: r.text.clone(),
        replied_at: format(&r.replied_at),
        agency: r.agency_name.clone(),
    })
}

pub fn rating_view(report: &Report) -> Option<RatingView> {
    report.rating.as_ref().map(|r| RatingView {
        stars: r.stars.get(),
        level_name: Catalog::get()
            .rating_level(r.stars.get())
            .unwrap_or_default()
            .to_owned(),
        comment: r.comment.clone(),
        rated_at: format(&r.rated_at),
    })
}

pub fn citizen_detail(
    report: &Report,
    events: &[Event],
    evidence: Vec<EvidenceLink>,
    regions: &Regions,
) -> CitizenDetail {
    let timeline = events
        .iter()
        .filter(|e| !e.kind.is_internal())
        .map(|e| TimelineEntry {
            kind: e.kind,
            label: e.kind.label(),
            at: format(&e.at),
            agency: e.actor.agency_name.clone(),
        })
        .collect();
    CitizenDetail {
        serial: report.serial.to_string(),
        labels: Labels::of(report, regions),
        target: report.target.clone(),
        address: report.address.clone(),
        content: report.content.clone(),
        public: report.public,
        published: report.published,
        location: report.location,
        agency: AgencyView::from(&report.assignment),
        created_at: format(&report.created_at),
        evidence,
        reply: reply_view(report),
        rating: rating_view(report),
        can_rate: can_rate(report),
        timeline,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dispatch::Directory;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::timeline::Actor;

    #[test]
    fn the_citizens_timeline_names_agencies_never_staff_and_hides_internal_steps() {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let when = at("2022-12-16T09:00:00+08:00");
        let report = sample(false);
        let submitted = crate::domain::timeline::Event {
            seq: 1,
            at: report.created_at,
            kind: EventKind::Submitted,
            actor: Actor::citizen(),
            note: None,
        };
        let (report, accepted) = report.accept(staff.clone(), when).unwrap();
        let note = crate::domain::timeline::Event {
            seq: 3,
            at: when,
            kind: EventKind::Noted,
            actor: staff,
            note: Some("内部".into()),
        };
        let detail = citizen_detail(
            &report,
            &[submitted, accepted, note],
            vec![],
            &Directory::hubei().regions,
        );
        let kinds: Vec<_> = detail.timeline.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [EventKind::Submitted, EventKind::Accepted]);
        assert_eq!(detail.timeline[1].agency.as_deref(), Some("武昌区教育局"));
        let text = serde_json::to_string(&detail).unwrap();
        assert!(!text.contains("李四") && !text.contains("内部"), "{text}");
        assert_eq!(detail.labels.status_name, "处理中");
        assert!(!detail.can_rate);
    }
}
