//! 期限重算: deadlines counted while a year's holidays were missing (weekends only there) are
//! counted again once the province enters that year. Each deadline keeps its number of working
//! days from what it counts from, so a holiday the count lacked moves it on by one working day.
//! The housekeeping recounts the marked reports; any step that sets deadlines settles them first.

use super::Report;
use super::timeline::{Actor, Event, EventKind};
use crate::domain::Rejection;
use crate::domain::calendar::Calendar;
use crate::domain::time::format_day;
use chrono::{DateTime, FixedOffset};
use std::borrow::Cow;

impl Report {
    /// This report with its deadlines counted again on `calendar`, if they were counted without
    /// a year that `calendar` now holds.
    pub fn recounted(&self, calendar: &Calendar) -> Option<Report> {
        let marked = &self.deadlines.counted_without;
        if !marked.iter().any(|y| calendar.covers(*y)) {
            return None;
        }
        // As counted: the years marked were weekends only, the others as they are now.
        let old = calendar.without(marked);
        let again = |from: &DateTime<FixedOffset>, due: &DateTime<FixedOffset>| calendar.recount(&old, from, due);
        let mut r = self.clone();
        let anchor = r.deadlines.reply_anchor(&r.created_at);
        let d = &mut r.deadlines;
        d.sign_by = again(&d.arrived_at, &d.sign_by);
        d.handoff_by = again(&d.arrived_at, &d.handoff_by);
        d.reply_by = again(&anchor, &d.reply_by);
        let mut until = None;
        if let Some(q) = r.questions.last_mut().filter(|q| q.ended.is_none()) {
            q.open_until = again(&q.asked_at, &q.open_until);
            q.paused_reply_by = again(&anchor, &q.paused_reply_by);
            until = Some(q.open_until);
        }
        if let (Some(_), Some(signed_at)) = (r.signed_on_time, r.signed_at) {
            r.signed_on_time = Some(signed_at <= r.deadlines.sign_by);
        }
        if let (Some(_), Some(reply)) = (r.replied_on_time, &r.reply) {
            r.replied_on_time = Some(reply.replied_at <= r.deadlines.reply_by);
        }
        r.deadlines.counted_without = r.deadlines.missing_years(calendar, until);
        Some(r)
    }

    /// This report as a step that sets deadlines starts from: recounted if it may be.
    pub(super) fn settled(&self, calendar: &Calendar) -> Cow<'_, Report> {
        self.recounted(calendar).map_or(Cow::Borrowed(self), Cow::Owned)
    }

    /// The next version after a step that set deadlines, marked with the years they reach that
    /// `calendar` lacks.
    pub(super) fn next_counted(
        &self,
        calendar: &Calendar,
        kind: EventKind,
        actor: Actor,
        note: Option<String>,
        at: DateTime<FixedOffset>,
        change: impl FnOnce(&mut Report),
    ) -> (Report, Event) {
        self.next(kind, actor, note, at, |r| {
            change(r);
            let until = r.questions.last().filter(|q| q.ended.is_none()).map(|q| q.open_until);
            r.deadlines.counted_without = r.deadlines.missing_years(calendar, until);
        })
    }

    /// 期限重算 as a step of its own, by the system, naming each deadline it moved.
    pub fn recount(&self, calendar: &Calendar, at: DateTime<FixedOffset>) -> Result<(Report, Event), Rejection> {
        let Some(recounted) = self.recounted(calendar) else {
            return Err(Rejection::conflict("nothing_to_recount", "该举报的期限无需重算"));
        };
        let years: Vec<String> = self
            .deadlines
            .counted_without
            .iter()
            .filter(|y| calendar.covers(**y))
            .map(|y| format!("{y}年"))
            .collect();
        let (before, after) = (&self.deadlines, &recounted.deadlines);
        let moved: Vec<String> = [
            ("签收期限", before.sign_by, after.sign_by),
            ("转办期限", before.handoff_by, after.handoff_by),
            ("回复期限", before.reply_by, after.reply_by),
        ]
        .into_iter()
        .filter(|(_, was, now)| was != now)
        .map(|(name, was, now)| format!("{name}由{}改为{}", format_day(&was), format_day(&now)))
        .collect();
        let note = format!(
            "按{}节假日重算期限:{}",
            years.join("、"),
            if moved.is_empty() {
                "期限不变".to_owned()
            } else {
                moved.join(",")
            }
        );
        Ok(self.next(EventKind::Recounted, Actor::system(), Some(note), at, |r| {
            *r = recounted;
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::calendar::year::HolidayYear;
    use crate::domain::report::Finding;
    use crate::domain::report::deadlines::{DeadlineRules, Deadlines};
    use crate::domain::report::tests::{at, sample};
    use crate::domain::time::format;

    fn entered(holidays: &[&str]) -> Calendar {
        Calendar::china().with_entered(&[HolidayYear {
            year: 2027,
            holidays: holidays.iter().map(|d| (*d).to_owned()).collect(),
            workdays: Vec::new(),
            version: 1,
            changed_at: String::new(),
            changed_by: String::new(),
        }])
    }

    /// A report submitted on Monday 28 December 2026 while 2027 was missing.
    fn counted_without_2027() -> (Report, Calendar) {
        let missing = Calendar::china().without(&[2027]);
        let submitted = at("2026-12-28T10:00:00+08:00");
        let mut report = sample(true);
        report.created_at = submitted;
        report.deadlines = Deadlines::new(&DeadlineRules::default(), &missing, &submitted, submitted);
        (report, missing)
    }

    #[test]
    fn deadlines_reaching_a_missing_year_are_marked() {
        let (report, _) = counted_without_2027();
        assert_eq!(report.deadlines.counted_without, [2027]);
        assert_eq!(format(&report.deadlines.reply_by), "2027-01-18T23:59:59+08:00");
        let covered = Deadlines::new(
            &DeadlineRules::default(),
            Calendar::china(),
            &at("2026-11-02T10:00:00+08:00"),
            at("2026-11-02T10:00:00+08:00"),
        );
        assert!(covered.counted_without.is_empty(), "all of it in 2026");
    }

    #[test]
    fn a_holiday_entered_moves_the_reply_deadline_by_one_working_day_and_clears_the_mark() {
        let (report, _) = counted_without_2027();
        let calendar = entered(&["2027-01-01", "2027-01-02", "2027-01-03"]);
        let (after, event) = report.recount(&calendar, at("2026-12-29T09:00:00+08:00")).unwrap();
        assert_eq!(format(&after.deadlines.reply_by), "2027-01-19T23:59:59+08:00");
        assert_eq!(after.deadlines.sign_by, report.deadlines.sign_by, "within 2026");
        assert!(after.deadlines.counted_without.is_empty());
        assert_eq!(event.kind, EventKind::Recounted);
        assert_eq!(
            event.note.as_deref(),
            Some("按2027年节假日重算期限:回复期限由2027-01-18改为2027-01-19")
        );
        assert_eq!(after.version, report.version + 1);
        assert!(
            after.recount(&calendar, at("2026-12-29T09:00:00+08:00")).is_err(),
            "once"
        );
    }

    #[test]
    fn a_step_that_sets_deadlines_settles_the_old_ones_first() {
        let (report, _) = counted_without_2027();
        let calendar = entered(&["2027-01-01"]);
        let staff = Actor::system();
        let accepted = report.accept(staff.clone(), at("2026-12-28T11:00:00+08:00")).unwrap().0;
        let (asked, _) = accepted
            .ask(staff, "请补充时间", 5, &calendar, at("2026-12-29T09:00:00+08:00"))
            .unwrap();
        // Recounted to 19 January, then paused for five working days: 26 January.
        assert_eq!(format(&asked.questions[0].paused_reply_by), "2027-01-19T23:59:59+08:00");
        assert_eq!(format(&asked.deadlines.reply_by), "2027-01-26T23:59:59+08:00");
        assert!(asked.deadlines.counted_without.is_empty());
    }

    #[test]
    fn a_reply_late_on_the_weekend_count_is_on_time_once_recounted() {
        let (report, _) = counted_without_2027();
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let accepted = report.accept(staff.clone(), at("2026-12-28T11:00:00+08:00")).unwrap().0;
        let replied = accepted
            .reply(
                staff,
                Finding::Substantiated,
                "经核查属实",
                at("2027-01-19T15:00:00+08:00"),
            )
            .unwrap()
            .0;
        assert_eq!(replied.replied_on_time, Some(false));
        let after = replied.recounted(&entered(&["2027-01-01"])).unwrap();
        assert_eq!(after.replied_on_time, Some(true));
        assert_eq!(after.signed_on_time, Some(true));
    }
}
