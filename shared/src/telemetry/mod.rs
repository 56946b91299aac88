//! Logging: JSON lines in Lambda (CloudWatch parses them), readable text elsewhere. Either way a
//! line logged while a request or a stream record is handled carries that span's fields
//! (`shared::http::span`, notify's record span).

pub mod metrics;

use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

/// `RUST_LOG` as levels per target (`info`, `warn,shared=debug`), else `info`. A `Targets`
/// filter rather than an `EnvFilter`: the latter's span and field directives bring a regex
/// engine into every function (docs/performance.md, "Cold starts"), and no function needs them.
pub fn filter_from_env() -> Targets {
    filter(std::env::var("RUST_LOG").ok().as_deref())
}

/// A `RUST_LOG` value as a filter; unset, empty or not understood: `info`.
pub fn filter(directives: Option<&str>) -> Targets {
    directives
        .filter(|d| !d.trim().is_empty())
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| Targets::new().with_default(LevelFilter::INFO))
}

/// Lambda's format: one JSON object a line, the current span's fields under `span`; no time
/// (Lambda adds its own timestamps and request ids).
pub fn json_subscriber<W>(filter: Targets, writer: W) -> impl tracing::Subscriber + Send + Sync
where
    W: for<'w> MakeWriter<'w> + Send + Sync + 'static,
{
    tracing_subscriber::registry().with(filter).with(
        tracing_subscriber::fmt::layer()
            .with_target(false)
            .json()
            .without_time()
            .with_current_span(true)
            .with_span_list(false)
            .with_writer(writer),
    )
}

/// Installs the global subscriber once; `RUST_LOG` overrides the `info` default.
pub fn init() {
    let filter = filter_from_env();
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
            tracing_subscriber::registry()
                .with(filter)
                .with(tracing_subscriber::fmt::layer().with_target(false))
                .try_init(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tracing::Level;

    #[test]
    fn rust_log_sets_levels_per_target_and_falls_back_to_info() {
        let warn = filter(Some("warn"));
        assert!(warn.would_enable("submit", &Level::WARN));
        assert!(!warn.would_enable("submit", &Level::INFO));
        let mixed = filter(Some("warn,shared=debug"));
        assert!(mixed.would_enable("shared::adapters", &Level::DEBUG));
        assert!(!mixed.would_enable("aws_smithy_runtime", &Level::INFO));
        for unset in [None, Some(""), Some("[span{x=1}]=debug")] {
            let info = filter(unset);
            assert!(info.would_enable("submit", &Level::INFO), "{unset:?}");
            assert!(!info.would_enable("submit", &Level::DEBUG), "{unset:?}");
        }
    }
}
