//! The agencies' side, by area: actions on a report, the queue, statistics, the audit trail and
//! retention, repeat reports. Who may call which route is `authorization`'s; races between staff
//! are `concurrency`'s; exports are `exports`'.

mod actions;
mod audit;
mod calendar;
mod measures;
mod phones;
mod questions;
mod queue;
mod repeats;
mod roster;
mod rounds;
mod stats;

use crate::harness::{Caller, Env};
use serde_json::json;
use shared::domain::report::serial::Serial;

/// The reporter rates the report's current answer; it must be taken.
async fn rate(env: &Env, reporter: &Caller, serial: &Serial, stars: u8) {
    let rated = env
        .post(
            &format!("/v1/me/reports/{serial}/rating"),
            reporter,
            &json!({"stars": stars}),
        )
        .await;
    assert_eq!(rated.status, 201, "{}", rated.text);
}
