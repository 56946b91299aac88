//! `suishoupai-local`: the whole API on 127.0.0.1, over a local AWS. Run it with `scripts/local`.
//!
//! Environment: `AWS_ENDPOINT_URL` (moto, required), `PORT` (3000), `TABLE_NAME`
//! (suishoupai-local), `BUCKET_NAME` (suishoupai-evidence-local), `TEMPLATE` (infra/template.yaml),
//! `SEED` (true), `DEV_TOKEN_SECRET` (random per start).

use local_server::gateway::Local;
use local_server::{aws, provision, seed, tokens};
use shared::app::{App, Settings};
use std::time::Duration;

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
    let settings = Settings {
        table: var("TABLE_NAME", "suishoupai-local"),
        bucket: var("BUCKET_NAME", "suishoupai-evidence-local"),
        s3_path_style: true,
        reports_per_day: var("REPORTS_PER_DAY", "20").parse()?,
        upload_url_ttl: Duration::from_secs(900),
        evidence_url_ttl: Duration::from_secs(300),
    };
    let sdk = aws::sdk_config(&endpoint).await;
    let app: &'static App = Box::leak(Box::new(App::new(&sdk, settings)));

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

    let secret = std::env::var("DEV_TOKEN_SECRET").unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    let local = Local {
        app,
        issuer: tokens::Issuer::new(secret.as_bytes()),
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
