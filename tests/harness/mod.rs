//! The integration harness, after zero-to-production's `tests/api/helpers.rs`: each test spawns
//! an [`Env`] (its own table on the shared DynamoDB Local named by `DYNAMODB_ENDPOINT`, its own
//! bucket on the shared moto named by `MOTO_ENDPOINT`, both started by `scripts/test`, and its own
//! local API server), so tests run in parallel without seeing each other's data.
//!
//! - `env`: the environment and direct reads of its store and stream;
//! - `tokens`: typed callers (`env.citizen()`, `env.handler(agency).await`, `env.city_supervisor(city).await`,
//!   `env.province_supervisor().await`), each a new person unless named;
//! - `http`: requests and answers, and the common steps (`env.submit`, `env.act`, `env.upload`);
//! - `faults`: faults injected between the SDK and the local AWS;
//! - `lambda`: a function's app with an interceptor, and API Gateway events;
//! - `recorder`: the IAM actions and resources a function's AWS calls need.

mod env;
pub mod faults;
mod http;
mod lambda;
mod recorder;
mod tokens;

pub use env::{Env, Options, pool_config};
pub use http::Reply;
pub use lambda::{api_event, citizen_claims};
pub use recorder::{Grant, Recorder};
pub use tokens::Caller;

use serde_json::{Value, json};
use shared::domain::report::serial::Serial;
use std::path::PathBuf;

pub const JPEG: &[u8] = include_bytes!("../fixtures/evidence.jpg");

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn read_repo_file(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn moto_endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!("MOTO_ENDPOINT is not set: run scripts/test, or start moto_server and export MOTO_ENDPOINT")
    })
}

pub fn dynamodb_endpoint() -> String {
    std::env::var("DYNAMODB_ENDPOINT").unwrap_or_else(|_| {
        panic!("DYNAMODB_ENDPOINT is not set: run scripts/test, or start DynamoDB Local and export DYNAMODB_ENDPOINT")
    })
}

/// A serial from an answer's text, parsed as the API parses one.
pub fn serial(text: &str) -> Serial {
    Serial::parse(text).unwrap_or_else(|| panic!("not a serial: {text}"))
}

/// A valid report form; tests change what they test.
pub fn form() -> Value {
    json!({
        "target": "某某教育咨询有限公司",
        "city": "420100",
        "county": "420106",
        "address": "中南路1号3楼",
        "category": "academic",
        "violation_types": ["unlicensed", "holiday"],
        "content": "周末在居民楼内组织初中数学培训",
        "public": true,
        "location": {"lat": 30.55, "lng": 114.31},
        "notice_version": shared::domain::directory::catalog::Catalog::get().notice.version
    })
}

/// Places a form in `county` of `city`.
pub fn located(form: &mut Value, city: &str, county: &str) {
    form["city"] = json!(city);
    form["county"] = json!(county);
}

/// A form change filing a report in `county` of `city` under `category`.
pub fn placed<'a>(city: &'a str, county: &'a str, category: &'a str) -> impl FnOnce(&mut Value) + 'a {
    move |form| {
        located(form, city, county);
        form["category"] = json!(category);
    }
}

/// A form change citing uploaded evidence: `kind` (image or video) and the upload keys.
pub fn citing<'a>(kind: &'a str, keys: &'a [String]) -> impl FnOnce(&mut Value) + 'a {
    move |form| form["evidence"] = json!({"kind": kind, "keys": keys})
}
