//! Evidence: images (≤ 3, ≤ 60 MB each) or one video (≤ 100 MB), never both; signed type and
//! length; at submit every key must be in S3, the caller's, as declared, and cited once.

use crate::harness::{Env, JPEG, Options, citing, read_repo_file};
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
/// under `key`, `age` days old: `Some(storage class)` kept, `None` expired.
fn lifecycle(rules: &serde_yaml_ng::Value, key: &str, age: u64, retention: u64) -> Option<String> {
    let mut class = "STANDARD".to_owned();
    for rule in rules.as_sequence().unwrap() {
        let prefix = rule["Prefix"].as_str().unwrap_or_default();
        if rule["Status"] != "Enabled" || !key.starts_with(prefix) {
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

/// The bytes behind a presigned link, with the type S3 answered.
async fn fetch(env: &Env, url: &str) -> (Vec<u8>, String, String) {
    let answer = env.http.get(url).send().await.unwrap();
    assert!(answer.status().is_success(), "{url}: {}", answer.status());
    let header = |name: &str| {
        answer
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    (answer.bytes().await.unwrap().to_vec(), content_type, disposition)
}

fn sha256(bytes: &[u8]) -> String {
    shared::domain::digest::sha256_hex(bytes, 32)
}

#[tokio::test]
async fn a_sealed_file_stays_what_was_sent_whatever_is_put_through_its_links_afterwards() {
    let env = Env::new().await;
    let me = env.citizen();
    let issued = env
        .post(
            "/v1/uploads",
            &me,
            &json!({"kind": "image", "files": [{"content_type": "image/jpeg", "size": JPEG.len()}]}),
        )
        .await;
    let upload = &issued.body["uploads"][0];
    let key = upload["key"].as_str().unwrap().to_owned();
    let put = |bytes: Vec<u8>| {
        env.http
            .put(upload["url"].as_str().unwrap())
            .header("content-type", "image/jpeg")
            .header("x-amz-tagging", "claim=pending")
            .body(bytes)
            .send()
    };
    assert!(put(JPEG.to_vec()).await.unwrap().status().is_success());
    let serial = env.submit(&me, citing("image", std::slice::from_ref(&key))).await;

    // The same PUT, and the same POST form, again within their 15 minutes: another file of the
    // same size and type.
    let forged = vec![0xAB; JPEG.len()];
    assert!(put(forged.clone()).await.unwrap().status().is_success());
    let post = &upload["post"];
    let mut form = reqwest::multipart::Form::new();
    for (name, value) in post["fields"].as_object().unwrap() {
        form = form.text(name.clone(), value.as_str().unwrap().to_owned());
    }
    let part = reqwest::multipart::Part::bytes(forged.clone())
        .mime_str("image/jpeg")
        .unwrap();
    let posted = env
        .http
        .post(post["url"].as_str().unwrap())
        .multipart(form.part("file", part))
        .send()
        .await
        .unwrap();
    assert!(posted.status().is_success(), "{}", posted.status());

    let handler = env.handler("420106-education").await;
    let staff = env.original(&handler, &serial, 1).await;
    assert_eq!(staff.status, 200, "{}", staff.text);
    let mine = env.get_path(format!("/v1/me/reports/{serial}"), Some(&me)).await;
    for seen in [&staff.body, &mine.body["evidence"][0]] {
        assert_eq!(seen["sha256"], sha256(JPEG), "the recorded SHA-256 is the original's");
        assert!(seen["sealed_at"].as_str().unwrap().ends_with("+08:00"));
        let url = seen["url"].as_str().unwrap();
        assert!(url.contains("versionId="), "pinned to the sealed version: {url}");
        assert!(!url.contains("uploads"), "never the upload's key: {url}");
        let (bytes, content_type, disposition) = fetch(&env, url).await;
        assert_eq!(sha256(&bytes), sha256(JPEG), "the original bytes");
        assert_eq!(content_type, "image/jpeg", "the recorded type, forced");
        assert_eq!(disposition, "inline");
    }

    // Locked: not even the stack's own credentials delete the sealed version.
    let url = staff.body["url"].as_str().unwrap();
    let sealed = url.split('?').next().unwrap().rsplit_once("/evidence/").unwrap().1;
    let version = url.split("versionId=").nth(1).unwrap().split('&').next().unwrap();
    let deleted = env
        .app
        .evidence
        .client()
        .delete_object()
        .bucket(env.app.evidence.bucket())
        .key(format!("evidence/{sealed}"))
        .version_id(version)
        .send()
        .await;
    assert!(deleted.is_err(), "a locked version cannot be deleted");
}

#[tokio::test]
async fn a_sealed_upload_is_removed_and_the_lifecycle_keeps_sealed_evidence_for_the_retention_period() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env
        .upload(&citizen, "image", &[("image/jpeg", JPEG), ("image/jpeg", JPEG)])
        .await;
    let serial = env.submit(&citizen, citing("image", &keys[..1])).await;
    assert!(env.holds(&keys[0]).await, "deleted off the request path, not by submit");
    env.deliver_evidence().await;
    assert!(!env.holds(&keys[0]).await, "the cited upload is removed once sealed");
    assert!(
        env.holds(&keys[1]).await,
        "an upload no report cites waits for the lifecycle"
    );
    let detail = env.get_path(format!("/v1/me/reports/{serial}"), Some(&citizen)).await;
    let url = detail.body["evidence"][0]["url"].as_str().unwrap();
    let sealed = url.split('?').next().unwrap().rsplit_once("/evidence/").unwrap().1;
    assert_eq!(env.claim_of(&format!("evidence/{sealed}")).await, "sealed");

    let template: serde_yaml_ng::Value = serde_yaml_ng::from_str(&read_repo_file("infra/template.yaml")).unwrap();
    let rules = &template["Resources"]["EvidenceBucket"]["Properties"]["LifecycleConfiguration"]["Rules"];
    let retention = template["Parameters"]["EvidenceRetentionDays"]["Default"]
        .as_u64()
        .unwrap();
    let (sealed, pending) = (format!("evidence/{sealed}"), &keys[1]);
    assert_eq!(lifecycle(rules, pending, 0, retention).as_deref(), Some("STANDARD"));
    assert_eq!(lifecycle(rules, pending, 1, retention), None, "uploads go after a day");
    let kept = [
        (1, "STANDARD"),
        (30, "STANDARD_IA"),
        (90, "GLACIER_IR"),
        (retention - 1, "GLACIER_IR"),
    ];
    for (age, class) in kept {
        assert_eq!(
            lifecycle(rules, &sealed, age, retention).as_deref(),
            Some(class),
            "{age} days"
        );
    }
    assert_eq!(
        lifecycle(rules, &sealed, retention, retention),
        None,
        "kept for the retention period"
    );
    let preview = "previews/0b1c-1600.jpg";
    assert_eq!(
        lifecycle(rules, preview, retention - 1, retention).as_deref(),
        Some("STANDARD")
    );
    assert_eq!(
        lifecycle(rules, preview, retention, retention),
        None,
        "previews go with the evidence"
    );
}

#[tokio::test]
async fn a_report_refused_for_the_daily_limit_seals_nothing() {
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
    assert!(env.holds(&keys[0]).await, "left to expire as an upload");
    assert!(
        !env.holds(&keys[0].replace("uploads/", "evidence/")).await,
        "never sealed"
    );
}

#[tokio::test]
async fn staff_see_what_a_photos_device_recorded_and_the_reporter_does_not() {
    use shared::domain::report::device::{sample_fields, with_exif};
    let env = Env::new().await;
    let citizen = env.citizen();
    let photo = with_exif(JPEG, &sample_fields());
    let keys = env
        .upload(&citizen, "image", &[("image/jpeg", &photo), ("image/jpeg", JPEG)])
        .await;
    let serial = env.submit(&citizen, citing("image", &keys)).await;
    let handler = env.handler("420106-education").await;
    let staff = env
        .get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
        .await;
    let device = &staff.body["evidence"][0]["device"];
    assert_eq!(device["taken_at"], "2024-05-01 10:00:00");
    assert_eq!(device["device"], "HUAWEI P60");
    assert!((device["position"]["lat"].as_f64().unwrap() - 30.54).abs() < 0.001);
    // The form's location is 30.55, 114.31: about 2.2 km from where the photo claims.
    let distance = device["distance_m"].as_u64().unwrap();
    assert!((2000..2500).contains(&distance), "{distance}");
    assert_eq!(staff.body["evidence"][1]["device"], Value::Null, "无拍摄信息");

    let mine = env.get_path(format!("/v1/me/reports/{serial}"), Some(&citizen)).await;
    assert!(
        mine.body["evidence"][0].get("device").is_none(),
        "never to the reporter's side"
    );
    assert!(!mine.text.contains("HUAWEI") && !mine.text.contains("2024-05-01 10:00:00"));
}
