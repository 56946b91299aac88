//! Start-up shared by the local server and the year seeder: settings and clients from the
//! environment (see `main.rs`), and the table and bucket provisioned from the SAM template.

use crate::{aws, provision};
use aws_config::SdkConfig;
use shared::app::{App, Settings};

pub type BoxError = Box<dyn std::error::Error>;

/// An environment variable, or `default` when it is unset or empty.
pub fn var(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// The app over the local AWS, with the configurations its clients came from.
pub struct LocalAws {
    pub app: &'static App,
    /// moto's S3 and SNS.
    pub sdk: SdkConfig,
    /// DynamoDB Local's table and stream.
    pub table_sdk: SdkConfig,
    pub endpoint: String,
    /// The SAM template the table (and the admin site's headers) come from.
    pub template: String,
}

pub async fn connect() -> Result<LocalAws, BoxError> {
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .map_err(|_| "AWS_ENDPOINT_URL must point at moto (scripts/local starts it)")?;
    // PROVINCE=changzhou serves provinces/changzhou/ (PROVINCE_DIR names any folder), in a table
    // of its own; Hubei, compiled in, with demo duty phones, otherwise.
    let province = std::env::var("PROVINCE").ok().filter(|p| !p.is_empty() && p != "hubei");
    let province_dir = std::env::var("PROVINCE_DIR")
        .ok()
        .filter(|d| !d.is_empty())
        .or_else(|| province.as_ref().map(|p| format!("provinces/{p}")));
    let table = match &province {
        Some(name) => var("TABLE_NAME", &format!("suishoupai-local-{name}")),
        None => var("TABLE_NAME", "suishoupai-local"),
    };
    let mut settings = Settings::local(&table, &var("BUCKET_NAME", "suishoupai-evidence-local"));
    settings.reports_per_day = var("REPORTS_PER_DAY", "20").parse()?;
    settings.export_rows = shared::app::export_rows(var("EXPORT_ROWS", "5000").parse()?)?;
    settings.agencies_file = match &province_dir {
        Some(_) => std::env::var("AGENCIES_FILE").ok().filter(|f| !f.is_empty()),
        None => Some(var("AGENCIES_FILE", "local-server/data/demo-agencies.csv")),
    };
    settings.province_dir = province_dir;
    let sdk = aws::sdk_config(&endpoint).await;
    let table_sdk = aws::sdk_config(&var("AWS_ENDPOINT_URL_DYNAMODB", &endpoint)).await;
    let directory = settings.load_province(&sdk).await?;
    settings.signing_key = Some(provision::create_signing_key(&sdk).await?);
    let app: &'static App = Box::leak(Box::new(aws::app(&sdk, &table_sdk, settings, directory)));
    let template = std::fs::read_to_string(var("TEMPLATE", "infra/template.yaml"))?;
    provision::create_table(
        app.records.client(),
        app.records.table(),
        &provision::table_definition(&template)?,
    )
    .await?;
    crate::demo_staff::seed_roster(&app.records, app.directory).await?;
    provision::create_bucket(app.evidence.client(), app.evidence.bucket(), aws::LOCAL_REGION).await?;
    Ok(LocalAws {
        app,
        sdk,
        table_sdk,
        endpoint,
        template,
    })
}
