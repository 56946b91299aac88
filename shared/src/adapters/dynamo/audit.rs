//! The audit trail of reads: who opened a report's detail, and who exported what. Changes are
//! audited by the timeline itself; reads leave no trace there, so they are recorded here, in
//! partitions of their own (`AUDIT#{serial}`, `AUDIT#EXPORTS#{region}`), kept three years, as
//! are the registry imports (`AUDIT#IMPORTS#{region}`), which change no report.

use super::Records;
use super::items::{number_attr, text_attr, text_of};
use super::pages::all_pages;
use crate::adapters::StoreError;
use crate::domain::digest::sha256_hex;
use crate::domain::staff::Staff;

const AUDIT_TTL_SECONDS: i64 = 3 * 365 * 24 * 3600;

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

/// What a region's trail records of one export or import.
struct RegionEntry<'a> {
    partition: &'static str,
    what: &'static str,
    distinct_by: &'a str,
    detail: &'a str,
}

impl Records {
    /// `distinct` tells apart entries of one person, one second and one kind that must both be
    /// kept (the parts of an export); empty for reads.
    #[allow(clippy::too_many_arguments)]
    async fn audit(
        &self,
        pk: String,
        staff: &Staff,
        what: &str,
        distinct: &str,
        detail: &str,
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        let item = [
            ("pk", text_attr(pk)),
            // Two reads by one person in one second are one entry: the trail says who and when.
            ("sk", text_attr(format!("{at}#{}#{what}{distinct}", staff.sub))),
            ("entity", text_attr("audit")),
            ("what", text_attr(what)),
            ("at", text_attr(at)),
            ("sub", text_attr(&staff.sub)),
            ("name", text_attr(&staff.name)),
            ("agency_id", text_attr(&staff.agency_id)),
            ("detail", text_attr(detail)),
            ("ttl", number_attr(now_epoch + AUDIT_TTL_SECONDS)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "audit", e))?;
        Ok(())
    }

    /// Records that `staff` opened the detail of `serial` (with the reporter's identity masked).
    pub async fn audit_view(&self, serial: &str, staff: &Staff, at: &str, now_epoch: i64) -> Result<(), StoreError> {
        self.audit(format!("AUDIT#{serial}"), staff, "viewed", "", "", at, now_epoch)
            .await
    }

    /// Records that `staff` exported a queue with `filters`, `rows` rows.
    pub async fn audit_export(
        &self,
        staff: &Staff,
        filters: &str,
        rows: usize,
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        // Each part of a long export is its own entry, though they come within a second.
        let entry = RegionEntry {
            partition: "EXPORTS",
            what: "exported",
            distinct_by: filters,
            detail: &format!("{filters} ({rows} rows)"),
        };
        self.audit_region(staff, &entry, at, now_epoch).await
    }

    /// Records that `staff` imported a registry file (or tried to: `detail` says which).
    pub async fn audit_import(&self, staff: &Staff, detail: &str, at: &str, now_epoch: i64) -> Result<(), StoreError> {
        let entry = RegionEntry {
            partition: "IMPORTS",
            what: "imported",
            distinct_by: detail,
            detail,
        };
        self.audit_region(staff, &entry, at, now_epoch).await
    }

    /// An entry in the trail of the staff member's region, told apart from others of the same
    /// second by a digest of `distinct_by`.
    async fn audit_region(
        &self,
        staff: &Staff,
        entry: &RegionEntry<'_>,
        at: &str,
        now_epoch: i64,
    ) -> Result<(), StoreError> {
        self.audit(
            format!("AUDIT#{}#{}", entry.partition, staff.region),
            staff,
            entry.what,
            &format!("#{}", sha256_hex(entry.distinct_by, 8)),
            entry.detail,
            at,
            now_epoch,
        )
        .await
    }

    /// The reads of a report, or the exports (`EXPORTS#{region}`) or registry imports
    /// (`IMPORTS#{region}`) of a region (`EXPORTS#{region}`), oldest first.
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
}
