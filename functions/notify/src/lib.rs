//! `notify`: the table stream's consumer. A new report, or one handed to another agency, texts
//! that agency's duty phones; a reply texts the reporter. Every change also counts toward the
//! business metrics. A quarter-hourly schedule runs the housekeeping: the overdue sample, SMS
//! that were never sent, the retention rule for reporters' data, and questions to reporters that
//! passed their limit unanswered.
//!
//! Streams deliver at least once. Each message has a record keyed by serial + event + phone,
//! claimed with a lease before sending, so a redelivered record sends nothing twice, and a
//! sender that died mid-send loses nothing: its lease expires and the message is taken over. A
//! failed send marks its record failed and its stream record is reported as a batch item
//! failure, so Lambda retries it; after the retries, the stream mapping's on-failure destination
//! (an S3 bucket) keeps the whole batch. Unsent records stay in the `unsent_sms` index until
//! sent; `scripts/resend-sms` resends them and replays the kept batches; claims make both safe.

mod change;
mod lapses;
mod messages;
mod observe;
pub mod provider;
mod recount;
pub mod resend;
mod retention;
mod sweep;

use change::Change;
use futures_util::future::join_all;
pub use messages::{Message, Texts, messages};

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use serde::Deserialize;
use shared::adapters::StoreError;
use shared::adapters::dynamo::{AgencyText, Arrival, CalendarSource, Claim, Delivery, Records, SmsClaim};
use shared::adapters::sms::{Outgoing, SmsSender};
use shared::app::Settings;
use shared::domain::calendar::Calendar;
use shared::domain::directory::Directory;
use shared::domain::directory::catalog::Catalog;
use shared::domain::report::Report;
use shared::telemetry::metrics::{self, SmsOutcome};

/// How long a claim on a message lasts: five times notify's timeout (60 s), so a live sender is
/// never overtaken, and a dead one's message waits at most this long.
pub const SMS_LEASE_SECONDS: i64 = 300;

/// What `notify` needs: the table, the directory (duty phones), the texts and a sender.
pub struct Notifier<S> {
    pub records: Records,
    pub directory: &'static Directory,
    pub texts: Texts,
    pub sender: S,
    /// `SMS_LEASE_SECONDS`; shorter in tests.
    pub lease_seconds: i64,
    /// Days after the reply when a reporter's name and phone are removed.
    pub reporter_data_days: i64,
    /// The holiday calendar in force (the file's with the years entered in 节假日).
    pub holidays: CalendarSource,
}

/// One message's fate.
#[derive(Debug)]
pub enum Attempt {
    Sent,
    /// Sent before, or being sent elsewhere: nothing done.
    Skipped,
    /// The provider refused it; the record says `failed`.
    Failed(StoreError),
    /// Another sender holds its lease: try again after it.
    InFlight,
    /// The deployment sends no SMS; recorded as not sent.
    Off,
}

/// What invokes `notify`: the stream mapping, or the schedule.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Invocation {
    /// `{"task": "housekeeping"}` from the template's schedule (first: a stream event never has
    /// a `task`).
    Task {
        task: Task,
    },
    Stream(Event),
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Task {
    /// The overdue sample, the SMS no sender finished, the retention rule for reporters' data and
    /// the questions to reporters past their limit, and the deadlines to recount on a year entered.
    Housekeeping,
}

impl<S: SmsSender> Notifier<S> {
    pub fn new(records: Records, directory: &'static Directory, settings: &Settings, sender: S) -> Notifier<S> {
        Notifier {
            records,
            directory,
            texts: Texts {
                to_agency: settings.agency_sms_text(),
                to_reporter: settings.reporter_sms_text(),
                on_accept: Catalog::get().sms_on_accept.clone(),
                on_question: Catalog::get().sms_on_question.clone(),
            },
            sender,
            lease_seconds: SMS_LEASE_SECONDS,
            reporter_data_days: i64::from(settings.reporter_data_days),
            holidays: CalendarSource::new(Calendar::current().clone()),
        }
    }

    /// This notifier on `holidays` (the app's, whose base may not be the file's in tests).
    pub fn with_holidays(self, holidays: CalendarSource) -> Notifier<S> {
        Notifier { holidays, ..self }
    }

    /// Sends one message unless it was sent before, and records the outcome. `Err` is the
    /// table failing; the provider failing is `Attempt::Failed`.
    pub async fn send_once(&self, message: &Message) -> Result<Attempt, StoreError> {
        let now = chrono::Utc::now().timestamp();
        let claim = SmsClaim {
            key: &message.key,
            serial: &message.serial,
            phone: message.phone.reveal(),
            text: &message.text,
        };
        match self.records.claim_sms(claim, now, self.lease_seconds).await? {
            Claim::Sent => return Ok(Attempt::Skipped), // never twice
            Claim::InFlight => return Ok(Attempt::InFlight),
            Claim::Retry => metrics::sms(SmsOutcome::Retried),
            Claim::Recovered => metrics::sms(SmsOutcome::Recovered),
            Claim::First => {}
        }
        if !self.sender.enabled() {
            self.records.finish_sms(&message.key, &Delivery::Off, now).await?;
            metrics::sms(SmsOutcome::Off);
            tracing::info!(phone = %message.phone, "SMS off: not sent");
            return Ok(Attempt::Off);
        }
        let outgoing = Outgoing {
            phone: message.phone.reveal(),
            kind: message.kind,
            params: &message.params,
            text: &message.text,
        };
        match self.sender.send(&outgoing).await {
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
        let arrived = before
            .as_deref()
            .is_none_or(|b| b.assignment.agency_id != after.assignment.agency_id);
        let duty = if arrived {
            // Read at once: who would be texted, and whether they may be.
            let (may, phones) = tokio::try_join!(
                self.may_text_agency(after),
                self.duty_phones(&after.assignment.agency_id, &after.assignment.city)
            )?;
            if may { phones } else { Vec::new() }
        } else {
            Vec::new()
        };
        // Each message is claimed on its own, so they go out at once: an agency's phones together.
        let sent = join_all(
            messages(&duty, &self.texts, before.as_deref(), after)
                .into_iter()
                .map(|message| async move { self.send_once(&message).await }),
        )
        .await;
        for attempt in sent {
            match attempt? {
                Attempt::Failed(error) => failure = Some(error),
                // Its sender may yet die: retried until it is sent or taken over.
                Attempt::InFlight => {
                    failure = Some(StoreError::Service {
                        service: "notify",
                        operation: "send_sms",
                        detail: "claimed by another sender; retried after its lease".into(),
                    })
                }
                Attempt::Sent | Attempt::Skipped | Attempt::Off => {}
            }
        }
        if failure.is_none() {
            // Counted once the record is done, so a retried record is counted once.
            observe::count(&change);
        }
        failure.map_or(Ok(()), Err)
    }

    /// Who gets `agency`'s new-report SMS: the duty phones a supervisor saved in 机构与电话 (else
    /// the province folder's), and the mobiles of the agency's enabled handlers on the roster,
    /// each once. Read on every arrival: a change is in force for the next report.
    async fn duty_phones(&self, agency: &str, city: &str) -> Result<Vec<String>, StoreError> {
        let scope = self.directory.scope_of(city);
        let (saved, handlers) = tokio::try_join!(
            self.records.agency_phone(&scope, agency),
            self.records.handler_phones(&scope, agency)
        )?;
        let mut phones = match saved {
            Some(saved) => saved.duty,
            None => self
                .directory
                .agency_by_id(agency)
                .map(|a| a.phones)
                .unwrap_or_default(),
        };
        for phone in handlers {
            if !phones.contains(&phone) {
                phones.push(phone);
            }
        }
        Ok(phones)
    }

    /// Whether `report`'s arrival at its agency may text the agency: not when the report texted it
    /// within the catalog's window (handed back and forth), nor past the agency's daily ceiling.
    async fn may_text_agency(&self, report: &Report) -> Result<bool, StoreError> {
        let limits = Catalog::get().limits;
        let now = shared::domain::time::now_cst();
        let arrival = Arrival {
            serial: report.serial.as_str(),
            agency: &report.assignment.agency_id,
            seq: report.version,
            day: &shared::domain::time::day_key(&now),
        };
        let window = i64::from(limits.agency_sms_window_hours) * 3600;
        let decided = self
            .records
            .claim_agency_text(&arrival, now.timestamp(), window, limits.agency_sms_per_day)
            .await?;
        match decided {
            AgencyText::Send => return Ok(true),
            AgencyText::Windowed => {
                metrics::sms(SmsOutcome::Windowed);
                tracing::info!(
                    agency = arrival.agency,
                    "agency texted for this report within the window: not again"
                );
            }
            AgencyText::Capped => {
                metrics::sms(SmsOutcome::Capped);
                tracing::warn!(
                    agency = arrival.agency,
                    "agency's daily SMS ceiling reached: not texted"
                );
            }
        }
        Ok(false)
    }

    /// Handles one batch; reports exactly the records that must be retried.
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        shared::stream::each_record(&event, |record| self.deliver(record)).await
    }

    /// Answers one invocation of either kind.
    pub async fn invoke(&self, invocation: Invocation) -> Result<DynamoDbEventResponse, StoreError> {
        match invocation {
            Invocation::Stream(event) => Ok(self.handle(event).await),
            Invocation::Task {
                task: Task::Housekeeping,
            } => {
                observe::sample_overdue(&self.records, self.directory).await?;
                let calendar = self.holidays.current(&self.records).await?;
                let missing = calendar.missing_year(&shared::domain::time::now_cst());
                if let Some(year) = missing {
                    tracing::warn!(year, "the holiday calendar lacks a year it needs");
                }
                metrics::calendar_year_missing(missing.is_some());
                resend::housekeeping(self).await?;
                retention::redact_due(&self.records, self.directory, self.reporter_data_days).await?;
                lapses::record_lapses(&self.records, self.directory, &calendar).await?;
                recount::recount_marked(&self.records, self.directory, &calendar).await?;
                Ok(DynamoDbEventResponse::default())
            }
        }
    }
}
