//! `staff-action`: the agencies' side (queue, sign-for, reply, hand-on, publish, supervise).
//! Its routes arrive with the staff issue; until then it answers every request with 404.

use shared::app::App;
use shared::http::response::respond;
use shared::http::{ApiError, Body, Request, Response};

pub async fn handle(_app: &App, _request: Request) -> Response<Body> {
    respond(Err(ApiError::route_not_found()))
}
