//! The roster (人员管理): each person twice, under `STAFF#{sub}` for the read every staff
//! request makes, and under `ROSTER` / `{scope}#{sub}` for a city's list; both written in one
//! transaction with the change's audit entry, conditional on the version read.

use super::Records;
use super::audit::audit_item;
use super::items::{from_item, key, to_item};
use super::log::LogEntry;
use super::pages::{all_pages, scoped};
use super::reports::{CONDITION_FAILED, unbuilt};
use crate::adapters::StoreError;
use crate::domain::digest::sha256_hex;
use crate::domain::directory::Directory;
use crate::domain::staff::roster::Member;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

const ROSTER_PK: &str = "ROSTER";
const ROSTER_SK: &str = "ROSTER";

fn member_pk(sub: &str) -> String {
    format!("STAFF#{sub}")
}

/// What a write conditional on what was read came to (the roster, an agency's phones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuardedWrite {
    Written,
    /// Adding: the entry is there already.
    Exists,
    /// Changing: someone changed the entry since it was read.
    Stale,
}

impl Records {
    /// The roster entry of `sub`, read strongly consistent: a person disabled a moment ago is
    /// refused on their next request.
    pub async fn roster_member(&self, sub: &str) -> Result<Option<Member>, StoreError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(member_pk(sub), ROSTER_SK)))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "roster_member", e))?;
        found.item.map(from_item).transpose()
    }

    /// Everyone on the roster of `scope` (a city or the province's own people), or of the whole
    /// province when `None`; by scope, then subject.
    pub async fn roster(&self, scope: Option<&str>) -> Result<Vec<Member>, StoreError> {
        let query = scoped(self.client.query().table_name(&self.table), ROSTER_PK, scope);
        all_pages("roster", query).await?.into_iter().map(from_item).collect()
    }

    /// Puts `member` on the roster unless their subject is there already.
    pub async fn add_member(
        &self,
        member: &Member,
        scope: &str,
        log: &LogEntry,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        self.write_member(member, scope, "attribute_not_exists(pk)", None, log, now_epoch)
            .await
            .map(|w| {
                if w == GuardedWrite::Stale {
                    GuardedWrite::Exists
                } else {
                    w
                }
            })
    }

    /// Puts `member` on the roster on the platform's own authority (the first province
    /// supervisor, the local demo), recorded as 系统; someone already there is left as they are.
    pub async fn enrol(
        &self,
        member: &Member,
        directory: &Directory,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        let scope = member.scope(directory);
        let log = LogEntry {
            scope: scope.clone(),
            kind: "staff".into(),
            at: member.changed_at.clone(),
            sub: "system".into(),
            name: member.changed_by.clone(),
            agency_id: String::new(),
            detail: format!("新增 {}", member.describe(directory)),
            serial: String::new(),
            seq: member.version,
        };
        self.add_member(member, &scope, &log, now_epoch).await
    }

    /// The mobiles of `agency`'s enabled handlers in `scope`, for its new-report SMS.
    pub async fn handler_phones(&self, scope: &str, agency: &str) -> Result<Vec<String>, StoreError> {
        Ok(self
            .roster(Some(scope))
            .await?
            .into_iter()
            .filter(|m| m.enabled && m.agency_id == agency && !m.phone.is_empty())
            .map(|m| m.phone)
            .collect())
    }

    /// Saves `member` (the next version of an entry read at `version - 1`).
    pub async fn change_member(
        &self,
        member: &Member,
        scope: &str,
        log: &LogEntry,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        let read = member.version.saturating_sub(1);
        self.write_member(member, scope, "version = :read", Some(read), log, now_epoch)
            .await
    }

    async fn write_member(
        &self,
        member: &Member,
        scope: &str,
        condition: &str,
        read: Option<u64>,
        log: &LogEntry,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        const OP: &str = "write_member";
        let mut guarded = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(member, member_pk(&member.sub), ROSTER_SK)?))
            .condition_expression(condition);
        if let Some(read) = read {
            guarded = guarded.expression_attribute_values(":read", super::items::number_attr(read));
        }
        let listed = to_item(member, ROSTER_PK.to_owned(), &format!("{scope}#{}", member.sub))?;
        let distinct = format!("#{}", sha256_hex(format!("{}{}", member.sub, member.version), 8));
        let entry = audit_item(
            format!("AUDIT#STAFF#{scope}"),
            "staff",
            &distinct,
            &log.detail,
            log,
            now_epoch,
        );
        let writes = [guarded.build().map_err(unbuilt(OP))?]
            .into_iter()
            .chain(
                [listed, entry]
                    .into_iter()
                    .map(|item| Put::builder().table_name(&self.table).set_item(Some(item)).build())
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(unbuilt(OP))?,
            )
            .map(|put| TransactWriteItem::builder().put(put).build())
            .collect();
        match self.transact(OP, writes).await? {
            None => Ok(GuardedWrite::Written),
            Some(codes) if codes.first().is_some_and(|c| c == CONDITION_FAILED) => Ok(GuardedWrite::Stale),
            Some(codes) => Err(StoreError::Unavailable {
                service: "dynamodb",
                operation: OP,
                detail: format!("transaction cancelled: {codes:?}"),
            }),
        }
    }
}
