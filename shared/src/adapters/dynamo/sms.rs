//! One record per SMS (serial + event + recipient), so that a stream record delivered twice
//! sends its message once, and a message is never lost.
//!
//! A claim is a lease: the record says `sending` from the claim until the outcome is written. A
//! sender that dies in between (a timeout, a crash) leaves the lease to expire, after which a
//! redelivery, the housekeeping schedule or `scripts/resend-sms` may take the message over. Until
//! a message is sent its record carries `unsent_pk`/`unsent_since` and so sits in the sparse
//! `unsent_sms` index, where all three find it without a Scan.

use super::items::{key, number_attr, number_of, text_attr, text_of};
use super::pages::all_pages;
use super::{INDEX_UNSENT_SMS, Records};
use crate::adapters::StoreError;
use aws_sdk_dynamodb::types::{ReturnValue, ReturnValuesOnConditionCheckFailure};

/// SMS records are kept 90 days, for audit.
const SMS_TTL_SECONDS: i64 = 90 * 24 * 3600;
/// The one partition of the `unsent_sms` index: unsent messages are few, and wanted all at once.
const UNSENT_PK: &str = "SMS#UNSENT";
/// Enough of a provider's error to act on, never a whole response.
const ERROR_CHARS: usize = 300;

/// What happened to a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Failed {
        error: String,
    },
    /// The deployment sends no SMS (`SMS_PROVIDER=none`): recorded, never retried.
    Off,
}

/// The answer to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Never attempted before: send it.
    First,
    /// The last attempt failed: send it again.
    Retry,
    /// A sender claimed it and never answered (its lease expired): send it.
    Recovered,
    /// Sent already: never twice.
    Sent,
    /// Claimed by a sender whose lease still runs: try again after it.
    InFlight,
}

/// A message not sent yet, as `unsent_sms` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsentSms {
    pub key: String,
    pub serial: String,
    /// E.164.
    pub phone: String,
    pub text: String,
    /// `sending` (claimed) or `failed`.
    pub state: String,
    /// When its first attempt was claimed, and its last.
    pub unsent_since: i64,
    pub claimed_at: i64,
    pub error: String,
}

impl UnsentSms {
    /// Whether a sender may take it now: it failed, or its sender's lease ran out.
    pub fn is_takeable(&self, now_epoch: i64, lease_seconds: i64) -> bool {
        self.state == "failed" || self.claimed_at < now_epoch - lease_seconds
    }
}

pub fn sms_pk(serial: &str, seq: u64, phone: &str) -> String {
    format!("SMS#{serial}#{seq:06}#{phone}")
}

/// One message to claim.
#[derive(Debug, Clone, Copy)]
pub struct SmsClaim<'a> {
    pub key: &'a str,
    pub serial: &'a str,
    /// E.164.
    pub phone: &'a str,
    pub text: &'a str,
}

impl Records {
    /// Claims the right to send one message for `lease_seconds`: granted when the message is new,
    /// failed last time, or claimed by a sender whose lease ran out.
    pub async fn claim_sms(&self, sms: SmsClaim<'_>, now_epoch: i64, lease_seconds: i64) -> Result<Claim, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(sms.key.to_owned(), "SMS")))
            .update_expression(
                "SET entity = :entity, #state = :sending, serial = :serial, phone = :phone, #text = :text, \
                 claimed_at = :now, #ttl = :ttl, unsent_pk = :unsent, \
                 unsent_since = if_not_exists(unsent_since, :now)",
            )
            .condition_expression(
                "attribute_not_exists(pk) OR #state = :failed OR (#state = :sending AND claimed_at < :stale)",
            )
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#text", "text")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":entity", text_attr("sms"))
            .expression_attribute_values(":sending", text_attr("sending"))
            .expression_attribute_values(":failed", text_attr("failed"))
            .expression_attribute_values(":serial", text_attr(sms.serial))
            .expression_attribute_values(":phone", text_attr(sms.phone))
            .expression_attribute_values(":text", text_attr(sms.text))
            .expression_attribute_values(":now", number_attr(now_epoch))
            .expression_attribute_values(":stale", number_attr(now_epoch - lease_seconds))
            .expression_attribute_values(":ttl", number_attr(now_epoch + SMS_TTL_SECONDS))
            .expression_attribute_values(":unsent", text_attr(UNSENT_PK))
            .return_values(ReturnValue::AllOld)
            .return_values_on_condition_check_failure(ReturnValuesOnConditionCheckFailure::AllOld)
            .send()
            .await;
        match result {
            Ok(output) => Ok(match output.attributes().map(|old| text_of(old, "state")).as_deref() {
                None | Some("") => Claim::First,
                Some("sending") => Claim::Recovered,
                Some(_) => Claim::Retry,
            }),
            Err(error) => match error.as_service_error() {
                Some(e) if e.is_conditional_check_failed_exception() => {
                    let state = match e {
                        aws_sdk_dynamodb::operation::update_item::UpdateItemError::ConditionalCheckFailedException(
                            failed,
                        ) => failed.item().map(|item| text_of(item, "state")),
                        _ => None,
                    };
                    Ok(if state.as_deref() == Some("sending") {
                        Claim::InFlight
                    } else {
                        Claim::Sent
                    })
                }
                _ => Err(StoreError::call("dynamodb", "claim_sms", error)),
            },
        }
    }

    /// Records the outcome of an attempt: a success leaves `unsent_sms`, a failure stays there.
    pub async fn finish_sms(&self, pk: &str, delivery: &Delivery, now_epoch: i64) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk.to_owned(), "SMS")))
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#error", "error")
            .expression_attribute_values(":now", number_attr(now_epoch));
        let update = match delivery {
            Delivery::Sent => update
                .update_expression("SET #state = :sent, sent_at = :now REMOVE unsent_pk, unsent_since, #error")
                .expression_attribute_values(":sent", text_attr("sent")),
            Delivery::Failed { error } => update
                .update_expression("SET #state = :failed, failed_at = :now, #error = :error")
                .expression_attribute_values(":failed", text_attr("failed"))
                .expression_attribute_values(":error", text_attr(error.chars().take(ERROR_CHARS).collect::<String>())),
            Delivery::Off => update
                .update_expression("SET #state = :off, off_at = :now, #error = :error REMOVE unsent_pk, unsent_since")
                .expression_attribute_values(":off", text_attr("off"))
                .expression_attribute_values(":error", text_attr("SMS_PROVIDER=none")),
        };
        update
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "finish_sms", e))?;
        Ok(())
    }

    /// Every message not sent yet whose first attempt was claimed before `before` (epoch seconds),
    /// oldest first: one Query on a sparse index.
    pub async fn unsent_sms(&self, before: i64) -> Result<Vec<UnsentSms>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX_UNSENT_SMS)
            .key_condition_expression("unsent_pk = :p AND unsent_since < :before")
            .expression_attribute_values(":p", text_attr(UNSENT_PK))
            .expression_attribute_values(":before", number_attr(before));
        let items = all_pages("unsent_sms", query).await?;
        Ok(items
            .iter()
            .map(|item| UnsentSms {
                key: text_of(item, "pk"),
                serial: text_of(item, "serial"),
                phone: text_of(item, "phone"),
                text: text_of(item, "text"),
                state: text_of(item, "state"),
                unsent_since: number_of(item, "unsent_since"),
                claimed_at: number_of(item, "claimed_at"),
                error: text_of(item, "error"),
            })
            .collect())
    }
}
