//! The working-day deadlines a report runs against: the rules (how many days each step may take)
//! and the dates they give a report at an agency.

use crate::domain::calendar::Calendar;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    #[serde(with = "crate::domain::time::rfc3339")]
    pub arrived_at: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub sign_by: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub handoff_by: DateTime<FixedOffset>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub reply_by: DateTime<FixedOffset>,
}

impl Deadlines {
    /// Deadlines of a report that reaches an agency at `arrived`, submitted at `submitted`.
    pub fn new(
        rules: &DeadlineRules,
        calendar: &Calendar,
        submitted: &DateTime<FixedOffset>,
        arrived: DateTime<FixedOffset>,
    ) -> Deadlines {
        Deadlines {
            arrived_at: arrived,
            sign_by: calendar.deadline(&arrived, rules.sign),
            handoff_by: calendar.deadline(&arrived, rules.handoff),
            reply_by: calendar.deadline(submitted, rules.reply),
        }
    }
}
