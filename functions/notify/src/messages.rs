//! Which SMS a change of a report calls for: a report arriving at an agency (new, or handed on)
//! texts its duty phones; a reply texts the reporter.

use shared::adapters::dynamo::sms_pk;
use shared::adapters::sms::{TextKind, e164};
use shared::domain::directory::Directory;
use shared::domain::report::Report;
use shared::domain::report::phone::Phone;
use shared::domain::report::status::Status;

/// One message to send, and the key of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: String,
    pub serial: String,
    /// In E.164; printed masked.
    pub phone: Phone,
    pub kind: TextKind,
    pub text: String,
}

/// The texts, with `{serial}` for the report's serial.
pub struct Texts {
    pub to_agency: String,
    pub to_reporter: String,
}

impl Texts {
    pub fn fill(&self, kind: TextKind, serial: &str) -> String {
        let template = match kind {
            TextKind::ToAgency => &self.to_agency,
            TextKind::ToReporter => &self.to_reporter,
        };
        template.replace("{serial}", serial)
    }

    /// Which text a stored message is (its record keeps the words, not the kind).
    pub fn kind_of(&self, text: &str, serial: &str) -> TextKind {
        if text == self.fill(TextKind::ToReporter, serial) {
            TextKind::ToReporter
        } else {
            TextKind::ToAgency
        }
    }
}

pub fn messages(directory: &Directory, texts: &Texts, before: Option<&Report>, after: &Report) -> Vec<Message> {
    let serial = after.serial.to_string();
    let mut out = Vec::new();
    let mut to = |phones: Vec<Phone>, kind: TextKind| {
        for phone in phones {
            match e164(phone.reveal()) {
                Some(number) => out.push(Message {
                    key: sms_pk(&serial, after.version, &number),
                    serial: serial.clone(),
                    phone: Phone::new(number),
                    kind,
                    text: texts.fill(kind, &serial),
                }),
                None => tracing::warn!(%serial, %phone, "not a mobile number; no SMS"),
            }
        }
    };
    let arrived = before.is_none_or(|b| b.assignment.agency_id != after.assignment.agency_id);
    if arrived {
        let phones = directory
            .agency_by_id(&after.assignment.agency_id)
            .map(|a| a.phones)
            .unwrap_or_default();
        if phones.is_empty() {
            tracing::warn!(%serial, agency = %after.assignment.agency_id, "agency has no duty phone; no SMS");
        }
        to(phones.into_iter().map(Phone::new).collect(), TextKind::ToAgency);
    }
    let answered = after.status == Status::Replied && before.is_some_and(|b| b.status != Status::Replied);
    if answered {
        to(vec![after.reporter.phone.clone()], TextKind::ToReporter);
    }
    out
}
