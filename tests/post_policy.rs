//! Presigned POST forms (mini-programs' `uploadFile`): moto accepts any POST form without checking
//! it, so the signer is checked against a peer, botocore's `generate_presigned_post`, for the same
//! policy, instant and keys; and a form issued by the API uploads a file that a report can cite.

use crate::harness::{Env, JPEG, form, repo_root};
use base64::Engine;
use serde_json::{Value, json};
use shared::adapters::post_policy::{PostRules, SigningCredentials, presign_post, sign_policy, tagging_document};
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, SystemTime};

fn decode_policy(policy: &str) -> Value {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(policy)
        .expect("base64 policy");
    serde_json::from_slice(&bytes).expect("policy JSON")
}

/// Runs tests/peers/presigned_post.py in the tools venv that scripts/test installs.
fn botocore(spec: &Value) -> Value {
    let python = repo_root().join(".venv-tools/bin/python");
    let mut child = Command::new(&python)
        .arg(repo_root().join("tests/peers/presigned_post.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} (run scripts/test, which installs it): {e}", python.display()));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(spec.to_string().as_bytes())
        .expect("write spec");
    let output = child.wait_with_output().expect("botocore helper");
    assert!(output.status.success(), "botocore helper failed");
    serde_json::from_slice(&output.stdout).expect("helper JSON")
}

#[test]
fn our_post_forms_are_botocores_for_the_same_policy_instant_and_keys() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_795_579_200); // 2026-11-25T04:00:00Z
    let tagging = tagging_document(&[("claim", "pending")]);
    for (region, token) in [("cn-north-1", Some("session-token")), ("us-east-1", None)] {
        let rules = PostRules {
            bucket: "suishoupai-evidence",
            key: "uploads/0123456789abcdef/3f2a.jpg",
            content_type: "image/jpeg",
            max_bytes: 62_914_560,
            tagging: &tagging,
        };
        let credentials = SigningCredentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            session_token: token,
        };
        let ours = presign_post(
            "https://x/".into(),
            &rules,
            &credentials,
            region,
            now,
            Duration::from_secs(900),
        );
        let peer = botocore(&json!({
            "bucket": rules.bucket,
            "key": rules.key,
            "fields": {"Content-Type": rules.content_type, "tagging": rules.tagging},
            "conditions": [
                {"Content-Type": rules.content_type},
                {"tagging": rules.tagging},
                ["content-length-range", 1, rules.max_bytes],
            ],
            "expires_in": 900,
            "now": "2026-11-25T04:00:00Z",
            "region": region,
            "access_key": credentials.access_key_id,
            "secret_key": credentials.secret_access_key,
            "token": token,
            "our_policy": ours.fields["policy"],
        }));
        let theirs = &peer["botocore"]["fields"];
        // The same document (botocore's JSON has other whitespace, so compare it parsed) …
        assert_eq!(
            decode_policy(&ours.fields["policy"]),
            decode_policy(theirs["policy"].as_str().unwrap()),
            "{region}"
        );
        // … the same form fields …
        for (name, value) in &ours.fields {
            if name != "policy" && name != "x-amz-signature" {
                assert_eq!(theirs[name], json!(value), "{region}: {name}");
            }
        }
        assert_eq!(
            theirs.as_object().unwrap().len(),
            ours.fields.len(),
            "{region}: {theirs}"
        );
        // … and the same signatures, each over the other's policy bytes.
        assert_eq!(
            peer["signature_of_ours"],
            json!(ours.fields["x-amz-signature"]),
            "{region}"
        );
        assert_eq!(
            sign_policy(
                theirs["policy"].as_str().unwrap(),
                credentials.secret_access_key,
                now,
                region
            ),
            theirs["x-amz-signature"].as_str().unwrap(),
            "{region}"
        );
    }
}

#[tokio::test]
async fn the_api_issues_a_post_form_that_uploads_a_citable_file() {
    let env = Env::new().await;
    let token = env.citizen();
    let reply = env
        .post(
            "/v1/uploads",
            &token,
            &json!({"kind": "image", "files": [{"content_type": "image/jpeg", "size": JPEG.len()}]}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let upload = &reply.body["uploads"][0];
    let post = &upload["post"];
    let fields = post["fields"].as_object().unwrap();
    assert_eq!(fields["key"], upload["key"]);
    assert_eq!(fields["Content-Type"], "image/jpeg");
    let policy = decode_policy(fields["policy"].as_str().unwrap());
    let conditions = policy["conditions"].as_array().unwrap();
    assert!(
        conditions.contains(&json!(["content-length-range", 1, JPEG.len()])),
        "{policy}"
    );
    assert!(conditions.contains(&json!({"key": upload["key"]})));
    assert!(conditions.contains(&json!({"bucket": env.app.evidence.bucket()})));

    // As wx.uploadFile sends it: the fields, then the file last.
    let mut multipart = reqwest::multipart::Form::new();
    for (name, value) in fields {
        multipart = multipart.text(name.clone(), value.as_str().unwrap().to_owned());
    }
    let part = reqwest::multipart::Part::bytes(JPEG.to_vec())
        .file_name("photo.jpg")
        .mime_str("image/jpeg")
        .unwrap();
    let sent = env
        .http
        .post(post["url"].as_str().unwrap())
        .multipart(multipart.part("file", part))
        .send()
        .await
        .unwrap();
    assert!(sent.status().is_success(), "POST answered {}", sent.status());

    let mut body = form();
    body["evidence"] = json!({"kind": "image", "keys": [upload["key"]]});
    let submitted = env.post("/v1/reports", &token, &body).await;
    assert_eq!(submitted.status, 201, "{}", submitted.text);
}
