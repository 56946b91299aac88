//! The holiday calendar's coverage: a year it lacks (this one, or from 1 November the next) is
//! said to every staff member and counted by the housekeeping, whose gauge the alarm watches.

use crate::harness::Env;
use serde_json::json;
use shared::domain::time::now_cst;
use shared::telemetry::metrics::testing::{DebugValue, Recording};

#[tokio::test]
async fn a_missing_holiday_year_is_a_banner_for_every_staff_member_and_a_gauge_of_one() {
    let recording = Recording::default();
    let _guard = recording.on_this_thread();
    let env = Env::new().await;
    // Whatever today is: the API says what the deployment's calendar lacks now.
    let missing = env.app.holidays.base().missing_year(&now_cst());
    for caller in [
        env.handler("420106-education").await,
        env.city_supervisor("420100").await,
        env.province_supervisor().await,
    ] {
        let me = env.get("/v1/staff/me", Some(&caller)).await;
        assert_eq!(me.status, 200, "{}", me.text);
        match missing {
            Some(year) => {
                assert_eq!(me.body["calendar_warning"]["year"], year);
                let message = me.body["calendar_warning"]["message"].as_str().unwrap();
                assert!(
                    message.contains(&format!("{year}年节假日安排")) && message.contains("只按周末计算"),
                    "{message}"
                );
            }
            None => assert!(me.body["calendar_warning"].is_null()),
        }
    }
    let housekeeping = serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();
    env.notifier(env.sns()).invoke(housekeeping).await.unwrap();
    let expected = if missing.is_some() { 1.0 } else { 0.0 };
    assert_eq!(
        recording.values().get("CalendarYearMissing{}"),
        Some(&DebugValue::Gauge(expected.into()))
    );
}
