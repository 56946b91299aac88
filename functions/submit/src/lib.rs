//! `submit`: presigned uploads for evidence, the creation of reports and the reporter's answers.
//!
//! - `POST /v1/uploads`: one presigned S3 PUT per declared file.
//! - `POST /v1/reports`: checks, dispatches and stores a report; honours `Idempotency-Key`.
//! - `POST /v1/me/reports/{serial}/answer`: the reporter's answer to the agency's question
//!   (补充材料), its evidence sealed as a report's.

mod answer;
mod evidence;
mod report;
mod uploads;

use shared::app::App;
use shared::http::request::{header, json_body, path_serial, route_key};
use shared::http::response::json;
use shared::http::span::answer;
use shared::http::{ApiError, Body, Request, Response, identity};

/// The Lambda handler: reads the request, calls the flow, answers.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    answer(&request, route(app, &request)).await
}

/// Each route's future boxed: the handler's own stays small, so moving it costs no stack.
async fn route(app: &App, request: &Request) -> Result<Response<Body>, ApiError> {
    match route_key(request).as_str() {
        "POST /v1/uploads" => {
            let citizen = identity::citizen(request)?;
            let body = json_body(request)?;
            Ok(json(200, &Box::pin(uploads::issue(app, &citizen, body)).await?))
        }
        "POST /v1/reports" => {
            let citizen = identity::citizen(request)?;
            let key = header(request, "idempotency-key");
            let body = json_body(request)?;
            let receipt = Box::pin(report::submit(app, &citizen, body, key.as_deref())).await?;
            Ok(json(201, &receipt))
        }
        "POST /v1/me/reports/{serial}/answer" => {
            let citizen = identity::citizen(request)?;
            let serial = path_serial(request)?;
            let body = json_body(request)?;
            Ok(json(
                200,
                &Box::pin(answer::answer(app, &citizen, &serial, body)).await?,
            ))
        }
        _ => Err(ApiError::route_not_found()),
    }
}
