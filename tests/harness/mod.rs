//! The integration harness: each test gets its own table on the shared DynamoDB Local (named by
//! `DYNAMODB_ENDPOINT`) and its own bucket on the shared moto server (`MOTO_ENDPOINT`, for S3 and
//! SNS), both of which `scripts/test` starts, and its own local API server on an ephemeral port,
//! so tests run in parallel without seeing each other's data.

pub mod faults;
mod lambda;

pub use lambda::{api_event, citizen_claims};

use faults::Faults;
use local_server::gateway::Local;
use local_server::stream::StreamFeeder;
use local_server::{aws, provision, tokens};
use notify::Notifier;
use serde_json::{Value, json};
use shared::adapters::dynamo::SaveOutcome;
use shared::adapters::sms::{SmsSender, e164};
use shared::adapters::sns::Sns;
use shared::app::{App, Settings};
use shared::domain::directory::Directory;
use shared::domain::directory::regions::Regions;
use shared::domain::report::timeline::Actor;
use shared::domain::report::{Finding, Report};
use std::collections::HashMap;
use std::path::PathBuf;
use tokio::sync::Mutex;

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

pub fn dynamodb_endpoint() -> String {
    std::env::var("DYNAMODB_ENDPOINT").unwrap_or_else(|_| {
        panic!("DYNAMODB_ENDPOINT is not set: run scripts/test, or start DynamoDB Local and export DYNAMODB_ENDPOINT")
    })
}

/// One isolated environment: table, bucket, app, a local API server, and the table's stream
/// feeding `notify` on demand.
pub struct Env {
    pub app: &'static App,
    pub base: String,
    pub http: reqwest::Client,
    /// moto's S3 and SNS.
    pub sdk: aws_config::SdkConfig,
    /// DynamoDB Local's table and stream.
    pub table_sdk: aws_config::SdkConfig,
    issuer: tokens::Issuer,
    feeder: Mutex<StreamFeeder>,
    /// Duty phones of this environment's agencies (unique to it, so SMS can be told apart).
    pub duty_phones: HashMap<String, String>,
    phone_seed: u64,
    /// The faults between this environment's clients and the local AWS (with `Options::faults`).
    pub faults: Faults,
}

/// The demo directory with duty phones unique to one environment.
fn directory(seed: u64) -> (&'static Directory, HashMap<String, String>) {
    let mut csv = String::from("region,department,agency_id,agency_name,phones,public_phone\n");
    let mut phones = HashMap::new();
    for (i, line) in read_repo_file("local-server/data/demo-agencies.csv")
        .lines()
        .skip(1)
        .enumerate()
    {
        let fields: Vec<&str> = line.split(',').collect();
        let phone = format!("15{:09}", (seed * 100 + i as u64) % 1_000_000_000);
        phones.insert(fields[2].to_owned(), phone.clone());
        csv.push_str(&format!(
            "{},{},{},{},{phone},{}\n",
            fields[0], fields[1], fields[2], fields[3], fields[5]
        ));
    }
    let regions = Regions::from_csv(&read_repo_file("shared/data/hubei-regions.csv")).expect("regions");
    let directory = Directory::new(regions).with_agencies_csv(&csv).expect("directory");
    (Box::leak(Box::new(directory)), phones)
}

pub struct Options {
    pub reports_per_day: u32,
    pub uploads_per_day: u32,
    pub reads_per_minute: u32,
    /// Rows per part of an export.
    pub export_rows: usize,
    /// Reach the local AWS through fault-injecting proxies (`Env::faults` sets the faults), with
    /// Lambda's SDK timeouts.
    pub faults: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            reports_per_day: 20,
            uploads_per_day: 60,
            reads_per_minute: 60,
            export_rows: shared::app::MAX_EXPORT_ROWS,
            faults: false,
        }
    }
}

impl Env {
    pub async fn new() -> Env {
        Env::with(Options::default()).await
    }

    pub async fn with(options: Options) -> Env {
        shared::adapters::install_tls_provider();
        let uuid = uuid::Uuid::new_v4();
        let id = uuid.simple().to_string();
        let mut settings = Settings::local(&format!("t-{id}"), &format!("b-{id}"));
        settings.reports_per_day = options.reports_per_day;
        settings.uploads_per_day = options.uploads_per_day;
        settings.reads_per_minute = options.reads_per_minute;
        settings.export_rows = options.export_rows;
        let (directory, duty_phones) = directory(uuid.as_u64_pair().0 % 10_000_000);
        let faults = Faults::default();
        let (moto, dynamodb) = if options.faults {
            (
                faults::start(moto_endpoint(), faults.clone()).await,
                faults::start(dynamodb_endpoint(), faults.clone()).await,
            )
        } else {
            (moto_endpoint(), dynamodb_endpoint())
        };
        let (sdk, table_sdk) = if options.faults {
            (
                aws::lambda_sdk_config(&moto).await,
                aws::lambda_sdk_config(&dynamodb).await,
            )
        } else {
            (aws::sdk_config(&moto).await, aws::sdk_config(&dynamodb).await)
        };
        let app: &'static App = Box::leak(Box::new(App::with_table_sdk(&sdk, &table_sdk, settings, directory)));
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
            sms_endpoint: moto_endpoint(),
            sites: Vec::new(),
        });
        tokio::spawn(async move { axum::serve(listener, router).await });
        let feeder = StreamFeeder::new(
            aws_sdk_dynamodbstreams::Client::new(&table_sdk),
            app.records.client().clone(),
            app.records.table(),
        );
        Env {
            app,
            base,
            http: reqwest::Client::new(),
            sdk,
            table_sdk,
            issuer,
            feeder: Mutex::new(feeder),
            duty_phones,
            phone_seed: uuid.as_u64_pair().1,
            faults,
        }
    }

    /// The stored report of a serial the API answered with.
    pub async fn stored(&self, serial: &str) -> Report {
        self.app
            .records
            .report(&self::serial(serial))
            .await
            .unwrap()
            .expect("stored report")
    }

    /// The stored report and its timeline.
    pub async fn stored_with_timeline(&self, serial: &str) -> (Report, Vec<shared::domain::report::timeline::Event>) {
        self.app
            .records
            .report_with_timeline(&self::serial(serial))
            .await
            .unwrap()
            .expect("stored report")
    }

    /// `notify` as deployed, with a given sender.
    pub fn notifier<S: SmsSender>(&self, sender: S) -> Notifier<S> {
        Notifier::new(self.app.records.clone(), self.app.directory, &self.app.settings, sender)
    }

    /// A new secret in Secrets Manager (moto) holding `value`; its ARN.
    pub async fn secret(&self, value: &str) -> String {
        aws_sdk_secretsmanager::Client::new(&self.sdk)
            .create_secret()
            .name(format!("t-{}", uuid::Uuid::new_v4()))
            .secret_string(value)
            .send()
            .await
            .expect("secret")
            .arn()
            .expect("arn")
            .to_owned()
    }

    /// Every SMS not sent yet, as `unsent_sms` holds them.
    pub async fn unsent_sms(&self) -> Vec<shared::adapters::dynamo::UnsentSms> {
        self.app
            .records
            .unsent_sms(chrono::Utc::now().timestamp() + 1)
            .await
            .expect("unsent_sms")
    }

    /// The `state` of the SMS record `key`.
    pub async fn sms_state(&self, key: &str) -> Option<String> {
        use aws_sdk_dynamodb::types::AttributeValue::S;
        let records = &self.app.records;
        let item = records
            .client()
            .get_item()
            .table_name(records.table())
            .key("pk", S(key.to_owned()))
            .key("sk", S("SMS".into()))
            .send()
            .await
            .expect("get_item")
            .item?;
        item.get("state")?.as_s().ok().cloned()
    }

    pub fn sns(&self) -> Sns {
        Sns::new(aws_sdk_sns::Client::new(&self.sdk))
    }

    /// Hands every stream record not yet delivered to `notify` (with SNS), as Lambda would.
    pub async fn deliver_stream(&self) -> usize {
        let notifier = self.notifier(self.sns());
        self.feeder.lock().await.deliver(&notifier).await.expect("stream")
    }

    /// The stream records not yet delivered, as stream events, without delivering them.
    pub async fn pending_stream(&self) -> Vec<aws_lambda_events::event::dynamodb::Event> {
        self.feeder
            .lock()
            .await
            .pending()
            .await
            .expect("stream")
            .into_iter()
            .map(|(_, e)| e)
            .collect()
    }

    /// The texts SNS sent to `phone` (in any form), oldest first.
    pub async fn sms_to(&self, phone: &str) -> Vec<String> {
        let wanted = e164(phone).expect("a mobile number");
        let sent = local_server::sms::sent(&moto_endpoint()).await.expect("sms");
        sent.into_iter()
            .filter(|s| s.phone_number == wanted)
            .map(|s| s.message)
            .collect()
    }

    /// A staff token: `role` is handler, city or province.
    pub fn staff(&self, role: &str, agency: &str, region: &str) -> String {
        let request = tokens::TokenRequest {
            role: Some("staff".into()),
            sub: Some(format!("staff-{role}-{agency}-{region}")),
            name: Some(format!("{region}工作人员")),
            phone: None,
            agency: Some(agency.into()),
            region: Some(region.into()),
            staff_role: Some(role.into()),
        };
        self.issuer
            .issue(&request, chrono::Utc::now().timestamp())
            .expect("token")
            .0
    }

    /// The mobile number of citizen `sub` in this environment (unique to it, so that SMS to it
    /// can be told apart from other tests' on the shared local AWS).
    pub fn phone_of(&self, sub: &str) -> String {
        let mut hash: u64 = self.phone_seed;
        for b in sub.bytes() {
            hash = hash.wrapping_mul(31).wrapping_add(u64::from(b));
        }
        format!("139{:08}", hash % 100_000_000)
    }

    /// A citizen token for `sub`, with a name and phone derived from it.
    pub fn citizen(&self, sub: &str) -> String {
        let request = tokens::TokenRequest {
            role: Some("citizen".into()),
            sub: Some(sub.into()),
            name: Some(format!("测试{sub}")),
            phone: Some(self.phone_of(sub)),
            agency: None,
            region: None,
            staff_role: None,
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

    /// `get` for a path built on the spot.
    pub async fn get_path(&self, path: String, token: Option<&str>) -> Reply {
        self.call("GET", &path, token, None).await
    }

    /// The serials of a citizen's reports (我的投诉), newest first.
    pub async fn my_serials(&self, token: &str) -> Vec<String> {
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

    /// A report (the standard form) submitted `days_ago`, written straight to the store: its
    /// deadlines long past, so it is overdue.
    pub async fn old_report(&self, days_ago: i64, sub: &str) -> String {
        use shared::adapters::dynamo::{CreateOutcome, NewReport};
        use shared::domain::report::Reporter;
        use shared::domain::report::deadlines::Deadlines;
        use shared::domain::report::input::{ReportInput, validate};
        use shared::domain::report::serial::Serial;
        let at = shared::domain::time::now_cst() - chrono::Duration::days(days_ago);
        let reporter = Reporter {
            sub: sub.into(),
            name: "旧".into(),
            phone: shared::domain::report::phone::Phone::new("13700000000"),
        };
        let input: ReportInput = serde_json::from_value(form()).expect("the form");
        let draft = validate(&input, self.app.directory, sub).expect("a valid form");
        let deadlines = Deadlines::new(&self.app.settings.deadlines, self.app.calendar, &at, at);
        let serial = Serial::new(&at, 1);
        let (report, event) = Report::submit(serial.clone(), draft, reporter, None, deadlines, at);
        let new = NewReport {
            report: &report,
            event: &event,
            idempotency: None,
            uploads: &[],
            owner: "",
            quota_day: "old",
            quota_limit: 100,
            now_epoch: at.timestamp(),
        };
        assert_eq!(
            self.app.records.create_report(&new).await.expect("create"),
            CreateOutcome::Created
        );
        serial.to_string()
    }

    /// Signs for, replies to and (optionally) publishes a report through the domain and the
    /// store, as the agency side will.
    pub async fn answer(&self, serial: &str, publish: bool) -> Report {
        let report = self.stored(serial).await;
        let staff = Actor::staff(
            "测试工作人员",
            &report.assignment.agency_id,
            &report.assignment.agency_name,
        );
        let now = shared::domain::time::now_cst();
        let mut steps = vec![];
        let (accepted, e1) = report.accept(staff.clone(), now).expect("accept");
        steps.push((report.clone(), accepted.clone(), e1));
        let (replied, e2) = accepted
            .reply(
                staff.clone(),
                Finding::Substantiated,
                "经核查投诉属实,已责令停止违规培训",
                now,
            )
            .expect("reply");
        steps.push((accepted.clone(), replied.clone(), e2));
        let mut last = replied.clone();
        if publish {
            let (published, e3) = replied
                .publish(staff, Some("该机构已被责令停止违规培训".into()), now)
                .expect("publish");
            steps.push((replied.clone(), published.clone(), e3));
            last = published;
        }
        for (before, next, event) in steps {
            assert_eq!(
                self.app.records.save(&before, &next, &event).await.expect("save"),
                SaveOutcome::Saved
            );
        }
        last
    }
}

/// A valid report form; tests change what they test.
/// A serial from an answer's text, parsed as the API parses one.
pub fn serial(text: &str) -> shared::domain::report::serial::Serial {
    shared::domain::report::serial::Serial::parse(text).unwrap_or_else(|| panic!("not a serial: {text}"))
}

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
        "location": {"lat": 30.55, "lng": 114.31},
        "notice_version": shared::domain::directory::catalog::Catalog::get().notice.version
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

    /// The serials of a list answer (`items[].serial`), in order.
    pub fn serials(&self) -> Vec<String> {
        self.body["items"]
            .as_array()
            .unwrap_or_else(|| panic!("not a list: {}", self.text))
            .iter()
            .map(|i| i["serial"].as_str().expect("serial").to_owned())
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
