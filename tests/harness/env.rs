//! One isolated environment per test: its own table on the shared DynamoDB Local, its own bucket
//! on the shared moto, its own local API server on an ephemeral port, the table's stream feeding
//! `notify` on demand, and the store read directly where a test checks what was written.

use super::faults::{self, Faults};
use super::{dynamodb_endpoint, form, moto_endpoint, read_repo_file};
use local_server::gateway::Local;
use local_server::stream::StreamFeeder;
use local_server::{aws, provision, tokens};
use notify::Notifier;
use shared::adapters::cognito::StaffPool;
use shared::adapters::dynamo::{CalendarSource, ReportRecord, SaveOutcome};
use shared::adapters::sms::{SmsSender, e164};
use shared::adapters::sns::Sns;
use shared::app::{App, Settings};
use shared::domain::calendar::Calendar;
use shared::domain::calendar::year::HolidayYear;
use shared::domain::directory::Directory;
use shared::domain::directory::regions::Regions;
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::{Actor, Event};
use shared::domain::report::{Finding, Report};
use std::collections::HashMap;
use std::fmt::Display;
use std::sync::atomic::AtomicU64;
use tokio::sync::Mutex;

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
    pub(super) issuer: tokens::Issuer,
    feeder: Mutex<StreamFeeder>,
    /// The `evidence` function's own position in the stream.
    evidence_feeder: Mutex<StreamFeeder>,
    /// Duty phones of this environment's agencies (unique to it, so SMS can be told apart).
    pub duty_phones: HashMap<String, String>,
    pub(super) phone_seed: u64,
    /// How many callers this environment has made, so that each new one is someone else.
    pub(super) callers: AtomicU64,
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
    let regions = Regions::hubei().expect("regions");
    let directory = Directory::new(regions).with_agencies_csv(&csv).expect("directory");
    (Box::leak(Box::new(directory)), phones)
}

/// The staff pool's client configuration: a global region's, as user pools exist only there (the
/// local AWS's region is China's).
pub fn pool_config(sdk: &aws_config::SdkConfig) -> aws_sdk_cognitoidentityprovider::config::Builder {
    aws_sdk_cognitoidentityprovider::config::Builder::from(sdk).region(aws_config::Region::new("ap-east-1"))
}

/// A user pool on moto shaped as the template's: the mobile is the username.
async fn staff_pool(sdk: &aws_config::SdkConfig, id: &str) -> String {
    use aws_sdk_cognitoidentityprovider::types::UsernameAttributeType;
    aws_sdk_cognitoidentityprovider::Client::from_conf(pool_config(sdk).build())
        .create_user_pool()
        .pool_name(format!("staff-{id}"))
        .username_attributes(UsernameAttributeType::PhoneNumber)
        .send()
        .await
        .expect("user pool")
        .user_pool()
        .and_then(|p| p.id())
        .expect("pool id")
        .to_owned()
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
    /// A staff user pool on moto, as the global regions' deployment has (人员管理 creates and
    /// disables its users); without it, the roster alone decides, as with a province's issuer.
    pub staff_pool: bool,
    /// A province file that holds this year but not next, whatever the embedded file holds (this
    /// year without holidays if it lacks it): deadlines reaching next year are counted without
    /// it until 节假日 enters it.
    pub without_next_year: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            reports_per_day: 20,
            uploads_per_day: 60,
            reads_per_minute: 60,
            export_rows: shared::app::MAX_EXPORT_ROWS,
            faults: false,
            staff_pool: false,
            without_next_year: false,
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
        settings.signing_key = Some(provision::create_signing_key(&sdk).await.expect("signing key"));
        if options.staff_pool {
            settings.staff_pool_id = Some(staff_pool(&sdk, &id).await);
        }
        let mut app = aws::app(&sdk, &table_sdk, settings, directory);
        if options.without_next_year {
            let this = chrono::Datelike::year(&shared::domain::time::now_cst());
            let mut file = Calendar::current().without(&[this + 1]);
            if !file.covers(this) {
                file = file.with_entered(&[HolidayYear {
                    year: this,
                    holidays: Vec::new(),
                    workdays: Vec::new(),
                    version: 1,
                    changed_at: String::new(),
                    changed_by: String::new(),
                }]);
            }
            app.holidays = CalendarSource::new(file);
        }
        if let Some(pool) = &app.settings.staff_pool_id {
            app.staff_pool = Some(StaffPool::new(pool_config(&sdk).build(), pool.clone()));
        }
        let app: &'static App = Box::leak(Box::new(app));
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
        let feeder = || StreamFeeder::new(aws_sdk_dynamodbstreams::Client::new(&table_sdk), app.records.table());
        let (feeder, evidence_feeder) = (feeder(), feeder());
        Env {
            app,
            base,
            http: reqwest::Client::new(),
            sdk,
            table_sdk,
            issuer,
            feeder: Mutex::new(feeder),
            evidence_feeder: Mutex::new(evidence_feeder),
            duty_phones,
            phone_seed: uuid.as_u64_pair().1,
            callers: AtomicU64::new(0),
            faults,
        }
    }

    /// The stored report of a serial the API answered with.
    pub fn stored(&self, serial: impl Display) -> impl Future<Output = Report> {
        self.stored_report(super::serial(&serial.to_string()))
    }

    async fn stored_report(&self, serial: Serial) -> Report {
        self.app.records.report(&serial).await.unwrap().expect("stored report")
    }

    /// The stored report and its timeline.
    pub fn stored_with_timeline(&self, serial: impl Display) -> impl Future<Output = (Report, Vec<Event>)> {
        self.stored_timeline(super::serial(&serial.to_string()))
    }

    async fn stored_timeline(&self, serial: Serial) -> (Report, Vec<Event>) {
        let record = self.stored_record(serial).await;
        (record.report, record.events)
    }

    /// The stored report with its timeline and custody log.
    pub fn stored_record(&self, serial: impl Display) -> impl Future<Output = ReportRecord> {
        let serial = super::serial(&serial.to_string());
        async move {
            self.app
                .records
                .report_record(&serial)
                .await
                .unwrap()
                .expect("stored report")
        }
    }

    /// The `claim` tag of an evidence object (`pending`, `sealed`), empty when it has none.
    pub async fn claim_of(&self, key: &str) -> String {
        let tagging = self
            .app
            .evidence
            .client()
            .get_object_tagging()
            .bucket(self.app.evidence.bucket())
            .key(key)
            .send()
            .await
            .expect("get_object_tagging");
        let claim = tagging.tag_set().iter().find(|t| t.key() == "claim");
        claim.map(|t| t.value().to_owned()).unwrap_or_default()
    }

    /// Whether the evidence bucket holds a current object at `key`.
    pub async fn holds(&self, key: &str) -> bool {
        self.app.evidence.head(key).await.expect("head").is_some()
    }

    /// `notify` as deployed, with a given sender.
    pub fn notifier<S: SmsSender>(&self, sender: S) -> Notifier<S> {
        Notifier::new(self.app.records.clone(), self.app.directory, &self.app.settings, sender)
            .with_holidays(self.app.holidays.clone())
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
        Sns::new(aws_sdk_sns::Config::from(&self.sdk))
    }

    /// Hands every stream record not yet delivered to `notify` (with SNS), as Lambda would.
    pub async fn deliver_stream(&self) -> usize {
        let notifier = self.notifier(self.sns());
        self.feeder.lock().await.deliver(&notifier).await.expect("stream")
    }

    /// Hands every stream record not yet delivered to `evidence`, as Lambda would.
    pub async fn deliver_evidence(&self) -> usize {
        let worker = self.evidence_worker();
        self.evidence_feeder
            .lock()
            .await
            .deliver(&worker)
            .await
            .expect("stream")
    }

    /// The `evidence` function over this environment's table and bucket.
    pub fn evidence_worker(&self) -> evidence::Worker {
        evidence::Worker {
            records: self.app.records.clone(),
            store: self.app.evidence.clone(),
        }
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

    /// A report (the standard form) submitted `days_ago`, written straight to the store: its
    /// deadlines long past, so it is overdue.
    pub async fn old_report(&self, days_ago: i64, sub: &str) -> Serial {
        let at = shared::domain::time::now_cst() - chrono::Duration::days(days_ago);
        self.report_submitted_at(at, sub).await
    }

    /// A report (the standard form) submitted at `at`, its deadlines counted on the calendar in
    /// force, written straight to the store.
    pub async fn report_submitted_at(&self, at: chrono::DateTime<chrono::FixedOffset>, sub: &str) -> Serial {
        use shared::adapters::dynamo::{CreateOutcome, NewReport};
        use shared::domain::report::Reporter;
        use shared::domain::report::deadlines::Deadlines;
        use shared::domain::report::input::{ReportInput, validate};
        let reporter = Reporter {
            sub: sub.into(),
            name: "旧".into(),
            phone: shared::domain::report::phone::Phone::new("13700000000"),
        };
        let input: ReportInput = serde_json::from_value(form()).expect("the form");
        let draft = validate(&input, self.app.directory).expect("a valid form");
        let deadlines = Deadlines::new(
            &self.app.settings.deadlines,
            &self.app.calendar().await.expect("the calendar"),
            &at,
            at,
        );
        let serial = Serial::new(&at, 1);
        let (report, event) = Report::submit(serial.clone(), draft, reporter, None, deadlines, at);
        let new = NewReport {
            report: &report,
            event: &event,
            seal: None,
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
        serial
    }

    /// Signs for, replies to and (optionally) publishes a report through the domain and the
    /// store, as the agency side will.
    pub fn answer(&self, serial: impl Display, publish: bool) -> impl Future<Output = Report> {
        self.answer_report(super::serial(&serial.to_string()), publish)
    }

    async fn answer_report(&self, serial: Serial, publish: bool) -> Report {
        let report = self.stored_report(serial).await;
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
