//! 节假日: the province supervisor enters a year's holidays; deadlines counted without them move
//! by exactly the working days they add once the housekeeping recounts them. Only the province
//! enters a year, checked, and every change is in 操作日志.

use crate::harness::{Env, Options};
use chrono::{DateTime, Datelike, NaiveDate, Weekday};
use serde_json::json;
use shared::domain::report::timeline::EventKind;
use shared::domain::time::now_cst;

fn next_year() -> i32 {
    now_cst().year() + 1
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

#[tokio::test]
async fn a_holiday_entered_moves_a_deadline_by_the_right_working_days() {
    let env = Env::with(Options {
        without_next_year: true,
        ..Options::default()
    })
    .await;
    let next = next_year();
    // Submitted on 28 December: the fifteen working days to reply reach mid-January.
    let submitted = DateTime::parse_from_rfc3339(&format!("{}-12-28T10:00:00+08:00", next - 1)).unwrap();
    let serial = env.report_submitted_at(submitted, "citizen-calendar").await;
    let before = env.stored(&serial).await;
    let file = env.app.holidays.base().clone();
    assert_eq!(before.deadlines.counted_without, [next], "counted without next year");
    assert_eq!(
        before.deadlines.reply_by,
        file.deadline(&submitted, 15),
        "weekends only"
    );
    let handler = env.handler(&before.assignment.agency_id).await;
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert_eq!(detail.body["due"]["counted_without"], json!([next]), "{}", detail.text);

    // The first three weekdays of January off, the Saturday after them worked.
    let january = (1..=14).filter_map(|d| NaiveDate::from_ymd_opt(next, 1, d));
    let off: Vec<NaiveDate> = january
        .clone()
        .filter(|d| d.weekday().number_from_monday() <= 5)
        .take(3)
        .collect();
    let worked = january
        .clone()
        .find(|d| d.weekday() == Weekday::Sat && *d > off[2])
        .unwrap();
    let province = env.province_supervisor().await;
    let body = json!({"holidays": off.iter().map(|d| day(*d)).collect::<Vec<_>>(), "workdays": [day(worked)]});
    let saved = env.post(&format!("/v1/staff/calendar/{next}"), &province, &body).await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(
        (saved.body["source"].as_str(), saved.body["version"].as_u64()),
        (Some("entered"), Some(1))
    );

    let housekeeping = serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();
    env.notifier(env.sns()).invoke(housekeeping).await.unwrap();
    let (after, timeline) = env.stored_with_timeline(&serial).await;
    // Three working days lost, one gained: due two working days later than counted before.
    assert_eq!(after.deadlines.reply_by, file.deadline(&before.deadlines.reply_by, 2));
    assert_eq!(after.deadlines.sign_by, before.deadlines.sign_by, "due in December");
    assert!(after.deadlines.counted_without.is_empty());
    let recounted = timeline.last().unwrap();
    assert_eq!(recounted.kind, EventKind::Recounted);
    let note = recounted.note.as_deref().unwrap();
    assert!(
        note.starts_with(&format!("按{next}年节假日重算期限:回复期限由")),
        "{note}"
    );
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert!(detail.body["due"]["counted_without"].is_null(), "{}", detail.text);

    let shown = env.get("/v1/staff/calendar", Some(&province)).await;
    assert_eq!(shown.status, 200, "{}", shown.text);
    let entry = shown.body["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == next)
        .unwrap()
        .clone();
    assert_eq!(
        (entry["source"].as_str(), entry["workdays"][0].as_str()),
        (Some("entered"), Some(day(worked).as_str()))
    );
    let log = env.get("/v1/staff/audit?kind=calendar", Some(&province)).await;
    assert_eq!(
        log.body["items"][0]["detail"],
        format!("录入{next}年节假日:放假3天,调休上班1天"),
        "{}",
        log.text
    );
    // Recounted once: another run finds nothing.
    let again = serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();
    env.notifier(env.sns()).invoke(again).await.unwrap();
    assert_eq!(env.stored(&serial).await.version, after.version);
}

#[tokio::test]
async fn only_the_province_enters_a_year_and_only_a_checked_one() {
    let env = Env::new().await;
    let next = next_year();
    let path = format!("/v1/staff/calendar/{next}");
    let new_year = json!({"holidays": [format!("{next}-01-01")], "workdays": []});
    for caller in [
        env.handler("420106-education").await,
        env.city_supervisor("420100").await,
    ] {
        let refused = env.post(&path, &caller, &new_year).await;
        assert_eq!((refused.status, refused.code()), (403, "forbidden"), "{}", refused.text);
        let shown = env.get("/v1/staff/calendar", Some(&caller)).await;
        assert_eq!((shown.status, shown.body["editable"].as_bool()), (200, Some(false)));
    }
    let province = env.province_supervisor().await;
    let far = env
        .post(&format!("/v1/staff/calendar/{}", next + 1), &province, &new_year)
        .await;
    assert_eq!((far.status, far.code()), (422, "year_not_open"), "{}", far.text);
    // A Friday worked as a make-up day, a day both off and worked, a day of another year.
    let first_weekday = (1..=7)
        .filter_map(|d| NaiveDate::from_ymd_opt(next, 3, d))
        .find(|d| d.weekday() == Weekday::Fri)
        .unwrap();
    let first_saturday = first_weekday.succ_opt().unwrap();
    for (body, field) in [
        (
            json!({"holidays": [format!("{next}-01-01")], "workdays": [day(first_weekday)]}),
            "workdays",
        ),
        (
            json!({"holidays": [day(first_saturday)], "workdays": [day(first_saturday)]}),
            "workdays",
        ),
        (
            json!({"holidays": [format!("{}-12-31", next - 1)], "workdays": []}),
            "holidays[0]",
        ),
    ] {
        let refused = env.post(&path, &province, &body).await;
        assert_eq!(
            (refused.status, refused.field()),
            (400, Some(field)),
            "{}",
            refused.text
        );
    }
    assert!(
        env.get("/v1/staff/calendar", Some(&province))
            .await
            .text
            .contains("\"editable\":true")
    );
    let first = env.post(&path, &province, &new_year).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let same = env.post(&path, &province, &new_year).await;
    assert_eq!((same.status, same.code()), (409, "no_change"));
    let corrected = json!({"holidays": [format!("{next}-01-01"), day(first_weekday)], "workdays": []});
    let second = env.post(&path, &province, &corrected).await;
    assert_eq!(
        (second.status, second.body["version"].as_u64()),
        (200, Some(2)),
        "{}",
        second.text
    );
    let log = env.get("/v1/staff/audit?kind=calendar", Some(&province)).await;
    let details: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["detail"].as_str())
        .collect();
    assert_eq!(
        details,
        [
            format!("修改{next}年节假日:放假2天,调休上班0天"),
            format!("录入{next}年节假日:放假1天,调休上班0天")
        ]
    );
}
