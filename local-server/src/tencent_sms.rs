//! A local stand-in for Tencent Cloud SMS's `SendSms` (API 3.0), so that `SMS_PROVIDER=tencent`
//! runs end to end on one machine: it checks every request as the provider does (action, version,
//! region, the TC3-HMAC-SHA256 signature and its age, the application, signature name, a
//! registered template and its parameter), answers in the provider's shapes and error codes,
//! applies per-phone frequency limits, and lists what it "sent" at `GET /_local/sms` (the same
//! listing moto gives for SNS).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::adapters::sms::tc3;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// What the stand-in accepts: the account as registered with the provider.
#[derive(Debug, Clone)]
pub struct Account {
    pub secret_id: String,
    pub secret_key: String,
    pub app_id: String,
    pub sign_name: String,
    /// Registered templates: id → text with `{1}`, `{2}`, … for the parameters.
    pub templates: HashMap<String, String>,
    /// How many messages one phone may get in 30 seconds, and in a day.
    pub per_phone_30s: usize,
    pub per_phone_daily: usize,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct Sent {
    pub phone_number: String,
    pub message: String,
}

struct Stand {
    account: Account,
    /// Every accepted message with its time, oldest first.
    sent: Mutex<Vec<(i64, Sent)>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SendSms {
    phone_number_set: Vec<String>,
    sms_sdk_app_id: String,
    sign_name: String,
    template_id: String,
    #[serde(default)]
    template_param_set: Vec<String>,
}

fn error(code: &str, message: &str) -> axum::Json<Value> {
    axum::Json(
        json!({"Response": {"Error": {"Code": code, "Message": message}, "RequestId": uuid::Uuid::new_v4().to_string()}}),
    )
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
}

async fn send_sms(State(stand): State<Arc<Stand>>, headers: HeaderMap, body: Bytes) -> axum::Json<Value> {
    let account = &stand.account;
    if header(&headers, "x-tc-action") != "SendSms" {
        return error("InvalidAction", "only SendSms is offered here");
    }
    if header(&headers, "x-tc-version") != "2021-01-11" || header(&headers, "x-tc-region").is_empty() {
        return error(
            "InvalidParameter",
            "X-TC-Version 2021-01-11 and X-TC-Region are required",
        );
    }
    let Ok(timestamp) = header(&headers, "x-tc-timestamp").parse::<i64>() else {
        return error("MissingParameter", "X-TC-Timestamp");
    };
    let now = chrono::Utc::now().timestamp();
    if (now - timestamp).abs() > 300 {
        return error("AuthFailure.SignatureExpire", "the request is more than 5 minutes old");
    }
    let Ok(payload) = std::str::from_utf8(&body) else {
        return error("InvalidParameter", "the body is not UTF-8");
    };
    let expected = tc3::authorization(
        &account.secret_id,
        &account.secret_key,
        "sms",
        header(&headers, "host"),
        payload,
        timestamp,
    );
    if header(&headers, "content-type") != tc3::CONTENT_TYPE || header(&headers, "authorization") != expected {
        return error("AuthFailure.SignatureFailure", "the signature does not match");
    }
    let Ok(request) = serde_json::from_str::<SendSms>(payload) else {
        return error("InvalidParameter", "the body is not a SendSms request");
    };
    if request.sms_sdk_app_id != account.app_id {
        return error("FailedOperation.SdkAppIdNotExist", "no such SmsSdkAppId");
    }
    if request.sign_name != account.sign_name {
        return error(
            "FailedOperation.SignatureIncorrectOrUnapproved",
            "the signature is not approved",
        );
    }
    let Some(template) = account.templates.get(&request.template_id) else {
        return error(
            "FailedOperation.TemplateIncorrectOrUnapproved",
            "the template is not approved",
        );
    };
    // As many parameters as the template has placeholders, `{1}`, `{2}`, …
    let wanted = (1..=9).take_while(|n| template.contains(&format!("{{{n}}}"))).count();
    if request.template_param_set.len() != wanted {
        return error(
            "InvalidParameterValue.TemplateParameterFormatError",
            "the parameters do not match the template's",
        );
    }
    let filled = request
        .template_param_set
        .iter()
        .enumerate()
        .fold(template.clone(), |text, (i, param)| {
            text.replace(&format!("{{{}}}", i + 1), param)
        });
    let mut statuses = Vec::new();
    let mut sent = stand.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    for phone in &request.phone_number_set {
        let count = |since: i64| {
            sent.iter()
                .filter(|(at, s)| *at > since && s.phone_number == *phone)
                .count()
        };
        let code = if !(phone.starts_with("+86") && phone.len() == 14) {
            "InvalidParameterValue.IncorrectPhoneNumber"
        } else if count(now - 30) >= account.per_phone_30s {
            "LimitExceeded.PhoneNumberThirtySecondLimit"
        } else if count(now - 24 * 3600) >= account.per_phone_daily {
            "LimitExceeded.PhoneNumberDailyLimit"
        } else {
            "Ok"
        };
        if code == "Ok" {
            let message = format!("【{}】{}", account.sign_name, filled);
            sent.push((
                now,
                Sent {
                    phone_number: phone.clone(),
                    message,
                },
            ));
        }
        statuses.push(json!({
            "SerialNo": uuid::Uuid::new_v4().to_string(),
            "PhoneNumber": phone,
            "Fee": i32::from(code == "Ok"),
            "SessionContext": "",
            "Code": code,
            "Message": if code == "Ok" { "send success" } else { "refused" },
            "IsoCode": "CN",
        }));
    }
    axum::Json(json!({"Response": {"SendStatusSet": statuses, "RequestId": uuid::Uuid::new_v4().to_string()}}))
}

async fn listing(State(stand): State<Arc<Stand>>) -> axum::Json<Value> {
    let sent = stand.sent.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let items: Vec<&Sent> = sent.iter().map(|(_, s)| s).collect();
    axum::Json(json!({ "items": items }))
}

pub fn router(account: Account) -> Router {
    let stand = Arc::new(Stand {
        account,
        sent: Mutex::new(Vec::new()),
    });
    Router::new()
        .route("/", post(send_sms))
        .route("/_local/sms", get(listing))
        .with_state(stand)
}
