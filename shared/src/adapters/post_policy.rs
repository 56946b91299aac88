//! Presigned POST forms for S3 (browser-based uploads, SigV4): a policy document S3 checks on
//! upload, so an oversized file or another content type is refused by S3 itself. Mini-programs
//! upload only with multipart POST (`wx.uploadFile`, `my.uploadFile`), which a presigned PUT cannot
//! serve. The SDK presigns single requests only; the signing key and signature come from
//! aws-sigv4's primitives, the document is built here.
//!
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html>

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The credentials a form is signed with (a Lambda role's carry a session token).
#[derive(Debug, Clone, Copy)]
pub struct SigningCredentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
}

/// What one upload may be: S3 refuses a POST that differs in any of these.
#[derive(Debug, Clone, Copy)]
pub struct PostRules<'a> {
    pub bucket: &'a str,
    pub key: &'a str,
    pub content_type: &'a str,
    pub max_bytes: u64,
    /// The `tagging` field: an S3 `<Tagging>` document.
    pub tagging: &'a str,
}

/// A multipart POST to `url` with `fields` first and the file last (as the field `file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PostForm {
    pub url: String,
    pub fields: BTreeMap<String, String>,
}

/// `claim=pending` as the `tagging` form field expects it.
pub fn tagging_document(tags: &[(&str, &str)]) -> String {
    let tags: String = tags
        .iter()
        .map(|(k, v)| format!("<Tag><Key>{k}</Key><Value>{v}</Value></Tag>"))
        .collect();
    format!("<Tagging><TagSet>{tags}</TagSet></Tagging>")
}

fn utc(time: SystemTime) -> DateTime<Utc> {
    DateTime::<Utc>::from(time)
}

/// The signature of a base64 policy: HMAC-SHA256 with the day's signing key for `region`'s S3.
pub fn sign_policy(policy_base64: &str, secret_access_key: &str, now: SystemTime, region: &str) -> String {
    let key = aws_sigv4::sign::v4::generate_signing_key(secret_access_key, now, region, "s3");
    aws_sigv4::sign::v4::calculate_signature(key, policy_base64.as_bytes())
}

/// The policy's conditions in botocore's order (the caller's, then bucket and key, then the
/// signing fields), so the two can be compared document for document.
fn conditions(rules: &PostRules<'_>, credential: &str, amz_date: &str, token: Option<&str>) -> Vec<Value> {
    let mut conditions = vec![
        json!({"Content-Type": rules.content_type}),
        json!({"tagging": rules.tagging}),
        json!(["content-length-range", 1, rules.max_bytes]),
        json!({"bucket": rules.bucket}),
        json!({"key": rules.key}),
        json!({"x-amz-algorithm": ALGORITHM}),
        json!({"x-amz-credential": credential}),
        json!({"x-amz-date": amz_date}),
    ];
    if let Some(token) = token {
        conditions.push(json!({"x-amz-security-token": token}));
    }
    conditions
}

/// A signed form for one upload, valid for `ttl` from `now`.
pub fn presign_post(
    url: String,
    rules: &PostRules<'_>,
    credentials: &SigningCredentials<'_>,
    region: &str,
    now: SystemTime,
    ttl: Duration,
) -> PostForm {
    let at = utc(now);
    let amz_date = at.format("%Y%m%dT%H%M%SZ").to_string();
    let credential = format!(
        "{}/{}/{region}/s3/aws4_request",
        credentials.access_key_id,
        at.format("%Y%m%d")
    );
    let expiration = utc(now + ttl).format("%Y-%m-%dT%H:%M:%SZ").to_string();
    let policy = json!({
        "expiration": expiration,
        "conditions": conditions(rules, &credential, &amz_date, credentials.session_token),
    });
    let policy = STANDARD.encode(policy.to_string());
    let signature = sign_policy(&policy, credentials.secret_access_key, now, region);
    let mut fields = BTreeMap::from([
        ("key".to_owned(), rules.key.to_owned()),
        ("Content-Type".to_owned(), rules.content_type.to_owned()),
        ("tagging".to_owned(), rules.tagging.to_owned()),
        ("x-amz-algorithm".to_owned(), ALGORITHM.to_owned()),
        ("x-amz-credential".to_owned(), credential),
        ("x-amz-date".to_owned(), amz_date),
        ("policy".to_owned(), policy),
        ("x-amz-signature".to_owned(), signature),
    ]);
    if let Some(token) = credentials.session_token {
        fields.insert("x-amz-security-token".to_owned(), token.to_owned());
    }
    PostForm { url, fields }
}

/// The bucket's POST endpoint, taken from a presigned request for `key` in it, so that it is
/// addressed exactly as the SDK addresses the bucket (virtual host or path style, any partition).
pub fn bucket_url(presigned_object_url: &str, key: &str) -> Option<String> {
    let without_query = presigned_object_url.split('?').next()?;
    let bucket = without_query.strip_suffix(key)?;
    bucket.ends_with('/').then(|| bucket.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32, h: u32) -> SystemTime {
        Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().into()
    }

    /// AWS's published example (sigv4-post-example, 2013 edition): the policy as printed there,
    /// the example secret key, 2013-08-06 in us-east-1.
    #[test]
    fn signs_aws_published_post_example() {
        let policy = concat!(
            "eyAiZXhwaXJhdGlvbiI6ICIyMDEzLTA4LTA3VDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAg",
            "ICB7ImJ1Y2tldCI6ICJleGFtcGxlYnVja2V0In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIka2V5IiwgInVzZXIv",
            "dXNlcjEvIl0sDQogICAgeyJhY2wiOiAicHVibGljLXJlYWQifSwNCiAgICB7InN1Y2Nlc3NfYWN0aW9uX3JlZGly",
            "ZWN0IjogImh0dHA6Ly9leGFtcGxlYnVja2V0LnMzLmFtYXpvbmF3cy5jb20vc3VjY2Vzc2Z1bF91cGxvYWQuaHRt",
            "bCJ9LA0KICAgIFsic3RhcnRzLXdpdGgiLCAiJENvbnRlbnQtVHlwZSIsICJpbWFnZS8iXSwNCiAgICB7IngtYW16",
            "LW1ldGEtdXVpZCI6ICIxNDM2NTEyMzY1MTI3NCJ9LA0KICAgIFsic3RhcnRzLXdpdGgiLCAiJHgtYW16LW1ldGEt",
            "dGFnIiwgIiJdLA0KDQogICAgeyJ4LWFtei1jcmVkZW50aWFsIjogIkFLSUFJT1NGT0ROTjdFWEFNUExFLzIwMTMw",
            "ODA2L3VzLWVhc3QtMS9zMy9hd3M0X3JlcXVlc3QifSwNCiAgICB7IngtYW16LWFsZ29yaXRobSI6ICJBV1M0LUhN",
            "QUMtU0hBMjU2In0sDQogICAgeyJ4LWFtei1kYXRlIjogIjIwMTMwODA2VDAwMDAwMFoiIH0NCiAgXQ0KfQ==",
        );
        assert_eq!(
            sign_policy(
                policy,
                "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                at(2013, 8, 6, 0),
                "us-east-1"
            ),
            "21496b44de44ccb73d545f1a995c68214c9cb0d41c45a17a5daeec0b1a6db047"
        );
    }

    fn rules() -> PostRules<'static> {
        PostRules {
            bucket: "evidence",
            key: "uploads/abc/1.jpg",
            content_type: "image/jpeg",
            max_bytes: 2048,
            tagging: "<Tagging><TagSet><Tag><Key>claim</Key><Value>pending</Value></Tag></TagSet></Tagging>",
        }
    }

    #[test]
    fn the_policy_binds_key_type_size_tag_and_expiry() {
        let credentials = SigningCredentials {
            access_key_id: "AKIDEXAMPLE",
            secret_access_key: "secret",
            session_token: Some("token"),
        };
        let form = presign_post(
            "https://evidence.s3.cn-north-1.amazonaws.com.cn/".into(),
            &rules(),
            &credentials,
            "cn-north-1",
            at(2026, 11, 25, 4),
            Duration::from_secs(900),
        );
        let policy: Value = serde_json::from_slice(&STANDARD.decode(&form.fields["policy"]).unwrap()).unwrap();
        assert_eq!(policy["expiration"], "2026-11-25T04:15:00Z");
        let conditions = policy["conditions"].as_array().unwrap();
        for expected in [
            json!({"key": "uploads/abc/1.jpg"}),
            json!({"Content-Type": "image/jpeg"}),
            json!(["content-length-range", 1, 2048]),
            json!({"tagging": rules().tagging}),
            json!({"bucket": "evidence"}),
            json!({"x-amz-credential": "AKIDEXAMPLE/20261125/cn-north-1/s3/aws4_request"}),
            json!({"x-amz-date": "20261125T040000Z"}),
            json!({"x-amz-security-token": "token"}),
        ] {
            assert!(conditions.contains(&expected), "{expected}");
        }
        // Every field S3 receives, but the policy and the signature, is a condition of the policy.
        for (name, value) in &form.fields {
            if name != "policy" && name != "x-amz-signature" {
                assert!(conditions.contains(&json!({ name: value })), "{name}");
            }
        }
        assert_eq!(
            form.fields["x-amz-signature"],
            sign_policy(&form.fields["policy"], "secret", at(2026, 11, 25, 4), "cn-north-1")
        );
    }

    #[test]
    fn tagging_is_an_s3_tagging_document() {
        assert_eq!(tagging_document(&[("claim", "pending")]), rules().tagging);
    }

    #[test]
    fn the_bucket_url_is_the_object_url_without_its_key() {
        assert_eq!(
            bucket_url(
                "http://127.0.0.1:5000/evidence/uploads/abc/1.jpg?X-Amz-Date=1",
                "uploads/abc/1.jpg"
            )
            .as_deref(),
            Some("http://127.0.0.1:5000/evidence/")
        );
        assert_eq!(
            bucket_url(
                "https://evidence.s3.us-east-1.amazonaws.com/uploads/abc/1.jpg?x=1",
                "uploads/abc/1.jpg"
            )
            .as_deref(),
            Some("https://evidence.s3.us-east-1.amazonaws.com/")
        );
        assert_eq!(bucket_url("https://h/other?x=1", "uploads/abc/1.jpg"), None);
    }
}
