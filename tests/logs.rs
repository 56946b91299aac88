//! Every log line of a request carries its route and request id, and of a stream record its
//! event id and serial, in the JSON format the functions log in Lambda; no name or phone.

use crate::harness::{Env, form, read_repo_file};
use lambda_http::request::from_str;
use local_server::gateway::dispatch;
use serde_json::Value;
use serde_json::json;
use shared::telemetry::json_subscriber;
use std::sync::{Arc, Mutex};

/// Log lines written while a test's subscriber is the default on its thread.
/// Set in the process that runs one logging test alone.
const ALONE: &str = "SUISHOUPAI_LOG_TEST_ALONE";

/// Whether this is the process to run `test` in. A thread's own subscriber does not reliably see
/// events of callsites that other tests' threads hit at the same moment (tracing caches each
/// callsite's interest process-wide), so each logging test runs again, alone, in a process of
/// its own: this one answers false after that process has passed.
fn alone(test: &str) -> bool {
    if std::env::var_os(ALONE).is_some() {
        return true;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let output = std::process::Command::new(exe)
        .args([&format!("logs::{test}"), "--exact", "--test-threads=1"])
        .env(ALONE, "1")
        .output()
        .expect("the test binary runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "{test} alone: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    false
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        tracing::subscriber::set_default(json_subscriber(shared::telemetry::filter(None), move || writer.clone()))
    }

    fn lines(&self) -> (String, Vec<Value>) {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        let lines = text.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        (text, lines)
    }
}

#[tokio::test]
async fn every_line_of_a_request_names_its_route_request_id_and_caller() {
    if !alone("every_line_of_a_request_names_its_route_request_id_and_caller") {
        return;
    }
    let env = Env::new().await;
    local_server::seed::seed(env.app).await.unwrap();
    let event = read_repo_file("events/submit/report.json");
    let raw: Value = serde_json::from_str(&event).unwrap();
    let captured = Captured::default();
    let guard = captured.install();
    let response = dispatch(env.app, "submit", from_str(&event).unwrap()).await;
    drop(guard);
    assert_eq!(response.status(), 201);

    let (text, lines) = captured.lines();
    assert!(
        lines.iter().any(|l| l["fields"]["message"] == "report submitted"),
        "{text}"
    );
    for line in &lines {
        let span = &line["span"];
        assert_eq!(span["name"], "request", "{line}");
        assert_eq!(span["route"], "POST /v1/reports", "{line}");
        assert_eq!(span["request_id"], raw["requestContext"]["requestId"], "{line}");
        assert_eq!(span["sub"], "demo-citizen", "{line}");
    }
    let claims = &raw["requestContext"]["authorizer"]["jwt"]["claims"];
    for private in [&claims["name"], &claims["phone_number"]] {
        assert!(!text.contains(private.as_str().unwrap()), "{private} logged: {text}");
    }
}

#[tokio::test]
async fn every_line_of_a_stream_record_names_the_record_and_its_report() {
    if !alone("every_line_of_a_stream_record_names_the_record_and_its_report") {
        return;
    }
    let env = Env::new().await;
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_str(&read_repo_file("events/notify/stream-insert.json")).unwrap();
    let notifier = env.notifier(env.sns());
    let captured = Captured::default();
    let guard = captured.install();
    let answer = notifier.handle(event.clone()).await;
    drop(guard);
    assert!(answer.batch_item_failures.is_empty());

    let (text, lines) = captured.lines();
    assert!(lines.iter().any(|l| l["fields"]["message"] == "SMS sent"), "{text}");
    for line in &lines {
        let span = &line["span"];
        assert_eq!(span["name"], "record", "{line}");
        assert_eq!(span["event_id"], event.records[0].event_id.as_str(), "{line}");
        assert_eq!(span["serial"], "261122220712565", "{line}");
    }
    let phone = &env.duty_phones["420106-education"];
    assert!(
        !text.contains(&phone[phone.len() - 8..]),
        "a whole number logged: {text}"
    );
}

#[tokio::test]
async fn a_whole_journey_logs_each_request_once_with_its_status_and_latency_and_nothing_private() {
    if !alone("a_whole_journey_logs_each_request_once_with_its_status_and_latency_and_nothing_private") {
        return;
    }
    let env = Env::new().await;
    let captured = Captured::default();
    let guard = captured.install();
    let token = env.citizen_named("log-journey");
    let mut body = form();
    body["content"] = json!("内容-不应出现在日志");
    let submitted = env.post("/v1/reports", &token, &body).await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
    let serial = submitted.serial();
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/staff/reports/{serial}/actions");
    for action in [
        json!({"action": "accept", "version": 1}),
        json!({"action": "reveal_contact", "version": 2}),
        json!({"action": "reply", "version": 3, "finding": "partly", "text": "回复-不应出现在日志"}),
    ] {
        assert_eq!(env.post(&path, &handler, &action).await.status, 200, "{action}");
    }
    assert_eq!(
        env.get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
            .await
            .status,
        200
    );
    let rating = json!({"stars": 2, "comment": "评价-不应出现在日志"});
    let rated = env
        .post(&format!("/v1/me/reports/{serial}/rating"), &token, &rating)
        .await;
    assert_eq!(rated.status, 201, "{}", rated.text);
    assert_eq!(
        env.get_path(format!("/v1/me/reports/{serial}"), Some(&token))
            .await
            .status,
        200
    );
    drop(guard);

    let (text, lines) = captured.lines();
    let answered: Vec<&Value> = lines.iter().filter(|l| l["fields"]["message"] == "answered").collect();
    assert_eq!(answered.len(), 7, "one line per request: {text}");
    for line in &answered {
        assert!(
            line["fields"]["status"]
                .as_u64()
                .is_some_and(|s| (200..300).contains(&s)),
            "{line}"
        );
        assert!(line["fields"]["latency_ms"].as_u64().is_some(), "{line}");
    }
    for line in &lines {
        let span = &line["span"];
        assert_eq!(span["name"], "request", "{line}");
        assert!(span["route"].as_str().is_some_and(|r| r.contains("/v1/")), "{line}");
        assert!(span["request_id"].as_str().is_some_and(|r| !r.is_empty()), "{line}");
    }
    let phone = env.phone_of("log-journey");
    for private in [
        "测试log-journey",
        phone.as_str(),
        &phone[3..],
        token.token.as_str(),
        handler.token.as_str(),
        "内容-不应出现在日志",
        "回复-不应出现在日志",
        "评价-不应出现在日志",
    ] {
        assert!(!text.contains(private), "{private} logged: {text}");
    }
}
