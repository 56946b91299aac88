//! What the housekeeping schedule finds by time, each from a sparse index, never a Scan: the
//! reports whose reporter's name and phone the retention rule removes (`reporter_data`), and the
//! questions to reporters past their limit (`awaiting_reporter`), and the reports counted without
//! a year's holidays (`recount`).

use super::items::{PK, ask_pk, pii_pk, recount_pk, text_attr};
use super::pages::all_pages;
use super::{INDEX_AWAITING_REPORTER, INDEX_RECOUNT, INDEX_REPORTER_DATA, Records};
use crate::adapters::StoreError;
use crate::domain::report::serial::Serial;

/// A sparse index keyed by province and a time: which one, and its key's names.
struct DueIndex {
    operation: &'static str,
    index: &'static str,
    /// `{partition} = :p AND {sort} < :before`.
    condition: &'static str,
}

const REPORTER_DATA: DueIndex = DueIndex {
    operation: "reporter_data_before",
    index: INDEX_REPORTER_DATA,
    condition: "pii_pk = :p AND pii_since < :before",
};

const PAST_LIMIT: DueIndex = DueIndex {
    operation: "questions_past_limit",
    index: INDEX_AWAITING_REPORTER,
    condition: "ask_pk = :p AND ask_until < :before",
};

const COUNTED_WITHOUT: DueIndex = DueIndex {
    operation: "counted_without_before",
    index: INDEX_RECOUNT,
    condition: "recount_pk = :p AND recount_sk < :before",
};

impl Records {
    /// Reports of `province` whose deadlines were counted without a year before `year` (their
    /// first such year), earliest year first, at most `limit`.
    pub async fn counted_without_before(
        &self,
        province: &str,
        year: i32,
        limit: usize,
    ) -> Result<Vec<Serial>, StoreError> {
        self.due(&COUNTED_WITHOUT, recount_pk(province), &year.to_string(), limit)
            .await
    }

    /// Replied reports of `province` still holding reporter data, replied before `cutoff`
    /// (RFC 3339), oldest first, at most `limit`.
    pub async fn reporter_data_before(
        &self,
        province: &str,
        cutoff: &str,
        limit: usize,
    ) -> Result<Vec<Serial>, StoreError> {
        self.due(&REPORTER_DATA, pii_pk(province), cutoff, limit).await
    }

    /// Reports of `province` whose question to the reporter is still unended and was open only
    /// until before `now` (RFC 3339), oldest limit first, at most `limit`.
    pub async fn questions_past_limit(
        &self,
        province: &str,
        now: &str,
        limit: usize,
    ) -> Result<Vec<Serial>, StoreError> {
        self.due(&PAST_LIMIT, ask_pk(province), now, limit).await
    }

    /// The serials of `index`'s partition `partition` whose time is before `before`, oldest first.
    async fn due(
        &self,
        index: &DueIndex,
        partition: String,
        before: &str,
        limit: usize,
    ) -> Result<Vec<Serial>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index.index)
            .key_condition_expression(index.condition)
            .expression_attribute_values(":p", text_attr(partition))
            .expression_attribute_values(":before", text_attr(before));
        let items = all_pages(index.operation, query).await?;
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
