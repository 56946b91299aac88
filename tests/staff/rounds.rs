//! Reply rounds (issue 30): each answer has its own rating, a poor rating sends the report back at
//! most twice, supervisors keep the 不满意 list and record follow-up calls, and the statistics
//! count each report once with its latest round.

use super::rate;
use crate::harness::{Caller, Env};
use serde_json::json;
use shared::domain::report::serial::Serial;

async fn reply(env: &Env, handler: &Caller, serial: &Serial, text: &str) {
    let answer = json!({"action": "reply", "finding": "partly", "text": text});
    let replied = env.act(handler, serial, answer).await;
    assert_eq!(replied.status, 200, "{}", replied.text);
}

/// The serials of a queue filtered to 不满意, as `who` sees it.
async fn dissatisfied(env: &Env, who: &Caller) -> Vec<String> {
    let list = env
        .get("/v1/staff/reports?dissatisfied=true&limit=100", Some(who))
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            assert_eq!(i["dissatisfied"], true);
            i["serial"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn a_report_answered_twice_is_rated_per_round_and_counted_once() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    let city = env.city_supervisor("420100").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    reply(&env, &handler, &serial, "第一次答复").await;
    rate(&env, &reporter, &serial, 2).await;
    let reopened = env
        .act(&city, &serial, json!({"action": "reopen", "reason": "群众不满意"}))
        .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert_eq!(
        (
            reopened.body["round"].as_u64(),
            reopened.body["reopens_by_rating_left"].as_u64()
        ),
        (Some(2), Some(1))
    );
    reply(&env, &handler, &serial, "第二次答复").await;
    rate(&env, &reporter, &serial, 4).await;

    // Both rounds in the timeline and in the detail; the citizen rated each once.
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&city)).await;
    let kinds: Vec<&str> = detail.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "replied").count(), 2, "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "rated").count(), 2, "{kinds:?}");
    assert_eq!(detail.body["rounds"][0]["reply"]["text"], "第一次答复");
    assert_eq!(detail.body["rounds"][0]["rating"]["stars"], 2);
    assert_eq!(detail.body["rounds"][0]["reopened"]["reason"], "群众不满意");
    assert_eq!(
        (
            detail.body["reply"]["text"].as_str(),
            detail.body["rating"]["stars"].as_u64()
        ),
        (Some("第二次答复"), Some(4))
    );
    let again = env
        .post(
            &format!("/v1/me/reports/{serial}/rating"),
            &reporter,
            &json!({"stars": 5}),
        )
        .await;
    assert_eq!(again.error_code(409), "already_rated");

    // The statistics hold the 4★ once, and one reopening.
    let stats = env.get("/v1/staff/stats?region=420106", Some(&city)).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    assert_eq!(stats.body["rating"]["count"], 1);
    assert_eq!(stats.body["rating"]["distribution"], json!([0, 0, 0, 1, 0]));
    assert_eq!(
        (stats.body["reopened"].as_u64(), stats.body["reopenings"].as_u64()),
        (Some(1), Some(1))
    );
}

#[tokio::test]
async fn ratings_reopen_a_report_twice_and_then_only_a_supervisors_redo_does() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    let city = env.city_supervisor("420100").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    for round in 1..=3 {
        reply(&env, &handler, &serial, &format!("第{round}次答复")).await;
        rate(&env, &reporter, &serial, 1).await;
        let back = env
            .act(&handler, &serial, json!({"action": "reopen", "reason": "仍不满意"}))
            .await;
        if round < 3 {
            assert_eq!(back.status, 200, "{}", back.text);
        } else {
            assert_eq!(back.error_code(409), "reopen_limit");
            assert!(back.body["message"].as_str().unwrap().contains("督导重办"));
        }
    }
    let redo = env
        .act(
            &city,
            &serial,
            json!({"action": "order_redo", "reason": "答复未回应诉求"}),
        )
        .await;
    assert_eq!(redo.status, 200, "{}", redo.text);
    assert_eq!(
        (redo.body["round"].as_u64(), redo.body["status"].as_str()),
        (Some(4), Some("processing"))
    );
    assert_eq!(redo.body["rounds"][2]["reopened"]["cause"], "supervisor");
}

#[tokio::test]
async fn the_dissatisfied_list_holds_exactly_the_reports_whose_latest_round_is_poor() {
    let env = Env::new().await;
    let handler = env.handler("420106-education").await;
    let city = env.city_supervisor("420100").await;
    let mut expected = Vec::new();
    // Latest round rated 1, 2, 3, 5; one rated 2 then sent back and rated 4; one rated 1 and
    // closed with a reason; one replied and unrated.
    for (i, stars) in [Some(1), Some(2), Some(3), Some(5), Some(2), Some(1), None]
        .into_iter()
        .enumerate()
    {
        let reporter = env.citizen_named(&format!("rounds-list-{i}"));
        let serial = env.submit(&reporter, |_| {}).await;
        env.act(&handler, &serial, json!({"action": "accept"})).await;
        reply(&env, &handler, &serial, "已处理").await;
        let Some(stars) = stars else { continue };
        rate(&env, &reporter, &serial, stars).await;
        match i {
            4 => {
                env.act(&city, &serial, json!({"action": "reopen", "reason": "复查"}))
                    .await;
                reply(&env, &handler, &serial, "再次处理").await;
                rate(&env, &reporter, &serial, 4).await;
            }
            5 => {
                let closed = env
                    .act(
                        &city,
                        &serial,
                        json!({"action": "close", "reason": "诉求超出职责范围,已当面解释"}),
                    )
                    .await;
                assert_eq!(closed.status, 200, "{}", closed.text);
                assert_eq!(closed.body["closure"]["reason"], "诉求超出职责范围,已当面解释");
                assert_eq!(closed.body["dissatisfied"], false);
            }
            _ if stars <= 2 => expected.push(serial.to_string()),
            _ => {}
        }
    }
    let mut listed = dissatisfied(&env, &city).await;
    listed.sort();
    expected.sort();
    assert_eq!(listed, expected);
    let mut agency = dissatisfied(&env, &handler).await;
    agency.sort();
    assert_eq!(agency, expected, "the agency sees its own");
    assert!(
        dissatisfied(&env, &env.handler("420111-education").await)
            .await
            .is_empty()
    );
    let stats = env.get("/v1/staff/stats?region=420106", Some(&city)).await;
    assert_eq!(stats.body["dissatisfied_open"].as_u64(), Some(expected.len() as u64));
    let bad = env.get("/v1/staff/reports?dissatisfied=yes", Some(&city)).await;
    assert_eq!(bad.error_code(400), "invalid_field");
}

#[tokio::test]
async fn a_follow_up_call_is_recorded_in_the_timeline_and_its_time_is_checked() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let early = json!({"action": "follow_up", "called_at": "2026-01-01T10:00:00+08:00", "outcome": "satisfied"});
    assert_eq!(
        env.act(&handler, &serial, early.clone()).await.error_code(409),
        "wrong_status"
    );
    reply(&env, &handler, &serial, "已处理").await;
    assert_eq!(
        env.act(&handler, &serial, early).await.error_code(409),
        "called_at_out_of_range"
    );
    let future = json!({"action": "follow_up", "called_at": "2099-01-01T10:00:00+08:00", "outcome": "satisfied"});
    assert_eq!(
        env.act(&handler, &serial, future).await.error_code(409),
        "called_at_out_of_range"
    );
    let no_outcome =
        json!({"action": "follow_up", "called_at": shared::domain::time::format(&shared::domain::time::now_cst())});
    let refused = env.act(&handler, &serial, no_outcome).await;
    assert_eq!(
        (refused.error_code(400), refused.body["field"].as_str()),
        ("invalid_field", Some("outcome"))
    );
    let now = shared::domain::time::format(&shared::domain::time::now_cst());
    let call = json!({"action": "follow_up", "called_at": now, "outcome": "dissatisfied", "text": "称培训仍在进行"});
    let called = env.act(&handler, &serial, call).await;
    assert_eq!(called.status, 200, "{}", called.text);
    assert_eq!(called.body["follow_ups"][0]["outcome_name"], "不满意");
    assert_eq!(called.body["follow_ups"][0]["note"], "称培训仍在进行");
    let last = called.body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["kind"].as_str(), last["note"].as_str()),
        (Some("followed_up"), Some("不满意:称培训仍在进行"))
    );
    // The reporter sees that a call was made, by the agency, without the staff member's name.
    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    let entry = mine.body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (entry["label"].as_str(), entry["agency"].as_str()),
        (Some("回访"), Some("武昌区教育局"))
    );
    assert!(!mine.text.contains("工作人员"));
}
