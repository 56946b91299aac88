//! What each audience sees of a report: the parts every view shares (the subject with its
//! names, the reply, the rating, the agency, evidence links) here, one file per audience below.

pub mod citizen;
pub mod open311;
pub mod package;
pub mod profile;
pub mod public;
pub mod questions;
pub mod roster;
pub mod staff;

use crate::domain::directory::Assignment;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::Regions;
use crate::domain::report::evidence::{EvidenceFile, EvidenceKind};
use crate::domain::report::measures::describe;
use crate::domain::report::rounds::{FollowUp, FollowUpOutcome, ReopenCause};
use crate::domain::report::status::Status;
use crate::domain::report::{Finding, Rating, Reply, Report};
use crate::domain::time::format;
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

/// What is recorded of one sealed evidence file: its fingerprint and seal time, so that what the
/// reporter sent and what staff see can be compared by its SHA-256.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFacts {
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub sealed_at: String,
}

impl EvidenceFacts {
    pub fn of(kind: EvidenceKind, file: &EvidenceFile) -> EvidenceFacts {
        EvidenceFacts {
            kind,
            content_type: file.content_type.clone(),
            size: file.size,
            sha256: file.sha256.clone(),
            sealed_at: format(&file.sealed_at),
        }
    }
}

/// A short-lived link to one sealed evidence file (the original), with its facts.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceLink {
    #[serde(flatten)]
    pub facts: EvidenceFacts,
    pub url: String,
    pub expires_at: String,
}

impl EvidenceLink {
    pub fn new(kind: EvidenceKind, file: &EvidenceFile, url: String, expires_at: String) -> EvidenceLink {
        EvidenceLink {
            facts: EvidenceFacts::of(kind, file),
            url,
            expires_at,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReplyView {
    pub finding: Finding,
    pub finding_name: &'static str,
    pub text: String,
    /// 处理措施; null on a reply made before measures were recorded (未记录).
    pub measures: Option<Vec<MeasureView>>,
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

pub fn reply_view(report: &Report) -> Option<ReplyView> {
    report.reply.as_ref().map(reply_of)
}

/// A measure taken, by code and in words.
#[derive(Debug, Clone, Serialize)]
pub struct MeasureView {
    pub code: String,
    pub name: String,
    pub amount: Option<u64>,
    pub to: Option<String>,
    /// 责令退费3000元, 移送至区市场监管局.
    pub text: String,
}

/// A reply's measures as every audience sees them; none when they were not recorded.
pub fn measure_views(reply: &Reply) -> Option<Vec<MeasureView>> {
    reply.measures.as_ref().map(|taken| {
        taken
            .iter()
            .map(|m| MeasureView {
                code: m.code.clone(),
                name: Catalog::get()
                    .measure(&m.code)
                    .map_or_else(|| m.code.clone(), |k| k.name.clone()),
                amount: m.amount,
                to: m.to.clone(),
                text: describe(m),
            })
            .collect()
    })
}

fn reply_of(r: &Reply) -> ReplyView {
    ReplyView {
        finding: r.finding,
        finding_name: r.finding.name(),
        text: r.text.clone(),
        measures: measure_views(r),
        replied_at: format(&r.replied_at),
        agency: r.agency_name.clone(),
    }
}

pub fn rating_view(report: &Report) -> Option<RatingView> {
    report.rating.as_ref().map(rating_of)
}

fn rating_of(r: &Rating) -> RatingView {
    RatingView {
        stars: r.stars.get(),
        level_name: Catalog::get()
            .rating_level(r.stars.get())
            .unwrap_or_default()
            .to_owned(),
        comment: r.comment.clone(),
        rated_at: format(&r.rated_at),
    }
}

/// How an earlier round ended: sent back, by whom (an office, never a person) and when.
#[derive(Debug, Clone, Serialize)]
pub struct ReopeningView {
    pub cause: ReopenCause,
    pub cause_name: &'static str,
    pub at: String,
    pub by: String,
    /// Why, for staff; citizens see the cause only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// 回访, for staff.
#[derive(Debug, Clone, Serialize)]
pub struct FollowUpView {
    pub called_at: String,
    pub caller: String,
    pub agency: String,
    pub outcome: FollowUpOutcome,
    pub outcome_name: &'static str,
    pub note: Option<String>,
}

pub fn follow_up_views(follow_ups: &[FollowUp]) -> Vec<FollowUpView> {
    follow_ups
        .iter()
        .map(|f| FollowUpView {
            called_at: format(&f.called_at),
            caller: f.caller.clone(),
            agency: f.agency_name.clone(),
            outcome: f.outcome,
            outcome_name: f.outcome.name(),
            note: f.note.clone(),
        })
        .collect()
}

/// An earlier round: its reply, its rating and how it was reopened (`round` from 1).
#[derive(Debug, Clone, Serialize)]
pub struct RoundView {
    pub round: usize,
    pub reply: ReplyView,
    pub rating: Option<RatingView>,
    pub reopened: ReopeningView,
    /// Staff only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_ups: Option<Vec<FollowUpView>>,
}

/// The earlier rounds, oldest first; `for_staff` adds the reasons and the follow-up calls.
pub fn rounds_view(report: &Report, for_staff: bool) -> Vec<RoundView> {
    report
        .rounds
        .iter()
        .enumerate()
        .map(|(i, round)| RoundView {
            round: i + 1,
            reply: reply_of(&round.reply),
            rating: round.rating.as_ref().map(rating_of),
            reopened: ReopeningView {
                cause: round.reopened.cause,
                cause_name: round.reopened.cause.name(),
                at: format(&round.reopened.at),
                by: round.reopened.by.clone(),
                reason: for_staff.then(|| round.reopened.reason.clone()),
            },
            follow_ups: for_staff.then(|| follow_up_views(&round.follow_ups)),
        })
        .collect()
}
