//! The local stand-in for Lambda's stream event source mappings: reads the table's stream from
//! the local AWS, hands each batch to a consumer (`notify`, `evidence`) as a DynamoDB stream
//! event, and on reported failures reads again from the first failed record, as Lambda does.
//! Each consumer has a feeder of its own, as each mapping keeps its own position. The
//! template's filters are not applied: both consumers ignore what is not theirs.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use aws_sdk_dynamodbstreams::Client as StreamsClient;
use aws_sdk_dynamodbstreams::types::{AttributeValue, Record, ShardIteratorType};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use notify::Notifier;
use serde_json::{Map, Value, json};
use shared::adapters::sms::SmsSender;
use std::collections::HashMap;
use std::time::Duration;

fn attribute(value: &AttributeValue) -> Value {
    match value {
        AttributeValue::S(s) => json!({ "S": s }),
        AttributeValue::N(n) => json!({ "N": n }),
        AttributeValue::Bool(b) => json!({ "BOOL": b }),
        AttributeValue::Null(_) => json!({ "NULL": true }),
        AttributeValue::B(b) => json!({ "B": STANDARD.encode(b.as_ref()) }),
        AttributeValue::Ss(v) => json!({ "SS": v }),
        AttributeValue::Ns(v) => json!({ "NS": v }),
        AttributeValue::Bs(v) => json!({ "BS": v.iter().map(|b| STANDARD.encode(b.as_ref())).collect::<Vec<_>>() }),
        AttributeValue::L(items) => json!({ "L": items.iter().map(attribute).collect::<Vec<_>>() }),
        AttributeValue::M(map) => json!({ "M": image(map) }),
        _ => Value::Null,
    }
}

fn image(map: &HashMap<String, AttributeValue>) -> Value {
    Value::Object(
        map.iter()
            .map(|(k, v)| (k.clone(), attribute(v)))
            .collect::<Map<_, _>>(),
    )
}

/// One stream record as Lambda's DynamoDB event would carry it.
pub fn lambda_record(record: &Record, stream_arn: &str) -> Value {
    let change = record.dynamodb.as_ref();
    let empty = HashMap::new();
    json!({
        "eventID": record.event_id.clone().unwrap_or_default(),
        "eventName": record.event_name.as_ref().map(|e| e.as_str().to_owned()).unwrap_or_default(),
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": record.aws_region.clone().unwrap_or_default(),
        "eventSourceARN": stream_arn,
        "dynamodb": {
            "ApproximateCreationDateTime": change.and_then(|c| c.approximate_creation_date_time).map(|t| t.secs()).unwrap_or(0),
            "Keys": image(change.and_then(|c| c.keys.as_ref()).unwrap_or(&empty)),
            "NewImage": image(change.and_then(|c| c.new_image.as_ref()).unwrap_or(&empty)),
            "OldImage": image(change.and_then(|c| c.old_image.as_ref()).unwrap_or(&empty)),
            "SequenceNumber": change.and_then(|c| c.sequence_number.clone()).unwrap_or_default(),
            "SizeBytes": change.and_then(|c| c.size_bytes).unwrap_or(0),
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
    })
}

/// Where a shard is read from next.
#[derive(Debug, Clone)]
enum Position {
    Start,
    After(String),
    At(String),
}

/// A function the stream feeds.
pub trait Consumer: Sync {
    fn consume(&self, event: Event) -> impl Future<Output = DynamoDbEventResponse> + Send;
}

impl<S: SmsSender + Sync> Consumer for Notifier<S> {
    fn consume(&self, event: Event) -> impl Future<Output = DynamoDbEventResponse> + Send {
        self.handle(event)
    }
}

impl Consumer for evidence::Worker {
    fn consume(&self, event: Event) -> impl Future<Output = DynamoDbEventResponse> + Send {
        self.handle(event)
    }
}

/// Reads a table's stream and feeds one consumer.
pub struct StreamFeeder {
    streams: StreamsClient,
    table: String,
    positions: HashMap<String, Position>,
}

impl StreamFeeder {
    pub fn new(streams: StreamsClient, table: &str) -> StreamFeeder {
        StreamFeeder {
            streams,
            table: table.to_owned(),
            positions: HashMap::new(),
        }
    }

    /// The table's newest stream (a stream turned off and on again is a new one, as
    /// `scripts/seed-year` does). Not DescribeTable's `LatestStreamArn`: DynamoDB Local sizes
    /// every index for DescribeTable, seconds of CPU on a seeded year, twice a second.
    async fn latest_stream(&self) -> Result<Option<String>, String> {
        let listed = self
            .streams
            .list_streams()
            .table_name(&self.table)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        Ok(listed
            .streams
            .unwrap_or_default()
            .into_iter()
            .filter_map(|s| Some((s.stream_label?, s.stream_arn?)))
            .max()
            .map(|(_, arn)| arn))
    }

    /// The records not yet delivered, as one stream event per shard, with the stream's ARN.
    pub async fn pending(&mut self) -> Result<Vec<(String, Event)>, String> {
        let Some(arn) = self.latest_stream().await? else {
            return Ok(vec![]);
        };
        let stream = self
            .streams
            .describe_stream()
            .stream_arn(&arn)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let shards = stream.stream_description.and_then(|d| d.shards).unwrap_or_default();
        let mut batches = Vec::new();
        for shard in shards {
            let Some(shard_id) = shard.shard_id else { continue };
            let position = self.positions.get(&shard_id).cloned().unwrap_or(Position::Start);
            let mut request = self.streams.get_shard_iterator().stream_arn(&arn).shard_id(&shard_id);
            request = match &position {
                Position::Start => request.shard_iterator_type(ShardIteratorType::TrimHorizon),
                Position::After(seq) => request
                    .shard_iterator_type(ShardIteratorType::AfterSequenceNumber)
                    .sequence_number(seq),
                Position::At(seq) => request
                    .shard_iterator_type(ShardIteratorType::AtSequenceNumber)
                    .sequence_number(seq),
            };
            let iterator = request.send().await.map_err(|e| e.to_string())?.shard_iterator;
            let Some(iterator) = iterator else { continue };
            let records = self
                .streams
                .get_records()
                .shard_iterator(iterator)
                .send()
                .await
                .map_err(|e| e.to_string())?
                .records
                .unwrap_or_default();
            if records.is_empty() {
                continue;
            }
            let event: Value = json!({ "Records": records.iter().map(|r| lambda_record(r, &arn)).collect::<Vec<_>>() });
            let event: Event = serde_json::from_value(event).map_err(|e| e.to_string())?;
            batches.push((shard_id, event));
        }
        Ok(batches)
    }

    /// Delivers everything pending once; returns how many records were handed over.
    pub async fn deliver<C: Consumer>(&mut self, consumer: &C) -> Result<usize, String> {
        let mut delivered = 0;
        for (shard, event) in self.pending().await? {
            let last = event.records.last().and_then(|r| r.change.sequence_number.clone());
            delivered += event.records.len();
            let answer = consumer.consume(event).await;
            let retry_from = answer
                .batch_item_failures
                .iter()
                .filter_map(|f| f.item_identifier.clone())
                .min();
            let next = match (retry_from, last) {
                (Some(seq), _) => Position::At(seq),
                (None, Some(seq)) => Position::After(seq),
                (None, None) => continue,
            };
            self.positions.insert(shard, next);
        }
        Ok(delivered)
    }

    /// Feeds the consumer for as long as the server runs.
    pub async fn run<C: Consumer>(mut self, consumer: &C) {
        loop {
            if let Err(error) = self.deliver(consumer).await {
                tracing::warn!(%error, "stream poll failed");
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}
