//! The audit trail (who acted, read and exported) and the reporter's data retention.

use crate::harness::Env;
use serde_json::json;
use shared::domain::report::timeline::EventKind;

#[tokio::test]
async fn the_audit_trail_records_who_acted_read_and_exported_and_every_text_shown() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen_named("audit-1"), |_| {}).await;
    let handler = env.handler("420106-education");
    for body in [
        json!({"action": "accept"}),
        json!({"action": "reply", "finding": "substantiated", "text": "第一次回复"}),
        json!({"action": "publish", "public_text": "公开内容一"}),
    ] {
        assert_eq!(env.act(&handler, &serial, body).await.status, 200);
    }
    let (_, timeline) = env.stored_with_timeline(&serial).await;
    let accepted = timeline.iter().find(|e| e.kind == EventKind::Accepted).unwrap();
    assert_eq!(
        accepted.actor.sub.as_deref(),
        Some(handler.sub.as_str()),
        "the staff member's id, not only a name"
    );
    let replied = timeline.iter().find(|e| e.kind == EventKind::Replied).unwrap();
    assert_eq!(
        replied.note.as_deref(),
        Some("属实:第一次回复"),
        "the reply's own text is kept"
    );
    let published = timeline.iter().find(|e| e.kind == EventKind::Published).unwrap();
    assert_eq!(
        published.note.as_deref(),
        Some("公开内容一"),
        "what the public saw is kept"
    );

    for _ in 0..2 {
        let seen = env
            .get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
            .await;
        assert_eq!(seen.status, 200);
    }
    let reads = env.app.records.audit_trail(serial.as_str()).await.unwrap();
    assert!(!reads.is_empty() && reads.len() <= 2, "{reads:?}");
    assert!(
        reads
            .iter()
            .all(|r| r.what == "viewed" && r.sub == handler.sub && r.agency_id == "420106-education")
    );
    let city = env.city_supervisor("420100");
    assert_eq!(
        env.get_path("/v1/staff/export?category=academic".into(), Some(&city))
            .await
            .status,
        200
    );
    let exports = env.app.records.audit_trail("EXPORTS#420100").await.unwrap();
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert_eq!(exports[0].what, "exported");
    assert_eq!(exports[0].detail, "category=academic (1 rows)");

    let mine = env
        .get_path(format!("/v1/me/reports/{serial}"), Some(&env.citizen_named("audit-1")))
        .await;
    assert_eq!(mine.status, 200);
    assert!(
        !mine.text.contains(handler.sub.as_str()),
        "no staff id reaches the reporter: {}",
        mine.text
    );
}

#[tokio::test]
async fn reporters_data_is_removed_after_the_retention_period_and_the_report_kept() {
    let env = Env::new().await;
    let replied = env.submit(&env.citizen_named("retention-1"), |_| {}).await;
    let still_open = env.citizen();
    let open = env.submit(&still_open, |_| {}).await;
    let handler = env.handler("420106-education");
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
