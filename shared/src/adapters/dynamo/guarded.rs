//! A change to a versioned entry (a roster entry, an agency's phones) written with what goes with
//! it (its listing, its audit entry) in one transaction, conditional on the version read.

use super::Records;
use super::audit::audit_item;
use super::items::{Item, number_attr};
use super::log::LogEntry;
use super::reports::{CONDITION_FAILED, unbuilt};
use crate::adapters::StoreError;
use crate::domain::digest::sha256_hex;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

/// What a write conditional on what was read came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardedWrite {
    Written,
    /// Adding: the entry is there already.
    Exists,
    /// Changing: someone changed the entry since it was read.
    Stale,
}

/// The trail's record of a change: its partition (`AUDIT#{trail}#{scope}`), what it was, and the
/// entry and version changed (which keep changes of one second apart).
pub(super) struct Trail<'a> {
    pub trail: &'static str,
    pub scope: &'a str,
    pub changed: &'a str,
    pub log: &'a LogEntry,
}

impl Records {
    /// Writes `entry` at `version` (1: new, so it must not exist; else the stored one must be at
    /// `version - 1`), `also` unconditionally, and the change's audit entry, all or nothing.
    pub(super) async fn guarded_write(
        &self,
        operation: &'static str,
        entry: Item,
        version: u64,
        also: Vec<Item>,
        trail: &Trail<'_>,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        let guarded = match version {
            1 => Put::builder().condition_expression("attribute_not_exists(pk)"),
            next => Put::builder()
                .condition_expression("version = :read")
                .expression_attribute_values(":read", number_attr(next - 1)),
        };
        let distinct = format!("#{}", sha256_hex(format!("{}{version}", trail.changed), 8));
        let audit = audit_item(
            format!("AUDIT#{}#{}", trail.trail, trail.scope),
            trail.log.kind.as_str(),
            &distinct,
            &trail.log.detail,
            trail.log,
            now_epoch,
        );
        let puts = std::iter::once(guarded.set_item(Some(entry)))
            .chain(
                also.into_iter()
                    .chain([audit])
                    .map(|item| Put::builder().set_item(Some(item))),
            )
            .map(|put| {
                put.table_name(&self.table)
                    .build()
                    .map(|p| TransactWriteItem::builder().put(p).build())
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(unbuilt(operation))?;
        match self.transact(operation, puts).await? {
            None => Ok(GuardedWrite::Written),
            Some(codes) if codes.first().is_some_and(|c| c == CONDITION_FAILED) => Ok(match version {
                1 => GuardedWrite::Exists,
                _ => GuardedWrite::Stale,
            }),
            Some(codes) => Err(StoreError::Unavailable {
                service: "dynamodb",
                operation,
                detail: format!("transaction cancelled: {codes:?}"),
            }),
        }
    }
}
