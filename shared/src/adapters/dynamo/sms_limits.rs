//! What keeps an agency's new-report SMS from being pumped: a report texts an agency at most once
//! in a window, however often it is handed back and forth (`SMSWINDOW#{serial}#{agency}`, which
//! arrival texted last, until when), and an agency is texted for at most so many arrivals a day
//! (`SMSDAY#{agency}#{YYYYMMDD}`, a counter). Both are written together, or neither; the arrival
//! that holds the window may always go on (a redelivery of its stream record).

use super::Records;
use super::items::{Item, key, number_attr, number_of};
use super::reports::{CONDITION_FAILED, unbuilt};
use crate::adapters::StoreError;
use aws_sdk_dynamodb::types::{Put, TransactWriteItem, Update};

/// Counters and windows are kept a day longer than they count.
const KEEP_SECONDS: i64 = 24 * 3600;

/// Whether an arrival's SMS to its agency may go out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyText {
    /// Send (this arrival holds the window, and the day's ceiling was not reached).
    Send,
    /// Texted for this report within the window already: not again.
    Windowed,
    /// The agency's ceiling for the day is reached.
    Capped,
}

/// One arrival of a report at an agency, as the stream delivered it.
pub struct Arrival<'a> {
    pub serial: &'a str,
    pub agency: &'a str,
    /// The report's version after the arrival: a redelivery has the same.
    pub seq: u64,
    /// `YYYYMMDD` (China time).
    pub day: &'a str,
}

fn window_key(arrival: &Arrival<'_>) -> Item {
    key(format!("SMSWINDOW#{}#{}", arrival.serial, arrival.agency), "SMSWINDOW")
}

impl Records {
    /// Takes the agency's window for this report (`window_seconds` long) and counts the arrival
    /// against the agency's day (at most `per_day`), together.
    pub async fn claim_agency_text(
        &self,
        arrival: &Arrival<'_>,
        now_epoch: i64,
        window_seconds: i64,
        per_day: u32,
    ) -> Result<AgencyText, StoreError> {
        const OPERATION: &str = "claim_agency_text";
        let until = now_epoch + window_seconds;
        let mut window = window_key(arrival);
        window.insert("seq".into(), number_attr(arrival.seq));
        window.insert("until".into(), number_attr(until));
        window.insert("ttl".into(), number_attr(until + KEEP_SECONDS));
        let window = Put::builder()
            .table_name(&self.table)
            .set_item(Some(window))
            .condition_expression("attribute_not_exists(pk) OR #until < :now")
            .expression_attribute_names("#until", "until")
            .expression_attribute_values(":now", number_attr(now_epoch))
            .build()
            .map_err(unbuilt(OPERATION))?;
        let count = Update::builder()
            .table_name(&self.table)
            .set_key(Some(key(
                format!("SMSDAY#{}#{}", arrival.agency, arrival.day),
                "SMSDAY",
            )))
            .update_expression("ADD arrivals :one SET #ttl = :ttl")
            .condition_expression("attribute_not_exists(arrivals) OR arrivals < :max")
            .expression_attribute_names("#ttl", "ttl")
            .expression_attribute_values(":one", number_attr(1))
            .expression_attribute_values(":max", number_attr(per_day))
            .expression_attribute_values(":ttl", number_attr(now_epoch + 2 * KEEP_SECONDS))
            .build()
            .map_err(unbuilt(OPERATION))?;
        let writes = vec![
            TransactWriteItem::builder().put(window).build(),
            TransactWriteItem::builder().update(count).build(),
        ];
        let Some(codes) = self.transact(OPERATION, writes).await? else {
            return Ok(AgencyText::Send);
        };
        let failed = |i: usize| codes.get(i).is_some_and(|c| c == CONDITION_FAILED);
        if failed(0) {
            // Held: by this very arrival (a redelivery, counted already), or by an earlier one.
            let held = self
                .client
                .get_item()
                .table_name(&self.table)
                .set_key(Some(window_key(arrival)))
                .consistent_read(true)
                .send()
                .await
                .map_err(|e| StoreError::call("dynamodb", OPERATION, e))?;
            let seq = held.item.as_ref().map(|item| number_of(item, "seq"));
            return Ok(if seq == i64::try_from(arrival.seq).ok() {
                AgencyText::Send
            } else {
                AgencyText::Windowed
            });
        }
        if failed(1) {
            return Ok(AgencyText::Capped);
        }
        Err(StoreError::Unavailable {
            service: "dynamodb",
            operation: OPERATION,
            detail: format!("transaction cancelled: {codes:?}"),
        })
    }
}
