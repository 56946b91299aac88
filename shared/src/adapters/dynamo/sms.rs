//! One record per SMS (serial + event + recipient), so that a stream record delivered twice
//! sends its message once. A record whose last attempt failed carries `failed_pk`/`failed_at`
//! and so sits in the sparse `failed_sms` index, where `scripts/resend-sms` finds it without a
//! Scan; a later success takes it out again.

use super::items::{key, number_attr, text_attr};
use super::reports::all_pages;
use super::{INDEX_FAILED_SMS, Records};
use crate::adapters::StoreError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};
use std::collections::HashMap;

/// SMS records are kept 90 days, for audit.
const SMS_TTL_SECONDS: i64 = 90 * 24 * 3600;
/// The one partition of the `failed_sms` index: failures are rare, and an operator wants them all.
const FAILED_PK: &str = "SMS#FAILED";
/// Enough of a provider's error to act on, never a whole response.
const ERROR_CHARS: usize = 300;

/// What happened to a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Failed { error: String },
}

/// The answer to a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    /// Never attempted before: send it.
    First,
    /// The last attempt failed: send it again.
    Retry,
    /// Sent already, or being sent elsewhere (or lost by a crash mid-send): never twice.
    Taken,
}

impl Claim {
    pub fn is_ours(self) -> bool {
        self != Claim::Taken
    }
}

/// A message whose last attempt failed, as `failed_sms` holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailedSms {
    pub key: String,
    pub serial: String,
    /// E.164.
    pub phone: String,
    pub text: String,
    pub failed_at: i64,
    pub error: String,
}

pub fn sms_pk(serial: &str, seq: u64, phone: &str) -> String {
    format!("SMS#{serial}#{seq:06}#{phone}")
}

fn text_of(item: &HashMap<String, AttributeValue>, name: &str) -> String {
    item.get(name).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default()
}

impl Records {
    /// Claims the right to send one message (to `phone`, in E.164) unless it was sent or is
    /// being sent. A message left `sending` by a crash is not sent again: at most once.
    pub async fn claim_sms(
        &self,
        pk: &str,
        serial: &str,
        phone: &str,
        text: &str,
        now_epoch: i64,
    ) -> Result<Claim, StoreError> {
        let item = [
            ("pk", text_attr(pk)),
            ("sk", text_attr("SMS")),
            ("entity", text_attr("sms")),
            ("state", text_attr("sending")),
            ("serial", text_attr(serial)),
            ("phone", text_attr(phone)),
            ("text", text_attr(text)),
            ("claimed_at", number_attr(now_epoch)),
            ("ttl", number_attr(now_epoch + SMS_TTL_SECONDS)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk) OR #state = :failed")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":failed", text_attr("failed"))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        match result {
            Ok(output) if output.attributes().is_some_and(|old| !old.is_empty()) => Ok(Claim::Retry),
            Ok(_) => Ok(Claim::First),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(Claim::Taken)
            }
            Err(error) => Err(StoreError::call("dynamodb", "claim_sms", error)),
        }
    }

    /// Records the outcome of an attempt: a failure enters `failed_sms`, a success leaves it.
    pub async fn finish_sms(&self, pk: &str, delivery: &Delivery, now_epoch: i64) -> Result<(), StoreError> {
        let update = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk.to_owned(), "SMS")))
            .expression_attribute_names("#state", "state");
        let update = match delivery {
            Delivery::Sent => update
                .update_expression("SET #state = :sent, sent_at = :now REMOVE failed_pk, failed_at, #error")
                .expression_attribute_names("#error", "error")
                .expression_attribute_values(":sent", text_attr("sent"))
                .expression_attribute_values(":now", number_attr(now_epoch)),
            Delivery::Failed { error } => update
                .update_expression("SET #state = :failed, failed_pk = :fpk, failed_at = :now, #error = :error")
                .expression_attribute_names("#error", "error")
                .expression_attribute_values(":failed", text_attr("failed"))
                .expression_attribute_values(":fpk", text_attr(FAILED_PK))
                .expression_attribute_values(":now", number_attr(now_epoch))
                .expression_attribute_values(":error", text_attr(error.chars().take(ERROR_CHARS).collect::<String>())),
        };
        update
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "finish_sms", e))?;
        Ok(())
    }

    /// Every message whose last attempt failed, oldest first: one Query on a sparse index.
    pub async fn failed_sms(&self) -> Result<Vec<FailedSms>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX_FAILED_SMS)
            .key_condition_expression("failed_pk = :p")
            .expression_attribute_values(":p", text_attr(FAILED_PK));
        let items = all_pages("failed_sms", query).await?;
        Ok(items
            .iter()
            .map(|item| FailedSms {
                key: text_of(item, "pk"),
                serial: text_of(item, "serial"),
                phone: text_of(item, "phone"),
                text: text_of(item, "text"),
                failed_at: item
                    .get("failed_at")
                    .and_then(|v| v.as_n().ok())
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_default(),
                error: text_of(item, "error"),
            })
            .collect())
    }
}
