//! `suishoupai-local`: the whole platform on 127.0.0.1, over a local AWS. Run it with `scripts/local`.
//!
//! Environment: `AWS_ENDPOINT_URL` (moto, required), `AWS_ENDPOINT_URL_DYNAMODB` (DynamoDB Local;
//! default the same as `AWS_ENDPOINT_URL`), `PORT` (3000), `TABLE_NAME`
//! (suishoupai-local), `BUCKET_NAME` (suishoupai-evidence-local), `TEMPLATE` (infra/template.yaml),
//! `PROVINCE` (a folder of provinces/, e.g. changzhou; or `PROVINCE_DIR`, any folder; default
//! Hubei, compiled in), `AGENCIES_FILE` (Hubei: local-server/data/demo-agencies.csv, demo duty
//! phones), `SEED` (true),
//! `DEV_TOKEN_SECRET` (random per start), `REPORTS_PER_DAY` (20), `EXPORT_ROWS` (5000), `ADMIN_SITE` (web/admin/dist,
//! served at /admin/ when built), `CITIZEN_SITE` (web/citizen/dist, served at /h5/ when built),
//! `SMS_PROVIDER` and `TENCENT_SMS_*` as in notify (scripts/local runs the Tencent stand-in),
//! `EVIDENCE_WORKER` (true: the evidence function's previews and upload deletions run here too).

use http::HeaderValue;
use local_server::gateway::{Local, Site};
use local_server::setup::{BoxError, connect, var};
use local_server::stream::StreamFeeder;
use local_server::{seed, site, tokens};
use notify::Notifier;
use notify::provider::Provider;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let port: u16 = var("PORT", "3000").parse()?;
    let local = connect().await?;
    let (app, sdk, endpoint) = (local.app, &local.sdk, &local.endpoint);
    if var("SEED", "true") == "true" {
        let written = seed::seed(app).await?;
        tracing::info!(written, "demo reports seeded");
    }

    // Lambda's stream event source mappings, locally: the table's stream feeds `notify`.
    // SMS_PROVIDER as in Lambda: SNS (moto) by default; `tencent` with scripts/local's stand-in.
    let notifier: &'static Notifier<Provider> = Box::leak(Box::new(
        Notifier::new(
            app.records.clone(),
            app.directory,
            &app.settings,
            notify::provider::from_env(sdk).await?,
        )
        .with_holidays(app.holidays.clone()),
    ));
    let feeder = || {
        StreamFeeder::new(
            aws_sdk_dynamodbstreams::Client::new(&local.table_sdk),
            app.records.table(),
        )
    };
    tokio::spawn(feeder().run(notifier));
    // And the template's quarter-hourly housekeeping schedule (HOUSEKEEPING_SECONDS to hurry it).
    let every = std::time::Duration::from_secs(var("HOUSEKEEPING_SECONDS", "900").parse()?);
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        loop {
            ticks.tick().await;
            let task = notify::Invocation::Task {
                task: notify::Task::Housekeeping,
            };
            if let Err(error) = notifier.invoke(task).await {
                tracing::warn!(%error, "housekeeping failed; the next run tries again");
            }
        }
    });
    // And `evidence`: previews of new reports' photos, claimed uploads deleted. scripts/bench
    // turns it off: in Lambda it runs beside submit, not on submit's two cores.
    if var("EVIDENCE_WORKER", "true") == "true" {
        let worker: &'static evidence::Worker = Box::leak(Box::new(evidence::Worker {
            records: app.records.clone(),
            store: app.evidence.clone(),
        }));
        tokio::spawn(feeder().run(worker));
    }

    let secret = std::env::var("DEV_TOKEN_SECRET").unwrap_or_else(|_| uuid::Uuid::new_v4().to_string());
    // The admin site under the policy CloudFront sends with it (the H5 is hosted by the province).
    let admin_policy = HeaderValue::from_str(&site::admin_policy(&local.template, endpoint)?)?;
    let local = Local {
        app,
        issuer: tokens::Issuer::new(secret.as_bytes()),
        sms_endpoint: match var("SMS_PROVIDER", "sns").as_str() {
            "tencent" => var("TENCENT_SMS_ENDPOINT", "http://127.0.0.1:5125"),
            _ => endpoint.clone(),
        },
        sites: [
            ("admin", var("ADMIN_SITE", "web/admin/dist"), Some(admin_policy)),
            ("h5", var("CITIZEN_SITE", "web/citizen/dist"), None),
        ]
        .into_iter()
        .map(|(name, dir, policy)| Site {
            name,
            dir: dir.into(),
            policy,
        })
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
