//! 机构与电话: the phones supervisors keep per agency, in the `PHONES` partition by
//! `{scope}#{agency}` (a city's list is one key range), each change written with its audit entry,
//! conditional on the version read.

use super::Records;
use super::guarded::{GuardedWrite, Trail};
use super::items::{from_item, key, text_of, to_item};
use super::log::LogEntry;
use super::pages::{all_pages, scoped};
use crate::adapters::StoreError;
use crate::domain::directory::phones::AgencyPhones;

const PHONES_PK: &str = "PHONES";

fn phones_sk(scope: &str, agency: &str) -> String {
    format!("{scope}#{agency}")
}

impl Records {
    /// The phones kept for the agencies of `scope` (a city, or the province's own), or of the
    /// whole province when `None`.
    pub async fn agency_phones(&self, scope: Option<&str>) -> Result<Vec<AgencyPhones>, StoreError> {
        let query = scoped(self.client.query().table_name(&self.table), PHONES_PK, scope);
        all_pages("agency_phones", query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// The public phones saved for the agencies of `scope` (agency id → phone): one Query that
    /// reads no duty phone, for the public board.
    pub async fn public_phones(&self, scope: &str) -> Result<Vec<(String, String)>, StoreError> {
        let query = scoped(self.client.query().table_name(&self.table), PHONES_PK, Some(scope))
            .projection_expression("agency_id, public_phone");
        Ok(all_pages("public_phones", query)
            .await?
            .iter()
            .map(|item| (text_of(item, "agency_id"), text_of(item, "public_phone")))
            .collect())
    }

    /// The phones kept for `agency` of `scope`, if a supervisor has saved any.
    pub async fn agency_phone(&self, scope: &str, agency: &str) -> Result<Option<AgencyPhones>, StoreError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(PHONES_PK.to_owned(), &phones_sk(scope, agency))))
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "agency_phone", e))?;
        found.item.map(from_item).transpose()
    }

    /// Saves `phones` (version 1 for the first save, else the next of the one read).
    pub async fn save_agency_phones(
        &self,
        phones: &AgencyPhones,
        scope: &str,
        log: &LogEntry,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        let entry = to_item(phones, PHONES_PK.to_owned(), &phones_sk(scope, &phones.agency_id))?;
        let trail = Trail {
            trail: "PHONES",
            scope,
            changed: &phones.agency_id,
            log,
        };
        self.guarded_write(
            "save_agency_phones",
            entry,
            phones.version,
            Vec::new(),
            &trail,
            now_epoch,
        )
        .await
    }
}
