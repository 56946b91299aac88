//! SMS from the stream: at most once per event however often a batch arrives, failed sends
//! reported exactly, and retried once. Failures are injected at our own `SmsSender` seam (SNS
//! in the local AWS cannot be made to fail); every other part is the real thing.

use crate::harness::{Env, form};
use serde_json::json;
use shared::adapters::StoreError;
use shared::adapters::sns::{SmsSender, Sns};
use std::collections::HashSet;
use std::sync::Mutex;

/// Sends through SNS, except to the numbers it is told to fail for.
struct Flaky {
    sns: Sns,
    failing: Mutex<HashSet<String>>,
}

impl SmsSender for Flaky {
    async fn send(&self, phone: &str, text: &str) -> Result<(), StoreError> {
        let fail = self.failing.lock().map(|f| f.contains(phone)).unwrap_or(false);
        if fail {
            return Err(StoreError::Service {
                service: "sns",
                operation: "send_sms",
                detail: "injected failure".into(),
            });
        }
        self.sns.send(phone, text).await
    }
}

async fn submit(env: &Env, citizen: &str, county: &str) -> String {
    let mut body = form();
    body["county"] = json!(county);
    let reply = env.post("/v1/reports", &env.citizen(citizen), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["serial"].as_str().unwrap().to_owned()
}

fn e164(phone: &str) -> String {
    format!("+86{phone}")
}

#[tokio::test]
async fn a_batch_delivered_twice_sends_each_sms_once() {
    let env = Env::new().await;
    let serials = [submit(&env, "n-1", "420106").await, submit(&env, "n-2", "420111").await];
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
    let ok = submit(&env, "f-ok", "420106").await;
    let broken = submit(&env, "f-broken", "420111").await;
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
    assert!(texts[0].contains(&broken));
    let _ = ok;
}

#[tokio::test]
async fn only_arrivals_and_replies_text_anyone() {
    let env = Env::new().await;
    let serial = submit(&env, "quiet-1", "420106").await;
    let handler = env.staff("handler", "420106-education", "420106");
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
