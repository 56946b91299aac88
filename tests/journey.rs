//! The citizen's journey end to end on the local AWS: notice, photo, report, history, reply,
//! rating, public board.

use crate::harness::{Env, JPEG, form};
use serde_json::json;

#[tokio::test]
async fn a_citizen_reports_with_a_photo_follows_it_rates_the_reply_and_sees_it_on_the_board() {
    let env = Env::new().await;
    let token = env.citizen_named("journey-1");

    // The notice and the form's choices.
    let meta = env.get("/v1/meta", None).await;
    assert_eq!(meta.status, 200);
    assert_eq!(meta.body["notice"]["title"], "举报须知");
    assert!(
        meta.body["regions"]["cities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["name"] == "武汉市")
    );

    // A real JPEG goes straight to S3 through its presigned URL.
    let keys = env.upload(&token, "image", &[("image/jpeg", JPEG)]).await;
    let mut body = form();
    body["evidence"] = json!({"kind": "image", "keys": keys});
    let created = env.post("/v1/reports", &token, &body).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let serial = created.serial();
    assert_eq!(serial.as_str().len(), 15);
    assert_eq!(created.body["status"], "pending");
    assert_eq!(created.body["agency"]["name"], "武昌区教育局");
    assert!(created.body["created_at"].as_str().unwrap().ends_with("+08:00"));

    // History and detail.
    let mine = env.get("/v1/me/reports", Some(&token)).await;
    assert_eq!(mine.status, 200);
    assert_eq!(mine.body["items"][0]["serial"], serial.as_str());
    assert_eq!(mine.body["items"][0]["status"], "pending");
    assert!(mine.body["next_cursor"].is_null());
    let detail = env.get(&format!("/v1/me/reports/{serial}"), Some(&token)).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    for field in [
        "serial",
        "status",
        "target",
        "city",
        "county",
        "address",
        "category",
        "violation_types",
        "content",
        "public",
        "created_at",
        "evidence",
        "reply",
        "rating",
        "timeline",
    ] {
        assert!(detail.body.get(field).is_some(), "detail lacks {field}");
    }
    assert!(detail.body["reply"].is_null() && detail.body["rating"].is_null());
    assert_eq!(detail.body["timeline"][0]["kind"], "submitted");
    // The evidence link serves the very bytes uploaded.
    let url = detail.body["evidence"][0]["url"].as_str().unwrap();
    let fetched = env.http.get(url).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(&fetched[..], JPEG);

    // Not rateable before the reply.
    let early = env
        .post(&format!("/v1/me/reports/{serial}/rating"), &token, &json!({"stars": 5}))
        .await;
    assert_eq!(early.error_code(409), "not_replied");

    // The agency answers and publishes; the reporter sees the reply and rates it once.
    env.answer(&serial, true).await;
    let detail = env.get(&format!("/v1/me/reports/{serial}"), Some(&token)).await;
    assert_eq!(detail.body["status"], "replied");
    assert_eq!(detail.body["reply"]["agency"], "武昌区教育局");
    assert_eq!(detail.body["can_rate"], true);
    let rated = env
        .post(
            &format!("/v1/me/reports/{serial}/rating"),
            &token,
            &json!({"stars": 4, "comment": "处理及时"}),
        )
        .await;
    assert_eq!(rated.status, 201, "{}", rated.text);
    assert_eq!(rated.body["rating"]["level_name"], "满意");
    let again = env
        .post(&format!("/v1/me/reports/{serial}/rating"), &token, &json!({"stars": 1}))
        .await;
    assert_eq!(again.error_code(409), "already_rated");
    let detail = env.get(&format!("/v1/me/reports/{serial}"), Some(&token)).await;
    assert_eq!(detail.body["rating"]["stars"], 4);
    let kinds: Vec<&str> = detail.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["submitted", "accepted", "replied", "published", "rated"]);
    assert!(
        !detail.text.contains("测试工作人员"),
        "staff names never reach the citizen"
    );
    let stored = env.stored(&serial).await;
    assert_eq!(stored.version, 5, "one version per event");

    // The public board of 武汉市 shows it, with nothing of the reporter.
    let board = env.get("/v1/public/reports?city=420100&limit=3", None).await;
    assert_eq!(board.status, 200);
    assert_eq!(board.body["items"][0]["serial"], serial.as_str());
    assert_eq!(board.body["items"][0]["agency"], "武昌区教育局");
    assert_eq!(board.body["items"][0]["reply"]["finding"], "substantiated");
    let one = env.get(&format!("/v1/public/reports/{serial}"), None).await;
    assert_eq!(one.status, 200);
    for public in [&board.text, &one.text] {
        for secret in [
            "测试journey-1",
            &env.phone_of("journey-1"),
            "journey-1",
            &keys[0],
            "uploads/",
            "周末在居民楼内",
        ] {
            assert!(!public.contains(secret), "{secret} reached the public board: {public}");
        }
    }
}
