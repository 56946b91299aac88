//! The table's stream as Lambda delivers it: the glue every stream consumer (`notify`,
//! `evidence`) reads its records with.

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use serde::de::DeserializeOwned;
use tracing::Instrument;

/// A string key attribute of the changed item.
pub fn key_text<'a>(record: &'a EventRecord, name: &str) -> Option<&'a str> {
    match record.change.keys.get(name) {
        Some(serde_dynamo::AttributeValue::S(value)) => Some(value),
        _ => None,
    }
}

/// The report a record is about, from its `REPORT#` partition key.
pub fn serial(record: &EventRecord) -> Option<&str> {
    key_text(record, "pk").and_then(|pk| pk.strip_prefix("REPORT#"))
}

/// Every log line of one stream record names it: its event id and, for a report, the serial.
pub fn record_span(record: &EventRecord) -> tracing::Span {
    tracing::info_span!("record", event_id = %record.event_id, serial = serial(record).unwrap_or_default())
}

/// An image of the item (`None` when the record carries none: a new item has no old image).
pub fn image<T: DeserializeOwned>(item: &serde_dynamo::Item) -> Result<Option<T>, String> {
    if item.is_empty() {
        return Ok(None);
    }
    serde_dynamo::from_item(item.clone())
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Handles each record of a batch in order; every record whose handling failed is reported as a
/// batch item failure, so that Lambda delivers it (and the records after it) again.
pub async fn each_record<'a, F, Fut, E>(event: &'a Event, mut handle: F) -> DynamoDbEventResponse
where
    F: FnMut(&'a EventRecord) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let mut response = DynamoDbEventResponse::default();
    for record in &event.records {
        let span = record_span(record);
        if let Err(error) = handle(record).instrument(span.clone()).await {
            span.in_scope(|| tracing::error!(%error, "stream record failed; it will be retried"));
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
        }
    }
    response
}
