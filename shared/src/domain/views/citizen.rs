//! What a citizen sees of their own reports: the list of 我的投诉 and the detail screen
//! (签收信息, 提交信息, 举证材料, the reply, the rating, and a timeline without staff names).

use super::questions::{QuestionView, question_views};
use super::{AgencyView, EvidenceLink, Labels, RatingView, ReplyView, RoundView, rating_view, reply_view, rounds_view};
use crate::domain::directory::regions::Regions;
use crate::domain::report::Report;
use crate::domain::report::draft::Location;
use crate::domain::report::status::Status;
use crate::domain::report::timeline::{Event, EventKind};
use crate::domain::time::format;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

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
    /// 待补充: the agency asked a question the reporter can still answer.
    pub can_answer: bool,
}

pub fn list_item(report: &Report, regions: &Regions, now: &DateTime<FixedOffset>) -> CitizenListItem {
    CitizenListItem {
        serial: report.serial.to_string(),
        labels: Labels::of(report, regions),
        target: report.target.clone(),
        created_at: format(&report.created_at),
        can_rate: can_rate(report),
        can_answer: report.open_question(now).is_some(),
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct TimelineEntry {
    pub kind: EventKind,
    pub label: &'static str,
    pub at: String,
    /// The agency that acted, if staff did; never a person's name.
    pub agency: Option<String>,
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
    /// The current round's reply and rating; `can_rate` is for this reply.
    pub reply: Option<ReplyView>,
    pub rating: Option<RatingView>,
    pub can_rate: bool,
    /// Which round this is (1 until the report is sent back), and the earlier ones.
    pub round: usize,
    pub rounds: Vec<RoundView>,
    pub timeline: Vec<TimelineEntry>,
    /// What the status means, in a line.
    pub status_help: &'static str,
    /// When the reply is due (working days from the catalog's deadlines); none once replied.
    /// While a question waits for the reporter, the latest it can be (the clock is paused).
    pub reply_due_by: Option<String>,
    /// Questions from the agency (补充材料), oldest first; `can_answer` for the open one.
    pub questions: Vec<QuestionView>,
    pub can_answer: bool,
}

pub fn citizen_detail(
    report: &Report,
    events: &[Event],
    evidence: Vec<EvidenceLink>,
    regions: &Regions,
    now: &DateTime<FixedOffset>,
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
        round: report.round(),
        rounds: rounds_view(report, false),
        timeline,
        status_help: report.status.help(),
        reply_due_by: (report.status != Status::Replied).then(|| format(&report.deadlines.reply_by)),
        questions: question_views(report, now),
        can_answer: report.open_question(now).is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::Directory;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::report::timeline::Actor;

    #[test]
    fn the_citizens_timeline_names_agencies_never_staff_and_hides_internal_steps() {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let when = at("2022-12-16T09:00:00+08:00");
        let report = sample(false);
        let submitted = crate::domain::report::timeline::Event {
            seq: 1,
            at: report.created_at,
            kind: EventKind::Submitted,
            actor: Actor::citizen(),
            note: None,
        };
        let (report, accepted) = report.accept(staff.clone(), when).unwrap();
        let note = crate::domain::report::timeline::Event {
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
            &when,
        );
        let kinds: Vec<_> = detail.timeline.iter().map(|t| t.kind).collect();
        assert_eq!(kinds, [EventKind::Submitted, EventKind::Accepted]);
        assert_eq!(detail.timeline[1].agency.as_deref(), Some("武昌区教育局"));
        let text = serde_json::to_string(&detail).unwrap();
        assert!(!text.contains("李四") && !text.contains("内部"), "{text}");
        assert_eq!(detail.labels.status_name, "处理中");
        assert!(!detail.can_rate);
        assert_eq!(detail.status_help, "受理部门已签收,正在核查处理。");
        assert_eq!(detail.reply_due_by, Some(format(&report.deadlines.reply_by)));
    }

    #[test]
    fn a_replied_report_says_so_and_is_due_no_more() {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let when = at("2022-12-16T09:00:00+08:00");
        let (accepted, _) = sample(false).accept(staff.clone(), when).unwrap();
        let (replied, _) = accepted
            .reply(staff, crate::domain::report::Finding::Substantiated, "已查处", when)
            .unwrap();
        let detail = citizen_detail(&replied, &[], vec![], &Directory::hubei().regions, &when);
        assert_eq!(detail.status_help, "受理部门已回复处理结果,您可以对回复进行评价。");
        assert_eq!(detail.reply_due_by, None);
    }
}
