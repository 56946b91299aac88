//! A report and the changes it may go through. Every change returns the next report (its
//! version one higher) and the event that records it; the store writes both only if the
//! version it read is still current.

pub mod custody;
pub mod deadlines;
pub mod device;
pub mod draft;
pub mod evidence;
pub mod idempotency;
pub mod input;
pub mod measures;
pub mod phone;
pub mod preview;
pub mod questions;
pub mod rating;
pub mod recount;
pub mod repeat;
pub mod rounds;
pub mod serial;
pub mod status;
pub mod timeline;

use crate::domain::Rejection;
use crate::domain::calendar::Calendar;
use crate::domain::directory::Assignment;
use crate::domain::registry::institution::InstitutionRef;
use crate::domain::report::deadlines::{DeadlineRules, Deadlines};
use crate::domain::report::draft::{Draft, Location};
use crate::domain::report::evidence::Evidence;
use crate::domain::report::measures::Measure;
use crate::domain::report::phone::Phone;
use crate::domain::report::preview::Previews;
use crate::domain::report::questions::Question;
use crate::domain::report::rating::Stars;
use crate::domain::report::rounds::{
    Closure, FollowUp, FollowUpOutcome, MAX_REOPENS_BY_RATING, ReopenCause, Reopening, Round, is_dissatisfied,
};
use crate::domain::report::serial::Serial;
use crate::domain::report::status::Status;
use crate::domain::report::timeline::{Actor, Event, EventKind};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The reporter, from the identity provider's claims; never from a form, never public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    pub sub: String,
    pub name: String,
    pub phone: Phone,
}

/// The agency's conclusion: 属实 / 部分属实 / 不属实.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Finding {
    Substantiated,
    Partly,
    Unsubstantiated,
    /// 无法核实, where the province's catalog offers it.
    Unverifiable,
}

impl Finding {
    pub fn name(self) -> &'static str {
        match self {
            Finding::Substantiated => "属实",
            Finding::Partly => "部分属实",
            Finding::Unsubstantiated => "不属实",
            Finding::Unverifiable => "无法核实",
        }
    }

    /// The stored name (`substantiated` …), as counters and exports carry it.
    pub fn code(self) -> &'static str {
        match self {
            Finding::Substantiated => "substantiated",
            Finding::Partly => "partly",
            Finding::Unsubstantiated => "unsubstantiated",
            Finding::Unverifiable => "unverifiable",
        }
    }

    /// 查实: substantiated in whole or in part.
    pub fn is_found(self) -> bool {
        matches!(self, Finding::Substantiated | Finding::Partly)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub finding: Finding,
    pub text: String,
    /// 处理措施; none on replies made before they were recorded (shown as 未记录).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measures: Option<Vec<Measure>>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub replied_at: DateTime<FixedOffset>,
    pub agency_id: String,
    pub agency_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub stars: Stars,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub rated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub serial: Serial,
    pub status: Status,
    /// Optimistic concurrency: every change checks it and adds one.
    pub version: u64,
    pub reporter: Reporter,
    pub target: String,
    pub address: String,
    pub category: String,
    pub violation_types: Vec<String>,
    pub content: String,
    /// The reporter asked for public display (是否公开展示).
    pub public: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub assignment: Assignment,
    pub deadlines: Deadlines,
    /// When the current agency signed for it, and whether that was within the deadline.
    #[serde(
        default,
        with = "crate::domain::time::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub signed_at: Option<DateTime<FixedOffset>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_on_time: Option<bool>,
    /// Whether the reply came within the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replied_on_time: Option<bool>,
    /// How often supervisors urged it (督办) and how often it was handed on.
    #[serde(default)]
    pub urges: u32,
    #[serde(default)]
    pub transfers: u32,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub updated_at: DateTime<FixedOffset>,
    /// The current round's reply and rating (`rounds` holds the earlier, reopened ones).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Reply>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// The current round's follow-up calls (回访).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
    /// The current round closed dissatisfied, with a reason (办结说明).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closure: Option<Closure>,
    /// Earlier rounds, oldest first, each closed by a reopening.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rounds: Vec<Round>,
    /// Questions to the reporter (补充材料), oldest first; only the last may be open.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub questions: Vec<Question>,
    /// Staff published it on the public board (only possible when `public`).
    #[serde(default)]
    pub published: bool,
    /// A redacted text staff chose to show on the public board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_text: Option<String>,
    /// The version of the notice (举报须知) the reporter agreed to; none on reports from before
    /// it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice_version: Option<String>,
    /// When the reporter's name and phone were removed, the retention period after the reply
    /// having passed (`Report::redact_reporter`).
    #[serde(
        default,
        with = "crate::domain::time::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reporter_redacted_at: Option<DateTime<FixedOffset>>,
    /// Earlier reports this one repeats (same county, same target or address, 90 days;
    /// `repeat`), newest first, as found when it was submitted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<String>,
    /// The registered institution reported, chosen by the citizen from the suggestions or linked
    /// by staff; `target` keeps what the citizen wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub institution: Option<InstitutionRef>,
    /// Staff previews of the evidence, recorded once by the `evidence` function (no version
    /// change: `Records::save` refuses a write that read the report before they came).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previews: Option<Previews>,
}

/// Shown on the public board: asked for by the reporter, answered, and published by staff. The
/// one rule for a report and for what the public side reads of it (`public::PublicRecord`).
pub fn on_public_board(public: bool, published: bool, status: Status, replied: bool) -> bool {
    public && published && status == Status::Replied && replied
}

impl Report {
    /// A new report, pending, version 1, with its `submitted` event.
    pub fn submit(
        serial: Serial,
        draft: Draft,
        reporter: Reporter,
        evidence: Option<Evidence>,
        deadlines: Deadlines,
        at: DateTime<FixedOffset>,
    ) -> (Report, Event) {
        let report = Report {
            serial,
            status: Status::Pending,
            version: 1,
            reporter,
            target: draft.target,
            address: draft.address,
            category: draft.category,
            violation_types: draft.violation_types,
            content: draft.content,
            public: draft.public,
            evidence,
            location: draft.location,
            assignment: draft.assignment,
            deadlines,
            signed_at: None,
            signed_on_time: None,
            replied_on_time: None,
            urges: 0,
            transfers: 0,
            created_at: at,
            updated_at: at,
            reply: None,
            rating: None,
            follow_ups: Vec::new(),
            closure: None,
            rounds: Vec::new(),
            questions: Vec::new(),
            published: false,
            public_text: None,
            notice_version: Some(draft.notice_version),
            reporter_redacted_at: None,
            repeats: Vec::new(),
            institution: None,
            previews: None,
        };
        let event = Event {
            seq: 1,
            at,
            kind: EventKind::Submitted,
            actor: Actor::citizen(),
            note: None,
        };
        (report, event)
    }

    pub fn is_on_public_board(&self) -> bool {
        on_public_board(self.public, self.published, self.status, self.reply.is_some())
    }

    /// The next version of this report with its event.
    fn next(
        &self,
        kind: EventKind,
        actor: Actor,
        note: Option<String>,
        at: DateTime<FixedOffset>,
        change: impl FnOnce(&mut Report),
    ) -> (Report, Event) {
        let mut next = self.clone();
        change(&mut next);
        next.version = self.version + 1;
        next.updated_at = at;
        let event = Event {
            seq: next.version,
            at,
            kind,
            actor,
            note,
        };
        (next, event)
    }

    /// 签收: 待受理 → 处理中.
    pub fn accept(&self, actor: Actor, at: DateTime<FixedOffset>) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Pending {
            return Err(Rejection::conflict("wrong_status", "只有待受理的举报可以签收"));
        }
        Ok(self.next(EventKind::Accepted, actor, None, at, |r| {
            r.status = Status::Processing;
            r.signed_at = Some(at);
            r.signed_on_time = Some(at <= r.deadlines.sign_by);
        }))
    }

    /// 回复: 处理中 → 已回复, with a finding and the reply text (no measures taken).
    pub fn reply(
        &self,
        actor: Actor,
        finding: Finding,
        text: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        self.reply_with(actor, finding, text, Vec::new(), at)
    }

    /// 回复 with the measures taken (checked by `measures::checked`).
    pub fn reply_with(
        &self,
        actor: Actor,
        finding: Finding,
        text: &str,
        measures: Vec<Measure>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Processing {
            return Err(Rejection::conflict("wrong_status", "只有处理中的举报可以回复"));
        }
        self.no_open_question(&at)?;
        let text = text.trim();
        if text.is_empty() {
            return Err(Rejection::invalid("text", "回复内容不能为空"));
        }
        let described: Vec<String> = measures.iter().map(measures::describe).collect();
        let reply = Reply {
            finding,
            text: text.to_owned(),
            measures: Some(measures),
            replied_at: at,
            agency_id: self.assignment.agency_id.clone(),
            agency_name: self.assignment.agency_name.clone(),
        };
        // The timeline keeps every reply's text: a reopened report's reply is replaced, never lost.
        let note = if described.is_empty() {
            format!("{}:{}", finding.name(), reply.text)
        } else {
            format!("{}:{}(处理措施:{})", finding.name(), reply.text, described.join(";"))
        };
        Ok(self.next(EventKind::Replied, actor, Some(note), at, |r| {
            r.status = Status::Replied;
            r.replied_on_time = Some(at <= r.deadlines.reply_by);
            r.reply = Some(reply);
        }))
    }

    /// 公开: only a replied report whose reporter asked for public display.
    pub fn publish(
        &self,
        actor: Actor,
        public_text: Option<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if !self.public {
            return Err(Rejection::conflict("not_public", "举报人未同意公开展示"));
        }
        if self.status != Status::Replied {
            return Err(Rejection::conflict("wrong_status", "只有已回复的举报可以公开展示"));
        }
        let public_text = public_text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        // Whatever the public saw is kept in the timeline, even after a later change of it.
        Ok(self.next(EventKind::Published, actor, public_text.clone(), at, |r| {
            r.published = true;
            r.public_text = public_text;
        }))
    }

    /// 取消公开: takes a published report off the board.
    pub fn unpublish(&self, actor: Actor, at: DateTime<FixedOffset>) -> Result<(Report, Event), Rejection> {
        if !self.published {
            return Err(Rejection::conflict("not_published", "该举报未公开展示"));
        }
        Ok(self.next(EventKind::Unpublished, actor, None, at, |r| r.published = false))
    }

    /// 转办: hands the report to `to` (another agency, or the city's), to be signed for again.
    /// The reply deadline runs on from submission; the new agency gets fresh sign-for and
    /// hand-on deadlines.
    pub fn transfer(
        &self,
        actor: Actor,
        to: Assignment,
        reason: &str,
        rules: &DeadlineRules,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        let settled = self.settled(calendar);
        let this = settled.as_ref();
        if this.status == Status::Replied {
            return Err(Rejection::conflict("wrong_status", "已回复的举报不能转办"));
        }
        this.no_open_question(&at)?;
        if to.agency_id == this.assignment.agency_id {
            // A state the caller did not see, like a stale version: the report is already there.
            return Err(Rejection::conflict("same_agency", "该举报已在此受理机构"));
        }
        let late = at > this.deadlines.handoff_by;
        let note = format!(
            "{} → {}{}:{}",
            this.assignment.agency_name,
            to.agency_name,
            if late { "(逾期转办)" } else { "" },
            reason.trim()
        );
        let deadlines = Deadlines::new(rules, calendar, &this.created_at, at);
        Ok(
            this.next_counted(calendar, EventKind::Transferred, actor, Some(note), at, |r| {
                r.status = Status::Pending;
                r.assignment = to;
                r.deadlines = Deadlines {
                    reply_by: r.deadlines.reply_by,
                    reply_from: r.deadlines.reply_from,
                    ..deadlines
                };
                r.signed_at = None;
                r.signed_on_time = None;
                r.transfers += 1;
            }),
        )
    }

    /// 备注: an internal note; the report itself does not change.
    /// 关联机构: links the report to a registry institution (`None` unlinks); the event names it.
    pub fn link_institution(
        &self,
        actor: Actor,
        institution: Option<InstitutionRef>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.institution == institution {
            return Err(Rejection::conflict("unchanged", "举报件已关联该机构"));
        }
        let note = match &institution {
            Some(i) => i.name.clone(),
            None => "取消关联".to_owned(),
        };
        Ok(self.next(EventKind::InstitutionLinked, actor, Some(note), at, |r| {
            r.institution = institution;
        }))
    }

    pub fn note(&self, actor: Actor, text: &str, at: DateTime<FixedOffset>) -> (Report, Event) {
        self.next(EventKind::Noted, actor, Some(text.trim().to_owned()), at, |_| {})
    }

    /// 督办: a supervisor presses for progress on an open report.
    pub fn urge(&self, actor: Actor, reason: &str, at: DateTime<FixedOffset>) -> Result<(Report, Event), Rejection> {
        if self.status == Status::Replied {
            return Err(Rejection::conflict("wrong_status", "已回复的举报无需督办"));
        }
        Ok(
            self.next(EventKind::Urged, actor, Some(reason.trim().to_owned()), at, |r| {
                r.urges += 1
            }),
        )
    }

    /// 查看联系方式: recorded, because the reporter's full phone is sensitive.
    pub fn reveal_contact(&self, actor: Actor, at: DateTime<FixedOffset>) -> (Report, Event) {
        self.next(EventKind::ContactRevealed, actor, None, at, |_| {})
    }

    /// Which round this is: 1 until the first reopening.
    pub fn round(&self) -> usize {
        self.rounds.len() + 1
    }

    /// How often a poor rating sent this report back.
    pub fn reopens_by_rating(&self) -> usize {
        self.rounds
            .iter()
            .filter(|r| r.reopened.cause == ReopenCause::Rating)
            .count()
    }

    /// 不满意: replied, the current round rated 1–2★, neither reopened nor closed with a reason.
    pub fn awaits_redress(&self) -> bool {
        self.status == Status::Replied && is_dissatisfied(self.rating.as_ref()) && self.closure.is_none()
    }

    /// 退回重办: a replied report whose current round the reporter rated 不满意 or worse goes back
    /// to 处理中 for another round, at most `MAX_REOPENS_BY_RATING` times.
    pub fn reopen(
        &self,
        actor: Actor,
        reason: &str,
        rules: &DeadlineRules,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Replied {
            return Err(Rejection::conflict("wrong_status", "只有已回复的举报可以重新办理"));
        }
        if !is_dissatisfied(self.rating.as_ref()) {
            return Err(Rejection::conflict(
                "not_dissatisfied",
                "只有评价为不满意或非常不满意的举报可以退回重办",
            ));
        }
        if self.closure.is_some() {
            return Err(Rejection::conflict(
                "closed",
                "该不满意件已办结说明,如需再次办理请由督导人员督导重办",
            ));
        }
        if self.reopens_by_rating() >= MAX_REOPENS_BY_RATING {
            return Err(Rejection::conflict(
                "reopen_limit",
                format!(
                    "该举报已因不满意评价退回重办{MAX_REOPENS_BY_RATING}次,如需再次办理请由市、省级督导人员督导重办"
                ),
            ));
        }
        Ok(self.next_round(
            EventKind::Reopened,
            ReopenCause::Rating,
            actor,
            reason,
            rules,
            calendar,
            at,
        ))
    }

    /// 督导重办: a supervisor sends a replied report back for another round, whatever its rating.
    pub fn order_redo(
        &self,
        actor: Actor,
        reason: &str,
        rules: &DeadlineRules,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Replied {
            return Err(Rejection::conflict("wrong_status", "只有已回复的举报可以督导重办"));
        }
        Ok(self.next_round(
            EventKind::RedoOrdered,
            ReopenCause::Supervisor,
            actor,
            reason,
            rules,
            calendar,
            at,
        ))
    }

    /// Closes the current round and opens the next: 处理中 again, with a reply deadline counted
    /// from now; the old reply, rating and calls stay in `rounds` and the timeline, and the board
    /// no longer shows the report.
    #[allow(clippy::too_many_arguments)]
    fn next_round(
        &self,
        kind: EventKind,
        cause: ReopenCause,
        actor: Actor,
        reason: &str,
        rules: &DeadlineRules,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> (Report, Event) {
        let settled = self.settled(calendar);
        let this = settled.as_ref();
        let old = self
            .reply
            .as_ref()
            .map(|r| format!("原回复({}):{}", r.finding.name(), r.text))
            .unwrap_or_default();
        let note = format!("{};{old}", reason.trim());
        let by = actor.agency_name.clone().unwrap_or_default();
        let reopening = Reopening {
            cause,
            reason: reason.trim().to_owned(),
            at,
            by,
        };
        let deadlines = Deadlines::new(rules, calendar, &at, at);
        this.next_counted(calendar, kind, actor, Some(note), at, |r| {
            if let Some(reply) = r.reply.take() {
                r.rounds.push(Round {
                    reply,
                    rating: r.rating.take(),
                    follow_ups: std::mem::take(&mut r.follow_ups),
                    reopened: reopening,
                });
            }
            r.closure = None;
            r.status = Status::Processing;
            r.replied_on_time = None;
            r.published = false;
            // Signed for already: only the reply is due again, counted from now.
            r.deadlines.reply_by = deadlines.reply_by;
            r.deadlines.reply_from = deadlines.reply_from;
        })
    }

    /// 回访: a follow-up call about the current answer, recorded with what it found.
    pub fn follow_up(
        &self,
        actor: Actor,
        called_at: DateTime<FixedOffset>,
        outcome: FollowUpOutcome,
        note: Option<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Replied {
            return Err(Rejection::conflict("wrong_status", "只有已回复的举报可以记录回访"));
        }
        // A time the form could hold but the report's history cannot: a conflict with it.
        if called_at > at {
            return Err(Rejection::conflict("called_at_out_of_range", "回访时间不能晚于现在"));
        }
        if self.reply.as_ref().is_some_and(|r| called_at < r.replied_at) {
            return Err(Rejection::conflict(
                "called_at_out_of_range",
                "回访时间不能早于本轮回复时间",
            ));
        }
        let follow_up = FollowUp {
            called_at,
            caller: actor.name.clone().unwrap_or_default(),
            agency_name: actor.agency_name.clone().unwrap_or_default(),
            outcome,
            note: note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()),
            recorded_at: at,
        };
        let text = match &follow_up.note {
            Some(note) => format!("{}:{note}", outcome.name()),
            None => outcome.name().to_owned(),
        };
        Ok(self.next(EventKind::FollowedUp, actor, Some(text), at, |r| {
            r.follow_ups.push(follow_up)
        }))
    }

    /// 办结说明: a supervisor closes a dissatisfied round without another, saying why; it leaves
    /// the 不满意 list.
    pub fn close_dissatisfied(
        &self,
        actor: Actor,
        reason: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if !self.awaits_redress() {
            return Err(Rejection::conflict(
                "not_dissatisfied",
                "只有评价为不满意且未重办、未办结的举报可以办结说明",
            ));
        }
        let closure = Closure {
            reason: reason.trim().to_owned(),
            at,
            by: actor.agency_name.clone().unwrap_or_default(),
        };
        Ok(
            self.next(EventKind::Concluded, actor, Some(closure.reason.clone()), at, |r| {
                r.closure = Some(closure)
            }),
        )
    }

    /// 删除举报人信息: a replied report past the retention period keeps everything but its
    /// reporter's name and phone (the reporter's account id stays, so they still see it).
    pub fn redact_reporter(&self, at: DateTime<FixedOffset>) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Replied || self.reporter_redacted_at.is_some() {
            return Err(Rejection::conflict(
                "wrong_status",
                "只有已回复的举报可以删除举报人信息",
            ));
        }
        Ok(self.next(EventKind::ReporterRedacted, Actor::system(), None, at, |r| {
            r.reporter.name = String::new();
            r.reporter.phone = Phone::new(String::new());
            r.reporter_redacted_at = Some(at);
        }))
    }

    /// Whether the reporter's name and phone are still held, on a replied report: the reports the
    /// retention rule will redact one day.
    pub fn holds_reporter_data_since(&self) -> Option<DateTime<FixedOffset>> {
        match (&self.reply, self.status, self.reporter_redacted_at) {
            (Some(reply), Status::Replied, None) => Some(reply.replied_at),
            _ => None,
        }
    }

    /// Past a deadline now: not signed for in time, or not answered in time.
    pub fn is_overdue(&self, now: &DateTime<FixedOffset>) -> bool {
        self.deadlines.overdue(self.status, now)
    }

    /// The next deadline of an open report, for the overdue filter; none once replied.
    pub fn open_deadline(&self) -> Option<DateTime<FixedOffset>> {
        match self.status {
            Status::Pending => Some(self.deadlines.sign_by.min(self.deadlines.reply_by)),
            Status::Processing => Some(self.deadlines.reply_by),
            Status::Replied => None,
        }
    }

    /// 评价: once, only after the reply.
    pub fn rate(
        &self,
        stars: Stars,
        comment: Option<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Replied {
            return Err(Rejection::conflict("not_replied", "举报件尚未回复,暂不能评价"));
        }
        if self.rating.is_some() {
            return Err(Rejection::conflict("already_rated", "每条举报件仅支持评价一次"));
        }
        let rating = Rating {
            stars,
            comment,
            rated_at: at,
        };
        Ok(self.next(EventKind::Rated, Actor::citizen(), None, at, |r| {
            r.rating = Some(rating)
        }))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::directory::Directory;

    pub fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    /// What a projection of `paths` (document paths: `reply.finding`) reads of the stored
    /// `report`: each path's value, nested as stored; a path the report lacks is left out.
    pub fn projected(report: &Report, paths: &[&str]) -> serde_json::Value {
        use serde_json::{Map, Value};
        let item = serde_json::to_value(report).unwrap();
        let mut out = Map::new();
        for path in paths {
            let segments: Vec<&str> = path.split('.').collect();
            let Some(value) = segments.iter().try_fold(&item, |at, s| at.get(s)) else {
                continue;
            };
            let (last, parents) = segments.split_last().unwrap();
            let mut at = &mut out;
            for parent in parents {
                at = at
                    .entry(*parent)
                    .or_insert_with(|| Value::Object(Map::new()))
                    .as_object_mut()
                    .unwrap();
            }
            at.insert((*last).to_owned(), value.clone());
        }
        Value::Object(out)
    }

    pub fn sample(public: bool) -> Report {
        let form = crate::domain::report::input::ReportInput {
            target: Some("某培训机构".into()),
            city: Some("420100".into()),
            county: Some("420106".into()),
            address: Some("武昌区中南路1号".into()),
            category: Some("academic".into()),
            violation_types: Some(vec!["unlicensed".into()]),
            content: Some("周末组织学科类培训".into()),
            public: Some(public),
            evidence: None,
            location: None,
            notice_version: Some(crate::domain::directory::catalog::Catalog::get().notice.version.clone()),
            institution_id: None,
        };
        let draft = crate::domain::report::input::validate(&form, Directory::hubei()).unwrap();
        let reporter = Reporter {
            sub: "citizen-1".into(),
            name: "张三".into(),
            phone: Phone::new("13812341234"),
        };
        let serial = Serial::parse("221215170850330").unwrap();
        let submitted = at("2022-12-15T17:08:50+08:00");
        let deadlines = Deadlines::new(&DeadlineRules::default(), Calendar::china(), &submitted, submitted);
        Report::submit(serial, draft, reporter, None, deadlines, submitted).0
    }

    fn staff() -> Actor {
        Actor::staff("李四", "420106-education", "武昌区教育局")
    }

    #[test]
    fn a_report_walks_pending_processing_replied_and_each_step_adds_a_version() {
        let report = sample(true);
        assert_eq!((report.status, report.version), (Status::Pending, 1));
        let (report, accepted) = report.accept(staff(), at("2022-12-16T09:00:00+08:00")).unwrap();
        assert_eq!(
            (report.status, report.version, accepted.seq),
            (Status::Processing, 2, 2)
        );
        let (report, replied) = report
            .reply(
                staff(),
                Finding::Substantiated,
                "经核查投诉属实,已进行查处",
                at("2022-12-20T09:00:00+08:00"),
            )
            .unwrap();
        assert_eq!(
            (report.status, report.version, replied.kind),
            (Status::Replied, 3, EventKind::Replied)
        );
        assert_eq!(report.reply.as_ref().unwrap().agency_name, "武昌区教育局");
    }

    #[test]
    fn steps_out_of_order_are_conflicts() {
        let report = sample(true);
        assert!(matches!(
            report.reply(staff(), Finding::Partly, "x", at("2022-12-16T09:00:00+08:00")),
            Err(Rejection::Conflict { .. })
        ));
        assert!(matches!(
            report.publish(staff(), None, at("2022-12-16T09:00:00+08:00")),
            Err(Rejection::Conflict { .. })
        ));
        let (accepted, _) = report.accept(staff(), at("2022-12-16T09:00:00+08:00")).unwrap();
        assert!(accepted.accept(staff(), at("2022-12-16T09:00:00+08:00")).is_err());
    }

    #[test]
    fn signing_and_replying_record_whether_they_were_on_time() {
        let report = sample(false); // Thursday 15 Dec 2022, 17:08
        assert_eq!(
            crate::domain::time::format(&report.deadlines.sign_by),
            "2022-12-16T23:59:59+08:00"
        );
        let (late, _) = report.accept(staff(), at("2022-12-19T09:00:00+08:00")).unwrap();
        assert_eq!(late.signed_on_time, Some(false));
        assert!(report.is_overdue(&at("2022-12-17T00:00:00+08:00")));
        assert!(!report.is_overdue(&at("2022-12-16T23:00:00+08:00")));
        let (replied, _) = late
            .reply(staff(), Finding::Partly, "已处理", at("2022-12-20T09:00:00+08:00"))
            .unwrap();
        assert_eq!(replied.replied_on_time, Some(true));
        assert!(
            !replied.is_overdue(&at("2030-01-01T00:00:00+08:00")),
            "answered reports are never overdue"
        );
        assert_eq!(replied.open_deadline(), None);
    }

    #[test]
    fn a_transfer_restarts_signing_but_not_the_reply_clock() {
        let report = sample(false);
        let to = Directory::hubei().dispatch("420100", "420111", "academic").unwrap();
        let when = at("2022-12-20T10:00:00+08:00");
        let (moved, event) = report
            .transfer(
                staff(),
                to.clone(),
                "不属本区",
                &DeadlineRules::default(),
                Calendar::china(),
                when,
            )
            .unwrap();
        assert_eq!((moved.status, moved.transfers), (Status::Pending, 1));
        assert_eq!(moved.assignment, to);
        assert_eq!(moved.deadlines.arrived_at, when);
        assert_eq!(moved.deadlines.reply_by, report.deadlines.reply_by);
        assert!(
            event.note.unwrap().contains("逾期转办"),
            "arrived 15 Dec, hand-on was due 19 Dec"
        );
        assert!(
            moved
                .transfer(staff(), to, "x", &DeadlineRules::default(), Calendar::china(), when)
                .is_err()
        );
    }

    fn rules() -> (&'static DeadlineRules, &'static Calendar) {
        static RULES: DeadlineRules = DeadlineRules {
            sign: 1,
            handoff: 2,
            reply: 15,
        };
        (&RULES, Calendar::china())
    }

    #[test]
    fn only_a_dissatisfied_reply_is_sent_back_and_its_round_is_kept() {
        let (rules, calendar) = rules();
        let when = at("2022-12-21T09:00:00+08:00");
        let (r, _) = sample(true).accept(staff(), when).unwrap();
        let (r, _) = r.reply(staff(), Finding::Unsubstantiated, "不属实", when).unwrap();
        let (r, _) = r.publish(staff(), None, when).unwrap();
        assert!(matches!(
            r.reopen(staff(), "复查", rules, calendar, when),
            Err(Rejection::Conflict {
                code: "not_dissatisfied",
                ..
            })
        ));
        let (satisfied, _) = r.rate(Stars::new(3).unwrap(), None, when).unwrap();
        assert!(satisfied.reopen(staff(), "复查", rules, calendar, when).is_err());
        let (unhappy, _) = r.rate(Stars::new(2).unwrap(), None, when).unwrap();
        assert!(unhappy.awaits_redress());
        let (reopened, event) = unhappy
            .reopen(staff(), "群众不满意,重新核查", rules, calendar, when)
            .unwrap();
        assert_eq!((reopened.status, reopened.round()), (Status::Processing, 2));
        assert!(reopened.reply.is_none() && reopened.rating.is_none() && !reopened.published);
        assert!(!reopened.awaits_redress());
        let earlier = &reopened.rounds[0];
        assert_eq!(earlier.reply.text, "不属实");
        assert_eq!(earlier.rating.as_ref().map(|r| r.stars.get()), Some(2));
        assert_eq!(earlier.reopened.cause, ReopenCause::Rating);
        assert!(event.note.unwrap().contains("原回复(不属实):不属实"));
        // The new round has its own reply deadline: 15 working days from the reopening on
        // 21 Dec 2022, over New Year's Day (2 Jan 2023 off).
        assert_eq!(reopened.deadlines.reply_by, at("2023-01-11T23:59:59+08:00"));
    }

    /// reply → rating → 退回重办, `times` over; the report as it stands after the last reply and rating.
    fn rounds_rated(stars: &[u8]) -> Result<Report, Rejection> {
        let (rules, calendar) = rules();
        let when = at("2022-12-21T09:00:00+08:00");
        let (mut r, _) = sample(false).accept(staff(), when).unwrap();
        for (i, &s) in stars.iter().enumerate() {
            if i > 0 {
                r = r.reopen(staff(), "不满意", rules, calendar, when)?.0;
            }
            r = r
                .reply(staff(), Finding::Partly, &format!("第{}轮回复", i + 1), when)?
                .0;
            r = r.rate(Stars::new(s).unwrap(), None, when)?.0;
        }
        Ok(r)
    }

    #[test]
    fn each_round_is_rated_once_and_ratings_reopen_at_most_twice() {
        let r = rounds_rated(&[2, 4]).unwrap();
        assert_eq!((r.round(), r.rating.as_ref().map(|x| x.stars.get())), (2, Some(4)));
        assert!(!r.awaits_redress());
        let r = rounds_rated(&[1, 2, 2]).unwrap();
        assert_eq!((r.round(), r.reopens_by_rating()), (3, 2));
        assert!(r.awaits_redress(), "still dissatisfied: on the 不满意 list");
        let (rules, calendar) = rules();
        let when = at("2022-12-22T09:00:00+08:00");
        assert!(matches!(
            r.reopen(staff(), "再次不满意", rules, calendar, when),
            Err(Rejection::Conflict {
                code: "reopen_limit",
                ..
            })
        ));
        // Only a supervisor's own decision starts a fourth round.
        let (redo, event) = r.order_redo(staff(), "答复未回应诉求", rules, calendar, when).unwrap();
        assert_eq!(
            (redo.round(), redo.status, event.kind),
            (4, Status::Processing, EventKind::RedoOrdered)
        );
        assert_eq!(redo.rounds[2].reopened.cause, ReopenCause::Supervisor);
        assert_eq!(redo.reopens_by_rating(), 2);
    }

    #[test]
    fn a_dissatisfied_round_closes_with_a_reason_and_leaves_the_list() {
        let (rules, calendar) = rules();
        let r = rounds_rated(&[1]).unwrap();
        let when = at("2022-12-22T09:00:00+08:00");
        let (closed, event) = r.close_dissatisfied(staff(), "诉求超出职责范围,已解释", when).unwrap();
        assert_eq!(event.kind, EventKind::Concluded);
        assert!(!closed.awaits_redress());
        assert!(closed.close_dissatisfied(staff(), "again", when).is_err());
        assert!(matches!(
            closed.reopen(staff(), "x", rules, calendar, when),
            Err(Rejection::Conflict { code: "closed", .. })
        ));
        assert!(
            rounds_rated(&[5])
                .unwrap()
                .close_dissatisfied(staff(), "x", when)
                .is_err()
        );
    }

    #[test]
    fn a_follow_up_call_is_recorded_after_the_reply_and_moves_with_its_round() {
        let (rules, calendar) = rules();
        let r = rounds_rated(&[2]).unwrap();
        let replied = r.reply.as_ref().unwrap().replied_at;
        let now = at("2022-12-23T10:00:00+08:00");
        assert!(
            r.follow_up(
                staff(),
                now + chrono::Duration::hours(1),
                FollowUpOutcome::Satisfied,
                None,
                now
            )
            .is_err()
        );
        assert!(
            r.follow_up(
                staff(),
                replied - chrono::Duration::hours(1),
                FollowUpOutcome::Satisfied,
                None,
                now
            )
            .is_err()
        );
        let (called, event) = r
            .follow_up(
                staff(),
                at("2022-12-23T09:30:00+08:00"),
                FollowUpOutcome::Dissatisfied,
                Some("仍在上课".into()),
                now,
            )
            .unwrap();
        assert_eq!(event.note.as_deref(), Some("不满意:仍在上课"));
        assert_eq!(called.follow_ups.len(), 1);
        let (reopened, _) = called.reopen(staff(), "回访不满意", rules, calendar, now).unwrap();
        assert!(reopened.follow_ups.is_empty());
        assert_eq!(reopened.rounds[0].follow_ups.len(), 1);
        assert!(
            sample(false)
                .follow_up(staff(), now, FollowUpOutcome::Unreachable, None, now)
                .is_err()
        );
    }

    #[test]
    fn urging_and_unpublishing_have_their_preconditions() {
        let when = at("2022-12-21T09:00:00+08:00");
        let (urged, _) = sample(true).urge(staff(), "请加快办理", when).unwrap();
        assert_eq!(urged.urges, 1);
        assert!(sample(true).unpublish(staff(), when).is_err());
    }

    #[test]
    fn rating_needs_a_reply_and_happens_once() {
        let report = sample(false);
        let when = at("2022-12-21T09:00:00+08:00");
        assert!(matches!(
            report.rate(Stars::new(5).unwrap(), None, when),
            Err(Rejection::Conflict {
                code: "not_replied",
                ..
            })
        ));
        let (report, _) = report.accept(staff(), when).unwrap();
        let (report, _) = report
            .reply(staff(), Finding::Unsubstantiated, "经核查不属实", when)
            .unwrap();
        let (rated, event) = report
            .rate(Stars::new(4).unwrap(), Some("处理及时".into()), when)
            .unwrap();
        assert_eq!(
            (rated.rating.as_ref().unwrap().stars.get(), event.kind),
            (4, EventKind::Rated)
        );
        assert!(matches!(
            rated.rate(Stars::new(5).unwrap(), None, when),
            Err(Rejection::Conflict {
                code: "already_rated",
                ..
            })
        ));
    }

    #[test]
    fn only_public_replied_published_reports_reach_the_board() {
        let when = at("2022-12-21T09:00:00+08:00");
        for public in [true, false] {
            let (report, _) = sample(public).accept(staff(), when).unwrap();
            let (report, _) = report.reply(staff(), Finding::Substantiated, "已查处", when).unwrap();
            assert!(!report.is_on_public_board(), "replied but not published");
            match report.publish(staff(), Some("  已责令停止培训  ".into()), when) {
                Ok((published, _)) => {
                    assert!(public);
                    assert!(published.is_on_public_board());
                    assert_eq!(published.public_text.as_deref(), Some("已责令停止培训"));
                }
                Err(rejection) => {
                    assert!(!public);
                    assert!(matches!(rejection, Rejection::Conflict { code: "not_public", .. }));
                }
            }
        }
    }
}
