//! What staff do to a report: hand it on, reveal the reporter's phone, urge and reopen, publish,
//! reply with a template; and what they may not do (bad input, stale versions).

use super::rate;
use crate::harness::{Caller, Env};
use serde_json::{Value, json};
use shared::domain::report::serial::Serial;

fn transfer_to(agency: &str, reason: &str) -> Value {
    json!({"action": "transfer", "to_agency": agency, "reason": reason})
}

#[tokio::test]
async fn a_transfer_moves_the_report_out_of_the_old_agencys_reach_into_the_new() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let wuchang = env.handler("420106-education").await;
    let hongshan = env.handler("420111-education").await;
    let answer = env
        .act(&wuchang, &serial, transfer_to("420111-education", "地址属洪山区"))
        .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["handed_on"], true);
    assert_eq!(answer.body["agency"]["name"], "洪山区教育局");
    let path = format!("/v1/staff/reports/{serial}");
    assert_eq!(env.get(&path, Some(&wuchang)).await.status, 404);
    let detail = env.get(&path, Some(&hongshan)).await;
    assert_eq!(
        (detail.body["status"].as_str(), detail.body["county"].as_str()),
        (Some("pending"), Some("420111"))
    );
}

#[tokio::test]
async fn a_transfer_is_recorded_with_its_reason_and_who_handed_it_on_for_staff_only() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let wuchang = env.handler("420106-education").await;
    env.act(&wuchang, &serial, transfer_to("420111-education", "地址属洪山区"))
        .await;
    let detail = env
        .get(
            &format!("/v1/staff/reports/{serial}"),
            Some(&env.handler("420111-education").await),
        )
        .await;
    let timeline = detail.body["timeline"].as_array().unwrap();
    let transfer = timeline.iter().find(|e| e["kind"] == "transferred").unwrap();
    assert!(transfer["note"].as_str().unwrap().contains("地址属洪山区"));
    assert_eq!(transfer["actor"]["name"], "420106工作人员");
    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert!(
        !mine.text.contains("工作人员"),
        "the citizen sees the hand-on without names"
    );
}

#[tokio::test]
async fn a_handler_hands_on_within_its_city_or_back_to_the_city() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let wuchang = env.handler("420106-education").await;
    let far = env.act(&wuchang, &serial, transfer_to("420202-education", "x")).await;
    assert_eq!(far.error_code(403), "forbidden");
    let back = env
        .act(
            &wuchang,
            &serial,
            json!({"action": "transfer", "to": "city", "reason": "需市级协调"}),
        )
        .await;
    assert_eq!(back.body["agency"]["id"], "420100-education");
}

#[tokio::test]
async fn each_agency_a_report_reaches_gets_one_sms() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let wuchang = env.handler("420106-education").await;
    env.act(&wuchang, &serial, transfer_to("420111-education", "地址属洪山区"))
        .await;
    let to_city = json!({"action": "transfer", "to": "city", "reason": "需市级协调"});
    env.act(&env.handler("420111-education").await, &serial, to_city).await;
    env.deliver_stream().await;
    for agency in ["420106-education", "420111-education", "420100-education"] {
        let texts = env.sms_to(&env.duty_phones[agency]).await;
        assert_eq!(texts.len(), 1, "{agency}: {texts:?}");
        assert!(texts[0].contains(serial.as_str()));
    }
}

#[tokio::test]
async fn the_reporters_phone_is_masked_until_revealed_and_the_reveal_is_recorded() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    let phone = reporter.phone.clone();
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert_eq!(
        detail.body["reporter"]["phone"],
        format!("{}****{}", &phone[..3], &phone[7..])
    );
    assert!(!detail.text.contains(&phone));
    let name = format!("测试{}", reporter.sub);
    let masked = format!("测{}", "*".repeat(name.chars().count() - 1));
    assert_eq!(detail.body["reporter"]["name"], masked.as_str());
    assert!(!detail.text.contains(&name), "the name is masked too");
    let revealed = env.act(&handler, &serial, json!({"action": "reveal_contact"})).await;
    assert_eq!(revealed.body["reporter"]["phone"], phone.as_str());
    assert_eq!(revealed.body["reporter"]["phone_revealed"], true);
    assert_eq!(revealed.body["reporter"]["name"], name.as_str());
    let last = revealed.body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "contact_revealed");
    assert_eq!(last["actor"]["agency_name"], "武昌区教育局");
    let again = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert!(!again.text.contains(&phone), "revealed only in that answer");
    let citizen = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert!(
        !citizen.text.contains("contact_revealed"),
        "internal steps stay internal"
    );
}

#[tokio::test]
async fn supervisors_urge_and_handlers_may_not() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let handler = env.handler("420106-education").await;
    let city = env.city_supervisor("420100").await;
    let by_handler = env
        .act(&handler, &serial, json!({"action": "urge", "reason": "快"}))
        .await;
    assert_eq!(by_handler.error_code(403), "forbidden");
    let urged = env
        .act(&city, &serial, json!({"action": "urge", "reason": "请加快办理"}))
        .await;
    assert_eq!(urged.body["urges"], 1);
}

#[tokio::test]
async fn supervisors_do_not_sign_for_reports() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let city = env.city_supervisor("420100").await;
    let signed = env.act(&city, &serial, json!({"action": "accept"})).await;
    assert_eq!(signed.error_code(403), "forbidden");
}

/// A report the agency answered 不属实, and its reporter.
async fn replied_unsubstantiated(env: &Env) -> (Caller, Serial) {
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let reply = json!({"action": "reply", "finding": "unsubstantiated", "text": "经核查不属实"});
    assert_eq!(env.act(&handler, &serial, reply).await.status, 200);
    (reporter, serial)
}

#[tokio::test]
async fn a_reply_is_reopened_only_once_its_reporter_is_dissatisfied() {
    let env = Env::new().await;
    let (reporter, serial) = replied_unsubstantiated(&env).await;
    let city = env.city_supervisor("420100").await;
    let reopen = json!({"action": "reopen", "reason": "复查"});
    assert_eq!(
        env.act(&city, &serial, reopen.clone()).await.error_code(409),
        "not_dissatisfied"
    );
    rate(&env, &reporter, &serial, 1).await;
    assert_eq!(env.act(&city, &serial, reopen).await.status, 200);
}

#[tokio::test]
async fn the_agency_or_supervisors_send_a_dissatisfied_reply_back_and_only_supervisors_order_a_redo() {
    let env = Env::new().await;
    let (reporter, serial) = replied_unsubstantiated(&env).await;
    rate(&env, &reporter, &serial, 1).await;
    let back = json!({"action": "reopen", "reason": "复查"});
    let other = env.handler("420111-education").await;
    assert_eq!(env.act(&other, &serial, back.clone()).await.status, 404, "out of reach");
    let handler = env.handler("420106-education").await;
    let redo = json!({"action": "order_redo", "reason": "答复未回应诉求"});
    assert_eq!(
        env.act(&handler, &serial, redo.clone()).await.error_code(403),
        "forbidden"
    );
    let close = json!({"action": "close", "reason": "诉求超出职责范围"});
    assert_eq!(env.act(&handler, &serial, close).await.error_code(403), "forbidden");
    assert_eq!(env.act(&handler, &serial, back).await.status, 200);
}

#[tokio::test]
async fn a_reopened_report_is_in_hand_again_for_staff_and_its_reporter() {
    let env = Env::new().await;
    let (reporter, serial) = replied_unsubstantiated(&env).await;
    rate(&env, &reporter, &serial, 1).await;
    let city = env.city_supervisor("420100").await;
    let reopened = env
        .act(
            &city,
            &serial,
            json!({"action": "reopen", "reason": "群众不满意,重新核查"}),
        )
        .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert_eq!(reopened.body["status"], "processing");
    assert!(reopened.body["reply"].is_null());
    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert_eq!(mine.body["status"], "processing");
    assert_eq!(
        mine.body["timeline"].as_array().unwrap().last().unwrap()["kind"],
        "reopened"
    );
    // The earlier answer is kept as round 1, with its rating; the citizen sees why it went back
    // (the cause), never the reason staff wrote.
    assert_eq!(
        (mine.body["round"].as_u64(), mine.body["can_rate"].as_bool()),
        (Some(2), Some(false))
    );
    let round = &mine.body["rounds"][0];
    assert_eq!(
        (round["round"].as_u64(), round["rating"]["stars"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(round["reply"]["text"], "经核查不属实");
    assert_eq!(round["reopened"]["cause_name"], "退回重办");
    assert!(round["reopened"].get("reason").is_none() && !mine.text.contains("重新核查"));
}

/// A report answered by its agency; `public` as the reporter asked.
async fn replied(env: &Env, handler: &Caller, public: bool) -> Serial {
    let serial = env.submit(&env.citizen(), |form| form["public"] = json!(public)).await;
    env.act(handler, &serial, json!({"action": "accept"})).await;
    let reply = json!({"action": "reply", "finding": "partly", "text": "部分属实,已整改"});
    assert_eq!(env.act(handler, &serial, reply).await.status, 200);
    serial
}

#[tokio::test]
async fn a_report_its_reporter_kept_private_is_never_published() {
    let env = Env::new().await;
    let handler = env.handler("420106-education").await;
    let private = replied(&env, &handler, false).await;
    let published = env.act(&handler, &private, json!({"action": "publish"})).await;
    assert_eq!(published.error_code(409), "not_public");
}

#[tokio::test]
async fn a_report_is_published_only_once_replied() {
    let env = Env::new().await;
    let handler = env.handler("420106-education").await;
    let pending = env.submit(&env.citizen(), |_| {}).await;
    let published = env.act(&handler, &pending, json!({"action": "publish"})).await;
    assert_eq!(published.error_code(409), "wrong_status");
}

#[tokio::test]
async fn a_published_report_is_on_the_board_until_unpublished() {
    let env = Env::new().await;
    let handler = env.handler("420106-education").await;
    let public = replied(&env, &handler, true).await;
    let board = format!("/v1/public/reports/{public}");
    let publish = json!({"action": "publish", "public_text": "已查处"});
    assert_eq!(env.act(&handler, &public, publish).await.status, 200);
    assert_eq!(env.get(&board, None).await.status, 200);
    let unpublish = json!({"action": "unpublish"});
    assert_eq!(env.act(&handler, &public, unpublish).await.status, 200);
    assert_eq!(env.get(&board, None).await.status, 404);
}

#[tokio::test]
async fn an_action_with_bad_input_is_refused_by_field_and_changes_nothing() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let handler = env.handler("420106-education").await;
    for (body, field) in [
        (json!({"action": "accept"}), "version"),
        (json!({"action": "fly", "version": 1}), "action"),
        (json!({"action": "reply", "version": 1, "text": "x"}), "finding"),
        (
            json!({"action": "transfer", "version": 1, "to_agency": "420111-education"}),
            "reason",
        ),
        (
            json!({"action": "transfer", "version": 1, "to_agency": "nowhere", "reason": "x"}),
            "to_agency",
        ),
        (json!({"action": "note", "version": 1, "text": ""}), "text"),
    ] {
        // Posted as is: `env.act` would fill in the version.
        let reply = env
            .post(&format!("/v1/staff/reports/{serial}/actions"), &handler, &body)
            .await;
        reply.error_code(400);
        assert_eq!(reply.body["field"], field, "{body}");
    }
    assert_eq!(env.stored(&serial).await.version, 1, "nothing changed");
}

#[tokio::test]
async fn an_action_on_a_version_no_longer_current_is_a_conflict_and_changes_nothing() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let handler = env.handler("420106-education").await;
    let stale = env
        .act(&handler, &serial, json!({"action": "accept", "version": 7}))
        .await;
    assert_eq!(stale.error_code(409), "stale_version");
    assert_eq!(env.stored(&serial).await.version, 1, "nothing changed");
}

#[tokio::test]
async fn reply_templates_are_offered_per_violation_type() {
    let env = Env::new().await;
    let handler = env.handler("420106-education").await;
    let all = env.get("/v1/staff/templates", Some(&handler)).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 24);
    let one = env
        .get("/v1/staff/templates?violation_type=holiday", Some(&handler))
        .await;
    let findings: Vec<&str> = one.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["finding"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["partly", "substantiated", "unsubstantiated"]);
}
