//! Logging: JSON lines in Lambda (CloudWatch parses them), readable text elsewhere. Either way a
//! line logged while a request or a stream record is handled carries that span's fields
//! (`shared::http::span`, notify's record span).

pub mod metrics;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

/// Lambda's format: one JSON object a line, the current span's fields under `span`; no time
/// (Lambda adds its own timestamps and request ids).
pub fn json_subscriber<W>(filter: EnvFilter, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .json()
        .without_time()
        .with_current_span(true)
        .with_span_list(false)
        .with_writer(writer)
        .finish()
}

/// Installs the global subscriber once; `RUST_LOG` overrides the `info` default.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // A second init (tests, the local server) keeps the first subscriber.
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_some() {
        drop(tracing::subscriber::set_global_default(json_subscriber(
            filter,
            std::io::stdout,
        )));
        // A panic is logged once, as a JSON line within its request's span, not as plain text.
        std::panic::set_hook(Box::new(|info| tracing::error!(panic = %info, "panicked")));
    } else {
        drop(
            tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_target(false)
                .try_init(),
        );
    }
}
