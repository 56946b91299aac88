//! The reports whose reporter's name and phone the retention rule removes: those replied before
//! a cutoff that still hold them, read from the sparse `reporter_data` index, never a Scan.

use super::items::{PK, pii_pk, text_attr};
use super::pages::all_pages;
use super::{INDEX_REPORTER_DATA, Records};
use crate::adapters::StoreError;
use crate::domain::report::serial::Serial;

impl Records {
    /// Replied reports of `province` still holding reporter data, replied before `cutoff`
    /// (RFC 3339), oldest first, at most `limit`.
    pub async fn reporter_data_before(
        &self,
        province: &str,
        cutoff: &str,
        limit: usize,
    ) -> Result<Vec<Serial>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX_REPORTER_DATA)
            .key_condition_expression("pii_pk = :p AND pii_since < :cutoff")
            .expression_attribute_values(":p", text_attr(pii_pk(province)))
            .expression_attribute_values(":cutoff", text_attr(cutoff));
        let items = all_pages("reporter_data_before", query).await?;
        Ok(items
            .iter()
            .filter_map(|item| {
                item.get(PK)?
                    .as_s()
                    .ok()?
                    .strip_prefix("REPORT#")
                    .and_then(Serial::parse)
            })
            .take(limit)
            .collect())
    }
}
