//! The public board: only reports the reporter made public AND that staff answered and
//! published; per city, newest reply first, paged; never the reporter or the evidence.

use crate::harness::{Env, JPEG, form};
use serde_json::json;

#[tokio::test]
async fn only_public_answered_published_reports_appear_newest_reply_first() {
    let env = Env::new().await;
    let me = env.citizen();
    let submit = |public: bool, county: &'static str| {
        let mut body = form();
        body["public"] = json!(public);
        body["county"] = json!(county);
        let env = &env;
        let me = me.clone();
        async move { env.post("/v1/reports", &me, &body).await.serial() }
    };
    let private_answered = submit(false, "420106").await;
    let public_unpublished = submit(true, "420106").await;
    let public_pending = submit(true, "420111").await;
    let first = submit(true, "420111").await;
    let second = submit(true, "420102").await;
    env.answer(&private_answered, false).await;
    env.answer(&public_unpublished, false).await;
    env.answer(&first, true).await;
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    env.answer(&second, true).await;

    let board = env.get("/v1/public/reports?city=420100", None).await;
    assert_eq!(board.status, 200, "{}", board.text);
    let serials: Vec<&str> = board.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["serial"].as_str().unwrap())
        .collect();
    assert_eq!(
        serials,
        [second.as_str(), first.as_str()],
        "newest reply first, nothing else"
    );
    assert_eq!(board.body["city_name"], "武汉市");
    let item = &board.body["items"][0];
    assert_eq!(item["agency"], "江岸区教育局");
    assert_eq!(item["county"], "420102");
    assert_eq!(item["category"], "academic");
    assert_eq!(item["violation_types"], json!(["unlicensed", "holiday"]));
    assert_eq!(item["public_text"], "该机构已被责令停止违规培训");
    assert!(item["reply"]["replied_at"].as_str().unwrap().ends_with("+08:00"));

    for hidden in [&private_answered, &public_unpublished, &public_pending] {
        assert_eq!(
            env.get(&format!("/v1/public/reports/{hidden}"), None)
                .await
                .error_code(404),
            "not_found"
        );
    }
    assert_eq!(env.get(&format!("/v1/public/reports/{first}"), None).await.status, 200);
    assert!(
        env.get("/v1/public/reports?city=420600", None).await.body["items"]
            .as_array()
            .unwrap()
            .is_empty(),
        "other cities are separate"
    );
}

#[tokio::test]
async fn the_board_pages_with_an_opaque_cursor_and_serves_the_home_page_three() {
    let env = Env::new().await;
    let me = env.citizen();
    let mut serials = Vec::new();
    for _ in 0..5 {
        let serial = env.submit(&me, |_| {}).await;
        env.answer(&serial, true).await;
        serials.push(serial);
    }
    let home = env.get("/v1/public/reports?city=420100&limit=3", None).await;
    assert_eq!(home.body["items"].as_array().unwrap().len(), 3);
    let mut seen = Vec::new();
    let mut path = "/v1/public/reports?city=420100&limit=2".to_owned();
    loop {
        let page = env.get(&path, None).await;
        assert_eq!(page.status, 200);
        seen.extend(page.serials());
        match page.body["next_cursor"].as_str() {
            Some(cursor) => {
                // A cursor of Wuhan's board does not page another city's.
                assert_eq!(
                    env.get(&format!("/v1/public/reports?city=420200&cursor={cursor}"), None)
                        .await
                        .status,
                    400
                );
                path = format!("/v1/public/reports?city=420100&limit=2&cursor={cursor}");
            }
            None => break,
        }
    }
    seen.sort();
    serials.sort();
    assert_eq!(seen, serials);
}

#[tokio::test]
async fn the_city_must_be_given_and_known() {
    let env = Env::new().await;
    for query in [
        "",
        "?city=",
        "?city=4201",
        "?city=420100&limit=0",
        "?city=420100&limit=51",
        "?city=420100&limit=",
    ] {
        let reply = env.get(&format!("/v1/public/reports{query}"), None).await;
        reply.error_code(400);
    }
    // A well-formed code that names no city has no board.
    for query in ["?city=999999", "?city=420106"] {
        let reply = env.get(&format!("/v1/public/reports{query}"), None).await;
        reply.error_code(404);
    }
    assert_eq!(
        env.get("/v1/public/reports?city=429021", None).await.status,
        200,
        "神农架林区 is a city"
    );
}

#[tokio::test]
async fn nothing_of_any_reporter_or_evidence_reaches_any_public_answer() {
    let env = Env::new().await;
    let mut secrets = Vec::new();
    for i in 0..3 {
        let sub = format!("secret-reporter-{i}");
        let token = env.citizen_named(&sub);
        let keys = env.upload(&token, "image", &[("image/jpeg", JPEG)]).await;
        let mut body = form();
        body["content"] = json!(format!("只有举报人知道的细节{i}"));
        body["target"] = json!(format!("举报对象{i}号"));
        body["evidence"] = json!({"kind": "image", "keys": keys});
        let serial = env.post("/v1/reports", &token, &body).await.serial();
        env.answer(&serial, true).await;
        secrets.extend([sub.clone(), format!("测试{sub}"), env.phone_of(&sub), keys[0].clone()]);
        secrets.push(format!("只有举报人知道的细节{i}"));
        secrets.push(format!("举报对象{i}号"));
    }
    let board = env.get("/v1/public/reports?city=420100&limit=50", None).await;
    assert_eq!(board.body["items"].as_array().unwrap().len(), 3);
    let mut answers = vec![board.text.clone(), env.get("/v1/meta", None).await.text];
    for item in board.body["items"].as_array().unwrap() {
        answers.push(
            env.get(
                &format!("/v1/public/reports/{}", item["serial"].as_str().unwrap()),
                None,
            )
            .await
            .text,
        );
    }
    for answer in &answers {
        for secret in &secrets {
            assert!(!answer.contains(secret.as_str()), "{secret} leaked");
        }
        for word in ["uploads/", "X-Amz-", "phone", "reporter", "\"sub\""] {
            assert!(!answer.contains(word), "{word} leaked");
        }
    }
}

#[tokio::test]
async fn the_offices_to_call_are_public_phones_per_category_never_duty_phones() {
    let env = Env::new().await;
    let meta = env.get("/v1/meta", None).await;
    let link = meta.body["links"]["agencies"].as_str().unwrap().to_owned();
    let offices = env.get(&format!("{link}?county=420106"), None).await;
    assert_eq!(offices.status, 200, "{}", offices.text);
    assert_eq!(offices.body["county"]["name"], "武昌区");
    assert_eq!(offices.body["city"]["name"], "武汉市");
    let academic = &offices.body["categories"][0];
    assert_eq!(academic["category"], "academic");
    assert_eq!(
        academic["offices"],
        serde_json::json!([
            {"level": "county", "name": "武昌区教育局", "phone": "027-00010106"},
            {"level": "city", "name": "武汉市教育局", "phone": "027-00010100"},
        ])
    );
    for duty in env.duty_phones.values() {
        assert!(!offices.text.contains(duty.as_str()), "a duty phone is private: {duty}");
    }
    // Outside the demo directory's Wuhan rows: the default names, no phone known.
    let yichang = env.get("/v1/public/agencies?county=420502", None).await;
    assert_eq!(
        yichang.body["categories"][0]["offices"][0]["phone"],
        serde_json::Value::Null
    );
    env.get("/v1/public/agencies?county=420100", None).await.error_code(404);
    env.get("/v1/public/agencies?county=4201", None).await.error_code(400);
    env.get("/v1/public/agencies", None).await.error_code(400);
}

/// The meta lives longer than its five minutes where it has not changed: a copy is checked again
/// by its ETag (a 304 without a body) and may be served stale while the API fails.
#[tokio::test]
async fn the_meta_carries_its_version_and_answers_a_copy_still_current_with_304() {
    let env = Env::new().await;
    let header = |reply: &crate::harness::Reply, name: &str| reply.headers[name].to_str().unwrap().to_owned();
    let first = env.get("/v1/meta", None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let cache = header(&first, "cache-control");
    assert!(
        cache.contains("max-age=300") && cache.contains("stale-while-revalidate") && cache.contains("stale-if-error"),
        "{cache}"
    );
    let etag = header(&first, "etag");
    assert!(etag.starts_with('"') && etag.len() == 34, "{etag}");
    // The same files, the same version.
    assert_eq!(header(&env.get("/v1/meta", None).await, "etag"), etag);
    for (sent, status) in [
        (etag.clone(), 304),
        (format!("W/{etag}"), 304),
        (format!("\"0000\", {etag}"), 304),
        ("\"0000\"".to_owned(), 200),
    ] {
        let reply = env
            .call_with("GET", "/v1/meta", None, None, &[("if-none-match", sent.as_str())])
            .await;
        assert_eq!(reply.status, status, "{sent}");
        assert_eq!(header(&reply, "etag"), etag);
        assert_eq!(header(&reply, "cache-control"), cache);
        if status == 304 {
            assert!(reply.text.is_empty(), "{}", reply.text);
        } else {
            assert_eq!(reply.text, first.text);
        }
    }
}
