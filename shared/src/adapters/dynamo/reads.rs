//! A citizen's reads per minute: one counter item per citizen and minute, bumped by a conditional
//! update that refuses the read past the limit.

use super::Records;
use super::items::{key, number_attr, quota_pk};
use crate::adapters::StoreError;

/// The counter outlives its minute briefly; TTL deletion is lazy anyway.
const READS_TTL_SECONDS: i64 = 120;

impl Records {
    /// Counts one read of `sub` in `minute` (`YYYYMMDDHHMM`): `false` when `limit` reads of that
    /// minute were already counted (nothing is counted then).
    pub async fn count_read(&self, sub: &str, minute: &str, limit: u32, now_epoch: i64) -> Result<bool, StoreError> {
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(quota_pk(sub, minute), "READS")))
            .update_expression("ADD #count :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(#count) OR #count < :limit")
            .expression_attribute_names("#count", "count")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", number_attr(1))
            .expression_attribute_values(":limit", number_attr(limit))
            .expression_attribute_values(":ttl", number_attr(now_epoch + READS_TTL_SECONDS))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(error) => match error.as_service_error() {
                Some(e) if e.is_conditional_check_failed_exception() => Ok(false),
                _ => Err(StoreError::call("dynamodb", "count_read", error)),
            },
        }
    }
}
