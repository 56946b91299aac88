//! Upload records: what each presigned PUT was issued for, until a report cites it.

use super::Records;
use super::items::{Item, from_item, key, upload_item, upload_pk};
use super::reports::{Allowance, CONDITION_FAILED};
use crate::adapters::StoreError;
use crate::domain::report::evidence::Upload;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};
use std::collections::HashMap;

/// How recording a batch of uploads ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadOutcome {
    Recorded,
    /// The citizen's daily allowance of uploads would be passed; nothing was written.
    QuotaExceeded,
}

/// Uploads that no report claims are forgotten after this long (the bucket expires them too).
const UPLOAD_TTL_SECONDS: i64 = 2 * 24 * 3600;

impl Records {
    /// Records the uploads a client was just allowed to make; all or nothing.
    pub async fn put_uploads(
        &self,
        uploads: &[Upload],
        allowance: &Allowance<'_>,
        now_epoch: i64,
    ) -> Result<UploadOutcome, StoreError> {
        let amount = u32::try_from(uploads.len()).unwrap_or(u32::MAX);
        if amount > allowance.limit {
            return Ok(UploadOutcome::QuotaExceeded);
        }
        let mut writes = Vec::with_capacity(uploads.len() + 1);
        writes.push(self.quota_update("put_uploads", allowance, amount, now_epoch)?);
        for upload in uploads {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(upload_item(upload, now_epoch + UPLOAD_TTL_SECONDS)?))
                .condition_expression("attribute_not_exists(pk)")
                .build()
                .map_err(|e| StoreError::request("dynamodb", "put_uploads", e))?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        let Some(codes) = self.transact("put_uploads", writes).await? else {
            return Ok(UploadOutcome::Recorded);
        };
        if codes.first().is_some_and(|c| c == CONDITION_FAILED) {
            return Ok(UploadOutcome::QuotaExceeded);
        }
        // Upload keys are fresh random ids: any other cancellation is the store's trouble.
        Err(StoreError::Service {
            service: "dynamodb",
            operation: "put_uploads",
            detail: format!("transaction cancelled: {codes:?}"),
        })
    }

    /// The records of `keys` that exist, by key.
    pub async fn uploads(&self, keys: &[String]) -> Result<HashMap<String, Upload>, StoreError> {
        let mut found = HashMap::new();
        if keys.is_empty() {
            return Ok(found);
        }
        let wanted: Vec<Item> = keys.iter().map(|k| key(upload_pk(k), "UPLOAD")).collect();
        for item in self.batch_get("uploads", wanted, true).await? {
            let upload: Upload = from_item(item)?;
            found.insert(upload.key.clone(), upload);
        }
        Ok(found)
    }
}
