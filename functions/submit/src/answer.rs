//! `POST /v1/me/reports/{serial}/answer`: the reporter answers the agency's open question
//! (补充材料) with words, evidence, or both. The evidence is checked and sealed as a report's is;
//! the answer, the seal in the custody log and the claims on the uploads are written together.

use crate::evidence::{check_evidence, evidence_in_use, seal};
use serde::{Deserialize, Serialize};
use shared::adapters::dynamo::{AnswerEvidence, AnswerOutcome, ReportRecord};
use shared::app::App;
use shared::domain::Rejection;
use shared::domain::directory::catalog::Catalog;
use shared::domain::report::custody::{Look, Tail};
use shared::domain::report::evidence::{EvidenceInput, check_citation, owner_of, sealed_key};
use shared::domain::report::questions::{Question, QuestionEnd};
use shared::domain::report::serial::Serial;
use shared::domain::report::{Report, Reporter};
use shared::domain::time::{format, now_cst};
use shared::http::ApiError;
use shared::http::request::decode_body;

/// The words of an answer.
pub const MAX_ANSWER_CHARS: usize = 500;
/// Writes tried before giving up (each lost race is a staff note or a look at the evidence).
const MAX_ATTEMPTS: usize = 4;

#[derive(Debug, Deserialize)]
pub struct AnswerInput {
    pub text: Option<String>,
    pub evidence: Option<EvidenceInput>,
}

#[derive(Debug, Serialize)]
pub struct AnswerReceipt {
    pub serial: String,
    /// Which question it answered.
    pub number: usize,
    pub answered_at: String,
    pub files: usize,
}

fn receipt(report: &Report, question: &Question) -> AnswerReceipt {
    let answer = question.answer.as_ref();
    AnswerReceipt {
        serial: report.serial.to_string(),
        number: question.number,
        answered_at: answer.map(|a| format(&a.answered_at)).unwrap_or_default(),
        files: answer.and_then(|a| a.evidence.as_ref()).map_or(0, |e| e.files.len()),
    }
}

/// The same answer given already (a retry whose first answer was lost on the way back).
fn given_already<'a>(report: &'a Report, text: &str, keys: &[String]) -> Option<&'a Question> {
    let question = report.questions.last()?;
    let answer = question.answer.as_ref()?;
    let sealed: Vec<String> = answer
        .evidence
        .iter()
        .flat_map(|e| e.files.iter().map(|f| f.key.clone()))
        .collect();
    let cited: Vec<String> = keys.iter().map(|k| sealed_key(k)).collect();
    (question.ended == Some(QuestionEnd::Answered) && answer.text == text && sealed == cited).then_some(question)
}

pub async fn answer(
    app: &App,
    citizen: &Reporter,
    serial: &Serial,
    body: serde_json::Value,
) -> Result<AnswerReceipt, ApiError> {
    let input: AnswerInput = decode_body(body)?;
    let text = input.text.as_deref().map(str::trim).unwrap_or_default().to_owned();
    if text.chars().count() > MAX_ANSWER_CHARS {
        return Err(Rejection::invalid("text", format!("补充说明不能超过{MAX_ANSWER_CHARS}个字")).into());
    }
    if text.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\t' | '\r')) {
        return Err(Rejection::invalid("text", "补充说明含有无效字符").into());
    }
    if text.is_empty() && input.evidence.is_none() {
        return Err(Rejection::invalid("text", "请填写补充说明或上传举证材料").into());
    }
    let keys = input.evidence.as_ref().and_then(|e| e.keys.clone()).unwrap_or_default();
    let limit = Catalog::get().questions.limit_days;
    let read = || async {
        app.records
            .report_record(serial)
            .await?
            .filter(|record| record.report.reporter.sub == citizen.sub)
            .ok_or_else(ApiError::not_found)
    };
    let (record, calendar) = tokio::try_join!(read(), async { Ok(app.calendar().await?) })?;
    if let Some(question) = given_already(&record.report, &text, &keys) {
        return Ok(receipt(&record.report, question));
    }
    // Whether there is a question to answer first, then what was cited; refused before anything
    // is sealed: the uploads of a refused answer stay pending and expire.
    record.report.answerable(&now_cst())?;
    let cited = input.evidence.as_ref().map(check_citation).transpose()?;
    let checked = check_evidence(app, citizen, cited.as_ref()).await?;
    let evidence = match &checked {
        Some(checked) => Some(seal(app, checked).await?),
        None => None,
    };
    let claims = checked.as_ref().map(|c| c.claims()).unwrap_or_default();
    let owner = owner_of(&citizen.sub);
    let mut record = record;
    for _ in 0..MAX_ATTEMPTS {
        let ReportRecord { report, custody, .. } = &record;
        let now = now_cst();
        let (after, event) = report.answer(&text, evidence.clone(), limit, &calendar, now)?;
        let number = after.questions.len();
        let seal = evidence.as_ref().and_then(|e| {
            let at = e.files.iter().map(|f| f.sealed_at).max()?;
            Tail::of(custody)
                .chain(serial.as_str(), vec![Look::seal_answer(number, e)], at)
                .pop()
        });
        let written = AnswerEvidence {
            seal: seal.as_ref(),
            uploads: &claims,
            owner: &owner,
        };
        match app.records.save_answer(report, &after, &event, &written).await? {
            AnswerOutcome::Saved => {
                tracing::info!(%serial, files = claims.len(), "question answered");
                let question = after.questions.last().ok_or_else(ApiError::internal)?;
                return Ok(receipt(&after, question));
            }
            AnswerOutcome::EvidenceTaken => return Err(evidence_in_use()),
            AnswerOutcome::Stale | AnswerOutcome::Contended => {
                record = read().await?;
                // The same answer sent twice at once: the one that landed is this one's too.
                if let Some(question) = given_already(&record.report, &text, &keys) {
                    return Ok(receipt(&record.report, question));
                }
            }
        }
    }
    Err(ApiError::unavailable())
}
