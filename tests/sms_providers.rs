//! The SMS providers other than SNS, through `notify` as deployed: Tencent Cloud SMS against the
//! local stand-in (`local_server::tencent_sms`, which checks the signature as the provider does),
//! with its key read from Secrets Manager (moto); and `none`.

use crate::harness::Env;
use local_server::tencent_sms::{Account, router};
use notify::provider::Provider;
use notify::provider::SmsSettings;
use serde_json::json;
use shared::adapters::sms::e164;
use shared::adapters::sms::tencent::{TencentConfig, template_text};
use std::collections::HashMap;

const SECRET_ID: &str = "AKIDlocalstandin";
const SECRET_KEY: &str = "local-stand-in-key";

fn account(per_phone_30s: usize) -> Account {
    let catalog = shared::domain::directory::catalog::Catalog::get();
    let (sign_name, to_agency) = template_text(&catalog.sms_to_agency).unwrap();
    let (_, to_reporter) = template_text(&catalog.sms_to_reporter).unwrap();
    Account {
        secret_id: SECRET_ID.into(),
        secret_key: SECRET_KEY.into(),
        app_id: "1400000001".into(),
        sign_name,
        templates: HashMap::from([("2001".into(), to_agency), ("2002".into(), to_reporter)]),
        per_phone_30s,
        per_phone_daily: 10,
    }
}

/// A stand-in on its own port; its base URL.
async fn stand_in(account: Account) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router(account)).await });
    format!("http://{address}")
}

/// Tencent as `SMS_PROVIDER=tencent` builds it, with `key` stored in a new secret.
async fn tencent(env: &Env, endpoint: &str, key: &str) -> Provider {
    let secret = env
        .secret(&json!({"SecretId": SECRET_ID, "SecretKey": key}).to_string())
        .await;
    let settings = SmsSettings::Tencent {
        config: Box::new(TencentConfig {
            endpoint: format!("{endpoint}/"),
            region: "ap-guangzhou".into(),
            app_id: "1400000001".into(),
            sign_name: account(1).sign_name,
            template_to_agency: "2001".into(),
            template_to_reporter: "2002".into(),
            template_on_question: "2004".into(),
            template_on_accept: None,
        }),
        secret,
    };
    settings.build(&env.sdk).await.expect("provider")
}

async fn texts_to(endpoint: &str, phone: &str) -> Vec<String> {
    let wanted = e164(phone).unwrap();
    local_server::sms::sent(endpoint)
        .await
        .unwrap()
        .into_iter()
        .filter(|s| s.phone_number == wanted)
        .map(|s| s.message)
        .collect()
}

async fn deliver(env: &Env, provider: Provider) -> (usize, notify::Notifier<Provider>) {
    let notifier = env.notifier(provider);
    let mut failures = 0;
    for event in env.pending_stream().await {
        failures += notifier.handle(event).await.batch_item_failures.len();
    }
    (failures, notifier)
}

#[tokio::test]
async fn tencent_sends_the_registered_templates_and_a_per_phone_limit_is_retried_not_dropped() {
    let env = Env::new().await;
    let endpoint = stand_in(account(1)).await;
    let citizen = env.citizen();
    let first = env.submit(&citizen, |_| {}).await;
    let second = env.submit(&citizen, |_| {}).await;
    let phone = env.duty_phones["420106-education"].clone();

    // Both reports reach 武昌区教育局 within 30 s: the provider takes the first message only.
    let (failures, _) = deliver(&env, tencent(&env, &endpoint, SECRET_KEY).await).await;
    assert_eq!(failures, 1, "the limited record is retried");
    let sent = texts_to(&endpoint, &phone).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(
        sent[0],
        shared::domain::directory::catalog::Catalog::get()
            .sms_to_agency
            .replace("{serial}", first.as_str()),
        "the registered template, filled: the same words SNS would send"
    );
    let unsent = env.unsent_sms().await;
    assert_eq!(unsent.len(), 1, "{unsent:?}");
    assert_eq!(
        (unsent[0].serial.as_str(), unsent[0].state.as_str()),
        (second.as_str(), "failed")
    );
    assert!(
        unsent[0].error.contains("LimitExceeded.PhoneNumberThirtySecondLimit"),
        "{}",
        unsent[0].error
    );

    // Later (a provider whose window has passed), the stream's retry sends it, and only it.
    let later = stand_in(account(10)).await;
    let (failures, _) = deliver(&env, tencent(&env, &later, SECRET_KEY).await).await;
    let retried = texts_to(&later, &phone).await;
    assert_eq!(failures, 0);
    assert_eq!(retried.len(), 1, "{retried:?}");
    assert!(retried[0].contains(second.as_str()));
    assert!(env.unsent_sms().await.is_empty());
}

#[tokio::test]
async fn a_wrong_tencent_key_is_a_recorded_failure_never_a_silent_loss() {
    let env = Env::new().await;
    let endpoint = stand_in(account(10)).await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let (failures, _) = deliver(&env, tencent(&env, &endpoint, "not-the-key").await).await;
    assert_eq!(failures, 1);
    assert!(
        texts_to(&endpoint, &env.duty_phones["420106-education"])
            .await
            .is_empty()
    );
    let unsent = env.unsent_sms().await;
    assert_eq!(unsent.len(), 1);
    assert_eq!(unsent[0].serial, serial.as_str());
    assert!(
        unsent[0].error.contains("AuthFailure.SignatureFailure"),
        "{}",
        unsent[0].error
    );
}

#[tokio::test]
async fn with_no_provider_messages_are_recorded_not_sent_and_never_retried() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let events = env.pending_stream().await;
    let notifier = env.notifier(Provider::Off);
    for _ in 0..2 {
        for event in &events {
            assert!(notifier.handle(event.clone()).await.batch_item_failures.is_empty());
        }
    }
    assert!(env.sms_to(&env.duty_phones["420106-education"]).await.is_empty());
    assert!(
        env.unsent_sms().await.is_empty(),
        "not waiting to be sent: nothing will send it"
    );
    let phone = e164(&env.duty_phones["420106-education"]).unwrap();
    let key = shared::adapters::dynamo::sms_pk(serial.as_str(), 1, &phone);
    assert_eq!(env.sms_state(&key).await.as_deref(), Some("off"));
}
