//! Questions to the reporter (补充材料). The assigned agency asks one question at a time; the
//! reporter answers in the H5 with text and evidence (sealed like a report's). While a question
//! is open the reply deadline pauses: on asking it moves out by the whole limit (the most the
//! pause can last), and when the question ends early it comes back to the original deadline plus
//! the working days the question stayed open. A question nobody answers lapses at its limit
//! (举报人未补充): the deadline already stands where it should, the housekeeping schedule only
//! records it.

use crate::domain::Rejection;
use crate::domain::calendar::Calendar;
use crate::domain::report::Report;
use crate::domain::report::evidence::{Evidence, EvidenceFile, EvidenceKind};
use crate::domain::report::status::Status;
use crate::domain::report::timeline::{Actor, Event, EventKind};
use crate::domain::time::format_day;
use chrono::{DateTime, Days, FixedOffset};
use serde::{Deserialize, Serialize};

/// One sealed file of a report, and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct SealedFile<'a> {
    /// The question whose answer brought it; none for the report's own.
    pub answer: Option<usize>,
    pub kind: EvidenceKind,
    pub file: &'a EvidenceFile,
}

/// How a question ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionEnd {
    /// 已补充: the reporter answered.
    Answered,
    /// 已撤回: the agency withdrew it (it found out otherwise, or hands the report on).
    Withdrawn,
    /// 举报人未补充: the limit passed unanswered.
    Lapsed,
}

impl QuestionEnd {
    pub fn name(self) -> &'static str {
        match self {
            QuestionEnd::Answered => "已补充",
            QuestionEnd::Withdrawn => "已撤回",
            QuestionEnd::Lapsed => "举报人未补充",
        }
    }
}

/// The reporter's answer: words, and evidence sealed when it was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub answered_at: DateTime<FixedOffset>,
}

/// One question to the reporter (补充材料).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    /// 1 for the report's first question.
    pub number: usize,
    /// The reply round it was asked in.
    pub round: usize,
    pub text: String,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub asked_at: DateTime<FixedOffset>,
    /// The agency that asked (never a person, for citizens).
    pub asked_by: String,
    /// The reply deadline when it was asked: the pause is counted on from it.
    #[serde(with = "crate::domain::time::rfc3339")]
    pub paused_reply_by: DateTime<FixedOffset>,
    /// The end of the limit's last working day: unanswered by then, the question lapses.
    #[serde(with = "crate::domain::time::rfc3339")]
    pub open_until: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Answer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<QuestionEnd>,
    #[serde(
        default,
        with = "crate::domain::time::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub ended_at: Option<DateTime<FixedOffset>>,
    /// Working days the reply deadline moved by, once it ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_days: Option<u32>,
}

impl Question {
    /// Open at `now`: not ended, and its limit not passed.
    pub fn is_open(&self, now: &DateTime<FixedOffset>) -> bool {
        self.ended.is_none() && *now <= self.open_until
    }

    /// Past its limit unanswered, but not yet recorded as lapsed.
    pub fn has_lapsed(&self, now: &DateTime<FixedOffset>) -> bool {
        self.ended.is_none() && *now > self.open_until
    }
}

/// Working days a question stayed open from `asked` to `ended`: those after the day it was asked,
/// up to and including the day it ended (as `Calendar::deadline` counts), never more than `limit`.
/// Asked and answered the same day, or over a weekend, the clock loses nothing.
pub fn paused_days(
    calendar: &Calendar,
    asked: &DateTime<FixedOffset>,
    ended: &DateTime<FixedOffset>,
    limit: u32,
) -> u32 {
    let cst = crate::domain::time::cst();
    let (mut day, last) = (
        asked.with_timezone(&cst).date_naive(),
        ended.with_timezone(&cst).date_naive(),
    );
    let mut count = 0;
    while day < last && count < limit {
        day = day.checked_add_days(Days::new(1)).unwrap_or(last);
        if calendar.is_working_day(day) {
            count += 1;
        }
    }
    count
}

fn open_question() -> Rejection {
    Rejection::conflict("question_open", "正在等待举报人补充材料,请先撤回补充请求")
}

impl Report {
    /// Every sealed file of the report in order (file `n` is at `n - 1`): the report's own, then
    /// each answer's.
    pub fn evidence_files(&self) -> Vec<SealedFile<'_>> {
        let own = self.evidence.iter().map(|e| (None, e));
        let answers = self
            .questions
            .iter()
            .filter_map(|q| Some((Some(q.number), q.answer.as_ref()?.evidence.as_ref()?)));
        own.chain(answers)
            .flat_map(|(answer, e)| {
                e.files.iter().map(move |file| SealedFile {
                    answer,
                    kind: e.kind,
                    file,
                })
            })
            .collect()
    }

    /// The question open at `now`, if one is.
    pub fn open_question(&self, now: &DateTime<FixedOffset>) -> Option<&Question> {
        self.questions.last().filter(|q| q.is_open(now))
    }

    /// A question past its limit that the timeline does not yet say so of.
    pub fn lapsed_question(&self, now: &DateTime<FixedOffset>) -> Option<&Question> {
        self.questions.last().filter(|q| q.has_lapsed(now))
    }

    /// Refuses a step that must wait for the reporter (回复, 转办) while a question is open.
    pub(super) fn no_open_question(&self, at: &DateTime<FixedOffset>) -> Result<(), Rejection> {
        match self.open_question(at) {
            Some(_) => Err(open_question()),
            None => Ok(()),
        }
    }

    /// 补充材料: the agency asks the reporter one question; the reply deadline pauses for up to
    /// `limit` working days. A question that lapsed unrecorded is closed as such first.
    pub fn ask(
        &self,
        actor: Actor,
        text: &str,
        limit: u32,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        let settled = self.settled(calendar);
        let this = settled.as_ref();
        if this.status != Status::Processing {
            return Err(Rejection::conflict(
                "wrong_status",
                "只有处理中的举报可以请举报人补充材料",
            ));
        }
        if this.open_question(&at).is_some() {
            return Err(Rejection::conflict(
                "question_open",
                "已有一条补充请求等待举报人回复,每次只能提一个问题",
            ));
        }
        let text = text.trim().to_owned();
        let open_until = calendar.deadline(&at, limit);
        let note = format!("{text}(等待举报人补充,最迟至{}恢复计时)", format_day(&open_until));
        let question = Question {
            number: this.questions.len() + 1,
            round: this.round(),
            text,
            asked_at: at,
            asked_by: actor.agency_name.clone().unwrap_or_default(),
            paused_reply_by: this.deadlines.reply_by,
            open_until,
            answer: None,
            ended: None,
            ended_at: None,
            paused_days: None,
        };
        Ok(
            this.next_counted(calendar, EventKind::Asked, actor, Some(note), at, |r| {
                if let Some(last) = r.questions.last_mut().filter(|q| q.has_lapsed(&at)) {
                    end(last, QuestionEnd::Lapsed, at, limit, calendar);
                }
                // At most the whole limit; an earlier end gives back the days not used.
                r.deadlines.reply_by = calendar.deadline(&r.deadlines.reply_by, limit);
                r.questions.push(question);
            }),
        )
    }

    /// Whether the reporter may answer now: a question is open.
    pub fn answerable(&self, at: &DateTime<FixedOffset>) -> Result<(), Rejection> {
        let Some(question) = self.questions.last() else {
            return Err(Rejection::conflict("no_question", "受理部门没有请您补充材料"));
        };
        if question.ended.is_some() {
            return Err(Rejection::conflict("no_question", "该补充请求已结束,无需再补充"));
        }
        if question.has_lapsed(at) {
            return Err(Rejection::conflict("question_lapsed", "补充期限已过,无法再补充"));
        }
        Ok(())
    }

    /// The reporter's answer to the open question, with evidence already sealed.
    pub fn answer(
        &self,
        text: &str,
        evidence: Option<Evidence>,
        limit: u32,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        let settled = self.settled(calendar);
        let this = settled.as_ref();
        this.answerable(&at)?;
        let text = text.trim().to_owned();
        if text.is_empty() && evidence.is_none() {
            return Err(Rejection::invalid("text", "请填写补充说明或上传举证材料"));
        }
        let files = evidence.as_ref().map_or(0, |e| e.files.len());
        let note = if files > 0 {
            format!("{text}(附{files}个文件)")
        } else {
            text.clone()
        };
        let answer = Answer {
            text,
            evidence,
            answered_at: at,
        };
        Ok(
            this.next_counted(calendar, EventKind::Answered, Actor::citizen(), Some(note), at, |r| {
                if let Some(last) = r.questions.last_mut() {
                    last.answer = Some(answer);
                    end(last, QuestionEnd::Answered, at, limit, calendar);
                    r.deadlines.reply_by = resumed(last, calendar);
                }
            }),
        )
    }

    /// 撤回: the agency withdraws its open question; the clock resumes as if it were answered.
    pub fn withdraw_question(
        &self,
        actor: Actor,
        limit: u32,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        let settled = self.settled(calendar);
        let this = settled.as_ref();
        if this.open_question(&at).is_none() {
            return Err(Rejection::conflict("no_question", "没有等待举报人补充的请求"));
        }
        Ok(
            this.next_counted(calendar, EventKind::QuestionWithdrawn, actor, None, at, |r| {
                if let Some(last) = r.questions.last_mut() {
                    end(last, QuestionEnd::Withdrawn, at, limit, calendar);
                    r.deadlines.reply_by = resumed(last, calendar);
                }
            }),
        )
    }

    /// 举报人未补充: records a question that passed its limit unanswered (the deadline moved by
    /// the whole limit when it was asked and stays there).
    pub fn lapse_question(
        &self,
        limit: u32,
        calendar: &Calendar,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        let settled = self.settled(calendar);
        let this = settled.as_ref();
        let Some(question) = this.lapsed_question(&at) else {
            return Err(Rejection::conflict("no_question", "没有已过期限的补充请求"));
        };
        let note = format!("补充期限{}已过", format_day(&question.open_until));
        Ok(this.next_counted(
            calendar,
            EventKind::QuestionLapsed,
            Actor::system(),
            Some(note),
            at,
            |r| {
                if let Some(last) = r.questions.last_mut() {
                    end(last, QuestionEnd::Lapsed, at, limit, calendar);
                }
            },
        ))
    }
}

/// Ends `question` now (`Lapsed`: at its limit), counting the working days it paused the clock.
fn end(question: &mut Question, how: QuestionEnd, at: DateTime<FixedOffset>, limit: u32, calendar: &Calendar) {
    let ended_at = match how {
        QuestionEnd::Lapsed => question.open_until,
        _ => at,
    };
    question.paused_days = Some(match how {
        QuestionEnd::Lapsed => limit,
        _ => paused_days(calendar, &question.asked_at, &ended_at, limit),
    });
    question.ended = Some(how);
    question.ended_at = Some(ended_at);
}

/// The reply deadline once `question` ended: its deadline then, moved by the days it paused.
fn resumed(question: &Question, calendar: &Calendar) -> DateTime<FixedOffset> {
    calendar.deadline(&question.paused_reply_by, question.paused_days.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::report::{Finding, Report};
    use crate::domain::time::format;

    fn staff() -> Actor {
        Actor::staff("李四", "420106-education", "武昌区教育局")
    }

    /// A signed-for report whose reply is due on Friday 10 Oct 2025.
    fn processing() -> Report {
        let (mut r, _) = sample(false).accept(staff(), at("2022-12-16T09:00:00+08:00")).unwrap();
        r.deadlines.reply_by = at("2025-10-10T23:59:59+08:00");
        r
    }

    fn china() -> &'static Calendar {
        Calendar::china()
    }

    #[test]
    fn the_pause_counts_the_working_days_after_the_day_asked_up_to_the_day_it_ended() {
        let days = |a: &str, b: &str| paused_days(china(), &at(a), &at(b), 5);
        assert_eq!(
            days("2025-09-22T09:00:00+08:00", "2025-09-22T18:00:00+08:00"),
            0,
            "same day"
        );
        assert_eq!(
            days("2025-09-19T16:00:00+08:00", "2025-09-21T10:00:00+08:00"),
            0,
            "over a weekend"
        );
        assert_eq!(
            days("2025-09-19T16:00:00+08:00", "2025-09-22T10:00:00+08:00"),
            1,
            "Friday to Monday"
        );
        assert_eq!(
            days("2025-09-26T16:00:00+08:00", "2025-09-28T10:00:00+08:00"),
            1,
            "a make-up Sunday"
        );
        assert_eq!(
            days("2025-09-30T10:00:00+08:00", "2025-10-09T10:00:00+08:00"),
            1,
            "over National Day"
        );
        assert_eq!(
            days("2025-09-01T10:00:00+08:00", "2025-09-30T10:00:00+08:00"),
            5,
            "never past the limit"
        );
    }

    #[test]
    fn an_answer_moves_the_deadline_by_exactly_the_working_days_it_took_over_a_holiday() {
        let r = processing();
        let asked = at("2025-09-30T10:00:00+08:00");
        let (open, event) = r.ask(staff(), " 请补充具体楼层 ", 5, china(), asked).unwrap();
        assert_eq!(event.kind, EventKind::Asked);
        let q = open.open_question(&asked).unwrap();
        assert_eq!((q.number, q.round, q.text.as_str()), (1, 1, "请补充具体楼层"));
        // Five working days after 30 Sep: 9, 10, 11 (make-up Saturday), 13, 14 Oct.
        assert_eq!(format(&q.open_until), "2025-10-14T23:59:59+08:00");
        // Paused: the deadline stands at the most the pause can last, 5 working days after 10 Oct
        // (11 Oct is a make-up Saturday).
        assert_eq!(format(&open.deadlines.reply_by), "2025-10-16T23:59:59+08:00");
        let (answered, event) = open
            .answer("在3楼301室", None, 5, china(), at("2025-10-09T20:00:00+08:00"))
            .unwrap();
        assert_eq!(
            (event.kind, event.actor.role),
            (EventKind::Answered, crate::domain::report::timeline::ActorRole::Citizen)
        );
        let q = &answered.questions[0];
        assert_eq!((q.ended, q.paused_days), (Some(QuestionEnd::Answered), Some(1)));
        // One working day after Friday 10 Oct is the make-up Saturday 11 Oct.
        assert_eq!(format(&answered.deadlines.reply_by), "2025-10-11T23:59:59+08:00");
        assert!(answered.open_question(&at("2025-10-09T21:00:00+08:00")).is_none());
    }

    #[test]
    fn over_a_weekend_the_clock_loses_one_day_for_the_monday() {
        let asked = at("2025-09-19T16:00:00+08:00");
        let (open, _) = processing().ask(staff(), "请补充收费凭证", 5, china(), asked).unwrap();
        let (answered, _) = open
            .answer("", Some(photo()), 5, china(), at("2025-09-22T08:00:00+08:00"))
            .unwrap();
        assert_eq!(answered.questions[0].paused_days, Some(1));
        assert_eq!(format(&answered.deadlines.reply_by), "2025-10-11T23:59:59+08:00");
    }

    #[test]
    fn an_unanswered_question_lapses_at_its_limit_and_the_clock_resumes_there() {
        let asked = at("2025-09-22T09:00:00+08:00");
        let (open, _) = processing().ask(staff(), "请补充培训时间", 5, china(), asked).unwrap();
        let moved = open.deadlines.reply_by;
        // 23, 24, 25, 26 and the make-up Sunday 28 Sep.
        let limit = at("2025-09-28T23:59:59+08:00");
        assert_eq!(open.questions[0].open_until, limit);
        assert!(
            open.lapse_question(5, china(), limit).is_err(),
            "still open to the last second"
        );
        let late = at("2025-09-29T00:00:01+08:00");
        assert!(matches!(
            open.answer("补充", None, 5, china(), late),
            Err(Rejection::Conflict {
                code: "question_lapsed",
                ..
            })
        ));
        assert!(open.open_question(&late).is_none() && open.lapsed_question(&late).is_some());
        let (lapsed, event) = open.lapse_question(5, china(), late).unwrap();
        assert_eq!(
            (event.kind, event.note.as_deref()),
            (EventKind::QuestionLapsed, Some("补充期限2025-09-28已过"))
        );
        let q = &lapsed.questions[0];
        assert_eq!(
            (q.ended, q.paused_days, q.ended_at),
            (Some(QuestionEnd::Lapsed), Some(5), Some(limit))
        );
        assert_eq!(lapsed.deadlines.reply_by, moved, "the whole limit, as set when asked");
        assert_eq!(format(&moved), "2025-10-16T23:59:59+08:00");
        assert!(lapsed.lapsed_question(&late).is_none());
    }

    #[test]
    fn one_question_at_a_time_and_no_reply_or_hand_on_while_it_waits() {
        let asked = at("2025-09-22T09:00:00+08:00");
        let (open, _) = processing().ask(staff(), "请补充培训时间", 5, china(), asked).unwrap();
        let later = at("2025-09-23T09:00:00+08:00");
        assert!(matches!(
            open.ask(staff(), "再问", 5, china(), later),
            Err(Rejection::Conflict {
                code: "question_open",
                ..
            })
        ));
        assert!(matches!(
            open.reply(staff(), Finding::Partly, "已处理", later),
            Err(Rejection::Conflict {
                code: "question_open",
                ..
            })
        ));
        let (withdrawn, event) = open.withdraw_question(staff(), 5, china(), later).unwrap();
        assert_eq!(event.kind, EventKind::QuestionWithdrawn);
        assert_eq!(withdrawn.questions[0].paused_days, Some(1));
        assert_eq!(format(&withdrawn.deadlines.reply_by), "2025-10-11T23:59:59+08:00");
        assert!(withdrawn.withdraw_question(staff(), 5, china(), later).is_err());
        assert!(matches!(
            withdrawn.answer("迟到的补充", None, 5, china(), later),
            Err(Rejection::Conflict {
                code: "no_question",
                ..
            })
        ));
        assert!(withdrawn.reply(staff(), Finding::Partly, "已处理", later).is_ok());
        assert!(
            sample(false).ask(staff(), "x", 5, china(), later).is_err(),
            "not signed for yet"
        );
    }

    #[test]
    fn asking_again_after_an_unrecorded_lapse_closes_the_old_question_as_lapsed() {
        let (open, _) = processing()
            .ask(staff(), "请补充培训时间", 5, china(), at("2025-09-22T09:00:00+08:00"))
            .unwrap();
        let (again, _) = open
            .ask(staff(), "请补充收费凭证", 5, china(), at("2025-09-30T09:00:00+08:00"))
            .unwrap();
        assert_eq!(again.questions[0].ended, Some(QuestionEnd::Lapsed));
        assert_eq!(again.questions[1].number, 2);
        assert!(
            open.answer("", None, 5, china(), at("2025-09-23T09:00:00+08:00"))
                .is_err(),
            "empty"
        );
    }

    fn photo() -> Evidence {
        serde_json::from_value(serde_json::json!({
            "kind": "image",
            "files": [{
                "key": "evidence/a.jpg", "version_id": "v1", "content_type": "image/jpeg",
                "size": 10, "sha256": "00", "sealed_at": "2025-09-22T08:00:00+08:00"
            }]
        }))
        .unwrap()
    }
}
