//! 节假日: the years the province supervisor entered, in the `CALENDAR` partition by year, each
//! change written with its audit entry, conditional on the version read; and the calendar in
//! force, the province file's with those years in place, read at most once a minute.

use super::Records;
use super::guarded::{GuardedWrite, Trail};
use super::items::{from_item, key, to_item};
use super::log::LogEntry;
use super::pages::{all_pages, scoped};
use crate::adapters::StoreError;
use crate::adapters::fresh::Fresh;
use crate::domain::calendar::Calendar;
use crate::domain::calendar::year::HolidayYear;
use std::sync::Arc;
use std::time::Duration;

const CALENDAR_PK: &str = "CALENDAR";

/// How stale the calendar in force may be in an instance: a year entered counts everywhere
/// within a minute.
const FRESH_FOR: Duration = Duration::from_secs(60);

impl Records {
    /// Every year entered, in order.
    pub async fn holiday_years(&self) -> Result<Vec<HolidayYear>, StoreError> {
        let query = scoped(self.client.query().table_name(&self.table), CALENDAR_PK, None);
        all_pages("holiday_years", query)
            .await?
            .into_iter()
            .map(from_item)
            .collect()
    }

    /// `year` as entered, read strongly consistent (the version a change is conditional on).
    pub async fn holiday_year(&self, year: i32) -> Result<Option<HolidayYear>, StoreError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key(CALENDAR_PK.to_owned(), &year.to_string())))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| StoreError::call("dynamodb", "holiday_year", e))?;
        found.item.map(from_item).transpose()
    }

    /// Saves `year` (version 1 when first entered, else the next of the one read).
    pub async fn save_holiday_year(
        &self,
        year: &HolidayYear,
        scope: &str,
        log: &LogEntry,
        now_epoch: i64,
    ) -> Result<GuardedWrite, StoreError> {
        let entry = to_item(year, CALENDAR_PK.to_owned(), &year.year.to_string())?;
        let changed = year.year.to_string();
        let trail = Trail {
            trail: "CALENDAR",
            scope,
            changed: &changed,
            log,
        };
        self.guarded_write("save_holiday_year", entry, year.version, Vec::new(), &trail, now_epoch)
            .await
    }
}

/// The calendar in force: the province file's (`base`) with the years entered in 节假日 in place
/// of its own, read again at most once a minute per instance. Clones share what was read.
#[derive(Debug, Clone)]
pub struct CalendarSource {
    base: Arc<Calendar>,
    read: Arc<Fresh<(), Arc<Calendar>>>,
}

impl CalendarSource {
    pub fn new(base: Calendar) -> CalendarSource {
        CalendarSource {
            base: Arc::new(base),
            read: Arc::new(Fresh::new(FRESH_FOR)),
        }
    }

    /// The calendar in force, as read within the last minute, else read now.
    pub async fn current(&self, records: &Records) -> Result<Arc<Calendar>, StoreError> {
        self.read
            .get((), || async {
                Ok(Arc::new(self.base.with_entered(&records.holiday_years().await?)))
            })
            .await
    }

    /// The province file's calendar alone (what 节假日 shows as the file's years).
    pub fn base(&self) -> &Calendar {
        &self.base
    }

    /// Drops what was read: a year just entered counts from this instance's next request.
    pub fn forget(&self) {
        self.read.forget(&());
    }
}
