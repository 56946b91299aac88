//! `notify`: SMS from the table's stream. A new report, or one handed to another agency, texts
//! that agency's duty phones; a reply texts the reporter.
//!
//! Streams deliver at least once. Each message has a record keyed by serial + event + phone,
//! claimed before sending, so a redelivered record sends nothing twice. A failed send marks its
//! record failed and its stream record is reported as a batch item failure, so Lambda retries
//! it; after the retries, the stream mapping's on-failure destination (a dead-letter queue)
//! keeps it. Nothing is dropped silently.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use shared::adapters::StoreError;
use shared::adapters::dynamo::{Delivery, Records, sms_pk};
use shared::adapters::sns::{SmsSender, e164};
use shared::domain::dispatch::Directory;
use shared::domain::phone::Phone;
use shared::domain::report::Report;
use shared::domain::status::Status;
use tracing::Instrument;

/// What `notify` needs: the table, the directory (duty phones), the texts and a sender.
pub struct Notifier<S> {
    pub records: Records,
    pub directory: &'static Directory,
    pub to_agency: String,
    pub to_reporter: String,
    pub sender: S,
}

/// One message to send, and the key of its record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub key: String,
    /// In E.164; printed masked.
    pub phone: Phone,
    pub text: String,
}

fn image(item: &serde_dynamo::Item) -> Result<Option<Report>, String> {
    if item.is_empty() {
        return Ok(None);
    }
    serde_dynamo::from_item(item.clone())
        .map(Some)
        .map_err(|e| e.to_string())
}

/// A string key attribute of the changed item.
fn key_text<'a>(record: &'a EventRecord, name: &str) -> Option<&'a str> {
    match record.change.keys.get(name) {
        Some(serde_dynamo::AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

/// Every log line of one stream record names it: its event id and, for a report, the serial.
fn record_span(record: &EventRecord) -> tracing::Span {
    let serial = key_text(record, "pk")
        .and_then(|pk| pk.strip_prefix("REPORT#"))
        .unwrap_or_default();
    tracing::info_span!("record", event_id = %record.event_id, serial)
}

fn is_report(record: &EventRecord) -> bool {
    key_text(record, "pk").is_some_and(|pk| pk.starts_with("REPORT#")) && key_text(record, "sk") == Some("REPORT")
}

impl<S: SmsSender> Notifier<S> {
    /// The messages one stream record calls for.
    pub fn messages(&self, record: &EventRecord) -> Result<Vec<Message>, String> {
        if !is_report(record) {
            return Ok(vec![]);
        }
        let Some(after) = image(&record.change.new_image)? else {
            return Ok(vec![]);
        };
        let before = image(&record.change.old_image)?;
        let serial = after.serial.to_string();
        let fill = |template: &str| template.replace("{serial}", &serial);
        let mut out = Vec::new();
        let mut to = |phones: Vec<Phone>, text: String| {
            for phone in phones {
                match e164(phone.reveal()) {
                    Some(number) => out.push(Message {
                        key: sms_pk(&serial, after.version, &number),
                        phone: Phone::new(number),
                        text: text.clone(),
                    }),
                    None => tracing::warn!(%serial, %phone, "not a mobile number; no SMS"),
                }
            }
        };
        let arrived = before
            .as_ref()
            .is_none_or(|b| b.assignment.agency_id != after.assignment.agency_id);
        if arrived {
            let phones = self
                .directory
                .agency_by_id(&after.assignment.agency_id)
                .map(|a| a.phones)
                .unwrap_or_default();
            if phones.is_empty() {
                tracing::warn!(%serial, agency = %after.assignment.agency_id, "agency has no duty phone; no SMS");
            }
            to(phones.into_iter().map(Phone::new).collect(), fill(&self.to_agency));
        }
        let answered = after.status == Status::Replied && before.as_ref().is_some_and(|b| b.status != Status::Replied);
        if answered {
            to(vec![after.reporter.phone.clone()], fill(&self.to_reporter));
        }
        Ok(out)
    }

    /// Sends each message of a record once; an error means the record must be retried.
    async fn deliver(&self, record: &EventRecord) -> Result<(), StoreError> {
        let messages = self.messages(record).map_err(|detail| StoreError::Corrupt {
            key: record.event_id.clone(),
            detail,
        })?;
        let now = chrono::Utc::now().timestamp();
        let mut failure = None;
        for message in messages {
            if !self.records.claim_sms(&message.key, &message.text, now).await? {
                continue; // sent before (or in flight elsewhere): never twice
            }
            match self.sender.send(message.phone.reveal(), &message.text).await {
                Ok(()) => {
                    self.records.finish_sms(&message.key, Delivery::Sent).await?;
                    tracing::info!(phone = %message.phone, "SMS sent");
                }
                Err(error) => {
                    // The record's key holds the number: the masked phone names the message.
                    tracing::error!(phone = %message.phone, %error, "SMS failed; the record will be retried");
                    self.records.finish_sms(&message.key, Delivery::Failed).await?;
                    failure = Some(error);
                }
            }
        }
        failure.map_or(Ok(()), Err)
    }

    /// Handles one batch; reports exactly the records that must be retried.
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        let mut response = DynamoDbEventResponse::default();
        for record in &event.records {
            let span = record_span(record);
            let delivered = self.deliver(record).instrument(span.clone()).await;
            if let Err(error) = delivered {
                span.in_scope(|| tracing::error!(%error, "stream record failed; it will be retried"));
                let mut failure = DynamoDbBatchItemFailure::default();
                failure.item_identifier = record.change.sequence_number.clone();
                response.batch_item_failures.push(failure);
            }
        }
        response
    }
}
