//! Business metrics read off the stream: every committed change passes here exactly as stored,
//! so the figures count what happened, not what was attempted. A record Lambda delivers again
//! after a partial batch failure may be counted twice; that is rare and only ever overstates.

use crate::change::Change;
use shared::adapters::StoreError;
use shared::adapters::dynamo::Records;
use shared::domain::directory::Directory;
use shared::domain::time::{format, now_cst};
use shared::telemetry::metrics;

/// Counts one change: a new report (by city code: CloudWatch dimensions are ASCII), each
/// timeline event by kind, and a first rating by stars.
pub fn count(change: &Change) {
    match change {
        Change::Report { before: None, after } => metrics::report_submitted(&after.assignment.city),
        Change::Report {
            before: Some(before),
            after,
        } => {
            if let (None, Some(rating)) = (&before.rating, &after.rating) {
                metrics::rated(rating.stars.get());
            }
        }
        Change::Event(kind) => metrics::report_event(*kind),
        Change::Other => {}
    }
}

/// Samples the open reports past a deadline, by city: every city of the province is written,
/// zero included, so a city whose backlog cleared drops to zero on the dashboard.
pub async fn sample_overdue(records: &Records, directory: &Directory) -> Result<(), StoreError> {
    let province = &directory.regions.province().code;
    let counts = records.overdue_by_city(province, &format(&now_cst())).await?;
    for city in directory.regions.cities() {
        metrics::overdue(&city.code, counts.get(&city.code).copied().unwrap_or(0));
    }
    tracing::info!(overdue = counts.values().sum::<u64>(), "overdue reports sampled");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::change;
    use aws_lambda_events::event::dynamodb::Event;
    use shared::telemetry::metrics::testing::{DebugValue, Recording};

    fn sample_insert() -> Event {
        serde_json::from_str(include_str!("../../../events/notify/stream-insert.json")).unwrap()
    }

    fn counted(events: &[Event]) -> Vec<(String, DebugValue)> {
        let recording = Recording::default();
        recording.during(|| {
            for record in events.iter().flat_map(|e| &e.records) {
                count(&change::read(record).unwrap());
            }
        });
        recording.values().into_iter().collect()
    }

    #[test]
    fn a_new_report_counts_for_its_city_and_an_event_for_its_kind() {
        let insert = sample_insert();
        let mut event_record = insert.records[0].clone();
        event_record
            .change
            .keys
            .insert("sk".into(), serde_dynamo::AttributeValue::S("EVENT#000002".into()));
        event_record.change.new_image = std::collections::HashMap::from([(
            "kind".to_owned(),
            serde_dynamo::AttributeValue::S("transferred".into()),
        )])
        .into();
        let mut events = Event::default();
        events.records = vec![event_record];
        assert_eq!(
            counted(&[insert, events]),
            vec![
                ("ReportEvents{Kind=transferred}".into(), DebugValue::Counter(1)),
                ("ReportsSubmitted{City=420100}".into(), DebugValue::Counter(1)),
            ]
        );
    }

    #[test]
    fn a_first_rating_counts_by_stars_and_a_rewrite_of_it_does_not() {
        let insert = sample_insert();
        let mut rated = insert.records[0].clone();
        rated.event_name = "MODIFY".into();
        rated.change.old_image = rated.change.new_image.clone();
        let rating = serde_dynamo::to_attribute_value(serde_json::json!({
            "stars": 4, "rated_at": "2026-11-26T09:00:00+08:00"
        }))
        .unwrap();
        rated.change.new_image.insert("rating".into(), rating);
        let mut again = rated.clone();
        again.change.old_image = again.change.new_image.clone();
        let mut events = Event::default();
        events.records = vec![rated, again];
        assert_eq!(
            counted(&[events]),
            vec![("Ratings{Stars=4}".into(), DebugValue::Counter(1))]
        );
    }
}
