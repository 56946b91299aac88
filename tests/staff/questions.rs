//! Questions to the reporter (issue 30, part 2): the agency asks, the reporter is texted and
//! answers in the H5 with words and a photo sealed like a report's, the reply clock pauses for
//! exactly the working days the question stayed open, and one nobody answers lapses at its limit.

use crate::harness::{Caller, Env, JPEG};
use serde_json::json;
use shared::adapters::dynamo::SaveOutcome;
use shared::domain::report::custody::verify;
use shared::domain::report::questions::QuestionEnd;
use shared::domain::report::timeline::Actor;
use shared::domain::time::{format, now_cst};

/// The serials of `who`'s queue filtered to 待补充.
async fn awaiting(env: &Env, who: &Caller) -> Vec<String> {
    let list = env.get("/v1/staff/reports?awaiting=true&limit=100", Some(who)).await;
    assert_eq!(list.status, 200, "{}", list.text);
    let items = list.body["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["awaiting_reporter"] == true), "{}", list.text);
    items.iter().map(|i| i["serial"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_question_pauses_the_clock_and_its_answer_with_a_photo_is_sealed_and_shown_to_staff() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    let asking = json!({"action": "ask", "text": "请补充培训地点的具体楼层"});
    assert_eq!(
        env.act(&handler, &serial, asking.clone()).await.error_code(409),
        "wrong_status",
        "signed for first"
    );
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let before = env.stored(&serial).await.deadlines.reply_by;
    let city = env.city_supervisor("420100").await;
    assert_eq!(
        env.act(&city, &serial, asking.clone()).await.status,
        403,
        "the agency asks"
    );
    let asked = env.act(&handler, &serial, asking.clone()).await;
    assert_eq!(asked.status, 200, "{}", asked.text);
    assert_eq!(asked.body["awaiting_reporter"], true);
    let question = &asked.body["questions"][0];
    assert_eq!(
        (question["state"].as_str(), question["state_name"].as_str()),
        (Some("open"), Some("等待举报人补充"))
    );
    assert_eq!(question["asked_by"], "武昌区教育局");
    // Paused: the deadline stands at the most the pause can last.
    let paused = env.stored(&serial).await;
    assert_eq!(paused.deadlines.reply_by, env.app.holidays.base().deadline(&before, 5));
    assert_eq!(
        env.act(&handler, &serial, asking).await.error_code(409),
        "question_open"
    );
    let reply = json!({"action": "reply", "finding": "substantiated", "text": "已查处"});
    assert_eq!(
        env.act(&handler, &serial, reply.clone()).await.error_code(409),
        "question_open"
    );
    assert_eq!(awaiting(&env, &handler).await, [serial.to_string()], "待补充");
    assert_eq!(awaiting(&env, &city).await, [serial.to_string()]);

    // The reporter is texted, and sees the question with the agency that asked, never a person.
    env.deliver_stream().await;
    let texts = env.sms_to(&reporter.phone).await;
    assert!(
        texts
            .iter()
            .any(|t| t.contains("需要您补充") && t.contains(serial.as_str())),
        "{texts:?}"
    );
    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert_eq!(
        (
            mine.body["can_answer"].as_bool(),
            mine.body["questions"][0]["text"].as_str()
        ),
        (Some(true), Some("请补充培训地点的具体楼层"))
    );
    assert!(!mine.text.contains("测试"), "no staff name: {}", mine.text);
    let list = env.get("/v1/me/reports", Some(&reporter)).await;
    assert_eq!(list.body["items"][0]["can_answer"], true);

    // Nobody else answers, and an empty answer says what is missing.
    let path = format!("/v1/me/reports/{serial}/answer");
    let other = env.citizen();
    assert_eq!(env.post(&path, &other, &json!({"text": "冒名补充"})).await.status, 404);
    let empty = env.post(&path, &reporter, &json!({"text": "  "})).await;
    empty.error_code(400);
    assert_eq!(empty.body["field"], "text");

    // The answer: words and a photo, sealed as a report's evidence is.
    let keys = env.upload(&reporter, "image", &[("image/jpeg", JPEG)]).await;
    let body = json!({"text": "在3楼301室", "evidence": {"kind": "image", "keys": keys}});
    let answered = env.post(&path, &reporter, &body).await;
    assert_eq!(answered.status, 200, "{}", answered.text);
    assert_eq!(
        (answered.body["number"].as_u64(), answered.body["files"].as_u64()),
        (Some(1), Some(1))
    );
    let again = env.post(&path, &reporter, &body).await;
    assert_eq!(
        (again.status, again.body["answered_at"].clone()),
        (200, answered.body["answered_at"].clone()),
        "a retry is the same answer"
    );
    let record = env.stored_record(&serial).await;
    let question = &record.report.questions[0];
    assert_eq!(
        (question.ended, question.paused_days),
        (Some(QuestionEnd::Answered), Some(0))
    );
    assert_eq!(
        record.report.deadlines.reply_by, before,
        "answered the day it was asked: nothing lost"
    );
    let file = &question.answer.as_ref().unwrap().evidence.as_ref().unwrap().files[0];
    assert!(file.key.starts_with("evidence/"), "{}", file.key);
    let seal = record.custody.last().unwrap();
    assert!(
        seal.subject.starts_with("answer 1: ") && seal.subject.contains(&file.sha256),
        "{}",
        seal.subject
    );
    verify(&record.custody, false).expect("the custody chain holds");
    let reused = env
        .post(
            &path,
            &reporter,
            &json!({"text": "x", "evidence": {"kind": "image", "keys": keys}}),
        )
        .await;
    assert_eq!(reused.status, 409, "the question is answered: {}", reused.text);

    assert!(awaiting(&env, &handler).await.is_empty(), "answered: no longer 待补充");
    // Staff read the answer and open its photo, a look the custody log records.
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert_eq!(detail.body["awaiting_reporter"], false);
    let shown = &detail.body["questions"][0];
    assert_eq!(
        (shown["state"].as_str(), shown["answer"]["text"].as_str()),
        (Some("answered"), Some("在3楼301室"))
    );
    assert_eq!(
        shown["answer"]["files"][0]["n"], 1,
        "the report had no photo of its own"
    );
    assert_eq!(shown["answer"]["files"][0]["sha256"], file.sha256.as_str());
    assert_eq!(detail.body["custody"]["intact"], true);
    let link = env
        .post(
            &format!("/v1/staff/reports/{serial}/evidence/1/original"),
            &handler,
            &json!({}),
        )
        .await;
    assert_eq!(link.status, 200, "{}", link.text);
    let bytes = env
        .http
        .get(link.body["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], JPEG);
    let kinds: Vec<String> = detail.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(kinds.ends_with(&["asked".into(), "answered".into()]), "{kinds:?}");

    // And now the reply can go.
    assert_eq!(env.act(&handler, &serial, reply).await.status, 200);
}

#[tokio::test]
async fn a_withdrawn_question_resumes_the_clock_and_cannot_be_answered() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/me/reports/{serial}/answer");
    assert_eq!(
        env.post(&path, &reporter, &json!({"text": "补充"}))
            .await
            .error_code(409),
        "no_question"
    );
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let before = env.stored(&serial).await.deadlines.reply_by;
    env.act(&handler, &serial, json!({"action": "ask", "text": "请补充收费凭证"}))
        .await;
    let transfer = json!({"action": "transfer", "to": "city", "reason": "不属本区"});
    assert_eq!(
        env.act(&handler, &serial, transfer).await.error_code(409),
        "question_open"
    );
    let withdrawn = env.act(&handler, &serial, json!({"action": "withdraw_question"})).await;
    assert_eq!(withdrawn.status, 200, "{}", withdrawn.text);
    assert_eq!(withdrawn.body["questions"][0]["state_name"], "已撤回");
    assert_eq!(env.stored(&serial).await.deadlines.reply_by, before);
    assert_eq!(
        env.post(&path, &reporter, &json!({"text": "补充"}))
            .await
            .error_code(409),
        "no_question"
    );
}

#[tokio::test]
async fn an_unanswered_question_lapses_at_its_limit_through_the_housekeeping() {
    let env = Env::new().await;
    let serial = env.old_report(20, "citizen-old").await;
    let report = env.stored(&serial).await;
    let staff = Actor::staff("测试", &report.assignment.agency_id, &report.assignment.agency_name);
    let asked_at = now_cst() - chrono::Duration::days(15);
    let (accepted, e1) = report.accept(staff.clone(), asked_at).unwrap();
    let (asked, e2) = accepted
        .ask(staff, "请补充培训时间", 5, env.app.holidays.base(), asked_at)
        .unwrap();
    for (before, after, event) in [(&report, &accepted, e1), (&accepted, &asked, e2)] {
        assert_eq!(
            env.app.records.save(before, after, &event).await.unwrap(),
            SaveOutcome::Saved
        );
    }
    let reporter = env.citizen_named("citizen-old");
    let path = format!("/v1/me/reports/{serial}/answer");
    assert_eq!(
        env.post(&path, &reporter, &json!({"text": "迟到的补充"}))
            .await
            .error_code(409),
        "question_lapsed"
    );
    // Past its limit it is no longer 待补充, even before the housekeeping records it.
    let city = env.city_supervisor(&report.assignment.city).await;
    assert!(!awaiting(&env, &city).await.contains(&serial.to_string()));

    let housekeeping = serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();
    env.notifier(env.sns()).invoke(housekeeping).await.unwrap();
    let (lapsed, timeline) = env.stored_with_timeline(&serial).await;
    let question = &lapsed.questions[0];
    assert_eq!(
        (question.ended, question.paused_days),
        (Some(QuestionEnd::Lapsed), Some(5))
    );
    assert_eq!(
        format(&lapsed.deadlines.reply_by),
        format(&env.app.holidays.base().deadline(&accepted.deadlines.reply_by, 5)),
        "the clock resumed at the limit: five working days later"
    );
    let last = timeline.last().unwrap();
    assert_eq!(
        (
            last.kind.label(),
            last.note.as_deref().map(|n| n.starts_with("补充期限"))
        ),
        ("举报人未补充", Some(true))
    );
    let detail = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert_eq!(
        (
            detail.body["can_answer"].as_bool(),
            detail.body["questions"][0]["state_name"].as_str()
        ),
        (Some(false), Some("举报人未补充"))
    );
    // Recorded once: the index no longer holds it.
    let again = serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();
    env.notifier(env.sns()).invoke(again).await.unwrap();
    assert_eq!(env.stored(&serial).await.version, lapsed.version);
}

#[tokio::test]
async fn the_same_answer_sent_twice_at_once_is_one_answer_and_both_get_its_receipt() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    env.act(&handler, &serial, json!({"action": "ask", "text": "请补充培训时间"}))
        .await;
    let path = format!("/v1/me/reports/{serial}/answer");
    let body = json!({"text": "每周六上午"});
    let (first, second) = tokio::join!(env.post(&path, &reporter, &body), env.post(&path, &reporter, &body));
    assert_eq!(
        (first.status, second.status),
        (200, 200),
        "{} {}",
        first.text,
        second.text
    );
    assert_eq!(first.body["answered_at"], second.body["answered_at"]);
    let (_, timeline) = env.stored_with_timeline(&serial).await;
    let answers = timeline.iter().filter(|e| e.kind.code() == "answered").count();
    assert_eq!(answers, 1);
}
