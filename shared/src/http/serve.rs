//! The Lambda entry point every HTTP function shares: build the app once, then answer requests.

use crate::app::App;
use crate::telemetry;
use lambda_http::{Body, Request, Response, service_fn};
use std::convert::Infallible;
use std::future::Future;
use std::sync::OnceLock;

/// Runs `handler` in the Lambda runtime with clients built once at cold start.
pub async fn serve<F, Fut>(handler: F) -> Result<(), lambda_http::Error>
where
    F: Fn(&'static App, Request) -> Fut,
    Fut: Future<Output = Response<Body>> + Send,
{
    telemetry::init();
    // One app per execution environment, alive until the sandbox ends: a static, not a leak.
    static APP: OnceLock<App> = OnceLock::new();
    let built = App::from_env().await?;
    let app: &'static App = APP.get_or_init(move || built);
    lambda_http::run(service_fn(move |request: Request| {
        // Boxed where it is made: a handler's future is tens of KB (every route's state), and
        // each move of it through the runtime's layers would be another copy on the stack, which
        // stays resident for the life of the sandbox (docs/performance.md, "Cold starts").
        let answer = Box::pin(handler(app, request));
        async move { Ok::<_, Infallible>(answer.await) }
    }))
    .await
}
