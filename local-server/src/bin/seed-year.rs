//! `seed-year [N] [CONCURRENCY]`: writes a province's year of demo reports (default 20,000, 8 at a
//! time) into the local table; see `local_server::year`. Same environment as `suishoupai-local`;
//! run it through `scripts/seed-year` or `SEED=year scripts/local`.

use aws_sdk_dynamodb::types::{StreamSpecification, StreamViewType};
use local_server::setup::{BoxError, connect};
use local_server::year::seed_year;
use shared::domain::time::now_cst;
use std::time::Instant;

async fn set_stream(client: &aws_sdk_dynamodb::Client, table: &str, enabled: bool) -> Result<(), BoxError> {
    let current = client.describe_table().table_name(table).send().await?;
    let on = current
        .table()
        .and_then(|t| t.stream_specification())
        .is_some_and(|s| s.stream_enabled());
    if on == enabled {
        return Ok(());
    }
    let mut spec = StreamSpecification::builder().stream_enabled(enabled);
    if enabled {
        spec = spec.stream_view_type(StreamViewType::NewAndOldImages);
    }
    client
        .update_table()
        .table_name(table)
        .stream_specification(spec.build()?)
        .send()
        .await?;
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    shared::telemetry::init();
    let mut args = std::env::args().skip(1);
    let reports: usize = args.next().map_or(Ok(20_000), |n| n.parse())?;
    let concurrency: usize = args.next().map_or(Ok(8), |n| n.parse())?;
    let local = connect().await?;
    let started = Instant::now();
    // DynamoDB Local's writes slow down as its stream records pile up (docs/performance.md), and a
    // seeded year sends no SMS: the stream is paused while the year is written.
    let (client, table) = (local.app.records.client(), local.app.records.table());
    set_stream(client, table, false).await?;
    // Ctrl-C stops the seeding but still turns the stream back on.
    let summary = tokio::select! {
        summary = seed_year(local.app, reports, concurrency, now_cst()) => Some(summary),
        _ = tokio::signal::ctrl_c() => None,
    };
    set_stream(client, table, true).await?;
    let Some(summary) = summary else {
        eprintln!("interrupted; the table's stream is on again");
        // Not a finished year: scripts/local must not mark the store as seeded.
        std::process::exit(130);
    };
    let summary = summary?;
    println!(
        "{} reports in {:.0} s: {} 待受理, {} 处理中, {} 已回复 ({} published, {} rated), {} handed on",
        summary.written,
        started.elapsed().as_secs_f64(),
        summary.pending,
        summary.processing,
        summary.replied,
        summary.published,
        summary.rated,
        summary.transferred
    );
    Ok(())
}
