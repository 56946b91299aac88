//! Lambda entry point of `list-mine`: wires the runtime and the clients; the handler lives in the lib.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::http::serve::serve(list_mine::handle).await
}
