//! The sample Lambda events in `events/` are real: each one, fed to its function's handler the
//! way the Lambda runtime feeds it, gets the answer it shows (against the seeded demo data).

use crate::harness::{Env, read_repo_file, repo_root};
use lambda_http::request::from_str;
use local_server::gateway::dispatch;
use shared::routes::ROUTES;
use std::collections::HashSet;

/// (file, function, status) in the order they are fed.
pub const CASES: [(&str, &str, u16); 38] = [
    ("public-board/meta.json", "public-board", 200),
    ("public-board/board.json", "public-board", 200),
    ("public-board/board-one.json", "public-board", 200),
    ("public-board/agencies.json", "public-board", 200),
    ("public-board/institutions.json", "public-board", 200),
    ("public-board/evidence-key.json", "public-board", 200),
    ("public-board/open311-services.json", "public-board", 200),
    ("public-board/open311-services-xml.json", "public-board", 200),
    ("public-board/open311-requests.json", "public-board", 200),
    ("public-board/open311-requests-xml.json", "public-board", 200),
    ("public-board/open311-request.json", "public-board", 200),
    ("submit/uploads.json", "submit", 200),
    ("submit/report.json", "submit", 201),
    // The demo report was never asked a question: 受理部门没有请您补充材料.
    ("submit/answer.json", "submit", 409),
    ("list-mine/mine.json", "list-mine", 200),
    ("list-mine/mine-one.json", "list-mine", 200),
    ("staff-action/me.json", "staff-action", 200),
    ("staff-action/queue.json", "staff-action", 200),
    ("staff-action/detail.json", "staff-action", 200),
    ("staff-action/action.json", "staff-action", 200),
    // The demo year's reports carry no evidence: the refusal (a package of real evidence is in
    // round_trips' heavier cases and tests/package.rs).
    ("export/package.json", "export", 409),
    // The demo report has no evidence: 该举证材料不存在.
    ("staff-action/original.json", "staff-action", 404),
    ("staff-action/stats.json", "staff-action", 200),
    ("staff-action/templates.json", "staff-action", 200),
    ("staff-action/institutions.json", "staff-action", 200),
    ("staff-action/import.json", "staff-action", 200),
    ("staff-action/roster.json", "staff-action", 200),
    ("staff-action/roster-add.json", "staff-action", 201),
    ("staff-action/roster-change.json", "staff-action", 200),
    ("staff-action/agencies.json", "staff-action", 200),
    ("staff-action/agency-phones.json", "staff-action", 200),
    ("staff-action/audit.json", "staff-action", 200),
    ("staff-action/calendar.json", "staff-action", 200),
    ("staff-action/calendar-year.json", "staff-action", 200),
    ("export/export.json", "export", 200),
    ("export/stats-export.json", "export", 200),
    ("export/audit-export.json", "export", 200),
    ("rate/rating.json", "rate", 201),
];

/// The sample event `file`, as fed: the year entered in 节假日 is next year, whatever the year.
pub fn sample(file: &str) -> String {
    let text = read_repo_file(&format!("events/{file}"));
    if file == "staff-action/calendar-year.json" {
        // Only this year and next may be entered; the sample's 2027 stands for next year.
        let next = chrono::Datelike::year(&shared::domain::time::now_cst()) + 1;
        return text.replace("2027", &next.to_string());
    }
    text
}

#[tokio::test]
async fn every_sample_event_gets_its_answer_from_its_handler() {
    let env = Env::new().await;
    local_server::seed::seed(env.app).await.unwrap();
    env.enrol_sample_staff().await;
    for (file, function, status) in CASES {
        let request = from_str(&sample(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let response = dispatch(env.app, function, request).await;
        let body = String::from_utf8_lossy(response.body().as_ref()).to_string();
        assert_eq!(response.status().as_u16(), status, "{file}: {body}");
        let expected = if file == "export/export.json" {
            "text/csv; charset=utf-8"
        } else if file.ends_with("export.json") {
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        } else if file.ends_with("-xml.json") {
            "text/xml; charset=utf-8"
        } else {
            "application/json; charset=utf-8"
        };
        assert_eq!(response.headers()["content-type"], expected, "{file}");
    }
    // The board sample asks for the home page's three.
    let request = from_str(&read_repo_file("events/public-board/board.json")).unwrap();
    let response = dispatch(env.app, "public-board", request).await;
    let board: serde_json::Value = serde_json::from_slice(response.body().as_ref()).unwrap();
    assert_eq!(board["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_token_without_real_name_claims_cannot_report() {
    let env = Env::new().await;
    let mut event: serde_json::Value = serde_json::from_str(&read_repo_file("events/submit/report.json")).unwrap();
    event["requestContext"]["authorizer"]["jwt"]["claims"]
        .as_object_mut()
        .unwrap()
        .remove("phone_number");
    let response = dispatch(env.app, "submit", from_str(&event.to_string()).unwrap()).await;
    assert_eq!(response.status().as_u16(), 403);
    let mut event: serde_json::Value = serde_json::from_str(&read_repo_file("events/submit/report.json")).unwrap();
    event["requestContext"].as_object_mut().unwrap().remove("authorizer");
    let response = dispatch(env.app, "submit", from_str(&event.to_string()).unwrap()).await;
    assert_eq!(response.status().as_u16(), 401);
}

#[tokio::test]
async fn every_route_has_a_sample_event_and_every_event_names_a_route() {
    let mut covered = HashSet::new();
    for (file, function, _) in CASES {
        let event: serde_json::Value = serde_json::from_str(&read_repo_file(&format!("events/{file}"))).unwrap();
        let key = event["routeKey"].as_str().unwrap().to_owned();
        let route = ROUTES
            .iter()
            .find(|r| r.key() == key)
            .unwrap_or_else(|| panic!("{file}: {key} is no route"));
        assert_eq!(route.function, function, "{file}");
        assert!(file.starts_with(function), "{file} lives under its function's folder");
        covered.insert(key);
    }
    let all: HashSet<String> = ROUTES.iter().map(|r| r.key()).collect();
    assert_eq!(covered, all);
    let on_disk = std::fs::read_dir(repo_root().join("events")).unwrap().count();
    assert_eq!(on_disk, 7, "one folder per function in events/");
}

#[tokio::test]
async fn the_stream_sample_texts_the_agency_once_however_often_it_arrives() {
    let env = Env::new().await;
    let event: aws_lambda_events::event::dynamodb::Event =
        serde_json::from_str(&read_repo_file("events/notify/stream-insert.json")).unwrap();
    assert_eq!(event.records.len(), 1);
    let notifier = env.notifier(env.sns());
    for _ in 0..2 {
        let answer = notifier.handle(event.clone()).await;
        assert!(answer.batch_item_failures.is_empty());
    }
    let texts = env.sms_to(&env.duty_phones["420106-education"]).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains("您有一条新的违规校外培训举报"));
}

#[tokio::test]
async fn notify_tells_its_two_invocations_apart() {
    let env = Env::new().await;
    let notifier = env.notifier(env.sns());
    for (file, is_task) in [("stream-insert.json", false), ("housekeeping.json", true)] {
        let invocation: notify::Invocation =
            serde_json::from_str(&read_repo_file(&format!("events/notify/{file}"))).unwrap();
        assert_eq!(matches!(invocation, notify::Invocation::Task { .. }), is_task, "{file}");
        let answer = notifier.invoke(invocation).await.unwrap();
        assert!(answer.batch_item_failures.is_empty(), "{file}");
    }
}
