//! `rate`: the reporter rates a replied report once (1–5 stars, ≤ 50 characters).

use serde::Serialize;
use shared::adapters::dynamo::SaveOutcome;
use shared::app::App;
use shared::domain::report::rating::{RatingInput, validate};
use shared::domain::report::serial::Serial;
use shared::domain::time::now_cst;
use shared::domain::views::{RatingView, rating_view};
use shared::http::request::{decode_body, json_body, path_serial, route_key};
use shared::http::response::json;
use shared::http::span::answer;
use shared::http::{ApiError, Body, Request, Response, identity};

/// A save that lost a race is retried on the fresh report this many times.
const MAX_ATTEMPTS: usize = 3;

#[derive(Debug, Serialize)]
pub struct Rated {
    pub serial: String,
    pub rating: RatingView,
}

pub async fn handle(app: &App, request: Request) -> Response<Body> {
    answer(&request, route(app, &request)).await
}

async fn route(app: &App, request: &Request) -> Result<Response<Body>, ApiError> {
    match route_key(request).as_str() {
        "POST /v1/me/reports/{serial}/rating" => {
            let citizen = identity::citizen(request)?;
            let serial = path_serial(request)?;
            let input: RatingInput = decode_body(json_body(request)?)?;
            Ok(json(201, &rate(app, &citizen.sub, &serial, &input).await?))
        }
        _ => Err(ApiError::route_not_found()),
    }
}

async fn rate(app: &App, sub: &str, serial: &Serial, input: &RatingInput) -> Result<Rated, ApiError> {
    let (stars, comment) = validate(input)?;
    for _ in 0..MAX_ATTEMPTS {
        let report = app
            .records
            .report(serial)
            .await?
            .filter(|r| r.reporter.sub == sub)
            .ok_or_else(ApiError::not_found)?;
        let (rated, event) = report.rate(stars, comment.clone(), now_cst())?;
        if app.records.save(&report, &rated, &event).await? == SaveOutcome::Saved {
            let rating = rating_view(&rated).ok_or_else(ApiError::internal)?;
            return Ok(Rated {
                serial: serial.to_string(),
                rating,
            });
        }
        // Someone changed the report since we read it: read again and re-check the rules.
    }
    Err(ApiError::new(409, "conflict", "举报件状态已变化,请刷新后重试"))
}
