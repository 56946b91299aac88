//! The working-day deadlines a report runs against: the rules (how many days each step may take)
//! and the dates they give a report at an agency.

use crate::domain::calendar::Calendar;
use crate::domain::report::status::Status;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// How many working days each step may take (12345 hotline norms by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineRules {
    /// 签收: from arrival at an agency.
    pub sign: u32,
    /// 转办: an agency that is not responsible hands the report on within this, from arrival.
    pub handoff: u32,
    /// 回复: from submission.
    pub reply: u32,
}

impl Default for DeadlineRules {
    fn default() -> DeadlineRules {
        DeadlineRules {
            sign: 1,
            handoff: 2,
            reply: 15,
        }
    }
}

/// When the current agency received the report and what is due by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    #[serde(with = "crate::domain::time::rfc3339")]
    pub arrived_at: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub sign_by: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub handoff_by: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub reply_by: DateTime<FixedOffset>,
    /// What the reply deadline counts from: the submission, or the last reopening (stored from
    /// December 2026; before, the submission).
    #[serde(
        default,
        with = "crate::domain::time::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub reply_from: Option<DateTime<FixedOffset>>,
    /// The years whose holidays were missing when these were counted (weekends only there):
    /// recounted when the province enters them (`Report::recounted`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub counted_without: Vec<i32>,
}

impl Deadlines {
    /// Past a deadline at `now` for a report in `status`: not signed for in time, or not
    /// answered in time.
    pub fn overdue(&self, status: Status, now: &DateTime<FixedOffset>) -> bool {
        (status == Status::Pending && *now > self.sign_by) || (status != Status::Replied && *now > self.reply_by)
    }

    /// Deadlines of a report that reaches an agency at `arrived`, submitted at `submitted`.
    pub fn new(
        rules: &DeadlineRules,
        calendar: &Calendar,
        submitted: &DateTime<FixedOffset>,
        arrived: DateTime<FixedOffset>,
    ) -> Deadlines {
        let mut deadlines = Deadlines {
            arrived_at: arrived,
            sign_by: calendar.deadline(&arrived, rules.sign),
            handoff_by: calendar.deadline(&arrived, rules.handoff),
            reply_by: calendar.deadline(submitted, rules.reply),
            reply_from: Some(*submitted),
            counted_without: Vec::new(),
        };
        deadlines.counted_without = deadlines.missing_years(calendar, None);
        deadlines
    }

    /// What the reply deadline counts from (`submitted` for a report stored without it).
    pub fn reply_anchor(&self, submitted: &DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        self.reply_from.unwrap_or(*submitted)
    }

    /// The years these deadlines (and `until`, an open question's end) reach that `calendar`
    /// lacks.
    pub fn missing_years(&self, calendar: &Calendar, until: Option<DateTime<FixedOffset>>) -> Vec<i32> {
        let from = self.reply_from.map_or(self.arrived_at, |r| r.min(self.arrived_at));
        let to = [self.sign_by, self.handoff_by, self.reply_by]
            .into_iter()
            .chain(until)
            .max()
            .unwrap_or(self.reply_by);
        calendar.missing_between(&from, &to)
    }
}
