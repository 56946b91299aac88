//! Reply rounds (答复轮次). A reply begins a round; 退回重办 closes it and the agency answers
//! again in the next. Each round keeps its own reply, rating (一事一评: the citizen rates each
//! answer once) and follow-up calls (回访). A dissatisfied round is either reopened or closed
//! with a reason (办结说明).

use crate::domain::report::{Rating, Reply};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// How often a poor rating may send a report back (退回重办); after that only a supervisor's own
/// decision (督导重办) starts another round.
pub const MAX_REOPENS_BY_RATING: usize = 2;

/// Ratings of at most this many stars (不满意, 非常不满意) make a round dissatisfied.
pub const DISSATISFIED_UP_TO: u8 = 2;

/// Why a round was reopened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReopenCause {
    /// 退回重办: the reporter rated the round 1–2★.
    Rating,
    /// 督导重办: a supervisor found the answer wanting, whatever the rating.
    Supervisor,
}

impl ReopenCause {
    pub fn name(self) -> &'static str {
        match self {
            ReopenCause::Rating => "退回重办",
            ReopenCause::Supervisor => "督导重办",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reopening {
    pub cause: ReopenCause,
    pub reason: String,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub at: DateTime<FixedOffset>,
    /// The agency or supervisors' office that reopened it (never a person, for citizens).
    pub by: String,
}

/// What a follow-up call (回访) found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpOutcome {
    /// 满意: reached, and content with the answer.
    Satisfied,
    /// 不满意: reached, and not content.
    Dissatisfied,
    /// 未接通: not reached.
    Unreachable,
}

impl FollowUpOutcome {
    pub fn name(self) -> &'static str {
        match self {
            FollowUpOutcome::Satisfied => "满意",
            FollowUpOutcome::Dissatisfied => "不满意",
            FollowUpOutcome::Unreachable => "未接通",
        }
    }

    pub fn parse(code: &str) -> Option<FollowUpOutcome> {
        match code {
            "satisfied" => Some(FollowUpOutcome::Satisfied),
            "dissatisfied" => Some(FollowUpOutcome::Dissatisfied),
            "unreachable" => Some(FollowUpOutcome::Unreachable),
            _ => None,
        }
    }
}

/// 回访: a call to the reporter about the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    /// When the call was made (it may be recorded later).
    #[serde(with = "crate::domain::time::rfc3339")]
    pub called_at: DateTime<FixedOffset>,
    /// Who called: the staff member's name, for staff only.
    pub caller: String,
    /// Their agency or office.
    pub agency_name: String,
    pub outcome: FollowUpOutcome,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub recorded_at: DateTime<FixedOffset>,
}

/// 办结说明: a dissatisfied round closed without another, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub reason: String,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub at: DateTime<FixedOffset>,
    pub by: String,
}

/// An earlier, reopened round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Round {
    pub reply: Reply,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
    pub reopened: Reopening,
}

/// Whether a rating is a dissatisfied one.
pub fn is_dissatisfied(rating: Option<&Rating>) -> bool {
    rating.is_some_and(|r| r.stars.get() <= DISSATISFIED_UP_TO)
}
