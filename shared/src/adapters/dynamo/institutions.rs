//! The institution registry (`domain::registry::institution`): one partition per county,
//! `INST#{county}` / `{id}`, so that a county's registry is one Query (the citizens' suggestions,
//! an import's comparison), never a scan.

use super::Records;
use super::items::{Item, PK, from_item, key, text_attr, to_item};
use super::pages::all_pages;
use crate::adapters::StoreError;
use crate::domain::registry::institution::Institution;
use crate::domain::registry::search::Suggestion;
use aws_sdk_dynamodb::types::{PutRequest, WriteRequest};
use futures_util::StreamExt;
use std::collections::BTreeMap;
use std::time::Duration;

/// BatchWriteItem's limit.
const BATCH: usize = 25;
/// Batches in flight at once during an import.
const IN_FLIGHT: usize = 4;
/// Rounds of retrying what DynamoDB left unprocessed (throttled), with doubling pauses.
const UNPROCESSED_ROUNDS: u32 = 6;

fn institution_pk(county: &str) -> String {
    format!("INST#{county}")
}

/// What an import changed: a re-import of the same file adds and updates nothing.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCount {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Records {
    /// A county's registry, by id.
    pub async fn institutions(&self, county: &str) -> Result<Vec<Institution>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", text_attr(institution_pk(county)));
        all_pages("institutions", query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// One institution of `county`'s registry.
    pub async fn institution(&self, county: &str, id: &str) -> Result<Option<Institution>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(institution_pk(county), id)))
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "institution", e))?;
        output.item.map(from_item).transpose()
    }

    /// What the suggestions need of a county's registry (id, name, search keys): one Query that
    /// reads no other attribute.
    pub async fn suggestions(&self, county: &str) -> Result<Vec<Suggestion>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .projection_expression("id, #name, #search")
            .expression_attribute_names("#name", "name")
            .expression_attribute_names("#search", "search")
            .expression_attribute_values(":pk", text_attr(institution_pk(county)));
        all_pages("suggestions", query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// Writes the institutions that are new or differ from the stored ones (an institution is
    /// whole in one item, so a retry after a failure writes the same items again and converges).
    pub async fn save_institutions(&self, institutions: &[Institution]) -> Result<ImportCount, StoreError> {
        let mut by_county: BTreeMap<&str, Vec<&Institution>> = BTreeMap::new();
        for institution in institutions {
            by_county.entry(&institution.county).or_default().push(institution);
        }
        // The counties' registries as stored, several read at once (a province file names ~100).
        // (Futures made in a loop, not a closure: a closure over borrowed keys is not general
        // enough for a Send future.)
        let mut reads = Vec::with_capacity(by_county.len());
        for (county, incoming) in by_county {
            reads.push(async move { Ok::<_, StoreError>((incoming, self.institutions(county).await?)) });
        }
        let stored: Vec<(Vec<&Institution>, Vec<Institution>)> = futures_util::stream::iter(reads)
            .buffer_unordered(IN_FLIGHT * 2)
            .collect::<Vec<_>>()
            .await
            .into_iter()
            .collect::<Result<_, _>>()?;
        let mut count = ImportCount::default();
        let mut writes: Vec<Item> = Vec::new();
        for (incoming, stored) in stored {
            let stored: BTreeMap<String, Institution> = stored.into_iter().map(|i| (i.id.clone(), i)).collect();
            for institution in incoming {
                match stored.get(&institution.id) {
                    Some(old) if old == institution => count.unchanged += 1,
                    old => {
                        if old.is_some() {
                            count.updated += 1;
                        } else {
                            count.added += 1;
                        }
                        writes.push(to_item(
                            institution,
                            institution_pk(&institution.county),
                            &institution.id,
                        )?);
                    }
                }
            }
        }
        let batches: Vec<Vec<Item>> = writes.chunks(BATCH).map(<[Item]>::to_vec).collect();
        let mut results = futures_util::stream::iter(batches)
            .map(|batch| self.write_batch(batch))
            .buffer_unordered(IN_FLIGHT);
        while let Some(result) = results.next().await {
            result?;
        }
        Ok(count)
    }

    /// One BatchWriteItem of puts, retrying what DynamoDB leaves unprocessed.
    async fn write_batch(&self, items: Vec<Item>) -> Result<(), StoreError> {
        let mut requests: Vec<WriteRequest> = items
            .into_iter()
            .map(|item| {
                PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .map(|put| WriteRequest::builder().put_request(put).build())
                    .map_err(|e| StoreError::Corrupt {
                        key: PK.into(),
                        detail: e.to_string(),
                    })
            })
            .collect::<Result<_, _>>()?;
        for round in 0..UNPROCESSED_ROUNDS {
            let output = self
                .client
                .batch_write_item()
                .request_items(&self.table, requests)
                .send()
                .await
                .map_err(|e| StoreError::call("dynamodb", "save_institutions", e))?;
            requests = output
                .unprocessed_items
                .and_then(|mut left| left.remove(&self.table))
                .unwrap_or_default();
            if requests.is_empty() {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(50 << round)).await;
        }
        Err(StoreError::Throttled {
            service: "dynamodb",
            operation: "save_institutions",
            detail: format!("{} institutions left unprocessed", requests.len()),
        })
    }
}
