//! DynamoDB: one table, single-table design. Every request path is a GetItem, a Query on a key
//! or a conditional write; never a Scan.
//!
//! | item | pk | sk | notes |
//! |---|---|---|---|
//! | report | `REPORT#{serial}` | `REPORT` | index keys below, derived from the report on every write |
//! | timeline event | `REPORT#{serial}` | `EVENT#{seq:06}` | seq = report version after the event |
//! | custody entry | `REPORT#{serial}` | `CUSTODY#{seq:06}` | the evidence's hash-chained custody log (`domain::report::custody`) |
//! | upload | `UPLOAD#{key}` | `UPLOAD` | declared type and size; `serial` once a report cites it; `ttl` until then |
//! | idempotency | `IDEMPOTENCY#{sub}#{key}` | `IDEMPOTENCY` | body fingerprint and serial; `ttl` 24 h |
//! | daily quota | `QUOTA#{sub}#{YYYYMMDD}` | `QUOTA` or `UPLOADS` | reports submitted, upload URLs issued that day; `ttl` 2 days |
//! | repeat marker | `REPEAT#{county}#T|A#{hash}` | `{serial}` | one per report and normalised target or address (`domain::report::repeat`); `ttl` 100 days |
//! | reads a minute | `QUOTA#{sub}#{YYYYMMDDHHMM}` | `READS` | a citizen's reads of their reports that minute; `ttl` 2 minutes |
//! | audit of a read | `AUDIT#{serial}` or `AUDIT#EXPORTS#{region}` | `{at}#{sub}#{what}` | who opened a detail or exported; `ttl` 3 years |
//! | SMS | `SMS#{serial}#{seq:06}#{phone}` | `SMS` | state (a lease while `sending`), text, outcome; `ttl` 90 days |
//! | institution | `INST#{county}` | `{id}` | the registry (`domain::registry::institution`), with the normalised `search` keys |
//! | roster entry | `STAFF#{sub}` | `ROSTER` | who may sign in as what (`domain::staff::roster`): read on every staff request |
//! | roster listing | `ROSTER` | `{scope}#{sub}` | the same entry, listed by city (or province) |
//! | SMS window | `SMSWINDOW#{serial}#{agency}` | `SMSWINDOW` | which arrival of the report texted the agency last, and until when no other may (`sms_limits`); `ttl` |
//! | SMS day | `SMSDAY#{agency}#{YYYYMMDD}` | `SMSDAY` | arrivals texted to the agency that day, at most the catalog's ceiling; `ttl` |
//! | agency phones | `PHONES` | `{scope}#{agency}` | duty and public phones a supervisor saved (`domain::directory::phones`) |
//! | holiday year | `CALENDAR` | `{year}` | a year's holidays as entered in 节假日 (`domain::calendar::year`) |
//!
//! Indexes (all project every attribute; sort key `serial_sk` = serial, which starts with the
//! submission time, so newest first is a reverse query): `by_reporter` (`reporter_pk`),
//! `by_agency` (`agency_pk`), `by_city` (`city_pk`), `by_province` (`province_pk`), and the sparse
//! `public_board` (`board_pk` = `BOARD#{city}`, `board_sk` = `{replied_at}#{serial}`) holding only
//! reports on the public board. The sparse `open_by_deadline` (`open_pk` = `OPEN#{province}`,
//! `open_deadline`; agency, city and assignment projected) holds only open reports, so the
//! overdue ones are a key range. The sparse `unsent_sms` (`unsent_pk` = `SMS#UNSENT`,
//! `unsent_since`) holds only SMS records not sent yet (claimed, or failed). The sparse
//! `reporter_data` (`pii_pk` = `PII#{province}`, `pii_since` = the reply's time) holds only replied
//! reports that still hold their reporter's name and phone. The sparse `by_institution`
//! (`institution_pk` = `INSTITUTION#{id}`, `serial_sk`) holds only reports linked to a registry
//! institution: its earlier reports, and the queue filtered by it. The sparse `awaiting_reporter`
//! (`ask_pk` = `ASK#{province}`, `ask_until` = the question's limit) holds only reports whose
//! question to the reporter has not ended, so the housekeeping finds those past their limit.
//! The sparse `audit_log` (`log_pk` = `LOG#{scope}`, `log_sk` = `{at}#…`; only the `log_*`
//! attributes projected) holds every audit entry and every staff member's timeline event: the
//! 操作日志 a supervisor searches by period. The sparse `recount` (`recount_pk` =
//! `RECOUNT#{province}`, `recount_sk` = `{year}#{serial}`) holds only reports whose deadlines
//! were counted while a year's holidays were missing, for the housekeeping that recounts them.

mod audit;
mod batch;
mod calendar;
mod cursor;
mod custody;
mod guarded;
mod institutions;
mod items;
mod log;
mod pages;
mod phones;
mod reads;
mod repeats;
mod reports;
mod retention;
mod roster;
mod sms;
mod sms_limits;
mod staff;
mod uploads;

pub use audit::{AuditEntry, LogQuery};
pub use calendar::CalendarSource;
pub use cursor::{ListError, Page};
pub use guarded::GuardedWrite;
pub use institutions::ImportCount;
pub use log::LogEntry;
pub use reports::{
    Allowance, AnswerEvidence, AnswerOutcome, CreateOutcome, IdempotencyRecord, NewReport, REPORTS_COUNTED,
    ReportRecord, SaveOutcome, UPLOADS_COUNTED,
};
pub use sms::{Claim, Delivery, SmsClaim, UnsentSms, sms_pk};
pub use sms_limits::{AgencyText, Arrival};
pub use staff::QueueFilter;
pub use uploads::UploadOutcome;

use aws_sdk_dynamodb::Client;

/// The DynamoDB client type, for functions that build `Records` themselves.
pub type DynamoClient = Client;

pub const INDEX_BY_REPORTER: &str = "by_reporter";
pub const INDEX_BY_AGENCY: &str = "by_agency";
pub const INDEX_BY_CITY: &str = "by_city";
pub const INDEX_BY_PROVINCE: &str = "by_province";
pub const INDEX_PUBLIC_BOARD: &str = "public_board";
pub const INDEX_OPEN_BY_DEADLINE: &str = "open_by_deadline";
pub const INDEX_UNSENT_SMS: &str = "unsent_sms";
pub const INDEX_REPORTER_DATA: &str = "reporter_data";
pub const INDEX_BY_INSTITUTION: &str = "by_institution";
pub const INDEX_AWAITING_REPORTER: &str = "awaiting_reporter";
pub const INDEX_AUDIT_LOG: &str = "audit_log";
pub const INDEX_RECOUNT: &str = "recount";

/// The platform's records in its one table.
#[derive(Debug, Clone)]
pub struct Records {
    client: Client,
    table: String,
}

impl Records {
    pub fn new(client: Client, table: impl Into<String>) -> Records {
        Records {
            client,
            table: table.into(),
        }
    }

    pub fn table(&self) -> &str {
        &self.table
    }

    pub fn client(&self) -> &Client {
        &self.client
    }
}
