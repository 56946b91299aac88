//! The audit trail. Changes to a report are audited by its timeline; reads leave no trace there,
//! so they are recorded here, in partitions of their own (`AUDIT#{serial}`,
//! `AUDIT#EXPORTS#{region}`, `AUDIT#IMPORTS#{region}`, `AUDIT#STAFF#{scope}`), kept three years.
//!
//! 操作日志: every entry, and every timeline event a staff member caused, also carries the keys
//! of the sparse `audit_log` index (`log_pk` = `LOG#{scope}`, the city or the province;
//! `log_sk` = time first), written with the entry or event itself, so the searchable log can
//! never miss what happened.

use super::items::{Item, number_attr, text_attr, text_of};
use super::log::LogEntry;
use super::pages::{all_pages, first_items};
use super::{INDEX_AUDIT_LOG, Records};
use crate::adapters::StoreError;
use crate::domain::digest::sha256_hex;
use crate::domain::staff::Staff;
use futures_util::future::try_join_all;

pub(super) const AUDIT_TTL_SECONDS: i64 = 3 * 365 * 24 * 3600;

/// One audited read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// RFC 3339, China time.
    pub at: String,
    pub what: String,
    pub sub: String,
    pub name: String,
    pub agency_id: String,
    /// For an export, its filters (the query string) and how many rows it held.
    pub detail: String,
}

/// An entry of the `audit_log` index read back.
fn log_entry(item: &Item) -> LogEntry {
    let scope = text_of(item, "log_pk");
    LogEntry {
        scope: scope.trim_start_matches("LOG#").to_owned(),
        kind: text_of(item, "log_kind"),
        at: text_of(item, "log_at"),
        sub: text_of(item, "log_sub"),
        name: text_of(item, "log_name"),
        agency_id: text_of(item, "log_agency"),
        detail: text_of(item, "log_detail"),
        serial: text_of(item, "log_serial"),
        seq: 0,
    }
}

/// A search of the 操作日志: the scopes the caller reaches, a period, and optional filters.
#[derive(Debug, Clone, Default)]
pub struct LogQuery {
    pub scopes: Vec<String>,
    /// RFC 3339 bounds, inclusive.
    pub from: String,
    pub to: String,
    pub kind: Option<String>,
    /// A person: their name or their subject.
    pub person: Option<String>,
    pub agency_id: Option<String>,
    /// At most this many entries, newest first.
    pub max: usize,
}

/// What a region's trail records of one export or import.
struct RegionEntry<'a> {
    partition: &'static str,
    what: &'static str,
    kind: &'static str,
    distinct_by: &'a str,
    detail: &'a str,
    /// What the 操作日志 shows, in Chinese.
    shown: String,
}

/// The audit item of `log` under partition `pk`, told apart from others of one person, one
/// second and one kind by `distinct` (the parts of an export; empty for reads). `detail` is the
/// trail's own record (the log's is `log.detail`, in Chinese).
pub(super) fn audit_item(pk: String, what: &str, distinct: &str, detail: &str, log: &LogEntry, now_epoch: i64) -> Item {
    let mut item: Item = [
        ("pk", text_attr(pk)),
        // Two reads by one person in one second are one entry: the trail says who and when.
        ("sk", text_attr(format!("{}#{}#{what}{distinct}", log.at, log.sub))),
        ("entity", text_attr("audit")),
        ("what", text_attr(what)),
        ("at", text_attr(&log.at)),
        ("sub", text_attr(&log.sub)),
        ("name", text_attr(&log.name)),
        ("agency_id", text_attr(&log.agency_id)),
        ("detail", text_attr(detail)),
        ("ttl", number_attr(now_epoch + AUDIT_TTL_SECONDS)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    item.extend(log.attributes());
    item
}

impl Records {
    async fn put_audit(&self, item: Item) -> Result<(), StoreError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "audit", e))?;
        Ok(())
    }

    /// Records that `staff` opened the detail of `serial` (with the reporter's identity masked);
    /// `scope` is the report's city. A reveal of the reporter's contact is an action, recorded
    /// by its timeline event.
    pub async fn audit_view(
        &self,
        serial: &str,
        staff: &Staff,
        scope: &str,
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        let log = LogEntry {
            detail: "查看详情".into(),
            serial: serial.into(),
            ..LogEntry::by(staff, scope, "view", at)
        };
        self.put_audit(audit_item(format!("AUDIT#{serial}"), "viewed", "", "", &log, now_epoch))
            .await
    }

    /// Records that `staff` exported a queue with `filters`, `rows` rows.
    pub async fn audit_export(
        &self,
        staff: &Staff,
        scope: &str,
        filters: &str,
        rows: usize,
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        // Each part of a long export is its own entry, though they come within a second.
        let entry = RegionEntry {
            partition: "EXPORTS",
            what: "exported",
            kind: "export",
            distinct_by: filters,
            detail: &format!("{filters} ({rows} rows)"),
            shown: format!("导出 {filters}(共{rows}行)"),
        };
        self.audit_region(staff, scope, &entry, at, now_epoch).await
    }

    /// Records that `staff` imported a registry file (or tried to: `detail` says which).
    /// An import, as `(detail, shown)`: the trail's record and what 操作日志 shows (Chinese).
    pub async fn audit_import(
        &self,
        staff: &Staff,
        scope: &str,
        (detail, shown): (&str, String),
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        let entry = RegionEntry {
            partition: "IMPORTS",
            what: "imported",
            kind: "import",
            distinct_by: detail,
            detail,
            shown,
        };
        self.audit_region(staff, scope, &entry, at, now_epoch).await
    }

    /// An entry in the trail of the staff member's region, told apart from others of the same
    /// second by a digest of `distinct_by`.
    async fn audit_region(
        &self,
        staff: &Staff,
        scope: &str,
        entry: &RegionEntry<'_>,
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        let log = LogEntry {
            detail: entry.shown.clone(),
            ..LogEntry::by(staff, scope, entry.kind, at)
        };
        let distinct = format!("#{}", sha256_hex(entry.distinct_by, 8));
        let pk = format!("AUDIT#{}#{}", entry.partition, staff.region);
        self.put_audit(audit_item(pk, entry.what, &distinct, entry.detail, &log, now_epoch))
            .await
    }

    /// The reads of a report, or the exports (`EXPORTS#{region}`) or registry imports
    /// (`IMPORTS#{region}`) of a region, oldest first.
    pub async fn audit_trail(&self, of: &str) -> Result<Vec<AuditEntry>, StoreError> {
        let query = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(":pk", text_attr(format!("AUDIT#{of}")));
        Ok(all_pages("audit_trail", query)
            .await?
            .iter()
            .map(|item| AuditEntry {
                at: text_of(item, "at"),
                what: text_of(item, "what"),
                sub: text_of(item, "sub"),
                name: text_of(item, "name"),
                agency_id: text_of(item, "agency_id"),
                detail: text_of(item, "detail"),
            })
            .collect())
    }

    /// 操作日志: the newest entries of the query's period in its scopes, at most `max`, and
    /// whether there were more. Each scope is one partition of the `audit_log` index, read
    /// newest first with the filters applied by DynamoDB.
    pub async fn audit_log(&self, query: &LogQuery) -> Result<(Vec<LogEntry>, bool), StoreError> {
        // The scopes are read at once: a province's is one partition per city.
        let reads = query.scopes.iter().map(|scope| {
            let mut filters = Vec::new();
            let mut read = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(INDEX_AUDIT_LOG)
                .key_condition_expression("log_pk = :pk AND log_sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", text_attr(format!("LOG#{scope}")))
                .expression_attribute_values(":from", text_attr(&query.from))
                // Every key of the last second sorts before this.
                .expression_attribute_values(":to", text_attr(format!("{}#~", query.to)))
                .scan_index_forward(false);
            if let Some(kind) = &query.kind {
                filters.push("log_kind = :kind");
                read = read.expression_attribute_values(":kind", text_attr(kind));
            }
            if let Some(person) = &query.person {
                filters.push("(log_name = :person OR log_sub = :person)");
                read = read.expression_attribute_values(":person", text_attr(person));
            }
            if let Some(agency) = &query.agency_id {
                filters.push("log_agency = :agency");
                read = read.expression_attribute_values(":agency", text_attr(agency));
            }
            if !filters.is_empty() {
                read = read.filter_expression(filters.join(" AND "));
            }
            first_items("audit_log", read, query.max + 1)
        });
        // Newest first by the index's own sort key, which orders one person's steps of a second.
        let mut found: Vec<(String, LogEntry)> = try_join_all(reads)
            .await?
            .iter()
            .flatten()
            .map(|item| (text_of(item, "log_sk"), log_entry(item)))
            .collect();
        found.sort_by(|a, b| b.0.cmp(&a.0));
        let more = found.len() > query.max;
        found.truncate(query.max);
        Ok((found.into_iter().map(|(_, entry)| entry).collect(), more))
    }
}
