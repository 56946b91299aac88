//! Working days: weekends and China's public holidays are rest days, except the official
//! make-up working days (调休上班). Deadlines are counted in working days on this calendar.
//!
//! The province file seeds it; years the province supervisor enters in 节假日 (`year`) take the
//! place of the file's. Deadlines counted while a year they reach was missing are recounted when
//! it arrives (`recount`).

pub mod year;

use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;
use year::{HolidayYear, dates_of};

#[derive(Debug, Deserialize)]
struct HolidayFile {
    holidays: BTreeMap<i32, Vec<String>>,
    workdays: BTreeMap<i32, Vec<String>>,
}

/// Which days are working days.
static INSTALLED: OnceLock<Calendar> = OnceLock::new();

#[derive(Debug, Default, Clone)]
pub struct Calendar {
    holidays: HashSet<NaiveDate>,
    workdays: HashSet<NaiveDate>,
    /// The years whose holidays the file holds (the State Council publishes each in November or
    /// December of the year before).
    years: BTreeSet<i32>,
}

/// From this month on, next year's holidays are due: the State Council's notice usually comes
/// in November.
const NEXT_YEAR_DUE_FROM_MONTH: u32 = 11;

fn dates(by_year: &BTreeMap<i32, Vec<String>>) -> Result<HashSet<NaiveDate>, String> {
    let mut out = HashSet::new();
    for (year, days) in by_year {
        for day in days {
            // `FromStr` reads ISO dates directly; a format string is parsed anew on every call.
            let date: NaiveDate = format!("{year}-{day}")
                .parse()
                .map_err(|e| format!("{year}-{day}: {e}"))?;
            out.insert(date);
        }
    }
    Ok(out)
}

impl Calendar {
    pub fn from_json(text: &str) -> Result<Calendar, String> {
        let file: HolidayFile = serde_json::from_str(text).map_err(|e| e.to_string())?;
        Ok(Calendar {
            holidays: dates(&file.holidays)?,
            workdays: dates(&file.workdays)?,
            years: file.holidays.keys().chain(file.workdays.keys()).copied().collect(),
        })
    }

    /// Whether the calendar holds `year`'s holidays. Without them a year's deadlines count
    /// weekends only: its holidays are working days to the platform.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// The year whose holidays are missing and needed at `now`: this year's, or, from
    /// 1 November, next year's (deadlines set in December already reach into January).
    pub fn missing_year(&self, now: &DateTime<FixedOffset>) -> Option<i32> {
        let today = now.with_timezone(&crate::domain::time::cst()).date_naive();
        let year = today.year();
        if !self.covers(year) {
            return Some(year);
        }
        (today.month() >= NEXT_YEAR_DUE_FROM_MONTH && !self.covers(year + 1)).then_some(year + 1)
    }

    /// The deployment's calendar: a province's holiday file, once installed at start, else
    /// China's as compiled in.
    pub fn current() -> &'static Calendar {
        INSTALLED.get().unwrap_or_else(|| Calendar::china())
    }

    /// Makes a province's holiday file the deployment's calendar (at start; a process serves one
    /// province, so a second install is refused).
    pub fn install(text: &str) -> Result<&'static Calendar, String> {
        let calendar = Calendar::from_json(text)?;
        INSTALLED
            .set(calendar)
            .map_err(|_| "a holiday calendar is already installed in this process".to_owned())?;
        Ok(Calendar::current())
    }

    /// China's calendar as compiled into the binary.
    pub fn china() -> &'static Calendar {
        static CHINA: OnceLock<Calendar> = OnceLock::new();
        CHINA.get_or_init(|| {
            Calendar::from_json(include_str!("../../../data/holidays.json"))
                .unwrap_or_else(|e| panic!("the embedded holiday calendar is invalid: {e}"))
        })
    }

    /// This calendar with `entered` years in place of its own for those years.
    pub fn with_entered(&self, entered: &[HolidayYear]) -> Calendar {
        let years: Vec<i32> = entered.iter().map(|y| y.year).collect();
        let mut calendar = self.without(&years);
        for year in entered {
            calendar.holidays.extend(dates_of(&year.holidays));
            calendar.workdays.extend(dates_of(&year.workdays));
            calendar.years.insert(year.year);
        }
        calendar
    }

    /// This calendar as it was while `years` were missing: weekends only in those years.
    pub fn without(&self, years: &[i32]) -> Calendar {
        Calendar {
            holidays: self
                .holidays
                .iter()
                .filter(|d| !years.contains(&d.year()))
                .copied()
                .collect(),
            workdays: self
                .workdays
                .iter()
                .filter(|d| !years.contains(&d.year()))
                .copied()
                .collect(),
            years: self.years.iter().filter(|y| !years.contains(y)).copied().collect(),
        }
    }

    /// The years it holds, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.years.iter().copied()
    }

    /// `year`'s rest days and make-up working days, in order.
    pub fn days_of(&self, year: i32) -> (Vec<NaiveDate>, Vec<NaiveDate>) {
        let of = |days: &HashSet<NaiveDate>| {
            let mut out: Vec<NaiveDate> = days.iter().filter(|d| d.year() == year).copied().collect();
            out.sort_unstable();
            out
        };
        (of(&self.holidays), of(&self.workdays))
    }

    /// The years from `from`'s to `to`'s (CST) whose holidays this calendar lacks: a deadline
    /// counted over them counts weekends only there, and is recounted once they arrive.
    pub fn missing_between(&self, from: &DateTime<FixedOffset>, to: &DateTime<FixedOffset>) -> Vec<i32> {
        let cst = crate::domain::time::cst();
        let (first, last) = (from.with_timezone(&cst).year(), to.with_timezone(&cst).year());
        (first..=last).filter(|y| !self.covers(*y)).collect()
    }

    /// `due`, counted on `old` as working days after the day of `from`, counted again on this
    /// calendar: the same number of working days, so a holiday that `old` lacked moves it on by
    /// a day and a make-up working day back by one.
    pub fn recount(
        &self,
        old: &Calendar,
        from: &DateTime<FixedOffset>,
        due: &DateTime<FixedOffset>,
    ) -> DateTime<FixedOffset> {
        let cst = crate::domain::time::cst();
        let counted = old.working_days_after(
            from.with_timezone(&cst).date_naive(),
            due.with_timezone(&cst).date_naive(),
        );
        if counted == 0 {
            return *due;
        }
        self.deadline(from, counted)
    }

    /// The working days after `from` up to and including `to` (none if `to` is not later).
    fn working_days_after(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|day| *day <= to)
            .map(|day| u32::from(self.is_working_day(day)))
            .sum()
    }

    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.workdays.contains(&date) {
            return true;
        }
        !self.holidays.contains(&date) && !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    /// The end (23:59:59 CST) of the `n`-th working day after the day of `from`: a report that
    /// arrives on Friday with one working day to sign is due by Monday night.
    pub fn deadline(&self, from: &DateTime<FixedOffset>, n: u32) -> DateTime<FixedOffset> {
        let cst = crate::domain::time::cst();
        let mut day = from.with_timezone(&cst).date_naive();
        let mut left = n;
        while left > 0 {
            day = day.checked_add_days(Days::new(1)).unwrap_or(day);
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        let end = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
        cst.from_local_datetime(&end).single().unwrap_or(*from)
    }

    /// Working days from `now` to `due`, counted by CST day: 0 when due today, 1 when due by the
    /// next working day's end, negative (working days past) once overdue. Bounded to a year.
    pub fn working_days_left(&self, now: &DateTime<FixedOffset>, due: &DateTime<FixedOffset>) -> i64 {
        let cst = crate::domain::time::cst();
        let today = now.with_timezone(&cst).date_naive();
        let due_day = due.with_timezone(&cst).date_naive();
        let (from, to, sign) = if due_day >= today {
            (today, due_day, 1)
        } else {
            (due_day, today, -1)
        };
        let within_a_year = from.checked_add_days(Days::new(366)).map_or(to, |limit| to.min(limit));
        let count = i64::from(self.working_days_after(from, within_a_year));
        // Past a deadline set today counts as overdue even before a working day has passed.
        if sign < 0 || (*now > *due && count == 0) {
            -(count.max(1))
        } else {
            count
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekends_rest_and_make_up_saturdays_work() {
        let china = Calendar::china();
        assert!(china.is_working_day(day("2025-09-26")), "a Friday");
        assert!(!china.is_working_day(day("2025-09-27")), "a Saturday");
        assert!(
            china.is_working_day(day("2025-09-28")),
            "the Sunday made up for National Day"
        );
        assert!(
            !china.is_working_day(day("2025-10-08")),
            "National Day holiday, a Wednesday"
        );
        assert!(
            china.is_working_day(day("2025-10-11")),
            "the Saturday made up for National Day"
        );
    }

    #[test]
    fn next_years_holidays_are_missing_from_november_and_this_years_at_once() {
        let calendar =
            Calendar::from_json(r#"{"holidays": {"2026": ["10-01"]}, "workdays": {"2026": ["10-10"]}}"#).unwrap();
        assert!(calendar.covers(2026) && !calendar.covers(2027));
        assert_eq!(calendar.missing_year(&at("2026-10-31T23:59:00+08:00")), None);
        assert_eq!(calendar.missing_year(&at("2026-11-01T00:00:00+08:00")), Some(2027));
        // 31 Oct 17:00 UTC is already 1 November in China.
        assert_eq!(calendar.missing_year(&at("2026-10-31T17:00:00+00:00")), Some(2027));
        assert_eq!(calendar.missing_year(&at("2027-03-01T09:00:00+08:00")), Some(2027));
        let next = Calendar::from_json(r#"{"holidays": {"2026": [], "2027": ["02-17"]}, "workdays": {}}"#).unwrap();
        assert_eq!(next.missing_year(&at("2026-12-02T09:00:00+08:00")), None);
    }

    #[test]
    fn signing_for_a_friday_report_is_due_monday_night() {
        let due = Calendar::china().deadline(&at("2025-09-19T10:00:00+08:00"), 1);
        assert_eq!(super::super::time::format(&due), "2025-09-22T23:59:59+08:00");
    }

    #[test]
    fn deadlines_cross_a_weekend_a_holiday_and_a_make_up_working_day() {
        let china = Calendar::china();
        // Arrives Friday 26 Sep 2025. Working days after it: Sun 28 (make-up), Mon 29, Tue 30;
        // 1–8 Oct is the holiday; Thu 9, Fri 10, Sat 11 (make-up), Mon 13–Fri 17, Mon 20–Thu 23.
        let arrived = at("2025-09-26T16:00:00+08:00");
        let due = |n| super::super::time::format(&china.deadline(&arrived, n));
        assert_eq!(due(1), "2025-09-28T23:59:59+08:00");
        assert_eq!(due(2), "2025-09-29T23:59:59+08:00");
        assert_eq!(due(4), "2025-10-09T23:59:59+08:00");
        assert_eq!(due(6), "2025-10-11T23:59:59+08:00");
        assert_eq!(due(15), "2025-10-23T23:59:59+08:00");
    }

    #[test]
    fn a_report_arriving_on_a_holiday_counts_from_the_next_working_day() {
        let due = Calendar::china().deadline(&at("2026-02-16T09:00:00+08:00"), 1);
        assert_eq!(super::super::time::format(&due), "2026-02-24T23:59:59+08:00");
    }

    #[test]
    fn working_days_left_skip_rest_days_and_turn_negative_when_overdue() {
        let china = Calendar::china();
        let due = at("2025-09-29T23:59:59+08:00"); // a Monday
        assert_eq!(china.working_days_left(&at("2025-09-29T09:00:00+08:00"), &due), 0);
        assert_eq!(
            china.working_days_left(&at("2025-09-26T09:00:00+08:00"), &due),
            2,
            "Sun 28 is a make-up working day"
        );
        assert_eq!(
            china.working_days_left(&at("2025-10-09T09:00:00+08:00"), &due),
            -2,
            "30 Sep and 9 Oct; the holiday does not count"
        );
        let friday = at("2025-09-19T23:59:59+08:00");
        assert_eq!(
            china.working_days_left(&at("2025-09-20T09:00:00+08:00"), &friday),
            -1,
            "overdue on the Saturday after"
        );
    }

    fn entered(year: i32, holidays: &[&str], workdays: &[&str]) -> HolidayYear {
        HolidayYear {
            year,
            holidays: holidays.iter().map(|d| (*d).to_owned()).collect(),
            workdays: workdays.iter().map(|d| (*d).to_owned()).collect(),
            version: 1,
            changed_at: String::new(),
            changed_by: String::new(),
        }
    }

    #[test]
    fn an_entered_year_takes_the_place_of_the_files() {
        let file =
            Calendar::from_json(r#"{"holidays": {"2026": ["10-01", "10-02"]}, "workdays": {"2026": ["10-10"]}}"#)
                .unwrap();
        let calendar = file.with_entered(&[entered(2026, &["2026-10-05"], &[]), entered(2027, &["2027-01-01"], &[])]);
        assert!(calendar.is_working_day(day("2026-10-01")), "the file's day is gone");
        assert!(!calendar.is_working_day(day("2026-10-05")));
        assert!(!calendar.is_working_day(day("2026-10-10")), "a Saturday again");
        assert!(calendar.covers(2027) && !calendar.is_working_day(day("2027-01-01")));
        assert_eq!(calendar.days_of(2027), (vec![day("2027-01-01")], vec![]));
        let before = calendar.without(&[2027]);
        assert!(!before.covers(2027) && before.is_working_day(day("2027-01-01")));
        assert_eq!(
            calendar.missing_between(&at("2027-12-20T09:00:00+08:00"), &at("2028-01-10T23:59:59+08:00")),
            [2028]
        );
    }

    #[test]
    fn a_deadline_counted_without_a_year_moves_by_the_holidays_it_lacked() {
        let old = Calendar::china().without(&[2027]);
        let new = Calendar::china().with_entered(&[entered(
            2027,
            &["2027-01-01", "2027-02-08", "2027-02-09", "2027-02-10"],
            &["2027-02-06"],
        )]);
        let from = at("2026-12-28T10:00:00+08:00");
        let due = old.deadline(&from, 15);
        assert_eq!(super::super::time::format(&due), "2027-01-18T23:59:59+08:00");
        // 1 January is a Friday: one working day more.
        let recounted = new.recount(&old, &from, &due);
        assert_eq!(super::super::time::format(&recounted), "2027-01-19T23:59:59+08:00");
        assert_eq!(recounted, new.deadline(&from, 15));
        // Over the Spring Festival: three weekdays off, one Saturday worked.
        let due = old.deadline(&from, 35);
        assert_eq!(new.recount(&old, &from, &due), new.deadline(&from, 35));
        // 1 Jan and 8–10 Feb off, 6 Feb worked: three working days more, Mon 15 Feb to Thu 18.
        assert_eq!(super::super::time::format(&due), "2027-02-15T23:59:59+08:00");
        assert_eq!(
            super::super::time::format(&new.deadline(&from, 35)),
            "2027-02-18T23:59:59+08:00"
        );
        assert_eq!(
            new.recount(&new, &from, &due),
            due,
            "counted on the same calendar: unchanged"
        );
    }

    #[test]
    fn a_malformed_calendar_is_refused() {
        assert!(Calendar::from_json(r#"{"holidays":{"2025":["13-01"]},"workdays":{}}"#).is_err());
    }
}
