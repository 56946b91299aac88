//! The API as a test calls it: requests by method and path with a caller's token, the answer
//! read once (status, headers, JSON, text), and the steps most tests take (upload, submit, act).

use super::{Env, form, serial};
use serde_json::{Value, json};
use shared::domain::report::serial::Serial;
use std::fmt::Display;

impl Env {
    pub async fn call(&self, method: &str, path: &str, token: Option<&str>, body: Option<&Value>) -> Reply {
        self.call_with(method, path, token, body, &[]).await
    }

    pub async fn call_with(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        Reply::of(request.send().await.expect("request")).await
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call("GET", path, token, None).await
    }

    /// `get` for a path built on the spot.
    pub async fn get_path(&self, path: String, token: Option<&str>) -> Reply {
        self.call("GET", &path, token, None).await
    }

    /// The serials of a citizen's reports (我的投诉), newest first.
    pub async fn my_serials(&self, token: &str) -> Vec<Serial> {
        let reply = self.get("/v1/me/reports?limit=50", Some(token)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.serials()
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.call("POST", path, Some(token), Some(body)).await
    }

    /// A POST of a file's bytes as they are (a registry CSV, say).
    pub async fn post_bytes(&self, path: &str, token: &str, content_type: &str, bytes: Vec<u8>) -> Reply {
        let request = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .header("content-type", content_type)
            .body(bytes);
        Reply::of(request.send().await.expect("request")).await
    }

    /// Asks for presigned PUTs and performs them with `files` (content type, bytes).
    pub async fn upload(&self, token: &str, kind: &str, files: &[(&str, &[u8])]) -> Vec<String> {
        let declared: Vec<Value> = files
            .iter()
            .map(|(t, b)| json!({"content_type": t, "size": b.len()}))
            .collect();
        let reply = self
            .post("/v1/uploads", token, &json!({"kind": kind, "files": declared}))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.body);
        let mut keys = Vec::new();
        for (upload, (content_type, bytes)) in reply.body["uploads"].as_array().expect("uploads").iter().zip(files) {
            // As a client must: the signed headers as given (content-length comes with the body).
            let mut put = self.http.put(upload["url"].as_str().expect("url")).body(bytes.to_vec());
            for (name, value) in upload["headers"].as_object().expect("headers") {
                if name != "content-length" {
                    put = put.header(name.as_str(), value.as_str().expect("header value"));
                }
            }
            assert_eq!(upload["headers"]["content-type"], *content_type);
            let put = put.send().await.expect("put");
            assert!(put.status().is_success(), "PUT answered {}", put.status());
            keys.push(upload["key"].as_str().expect("key").to_owned());
        }
        keys
    }

    // The helpers taking a closure or any serial are plain functions in front of one async
    // function each: an async fn generic over every test's closure would be compiled once per
    // call site (seconds of the test binary's build).

    /// Submits the standard form as `citizen` after `change` (the test's own differences).
    pub fn try_submit(&self, citizen: &str, change: impl FnOnce(&mut Value)) -> impl Future<Output = Reply> {
        self.post_report(citizen.to_owned(), changed(change))
    }

    /// `try_submit` that must succeed: the new report's serial.
    pub fn submit(&self, citizen: &str, change: impl FnOnce(&mut Value)) -> impl Future<Output = Serial> {
        self.submit_form(citizen.to_owned(), changed(change))
    }

    async fn post_report(&self, citizen: String, body: Value) -> Reply {
        self.post("/v1/reports", &citizen, &body).await
    }

    async fn submit_form(&self, citizen: String, body: Value) -> Serial {
        let reply = self.post_report(citizen, body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        reply.serial()
    }

    /// A submission with an `Idempotency-Key`, as a client retrying it sends it.
    pub async fn submit_keyed(&self, citizen: &str, key: &str, body: &Value) -> Reply {
        self.call_with(
            "POST",
            "/v1/reports",
            Some(citizen),
            Some(body),
            &[("idempotency-key", key)],
        )
        .await
    }

    /// `staff` asks for a link to the original of file `n` (from 1): 查看原图.
    pub async fn original(&self, staff: &str, serial: impl Display, n: usize) -> Reply {
        self.post(
            &format!("/v1/staff/reports/{serial}/evidence/{n}/original"),
            staff,
            &json!({}),
        )
        .await
    }

    /// `staff` takes `action` on the report (at its stored version unless the action names one).
    pub fn act(&self, staff: &str, serial: impl Display, action: Value) -> impl Future<Output = Reply> {
        self.act_on(staff.to_owned(), serial.to_string(), action)
    }

    async fn act_on(&self, staff: String, serial: String, mut action: Value) -> Reply {
        if action.get("version").is_none() {
            action["version"] = json!(self.stored(&serial).await.version);
        }
        self.post(&format!("/v1/staff/reports/{serial}/actions"), &staff, &action)
            .await
    }
}

/// The standard form after `change`.
fn changed(change: impl FnOnce(&mut Value)) -> Value {
    let mut body = form();
    change(&mut body);
    body
}

#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Reply {
    async fn of(response: reqwest::Response) -> Reply {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
            text,
        }
    }

    /// An error's `code`, or empty.
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or_default()
    }

    /// An error's `field`, if it names one.
    pub fn field(&self) -> Option<&str> {
        self.body["field"].as_str()
    }

    /// The serial of a receipt (`serial`).
    pub fn serial(&self) -> Serial {
        serial(
            self.body["serial"]
                .as_str()
                .unwrap_or_else(|| panic!("no serial: {}", self.text)),
        )
    }

    /// The serials of a list answer (`items[].serial`), in order.
    pub fn serials(&self) -> Vec<Serial> {
        self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {}", self.text))
            .iter()
            .map(|i| serial(i["serial"].as_str().expect("serial")))
            .collect()
    }

    /// Asserts the JSON error shape and returns its code.
    pub fn error_code(&self, status: u16) -> &str {
        assert_eq!(self.status, status, "{}", self.text);
        let message = self.body["message"]
            .as_str()
            .unwrap_or_else(|| panic!("no message: {}", self.text));
        assert!(
            message.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "message is not Chinese: {message}"
        );
        self.body["code"]
            .as_str()
            .unwrap_or_else(|| panic!("no code: {}", self.text))
    }
}
