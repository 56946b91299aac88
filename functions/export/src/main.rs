//! Lambda entry point of `export`: wires the runtime and the clients; the handler lives in the lib.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::serve::serve(export::handle).await
}
