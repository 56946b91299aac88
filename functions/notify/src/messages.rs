//! Which SMS a change of a report calls for: a report arriving at an agency (new, or handed on)
//! texts its duty phones; a reply texts the reporter; where the province sends one, the first
//! signing for it (受理) texts the reporter the expected reply date; a question to the reporter
//! (补充材料) texts them to answer it.

use shared::adapters::dynamo::sms_pk;
use shared::adapters::sms::{TextKind, e164};
use shared::domain::report::Report;
use shared::domain::report::phone::Phone;
use shared::domain::report::status::Status;
use shared::domain::time::cst;

/// One message to send, and the key of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: String,
    pub serial: String,
    /// In E.164; printed masked.
    pub phone: Phone,
    pub kind: TextKind,
    /// The template's parameters: the serial, then (受理) the reply date.
    pub params: Vec<String>,
    pub text: String,
}

/// The texts, with `{serial}` for the report's serial and, in the 受理 text, `{reply_by}` for the
/// expected reply date.
pub struct Texts {
    pub to_agency: String,
    pub to_reporter: String,
    /// None: the province sends no 受理 text.
    pub on_accept: Option<String>,
    /// The 补充材料 text.
    pub on_question: String,
}

/// The 受理 text's version in its key: one per report, whichever agency signs first or again.
const ACCEPTED_KEY_VERSION: u64 = 0;

impl Texts {
    /// The words and the template parameters of a text.
    pub fn fill(&self, kind: TextKind, serial: &str, reply_by: &str) -> (String, Vec<String>) {
        match kind {
            TextKind::ToAgency => (self.to_agency.replace("{serial}", serial), vec![serial.to_owned()]),
            TextKind::ToReporter => (self.to_reporter.replace("{serial}", serial), vec![serial.to_owned()]),
            TextKind::Question => (self.on_question.replace("{serial}", serial), vec![serial.to_owned()]),
            TextKind::Accepted => {
                let template = self.on_accept.as_deref().unwrap_or_default();
                let text = template.replace("{serial}", serial).replace("{reply_by}", reply_by);
                (text, vec![serial.to_owned(), reply_by.to_owned()])
            }
        }
    }

    /// Which text a stored message is, and its parameters (its record keeps the words only).
    pub fn kind_of(&self, text: &str, serial: &str) -> (TextKind, Vec<String>) {
        if text == self.to_reporter.replace("{serial}", serial) {
            return (TextKind::ToReporter, vec![serial.to_owned()]);
        }
        if text == self.on_question.replace("{serial}", serial) {
            return (TextKind::Question, vec![serial.to_owned()]);
        }
        // The 受理 text around its date: what lies between the words before and after it.
        if let Some((before, after)) = self.on_accept.as_deref().and_then(|t| {
            t.replace("{serial}", serial)
                .split_once("{reply_by}")
                .map(|(a, b)| (a.to_owned(), b.to_owned()))
        }) && let Some(date) = text
            .strip_prefix(before.as_str())
            .and_then(|rest| rest.strip_suffix(after.as_str()))
        {
            return (TextKind::Accepted, vec![serial.to_owned(), date.to_owned()]);
        }
        (TextKind::ToAgency, vec![serial.to_owned()])
    }
}

/// A date as the SMS says it: 2023年1月11日.
fn spoken_date(report: &Report) -> String {
    report
        .deadlines
        .reply_by
        .with_timezone(&cst())
        .format("%Y年%-m月%-d日")
        .to_string()
}

/// The messages a change sends; `duty` are the phones of the agency it arrived at (if it did).
pub fn messages(duty: &[String], texts: &Texts, before: Option<&Report>, after: &Report) -> Vec<Message> {
    let serial = after.serial.to_string();
    let reply_by = spoken_date(after);
    let mut out = Vec::new();
    let mut to = |phones: Vec<Phone>, kind: TextKind, version: u64| {
        for phone in phones {
            match e164(phone.reveal()) {
                Some(number) => {
                    let (text, params) = texts.fill(kind, &serial, &reply_by);
                    out.push(Message {
                        key: sms_pk(&serial, version, &number),
                        serial: serial.clone(),
                        phone: Phone::new(number),
                        kind,
                        params,
                        text,
                    })
                }
                None => tracing::warn!(%serial, %phone, "not a mobile number; no SMS"),
            }
        }
    };
    let arrived = before.is_none_or(|b| b.assignment.agency_id != after.assignment.agency_id);
    if arrived {
        if duty.is_empty() {
            tracing::warn!(%serial, agency = %after.assignment.agency_id, "agency has no duty phone; no SMS");
        }
        to(duty.iter().map(Phone::new).collect(), TextKind::ToAgency, after.version);
    }
    // Signed for: the reporter learns it is in hand and when to expect the answer, once per report
    // (the key does not name the version, so a signing after a hand-on sends nothing more).
    let accepted = after.status == Status::Processing && before.is_some_and(|b| b.status == Status::Pending);
    if accepted && texts.on_accept.is_some() {
        to(
            vec![after.reporter.phone.clone()],
            TextKind::Accepted,
            ACCEPTED_KEY_VERSION,
        );
    }
    // Asked: one text per question (keyed by the version that asked it).
    let asked = after.questions.len() > before.map_or(0, |b| b.questions.len());
    if asked {
        to(vec![after.reporter.phone.clone()], TextKind::Question, after.version);
    }
    let answered = after.status == Status::Replied && before.is_some_and(|b| b.status != Status::Replied);
    if answered {
        to(vec![after.reporter.phone.clone()], TextKind::ToReporter, after.version);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::domain::calendar::Calendar;
    use shared::domain::directory::catalog::Catalog;
    use shared::domain::report::deadlines::{DeadlineRules, Deadlines};
    use shared::domain::report::input::{ReportInput, validate};
    use shared::domain::report::serial::Serial;
    use shared::domain::report::timeline::Actor;
    use shared::domain::report::{Finding, Reporter};

    fn texts(on_accept: bool) -> Texts {
        Texts {
            to_agency: "【测试】新举报{serial}".into(),
            to_reporter: "【测试】已处理{serial}".into(),
            on_accept: on_accept.then(|| "【测试】{serial}已受理,预计于{reply_by}前答复。".into()),
            on_question: "【测试】请补充{serial}的材料".into(),
        }
    }

    /// A report submitted at 09:00 on 15 Dec 2022 to 武昌区教育局, and its signing for.
    fn signed() -> (Report, Report) {
        let input = ReportInput {
            target: Some("某培训机构".into()),
            city: Some("420100".into()),
            county: Some("420106".into()),
            address: Some("中南路1号".into()),
            category: Some("academic".into()),
            violation_types: Some(vec!["unlicensed".into()]),
            content: Some("周末组织学科类培训".into()),
            public: Some(false),
            evidence: None,
            location: None,
            notice_version: Some(Catalog::get().notice.version.clone()),
            institution_id: None,
        };
        let draft = validate(&input, shared::domain::directory::Directory::hubei()).unwrap();
        let at = chrono::DateTime::parse_from_rfc3339("2022-12-15T09:00:00+08:00").unwrap();
        let reporter = Reporter {
            sub: "c-1".into(),
            name: "张三".into(),
            phone: Phone::new("13812341234"),
        };
        let deadlines = Deadlines::new(&DeadlineRules::default(), Calendar::china(), &at, at);
        let (report, _) = Report::submit(Serial::new(&at, 1), draft, reporter, None, deadlines, at);
        let staff = Actor::staff("王科员", "420106-education", "武昌区教育局");
        let (accepted, _) = report.accept(staff, at).unwrap();
        (report, accepted)
    }

    #[test]
    fn signing_for_texts_the_reporter_the_reply_date_where_the_province_sends_it() {
        let (pending, accepted) = signed();
        assert!(messages(&[], &texts(false), Some(&pending), &accepted).is_empty());
        let sent = messages(&[], &texts(true), Some(&pending), &accepted);
        let [ack] = sent.as_slice() else { panic!("{sent:?}") };
        let serial = accepted.serial.to_string();
        assert_eq!(ack.kind, TextKind::Accepted);
        assert_eq!(ack.phone.reveal(), "+8613812341234");
        assert_eq!(ack.text, format!("【测试】{serial}已受理,预计于2023年1月5日前答复。"));
        assert_eq!(ack.params, [serial.clone(), "2023年1月5日".to_owned()]);
        // Keyed per report, not per version: a signing after a hand-on is the same message.
        assert_eq!(ack.key, sms_pk(&serial, 0, "+8613812341234"));
        // The resender reads the kind and the date back from the words.
        assert_eq!(
            texts(true).kind_of(&ack.text, &serial),
            (TextKind::Accepted, ack.params.clone())
        );
        assert_eq!(texts(true).kind_of("【测试】已处理1", "1").0, TextKind::ToReporter);
        assert_eq!(texts(true).kind_of("【测试】新举报1", "1").0, TextKind::ToAgency);
    }

    #[test]
    fn a_reply_texts_the_reporter_once_with_its_serial() {
        let (_, accepted) = signed();
        let staff = Actor::staff("王科员", "420106-education", "武昌区教育局");
        let (replied, _) = accepted
            .reply(staff, Finding::Partly, "已整改", accepted.updated_at)
            .unwrap();
        let sent = messages(&[], &texts(true), Some(&accepted), &replied);
        assert_eq!(sent.len(), 1);
        assert_eq!((sent[0].kind, sent[0].params.len()), (TextKind::ToReporter, 1));
        assert!(messages(&[], &texts(true), Some(&replied), &replied).is_empty());
    }

    #[test]
    fn a_question_texts_the_reporter_once_and_its_answer_nothing() {
        let (_, accepted) = signed();
        let staff = Actor::staff("王科员", "420106-education", "武昌区教育局");
        let at = accepted.updated_at;
        let (asked, _) = accepted.ask(staff, "请补充楼层", 5, Calendar::china(), at).unwrap();
        let sent = messages(&[], &texts(false), Some(&accepted), &asked);
        let [text] = sent.as_slice() else { panic!("{sent:?}") };
        let serial = asked.serial.to_string();
        assert_eq!(
            (text.kind, text.text.clone()),
            (TextKind::Question, format!("【测试】请补充{serial}的材料"))
        );
        assert_eq!(text.key, sms_pk(&serial, asked.version, "+8613812341234"));
        assert_eq!(texts(false).kind_of(&text.text, &serial).0, TextKind::Question);
        let (answered, _) = asked.answer("3楼", None, 5, Calendar::china(), at).unwrap();
        assert!(messages(&[], &texts(false), Some(&asked), &answered).is_empty());
    }
}
