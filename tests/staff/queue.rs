//! The staff queue: filters by status, county, category, dates and overdue, in pages.

use crate::harness::{Env, placed};
use serde_json::json;

#[tokio::test]
async fn queues_filter_by_status_county_category_dates_and_overdue() {
    let env = Env::new().await;
    let late = env.old_report(40, "old-1").await;
    let fresh = env.submit(&env.citizen(), |_| {}).await;
    let science = env
        .submit(&env.citizen(), placed("420100", "420106", "technology"))
        .await;
    let hongshan = env.submit(&env.citizen(), placed("420100", "420111", "academic")).await;
    let city = env.city_supervisor("420100");
    let handler = env.handler("420106-education");
    env.act(&handler, &fresh, json!({"action": "accept"})).await;
    let q = |query: &'static str| env.get_path(format!("/v1/staff/reports{query}"), Some(&city));
    assert_eq!(q("").await.serials().len(), 4);
    assert_eq!(q("?overdue=true").await.serials(), vec![late.clone()]);
    assert_eq!(q("?status=processing").await.serials(), vec![fresh.clone()]);
    assert_eq!(q("?category=technology").await.serials(), vec![science.clone()]);
    assert_eq!(q("?county=420111").await.serials(), vec![hongshan.clone()]);
    let today = shared::domain::time::now_cst().format("%Y-%m-%d").to_string();
    let dated = env
        .get_path(format!("/v1/staff/reports?from={today}&to={today}"), Some(&city))
        .await;
    assert_eq!(dated.serials().len(), 3, "the old one is outside today");
    let backwards = env
        .get_path(format!("/v1/staff/reports?from=2099-12-31&to={today}"), Some(&city))
        .await;
    assert_eq!(
        backwards.serials(),
        dated.serials(),
        "a range given backwards is read forwards"
    );
    let page = env
        .get_path("/v1/staff/reports?limit=1&status=pending".into(), Some(&city))
        .await;
    assert_eq!(page.serials().len(), 1);
    let next = env
        .get_path(
            format!(
                "/v1/staff/reports?limit=1&status=pending&cursor={}",
                page.body["next_cursor"].as_str().unwrap()
            ),
            Some(&city),
        )
        .await;
    assert_eq!(next.serials().len(), 1);
    assert_ne!(next.serials(), page.serials());
    let item = q("?overdue=true").await.body["items"][0].clone();
    assert_eq!(item["overdue"], true);
    // The overdue metric's sample counts the same report, under its city.
    let now = shared::domain::time::format(&shared::domain::time::now_cst());
    let by_city = env.app.records.overdue_by_city("420000", &now).await.unwrap();
    assert_eq!(by_city, [("420100".to_owned(), 1)].into());
    for bad in [
        "?status=done",
        "?category=x",
        "?overdue=yes",
        "?from=2024-13-01",
        "?county=420202",
        "?limit=",
    ] {
        q(bad).await.error_code(400);
    }
    // A handler's queue is its agency's, whatever the filter says.
    assert_eq!(
        env.get("/v1/staff/reports?county=420111", Some(&handler))
            .await
            .serials(),
        []
    );
}
