//! `import-institutions FILE`: imports a province's institution registry from a CSV as Excel or
//! WPS saves it (UTF-8 or GBK; columns in docs/data-model.md), checked against the deployment's
//! regions. Any bad row: every error is listed by line and column and nothing is written. Else
//! only new and changed institutions are written, and the counts say so. Same environment as the
//! `staff-action` function (`TABLE_NAME`, `BUCKET_NAME`, the region files), AWS credentials from
//! the usual chain.

use shared::adapters::dynamo::{DynamoClient, Records};
use shared::app::Settings;
use shared::domain::registry::import::{decode, parse_csv};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let path = std::env::args().nth(1).ok_or("usage: import-institutions FILE")?;
    let text = decode(&std::fs::read(&path).map_err(|e| format!("{path}: {e}"))?);
    let settings = Settings::from_env()?;
    let sdk = shared::adapters::sdk::load().await;
    let directory = settings.load_province(&sdk).await?;
    let institutions = match parse_csv(&text, &directory.regions) {
        Ok(institutions) => institutions,
        Err(errors) => {
            for error in &errors {
                eprintln!("第{}行 {}: {}", error.line, error.column, error.message);
            }
            return Err(format!("{path}: {} errors, nothing imported", errors.len()).into());
        }
    };
    let records = Records::new(DynamoClient::new(&sdk), settings.table.clone());
    let started = std::time::Instant::now();
    let count = records.save_institutions(&institutions).await?;
    println!(
        "{path}: {} institutions: {} added, {} updated, {} unchanged ({:.1} s)",
        institutions.len(),
        count.added,
        count.updated,
        count.unchanged,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
