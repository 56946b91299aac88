//! `scripts/resend-sms`: sends every unsent SMS (failed, or abandoned by its sender) once more, then replays the stream batches the
//! on-failure destination kept (`FAILED_BATCHES_BUCKET`), deleting each one replayed. `--dry-run` lists without sending. Same environment as the `notify` function.

use notify::Notifier;
use notify::resend::{replay_kept, resend_unsent};
use shared::adapters::dynamo::{DynamoClient, Records};
use shared::app::Settings;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let dry_run = std::env::args().any(|a| a == "--dry-run");
    let settings = Settings::from_env()?;
    let sdk = shared::adapters::sdk::load().await;
    let directory = settings.load_province(&sdk).await?;
    let records = Records::new(DynamoClient::new(&sdk), settings.table.clone());
    let notifier = Notifier::new(records, directory, &settings, notify::provider::from_env(&sdk).await?);

    let summary = resend_unsent(&notifier, dry_run).await?;
    println!(
        "unsent SMS: {} sent, {} failed again, {} sent meanwhile or in flight",
        summary.sent, summary.failed, summary.skipped
    );

    let Ok(bucket) = std::env::var("FAILED_BATCHES_BUCKET") else {
        println!("FAILED_BATCHES_BUCKET not set: no kept stream batches replayed");
        return Ok(());
    };
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk)
            .force_path_style(settings.s3_path_style)
            .build(),
    );
    let done = replay_kept(&notifier, &s3, &bucket, dry_run).await?;
    println!(
        "kept stream batches: {} replayed, {} still failing or holding no records",
        done.replayed, done.kept
    );
    if summary.failed > 0 || done.kept > 0 {
        std::process::exit(1);
    }
    Ok(())
}
