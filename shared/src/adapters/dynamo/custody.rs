//! The custody log: entries in the report's own partition (`CUSTODY#{seq:06}`), each written only
//! where no entry is (`attribute_not_exists`), so the log has no gaps and no rewrites; two
//! appends racing for one number both land, the loser after re-reading the tail.

use super::Records;
use super::items::{CUSTODY_PREFIX, custody_item, from_item, report_pk, text_attr};
use super::reports::CONDITION_FAILED;
use crate::adapters::StoreError;
use crate::domain::report::custody::{CustodyEntry, Look, Tail};
use chrono::{DateTime, FixedOffset};
use std::time::Duration;

/// Appends tried before giving up (each lost race is another writer's entry landing).
const MAX_ATTEMPTS: u32 = 8;

impl Records {
    /// Appends `looks` after `tail` (as read with the report), all at `at`; the entries written.
    pub async fn append_custody(
        &self,
        serial: &str,
        tail: Tail,
        looks: Vec<Look>,
        at: DateTime<FixedOffset>,
    ) -> Result<Vec<CustodyEntry>, StoreError> {
        if looks.is_empty() {
            return Ok(Vec::new());
        }
        let mut tail = tail;
        for attempt in 0..MAX_ATTEMPTS {
            let entries = tail.chain(serial, looks.clone(), at);
            let writes = entries
                .iter()
                .map(|entry| self.put_new("append_custody", custody_item(entry)?))
                .collect::<Result<Vec<_>, _>>()?;
            let Some(codes) = self.transact("append_custody", writes).await? else {
                return Ok(entries);
            };
            if !codes
                .iter()
                .any(|c| c == CONDITION_FAILED || c == "TransactionConflict")
            {
                return Err(StoreError::Service {
                    service: "dynamodb",
                    operation: "append_custody",
                    detail: format!("transaction cancelled: {codes:?}"),
                });
            }
            tokio::time::sleep(Duration::from_millis(5 * u64::from(attempt + 1))).await;
            tail = self.custody_tail(serial).await?;
        }
        Err(StoreError::Service {
            service: "dynamodb",
            operation: "append_custody",
            detail: format!("no free entry after {MAX_ATTEMPTS} attempts"),
        })
    }

    /// The last entry's number and hash (consistent: it decides where the next entry goes).
    async fn custody_tail(&self, serial: &str) -> Result<Tail, StoreError> {
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", text_attr(report_pk(serial)))
            .expression_attribute_values(":prefix", text_attr(CUSTODY_PREFIX))
            .scan_index_forward(false)
            .limit(1)
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "custody_tail", e))?;
        let last = output
            .items()
            .first()
            .cloned()
            .map(from_item::<CustodyEntry>)
            .transpose()?;
        Ok(Tail::of(last.as_slice()))
    }
}
