//! What staff see: the queue rows and the full detail, with deadlines, the whole timeline with
//! staff names, and the reporter's phone masked unless revealed (which is recorded).

use super::questions::{QuestionView, question_views};
use crate::domain::calendar::Calendar;
use crate::domain::directory::regions::Regions;
use crate::domain::geo::{Location, distance_m};
use crate::domain::registry::institution::InstitutionView;
use crate::domain::report::custody::{self, CustodyAction, CustodyEntry};
use crate::domain::report::deadlines::Deadlines;
use crate::domain::report::preview::{FilePreview, PREVIEW_WAIT_MINUTES, Rendition};
use crate::domain::report::rounds::MAX_REOPENS_BY_RATING;
use crate::domain::report::status::Status;
use crate::domain::report::timeline::{Actor, Event, EventKind};
use crate::domain::report::{Finding, Report};
use crate::domain::staff::mask_name;
use crate::domain::time::format;
use crate::domain::views::public::{PublicReport, board_preview};
use crate::domain::views::{
    AgencyView, EvidenceFacts, FollowUpView, Labels, RatingView, ReplyView, RoundView, follow_up_views, rating_view,
    reply_view, rounds_view,
};
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct DeadlinesView {
    pub arrived_at: String,
    pub sign_by: String,
    pub handoff_by: String,
    pub reply_by: String,
}

impl From<&Deadlines> for DeadlinesView {
    fn from(d: &Deadlines) -> DeadlinesView {
        DeadlinesView {
            arrived_at: format(&d.arrived_at),
            sign_by: format(&d.sign_by),
            handoff_by: format(&d.handoff_by),
            reply_by: format(&d.reply_by),
        }
    }
}

/// The deadline the report is working towards now: signing while 待受理, the reply while 处理中.
#[derive(Debug, Clone, Serialize)]
pub struct DueView {
    /// `sign` or `reply`.
    pub kind: &'static str,
    pub by: String,
    /// Working days left (0: due today); negative once overdue.
    pub working_days_left: i64,
    /// The years whose holidays were missing when it was counted (weekends only there): it is
    /// recounted when they are entered (期限待重算).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub counted_without: Vec<i32>,
}

fn due_view(report: &Report, calendar: &Calendar, now: &DateTime<FixedOffset>) -> Option<DueView> {
    let kind = match report.status {
        Status::Pending => "sign",
        Status::Processing => "reply",
        Status::Replied => return None,
    };
    let by = report.open_deadline()?;
    Some(DueView {
        kind,
        by: format(&by),
        working_days_left: calendar.working_days_left(now, &by),
        counted_without: report.deadlines.counted_without.clone(),
    })
}

/// One row of a staff queue.
#[derive(Debug, Clone, Serialize)]
pub struct StaffListItem {
    pub serial: String,
    pub version: u64,
    #[serde(flatten)]
    pub labels: Labels,
    pub agency: AgencyView,
    pub target: String,
    pub created_at: String,
    pub deadlines: DeadlinesView,
    /// None once replied.
    pub due: Option<DueView>,
    pub overdue: bool,
    pub urges: u32,
    pub transfers: u32,
    pub published: bool,
    pub rating_stars: Option<u8>,
    /// Which round it is in (1 until sent back).
    pub round: usize,
    /// 不满意: the current round rated 1–2★, neither reopened nor closed with a reason.
    pub dissatisfied: bool,
    /// 重复举报: it repeats earlier reports (same county, same target or address, 90 days).
    pub repeat: bool,
    /// The linked registry institution's name (the detail's `institution` holds all of it).
    pub institution_name: Option<String>,
    /// 等待举报人补充: a question to the reporter is open, the reply deadline paused.
    pub awaiting_reporter: bool,
    /// The first photo's thumbnail, once made (in the queue only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thumbnail: Option<RenditionLink>,
}

/// A report linked as a repeat, with its outcome.
#[derive(Debug, Clone, Serialize)]
pub struct RepeatView {
    pub serial: String,
    pub created_at: String,
    pub status: Status,
    pub status_name: &'static str,
    pub agency: String,
    pub finding: Option<Finding>,
    pub finding_name: Option<&'static str>,
}

pub fn repeat_view(report: &Report) -> RepeatView {
    RepeatView {
        serial: report.serial.to_string(),
        created_at: format(&report.created_at),
        status: report.status,
        status_name: report.status.name(),
        agency: report.assignment.agency_name.clone(),
        finding: report.reply.as_ref().map(|r| r.finding),
        finding_name: report.reply.as_ref().map(|r| r.finding.name()),
    }
}

pub fn staff_list_item(
    report: &Report,
    regions: &Regions,
    calendar: &Calendar,
    now: &DateTime<FixedOffset>,
) -> StaffListItem {
    StaffListItem {
        serial: report.serial.to_string(),
        version: report.version,
        labels: Labels::of(report, regions),
        agency: AgencyView::from(&report.assignment),
        target: report.target.clone(),
        created_at: format(&report.created_at),
        deadlines: DeadlinesView::from(&report.deadlines),
        due: due_view(report, calendar, now),
        overdue: report.is_overdue(now),
        urges: report.urges,
        transfers: report.transfers,
        published: report.published,
        rating_stars: report.rating.as_ref().map(|r| r.stars.get()),
        round: report.round(),
        dissatisfied: report.awaits_redress(),
        repeat: !report.repeats.is_empty(),
        institution_name: report.institution.as_ref().map(|i| i.name.clone()),
        awaiting_reporter: report.open_question(now).is_some(),
        thumbnail: None,
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReporterView {
    /// Masked (张**) unless this answer is to `reveal_contact`.
    pub name: String,
    /// Masked (138****1234) unless this answer is to `reveal_contact`.
    pub phone: String,
    /// Whether this answer shows the full name and phone (and the timeline recorded who asked).
    pub phone_revealed: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffTimelineEntry {
    pub seq: u64,
    pub kind: EventKind,
    pub label: &'static str,
    pub at: String,
    pub actor: Actor,
    pub note: Option<String>,
}

/// 办结说明 of a dissatisfied round.
#[derive(Debug, Clone, Serialize)]
pub struct ClosureView {
    pub reason: String,
    pub at: String,
    pub by: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffDetail {
    #[serde(flatten)]
    pub item: StaffListItem,
    pub reporter: ReporterView,
    pub address: String,
    pub content: String,
    pub public: bool,
    pub public_text: Option<String>,
    /// The notice version the reporter agreed to.
    pub notice_version: Option<String>,
    pub location: Option<crate::domain::report::draft::Location>,
    pub evidence: Vec<StaffEvidence>,
    pub signed_at: Option<String>,
    pub signed_on_time: Option<bool>,
    pub replied_on_time: Option<bool>,
    pub reply: Option<ReplyView>,
    pub rating: Option<RatingView>,
    /// The current round's follow-up calls (回访) and, if it was closed dissatisfied, why.
    pub follow_ups: Vec<FollowUpView>,
    pub closure: Option<ClosureView>,
    /// Earlier rounds, oldest first, with why each was sent back.
    pub rounds: Vec<RoundView>,
    /// How many more times a poor rating may send it back (退回重办).
    pub reopens_by_rating_left: usize,
    /// Questions to the reporter (补充材料), oldest first.
    pub questions: Vec<QuestionView>,
    pub timeline: Vec<StaffTimelineEntry>,
    /// The reports in the caller's reach that this one repeats or that repeat it, newest first.
    pub repeats: Vec<RepeatView>,
    /// The registry institution it is linked to, as the registry says now.
    pub institution: Option<InstitutionView>,
    /// The other reports on that institution in the caller's reach, newest first.
    pub institution_reports: Vec<RepeatView>,
    /// The evidence's custody log, this answer's own entries included.
    pub custody: CustodyView,
    /// What the public board shows (or will, once published) with the stored public text: the
    /// board's own rendering, for 公开's preview. `None` unless public and replied.
    pub board_preview: Option<PublicReport>,
}

/// One evidence file as staff see it: its facts, what its device recorded in it, and its
/// preview. The original is linked only on demand (`POST …/evidence/{n}/original`), each link a
/// custody entry.
#[derive(Debug, Clone, Serialize)]
pub struct StaffEvidence {
    /// The file's number in the report, from 1: the original's route names it.
    pub n: usize,
    #[serde(flatten)]
    pub facts: EvidenceFacts,
    /// The device's claim (EXIF), never checked and editable; `None`: 无拍摄信息.
    pub device: Option<DeviceView>,
    pub preview: PreviewView,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeviceView {
    /// 拍摄时间, as the device wrote it (no time zone).
    pub taken_at: Option<String>,
    /// 拍摄位置.
    pub position: Option<Location>,
    /// Make and model.
    pub device: Option<String>,
    /// Metres from the position the reporter shared when reporting, when both are known.
    pub distance_m: Option<u64>,
}

/// A short-lived link to a preview or a thumbnail (a JPEG without metadata).
#[derive(Debug, Clone, Serialize)]
pub struct RenditionLink {
    pub url: String,
    pub width: u32,
    pub height: u32,
    pub expires_at: String,
}

impl RenditionLink {
    pub fn new(rendition: &Rendition, url: String, expires_at: String) -> RenditionLink {
        RenditionLink {
            url,
            width: rendition.width,
            height: rendition.height,
            expires_at,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviewState {
    Ready,
    /// Being made (a new report's first minutes).
    Pending,
    /// There is none: `message` says why.
    None,
}

/// A file's preview as the detail shows it.
#[derive(Debug, Clone, Serialize)]
pub struct PreviewView {
    pub state: PreviewState,
    /// In words, when not ready.
    pub message: Option<&'static str>,
    pub preview: Option<RenditionLink>,
    pub thumbnail: Option<RenditionLink>,
}

impl PreviewView {
    pub fn ready(preview: RenditionLink, thumbnail: RenditionLink) -> PreviewView {
        PreviewView {
            state: PreviewState::Ready,
            message: None,
            preview: Some(preview),
            thumbnail: Some(thumbnail),
        }
    }

    fn without(state: PreviewState, message: &'static str) -> PreviewView {
        PreviewView {
            state,
            message: Some(message),
            preview: None,
            thumbnail: None,
        }
    }
}

/// What each evidence file's preview needs: links to sign, or a view as it stands.
#[derive(Debug, Clone)]
pub enum PreviewPlan<'a> {
    Link {
        preview: &'a Rendition,
        thumbnail: &'a Rendition,
    },
    Show(PreviewView),
}

/// The plan for each of the report's files, in order. Previews not recorded yet are pending
/// for `PREVIEW_WAIT_MINUTES` after submission; after that something went wrong and staff are
/// told there is none (the original is always there).
pub fn preview_plans<'a>(report: &'a Report, now: &DateTime<FixedOffset>) -> Vec<PreviewPlan<'a>> {
    let Some(evidence) = &report.evidence else {
        return Vec::new();
    };
    let waiting = *now - report.created_at < chrono::Duration::minutes(PREVIEW_WAIT_MINUTES);
    let recorded = report.previews.as_ref().map(|p| p.files.as_slice());
    (0..evidence.files.len())
        .map(|i| match recorded.map(|files| files.get(i)) {
            Some(Some(FilePreview::Made { preview, thumbnail })) => PreviewPlan::Link { preview, thumbnail },
            Some(Some(FilePreview::None { reason })) => {
                PreviewPlan::Show(PreviewView::without(PreviewState::None, reason.message()))
            }
            _ if waiting => PreviewPlan::Show(PreviewView::without(PreviewState::Pending, "预览生成中,可先查看原图")),
            _ => PreviewPlan::Show(PreviewView::without(PreviewState::None, "暂无预览,请查看原图")),
        })
        .collect()
}

/// Each file with its device claim and its preview (previews are in the files' order).
fn staff_evidence(report: &Report, previews: Vec<PreviewView>) -> Vec<StaffEvidence> {
    let Some(evidence) = &report.evidence else {
        return Vec::new();
    };
    evidence
        .files
        .iter()
        .zip(previews)
        .enumerate()
        .map(|(i, (file, preview))| StaffEvidence {
            n: i + 1,
            facts: EvidenceFacts::of(evidence.kind, file),
            device: file.device.as_ref().map(|claim| DeviceView {
                taken_at: claim.taken_at.clone(),
                position: claim.position,
                device: match (&claim.make, &claim.model) {
                    (None, None) => None,
                    (make, model) => Some(
                        [make.as_deref(), model.as_deref()]
                            .into_iter()
                            .flatten()
                            .collect::<Vec<_>>()
                            .join(" "),
                    ),
                },
                distance_m: claim
                    .position
                    .zip(report.location)
                    .map(|(taken, reported)| distance_m(&taken, &reported)),
            }),
            preview,
        })
        .collect()
}

/// A report's custody log as staff read it, with whether its chain verifies.
#[derive(Debug, Clone, Serialize)]
pub struct CustodyView {
    /// The chain recomputes from the seal (`None` for a report without evidence and no reveal).
    pub intact: Option<bool>,
    /// Why it does not, in words.
    pub problem: Option<String>,
    pub entries: Vec<CustodyEntryView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustodyEntryView {
    pub serial: String,
    pub seq: u64,
    pub at: String,
    pub action: CustodyAction,
    pub action_name: &'static str,
    pub actor: Actor,
    pub subject: String,
    pub prev: String,
    pub hash: String,
}

impl CustodyView {
    /// The log of a report; `sealed` when the report has evidence (its log starts with the seal).
    pub fn of(entries: &[CustodyEntry], sealed: bool) -> CustodyView {
        let checked = (!entries.is_empty()).then(|| custody::verify(entries, sealed));
        CustodyView {
            intact: checked.as_ref().map(Result::is_ok),
            problem: checked.and_then(Result::err).map(|e| e.to_string()),
            entries: entries
                .iter()
                .map(|e| CustodyEntryView {
                    serial: e.serial.clone(),
                    seq: e.seq,
                    at: format(&e.at),
                    action: e.action,
                    action_name: e.action.label(),
                    actor: e.actor.clone(),
                    subject: e.subject.clone(),
                    prev: e.prev.clone(),
                    hash: e.hash.clone(),
                })
                .collect(),
        }
    }
}

pub fn staff_detail(
    report: &Report,
    events: &[Event],
    previews: Vec<PreviewView>,
    regions: &Regions,
    calendar: &Calendar,
    now: &DateTime<FixedOffset>,
    reveal_phone: bool,
) -> StaffDetail {
    StaffDetail {
        item: staff_list_item(report, regions, calendar, now),
        reporter: ReporterView {
            name: if reveal_phone {
                report.reporter.name.clone()
            } else {
                mask_name(&report.reporter.name)
            },
            phone: if reveal_phone {
                report.reporter.phone.reveal().to_owned()
            } else {
                report.reporter.phone.masked()
            },
            phone_revealed: reveal_phone,
        },
        address: report.address.clone(),
        content: report.content.clone(),
        public: report.public,
        public_text: report.public_text.clone(),
        notice_version: report.notice_version.clone(),
        location: report.location,
        evidence: staff_evidence(report, previews),
        signed_at: report.signed_at.as_ref().map(format),
        signed_on_time: report.signed_on_time,
        replied_on_time: report.replied_on_time,
        reply: reply_view(report),
        rating: rating_view(report),
        follow_ups: follow_up_views(&report.follow_ups),
        closure: report.closure.as_ref().map(|c| ClosureView {
            reason: c.reason.clone(),
            at: format(&c.at),
            by: c.by.clone(),
        }),
        rounds: rounds_view(report, true),
        questions: question_views(report, now),
        reopens_by_rating_left: MAX_REOPENS_BY_RATING.saturating_sub(report.reopens_by_rating()),
        timeline: events
            .iter()
            .map(|e| StaffTimelineEntry {
                seq: e.seq,
                kind: e.kind,
                label: e.kind.label(),
                at: format(&e.at),
                actor: e.actor.clone(),
                note: e.note.clone(),
            })
            .collect(),
        repeats: Vec::new(),
        institution: None,
        institution_reports: Vec::new(),
        custody: CustodyView::of(&[], false),
        board_preview: board_preview(report, regions),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::evidence::sealed_image;
    use crate::domain::report::preview::{NoPreview, Previews};

    fn rendition(key: &str) -> Rendition {
        Rendition {
            key: key.into(),
            width: 320,
            height: 240,
            size: 9000,
        }
    }

    fn photo_report(minutes_ago: i64) -> (Report, DateTime<FixedOffset>) {
        let mut report = crate::domain::report::tests::sample(true);
        report.evidence = Some(sealed_image("evidence/a.jpg", &"ab".repeat(32), report.created_at));
        let now = report.created_at + chrono::Duration::minutes(minutes_ago);
        (report, now)
    }

    fn state(plan: &PreviewPlan<'_>) -> (PreviewState, Option<&'static str>) {
        match plan {
            PreviewPlan::Link { .. } => (PreviewState::Ready, None),
            PreviewPlan::Show(view) => (view.state, view.message),
        }
    }

    #[test]
    fn a_new_reports_previews_are_pending_then_missing_in_words() {
        let (report, now) = photo_report(2);
        assert_eq!(
            state(&preview_plans(&report, &now)[0]),
            (PreviewState::Pending, Some("预览生成中,可先查看原图"))
        );
        let (report, now) = photo_report(PREVIEW_WAIT_MINUTES);
        assert_eq!(
            state(&preview_plans(&report, &now)[0]),
            (PreviewState::None, Some("暂无预览,请查看原图"))
        );
    }

    #[test]
    fn recorded_previews_are_linked_or_say_why_there_are_none() {
        let (mut report, now) = photo_report(60);
        report.previews = Some(Previews {
            files: vec![FilePreview::Made {
                preview: rendition("previews/a-1600.jpg"),
                thumbnail: rendition("previews/a-320.jpg"),
            }],
            made_at: now,
        });
        let plans = preview_plans(&report, &now);
        assert!(matches!(plans[0], PreviewPlan::Link { thumbnail, .. } if thumbnail.key == "previews/a-320.jpg"));
        report.previews = Some(Previews {
            files: vec![FilePreview::None {
                reason: NoPreview::TooLarge,
            }],
            made_at: now,
        });
        assert_eq!(
            state(&preview_plans(&report, &now)[0]),
            (PreviewState::None, Some(NoPreview::TooLarge.message()))
        );
        report.evidence = None;
        assert!(preview_plans(&report, &now).is_empty());
    }
}
