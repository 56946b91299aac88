//! What the housekeeping schedule finds by time, each from a sparse index, never a Scan: the
//! reports whose reporter's name and phone the retention rule removes (`reporter_data`), and the
//! questions to reporters past their limit (`awaiting_reporter`).

use super::items::{Item, PK, ask_pk, pii_pk, text_attr};
use super::pages::all_pages;
use super::{INDEX_AWAITING_REPORTER, INDEX_REPORTER_DATA, Records};
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
        Ok(serials(&items, limit))
    }

    /// Reports of `province` whose question to the reporter is still unended and was open only
    /// until before `now` (RFC 3339), oldest limit first, at most `limit`.
    pub async fn questions_past_limit(
        &self,
        province: &str,
        now: &str,
        limit: usize,
    ) -> Result<Vec<Serial>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(INDEX_AWAITING_REPORTER)
            .key_condition_expression("ask_pk = :p AND ask_until < :now")
            .expression_attribute_values(":p", text_attr(ask_pk(province)))
            .expression_attribute_values(":now", text_attr(now));
        let items = all_pages("questions_past_limit", query).await?;
        Ok(serials(&items, limit))
    }
}

fn serials(items: &[Item], limit: usize) -> Vec<Serial> {
    items
        .iter()
        .filter_map(|item| {
            item.get(PK)?
                .as_s()
                .ok()?
                .strip_prefix("REPORT#")
                .and_then(Serial::parse)
        })
        .take(limit)
        .collect()
}
