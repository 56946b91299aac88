//! `notify`: the table stream's consumer. A new report, or one handed to another agency, texts
//! that agency's duty phones; a reply texts the reporter. Every change also counts toward the
//! business metrics, and a schedule samples the overdue reports.
//!
//! Streams deliver at least once. Each message has a record keyed by serial + event + phone,
//! claimed before sending, so a redelivered record sends nothing twice. A failed send marks its
//! record failed (which puts it in the `failed_sms` index) and its stream record is reported as
//! a batch item failure, so Lambda retries it; after the retries, the stream mapping's
//! on-failure destination (an S3 bucket) keeps the whole batch. `scripts/resend-sms` resends
//! the failed messages and replays the kept batches; claims make both safe to repeat.

mod change;
mod messages;
mod observe;
pub mod resend;

pub use change::{Change, key_text};
pub use messages::{Message, Texts, messages};

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::Deserialize;
use shared::adapters::StoreError;
use shared::adapters::dynamo::{Claim, Delivery, Records};
use shared::adapters::sns::SmsSender;
use shared::app::Settings;
use shared::domain::dispatch::Directory;
use shared::telemetry::metrics::{self, SmsOutcome};
use tracing::Instrument;

/// What `notify` needs: the table, the directory (duty phones), the texts and a sender.
pub struct Notifier<S> {
    pub records: Records,
    pub directory: &'static Directory,
    pub texts: Texts,
    pub sender: S,
}

/// One message's fate.
#[derive(Debug)]
pub enum Attempt {
    Sent,
    /// Sent before, or being sent elsewhere: nothing done.
    Skipped,
    /// The provider refused it; the record says `failed`.
    Failed(StoreError),
}

/// What invokes `notify`: the stream mapping, or the schedule that samples overdue reports.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Invocation {
    /// `{"sample": "overdue"}` from the template's schedule (first: a stream event never has it).
    Sample {
        sample: Sample,
    },
    Stream(Event),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sample {
    Overdue,
}

impl<S: SmsSender> Notifier<S> {
    pub fn new(records: Records, directory: &'static Directory, settings: &Settings, sender: S) -> Notifier<S> {
        Notifier {
            records,
            directory,
            texts: Texts {
                to_agency: settings.sms_to_agency.clone(),
                to_reporter: settings.sms_to_reporter.clone(),
            },
            sender,
        }
    }

    /// The messages one stream record calls for.
    pub fn messages(&self, record: &EventRecord) -> Result<Vec<Message>, String> {
        Ok(match change::read(record)? {
            Change::Report { before, after } => messages(self.directory, &self.texts, before.as_deref(), &after),
            _ => vec![],
        })
    }

    /// Sends one message unless it was sent before, and records the outcome. `Err` is the
    /// table failing; the provider failing is `Attempt::Failed`.
    pub async fn send_once(&self, message: &Message) -> Result<Attempt, StoreError> {
        let now = chrono::Utc::now().timestamp();
        let claim = self
            .records
            .claim_sms(
                &message.key,
                &message.serial,
                message.phone.reveal(),
                &message.text,
                now,
            )
            .await?;
        if !claim.is_ours() {
            return Ok(Attempt::Skipped); // sent before (or in flight elsewhere): never twice
        }
        if claim == Claim::Retry {
            metrics::sms(SmsOutcome::Retried);
        }
        match self.sender.send(message.phone.reveal(), &message.text).await {
            Ok(()) => {
                self.records.finish_sms(&message.key, &Delivery::Sent, now).await?;
                metrics::sms(SmsOutcome::Sent);
                tracing::info!(phone = %message.phone, "SMS sent");
                Ok(Attempt::Sent)
            }
            Err(error) => {
                // The record's key holds the number: the masked phone names the message.
                tracing::error!(phone = %message.phone, %error, "SMS failed");
                let failed = Delivery::Failed {
                    error: error.to_string(),
                };
                self.records.finish_sms(&message.key, &failed, now).await?;
                metrics::sms(SmsOutcome::Failed);
                Ok(Attempt::Failed(error))
            }
        }
    }

    /// Handles one stream record: its messages, each once, and its metrics. An error means the
    /// record must be retried.
    async fn deliver(&self, record: &EventRecord) -> Result<(), StoreError> {
        let change = change::read(record).map_err(|detail| StoreError::Corrupt {
            key: record.event_id.clone(),
            detail,
        })?;
        let Change::Report { before, after } = &change else {
            observe::count(&change);
            return Ok(());
        };
        let mut failure = None;
        for message in messages(self.directory, &self.texts, before.as_deref(), after) {
            if let Attempt::Failed(error) = self.send_once(&message).await? {
                failure = Some(error);
            }
        }
        if failure.is_none() {
            // Counted once the record is done, so a retried record is counted once.
            observe::count(&change);
        }
        failure.map_or(Ok(()), Err)
    }

    /// Handles one batch; reports exactly the records that must be retried.
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        let mut response = DynamoDbEventResponse::default();
        for record in &event.records {
            let span = change::record_span(record);
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

    /// Answers one invocation of either kind.
    pub async fn invoke(&self, invocation: Invocation) -> Result<DynamoDbEventResponse, StoreError> {
        match invocation {
            Invocation::Stream(event) => Ok(self.handle(event).await),
            Invocation::Sample {
                sample: Sample::Overdue,
            } => {
                observe::sample_overdue(&self.records, self.directory).await?;
                Ok(DynamoDbEventResponse::default())
            }
        }
    }
}
