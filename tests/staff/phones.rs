//! 机构与电话: the phones a supervisor saves are the ones the next new report texts and the
//! public 举报电话 shows; within the supervisor's reach only, every change in 操作日志.

use crate::harness::Env;
use serde_json::json;

#[tokio::test]
async fn saved_duty_phones_get_the_next_report_and_the_public_phone_shows() {
    let env = Env::new().await;
    let city = env.city_supervisor("420100").await;
    let (duty, on_roster) = (env.phone_of("duty-new"), env.phone_of("handler-mobile"));
    let saved = env
        .post(
            "/v1/staff/agencies/420106-education/phones",
            &city,
            &json!({"duty": [duty], "public_phone": "027-88886666"}),
        )
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(
        (saved.body["source"].as_str(), saved.body["duty"][0].as_str()),
        (Some("saved"), Some(duty.as_str()))
    );
    // A handler of the agency with a mobile on the roster is texted too.
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/staff/roster/{}", handler.sub);
    assert_eq!(env.post(&path, &city, &json!({"phone": on_roster})).await.status, 200);

    let serial = env.submit(&env.citizen(), |_| {}).await;
    env.deliver_stream().await;
    for phone in [&duty, &on_roster] {
        let texts = env.sms_to(phone).await;
        assert!(
            texts.len() == 1 && texts[0].contains(serial.as_str()),
            "{phone}: {texts:?}"
        );
    }
    let old = &env.duty_phones["420106-education"];
    assert!(env.sms_to(old).await.is_empty(), "the folder's duty phone is replaced");

    let offices = env.get("/v1/public/agencies?county=420106", None).await;
    let academic = &offices.body["categories"][0]["offices"][0];
    assert_eq!(
        (academic["name"].as_str(), academic["phone"].as_str()),
        (Some("武昌区教育局"), Some("027-88886666"))
    );
    assert!(!offices.text.contains(duty.as_str()), "duty phones are never public");

    let listed = env.get("/v1/staff/agencies", Some(&city)).await;
    let entry = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["agency_id"] == "420106-education")
        .unwrap()
        .clone();
    assert_eq!(entry["public_phone"], "027-88886666");
    let log = env.get("/v1/staff/audit?kind=phones", Some(&city)).await;
    assert_eq!(
        log.body["items"][0]["detail"], "修改 武昌区教育局 电话:值班手机1个,举报电话 027-88886666",
        "{}",
        log.text
    );
}

#[tokio::test]
async fn only_supervisors_keep_phones_and_only_in_their_reach() {
    let env = Env::new().await;
    let city = env.city_supervisor("420100").await;
    let handler = env.handler("420106-education").await;
    let body = json!({"duty": ["13900001111"], "public_phone": ""});
    let save = |agency: &'static str, token: String, body: serde_json::Value| {
        let env = &env;
        async move {
            env.post(&format!("/v1/staff/agencies/{agency}/phones"), &token, &body)
                .await
        }
    };
    assert_eq!(
        save("420106-education", handler.token.clone(), body.clone())
            .await
            .status,
        403
    );
    assert_eq!(env.get("/v1/staff/agencies", Some(&handler)).await.status, 403);
    assert_eq!(
        save("420202-education", city.token.clone(), body.clone()).await.status,
        404
    );
    let bad = save("420106-education", city.token.clone(), json!({"duty": ["0271234"]})).await;
    assert_eq!((bad.status, bad.field()), (400, Some("duty[0]")));
    let listed = env.get("/v1/staff/agencies", Some(&city)).await;
    let ids: Vec<&str> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agency_id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"420106-education") && !ids.contains(&"420202-education"));
    assert!(
        listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["source"] == "file")
    );
}
