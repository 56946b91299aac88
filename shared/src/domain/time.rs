//! China Standard Time: every time the platform shows or stores is RFC 3339 with `+08:00`.

use chrono::{DateTime, FixedOffset, SubsecRound, Timelike, Utc};

/// UTC+8, checked when the crate compiles.
const CST: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// UTC+8, the only zone the platform speaks.
pub fn cst() -> FixedOffset {
    CST
}

/// Now in CST, to the millisecond (the serial's last digits start from it).
pub fn now_cst() -> DateTime<FixedOffset> {
    Utc::now().with_timezone(&cst()).trunc_subsecs(3)
}

/// RFC 3339 to the second, as clients see it: `2022-12-15T17:08:50+08:00`.
pub fn format(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&cst()).format("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// A day as the timeline's notes name it: 2025-10-14 (China time).
pub fn format_day(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&cst()).format("%Y-%m-%d").to_string()
}

/// The China day of `at` as `YYYYMMDD`: the period of a daily quota.
pub fn day_key(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&cst()).format("%Y%m%d").to_string()
}

/// Seconds from `at` until the next midnight in China (at least 1): when a daily quota renews.
pub fn seconds_to_next_day(at: &DateTime<FixedOffset>) -> u64 {
    let local = at.with_timezone(&cst());
    let since_midnight = i64::from(local.time().num_seconds_from_midnight());
    u64::try_from(24 * 3600 - since_midnight).unwrap_or(1).max(1)
}

/// The China minute of `at` as `YYYYMMDDHHMM`: the period of a rate of reads.
pub fn minute_key(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&cst()).format("%Y%m%d%H%M").to_string()
}

/// Seconds from `at` until the next minute starts (at least 1).
pub fn seconds_to_next_minute(at: &DateTime<FixedOffset>) -> u64 {
    u64::from(60 - at.second()).clamp(1, 60)
}

/// Serialise times as CST RFC 3339 to the second.
pub mod rfc3339 {
    use chrono::{DateTime, FixedOffset};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(at: &DateTime<FixedOffset>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format(at))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<FixedOffset>, D::Error> {
        let text = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom)
    }

    /// The same for optional times.
    pub mod option {
        use chrono::{DateTime, FixedOffset};
        use serde::{Deserialize, Deserializer, Serializer};

        pub fn serialize<S: Serializer>(at: &Option<DateTime<FixedOffset>>, s: S) -> Result<S::Ok, S::Error> {
            match at {
                Some(at) => s.serialize_str(&super::super::format(at)),
                None => s.serialize_none(),
            }
        }

        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<FixedOffset>>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|text| DateTime::parse_from_rfc3339(&text).map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rate_of_reads_renews_every_minute() {
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap();
        assert_eq!(minute_key(&at("2026-11-25T16:05:59Z")), "202611260005");
        assert_eq!(seconds_to_next_minute(&at("2026-11-26T00:05:59+08:00")), 1);
        assert_eq!(seconds_to_next_minute(&at("2026-11-26T00:05:00+08:00")), 60);
    }

    #[test]
    fn a_daily_quota_renews_at_china_midnight() {
        let at = |t: &str| DateTime::parse_from_rfc3339(t).unwrap();
        assert_eq!(seconds_to_next_day(&at("2026-11-26T23:59:30+08:00")), 30);
        assert_eq!(seconds_to_next_day(&at("2026-11-26T00:00:00+08:00")), 86400);
        // 15:00 UTC is 23:00 in China.
        assert_eq!(seconds_to_next_day(&at("2026-11-26T15:00:00+00:00")), 3600);
        assert_eq!(
            day_key(&at("2026-11-26T16:30:00+00:00")),
            "20261127",
            "China's day, not UTC's"
        );
    }

    #[test]
    fn formats_with_the_china_offset_to_the_second() {
        let at = DateTime::parse_from_rfc3339("2022-12-15T09:08:50.330Z").unwrap();
        assert_eq!(format(&at), "2022-12-15T17:08:50+08:00");
    }

    #[test]
    fn now_is_in_china_standard_time() {
        assert_eq!(now_cst().offset().local_minus_utc(), 8 * 3600);
    }
}
