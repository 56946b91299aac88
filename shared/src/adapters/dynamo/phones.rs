//! 机构与电话: the phones supervisors keep per agency, in the `PHONES` partition by
//! `{scope}#{agency}` (a city's list is one key range), each change written with its audit entry,
//! conditional on the version read.

use super::Records;
use super::audit::audit_item;
use super::items::{from_item, key, number_attr, text_of, to_item};
use super::log::LogEntry;
use super::pages::{all_pages, scoped};
use super::reports::{CONDITION_FAILED, unbuilt};
use super::roster::GuardedWrite;
use crate::adapters::StoreError;
use crate::domain::digest::sha256_hex;
use crate::domain::directory::phones::AgencyPhones;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem};

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
        const OP: &str = "save_agency_phones";
        let item = to_item(phones, PHONES_PK.to_owned(), &phones_sk(scope, &phones.agency_id))?;
        let put = match phones.version {
            1 => Put::builder().condition_expression("attribute_not_exists(pk)"),
            next => Put::builder()
                .condition_expression("version = :read")
                .expression_attribute_values(":read", number_attr(next - 1)),
        };
        let distinct = format!("#{}", sha256_hex(format!("{}{}", phones.agency_id, phones.version), 8));
        let entry = audit_item(
            format!("AUDIT#PHONES#{scope}"),
            "phones",
            &distinct,
            &log.detail,
            log,
            now_epoch,
        );
        let writes = vec![
            TransactWriteItem::builder()
                .put(
                    put.table_name(&self.table)
                        .set_item(Some(item))
                        .build()
                        .map_err(unbuilt(OP))?,
                )
                .build(),
            TransactWriteItem::builder()
                .put(
                    Put::builder()
                        .table_name(&self.table)
                        .set_item(Some(entry))
                        .build()
                        .map_err(unbuilt(OP))?,
                )
                .build(),
        ];
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
