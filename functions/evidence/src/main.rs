//! Lambda entry point of `evidence`: the table's stream, filtered to new reports and claimed
//! uploads by the event source mapping (infra/template.yaml).

use aws_lambda_events::event::dynamodb::Event;
use evidence::Worker;
use lambda_runtime::{LambdaEvent, service_fn};
use shared::adapters::dynamo::{DynamoClient, Records};
use shared::adapters::s3::EvidenceStore;
use shared::app::Settings;
use std::sync::OnceLock;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let settings = Settings::from_env()?;
    let sdk = shared::adapters::sdk::load_in_lambda();
    // Alive until the sandbox ends: a static, not a leak.
    static WORKER: OnceLock<Worker> = OnceLock::new();
    let worker: &'static Worker = WORKER.get_or_init(|| Worker {
        records: Records::new(DynamoClient::new(&sdk), settings.table.clone()),
        store: EvidenceStore::new(settings.s3_config(&sdk), settings.bucket.clone(), None),
    });
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Event>| async move {
        // Boxed: the SDK calls nest deep enough to overflow the compiler's layout query.
        Ok::<_, lambda_runtime::Error>(Box::pin(worker.handle(event.payload)).await)
    }))
    .await
}
