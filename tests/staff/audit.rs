//! The audit trail (who acted, read and exported) and the reporter's data retention.

use crate::harness::{Caller, Env};
use serde_json::json;
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::EventKind;

/// A report its agency signed for, answered and published, with the handler and the reporter.
async fn answered_and_published(env: &Env) -> (Serial, Caller, Caller) {
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    for body in [
        json!({"action": "accept"}),
        json!({"action": "reply", "finding": "substantiated", "text": "第一次回复"}),
        json!({"action": "publish", "public_text": "公开内容一"}),
    ] {
        assert_eq!(env.act(&handler, &serial, body).await.status, 200);
    }
    (serial, handler, reporter)
}

#[tokio::test]
async fn each_action_records_the_staff_members_id_and_every_text_shown() {
    let env = Env::new().await;
    let (serial, handler, _) = answered_and_published(&env).await;
    let (_, timeline) = env.stored_with_timeline(&serial).await;
    let event = |kind: EventKind| timeline.iter().find(|e| e.kind == kind).unwrap();
    assert_eq!(
        event(EventKind::Accepted).actor.sub.as_deref(),
        Some(handler.sub.as_str())
    );
    assert_eq!(event(EventKind::Replied).note.as_deref(), Some("属实:第一次回复"));
    assert_eq!(event(EventKind::Published).note.as_deref(), Some("公开内容一"));
}

#[tokio::test]
async fn each_staff_read_of_a_report_is_recorded() {
    let env = Env::new().await;
    let (serial, handler, _) = answered_and_published(&env).await;
    for _ in 0..2 {
        let seen = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
        assert_eq!(seen.status, 200);
    }
    let reads = env.app.records.audit_trail(serial.as_str()).await.unwrap();
    // Two reads within the same second of one person may be one entry.
    assert!(!reads.is_empty() && reads.len() <= 2, "{reads:?}");
    assert!(
        reads
            .iter()
            .all(|r| r.what == "viewed" && r.sub == handler.sub && r.agency_id == "420106-education")
    );
}

#[tokio::test]
async fn each_export_is_recorded_with_its_filters_and_rows() {
    let env = Env::new().await;
    answered_and_published(&env).await;
    let city = env.city_supervisor("420100").await;
    let export = env.get("/v1/staff/export?category=academic", Some(&city)).await;
    assert_eq!(export.status, 200);
    let exports = env.app.records.audit_trail("EXPORTS#420100").await.unwrap();
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert_eq!(exports[0].what, "exported");
    assert_eq!(exports[0].detail, "category=academic (1 rows)");
}

#[tokio::test]
async fn no_staff_id_reaches_the_reporter() {
    let env = Env::new().await;
    let (serial, handler, reporter) = answered_and_published(&env).await;
    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&reporter)).await;
    assert_eq!(mine.status, 200);
    assert!(!mine.text.contains(handler.sub.as_str()), "{}", mine.text);
}

#[tokio::test]
async fn reporters_data_is_removed_after_the_retention_period_and_the_report_kept() {
    let env = Env::new().await;
    let replied = env.submit(&env.citizen_named("retention-1"), |_| {}).await;
    let still_open = env.citizen();
    let open = env.submit(&still_open, |_| {}).await;
    let handler = env.handler("420106-education").await;
    env.act(&handler, &replied, json!({"action": "accept"})).await;
    env.act(
        &handler,
        &replied,
        json!({"action": "reply", "finding": "partly", "text": "已处理"}),
    )
    .await;
    let housekeeping = || serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();

    // Within the period nothing changes.
    env.notifier(env.sns()).invoke(housekeeping()).await.unwrap();
    assert_eq!(env.stored(&replied).await.reporter.name, "测试retention-1");

    // Past it (a period that has always passed), the replied report loses its reporter's data.
    let mut notifier = env.notifier(env.sns());
    notifier.reporter_data_days = -1;
    notifier.invoke(housekeeping()).await.unwrap();
    let (report, timeline) = env.stored_with_timeline(&replied).await;
    assert_eq!(
        (report.reporter.name.as_str(), report.reporter.phone.reveal()),
        ("", "")
    );
    assert!(report.reporter_redacted_at.is_some());
    assert_eq!(timeline.last().unwrap().kind, EventKind::ReporterRedacted);
    assert_eq!(
        report.reply.as_ref().unwrap().text,
        "已处理",
        "the report itself is kept"
    );
    assert_eq!(
        env.stored(&open).await.reporter.name,
        format!("测试{}", still_open.sub),
        "an open report keeps it"
    );
    let detail = env
        .get_path(format!("/v1/staff/reports/{replied}"), Some(&handler))
        .await;
    assert!(!detail.text.contains(&env.phone_of("retention-1")));
    let mine = env
        .get_path(
            format!("/v1/me/reports/{replied}"),
            Some(&env.citizen_named("retention-1")),
        )
        .await;
    assert_eq!(mine.status, 200, "the reporter still sees their report");

    // Done once: the next run finds nothing due.
    notifier.invoke(housekeeping()).await.unwrap();
    assert_eq!(env.stored(&replied).await.version, report.version);
}
