//! Lambda entry point of `notify`: the table's stream, batch by batch.

use lambda_runtime::{LambdaEvent, service_fn};
use notify::Notifier;
use shared::adapters::dynamo::{DynamoClient, Records};
use shared::adapters::sns::Sns;
use shared::app::Settings;
use std::sync::OnceLock;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    shared::telemetry::init();
    let settings = Settings::from_env()?;
    let sdk = aws_config::load_from_env().await;
    let directory = settings.directory(&sdk).await?;
    // Alive until the sandbox ends: a static, not a leak.
    static NOTIFIER: OnceLock<Notifier<Sns>> = OnceLock::new();
    let notifier: &'static Notifier<Sns> = NOTIFIER.get_or_init(|| Notifier {
        records: Records::new(DynamoClient::new(&sdk), settings.table.clone()),
        directory,
        to_agency: settings.sms_to_agency.clone(),
        to_reporter: settings.sms_to_reporter.clone(),
        sender: Sns::new(aws_sdk_sns::Client::new(&sdk)),
    });
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<aws_lambda_events::event::dynamodb::Event>| async move {
            Ok::<_, lambda_runtime::Error>(notifier.handle(event.payload).await)
        },
    ))
    .await
}
