//! Serial numbers (流水号): `YYMMDDHHMMSS` in China Standard Time followed by 3 digits.
//! Uniqueness is the store's job (a conditional put); this module makes candidates.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, Timelike};
use rand::Rng;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Deserialises only through `Serial::parse`: a stored or sent serial is 15 digits or an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", try_from = "String")]
pub struct Serial(String);

impl TryFrom<String> for Serial {
    type Error = String;

    fn try_from(text: String) -> Result<Serial, String> {
        Serial::parse(&text).ok_or_else(|| format!("not a 15-digit serial: {text:?}"))
    }
}

impl From<Serial> for String {
    fn from(serial: Serial) -> String {
        serial.0
    }
}

impl Serial {
    /// A serial of the time `at` (taken in CST) and the 3-digit `suffix` (mod 1000).
    pub fn new(at: &DateTime<FixedOffset>, suffix: u16) -> Serial {
        let at = at.with_timezone(&crate::domain::time::cst());
        Serial(format!("{}{:03}", at.format("%y%m%d%H%M%S"), suffix % 1000))
    }

    /// The `attempt`-th candidate for a report submitted at `at`: first the milliseconds,
    /// then random suffixes, so that concurrent submitters in one second spread out.
    pub fn candidate(at: &DateTime<FixedOffset>, attempt: u32) -> Serial {
        let suffix = if attempt == 0 {
            u16::try_from(at.nanosecond() / 1_000_000 % 1000).unwrap_or(0)
        } else {
            rand::rng().random_range(0..1000)
        };
        Serial::new(at, suffix)
    }

    /// Accepts exactly 15 ASCII digits.
    pub fn parse(text: &str) -> Option<Serial> {
        (text.len() == 15 && text.bytes().all(|b| b.is_ascii_digit())).then(|| Serial(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Serial {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The serials of reports submitted on the days `from..=to` (either bound open), as inclusive
/// bounds. A serial's two-digit year names 2000–2099 only, so days outside that century clamp to
/// its ends; a range given backwards is read the right way round.
pub fn bounds_for_days(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (Option<String>, Option<String>) {
    let (from, to) = match (from, to) {
        (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
        other => other,
    };
    let lower = from.and_then(|day| match day.year() {
        ..2000 => None,
        2000..=2099 => Some(format!("{}000000000", day.format("%y%m%d"))),
        _ => Some("9".repeat(15)),
    });
    let upper = to.and_then(|day| match day.year() {
        ..2000 => Some("0".repeat(15)),
        2000..=2099 => Some(format!("{}235959999", day.format("%y%m%d"))),
        _ => None,
    });
    (lower, upper)
}

/// Splits the serials from `oldest` to `newest` into at most `parts` ranges of equal time,
/// newest first: inclusive (lower, upper) bounds that together cover both ends and do not
/// overlap, so that the ranges can be read at once and written one after another. A serial that
/// does not parse leaves the range whole.
pub fn time_slices(oldest: &str, newest: &str, parts: u32) -> Vec<(String, String)> {
    const TIME: &str = "%y%m%d%H%M%S";
    let at = |serial: &str| {
        serial
            .get(..12)
            .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, TIME).ok())
    };
    let (Some(first), Some(last)) = (at(oldest), at(newest)) else {
        return vec![(oldest.to_owned(), newest.to_owned())];
    };
    let (first, last) = (first.min(last), first.max(last));
    let span = (last - first).num_seconds();
    // Whole seconds a slice, rounded up, so that `parts` slices reach the newest second.
    let step = span / i64::from(parts.max(1)) + 1;
    let mut slices = Vec::new();
    let mut lower = first;
    while lower <= last {
        let upper = (lower + chrono::Duration::seconds(step - 1)).min(last);
        slices.push((
            format!("{}000", lower.format(TIME)),
            format!("{}999", upper.format(TIME)),
        ));
        lower = upper + chrono::Duration::seconds(1);
    }
    slices.reverse();
    slices
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn day_bounds_cover_whole_days_of_the_century_either_way_round() {
        let day = |t: &str| NaiveDate::parse_from_str(t, "%Y-%m-%d").ok();
        let bounds = |a: &str, b: &str| bounds_for_days(day(a), day(b));
        let some = |a: &str, b: &str| (Some(a.to_owned()), Some(b.to_owned()));
        assert_eq!(
            bounds("2026-11-01", "2026-11-30"),
            some("261101000000000", "261130235959999")
        );
        assert_eq!(
            bounds("2026-11-30", "2026-11-01"),
            some("261101000000000", "261130235959999")
        );
        assert_eq!(bounds("", "2026-11-30"), (None, Some("261130235959999".into())));
        assert_eq!(bounds("1999-12-31", "2150-01-01"), (None, None));
        // Wholly outside the century: bounds no serial lies within.
        assert_eq!(
            bounds("1985-01-01", "1990-01-01"),
            (None, Some("000000000000000".into()))
        );
        assert_eq!(bounds("2100-01-01", ""), (Some("999999999999999".into()), None));
    }

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    #[test]
    fn deserialising_goes_through_the_parser() {
        let serial: Serial = serde_json::from_str("\"221215170850330\"").unwrap();
        assert_eq!(serde_json::to_string(&serial).unwrap(), "\"221215170850330\"");
        for bad in ["\"22121517085033\"", "\"22121517085033x\"", "\"\"", "221215170850330"] {
            assert!(serde_json::from_str::<Serial>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_manuals_example_is_time_in_cst_plus_three_digits() {
        // 2022-12-15 17:08:50.330 in Wuhan is 09:08:50.330 UTC.
        let serial = Serial::candidate(&at("2022-12-15T09:08:50.330Z"), 0);
        assert_eq!(serial.as_str(), "221215170850330");
    }

    #[test]
    fn retries_keep_the_time_and_vary_the_suffix() {
        let when = at("2022-12-15T17:08:50.330+08:00");
        let seen: HashSet<Serial> = (1..200).map(|attempt| Serial::candidate(&when, attempt)).collect();
        assert!(seen.len() > 50, "random suffixes spread out: {}", seen.len());
        assert!(
            seen.iter()
                .all(|s| s.as_str().starts_with("221215170850") && s.as_str().len() == 15)
        );
    }

    #[test]
    fn parse_takes_fifteen_digits_only() {
        assert!(Serial::parse("221215170850330").is_some());
        for bad in [
            "22121517085033",
            "2212151708503301",
            "22121517085033a",
            "",
            "２21215170850330",
        ] {
            assert!(Serial::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn time_slices_cover_the_span_newest_first_without_overlap() {
        let slices = time_slices("260101000000123", "261231235959999", 12);
        assert_eq!(slices.len(), 12);
        assert_eq!(slices.last().map(|s| s.0.as_str()), Some("260101000000000"));
        assert_eq!(slices.first().map(|s| s.1.as_str()), Some("261231235959999"));
        for pair in slices.windows(2) {
            let (newer, older) = (&pair[0], &pair[1]);
            assert!(older.1 < newer.0, "{older:?} overlaps {newer:?}");
            // Adjacent: the older slice ends the second before the newer one starts.
            let end = chrono::NaiveDateTime::parse_from_str(&older.1[..12], "%y%m%d%H%M%S").unwrap();
            let start = chrono::NaiveDateTime::parse_from_str(&newer.0[..12], "%y%m%d%H%M%S").unwrap();
            assert_eq!(start - end, chrono::Duration::seconds(1));
        }
        // Every serial of the year falls in exactly one slice.
        for serial in [
            "260101000000123",
            "260615120000500",
            "261231235959999",
            "260301000000000",
        ] {
            let holding = slices
                .iter()
                .filter(|(lo, hi)| lo.as_str() <= serial && serial <= hi.as_str());
            assert_eq!(holding.count(), 1, "{serial}");
        }
    }

    #[test]
    fn time_slices_of_one_second_or_of_nonsense_are_one_slice() {
        assert_eq!(
            time_slices("260101000000001", "260101000000999", 8),
            vec![("260101000000000".to_owned(), "260101000000999".to_owned())]
        );
        assert_eq!(time_slices("x", "y", 8), vec![("x".to_owned(), "y".to_owned())]);
        assert_eq!(time_slices("260102000000000", "260101000000000", 0).len(), 1);
    }
}
