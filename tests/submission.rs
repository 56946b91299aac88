//! Submitting: serials unique under concurrency, dispatch stored for the staff queues,
//! idempotent retries, the daily quota, and bad input that changes nothing.

use crate::harness::{Caller, Env, Options, form, serial};
use serde_json::{Value, json};
use shared::adapters::dynamo::{CreateOutcome, NewReport};
use shared::domain::report::deadlines::Deadlines;
use shared::domain::report::input::{ReportInput, validate};
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::Event;
use shared::domain::report::{Report, Reporter};
use shared::domain::time::now_cst;
use std::collections::HashSet;

async fn index_serials(env: &Env, index: &str, attr: &str, value: &str) -> Vec<Serial> {
    let output = env
        .app
        .records
        .client()
        .query()
        .table_name(env.app.records.table())
        .index_name(index)
        .key_condition_expression("#p = :p")
        .expression_attribute_names("#p", attr)
        .expression_attribute_values(":p", aws_sdk_dynamodb::types::AttributeValue::S(value.into()))
        .send()
        .await
        .unwrap();
    output
        .items()
        .iter()
        .map(|i| serial(i["serial"].as_s().unwrap()))
        .collect()
}

#[tokio::test]
async fn concurrent_submissions_get_distinct_fifteen_digit_serials_of_their_time() {
    let env = Env::new().await;
    let before = now_cst().format("%y%m%d%H%M%S").to_string();
    let citizens: Vec<Caller> = (0..40).map(|_| env.citizen()).collect();
    let body = form();
    let replies = futures::future::join_all(citizens.iter().map(|c| env.post("/v1/reports", c, &body))).await;
    let after = now_cst().format("%y%m%d%H%M%S").to_string();
    let serials: Vec<Serial> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.serial()
        })
        .collect();
    assert_eq!(
        serials.iter().collect::<HashSet<_>>().len(),
        serials.len(),
        "serials are unique"
    );
    for serial in &serials {
        assert!(
            serial.as_str().len() == 15 && serial.as_str().bytes().all(|b| b.is_ascii_digit()),
            "{serial}"
        );
        assert!(
            (before.as_str()..=after.as_str()).contains(&&serial.as_str()[..12]),
            "{serial} not within {before}..{after}"
        );
    }
}

#[tokio::test]
async fn a_taken_serial_is_refused_by_the_store_and_nothing_is_written() {
    let env = Env::new().await;
    let reporter = Reporter {
        sub: "serial-1".into(),
        name: "张三".into(),
        phone: shared::domain::report::phone::Phone::new("13800000001"),
    };
    let input: ReportInput = serde_json::from_value(form()).unwrap();
    let draft = validate(&input, env.app.directory).unwrap();
    let now = now_cst();
    let serial = Serial::new(&now, 7);
    fn new<'a>(
        report: &'a Report,
        event: &'a Event,
        idempotency: Option<(&'a str, &'a str)>,
        epoch: i64,
    ) -> NewReport<'a> {
        NewReport {
            report,
            event,
            seal: None,
            idempotency,
            uploads: &[],
            owner: "x",
            quota_day: "20240101",
            quota_limit: 5,
            now_epoch: epoch,
        }
    }
    let deadlines = Deadlines::new(&env.app.settings.deadlines, env.app.holidays.base(), &now, now);
    let (first, e1) = Report::submit(
        serial.clone(),
        draft.clone(),
        reporter.clone(),
        None,
        deadlines.clone(),
        now,
    );
    assert_eq!(
        env.app
            .records
            .create_report(&new(&first, &e1, None, now.timestamp()))
            .await
            .unwrap(),
        CreateOutcome::Created
    );
    let (second, e2) = Report::submit(
        serial.clone(),
        draft,
        Reporter {
            sub: "serial-2".into(),
            ..reporter
        },
        None,
        deadlines,
        now,
    );
    let outcome = env
        .app
        .records
        .create_report(&new(&second, &e2, Some(("key-1", "print")), now.timestamp()))
        .await
        .unwrap();
    assert_eq!(outcome, CreateOutcome::SerialTaken);
    let stored = env.app.records.report(&serial).await.unwrap().unwrap();
    assert_eq!(stored.reporter.sub, "serial-1", "the first report is untouched");
    assert!(
        env.app
            .records
            .idempotency("serial-2", "key-1")
            .await
            .unwrap()
            .is_none(),
        "the transaction wrote nothing"
    );
}

#[tokio::test]
async fn each_report_is_queued_for_its_agency_city_and_province() {
    let env = Env::new().await;
    let token = env.citizen();
    let mut body = form();
    body["city"] = json!("429004");
    body["county"] = json!("429004");
    body["category"] = json!("sports");
    let created = env.post("/v1/reports", &token, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(
        created.body["agency"],
        json!({"id": "429004-sports", "name": "仙桃市体育局"})
    );
    let serial = created.serial();
    assert_eq!(
        index_serials(&env, "by_agency", "agency_pk", "AGENCY#429004-sports").await,
        std::slice::from_ref(&serial)
    );
    assert_eq!(
        index_serials(&env, "by_city", "city_pk", "CITY#429004").await,
        std::slice::from_ref(&serial)
    );
    assert_eq!(
        index_serials(&env, "by_province", "province_pk", "PROVINCE#420000").await,
        std::slice::from_ref(&serial)
    );
    assert!(
        index_serials(&env, "by_agency", "agency_pk", "AGENCY#429004-education")
            .await
            .is_empty()
    );

    let wuchang = env.post("/v1/reports", &token, &form()).await;
    assert_eq!(wuchang.body["agency"]["id"], "420106-education");
    assert_eq!(
        index_serials(&env, "by_province", "province_pk", "PROVINCE#420000")
            .await
            .len(),
        2
    );
    assert_eq!(index_serials(&env, "by_city", "city_pk", "CITY#420100").await.len(), 1);
}

#[tokio::test]
async fn a_retried_submission_returns_the_first_serial_and_creates_nothing_new() {
    let env = Env::new().await;
    let token = env.citizen();
    let key = [("idempotency-key", "6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f")];
    let body = form();
    let first = env
        .call_with("POST", "/v1/reports", Some(&token), Some(&body), &key)
        .await;
    assert_eq!(first.status, 201);
    // The same body with its keys in another order is the same request.
    let reordered: Value = serde_json::from_str(&{
        let mut pairs: Vec<(String, Value)> = body.as_object().unwrap().clone().into_iter().collect();
        pairs.reverse();
        format!(
            "{{{}}}",
            pairs
                .iter()
                .map(|(k, v)| format!("{k:?}:{v}"))
                .collect::<Vec<_>>()
                .join(",")
        )
    })
    .unwrap();
    let retries = futures::future::join_all(
        (0..3).map(|_| env.call_with("POST", "/v1/reports", Some(&token), Some(&reordered), &key)),
    )
    .await;
    for retry in &retries {
        assert_eq!(retry.status, 201);
        assert_eq!(retry.body["serial"], first.body["serial"]);
    }
    let mut changed = body.clone();
    changed["content"] = json!("另一条举报内容");
    let conflict = env
        .call_with("POST", "/v1/reports", Some(&token), Some(&changed), &key)
        .await;
    assert_eq!(conflict.error_code(409), "idempotency_key_reused");
    assert_eq!(env.my_serials(&token).await.len(), 1);

    // Another citizen may use the same key for their own report.
    let other = env.citizen();
    let theirs = env
        .call_with("POST", "/v1/reports", Some(&other), Some(&body), &key)
        .await;
    assert_eq!(theirs.status, 201);
    assert_ne!(theirs.body["serial"], first.body["serial"]);

    let bad = env
        .call_with(
            "POST",
            "/v1/reports",
            Some(&token),
            Some(&body),
            &[("idempotency-key", "含有中文")],
        )
        .await;
    assert_eq!(bad.error_code(400), "invalid_field");
}

#[tokio::test]
async fn racing_retries_with_one_key_create_one_report() {
    let env = Env::new().await;
    let token = env.citizen();
    let key = [("idempotency-key", "race-key-1")];
    let body = form();
    let replies = futures::future::join_all(
        (0..6).map(|_| env.call_with("POST", "/v1/reports", Some(&token), Some(&body), &key)),
    )
    .await;
    let serials: HashSet<Serial> = replies
        .iter()
        .map(|r| {
            assert_eq!(r.status, 201, "{}", r.text);
            r.serial()
        })
        .collect();
    assert_eq!(serials.len(), 1);
    assert_eq!(env.my_serials(&token).await.len(), 1);
}

#[tokio::test]
async fn a_citizen_over_the_daily_quota_gets_429() {
    let env = Env::with(Options {
        reports_per_day: 2,
        ..Options::default()
    })
    .await;
    let token = env.citizen();
    for _ in 0..2 {
        assert_eq!(env.post("/v1/reports", &token, &form()).await.status, 201);
    }
    let refused = env.post("/v1/reports", &token, &form()).await;
    assert_eq!(refused.error_code(429), "too_many_requests");
    assert_retry_after_midnight(&refused);
    assert_eq!(env.my_serials(&token).await.len(), 2);
    assert_eq!(
        env.post("/v1/reports", &env.citizen(), &form()).await.status,
        201,
        "quotas are per citizen"
    );
}

/// A 429 names when the daily quota renews: at the next midnight, China time.
pub fn assert_retry_after_midnight(reply: &crate::harness::Reply) {
    let seconds: u64 = reply.headers["retry-after"].to_str().unwrap().parse().unwrap();
    let expected = shared::domain::time::seconds_to_next_day(&shared::domain::time::now_cst());
    assert!(
        (1..=86_400).contains(&seconds) && seconds.abs_diff(expected) <= 5,
        "{seconds} vs {expected}"
    );
}

#[tokio::test]
async fn a_citizen_over_the_daily_upload_allowance_gets_429_and_nothing_is_issued() {
    let env = Env::with(Options {
        uploads_per_day: 4,
        ..Options::default()
    })
    .await;
    let token = env.citizen();
    let photos = |n: usize| {
        let files: Vec<Value> = (0..n)
            .map(|_| json!({"content_type": "image/jpeg", "size": 1000}))
            .collect();
        json!({"kind": "image", "files": files})
    };
    assert_eq!(env.post("/v1/uploads", &token, &photos(3)).await.status, 200);
    let refused = env.post("/v1/uploads", &token, &photos(2)).await;
    assert_eq!(refused.error_code(429), "too_many_requests");
    assert!(refused.body["message"].as_str().unwrap().contains("4"));
    assert_retry_after_midnight(&refused);
    assert_eq!(
        env.post("/v1/uploads", &token, &photos(1)).await.status,
        200,
        "the refused two took nothing"
    );
    assert_eq!(env.post("/v1/uploads", &token, &photos(1)).await.status, 429);
    assert_eq!(
        env.post("/v1/uploads", &env.citizen(), &photos(3)).await.status,
        200,
        "allowances are per citizen"
    );
}

/// A change to a valid form that makes it invalid.
type Change = Box<dyn Fn(&mut Value)>;

#[tokio::test]
async fn bad_input_names_the_field_and_changes_nothing() {
    let env = Env::new().await;
    let token = env.citizen();
    let cases: Vec<(Change, &str)> = vec![
        (
            Box::new(|b| {
                b.as_object_mut().unwrap().remove("target");
            }),
            "target",
        ),
        (Box::new(|b| b["target"] = json!("  ")), "target"),
        (Box::new(|b| b["county"] = json!("420202")), "county"),
        (Box::new(|b| b["city"] = json!("420106")), "city"),
        (Box::new(|b| b["category"] = json!("music")), "category"),
        (
            Box::new(|b| b["violation_types"] = json!(["unlicensed", "bogus"])),
            "violation_types[1]",
        ),
        (
            Box::new(|b| b["violation_types"] = json!("unlicensed")),
            "violation_types",
        ),
        (Box::new(|b| b["content"] = json!("长".repeat(2001))), "content"),
        (Box::new(|b| b["public"] = json!("yes")), "public"),
        (
            Box::new(|b| b["location"] = json!({"lat": 120.0, "lng": 114.0})),
            "location.lat",
        ),
        (
            Box::new(|b| b["evidence"] = json!({"kind": "image", "keys": []})),
            "evidence.keys",
        ),
        (
            Box::new(|b| b["evidence"] = json!({"kind": "both", "keys": ["a"]})),
            "evidence.kind",
        ),
    ];
    for (change, field) in cases {
        let mut body = form();
        change(&mut body);
        let reply = env.post("/v1/reports", &token, &body).await;
        assert_eq!(reply.error_code(400), "invalid_field", "{field}");
        assert_eq!(reply.body["field"], field, "{}", reply.text);
    }
    let raw = |body: &'static str| {
        env.http
            .post(format!("{}/v1/reports", env.base))
            .bearer_auth(&token.token)
            .body(body)
            .send()
    };
    let reply = raw("{not json").await.unwrap();
    assert_eq!(reply.status(), 400);
    let reply = raw("").await.unwrap();
    assert_eq!(reply.status(), 400);
    let mut huge = form();
    huge["content"] = json!("a".repeat(70 * 1024));
    assert_eq!(
        env.post("/v1/reports", &token, &huge).await.error_code(413),
        "body_too_large"
    );
    assert_eq!(env.my_serials(&token).await.len(), 0, "nothing was created");
}
