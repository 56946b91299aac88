//! `suishoupai-local`: the whole platform on 127.0.0.1, over a local AWS. Run it with `scripts/local`.
//!
//! Environment: `AWS_ENDPOINT_URL` (moto, required), `PORT` (3000), `TABLE_NAME`
//! (suishoupai-local), `BUCKET_NAME` (suishoupai-evidence-local), `TEMPLATE` (infra/template.yaml),
//! `AGENCIES_FILE` (local-server/data/demo-agencies.csv: demo duty phones), `SEED` (true),
//! `DEV_TOKEN_SECRET` (random per start), `REPORTS_PER_DAY` (20), `ADMIN_SITE` (web/admin/dist,
//! served at /admin/ when built), `CITIZEN_SITE` (web/citizen/dist, served at /h5/ when built).

use local_server::gateway::{Local, Site};
use local_server::stream::StreamFeeder;
use local_server::{aws, provision, seed, tokens};
use notify::Notifier;
use shared::adapters::sns::Sns;
use shared::app::{App, Settings};

fn var(name: &str, default: &str) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| default.to_owned())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    shared::telemetry::init();
    let endpoint = std::env::var("AWS_ENDPOINT_URL")
        .map_err(|_| "AWS_ENDPOINT_URL must point at moto (scripts/local starts it)")?;
    let port: u16 = var("PORT", "3000").parse()?;
    let mut settings = Settings::local(
        &var("TABLE_NAME", "suishoupai-local"),
        &var("BUCKET_NAME", "suishoupai-evidence-local"),
    );
    settings.reports_per_day = var("REPORTS_PER_DAY", "20").parse()?;
    settings.agencies_file = Some(var("AGENCIES_FILE", "local-server/data/demo-agencies.csv"));
    let sdk = aws::sdk_config(&endpoint).await;
    let directory = settings.directory(&sdk).await?;
    let app: &'static App = Box::leak(Box::new(App::new(&sdk, settings, directory)));

    let template = std::fs::read_to_string(var("TEMPLATE", "infra/template.yaml"))?;
    provision::create_table(
        app.records.client(),
        app.records.table(),
        &provision::table_definition(&template)?,
    )
    .await?;
    provision::create_bucket(app.evidence.client(), app.evidence.bucket(), aws::LOCAL_REGION).await?;
    if var("SEED", "true") == "true" {
        let written = seed::seed(app).await?;
        tracing::info!(written, "demo reports seeded");
    }

    // Lambda's stream event source mapping, locally: the table's stream feeds `notify`.
    let notifier: &'static Notifier<Sns> = Box::leak(Box::new(Notifier {
        records: app.records.clone(),
        directory: app.directory,
        to_agency: app.settings.sms_to_agency.clone(),
        to_reporter: app.settings.sms_to_reporter.clone(),
        sender: Sns::new(aws_sdk_sns::Client::new(&sdk)),
    }));
    let feeder = StreamFeeder::new(
        aws_sdk_dynamodbstreams::Client::new(&sdk),
        app.records.client().clone(),
        app.records.table(),
    );
    tokio::spawn(feeder.run(notifier));

    let secret = std::env::var("DEV_TOKEN_SECRET").unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    let local = Local {
        app,
        issuer: tokens::Issuer::new(secret.as_bytes()),
        aws_endpoint: endpoint.clone(),
        sites: [
            ("admin", var("ADMIN_SITE", "web/admin/dist")),
            ("h5", var("CITIZEN_SITE", "web/citizen/dist")),
        ]
        .into_iter()
        .map(|(name, dir)| Site { name, dir: dir.into() })
        .filter(|site| site.dir.is_dir())
        .collect(),
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    tracing::info!(%endpoint, "suishoupai local API on http://127.0.0.1:{port}");
    axum::serve(listener, local_server::router(local))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
