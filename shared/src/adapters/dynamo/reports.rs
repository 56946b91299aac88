//! Reports, their timelines, idempotency records and quotas.

use super::cursor::{self, ListError, Page};
use super::items::{
    CUSTODY_PREFIX, EVENT_PREFIX, Item, PK, REPORT_SK, SK, board_pk, custody_item, event_item, from_item,
    idempotency_pk, key, number_attr, projection, quota_pk, report_item, report_pk, reporter_pk, text_attr, upload_pk,
};
use super::pages::all_pages;
use super::{INDEX_BY_REPORTER, INDEX_PUBLIC_BOARD, Records};
use crate::adapters::StoreError;
use crate::domain::report::Report;
use crate::domain::report::custody::CustodyEntry;
use crate::domain::report::preview::Previews;
use crate::domain::report::serial::Serial;
use crate::domain::report::timeline::Event;
use crate::domain::reporting::stats::{Buckets, delta};
use crate::domain::views::public::{PUBLIC_ATTRIBUTES, PublicRecord};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use std::collections::HashMap;

const DAY_SECONDS: i64 = 24 * 3600;
/// The sort keys of a citizen's daily counts: reports submitted, upload slots issued.
pub const REPORTS_COUNTED: &str = "QUOTA";
pub const UPLOADS_COUNTED: &str = "UPLOADS";
/// The cancellation code of a transaction item whose condition did not hold.
pub(super) const CONDITION_FAILED: &str = "ConditionalCheckFailed";

/// A citizen's daily allowance of something (`counted` is its item's sort key).
#[derive(Debug, Clone, Copy)]
pub struct Allowance<'a> {
    pub sub: &'a str,
    /// `YYYYMMDD`, China time.
    pub day: &'a str,
    pub counted: &'a str,
    pub limit: u32,
}

/// A report with everything in its partition: its timeline and its custody log, each in order.
#[derive(Debug, Clone)]
pub struct ReportRecord {
    pub report: Report,
    pub events: Vec<Event>,
    pub custody: Vec<CustodyEntry>,
}

/// What a new report's transaction writes besides the report and its first event.
#[derive(Debug, Clone)]
pub struct NewReport<'a> {
    pub report: &'a Report,
    pub event: &'a Event,
    /// The custody log's first entry, the seal, when the report has evidence.
    pub seal: Option<&'a CustodyEntry>,
    /// `(Idempotency-Key, body fingerprint)`.
    pub idempotency: Option<(&'a str, &'a str)>,
    /// Uploads the report claims, as `(key, version sealed)`, and the owner they must belong to.
    /// The claim records the version, for the `evidence` function to delete it.
    pub uploads: &'a [(String, String)],
    pub owner: &'a str,
    /// `YYYYMMDD` of the submission and the most reports a reporter may submit that day.
    pub quota_day: &'a str,
    pub quota_limit: u32,
    /// Seconds since the epoch, for TTLs.
    pub now_epoch: i64,
}

/// How a create transaction ended; every outcome but `Created` wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    Created,
    /// Another report holds this serial: try the next candidate.
    SerialTaken,
    /// The idempotency key was used first by another request: read that record.
    IdempotencyTaken,
    /// One of the uploads is cited by another report, or is not the owner's.
    EvidenceTaken,
    QuotaExceeded,
    /// Another transaction touched the same items at the same time: try again.
    Contended,
}

/// What an answer's transaction writes beside the report: the seal of its evidence and the
/// uploads it claims (`(key, version)`), the owner's.
#[derive(Debug, Clone, Copy)]
pub struct AnswerEvidence<'a> {
    pub seal: Option<&'a CustodyEntry>,
    pub uploads: &'a [(String, String)],
    pub owner: &'a str,
}

/// How an answer's transaction ended; every outcome but `Saved` wrote nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerOutcome {
    Saved,
    /// The report or its custody log changed since they were read.
    Stale,
    /// One of the uploads is cited already, or is not the owner's.
    EvidenceTaken,
    Contended,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveOutcome {
    Saved,
    /// The report changed since it was read.
    Stale,
    /// Another transaction held one of the items (a statistics bucket, usually): try again.
    Contended,
}

/// What an idempotency key was first used for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct IdempotencyRecord {
    pub fingerprint: String,
    pub serial: Serial,
}

fn names(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

/// A transaction item that could not be built, in `operation`.
pub(super) fn unbuilt(operation: &'static str) -> impl Fn(aws_sdk_dynamodb::error::BuildError) -> StoreError {
    move |error| StoreError::request("dynamodb", operation, error)
}

impl Records {
    pub(super) fn put_new(&self, operation: &'static str, item: Item) -> Result<TransactWriteItem, StoreError> {
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(pk)")
            .build()
            .map_err(unbuilt(operation))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Writes a new report with everything that must happen with it, or nothing.
    pub async fn create_report(&self, new: &NewReport<'_>) -> Result<CreateOutcome, StoreError> {
        let serial = new.report.serial.to_string();
        // Where each conditional write sits in the transaction, to read its cancellation reason.
        let mut writes = Vec::new();
        let report_slot = writes.len();
        writes.push(self.put_new("create_report", report_item(new.report)?)?);
        writes.push(self.put_new("create_report", event_item(new.report, new.event)?)?);
        if let Some(seal) = new.seal {
            writes.push(self.put_new("create_report", custody_item(seal)?)?);
        }
        let quota_slot = writes.len();
        writes.push(self.quota_update(
            "create_report",
            &Allowance {
                sub: &new.report.reporter.sub,
                day: new.quota_day,
                counted: REPORTS_COUNTED,
                limit: new.quota_limit,
            },
            1,
            new.now_epoch,
        )?);
        writes.extend(self.stats_updates("create_report", &delta(None, new.report))?);
        let idempotency_slot = new.idempotency.map(|_| writes.len());
        if let Some((idem_key, fingerprint)) = new.idempotency {
            let mut item = key(idempotency_pk(&new.report.reporter.sub, idem_key), "IDEMPOTENCY");
            item.insert("fingerprint".into(), text_attr(fingerprint));
            item.insert("serial".into(), text_attr(serial.clone()));
            item.insert("ttl".into(), number_attr(new.now_epoch + DAY_SECONDS));
            writes.push(self.put_new("create_report", item)?);
        }
        let upload_slots = writes.len()..writes.len() + new.uploads.len();
        for (upload, version) in new.uploads {
            writes.push(self.upload_claim("create_report", upload, version, &serial, new.owner)?);
        }
        // The keys later reports find this one by (`repeat`); the report's own write guards them.
        for marker in self.repeat_markers(new.report, new.now_epoch) {
            let put = Put::builder()
                .table_name(&self.table)
                .set_item(Some(marker))
                .build()
                .map_err(unbuilt("create_report"))?;
            writes.push(TransactWriteItem::builder().put(put).build());
        }
        let Some(codes) = self.transact("create_report", writes).await? else {
            return Ok(CreateOutcome::Created);
        };
        let failed = |i: usize| codes.get(i).is_some_and(|c| c == CONDITION_FAILED);
        Ok(if idempotency_slot.is_some_and(failed) {
            CreateOutcome::IdempotencyTaken
        } else if failed(report_slot) {
            CreateOutcome::SerialTaken
        } else if failed(quota_slot) {
            CreateOutcome::QuotaExceeded
        } else if upload_slots.clone().any(failed) {
            CreateOutcome::EvidenceTaken
        } else if codes.iter().any(|c| c == "TransactionConflict") {
            CreateOutcome::Contended
        } else {
            return Err(StoreError::Service {
                service: "dynamodb",
                operation: "create_report",
                detail: format!("transaction cancelled: {codes:?}"),
            });
        })
    }

    /// Claims an upload for the report `serial`: only the owner's, only once (its `ttl` goes: a
    /// claimed upload no longer expires, and the `evidence` function deletes the sealed version).
    fn upload_claim(
        &self,
        operation: &'static str,
        upload: &str,
        version: &str,
        serial: &str,
        owner: &str,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(upload_pk(upload), "UPLOAD")))
            .update_expression("SET #serial = :serial, #version = :version REMOVE #ttl")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(#serial) AND #owner = :owner")
            .set_expression_attribute_names(Some(names(&[
                ("#serial", "serial"),
                ("#ttl", "ttl"),
                ("#owner", "owner"),
                ("#version", "version_id"),
            ])))
            .expression_attribute_values(":serial", text_attr(serial))
            .expression_attribute_values(":version", text_attr(version))
            .expression_attribute_values(":owner", text_attr(owner))
            .build()
            .map_err(unbuilt(operation))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Writes a reporter's answer (补充材料): the report as `save` does, with the seal of the
    /// answer's evidence in the custody log and the claims on its uploads, or nothing.
    pub async fn save_answer(
        &self,
        before: &Report,
        after: &Report,
        event: &Event,
        evidence: &AnswerEvidence<'_>,
    ) -> Result<AnswerOutcome, StoreError> {
        let serial = after.serial.to_string();
        let mut writes = vec![self.report_put("save_answer", before, after)?];
        writes.push(self.put_new("save_answer", event_item(after, event)?)?);
        let seal_slot = writes.len();
        if let Some(seal) = evidence.seal {
            writes.push(self.put_new("save_answer", custody_item(seal)?)?);
        }
        let upload_slots = writes.len()..writes.len() + evidence.uploads.len();
        for (upload, version) in evidence.uploads {
            writes.push(self.upload_claim("save_answer", upload, version, &serial, evidence.owner)?);
        }
        writes.extend(self.stats_updates("save_answer", &delta(Some(before), after))?);
        let Some(codes) = self.transact("save_answer", writes).await? else {
            return Ok(AnswerOutcome::Saved);
        };
        let failed = |i: usize| codes.get(i).is_some_and(|c| c == CONDITION_FAILED);
        Ok(if upload_slots.clone().any(failed) {
            AnswerOutcome::EvidenceTaken
        } else if failed(0) || (evidence.seal.is_some() && failed(seal_slot)) {
            // The report or its custody log moved on since it was read.
            AnswerOutcome::Stale
        } else {
            AnswerOutcome::Contended
        })
    }

    /// The conditional put of the next version of a report (see `save`).
    fn report_put(
        &self,
        operation: &'static str,
        before: &Report,
        after: &Report,
    ) -> Result<TransactWriteItem, StoreError> {
        let condition = match before.previews {
            Some(_) => "#version = :expected",
            None => "#version = :expected AND attribute_not_exists(previews)",
        };
        let put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(report_item(after)?))
            .condition_expression(condition)
            .expression_attribute_names("#version", "version")
            .expression_attribute_values(":expected", number_attr(before.version))
            .build()
            .map_err(unbuilt(operation))?;
        Ok(TransactWriteItem::builder().put(put).build())
    }

    /// Writes `after` (the next version of `before`), its event and the statistics it changes,
    /// only if the stored version is still `before`'s, and previews recorded since `before` was
    /// read (`record_previews`, which leaves the version alone) would not be overwritten.
    pub async fn save(&self, before: &Report, after: &Report, event: &Event) -> Result<SaveOutcome, StoreError> {
        let mut writes = vec![
            self.report_put("save_report", before, after)?,
            self.put_new("save_report", event_item(after, event)?)?,
        ];
        writes.extend(self.stats_updates("save_report", &delta(Some(before), after))?);
        let Some(codes) = self.transact("save_report", writes).await? else {
            return Ok(SaveOutcome::Saved);
        };
        Ok(if codes.iter().any(|c| c == CONDITION_FAILED) {
            SaveOutcome::Stale
        } else {
            SaveOutcome::Contended
        })
    }

    /// Records a report's previews, once: a redelivered stream record finds them there and
    /// changes nothing (`false`). The version is left alone, so that no one's open form goes
    /// stale because previews arrived; `save` guards them instead.
    pub async fn record_previews(&self, serial: &Serial, previews: &Previews) -> Result<bool, StoreError> {
        let value = serde_dynamo::to_attribute_value(previews).map_err(|e| StoreError::Corrupt {
            key: serial.to_string(),
            detail: e.to_string(),
        })?;
        let written = self
            .client
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key(report_pk(serial.as_str()), REPORT_SK)))
            .update_expression("SET previews = :previews")
            .condition_expression("attribute_exists(pk) AND attribute_not_exists(previews)")
            .expression_attribute_values(":previews", value)
            .send()
            .await;
        match written {
            Ok(_) => Ok(true),
            Err(error)
                if error
                    .as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                Ok(false)
            }
            Err(error) => Err(StoreError::call("dynamodb", "record_previews", error)),
        }
    }

    /// One more use (`amount`) of a daily allowance, refused by its condition when it would pass
    /// the limit (ADD cannot be bounded by arithmetic in a condition: the bound is `limit − amount`).
    pub(super) fn quota_update(
        &self,
        operation: &'static str,
        allowance: &Allowance<'_>,
        amount: u32,
        now_epoch: i64,
    ) -> Result<TransactWriteItem, StoreError> {
        let update = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(quota_pk(allowance.sub, allowance.day), allowance.counted)))
            .update_expression("ADD #count :amount SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(#count) OR #count <= :bound")
            .set_expression_attribute_names(Some(names(&[("#count", "count"), ("#ttl", "ttl")])))
            .expression_attribute_values(":amount", number_attr(amount))
            .expression_attribute_values(":bound", number_attr(i64::from(allowance.limit) - i64::from(amount)))
            .expression_attribute_values(":ttl", number_attr(now_epoch + 2 * DAY_SECONDS))
            .build()
            .map_err(unbuilt(operation))?;
        Ok(TransactWriteItem::builder().update(update).build())
    }

    /// Runs a transaction: `None` when it was written, or the cancellation code of each item in
    /// order (`"None"` for an item that was not the cause); any other failure is `operation`'s.
    pub(super) async fn transact(
        &self,
        operation: &'static str,
        writes: Vec<TransactWriteItem>,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let sent = self
            .client
            .transact_write_items()
            .set_transact_items(Some(writes))
            .send()
            .await;
        let error = match sent {
            Ok(_) => return Ok(None),
            Err(error) => error,
        };
        let Some(TransactWriteItemsError::TransactionCanceledException(cancelled)) = error.as_service_error() else {
            return Err(StoreError::call("dynamodb", operation, error));
        };
        let codes = cancelled
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().unwrap_or("None").to_owned())
            .collect();
        Ok(Some(codes))
    }

    /// One ADD per statistics bucket the change touches.
    fn stats_updates(&self, operation: &'static str, buckets: &Buckets) -> Result<Vec<TransactWriteItem>, StoreError> {
        let mut writes = Vec::with_capacity(buckets.len());
        for ((scope, month), counters) in buckets {
            let mut update = Update::builder()
                .table_name(&self.table)
                .set_key(Some(key(format!("STATS#{scope}"), month)));
            let mut clauses = Vec::with_capacity(counters.len());
            for (i, (name, value)) in counters.iter().enumerate() {
                clauses.push(format!("#c{i} :v{i}"));
                update = update
                    .expression_attribute_names(format!("#c{i}"), name)
                    .expression_attribute_values(format!(":v{i}"), number_attr(*value));
            }
            let update = update
                .update_expression(format!("ADD {}", clauses.join(", ")))
                .build()
                .map_err(unbuilt(operation))?;
            writes.push(TransactWriteItem::builder().update(update).build());
        }
        Ok(writes)
    }

    pub async fn report(&self, serial: &Serial) -> Result<Option<Report>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(report_pk(serial.as_str()), REPORT_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "report", e))?;
        output.item.map(from_item).transpose()
    }

    /// The reports of `serials` that exist, in the order asked, read together (BatchGetItem,
    /// strongly consistent like `report`).
    pub async fn reports(&self, serials: &[String]) -> Result<Vec<Report>, StoreError> {
        let keys = serials.iter().map(|s| key(report_pk(s), REPORT_SK)).collect();
        let mut found: HashMap<String, Report> = HashMap::new();
        for item in self.batch_get("reports", keys, true).await? {
            let report: Report = from_item(item)?;
            found.insert(report.serial.to_string(), report);
        }
        Ok(serials.iter().filter_map(|s| found.remove(s)).collect())
    }

    /// What the public side may read of a report: its public attributes only (the public
    /// function's policy allows no others).
    pub async fn public_report(&self, serial: &Serial) -> Result<Option<PublicRecord>, StoreError> {
        let (projection, names) = projection(&PUBLIC_ATTRIBUTES);
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(report_pk(serial.as_str()), REPORT_SK)))
            .projection_expression(projection)
            .set_expression_attribute_names(Some(names))
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "public_report", e))?;
        // A key that is not a report (or a serial never used) reads as nothing.
        output.item.filter(|i| !i.is_empty()).map(from_item).transpose()
    }

    /// The report, its events and its custody log in one query of its partition.
    pub async fn report_record(&self, serial: &Serial) -> Result<Option<ReportRecord>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", text_attr(report_pk(serial.as_str())))
            .consistent_read(true);
        let mut report = None;
        let mut events = Vec::new();
        let mut custody = Vec::new();
        for item in all_pages("report_record", query).await? {
            let sort = item.get(SK).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            if sort == REPORT_SK {
                report = Some(from_item::<Report>(item)?);
            } else if sort.starts_with(EVENT_PREFIX) {
                events.push(from_item::<Event>(item)?);
            } else if sort.starts_with(CUSTODY_PREFIX) {
                custody.push(from_item::<CustodyEntry>(item)?);
            }
        }
        events.sort_by_key(|e| e.seq);
        custody.sort_by_key(|e| e.seq);
        Ok(report.map(|report| ReportRecord {
            report,
            events,
            custody,
        }))
    }

    async fn page<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        index: &str,
        partition: (&str, String),
        sort_attr: &str,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<T>, ListError> {
        let attrs = [PK, SK, partition.0, sort_attr];
        let start = cursor
            .map(|c| cursor::decode(c, &attrs, (partition.0, &partition.1)))
            .transpose()?;
        let output = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(index)
            .key_condition_expression("#p = :p")
            .expression_attribute_names("#p", partition.0)
            .expression_attribute_values(":p", AttributeValue::S(partition.1.clone()))
            .scan_index_forward(false)
            .limit(limit)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", operation, e))?;
        let items = output
            .items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<Vec<T>, _>>()?;
        // DynamoDB returns a key after a full page even when nothing follows; an empty next page
        // is harmless, and saves a second query per page.
        Ok(Page {
            items,
            next: output.last_evaluated_key.as_ref().and_then(cursor::encode),
        })
    }

    /// The reporter's own reports, newest first.
    pub async fn reports_of(&self, sub: &str, limit: i32, cursor: Option<&str>) -> Result<Page<Report>, ListError> {
        self.page(
            "reports_of",
            INDEX_BY_REPORTER,
            ("reporter_pk", reporter_pk(sub)),
            "serial_sk",
            limit,
            cursor,
        )
        .await
    }

    /// A city's public board, newest reply first.
    pub async fn public_board(
        &self,
        city: &str,
        limit: i32,
        cursor: Option<&str>,
    ) -> Result<Page<PublicRecord>, ListError> {
        self.page(
            "public_board",
            INDEX_PUBLIC_BOARD,
            ("board_pk", board_pk(city)),
            "board_sk",
            limit,
            cursor,
        )
        .await
    }

    /// How much of a daily allowance is used (0 before its first use). A read before the work
    /// it allows: the conditional update in the same transaction as that work still decides.
    pub async fn allowance_used(&self, sub: &str, day: &str, counted: &str) -> Result<u32, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(quota_pk(sub, day), counted)))
            .projection_expression("#count")
            .expression_attribute_names("#count", "count")
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "allowance_used", e))?;
        let count = output
            .item
            .as_ref()
            .and_then(|item| item.get("count"))
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse().ok());
        Ok(count.unwrap_or(0))
    }

    pub async fn idempotency(&self, sub: &str, idem_key: &str) -> Result<Option<IdempotencyRecord>, StoreError> {
        let output = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(idempotency_pk(sub, idem_key), "IDEMPOTENCY")))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "idempotency", e))?;
        output.item.map(from_item).transpose()
    }
}
