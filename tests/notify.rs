//! SMS from the stream: at most once per event however often a batch arrives, failed sends
//! reported exactly, listed in `unsent_sms`, retried once by the stream or by `resend-sms`, and
//! kept batches replayed; and the business metrics the stream yields. Failures are injected at our own `SmsSender` seam (SNS
//! in the local AWS cannot be made to fail); every other part is the real thing.

use crate::harness::Env;
use local_server::aws::LOCAL_REGION;
use local_server::provision::create_bucket;
use notify::Notifier;
use notify::resend::{Replayed, Summary, replay_kept, resend_unsent};
use serde_json::json;
use shared::adapters::StoreError;
use shared::adapters::sms::{Outgoing, SmsSender};
use shared::adapters::sns::Sns;
use shared::domain::report::serial::Serial;
use shared::telemetry::metrics::testing::{DebugValue, Recording};
use std::collections::HashMap;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Sends through SNS, except to the numbers it is told to fail for.
struct Flaky {
    sns: Sns,
    failing: Mutex<HashSet<String>>,
}

impl SmsSender for Flaky {
    async fn send(&self, sms: &Outgoing<'_>) -> Result<(), StoreError> {
        let fail = self.failing.lock().map(|f| f.contains(sms.phone)).unwrap_or(false);
        if fail {
            return Err(StoreError::Service {
                service: "sns",
                operation: "send_sms",
                detail: "injected failure".into(),
            });
        }
        self.sns.send(sms).await
    }
}

fn e164(phone: &str) -> String {
    format!("+86{phone}")
}

#[tokio::test]
async fn a_batch_delivered_twice_sends_each_sms_once() {
    let env = Env::new().await;
    let serials = [
        env.submit(&env.citizen(), |form| form["county"] = json!("420106"))
            .await,
        env.submit(&env.citizen(), |form| form["county"] = json!("420111"))
            .await,
    ];
    let events = env.pending_stream().await;
    assert!(!events.is_empty());
    let notifier = env.notifier(env.sns());
    for _ in 0..2 {
        for event in &events {
            assert!(notifier.handle(event.clone()).await.batch_item_failures.is_empty());
        }
    }
    for (serial, agency) in serials.iter().zip(["420106-education", "420111-education"]) {
        let texts = env.sms_to(&env.duty_phones[agency]).await;
        assert_eq!(texts.len(), 1, "{agency}: {texts:?}");
        assert!(texts[0].contains(serial.as_str()));
    }
}

#[tokio::test]
async fn failed_sends_are_reported_exactly_and_the_retry_sends_each_once() {
    let env = Env::new().await;
    let ok = env
        .submit(&env.citizen(), |form| form["county"] = json!("420106"))
        .await;
    let broken = env
        .submit(&env.citizen(), |form| form["county"] = json!("420111"))
        .await;
    let events = env.pending_stream().await;
    let broken_phone = env.duty_phones["420111-education"].clone();
    let flaky = Flaky {
        sns: env.sns(),
        failing: Mutex::new(HashSet::from([e164(&broken_phone)])),
    };
    let notifier = env.notifier(flaky);

    let mut failed = Vec::new();
    for event in &events {
        let answer = notifier.handle(event.clone()).await;
        for failure in answer.batch_item_failures {
            let seq = failure.item_identifier.unwrap();
            let record = event
                .records
                .iter()
                .find(|r| r.change.sequence_number.as_deref() == Some(seq.as_str()))
                .unwrap();
            failed.push(record.change.keys["pk"].clone());
        }
    }
    assert_eq!(
        failed,
        [serde_dynamo::AttributeValue::S(format!("REPORT#{broken}"))],
        "exactly the broken record"
    );
    assert_eq!(env.sms_to(&env.duty_phones["420106-education"]).await.len(), 1);
    assert!(env.sms_to(&broken_phone).await.is_empty());
    let failed = env.unsent_sms().await;
    assert_eq!(failed.len(), 1, "only the broken message is unsent: {failed:?}");
    assert_eq!(failed[0].state, "failed");
    assert_eq!(
        (failed[0].serial.as_str(), failed[0].phone.clone()),
        (broken.as_str(), e164(&broken_phone))
    );
    assert!(failed[0].error.contains("injected failure"), "{:?}", failed[0].error);

    // SNS recovers; Lambda delivers the batch again from the failed record.
    notifier.sender.failing.lock().unwrap().clear();
    for event in &events {
        assert!(notifier.handle(event.clone()).await.batch_item_failures.is_empty());
    }
    assert_eq!(
        env.sms_to(&env.duty_phones["420106-education"]).await.len(),
        1,
        "the good one is not sent again"
    );
    let texts = env.sms_to(&broken_phone).await;
    assert_eq!(texts.len(), 1);
    assert!(texts[0].contains(broken.as_str()));
    assert!(env.unsent_sms().await.is_empty(), "sent: no longer unsent");
    let _ = ok;
}

/// A stream batch that failed, then SNS recovering: what the operator sees and does.
async fn one_failed_message(env: &Env, citizen: &str) -> (Notifier<Flaky>, Serial, String) {
    let serial = env
        .submit(&env.citizen_named(citizen), |form| form["county"] = json!("420111"))
        .await;
    let phone = env.duty_phones["420111-education"].clone();
    let notifier = env.notifier(Flaky {
        sns: env.sns(),
        failing: Mutex::new(HashSet::from([e164(&phone)])),
    });
    for event in env.pending_stream().await {
        notifier.handle(event).await;
    }
    assert!(env.sms_to(&phone).await.is_empty());
    (notifier, serial, phone)
}

#[tokio::test]
async fn resend_sms_sends_each_failed_message_once() {
    let env = Env::new().await;
    let (notifier, serial, phone) = one_failed_message(&env, "resend-1").await;

    let listed = resend_unsent(&notifier, true).await.unwrap();
    assert_eq!(listed, Summary::default(), "a dry run sends nothing");
    let still = resend_unsent(&notifier, false).await.unwrap();
    assert_eq!(
        still,
        Summary {
            failed: 1,
            ..Summary::default()
        },
        "SNS still failing"
    );
    assert_eq!(env.unsent_sms().await.len(), 1);

    notifier.sender.failing.lock().unwrap().clear();
    let resent = resend_unsent(&notifier, false).await.unwrap();
    assert_eq!(
        resent,
        Summary {
            sent: 1,
            ..Summary::default()
        }
    );
    assert_eq!(
        resend_unsent(&notifier, false).await.unwrap(),
        Summary::default(),
        "nothing left"
    );
    let texts = env.sms_to(&phone).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains(serial.as_str()));

    // The stream's own retry afterwards sends nothing more.
    for event in env.pending_stream().await {
        assert!(notifier.handle(event).await.batch_item_failures.is_empty());
    }
    assert_eq!(env.sms_to(&phone).await.len(), 1);
}

#[tokio::test]
async fn a_batch_kept_by_the_on_failure_destination_is_replayed_once() {
    let env = Env::new().await;
    let serial = env
        .submit(&env.citizen(), |form| form["county"] = json!("420111"))
        .await;
    let phone = env.duty_phones["420111-education"].clone();
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&env.sdk)
            .force_path_style(true)
            .build(),
    );
    let bucket = format!("failed-batches-{}", uuid::Uuid::new_v4().simple());
    create_bucket(&s3, &bucket, LOCAL_REGION).await.unwrap();
    // Lambda's S3 destination: metadata and the whole invocation record (here as a JSON payload).
    for event in env.pending_stream().await {
        let object = json!({
            "requestContext": {"condition": "RetryAttemptsExhausted", "approximateInvokeCount": 11},
            "DDBStreamBatchInfo": {"batchSize": event.records.len()},
            "payload": serde_json::to_string(&event).unwrap(),
        });
        let key = format!("aws/lambda/{}.json", uuid::Uuid::new_v4());
        s3.put_object()
            .bucket(&bucket)
            .key(key)
            .body(object.to_string().into_bytes().into())
            .send()
            .await
            .unwrap();
    }
    let position_only = json!({"DDBStreamBatchInfo": {"shardId": "s", "startSequenceNumber": "1"}});
    s3.put_object()
        .bucket(&bucket)
        .key("aws/lambda/position-only.json")
        .body(position_only.to_string().into_bytes().into())
        .send()
        .await
        .unwrap();

    let notifier = env.notifier(env.sns());
    let first = replay_kept(&notifier, &s3, &bucket, false).await.unwrap();
    assert!(first.replayed >= 1, "{first:?}");
    assert_eq!(
        first.kept, 1,
        "a position alone cannot be replayed: left for the operator"
    );
    let again = replay_kept(&notifier, &s3, &bucket, false).await.unwrap();
    assert_eq!(again, Replayed { replayed: 0, kept: 1 });
    let texts = env.sms_to(&phone).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains(serial.as_str()));
    let left = s3.list_objects_v2().bucket(&bucket).send().await.unwrap();
    let keys: Vec<_> = left.contents().iter().filter_map(|o| o.key()).collect();
    assert_eq!(keys, ["aws/lambda/position-only.json"], "replayed batches are deleted");
}

#[tokio::test]
async fn the_stream_counts_reports_events_ratings_and_sms() {
    let recording = Recording::default();
    // This test's thread only (a current-thread runtime): other tests count elsewhere.
    let _guard = recording.on_this_thread();
    let env = Env::new().await;
    let serial = env
        .submit(&env.citizen_named("count-1"), |form| form["county"] = json!("420106"))
        .await;
    env.submit(&env.citizen(), |form| form["county"] = json!("420106"))
        .await;
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/staff/reports/{serial}/actions");
    for body in [
        json!({"action": "accept", "version": 1}),
        json!({"action": "reply", "version": 2, "finding": "substantiated", "text": "属实"}),
    ] {
        assert_eq!(env.post(&path, &handler, &body).await.status, 200, "{body}");
    }
    let rating = env
        .post(
            &format!("/v1/me/reports/{serial}/rating"),
            &env.citizen_named("count-1"),
            &json!({"stars": 5}),
        )
        .await;
    assert_eq!(rating.status, 201, "{}", rating.text);
    env.deliver_stream().await;
    env.deliver_stream().await;

    let seen: HashMap<String, u64> = recording
        .values()
        .into_iter()
        .filter_map(|(key, value)| match value {
            DebugValue::Counter(n) => Some((key, n)),
            _ => None,
        })
        .collect();
    let sms_sent = (env.sms_to(&env.duty_phones["420106-education"]).await.len()
        + env.sms_to(&env.phone_of("count-1")).await.len()) as u64;
    let expected: HashMap<String, u64> = [
        ("ReportsSubmitted{City=420100}", 2),
        ("ReportEvents{Kind=submitted}", 2),
        ("ReportEvents{Kind=accepted}", 1),
        ("ReportEvents{Kind=replied}", 1),
        ("ReportEvents{Kind=rated}", 1),
        ("Ratings{Stars=5}", 1),
        ("Sms{Outcome=sent}", sms_sent),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(seen, expected);
}

#[tokio::test]
async fn only_arrivals_and_replies_text_anyone() {
    let env = Env::new().await;
    let serial = env
        .submit(&env.citizen_named("quiet-1"), |form| form["county"] = json!("420106"))
        .await;
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/staff/reports/{serial}/actions");
    for body in [
        json!({"action": "accept", "version": 1}),
        json!({"action": "note", "version": 2, "text": "已核查"}),
        json!({"action": "reply", "version": 3, "finding": "substantiated", "text": "属实"}),
        json!({"action": "publish", "version": 4}),
    ] {
        assert_eq!(env.post(&path, &handler, &body).await.status, 200, "{body}");
    }
    env.deliver_stream().await;
    env.deliver_stream().await;
    assert_eq!(
        env.sms_to(&env.duty_phones["420106-education"]).await.len(),
        1,
        "one arrival"
    );
    let reporter = env.sms_to(&env.phone_of("quiet-1")).await;
    assert_eq!(reporter.len(), 1, "one reply: {reporter:?}");
    assert_eq!(
        reporter[0],
        format!(
            "【湖北省政务服务】您提交的违规校外培训举报(流水号为:{serial})已处理完成,请登录鄂汇办进入校外违规随手拍-我的投诉查看处理结果。"
        )
    );
}

/// A provider that never answers: the invocation is killed (a timeout) between the claim and the
/// provider's answer, as a crash would. It says when it has been reached.
struct Hanging(Arc<tokio::sync::Notify>);

impl SmsSender for Hanging {
    async fn send(&self, _sms: &Outgoing<'_>) -> Result<(), StoreError> {
        self.0.notify_one();
        std::future::pending().await
    }
}

/// A notifier killed mid-send, leaving its claim behind; returns the batch it was handed.
async fn killed_mid_send(env: &Env) -> Vec<aws_lambda_events::event::dynamodb::Event> {
    let events = env.pending_stream().await;
    let reached = Arc::new(tokio::sync::Notify::new());
    let dying = env.notifier(Hanging(reached.clone()));
    for event in &events {
        // Killed the moment the provider has the message, however slow the claim before it was.
        let killed = async {
            tokio::select! {
                _ = dying.handle(event.clone()) => panic!("the provider never answers"),
                () = reached.notified() => {}
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(20), killed)
            .await
            .expect("the provider is reached");
    }
    let claimed = env.unsent_sms().await;
    assert_eq!(claimed.len(), 1, "{claimed:?}");
    assert_eq!(claimed[0].state, "sending");
    events
}

#[tokio::test]
async fn a_sender_killed_mid_send_loses_nothing_and_the_retry_after_its_lease_sends_once() {
    let env = Env::new().await;
    let serial = env
        .submit(&env.citizen(), |form| form["county"] = json!("420111"))
        .await;
    let phone = env.duty_phones["420111-education"].clone();
    let events = killed_mid_send(&env).await;

    // Lambda retries at once: the lease still runs, so the record is retried again, not dropped.
    let mut notifier = env.notifier(env.sns());
    notifier.lease_seconds = 1;
    for event in &events {
        assert!(!notifier.handle(event.clone()).await.batch_item_failures.is_empty());
    }
    assert!(env.sms_to(&phone).await.is_empty(), "nothing sent while the lease runs");

    // After the lease, the next retry takes the message over: sent once, and never again.
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    for _ in 0..2 {
        for event in &events {
            assert!(notifier.handle(event.clone()).await.batch_item_failures.is_empty());
        }
    }
    let texts = env.sms_to(&phone).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains(serial.as_str()));
    assert!(env.unsent_sms().await.is_empty());
}

#[tokio::test]
async fn housekeeping_sends_what_a_killed_sender_left_and_counts_what_is_still_unsent() {
    let recording = Recording::default();
    let _guard = recording.on_this_thread();
    let env = Env::new().await;
    env.submit(&env.citizen(), |form| form["county"] = json!("420111"))
        .await;
    let phone = env.duty_phones["420111-education"].clone();
    let events = killed_mid_send(&env).await;

    let mut notifier = env.notifier(env.sns());
    notifier.lease_seconds = 1;
    let housekeeping = || serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();
    notifier.invoke(housekeeping()).await.unwrap();
    assert!(env.sms_to(&phone).await.is_empty(), "a live lease is left alone");

    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    notifier.invoke(housekeeping()).await.unwrap();
    assert_eq!(env.sms_to(&phone).await.len(), 1);
    // The stream's own retry afterwards finds it sent.
    for event in &events {
        assert!(notifier.handle(event.clone()).await.batch_item_failures.is_empty());
    }
    assert_eq!(env.sms_to(&phone).await.len(), 1);
    let values = recording.values();
    assert_eq!(values.get("Sms{Outcome=recovered}"), Some(&DebugValue::Counter(1)));
    assert_eq!(values.get("SmsUnsent{}"), Some(&DebugValue::Gauge(0.0.into())));
}

/// A report handed back and forth ten times texts each agency once: an agency is texted for a
/// report at most once in the catalog's window, however the report moves.
#[tokio::test]
async fn a_report_moved_between_two_agencies_ten_times_texts_each_once() {
    let env = Env::new().await;
    let serial = env
        .submit(&env.citizen_named("pump-1"), |form| form["county"] = json!("420106"))
        .await;
    let city = env.city_supervisor("420100").await;
    let path = format!("/v1/staff/reports/{serial}/actions");
    for n in 0..10u64 {
        let to = if n % 2 == 0 {
            "420111-education"
        } else {
            "420106-education"
        };
        let body = json!({"action": "transfer", "version": n + 1, "to_agency": to, "reason": "核对属地"});
        let moved = env.post(&path, &city, &body).await;
        assert_eq!(moved.status, 200, "{n}: {}", moved.text);
    }
    env.deliver_stream().await;
    env.deliver_stream().await;
    for agency in ["420106-education", "420111-education"] {
        let texts = env.sms_to(&env.duty_phones[agency]).await;
        assert_eq!(texts.len(), 1, "{agency}: {texts:?}");
    }
}

/// The window and the daily ceiling as stored: an agency's arrivals past its ceiling are not
/// texted, a redelivered arrival keeps its answer, and the window ends when it says.
#[tokio::test]
async fn an_agencys_arrivals_past_its_daily_ceiling_are_not_texted() {
    use shared::adapters::dynamo::{AgencyText, Arrival};
    let env = Env::new().await;
    let records = &env.app.records;
    let now = 1_790_000_000;
    let arrival = |serial: &'static str, seq: u64| Arrival {
        serial,
        agency: "420106-education",
        seq,
        day: "20260301",
    };
    let claim = |a: Arrival<'static>, at: i64| async move { records.claim_agency_text(&a, at, 3600, 2).await.unwrap() };
    assert_eq!(claim(arrival("S1", 1), now).await, AgencyText::Send);
    assert_eq!(claim(arrival("S1", 1), now).await, AgencyText::Send, "a redelivery");
    assert_eq!(
        claim(arrival("S1", 3), now + 60).await,
        AgencyText::Windowed,
        "back within the hour"
    );
    assert_eq!(claim(arrival("S2", 1), now).await, AgencyText::Send);
    assert_eq!(
        claim(arrival("S3", 1), now).await,
        AgencyText::Capped,
        "the third arrival of the day"
    );
    assert_eq!(
        claim(arrival("S3", 1), now).await,
        AgencyText::Capped,
        "and its redelivery"
    );
    let next_day = Arrival {
        day: "20260302",
        ..arrival("S1", 5)
    };
    assert_eq!(
        claim(next_day, now + 3601).await,
        AgencyText::Send,
        "the window over, a new day"
    );
}
