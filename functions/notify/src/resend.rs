//! The operator's second chance (`scripts/resend-sms`): every SMS whose last attempt failed is
//! sent once more, and every stream batch that exhausted its retries (kept whole by the stream
//! mapping's S3 on-failure destination) is replayed through `notify`. Claims make both safe to
//! run again: a message already sent is never sent twice.

use crate::{Attempt, Message, Notifier};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use serde_json::Value;
use shared::adapters::StoreError;
use shared::adapters::sns::SmsSender;
use shared::domain::phone::Phone;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Messages sent now.
    pub sent: usize,
    /// Messages that failed again (still in `failed_sms`).
    pub failed: usize,
    /// Messages someone else sent or is sending (nothing done).
    pub skipped: usize,
}

/// Sends each failed message once more.
pub async fn resend_failed<S: SmsSender>(notifier: &Notifier<S>, dry_run: bool) -> Result<Summary, StoreError> {
    let mut summary = Summary::default();
    for failed in notifier.records.failed_sms().await? {
        let message = Message {
            key: failed.key,
            serial: failed.serial,
            phone: Phone::new(failed.phone),
            text: failed.text,
        };
        tracing::info!(serial = %message.serial, phone = %message.phone, failed_at = failed.failed_at, error = %failed.error, dry_run, "failed SMS");
        if dry_run {
            continue;
        }
        match notifier.send_once(&message).await? {
            Attempt::Sent => summary.sent += 1,
            Attempt::Skipped => summary.skipped += 1,
            Attempt::Failed(_) => summary.failed += 1,
        }
    }
    Ok(summary)
}

/// The stream records an on-failure destination object holds, wherever its envelope puts them:
/// in a `Records` array at any depth, or inside a string field that holds JSON (a payload).
pub fn stream_records(document: &Value) -> Vec<EventRecord> {
    let mut out = Vec::new();
    collect(document, &mut out);
    out
}

fn collect(value: &Value, out: &mut Vec<EventRecord>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(records)) = map.get("Records") {
                let parsed: Vec<EventRecord> = records
                    .iter()
                    .filter_map(|r| serde_json::from_value(r.clone()).ok())
                    .collect();
                if !parsed.is_empty() {
                    out.extend(parsed);
                    return;
                }
            }
            map.values().for_each(|v| collect(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, out)),
        Value::String(text) if text.trim_start().starts_with('{') => {
            if let Ok(inner) = serde_json::from_str::<Value>(text) {
                collect(&inner, out);
            }
        }
        _ => {}
    }
}

/// What a replay of the kept batches did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Replayed {
    pub replayed: usize,
    /// Objects still failing, or holding no stream records (only a position): left in place.
    pub kept: usize,
}

/// Replays every batch the on-failure destination kept in `bucket`; a batch that goes through
/// is deleted (it holds reporters' phones; the SMS records are the audit trail).
pub async fn replay_kept<S: SmsSender>(
    notifier: &Notifier<S>,
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    dry_run: bool,
) -> Result<Replayed, StoreError> {
    let mut done = Replayed::default();
    let mut pages = s3.list_objects_v2().bucket(bucket).into_paginator().send();
    while let Some(page) = pages.next().await {
        for object in page.map_err(|e| StoreError::call("s3", "list_objects", e))?.contents() {
            let Some(key) = object.key() else {
                continue;
            };
            let body = s3
                .get_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| StoreError::call("s3", "get_object", e))?
                .body
                .collect()
                .await
                .map_err(|e| StoreError::request("s3", "get_object", e))?
                .into_bytes();
            let records = serde_json::from_slice(&body)
                .map(|document| stream_records(&document))
                .unwrap_or_default();
            tracing::info!(key, records = records.len(), dry_run, "kept stream batch");
            if dry_run {
                continue;
            }
            if records.is_empty() || !replay(notifier, records).await {
                done.kept += 1;
                continue;
            }
            s3.delete_object()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .map_err(|e| StoreError::call("s3", "delete_object", e))?;
            done.replayed += 1;
        }
    }
    Ok(done)
}

/// Replays a kept batch; true when every record went through.
pub async fn replay<S: SmsSender>(notifier: &Notifier<S>, records: Vec<EventRecord>) -> bool {
    let mut event = Event::default();
    event.records = records;
    notifier.handle(event).await.batch_item_failures.is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn record(id: &str) -> Value {
        json!({
            "eventID": id,
            "eventName": "MODIFY",
            "eventSource": "aws:dynamodb",
            "awsRegion": "cn-north-1",
            "dynamodb": {"Keys": {"pk": {"S": "REPORT#1"}, "sk": {"S": "REPORT"}}, "SequenceNumber": "1", "SizeBytes": 1, "StreamViewType": "NEW_AND_OLD_IMAGES"}
        })
    }

    #[test]
    fn records_are_found_in_the_envelope_or_in_a_json_payload() {
        let plain = json!({"requestContext": {}, "payload": {"Records": [record("a"), record("b")]}});
        let ids = |v: &Value| stream_records(v).into_iter().map(|r| r.event_id).collect::<Vec<_>>();
        assert_eq!(ids(&plain), ["a", "b"]);
        let encoded =
            json!({"DDBStreamBatchInfo": {"batchSize": 1}, "payload": json!({"Records": [record("c")]}).to_string()});
        assert_eq!(ids(&encoded), ["c"]);
        let position_only = json!({"DDBStreamBatchInfo": {"shardId": "s", "startSequenceNumber": "1"}});
        assert!(ids(&position_only).is_empty());
    }
}
