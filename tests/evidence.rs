//! Evidence: images (≤ 3, ≤ 60 MB each) or one video (≤ 100 MB), never both; signed type and
//! length; at submit every key must be in S3, the caller's, as declared, and cited once.

use crate::harness::{Env, JPEG, Options, citing, form, read_repo_file};
use serde_json::{Value, json};

const MIB: u64 = 1024 * 1024;

async fn my_report_count(env: &Env, token: &str) -> usize {
    env.get("/v1/me/reports", Some(token)).await.body["items"]
        .as_array()
        .map_or(0, Vec::len)
}

#[tokio::test]
async fn presigned_puts_sign_content_type_and_length() {
    let env = Env::new().await;
    let token = env.citizen();
    let reply = env
        .post(
            "/v1/uploads",
            &token,
            &json!({"kind": "video", "files": [{"content_type": "video/mp4", "size": 100 * MIB}]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let upload = &reply.body["uploads"][0];
    let url = upload["url"].as_str().unwrap();
    let signed = url
        .split("X-Amz-SignedHeaders=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .replace("%3B", ";");
    let signed: Vec<&str> = signed.split(';').collect();
    for header in ["content-length", "content-type", "x-amz-tagging"] {
        assert!(signed.contains(&header), "{header} is signed: {signed:?}");
    }
    assert_eq!(upload["headers"]["x-amz-tagging"], "claim=pending");
    assert_eq!(upload["method"], "PUT");
    assert_eq!(upload["headers"]["content-type"], "video/mp4");
    assert_eq!(upload["headers"]["content-length"], (100 * MIB).to_string());
    assert!(upload["key"].as_str().unwrap().ends_with(".mp4"));
    assert!(upload["expires_at"].as_str().unwrap().ends_with("+08:00"));
}

#[tokio::test]
async fn upload_requests_outside_the_limits_are_refused_with_the_field() {
    let env = Env::new().await;
    let token = env.citizen();
    let file = |t: &str, size: u64| json!({"content_type": t, "size": size});
    let cases: Vec<(Value, u16, &str)> = vec![
        (
            json!({"kind": "image", "files": vec![file("image/jpeg", 1); 4]}),
            400,
            "files",
        ),
        (
            json!({"kind": "video", "files": vec![file("video/mp4", 1); 2]}),
            400,
            "files",
        ),
        (
            json!({"kind": "image", "files": [file("image/jpeg", 60 * MIB + 1)]}),
            413,
            "files[0].size",
        ),
        (
            json!({"kind": "video", "files": [file("video/quicktime", 100 * MIB + 1)]}),
            413,
            "files[0].size",
        ),
        (
            json!({"kind": "image", "files": [file("image/gif", 10)]}),
            400,
            "files[0].content_type",
        ),
        (
            json!({"kind": "image", "files": [file("video/mp4", 10)]}),
            400,
            "files[0].content_type",
        ),
        (json!({"kind": "audio", "files": [file("image/jpeg", 10)]}), 400, "kind"),
        (json!({"kind": "image", "files": []}), 400, "files"),
        (
            json!({"kind": "image", "files": [{"content_type": "image/png", "size": -1}]}),
            400,
            "files[0].size",
        ),
    ];
    for (body, status, field) in cases {
        let reply = env.post("/v1/uploads", &token, &body).await;
        reply.error_code(status);
        assert_eq!(reply.body["field"], field, "{body}");
    }
    for (t, size) in [("image/png", 60 * MIB), ("image/heic", 1), ("image/webp", 1)] {
        assert_eq!(
            env.post(
                "/v1/uploads",
                &token,
                &json!({"kind": "image", "files": [file(t, size)]})
            )
            .await
            .status,
            200
        );
    }
}

#[tokio::test]
async fn a_report_may_cite_only_its_own_uploaded_unclaimed_files_as_declared() {
    let env = Env::new().await;
    let me = env.citizen();
    let other = env.citizen();

    // Someone else's upload.
    let theirs = env.upload(&other, "image", &[("image/jpeg", JPEG)]).await;
    assert_eq!(
        env.try_submit(&me, citing("image", &theirs)).await.error_code(400),
        "invalid_field"
    );

    // A key under my prefix that was never issued, and one issued but never uploaded.
    let issued = env
        .post(
            "/v1/uploads",
            &me,
            &json!({"kind": "image", "files": [{"content_type": "image/jpeg", "size": JPEG.len()}]}),
        )
        .await;
    let not_uploaded = issued.body["uploads"][0]["key"].as_str().unwrap().to_owned();
    let invented = not_uploaded.replace(".jpg", "0.jpg");
    for key in [&invented, &not_uploaded] {
        let reply = env.try_submit(&me, citing("image", std::slice::from_ref(key))).await;
        assert_eq!(reply.error_code(400), "invalid_field");
        assert_eq!(reply.body["field"], "evidence.keys[0]");
    }

    // Uploaded, but not what was declared (moto does not enforce the signature; we check).
    let url = issued.body["uploads"][0]["url"].as_str().unwrap();
    env.http
        .put(url)
        .header("content-type", "image/jpeg")
        .body(vec![0u8; 10])
        .send()
        .await
        .unwrap();
    let reply = env
        .try_submit(&me, citing("image", std::slice::from_ref(&not_uploaded)))
        .await;
    assert_eq!(reply.error_code(400), "invalid_field");
    assert!(reply.body["message"].as_str().unwrap().contains("不符"));

    // Declared as an image, cited as a video.
    let photo = env.upload(&me, "image", &[("image/jpeg", JPEG)]).await;
    assert_eq!(
        env.try_submit(&me, citing("video", &photo)).await.error_code(400),
        "invalid_field"
    );
    // Four keys, or a key twice.
    let three = env
        .upload(
            &me,
            "image",
            &[("image/jpeg", JPEG), ("image/jpeg", JPEG), ("image/jpeg", JPEG)],
        )
        .await;
    let mut four = three.clone();
    four.push(photo[0].clone());
    assert_eq!(
        env.try_submit(&me, citing("image", &four)).await.body["field"],
        "evidence.keys"
    );
    assert_eq!(
        env.try_submit(&me, citing("image", &[photo[0].clone(), photo[0].clone()]))
            .await
            .body["field"],
        "evidence.keys[1]"
    );
    assert_eq!(
        my_report_count(&env, &me).await,
        0,
        "no rejected submission created anything"
    );

    // Three photos are fine; citing one of them again is a conflict.
    assert_eq!(env.try_submit(&me, citing("image", &three)).await.status, 201);
    let reply = env.try_submit(&me, citing("image", &[three[1].clone()])).await;
    assert_eq!(reply.error_code(409), "evidence_in_use");
    assert_eq!(my_report_count(&env, &me).await, 1);
}

#[tokio::test]
async fn a_video_report_carries_one_video() {
    let env = Env::new().await;
    let me = env.citizen();
    let video = b"\x00\x00\x00\x18ftypmp42demo-video-bytes";
    let keys = env.upload(&me, "video", &[("video/mp4", video)]).await;
    let created = env.try_submit(&me, citing("video", &keys)).await;
    assert_eq!(created.status, 201, "{}", created.text);
    let detail = env
        .get(
            &format!("/v1/me/reports/{}", created.body["serial"].as_str().unwrap()),
            Some(&me),
        )
        .await;
    assert_eq!(detail.body["evidence"].as_array().unwrap().len(), 1);
    assert_eq!(detail.body["evidence"][0]["kind"], "video");
    assert_eq!(detail.body["evidence"][0]["content_type"], "video/mp4");
}

#[tokio::test]
async fn two_reports_racing_for_one_photo_cannot_both_cite_it() {
    let env = Env::new().await;
    let me = env.citizen();
    let keys = env.upload(&me, "image", &[("image/jpeg", JPEG)]).await;
    let attempts = (0..4).map(|_| env.try_submit(&me, citing("image", &keys)));
    let statuses: Vec<u16> = futures::future::join_all(attempts)
        .await
        .iter()
        .map(|r| r.status)
        .collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == 201 || *s == 409), "{statuses:?}");
    assert_eq!(my_report_count(&env, &me).await, 1);
}

/// What the evidence bucket's lifecycle rules (as the template declares them) do to an object
/// under `key`, tagged `claim`, `age` days old: `Some(storage class)` kept, `None` expired.
fn lifecycle(rules: &serde_yaml_ng::Value, key: &str, claim: &str, age: u64, retention: u64) -> Option<String> {
    let mut class = "STANDARD".to_owned();
    for rule in rules.as_sequence().unwrap() {
        let prefix = rule["Prefix"].as_str().unwrap_or_default();
        let tags_match = rule["TagFilters"].as_sequence().is_none_or(|tags| {
            tags.iter()
                .all(|t| t["Key"] == "claim" && t["Value"].as_str() == Some(claim))
        });
        if rule["Status"] != "Enabled" || !key.starts_with(prefix) || !tags_match {
            continue;
        }
        let expires = match &rule["ExpirationInDays"] {
            serde_yaml_ng::Value::Number(days) => days.as_u64(),
            serde_yaml_ng::Value::Tagged(_) => Some(retention), // !Ref EvidenceRetentionDays
            _ => None,
        };
        if expires.is_some_and(|days| age >= days) {
            return None;
        }
        for transition in rule["Transitions"].as_sequence().into_iter().flatten() {
            if age >= transition["TransitionInDays"].as_u64().unwrap() {
                class = transition["StorageClass"].as_str().unwrap().to_owned();
            }
        }
    }
    Some(class)
}

#[tokio::test]
async fn evidence_is_tagged_so_the_lifecycle_expires_what_no_report_claims_and_ages_the_rest() {
    let env = Env::new().await;
    let token = env.citizen();
    let keys = env
        .upload(&token, "image", &[("image/jpeg", JPEG), ("image/jpeg", JPEG)])
        .await;
    let mut body = form();
    body["evidence"] = json!({"kind": "image", "keys": [keys[0].clone()]});
    assert_eq!(env.post("/v1/reports", &token, &body).await.status, 201);
    let tags = [env.claim_of(&keys[0]).await, env.claim_of(&keys[1]).await];
    assert_eq!(tags[0], "claimed", "the cited file is claimed");
    // The other keeps the `claim=pending` its PUT was signed with (S3 applies the signed
    // x-amz-tagging header; moto keeps no tag from it, `presigned_puts_sign_content_type_and_length`
    // checks the signature): never claimed.
    assert_ne!(tags[1], "claimed");

    let template: serde_yaml_ng::Value = serde_yaml_ng::from_str(&read_repo_file("infra/template.yaml")).unwrap();
    let rules = &template["Resources"]["EvidenceBucket"]["Properties"]["LifecycleConfiguration"]["Rules"];
    let retention = template["Parameters"]["EvidenceRetentionDays"]["Default"]
        .as_u64()
        .unwrap();
    let (claimed, pending) = (&keys[0], &keys[1]);
    assert_eq!(
        lifecycle(rules, pending, "pending", 0, retention).as_deref(),
        Some("STANDARD")
    );
    assert_eq!(
        lifecycle(rules, pending, "pending", 1, retention),
        None,
        "unclaimed uploads go after a day"
    );
    assert_eq!(
        lifecycle(rules, claimed, "claimed", 1, retention).as_deref(),
        Some("STANDARD")
    );
    assert_eq!(
        lifecycle(rules, claimed, "claimed", 30, retention).as_deref(),
        Some("STANDARD_IA")
    );
    assert_eq!(
        lifecycle(rules, claimed, "claimed", 90, retention).as_deref(),
        Some("GLACIER_IR")
    );
    assert_eq!(
        lifecycle(rules, claimed, "claimed", retention - 1, retention).as_deref(),
        Some("GLACIER_IR")
    );
    assert_eq!(
        lifecycle(rules, claimed, "claimed", retention, retention),
        None,
        "kept for the retention period"
    );
}

#[tokio::test]
async fn a_report_refused_for_the_daily_limit_leaves_its_uploads_unclaimed() {
    let env = Env::with(Options {
        reports_per_day: 1,
        ..Options::default()
    })
    .await;
    let citizen = env.citizen();
    env.submit(&citizen, |_| {}).await;
    let keys = env.upload(&citizen, "image", &[("image/jpeg", JPEG)]).await;
    let refused = env.try_submit(&citizen, citing("image", &keys)).await;
    assert_eq!(refused.error_code(429), "too_many_requests");
    assert_ne!(env.claim_of(&keys[0]).await, "claimed", "left to expire as unclaimed");
}
