//! One year's holidays and make-up working days as the province supervisor enters them in 节假日,
//! from the State Council's notice: checked before they count, and stored as entered.

use crate::domain::Rejection;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// At most this many days of each kind in a year: China has about 30 holidays and 8 make-up days.
pub const MAX_DAYS: usize = 60;

/// A year as entered (`CALENDAR`/`{year}`), in place of the province file's for that year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HolidayYear {
    pub year: i32,
    /// 放假: rest days, `YYYY-MM-DD`, in order.
    pub holidays: Vec<String>,
    /// 调休上班: weekend days worked, `YYYY-MM-DD`, in order.
    pub workdays: Vec<String>,
    /// Bumped by every change; each write is conditional on the version read.
    pub version: u64,
    pub changed_at: String,
    pub changed_by: String,
}

/// A year as the site sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct YearInput {
    pub holidays: Vec<String>,
    pub workdays: Vec<String>,
}

/// The year's days as dates (stored entries were checked when entered).
pub fn dates_of(days: &[String]) -> Vec<NaiveDate> {
    days.iter().filter_map(|d| parse(d)).collect()
}

/// `YYYY-MM-DD` exactly: the OpenAPI format, nothing trimmed.
fn parse(day: &str) -> Option<NaiveDate> {
    (day.len() == 10)
        .then(|| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
        .flatten()
}

fn checked_days(field: &str, year: i32, days: &[String]) -> Result<Vec<NaiveDate>, Rejection> {
    if days.len() > MAX_DAYS {
        return Err(Rejection::invalid(field, format!("每类日期最多{MAX_DAYS}天")));
    }
    let mut out = Vec::with_capacity(days.len());
    for (i, day) in days.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let date = parse(day).ok_or_else(|| Rejection::invalid(&at, "日期格式应为 2027-01-01"))?;
        if date.year() != year {
            return Err(Rejection::invalid(&at, format!("{day} 不在{year}年内")));
        }
        out.push(date);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// The year's rest days and make-up working days, checked: dates of that year, no day both, and
/// make-up days on a weekend (a weekday is a working day already). Repeats are kept once.
pub fn checked(year: i32, input: &YearInput) -> Result<(Vec<NaiveDate>, Vec<NaiveDate>), Rejection> {
    let holidays = checked_days("holidays", year, &input.holidays)?;
    if holidays.is_empty() {
        return Err(Rejection::invalid("holidays", "请至少录入一天放假日期"));
    }
    let workdays = checked_days("workdays", year, &input.workdays)?;
    for day in &workdays {
        if holidays.contains(day) {
            return Err(Rejection::invalid("workdays", format!("{day} 不能既放假又调休上班")));
        }
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Err(Rejection::invalid(
                "workdays",
                format!("{day} 是工作日,调休上班日应为周六或周日"),
            ));
        }
    }
    Ok((holidays, workdays))
}

/// Dates as stored and shown: `YYYY-MM-DD`.
pub fn day_texts(days: &[NaiveDate]) -> Vec<String> {
    days.iter().map(|d| d.format("%Y-%m-%d").to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(holidays: &[&str], workdays: &[&str]) -> YearInput {
        YearInput {
            holidays: holidays.iter().map(|d| (*d).to_owned()).collect(),
            workdays: workdays.iter().map(|d| (*d).to_owned()).collect(),
        }
    }

    fn field(rejection: Rejection) -> String {
        match rejection {
            Rejection::Invalid { field, .. } => field,
            other => panic!("not invalid: {other:?}"),
        }
    }

    #[test]
    fn a_years_days_are_kept_in_order_once_each() {
        let (holidays, workdays) = checked(
            2027,
            &input(&["2027-02-08", "2027-01-01", "2027-02-08"], &["2027-02-06"]),
        )
        .unwrap();
        assert_eq!(day_texts(&holidays), ["2027-01-01", "2027-02-08"]);
        assert_eq!(day_texts(&workdays), ["2027-02-06"]);
    }

    #[test]
    fn days_outside_the_year_both_kinds_or_a_weekday_worked_are_refused() {
        let refused = |h: &[&str], w: &[&str]| field(checked(2027, &input(h, w)).unwrap_err());
        assert_eq!(refused(&["2026-12-31"], &[]), "holidays[0]");
        assert_eq!(refused(&["2027-01-01", "2027-1-2"], &[]), "holidays[1]");
        assert_eq!(refused(&[" 2027-01-01"], &[]), "holidays[0]", "nothing is trimmed");
        assert_eq!(refused(&[], &[]), "holidays");
        assert_eq!(refused(&["2027-02-06"], &["2027-02-06"]), "workdays", "a Saturday both");
        assert_eq!(refused(&["2027-01-01"], &["2027-02-08"]), "workdays", "a Monday");
        assert_eq!(refused(&["2027-01-01"], &["2028-01-01"]), "workdays[0]");
        let many: Vec<String> = (0..=MAX_DAYS).map(|i| format!("2027-03-{:02}", i % 28 + 1)).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(refused(&refs, &[]), "holidays");
    }
}
