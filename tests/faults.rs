//! Faults injected where they happen, between the SDK and the local AWS (`harness::faults`):
//! throttles, 5xx, dropped connections and slow answers. Every write answers either success or
//! a 503 with `Retry-After`, and afterwards the stored state is whole: no report without its
//! counters, no half-applied action, no evidence lost to a report, no SMS lost or sent twice.

use crate::harness::faults::{Fault, Rule};
use crate::harness::{Env, JPEG, Options, Reply, form};
use serde_json::json;
use std::time::{Duration, Instant};

async fn env() -> Env {
    Env::with(Options {
        faults: true,
        ..Options::default()
    })
    .await
}

fn assert_unavailable(reply: &Reply) {
    assert_eq!(reply.error_code(503), "unavailable");
    assert_eq!(reply.headers["retry-after"], "1", "a retry hint");
}

/// The province's statistics total, which the counters keep in the report's own transaction.
async fn province_total(env: &Env) -> i64 {
    let province = env.province_supervisor().await;
    let stats = env.get("/v1/staff/stats", Some(&province)).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    stats.body["total"].as_i64().unwrap_or_else(|| panic!("{}", stats.body))
}

#[tokio::test]
async fn a_submission_the_store_keeps_refusing_answers_503_and_writes_nothing() {
    let env = env().await;
    let token = env.citizen();
    for (i, fault) in [
        Fault::Throttle,
        Fault::ThroughputExceeded,
        Fault::ServerError(500),
        Fault::ServerError(503),
        Fault::Reset,
    ]
    .into_iter()
    .enumerate()
    {
        env.faults.inject(Rule::always("TransactWriteItems", fault));
        assert_unavailable(&env.submit_keyed(&token, &format!("k-{i}"), &form()).await);
        env.faults.heal();
        assert!(env.my_serials(&token).await.is_empty(), "{fault:?}: no report");
    }
    assert_eq!(province_total(&env).await, 0, "no counter moved");
    // Healthy again, the citizen's retry goes through once, with its counters.
    let retried = env.submit_keyed(&token, "k-0", &form()).await;
    assert_eq!(retried.status, 201, "{}", retried.text);
    assert_eq!(env.my_serials(&token).await.len(), 1);
    assert_eq!(province_total(&env).await, 1);
}

#[tokio::test]
async fn a_passing_fault_is_retried_by_the_sdk_unseen() {
    let env = env().await;
    let token = env.citizen();
    for fault in [Fault::Throttle, Fault::ServerError(500), Fault::Reset] {
        env.faults.inject(Rule::next("TransactWriteItems", 1, fault));
        let reply = env.post("/v1/reports", &token, &form()).await;
        assert_eq!(reply.status, 201, "{fault:?}: {}", reply.text);
    }
    assert_eq!(env.faults.hits().len(), 3, "each fault was met once");
    assert_eq!(env.my_serials(&token).await.len(), 3);
    assert_eq!(province_total(&env).await, 3);
}

#[tokio::test]
async fn a_slow_store_answers_503_in_time_and_the_keyed_retry_finds_what_landed() {
    let env = env().await;
    let token = env.citizen();
    env.faults
        .inject(Rule::always("TransactWriteItems", Fault::Slow(Duration::from_secs(4))));
    let started = Instant::now();
    assert_unavailable(&env.submit_keyed(&token, "slow-1", &form()).await);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(9),
        "gave up before a 10 s function timeout: {took:?}"
    );
    env.faults.heal();
    // The late attempts may still land after the client gave up: the key makes the retry safe.
    tokio::time::sleep(Duration::from_secs(5)).await;
    let retried = env.submit_keyed(&token, "slow-1", &form()).await;
    assert_eq!(retried.status, 201, "{}", retried.text);
    let serials = env.my_serials(&token).await;
    assert_eq!(serials, [retried.serial()], "one report, whatever landed");
    assert_eq!(province_total(&env).await, 1);
}

#[tokio::test]
async fn an_action_the_store_refuses_changes_nothing_and_its_retry_applies_once() {
    let env = env().await;
    let reply = env.post("/v1/reports", &env.citizen(), &form()).await;
    let serial = reply.serial();
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/staff/reports/{serial}/actions");
    let accept = json!({"action": "accept", "version": 1});
    for fault in [Fault::Throttle, Fault::ServerError(500), Fault::Reset] {
        env.faults.inject(Rule::always("TransactWriteItems", fault));
        assert_unavailable(&env.post(&path, &handler, &accept).await);
        env.faults.heal();
        let (report, timeline) = env.stored_with_timeline(&serial).await;
        assert_eq!((report.version, timeline.len()), (1, 1), "{fault:?}: nothing applied");
    }
    assert_eq!(env.post(&path, &handler, &accept).await.status, 200);
    let (report, timeline) = env.stored_with_timeline(&serial).await;
    assert_eq!((report.version, timeline.len()), (2, 2));
    let again = env.post(&path, &handler, &accept).await;
    assert_eq!(
        again.error_code(409),
        "stale_version",
        "a second accept is a conflict, not a repeat"
    );
}

#[tokio::test]
async fn evidence_the_store_could_not_check_stays_free_for_the_retry() {
    let env = env().await;
    let token = env.citizen();
    let keys = env.upload(&token, "image", &[("image/jpeg", JPEG)]).await;
    let mut body = form();
    body["evidence"] = json!({"kind": "image", "keys": keys});
    env.faults.inject(Rule::always("s3:HEAD", Fault::ServerError(500)));
    assert_unavailable(&env.post("/v1/reports", &token, &body).await);
    env.faults.heal();
    let reply = env.post("/v1/reports", &token, &body).await;
    assert_eq!(
        reply.status, 201,
        "the upload was not claimed by the failed attempt: {}",
        reply.text
    );
}

#[tokio::test]
async fn uploads_the_store_refuses_take_nothing_from_the_allowance() {
    let env = Env::with(Options {
        faults: true,
        uploads_per_day: 3,
        ..Options::default()
    })
    .await;
    let token = env.citizen();
    let three = json!({"kind": "image", "files": [
        {"content_type": "image/jpeg", "size": 1000},
        {"content_type": "image/jpeg", "size": 1000},
        {"content_type": "image/jpeg", "size": 1000}
    ]});
    env.faults
        .inject(Rule::always("TransactWriteItems", Fault::ServerError(500)));
    assert_unavailable(&env.post("/v1/uploads", &token, &three).await);
    env.faults.heal();
    assert_eq!(env.post("/v1/uploads", &token, &three).await.status, 200);
}

#[tokio::test]
async fn notify_under_store_and_provider_faults_sends_each_sms_once() {
    let env = env().await;
    let reply = env.post("/v1/reports", &env.citizen(), &form()).await;
    assert_eq!(reply.status, 201);
    let phone = env.duty_phones["420106-education"].clone();
    let events = env.pending_stream().await;
    let notifier = env.notifier(env.sns());
    for (operation, fault) in [
        ("UpdateItem", Fault::Throttle),
        ("UpdateItem", Fault::Reset),
        ("sns:Publish", Fault::ServerError(500)),
    ] {
        env.faults.inject(Rule::always(operation, fault));
        for event in &events {
            let answer = notifier.handle(event.clone()).await;
            assert!(
                !answer.batch_item_failures.is_empty(),
                "{operation} {fault:?}: retried later"
            );
        }
        env.faults.heal();
        assert!(
            env.sms_to(&phone).await.is_empty(),
            "{operation} {fault:?}: nothing sent"
        );
    }
    for _ in 0..2 {
        for event in &events {
            assert!(notifier.handle(event.clone()).await.batch_item_failures.is_empty());
        }
    }
    assert_eq!(env.sms_to(&phone).await.len(), 1, "sent once in the end");
}
