//! Repeat reports (重复举报): a report on the same target or at the same address in the same
//! county within 90 days as an earlier one. Texts are compared normalised (full-width as
//! half-width, case, spaces and punctuation ignored: `某某 教育（武昌）` = `某某教育(武昌)`), through
//! keys the store indexes, so finding them is a key lookup, never a scan.

use crate::domain::digest::sha256_hex;
use crate::domain::text::normalise;
use chrono::{DateTime, Duration, FixedOffset};

/// How far back a report looks for the ones it repeats.
pub const WINDOW_DAYS: i64 = 90;
/// At most this many repeats are linked (newest first).
pub const MAX_LINKED: usize = 10;

/// The keys a report is found by: its county with its normalised target, and with its normalised
/// address (hashed, so a key's length does not grow with the text). Empty texts give no key.
pub fn keys(county: &str, target: &str, address: &str) -> Vec<String> {
    [("T", target), ("A", address)]
        .into_iter()
        .filter_map(|(what, text)| {
            let text = normalise(text);
            (!text.is_empty()).then(|| format!("REPEAT#{county}#{what}#{}", sha256_hex(&text, 16)))
        })
        .collect()
}

fn serial_prefix(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&crate::domain::time::cst())
        .format("%y%m%d%H%M%S")
        .to_string()
}

/// The lowest serial submitted within the window before `at` (serials begin with their
/// submission time as YYMMDDHHMMSS).
pub fn earliest_serial(at: &DateTime<FixedOffset>) -> String {
    format!("{}000", serial_prefix(*at - Duration::days(WINDOW_DAYS)))
}

/// The highest serial submitted within the window after `at`: a report's repeats either way.
pub fn latest_serial(at: &DateTime<FixedOffset>) -> String {
    format!("{}999", serial_prefix(*at + Duration::days(WINDOW_DAYS)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_per_county_and_per_text_kind() {
        let a = keys("420106", "某某教育", "中南路1号");
        let b = keys("420106", "某某　教育", "中南路 1 号");
        assert_eq!(a, b);
        assert_eq!(a.len(), 2);
        assert_ne!(keys("420111", "某某教育", "中南路1号"), a, "another county");
        assert!(a[0].starts_with("REPEAT#420106#T#") && a[1].starts_with("REPEAT#420106#A#"));
        // The same words as a target and as an address are different keys.
        assert_ne!(keys("420106", "x", "")[0], keys("420106", "", "x")[0]);
        assert!(keys("420106", "，", "").is_empty());
    }

    #[test]
    fn the_window_starts_ninety_days_back_in_china_time() {
        let now = DateTime::parse_from_rfc3339("2026-11-26T10:00:00+08:00").unwrap();
        assert_eq!(earliest_serial(&now), "260828100000000");
        assert_eq!(latest_serial(&now), "270224100000999");
    }
}
