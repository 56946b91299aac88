//! The staff queue: filters by status, county, category, dates and overdue, in pages; a handler's
//! queue is its agency's whatever the filter.

use crate::harness::{Caller, Env, placed};
use serde_json::json;
use shared::domain::report::serial::Serial;
use shared::domain::time::{format, now_cst};

/// Four reports in 武汉市: one overdue, one signed for, one on a science matter, one in 洪山区.
struct Queue {
    env: Env,
    city: Caller,
    handler: Caller,
    late: Serial,
    signed: Serial,
    science: Serial,
    hongshan: Serial,
}

impl Queue {
    async fn new() -> Queue {
        let env = Env::new().await;
        let late = env.old_report(40, "old-1").await;
        let signed = env.submit(&env.citizen(), |_| {}).await;
        let science = env
            .submit(&env.citizen(), placed("420100", "420106", "technology"))
            .await;
        let hongshan = env.submit(&env.citizen(), placed("420100", "420111", "academic")).await;
        let city = env.city_supervisor("420100").await;
        let handler = env.handler("420106-education").await;
        env.act(&handler, &signed, json!({"action": "accept"})).await;
        Queue {
            env,
            city,
            handler,
            late,
            signed,
            science,
            hongshan,
        }
    }

    /// The city supervisor's queue with `query`.
    async fn serials(&self, query: &str) -> Vec<Serial> {
        let reply = self
            .env
            .get(&format!("/v1/staff/reports{query}"), Some(&self.city))
            .await;
        assert_eq!(reply.status, 200, "{query}: {}", reply.text);
        reply.serials()
    }
}

#[tokio::test]
async fn each_filter_keeps_only_its_reports() {
    let queue = Queue::new().await;
    assert_eq!(queue.serials("").await.len(), 4);
    assert_eq!(queue.serials("?overdue=true").await, vec![queue.late.clone()]);
    assert_eq!(queue.serials("?status=processing").await, vec![queue.signed.clone()]);
    assert_eq!(queue.serials("?category=technology").await, vec![queue.science.clone()]);
    assert_eq!(queue.serials("?county=420111").await, vec![queue.hongshan.clone()]);
}

#[tokio::test]
async fn dates_filter_by_submission_day_and_a_backwards_range_reads_forwards() {
    let queue = Queue::new().await;
    let today = now_cst().format("%Y-%m-%d").to_string();
    let dated = queue.serials(&format!("?from={today}&to={today}")).await;
    assert_eq!(dated.len(), 3, "the old one is outside today");
    assert_eq!(queue.serials(&format!("?from=2099-12-31&to={today}")).await, dated);
}

#[tokio::test]
async fn the_queue_pages_with_its_cursor() {
    let queue = Queue::new().await;
    let page = queue
        .env
        .get("/v1/staff/reports?limit=1&status=pending", Some(&queue.city))
        .await;
    let cursor = page.body["next_cursor"].as_str().expect("a next page");
    let next = queue.serials(&format!("?limit=1&status=pending&cursor={cursor}")).await;
    assert_eq!(page.serials().len(), 1);
    assert_eq!(next.len(), 1);
    assert_ne!(next, page.serials());
}

#[tokio::test]
async fn an_overdue_report_is_marked_and_counted_under_its_city() {
    let queue = Queue::new().await;
    let reply = queue.env.get("/v1/staff/reports?overdue=true", Some(&queue.city)).await;
    assert_eq!(reply.body["items"][0]["overdue"], true);
    let by_city = queue
        .env
        .app
        .records
        .overdue_by_city("420000", &format(&now_cst()))
        .await
        .unwrap();
    assert_eq!(
        by_city,
        [("420100".to_owned(), 1)].into(),
        "the overdue metric's sample"
    );
}

#[tokio::test]
async fn a_bad_filter_is_refused_by_name() {
    let queue = Queue::new().await;
    for bad in [
        "?status=done",
        "?category=x",
        "?overdue=yes",
        "?from=2024-13-01",
        "?county=420202",
        "?limit=",
    ] {
        let reply = queue
            .env
            .get(&format!("/v1/staff/reports{bad}"), Some(&queue.city))
            .await;
        assert_eq!(reply.error_code(400), "invalid_field", "{bad}");
    }
}

#[tokio::test]
async fn a_handlers_queue_is_its_agencys_whatever_the_filter() {
    let queue = Queue::new().await;
    let elsewhere = queue
        .env
        .get("/v1/staff/reports?county=420111", Some(&queue.handler))
        .await;
    assert_eq!(elsewhere.serials(), []);
}
