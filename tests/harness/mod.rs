//! The integration harness: each test gets its own table and bucket on the shared moto server
//! (named by `MOTO_ENDPOINT`, which `scripts/test` starts), and its own local API server on an
//! ephemeral port, so tests run in parallel without seeing each other's data.

use local_server::gateway::Local;
use local_server::{aws, provision, tokens};
use serde_json::{Value, json};
use shared::adapters::dynamo::SaveOutcome;
use shared::app::{App, Settings};
use shared::domain::report::{Finding, Report};
use shared::domain::timeline::Actor;
use std::path::PathBuf;
use std::time::Duration;

pub const JPEG: &[u8] = include_bytes!("../fixtures/evidence.jpg");

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn read_repo_file(path: &str) -> String {
    std::fs::read_to_string(repo_root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

pub fn moto_endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!("MOTO_ENDPOINT is not set: run scripts/test, or start moto_server and export MOTO_ENDPOINT")
    })
}

/// One isolated environment: table, bucket, app and a local API server.
pub struct Env {
    pub app: &'static App,
    pub base: String,
    pub http: reqwest::Client,
    issuer: tokens::Issuer,
}

pub struct Options {
    pub reports_per_day: u32,
}

impl Default for Options {
    fn default() -> Options {
        Options { reports_per_day: 20 }
    }
}

impl Env {
    pub async fn new() -> Env {
        Env::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Env {
        let id = uuid::Uuid::new_v4().simple().to_string();
        let settings = Settings {
            table: format!("t-{id}"),
            bucket: format!("b-{id}"),
            s3_path_style: true,
            reports_per_day: options.reports_per_day,
            upload_url_ttl: Duration::from_secs(900),
            evidence_url_ttl: Duration::from_secs(300),
        };
        let sdk = aws::sdk_config(&moto_endpoint()).await;
        let app: &'static App = Box::leak(Box::new(App::new(&sdk, settings)));
        let definition = provision::table_definition(&read_repo_file("infra/template.yaml")).expect("template table");
        provision::create_table(app.records.client(), app.records.table(), &definition)
            .await
            .expect("create table");
        provision::create_bucket(app.evidence.client(), app.evidence.bucket(), aws::LOCAL_REGION)
            .await
            .expect("create bucket");
        let issuer = tokens::Issuer::new(id.as_bytes());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let router = local_server::router(Local {
            app,
            issuer: issuer.clone(),
        });
        tokio::spawn(async move { axum::serve(listener, router).await });
        Env {
            app,
            base,
            http: reqwest::Client::new(),
            issuer,
        }
    }

    /// A citizen token for `sub`, with a name and phone derived from it.
    pub fn citizen(&self, sub: &str) -> String {
        let request = tokens::TokenRequest {
            role: Some("citizen".into()),
            sub: Some(sub.into()),
            name: Some(format!("测试{sub}")),
            phone: Some(phone_of(sub)),
        };
        self.issuer
            .issue(&request, chrono::Utc::now().timestamp())
            .expect("token")
            .0
    }

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

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.call("POST", path, Some(token), Some(body)).await
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
            let put = self
                .http
                .put(upload["url"].as_str().expect("url"))
                .header("content-type", *content_type)
                .body(bytes.to_vec())
                .send()
                .await
                .expect("put");
            assert!(put.status().is_success(), "PUT answered {}", put.status());
            keys.push(upload["key"].as_str().expect("key").to_owned());
        }
        keys
    }

    /// Signs for, replies to and (optionally) publishes a report through the domain and the
    /// store, as the agency side will.
    pub async fn answer(&self, serial: &str, publish: bool) -> Report {
        let report = self
            .app
            .records
            .report(serial)
            .await
            .expect("read")
            .expect("report exists");
        let staff = Actor::staff(
            "测试工作人员",
            &report.assignment.agency_id,
            &report.assignment.agency_name,
        );
        let now = shared::domain::time::now_cst();
        let mut steps = vec![];
        let (accepted, e1) = report.accept(staff.clone(), now).expect("accept");
        steps.push((report.version, accepted.clone(), e1));
        let (replied, e2) = accepted
            .reply(
                staff.clone(),
                Finding::Substantiated,
                "经核查投诉属实,已责令停止违规培训",
                now,
            )
            .expect("reply");
        steps.push((accepted.version, replied.clone(), e2));
        let mut last = replied.clone();
        if publish {
            let (published, e3) = replied
                .publish(staff, Some("该机构已被责令停止违规培训".into()), now)
                .expect("publish");
            steps.push((replied.version, published.clone(), e3));
            last = published;
        }
        for (version, next, event) in steps {
            assert_eq!(
                self.app.records.save(version, &next, &event).await.expect("save"),
                SaveOutcome::Saved
            );
        }
        last
    }
}

pub fn phone_of(sub: &str) -> String {
    let digits: String = sub.bytes().map(|b| char::from(b'0' + b % 10)).collect();
    format!("139{:0>8}", &digits[digits.len().saturating_sub(8)..])
}

/// A valid report form; tests change what they test.
pub fn form() -> Value {
    json!({
        "target": "某某教育咨询有限公司",
        "city": "420100",
        "county": "420106",
        "address": "中南路1号3楼",
        "category": "academic",
        "violation_types": ["unlicensed", "holiday"],
        "content": "周末在居民楼内组织初中数学培训",
        "public": true,
        "location": {"lat": 30.55, "lng": 114.31}
    })
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
