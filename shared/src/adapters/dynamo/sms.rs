//! One record per SMS (serial + event + recipient), so that a stream record delivered twice
//! sends its message once.

use super::Records;
use super::items::{key, number_attr, text_attr};
use crate::adapters::StoreError;
use aws_sdk_dynamodb::types::AttributeValue;

/// SMS records are kept 90 days, for audit.
const SMS_TTL_SECONDS: i64 = 90 * 24 * 3600;

/// What happened to a claimed message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    Failed,
}

pub fn sms_pk(serial: &str, seq: u64, phone: &str) -> String {
    format!("SMS#{serial}#{seq:06}#{phone}")
}

impl Records {
    /// Claims the right to send one message: true if nobody sent it yet (or its last attempt
    /// failed). A message left `sending` by a crash is not sent again: at most once.
    pub async fn claim_sms(&self, pk: &str, text: &str, now_epoch: i64) -> Result<bool, StoreError> {
        let result = self
            .client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(
                [
                    ("pk", text_attr(pk)),
                    ("sk", text_attr("SMS")),
                    ("entity", text_attr("sms")),
                    ("state", text_attr("sending")),
                    ("text", text_attr(text)),
                    ("claimed_at", number_attr(now_epoch)),
                    ("ttl", number_attr(now_epoch + SMS_TTL_SECONDS)),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect(),
            ))
            .condition_expression("attribute_not_exists(pk) OR #state = :failed")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":failed", AttributeValue::S("failed".into()))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(StoreError::call("dynamodb", "claim_sms", error)),
        }
    }

    pub async fn finish_sms(&self, pk: &str, delivery: Delivery) -> Result<(), StoreError> {
        let state = match delivery {
            Delivery::Sent => "sent",
            Delivery::Failed => "failed",
        };
        self.client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(pk.to_owned(), "SMS")))
            .update_expression("SET #state = :state")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":state", text_attr(state))
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "finish_sms", e))?;
        Ok(())
    }
}
