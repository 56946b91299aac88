//! `notify`: SMS on the table's stream (new report → agency, reply → reporter).
//! Built with the staff issue; until then it acknowledges every batch without sending.

use aws_lambda_events::event::dynamodb::Event;
use aws_lambda_events::event::streams::DynamoDbEventResponse;

/// Reports no failures: nothing is sent yet, so nothing can fail.
pub async fn handle(event: Event) -> DynamoDbEventResponse {
    tracing::info!(
        records = event.records.len(),
        "stream batch received; SMS arrive with the staff issue"
    );
    DynamoDbEventResponse::default()
}
