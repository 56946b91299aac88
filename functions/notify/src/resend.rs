//! Messages no sender finished, and batches the stream gave up on. The housekeeping schedule
//! takes over messages whose sender died (lease expired) and reports how many are still unsent;
//! the operator's `scripts/resend-sms` also resends failed messages and replays the batches the
//! stream mapping's S3 on-failure destination kept. Claims make all of it safe to repeat: a
//! message already sent is never sent twice.

use crate::{Attempt, Message, Notifier};
use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use serde_json::Value;
use shared::adapters::StoreError;
use shared::adapters::dynamo::UnsentSms;
use shared::adapters::sms::SmsSender;
use shared::domain::report::phone::Phone;
use shared::telemetry::metrics;

/// A message is reported unsent (`SmsUnsent`) this long after its first attempt.
pub const UNSENT_AFTER_SECONDS: i64 = 15 * 60;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Messages sent now.
    pub sent: usize,
    /// Messages that failed again (still unsent).
    pub failed: usize,
    /// Messages sent meanwhile, or held by a live sender's lease (nothing done).
    pub skipped: usize,
}

fn message<S>(notifier: &Notifier<S>, unsent: UnsentSms) -> Message {
    let (kind, params) = notifier.texts.kind_of(&unsent.text, &unsent.serial);
    Message {
        kind,
        params,
        key: unsent.key,
        serial: unsent.serial,
        phone: Phone::new(unsent.phone),
        text: unsent.text,
    }
}

async fn send_all<S: SmsSender>(notifier: &Notifier<S>, unsent: Vec<UnsentSms>) -> Result<Summary, StoreError> {
    let mut summary = Summary::default();
    for one in unsent {
        match notifier.send_once(&message(notifier, one)).await? {
            Attempt::Sent => summary.sent += 1,
            Attempt::Failed(_) => summary.failed += 1,
            Attempt::Skipped | Attempt::InFlight | Attempt::Off => summary.skipped += 1,
        }
    }
    Ok(summary)
}

/// The operator's resend: every unsent message a sender may take (failed, or its sender's
/// lease expired), once each.
pub async fn resend_unsent<S: SmsSender>(notifier: &Notifier<S>, dry_run: bool) -> Result<Summary, StoreError> {
    let now = chrono::Utc::now().timestamp();
    let mut takeable = Vec::new();
    for unsent in notifier.records.unsent_sms(now + 1).await? {
        let phone = Phone::new(unsent.phone.clone());
        tracing::info!(serial = %unsent.serial, %phone, state = %unsent.state, since = unsent.unsent_since, error = %unsent.error, dry_run, "unsent SMS");
        if unsent.is_takeable(now, notifier.lease_seconds) {
            takeable.push(unsent);
        }
    }
    if dry_run {
        return Ok(Summary::default());
    }
    send_all(notifier, takeable).await
}

/// The schedule's part: messages whose sender died are sent (failed ones are left to the stream's
/// retries and the operator: a number that keeps failing must not be texted every quarter hour),
/// and the count of messages still unsent a quarter hour after their first attempt is reported.
pub async fn housekeeping<S: SmsSender>(notifier: &Notifier<S>) -> Result<Summary, StoreError> {
    let now = chrono::Utc::now().timestamp();
    let abandoned: Vec<UnsentSms> = notifier
        .records
        .unsent_sms(now + 1)
        .await?
        .into_iter()
        .filter(|u| u.state == "sending" && u.is_takeable(now, notifier.lease_seconds))
        .collect();
    let summary = send_all(notifier, abandoned).await?;
    // Read again: what was just sent has left the index.
    let late = notifier.records.unsent_sms(now - UNSENT_AFTER_SECONDS).await?.len();
    metrics::unsent(late as u64);
    tracing::info!(late, recovered = summary.sent, "SMS housekeeping");
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
