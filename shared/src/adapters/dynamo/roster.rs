//! The roster (人员管理): each person twice, under `STAFF#{sub}` for the read every staff
//! request makes, and under `ROSTER` / `{scope}#{sub}` for a city's list; both written in one
//! transaction with the change's audit entry, conditional on the version read.

use super::Records;
use super::guarded::{GuardedWrite, Trail};
use super::items::{from_item, key, to_item};
use super::log::LogEntry;
use super::pages::{all_pages, scoped};
use crate::adapters::StoreError;
use crate::domain::directory::Directory;
use crate::domain::staff::roster::Member;

const ROSTER_PK: &str = "ROSTER";
const ROSTER_SK: &str = "ROSTER";

fn member_pk(sub: &str) -> String {
    format!("STAFF#{sub}")
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
        self.save_member(member, &scope, &log, now_epoch).await
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

    /// Writes `member` under `STAFF#{sub}`, its listing and the change's audit entry: a new
    /// person (version 1) unless their subject is on the roster already (`Exists`), else the next
    /// version of the entry read (`Stale` if someone changed it since).
    pub async fn save_member(
        &self,
        member: &Member,
        scope: &str,
        log: &LogEntry,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        let entry = to_item(member, member_pk(&member.sub), ROSTER_SK)?;
        let listed = to_item(member, ROSTER_PK.to_owned(), &format!("{scope}#{}", member.sub))?;
        let trail = Trail {
            trail: "STAFF",
            scope,
            changed: &member.sub,
            log,
        };
        self.guarded_write("save_member", entry, member.version, vec![listed], &trail, now_epoch)
            .await
    }
}
