//! BatchGetItem over any number of keys: 100 a call (the service's limit), and the keys a call
//! leaves unprocessed under load asked for again.

use super::Records;
use super::items::Item;
use crate::adapters::StoreError;
use aws_sdk_dynamodb::types::KeysAndAttributes;

/// Keys one BatchGetItem may ask for.
const KEYS_PER_CALL: usize = 100;
/// Calls per 100 keys before giving up on keys left unprocessed.
const ATTEMPTS: usize = 5;

impl Records {
    /// The items of `keys` that exist, in no particular order.
    pub(super) async fn batch_get(
        &self,
        operation: &'static str,
        keys: Vec<Item>,
        consistent: bool,
    ) -> Result<Vec<Item>, StoreError> {
        let mut found = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(KEYS_PER_CALL) {
            let mut pending = Some(
                KeysAndAttributes::builder()
                    .set_keys(Some(chunk.to_vec()))
                    .consistent_read(consistent)
                    .build()
                    .map_err(|e| StoreError::request("dynamodb", operation, e))?,
            );
            for _ in 0..ATTEMPTS {
                let Some(request) = pending.take() else { break };
                let output = self
                    .client
                    .batch_get_item()
                    .request_items(&self.table, request)
                    .send()
                    .await
                    .map_err(|e| StoreError::call("dynamodb", operation, e))?;
                found.extend(
                    output
                        .responses
                        .and_then(|mut r| r.remove(&self.table))
                        .unwrap_or_default(),
                );
                pending = output
                    .unprocessed_keys
                    .and_then(|mut u| u.remove(&self.table))
                    .filter(|k| !k.keys().is_empty());
            }
            if pending.is_some() {
                return Err(StoreError::Throttled {
                    service: "dynamodb",
                    operation,
                    detail: format!("BatchGetItem left keys unprocessed {ATTEMPTS} times"),
                });
            }
        }
        Ok(found)
    }
}
