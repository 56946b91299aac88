//! The baseline of `scripts/bench-cold`: the smallest `lambda_runtime` function (it answers its
//! event), as `cargo lambda new` writes it, built with the same release profile as ours.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        Ok::<_, Error>(event.payload)
    }))
    .await
}
