//! Questions to the reporter (补充材料) as staff and the reporter see them: the question, the
//! agency that asked (never a person), how it stands now, and the answer with its files' facts.
//! Files are numbered after the report's own, as `Report::evidence_files` numbers them.

use super::EvidenceFacts;
use crate::domain::report::Report;
use crate::domain::report::questions::{Question, QuestionEnd};
use crate::domain::time::format;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionState {
    /// 等待举报人补充: the reply deadline is paused.
    Open,
    Answered,
    Withdrawn,
    /// Past its limit unanswered (recorded or about to be).
    Lapsed,
}

impl QuestionState {
    fn name(self) -> &'static str {
        match self {
            QuestionState::Open => "等待举报人补充",
            QuestionState::Answered => QuestionEnd::Answered.name(),
            QuestionState::Withdrawn => QuestionEnd::Withdrawn.name(),
            QuestionState::Lapsed => QuestionEnd::Lapsed.name(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerFile {
    /// The file's number in the report (after the report's own files).
    pub n: usize,
    #[serde(flatten)]
    pub facts: EvidenceFacts,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerView {
    pub text: String,
    pub answered_at: String,
    pub files: Vec<AnswerFile>,
}

#[derive(Debug, Clone, Serialize)]
pub struct QuestionView {
    pub number: usize,
    pub round: usize,
    pub text: String,
    pub asked_at: String,
    /// The agency that asked.
    pub asked_by: String,
    pub state: QuestionState,
    pub state_name: &'static str,
    /// While open: when the clock resumes at the latest (the end of the limit's last working day).
    pub open_until: String,
    /// Working days the reply deadline moved by, once ended.
    pub paused_days: Option<u32>,
    pub answer: Option<AnswerView>,
}

fn state(question: &Question, now: &DateTime<FixedOffset>) -> QuestionState {
    match question.ended {
        Some(QuestionEnd::Answered) => QuestionState::Answered,
        Some(QuestionEnd::Withdrawn) => QuestionState::Withdrawn,
        Some(QuestionEnd::Lapsed) => QuestionState::Lapsed,
        None if question.is_open(now) => QuestionState::Open,
        None => QuestionState::Lapsed,
    }
}

/// Every question of `report`, oldest first.
pub fn question_views(report: &Report, now: &DateTime<FixedOffset>) -> Vec<QuestionView> {
    let mut n = report.evidence.as_ref().map_or(0, |e| e.files.len());
    report
        .questions
        .iter()
        .map(|q| {
            let state = state(q, now);
            let answer = q.answer.as_ref().map(|a| AnswerView {
                text: a.text.clone(),
                answered_at: format(&a.answered_at),
                files: a
                    .evidence
                    .iter()
                    .flat_map(|e| e.files.iter().map(move |f| (e.kind, f)))
                    .map(|(kind, file)| {
                        n += 1;
                        AnswerFile {
                            n,
                            facts: EvidenceFacts::of(kind, file),
                        }
                    })
                    .collect(),
            });
            QuestionView {
                number: q.number,
                round: q.round,
                text: q.text.clone(),
                asked_at: format(&q.asked_at),
                asked_by: q.asked_by.clone(),
                state,
                state_name: state.name(),
                open_until: format(&q.open_until),
                paused_days: q.paused_days,
                answer,
            }
        })
        .collect()
}
