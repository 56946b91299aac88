//! Business metrics, as CloudWatch embedded metric format (EMF) lines on stdout: CloudWatch
//! Logs turns each line into metric data, with no API call on the request path.
//!
//! The names and dimensions live here; the template's dashboard, its alarms and `docs/deploy.md`
//! spell them too, so change them together. Dimensions are few and bounded (cities, event
//! kinds, outcomes, stars): every distinct combination is a billed custom metric. Without an
//! installed recorder (tests, the local server) every call is a no-op.

use crate::domain::report::timeline::EventKind;
use metrics_cloudwatch_embedded::{Builder, Collector};
use std::sync::OnceLock;

pub const REPORTS_SUBMITTED: &str = "ReportsSubmitted";
pub const EVENTS: &str = "ReportEvents";
pub const RATINGS: &str = "Ratings";
pub const SMS: &str = "Sms";
pub const OVERDUE: &str = "OverdueReports";
pub const SMS_UNSENT: &str = "SmsUnsent";
pub const CALENDAR_YEAR_MISSING: &str = "CalendarYearMissing";

/// `METRICS_NAMESPACE`, set by the template per stack so two stacks never mix their figures.
pub const NAMESPACE_VARIABLE: &str = "METRICS_NAMESPACE";
const DEFAULT_NAMESPACE: &str = "Suishoupai";

/// What happened to one SMS attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmsOutcome {
    Sent,
    Failed,
    /// An attempt at a message whose earlier attempt failed (counted besides Sent or Failed).
    Retried,
    /// A message taken over from a sender that never answered (its lease expired).
    Recovered,
    /// Not sent: the deployment sends no SMS.
    Off,
    /// An arrival not texted: the report texted that agency within the window already.
    Windowed,
    /// An arrival not texted: the agency's ceiling for the day is reached (an alarm).
    Capped,
}

impl SmsOutcome {
    fn name(self) -> &'static str {
        match self {
            SmsOutcome::Sent => "sent",
            SmsOutcome::Failed => "failed",
            SmsOutcome::Retried => "retried",
            SmsOutcome::Recovered => "recovered",
            SmsOutcome::Off => "off",
            SmsOutcome::Windowed => "windowed",
            SmsOutcome::Capped => "capped",
        }
    }
}

static COLLECTOR: OnceLock<&'static Collector> = OnceLock::new();

/// Installs the EMF recorder once, in Lambda only; elsewhere metrics stay silent.
pub fn install() -> Result<(), String> {
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_none() || COLLECTOR.get().is_some() {
        return Ok(());
    }
    let namespace = std::env::var(NAMESPACE_VARIABLE).unwrap_or_else(|_| DEFAULT_NAMESPACE.to_owned());
    let collector = Builder::new()
        .cloudwatch_namespace(namespace)
        .init()
        .map_err(|e| e.to_string())?;
    let _ = COLLECTOR.set(collector);
    Ok(())
}

/// Writes what was counted since the last flush; called once per invocation.
pub fn flush() {
    if let Some(collector) = COLLECTOR.get()
        && let Err(error) = collector.flush(std::io::stdout().lock())
    {
        tracing::warn!(%error, "metrics not written");
    }
}

/// `city`: its code (CloudWatch dimension values are ASCII).
pub fn report_submitted(city: &str) {
    metrics::counter!(REPORTS_SUBMITTED, "City" => city.to_owned()).increment(1);
}

/// Every step of a report's timeline, by kind (submissions, signatures, replies, hand-ons, …).
pub fn report_event(kind: EventKind) {
    metrics::counter!(EVENTS, "Kind" => kind.code()).increment(1);
}

pub fn rated(stars: u8) {
    metrics::counter!(RATINGS, "Stars" => stars.to_string()).increment(1);
}

pub fn sms(outcome: SmsOutcome) {
    metrics::counter!(SMS, "Outcome" => outcome.name()).increment(1);
}

/// Messages not sent a quarter of an hour after their first attempt, as sampled now.
pub fn unsent(count: u64) {
    metrics::gauge!(SMS_UNSENT).set(count as f64);
}

/// Open reports past a deadline, by city code, as sampled now.
/// 1 while the holiday calendar lacks a year it needs (this one, or from 1 November the next).
pub fn calendar_year_missing(missing: bool) {
    metrics::gauge!(CALENDAR_YEAR_MISSING).set(if missing { 1.0 } else { 0.0 });
}

pub fn overdue(city: &str, count: u64) {
    // Counts stay far below 2^52: exact in an f64.
    metrics::gauge!(OVERDUE, "City" => city.to_owned()).set(count as f64);
}

/// What metrics calls recorded, for tests: `Name{Dim=value}` → value, on this thread only.
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use metrics_util::debugging::{DebuggingRecorder, Snapshotter};
    use std::collections::BTreeMap;

    pub use metrics_util::debugging::DebugValue;

    pub struct Recording {
        recorder: DebuggingRecorder,
        snapshotter: Snapshotter,
    }

    impl Default for Recording {
        fn default() -> Recording {
            let recorder = DebuggingRecorder::new();
            let snapshotter = recorder.snapshotter();
            Recording { recorder, snapshotter }
        }
    }

    impl Recording {
        /// Records what `run` counts.
        pub fn during(&self, run: impl FnOnce()) -> &Recording {
            metrics::with_local_recorder(&self.recorder, run);
            self
        }

        /// Records on this thread until the guard drops (a current-thread async test).
        pub fn on_this_thread(&self) -> metrics::LocalRecorderGuard<'_> {
            metrics::set_default_local_recorder(&self.recorder)
        }

        pub fn values(&self) -> BTreeMap<String, DebugValue> {
            self.snapshotter
                .snapshot()
                .into_vec()
                .into_iter()
                .map(|(key, _, _, value)| {
                    let key = key.key();
                    let labels: Vec<String> = key.labels().map(|l| format!("{}={}", l.key(), l.value())).collect();
                    (format!("{}{{{}}}", key.name(), labels.join(",")), value)
                })
                .collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{DebugValue, Recording};
    use super::*;

    fn counted(run: impl FnOnce()) -> Vec<(String, DebugValue)> {
        Recording::default().during(run).values().into_iter().collect()
    }

    #[test]
    fn each_metric_has_its_name_and_one_bounded_dimension() {
        let seen = counted(|| {
            report_submitted("420100");
            report_submitted("420100");
            report_event(EventKind::Transferred);
            rated(4);
            sms(SmsOutcome::Failed);
            sms(SmsOutcome::Retried);
            overdue("420500", 7);
        });
        let expect = |name: &str, value| (name.to_owned(), value);
        assert_eq!(
            seen,
            vec![
                expect("OverdueReports{City=420500}", DebugValue::Gauge(7.0.into())),
                expect("Ratings{Stars=4}", DebugValue::Counter(1)),
                expect("ReportEvents{Kind=transferred}", DebugValue::Counter(1)),
                expect("ReportsSubmitted{City=420100}", DebugValue::Counter(2)),
                expect("Sms{Outcome=failed}", DebugValue::Counter(1)),
                expect("Sms{Outcome=retried}", DebugValue::Counter(1)),
            ]
        );
    }

    #[test]
    fn the_lambda_recorder_writes_one_emf_line_per_dimension_set() {
        // The process-wide recorder: only this test installs it, and it reads its own city only.
        let collector = Builder::new().cloudwatch_namespace("Test").init().unwrap();
        report_submitted("429999");
        report_submitted("429999");
        let mut out = Vec::new();
        collector.flush(&mut out).unwrap();
        let line = String::from_utf8(out)
            .unwrap()
            .lines()
            .find(|l| l.contains("429999"))
            .map(str::to_owned)
            .unwrap();
        let emf: serde_json::Value = serde_json::from_str(&line).unwrap();
        let spec = &emf["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(spec["Namespace"], "Test");
        assert_eq!(spec["Dimensions"], serde_json::json!([["City"]]));
        assert_eq!(spec["Metrics"][0]["Name"], REPORTS_SUBMITTED);
        assert_eq!(emf["City"], "429999");
        assert_eq!(emf[REPORTS_SUBMITTED], 2);
        assert!(emf["_aws"]["Timestamp"].as_u64().is_some());
    }

    #[test]
    fn without_a_recorder_nothing_happens() {
        report_submitted("420100");
        flush();
    }
}
