//! What happened to a report, when and by whom: one event per change, numbered by the
//! report's version after the change, so two writers can never record the same step twice.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Submitted,
    Accepted,
    Replied,
    Rated,
    Transferred,
    Published,
    Unpublished,
    Noted,
    Urged,
    ContactRevealed,
    Reopened,
    ReporterRedacted,
    InstitutionLinked,
    RedoOrdered,
    FollowedUp,
    Concluded,
    /// 请举报人补充材料.
    Asked,
    /// 举报人补充材料.
    Answered,
    QuestionWithdrawn,
    QuestionLapsed,
    /// 期限重算: deadlines counted again on a year's holidays just entered.
    Recounted,
}

impl EventKind {
    /// The Chinese label shown in timelines.
    pub fn label(self) -> &'static str {
        match self {
            EventKind::Submitted => "提交举报",
            EventKind::Accepted => "已签收",
            EventKind::Replied => "已回复",
            EventKind::Rated => "已评价",
            EventKind::Transferred => "已转办",
            EventKind::Published => "已公开展示",
            EventKind::Unpublished => "已取消公开展示",
            EventKind::Noted => "内部备注",
            EventKind::Urged => "督办",
            EventKind::ContactRevealed => "查看举报人联系方式",
            EventKind::Reopened => "退回重办",
            EventKind::ReporterRedacted => "举报人信息已按期删除",
            EventKind::InstitutionLinked => "关联机构",
            EventKind::RedoOrdered => "督导重办",
            EventKind::FollowedUp => "回访",
            EventKind::Concluded => "办结说明",
            EventKind::Asked => "请举报人补充材料",
            EventKind::Answered => "举报人已补充材料",
            EventKind::QuestionWithdrawn => "撤回补充请求",
            EventKind::QuestionLapsed => "举报人未补充",
            EventKind::Recounted => "期限重算",
        }
    }

    /// The stored (snake_case) name, as metrics and exports carry it.
    pub fn code(self) -> &'static str {
        match self {
            EventKind::Submitted => "submitted",
            EventKind::Accepted => "accepted",
            EventKind::Replied => "replied",
            EventKind::Rated => "rated",
            EventKind::Transferred => "transferred",
            EventKind::Published => "published",
            EventKind::Unpublished => "unpublished",
            EventKind::Noted => "noted",
            EventKind::Urged => "urged",
            EventKind::ContactRevealed => "contact_revealed",
            EventKind::Reopened => "reopened",
            EventKind::ReporterRedacted => "reporter_redacted",
            EventKind::InstitutionLinked => "institution_linked",
            EventKind::RedoOrdered => "redo_ordered",
            EventKind::FollowedUp => "followed_up",
            EventKind::Concluded => "concluded",
            EventKind::Asked => "asked",
            EventKind::Answered => "answered",
            EventKind::QuestionWithdrawn => "question_withdrawn",
            EventKind::QuestionLapsed => "question_lapsed",
            EventKind::Recounted => "recounted",
        }
    }

    /// Internal steps the reporter does not see in their timeline.
    pub fn is_internal(self) -> bool {
        matches!(
            self,
            EventKind::Noted | EventKind::Urged | EventKind::ContactRevealed | EventKind::InstitutionLinked
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActorRole {
    Citizen,
    Staff,
    System,
}

/// Who did it. Staff names and ids are recorded for the staff timeline and the audit, and never
/// shown to citizens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub role: ActorRole,
    /// The staff member's id at the identity provider (`sub`): names change, ids do not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_name: Option<String>,
}

impl Actor {
    pub fn citizen() -> Actor {
        Actor {
            role: ActorRole::Citizen,
            sub: None,
            name: None,
            agency_id: None,
            agency_name: None,
        }
    }

    pub fn system() -> Actor {
        Actor {
            role: ActorRole::System,
            sub: None,
            name: None,
            agency_id: None,
            agency_name: None,
        }
    }

    pub fn staff(name: &str, agency_id: &str, agency_name: &str) -> Actor {
        Actor {
            role: ActorRole::Staff,
            sub: None,
            name: Some(name.to_owned()),
            agency_id: Some(agency_id.to_owned()),
            agency_name: Some(agency_name.to_owned()),
        }
    }
    /// The same actor, identified by their id.
    pub fn with_sub(mut self, sub: &str) -> Actor {
        self.sub = Some(sub.to_owned());
        self
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The report's version after this event; unique per report.
    pub seq: u64,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub at: DateTime<FixedOffset>,
    pub kind: EventKind,
    pub actor: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_code_is_its_stored_name() {
        use EventKind::*;
        for kind in [
            Submitted,
            Accepted,
            Replied,
            Rated,
            Transferred,
            Published,
            Unpublished,
            Noted,
            Urged,
            ContactRevealed,
            Reopened,
            ReporterRedacted,
            InstitutionLinked,
            RedoOrdered,
            FollowedUp,
            Concluded,
            Asked,
            Answered,
            QuestionWithdrawn,
            QuestionLapsed,
        ] {
            assert_eq!(serde_json::to_value(kind).unwrap(), kind.code());
        }
    }
}
