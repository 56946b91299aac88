//! Lambda entry point of `notify`: the table's stream batch by batch, and the housekeeping schedule.

use lambda_runtime::{LambdaEvent, service_fn};
use notify::provider::Provider;
use notify::{Invocation, Notifier};
use shared::adapters::dynamo::{DynamoClient, Records};
use shared::app::Settings;
use shared::telemetry::metrics;
use std::sync::OnceLock;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    metrics::install()?;
    let settings = Settings::from_env()?;
    let sdk = shared::adapters::sdk::load_in_lambda();
    let directory = settings.load_province(&sdk).await?;
    let sender = notify::provider::from_env(&sdk).await?;
    // Alive until the sandbox ends: a static, not a leak.
    static NOTIFIER: OnceLock<Notifier<Provider>> = OnceLock::new();
    let notifier: &'static Notifier<Provider> = NOTIFIER.get_or_init(|| {
        let records = Records::new(DynamoClient::new(&sdk), settings.table.clone());
        Notifier::new(records, directory, &settings, sender)
    });
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Invocation>| async move {
        let answer = notifier.invoke(event.payload).await;
        metrics::flush();
        Ok::<_, lambda_runtime::Error>(answer?)
    }))
    .await
}
