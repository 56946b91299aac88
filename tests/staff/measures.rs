//! Findings and measures (issue 30, part 3): a reply records what was done (处理措施) from the
//! province's catalog, and every audience that sees the finding sees the measures with it.

use crate::harness::Env;
use serde_json::json;

#[tokio::test]
async fn a_replys_measures_reach_the_citizen_the_board_and_open311() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |form| form["public"] = json!(true)).await;
    let handler = env.handler("420106-education").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let reply = json!({
        "action": "reply", "finding": "substantiated", "text": "经核查属实。",
        "measures": [
            {"code": "stop"},
            {"code": "refund", "amount": 3000},
            {"code": "refer", "to": "区市场监管局"}
        ]
    });
    let replied = env.act(&handler, &serial, reply).await;
    assert_eq!(replied.status, 200, "{}", replied.text);
    let texts = |body: &serde_json::Value| -> Vec<String> {
        body["measures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["text"].as_str().unwrap().to_owned())
            .collect()
    };
    let expected = ["责令停止违规培训", "责令退费3000元", "移送至区市场监管局"];
    assert_eq!(texts(&replied.body["reply"]), expected);
    assert_eq!(replied.body["reply"]["measures"][1]["amount"], 3000);
    let last = replied.body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert!(
        last["note"]
            .as_str()
            .unwrap()
            .contains("处理措施:责令停止违规培训;责令退费3000元"),
        "{last}"
    );

    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert_eq!(texts(&mine.body["reply"]), expected);
    env.act(&handler, &serial, json!({"action": "publish"})).await;
    let board = env.get(&format!("/v1/public/reports/{serial}"), None).await;
    assert_eq!(board.status, 200, "{}", board.text);
    assert_eq!(texts(&board.body["reply"]), expected);
    let open311 = env.get(&format!("/open311/v2/requests/{serial}.json"), None).await;
    assert_eq!(open311.status, 200, "{}", open311.text);
    assert!(
        open311.body[0]["status_notes"]
            .as_str()
            .unwrap()
            .ends_with("(处理措施:责令停止违规培训;责令退费3000元;移送至区市场监管局)"),
        "{}",
        open311.text
    );
}

#[tokio::test]
async fn bad_measures_change_nothing_and_unverifiable_is_offered() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let refused = |finding: &str, measures: serde_json::Value| json!({"action": "reply", "finding": finding, "text": "已处理", "measures": measures});
    let no_amount = env
        .act(&handler, &serial, refused("partly", json!([{"code": "fine"}])))
        .await;
    assert_eq!(
        (no_amount.error_code(400), no_amount.body["field"].as_str()),
        ("invalid_field", Some("measures[0].amount"))
    );
    let not_substantiated = env
        .act(&handler, &serial, refused("unsubstantiated", json!([{"code": "stop"}])))
        .await;
    assert_eq!(not_substantiated.error_code(409), "measures_need_finding");
    let twice = env
        .act(
            &handler,
            &serial,
            refused("partly", json!([{"code": "stop"}, {"code": "stop"}])),
        )
        .await;
    assert_eq!(twice.error_code(409), "duplicate_measure");
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert_eq!(detail.body["status"], "processing", "nothing changed");

    // 无法核实 is offered (Hubei's catalog says so); a reply with no measures records none.
    let unverifiable = env
        .act(
            &handler,
            &serial,
            json!({"action": "reply", "finding": "unverifiable", "text": "现场未发现培训,无法核实"}),
        )
        .await;
    assert_eq!(unverifiable.status, 200, "{}", unverifiable.text);
    assert_eq!(unverifiable.body["reply"]["finding_name"], "无法核实");
    assert_eq!(unverifiable.body["reply"]["measures"], json!([]));

    let meta = env.get("/v1/meta", None).await;
    assert_eq!(meta.body["reply"]["measures"].as_array().unwrap().len(), 6);
    assert!(
        meta.body["reply"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["code"] == "unverifiable")
    );
}
