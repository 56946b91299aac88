//! The AWS calls of every route, counted: each sample event of `events/` (and the heavier cases
//! below) runs through its function with clients that note when each operation starts and ends.
//! "Sequential" is the longest chain of calls each of which began after the one before it had
//! answered: what a request waits for, whatever ran beside it. No route may wait on more than
//! four (a staff route five: the roster read comes first), but for the pages a caller asked for
//! (`PAGED`). The table in docs/performance.md is this
//! test's output: it fails when the table is stale (`UPDATE_DOCS=1` rewrites it).

use crate::harness::{Env, JPEG, api_event, citizen_claims, form, read_repo_file, repo_root};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};
use lambda_http::request::from_str;
use local_server::gateway::dispatch;
use serde_json::{Value, json};
use shared::adapters::sns::Sns;
use shared::app::App;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Routes whose calls are a caller's pages: the queue's overdue filter reads up to 10 Queries, a
/// CSV part up to 50; a workbook reads its 16 slices of time four at once (four waves, each
/// slice's pages one after another).
const PAGED: [&str; 3] = [
    "GET /v1/staff/reports?overdue=true",
    "GET /v1/staff/export",
    "GET /v1/staff/export?format=xlsx",
];
/// Rows whose chain depends on which of the calls made at once answers first: a workbook's slices
/// four at once, and a stream batch's messages (one phone's publish may start after another's
/// answered, though neither waited for the other). The table says so rather than one run's count.
const AT_ONCE: [&str; 2] = ["GET /v1/staff/export?format=xlsx", "stream batch"];
const MAX_SEQUENTIAL: usize = 4;
/// Every staff route first reads the caller's roster entry (one strongly consistent GetItem):
/// who they are is not known before it, so it cannot overlap the route's own reads.
const STAFF_ROSTER_READ: usize = 1;
const BEGIN: &str = "<!-- round-trips: tests/round_trips.rs -->";
const END: &str = "<!-- /round-trips -->";

#[derive(Debug, Clone)]
struct Call {
    operation: String,
    start: Instant,
    end: Option<Instant>,
}

/// Notes every operation's start and end (after its retries).
#[derive(Debug, Clone, Default)]
struct Timeline(Arc<Mutex<Vec<Call>>>);

/// Which call of the timeline an operation is, kept in its own config bag.
#[derive(Debug, Clone)]
struct Slot(usize);

impl Storable for Slot {
    type Storer = StoreReplace<Self>;
}

impl Intercept for Timeline {
    fn name(&self) -> &'static str {
        "Timeline"
    }

    fn read_before_serialization(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_else(|| "(unnamed)".into());
        let mut calls = self.0.lock().unwrap();
        calls.push(Call {
            operation,
            start: Instant::now(),
            end: None,
        });
        cfg.interceptor_state().store_put(Slot(calls.len() - 1));
        Ok(())
    }

    fn read_after_execution(
        &self,
        _context: &FinalizerInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(Slot(index)) = cfg.load::<Slot>() {
            self.0.lock().unwrap()[*index].end = Some(Instant::now());
        }
        Ok(())
    }
}

impl Timeline {
    fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The calls of the request just made; the next request then finds the calendar in force not yet
/// read, as the first request of a minute does (`CalendarSource`), so that each row counts that
/// read whatever ran before it.
fn cold(app: &App, timeline: &Timeline) -> Vec<Call> {
    app.holidays.forget();
    timeline.take()
}

/// The longest chain of calls each started after the previous one answered.
fn sequential(calls: &[Call]) -> usize {
    let mut depth = vec![0usize; calls.len()];
    for i in 0..calls.len() {
        depth[i] = 1
            + (0..i)
                .filter(|&j| calls[j].end.expect("every call answered") <= calls[i].start)
                .map(|j| depth[j])
                .max()
                .unwrap_or(0);
    }
    depth.into_iter().max().unwrap_or(0)
}

/// `GetItem, HeadObject ×3, …` in order of first use.
fn operations(calls: &[Call]) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for call in calls {
        match counts.iter_mut().find(|(op, _)| *op == call.operation) {
            Some((_, n)) => *n += 1,
            None => counts.push((call.operation.clone(), 1)),
        }
    }
    let named: Vec<String> = counts
        .into_iter()
        .map(|(op, n)| if n == 1 { op } else { format!("{op} ×{n}") })
        .collect();
    if named.is_empty() {
        "none".into()
    } else {
        named.join(", ")
    }
}

struct Row {
    route: String,
    case: String,
    calls: usize,
    sequential: usize,
    operations: String,
}

fn row(route: &str, case: &str, calls: &[Call]) -> Row {
    Row {
        route: route.to_owned(),
        case: case.to_owned(),
        calls: calls.len(),
        sequential: sequential(calls),
        operations: operations(calls),
    }
}

fn table(rows: &[Row]) -> String {
    let mut out =
        String::from("| function | route | case | AWS calls | sequential | operations |\n|---|---|---|---|---|---|\n");
    let functions: BTreeMap<&str, &str> = shared::routes::ROUTES.iter().map(|r| (r.path, r.function)).collect();
    for r in rows {
        let path = r.route.split(['?', ' ']).nth(1).unwrap_or_default();
        let function = functions.get(path).copied().unwrap_or("notify");
        let sequential = if AT_ONCE.contains(&r.route.as_str()) {
            "varies".to_owned()
        } else {
            r.sequential.to_string()
        };
        out.push_str(&format!(
            "| {function} | `{}` | {} | {} | {sequential} | {} |\n",
            r.route, r.case, r.calls, r.operations
        ));
    }
    out
}

fn province() -> Value {
    json!({"sub": "p", "name": "李督办", "custom:role": "province", "custom:agency": "", "custom:region": "420000"})
}

#[tokio::test]
async fn no_route_waits_on_more_than_four_sequential_aws_calls() {
    let env = Env::with(crate::harness::Options {
        reports_per_day: 1000,
        ..Default::default()
    })
    .await;
    local_server::seed::seed(env.app).await.unwrap();
    env.enrol(&province()).await;
    env.enrol_sample_staff().await;
    let timeline = Timeline::default();
    let app = env.app_intercepted(timeline.clone());
    app.holidays.forget();
    let mut rows = Vec::new();

    // Every sample event, in the order they are fed to their handlers.
    for (file, function, status) in crate::events::CASES {
        let text = crate::events::sample(file);
        let route = serde_json::from_str::<Value>(&text).unwrap()["routeKey"]
            .as_str()
            .unwrap()
            .to_owned();
        let response = dispatch(app, function, from_str(&text).unwrap()).await;
        assert_eq!(response.status().as_u16(), status, "{file}");
        rows.push(row(&route, &format!("`events/{file}`"), &cold(app, &timeline)));
    }

    // The heaviest submission: three photos to check and tag, with an idempotency key.
    let uploads = dispatch(
        app,
        "submit",
        api_event(
            "POST /v1/uploads",
            "/v1/uploads",
            Value::Null,
            Value::Null,
            Some(citizen_claims("rt-1")),
            Some(json!({"kind": "image", "files": [
                {"content_type": "image/jpeg", "size": JPEG.len()},
                {"content_type": "image/jpeg", "size": JPEG.len()},
                {"content_type": "image/jpeg", "size": JPEG.len()}]})),
        ),
    )
    .await;
    let uploads: Value = serde_json::from_slice(uploads.body().as_ref()).unwrap();
    let mut keys = Vec::new();
    for upload in uploads["uploads"].as_array().unwrap() {
        let mut put = env.http.put(upload["url"].as_str().unwrap()).body(JPEG.to_vec());
        for (name, value) in upload["headers"].as_object().unwrap() {
            if name != "content-length" {
                put = put.header(name.as_str(), value.as_str().unwrap());
            }
        }
        assert!(put.send().await.unwrap().status().is_success());
        keys.push(upload["key"].clone());
    }
    cold(app, &timeline);
    let mut body = form();
    body["evidence"] = json!({"kind": "image", "keys": keys});
    let mut report = api_event(
        "POST /v1/reports",
        "/v1/reports",
        Value::Null,
        Value::Null,
        Some(citizen_claims("rt-1")),
        Some(body),
    );
    report
        .headers_mut()
        .insert("idempotency-key", "round-trips-1".parse().unwrap());
    let response = dispatch(app, "submit", report).await;
    assert_eq!(response.status().as_u16(), 201);
    rows.push(row(
        "POST /v1/reports",
        "three photos, a repeat of an earlier report",
        &cold(app, &timeline),
    ));
    let receipt: Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    let serial = receipt["serial"].as_str().unwrap();
    // That report's package, and its third photo's original, as a province supervisor.
    for (route, path, params, case) in [
        (
            "POST /v1/staff/reports/{serial}/package",
            format!("/v1/staff/reports/{serial}/package"),
            json!({"serial": serial}),
            "that report's three photos, a province supervisor",
        ),
        (
            "POST /v1/staff/reports/{serial}/evidence/{n}/original",
            format!("/v1/staff/reports/{serial}/evidence/3/original"),
            json!({"serial": serial, "n": "3"}),
            "that report's third photo, a province supervisor",
        ),
    ] {
        let event = api_event(route, &path, params, Value::Null, Some(province()), Some(json!({})));
        let function = shared::routes::find("POST", &path).expect("a route").0.function;
        let response = dispatch(app, function, event).await;
        assert_eq!(response.status().as_u16(), 200, "{route}");
        rows.push(row(route, case, &cold(app, &timeline)));
    }

    // A province supervisor's heaviest reads.
    for (route, path, query) in [
        (
            "GET /v1/staff/reports?overdue=true",
            "/v1/staff/reports",
            json!({"overdue": "true"}),
        ),
        ("GET /v1/staff/stats", "/v1/staff/stats", Value::Null),
        ("GET /v1/staff/export", "/v1/staff/export", Value::Null),
        (
            "GET /v1/staff/export?format=xlsx",
            "/v1/staff/export",
            json!({"format": "xlsx"}),
        ),
    ] {
        let key = route.split('?').next().unwrap();
        let function = shared::routes::find("GET", path).expect("a route").0.function;
        let response = dispatch(
            app,
            function,
            api_event(key, path, Value::Null, query, Some(province()), None),
        )
        .await;
        assert_eq!(response.status().as_u16(), 200, "{route}");
        rows.push(row(
            route,
            "a province supervisor, the demo data",
            &cold(app, &timeline),
        ));
    }

    // notify: the sample stream batch (one arrival: the agency's SMS), with recording SNS.
    let sns = aws_sdk_sns::config::Builder::from(&env.sdk)
        .interceptor(timeline.clone())
        .build();
    let notifier = notify::Notifier {
        sender: Sns::new(sns),
        records: app.records.clone(),
        ..env.notifier(env.sns())
    };
    let batch = serde_json::from_str(&read_repo_file("events/notify/stream-insert.json")).unwrap();
    assert!(notifier.handle(batch).await.batch_item_failures.is_empty());
    rows.push(row(
        "stream batch",
        "`events/notify/stream-insert.json`",
        &cold(app, &timeline),
    ));

    let over: Vec<String> = rows
        .iter()
        // The stream batch waits on no one's request (it is listed for its calls); its several
        // messages go out at once, yet the chain counts one phone's publish after another's
        // though neither waited for the other.
        .filter(|r| r.route != "stream batch")
        .filter(|r| {
            let budget = MAX_SEQUENTIAL
                + if r.route.contains("/v1/staff/") {
                    STAFF_ROSTER_READ
                } else {
                    0
                };
            r.sequential > budget && !PAGED.contains(&r.route.as_str())
        })
        .map(|r| format!("{} ({}): {}", r.route, r.case, r.operations))
        .collect();
    assert!(
        over.is_empty(),
        "more than {MAX_SEQUENTIAL} sequential calls: {over:#?}"
    );

    let measured = table(&rows);
    let path = repo_root().join("docs/performance.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (before, rest) = doc
        .split_once(BEGIN)
        .expect("docs/performance.md has the round-trips block");
    let (recorded, after) = rest.split_once(END).expect("the round-trips block ends");
    if recorded.trim() != measured.trim() {
        if std::env::var_os("UPDATE_DOCS").is_some() {
            std::fs::write(&path, format!("{before}{BEGIN}\n{measured}{END}{after}")).unwrap();
        } else {
            panic!("docs/performance.md's round trips are stale (UPDATE_DOCS=1 rewrites them):\n{measured}");
        }
    }
}

/// A citizen past the daily limit costs the platform two reads (the retry's first answer and the
/// day's count, together), never the evidence's checks: the limit is read before anything dear.
#[tokio::test]
async fn a_submission_past_the_daily_limit_reads_two_items_and_touches_no_evidence() {
    let env = Env::with(crate::harness::Options {
        reports_per_day: 1,
        ..crate::harness::Options::default()
    })
    .await;
    let timeline = Timeline::default();
    let app = env.app_intercepted(timeline.clone());
    let submit = |body: Value, key: &'static str| {
        let mut request = api_event(
            "POST /v1/reports",
            "/v1/reports",
            Value::Null,
            Value::Null,
            Some(citizen_claims("rt-limit")),
            Some(body),
        );
        request.headers_mut().insert("idempotency-key", key.parse().unwrap());
        dispatch(app, "submit", request)
    };
    assert_eq!(submit(form(), "limit-1").await.status().as_u16(), 201);
    let mut cited = form();
    cited["evidence"] = json!({"kind": "image", "keys": ["uploads/rt-limit-1.jpg", "uploads/rt-limit-2.jpg"]});
    timeline.take();
    assert_eq!(submit(cited, "limit-2").await.status().as_u16(), 429);
    let calls = timeline.take();
    let operations: Vec<&str> = calls.iter().map(|c| c.operation.as_str()).collect();
    assert!(operations.len() <= 2 && sequential(&calls) == 1, "{operations:?}");
    assert!(
        operations.iter().all(|o| !o.contains("Object")),
        "no evidence read: {operations:?}"
    );
}
