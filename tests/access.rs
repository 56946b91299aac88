//! Who sees what: a citizen sees only their own reports (another's answers 404, as if it did not
//! exist); citizen routes need a valid token; ratings follow the manual's rules.

use crate::harness::{Env, Options};
use serde_json::json;

const CITIZEN_ROUTES: [(&str, &str); 5] = [
    ("POST", "/v1/uploads"),
    ("POST", "/v1/reports"),
    ("GET", "/v1/me/reports"),
    ("GET", "/v1/me/reports/221215170850330"),
    ("POST", "/v1/me/reports/221215170850330/rating"),
];

#[tokio::test]
async fn citizen_routes_refuse_missing_forged_and_malformed_tokens() {
    let env = Env::new().await;
    let forged = {
        let other = Env::new().await;
        other.citizen()
    };
    for (method, path) in CITIZEN_ROUTES {
        for token in [None, Some("garbage"), Some(forged.token.as_str())] {
            let reply = env.call(method, path, token, Some(&json!({}))).await;
            assert_eq!(reply.error_code(401), "unauthorized", "{method} {path} {token:?}");
        }
    }
}

#[tokio::test]
async fn another_citizens_report_does_not_exist_for_you() {
    let env = Env::new().await;
    let owner = env.citizen();
    let stranger = env.citizen();
    let serial = env.submit(&owner, |_| {}).await;
    env.answer(&serial, false).await;

    let theirs = env.get(&format!("/v1/me/reports/{serial}"), Some(&stranger)).await;
    let missing = env.get("/v1/me/reports/990101000000000", Some(&stranger)).await;
    assert_eq!(theirs.error_code(404), "not_found");
    assert_eq!(
        theirs.body, missing.body,
        "indistinguishable from a report that does not exist"
    );
    assert_eq!(
        env.get("/v1/me/reports/not-a-serial", Some(&stranger))
            .await
            .error_code(404),
        "not_found"
    );

    let rating = env
        .post(
            &format!("/v1/me/reports/{serial}/rating"),
            &stranger,
            &json!({"stars": 1}),
        )
        .await;
    assert_eq!(rating.error_code(404), "not_found");
    assert!(env.stored(&serial).await.rating.is_none(), "the stranger rated nothing");
    assert_eq!(
        env.get("/v1/me/reports", Some(&stranger)).await.body["items"],
        json!([])
    );
}

#[tokio::test]
async fn my_reports_page_newest_first_and_cursors_stay_mine() {
    let env = Env::new().await;
    let me = env.citizen();
    let mut serials = Vec::new();
    for _ in 0..5 {
        serials.push(env.submit(&me, |_| {}).await);
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    serials.sort();
    serials.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..10 {
        let path = match &cursor {
            Some(c) => format!("/v1/me/reports?limit=2&cursor={c}"),
            None => "/v1/me/reports?limit=2".to_owned(),
        };
        let page = env.get(&path, Some(&me)).await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(page.serials());
        cursor = page.body["next_cursor"].as_str().map(str::to_owned);
        if cursor.is_none() {
            break;
        }
        // Someone else's cursor cannot page my list, nor mine theirs.
        let stolen = env
            .get(
                &format!("/v1/me/reports?cursor={}", cursor.as_ref().unwrap()),
                Some(&env.citizen()),
            )
            .await;
        assert_eq!(stolen.body["field"], "cursor");
        stolen.error_code(400);
    }
    assert_eq!(seen, serials);
    for bad in ["limit=0", "limit=51", "limit=x", "cursor=%%%"] {
        assert_eq!(
            env.get(&format!("/v1/me/reports?{bad}"), Some(&me)).await.status,
            400,
            "{bad}"
        );
    }
}

#[tokio::test]
async fn ratings_are_one_to_five_stars_with_at_most_fifty_characters_once() {
    let env = Env::new().await;
    let me = env.citizen();
    let serial = env.submit(&me, |_| {}).await;
    let path = format!("/v1/me/reports/{serial}/rating");
    env.answer(&serial, false).await;
    for (body, field) in [
        (json!({"stars": 0}), "stars"),
        (json!({"stars": 6}), "stars"),
        (json!({}), "stars"),
        (json!({"stars": "five"}), "stars"),
        (json!({"stars": 3, "comment": "很".repeat(51)}), "comment"),
        (json!({"stars": 3, "comment": 12}), "comment"),
    ] {
        let reply = env.post(&path, &me, &body).await;
        reply.error_code(400);
        assert_eq!(reply.body["field"], field, "{body}");
    }
    // Two ratings at once: exactly one lands.
    let attempts = [json!({"stars": 2, "comment": "很".repeat(50)}), json!({"stars": 5})];
    let replies = futures::future::join_all(attempts.iter().map(|b| env.post(&path, &me, b))).await;
    let mut statuses: Vec<u16> = replies.iter().map(|r| r.status).collect();
    statuses.sort_unstable();
    assert_eq!(statuses, [201, 409]);
    let stored = env.stored_with_timeline(&serial).await;
    assert!(stored.0.rating.is_some());
    assert_eq!(
        stored
            .1
            .iter()
            .filter(|e| e.kind == shared::domain::report::timeline::EventKind::Rated)
            .count(),
        1
    );
}

#[tokio::test]
async fn a_citizen_reading_too_fast_waits_for_the_next_minute() {
    let env = Env::with(Options {
        reads_per_minute: 3,
        ..Options::default()
    })
    .await;
    let reader = env.citizen();
    let serial = env.submit(&reader, |_| {}).await;
    let detail = format!("/v1/me/reports/{serial}");
    // The minute may turn during the test: then the count starts again, and so does this loop.
    let mut refused = None;
    for _ in 0..8 {
        let reply = env.get(&detail, Some(&reader)).await;
        if reply.status == 429 {
            refused = Some(reply);
            break;
        }
        assert_eq!(reply.status, 200);
    }
    let refused = refused.expect("a fourth read within a minute is refused");
    assert_eq!(refused.error_code(429), "too_many_requests");
    let seconds: u64 = refused.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&seconds), "until the next minute: {seconds}");
    let minute = || shared::domain::time::minute_key(&shared::domain::time::now_cst());
    let (before, list) = (minute(), env.get("/v1/me/reports", Some(&reader)).await);
    if minute() == before {
        assert_eq!(list.error_code(429), "too_many_requests", "lists count too");
    }
    assert_eq!(
        env.get("/v1/me/reports", Some(&env.citizen())).await.status,
        200,
        "rates are per citizen"
    );
}

#[tokio::test]
async fn unknown_routes_answer_json_404() {
    let env = Env::new().await;
    assert_eq!(env.get("/v1/nothing", None).await.error_code(404), "route_not_found");
    assert_eq!(
        env.call("DELETE", "/v1/meta", None, None).await.error_code(404),
        "route_not_found"
    );
}
