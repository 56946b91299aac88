//! A report and the changes it may go through. Every change returns the next report (its
//! version one higher) and the event that records it; the store writes both only if the
//! version it read is still current.

use super::Rejection;
use super::dispatch::Assignment;
use super::evidence::Evidence;
use super::input::Draft;
use super::serial::Serial;
use super::status::Status;
use super::timeline::{Actor, Event, EventKind};
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The reporter, from the identity provider's claims; never from a form, never public.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reporter {
    pub sub: String,
    pub name: String,
    pub phone: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    pub lat: f64,
    pub lng: f64,
}

/// The agency's conclusion: 属实 / 部分属实 / 不属实.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Finding {
    Substantiated,
    Partly,
    Unsubstantiated,
}

impl Finding {
    pub fn name(self) -> &'static str {
        match self {
            Finding::Substantiated => "属实",
            Finding::Partly => "部分属实",
            Finding::Unsubstantiated => "不属实",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reply {
    pub finding: Finding,
    pub text: String,
    #[serde(with = "super::time::rfc3339")]
    pub replied_at: DateTime<FixedOffset>,
    pub agency_id: String,
    pub agency_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    pub stars: u8,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(with = "super::time::rfc3339")]
    pub rated_at: DateTime<FixedOffset>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub serial: Serial,
    pub status: Status,
    /// Optimistic concurrency: every change checks it and adds one.
    pub version: u64,
    pub reporter: Reporter,
    pub target: String,
    pub address: String,
    pub category: String,
    pub violation_types: Vec<String>,
    pub content: String,
    /// The reporter asked for public display (是否公开展示).
    pub public: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<Evidence>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    pub assignment: Assignment,
    #[serde(with = "super::time::rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    #[serde(with = "super::time::rfc3339")]
    pub updated_at: DateTime<FixedOffset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<Reply>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// Staff published it on the public board (only possible when `public`).
    #[serde(default)]
    pub published: bool,
    /// A redacted text staff chose to show on the public board.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_text: Option<String>,
}

impl Report {
    /// A new report, pending, version 1, with its `submitted` event.
    pub fn submit(
        serial: Serial,
        draft: Draft,
        reporter: Reporter,
        evidence: Option<Evidence>,
        at: DateTime<FixedOffset>,
    ) -> (Report, Event) {
        let report = Report {
            serial,
            status: Status::Pending,
            version: 1,
            reporter,
            target: draft.target,
            address: draft.address,
            category: draft.category,
            violation_types: draft.violation_types,
            content: draft.content,
            public: draft.public,
            evidence,
            location: draft.location,
            assignment: draft.assignment,
            created_at: at,
            updated_at: at,
            reply: None,
            rating: None,
            published: false,
            public_text: None,
        };
        let event = Event {
            seq: 1,
            at,
            kind: EventKind::Submitted,
            actor: Actor::citizen(),
            note: None,
        };
        (report, event)
    }

    /// Shown on the public board: asked for by the reporter, answered, and published by staff.
    pub fn is_on_public_board(&self) -> bool {
        self.public && self.published && self.status == Status::Replied && self.reply.is_some()
    }

    /// The next version of this report with its event.
    fn next(
        &self,
        kind: EventKind,
        actor: Actor,
        note: Option<String>,
        at: DateTime<FixedOffset>,
        change: impl FnOnce(&mut Report),
    ) -> (Report, Event) {
        let mut next = self.clone();
        change(&mut next);
        next.version = self.version + 1;
        next.updated_at = at;
        let event = Event {
            seq: next.version,
            at,
            kind,
            actor,
            note,
        };
        (next, event)
    }

    /// 签收: 待受理 → 处理中.
    pub fn accept(&self, actor: Actor, at: DateTime<FixedOffset>) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Pending {
            return Err(Rejection::conflict("wrong_status", "只有待受理的举报可以签收"));
        }
        Ok(self.next(EventKind::Accepted, actor, None, at, |r| r.status = Status::Processing))
    }

    /// 回复: 处理中 → 已回复, with a finding and the reply text.
    pub fn reply(
        &self,
        actor: Actor,
        finding: Finding,
        text: &str,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Processing {
            return Err(Rejection::conflict("wrong_status", "只有处理中的举报可以回复"));
        }
        let text = text.trim();
        if text.is_empty() {
            return Err(Rejection::invalid("text", "回复内容不能为空"));
        }
        let reply = Reply {
            finding,
            text: text.to_owned(),
            replied_at: at,
            agency_id: self.assignment.agency_id.clone(),
            agency_name: self.assignment.agency_name.clone(),
        };
        Ok(self.next(EventKind::Replied, actor, None, at, |r| {
            r.status = Status::Replied;
            r.reply = Some(reply);
        }))
    }

    /// 公开: only a replied report whose reporter asked for public display.
    pub fn publish(
        &self,
        actor: Actor,
        public_text: Option<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if !self.public {
            return Err(Rejection::conflict("not_public", "举报人未同意公开展示"));
        }
        if self.status != Status::Replied {
            return Err(Rejection::conflict("wrong_status", "只有已回复的举报可以公开展示"));
        }
        Ok(self.next(EventKind::Published, actor, None, at, |r| {
            r.published = true;
            r.public_text = public_text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty());
        }))
    }

    /// 评价: once, only after the reply.
    pub fn rate(
        &self,
        stars: u8,
        comment: Option<String>,
        at: DateTime<FixedOffset>,
    ) -> Result<(Report, Event), Rejection> {
        if self.status != Status::Replied {
            return Err(Rejection::conflict("not_replied", "举报件尚未回复,暂不能评价"));
        }
        if self.rating.is_some() {
            return Err(Rejection::conflict("already_rated", "每条举报件仅支持评价一次"));
        }
        let rating = Rating {
            stars,
            comment,
            rated_at: at,
        };
        Ok(self.next(EventKind::Rated, Actor::citizen(), None, at, |r| {
            r.rating = Some(rating)
        }))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::dispatch::Directory;

    pub fn at(text: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(text).unwrap()
    }

    pub fn sample(public: bool) -> Report {
        let draft = Draft {
            target: "某培训机构".into(),
            address: "武昌区中南路1号".into(),
            category: "academic".into(),
            violation_types: vec!["unlicensed".into()],
            content: "周末组织学科类培训".into(),
            public,
            location: None,
            evidence: None,
            assignment: Directory::hubei().dispatch("420100", "420106", "academic").unwrap(),
        };
        let reporter = Reporter {
            sub: "citizen-1".into(),
            name: "张三".into(),
            phone: "13812341234".into(),
        };
        let serial = Serial::parse("221215170850330").unwrap();
        Report::submit(serial, draft, reporter, None, at("2022-12-15T17:08:50+08:00")).0
    }

    fn staff() -> Actor {
        Actor::staff("李四", "420106-education", "武昌区教育局")
    }

    #[test]
    fn a_report_walks_pending_processing_replied_and_each_step_adds_a_version() {
        let report = sample(true);
        assert_eq!((report.status, report.version), (Status::Pending, 1));
        let (report, accepted) = report.accept(staff(), at("2022-12-16T09:00:00+08:00")).unwrap();
        assert_eq!(
            (report.status, report.version, accepted.seq),
            (Status::Processing, 2, 2)
        );
        let (report, replied) = report
            .reply(
                staff(),
                Finding::Substantiated,
                "经核查投诉属实,已进行查处",
                at("2022-12-20T09:00:00+08:00"),
            )
            .unwrap();
        assert_eq!(
            (report.status, report.version, replied.kind),
            (Status::Replied, 3, EventKind::Replied)
        );
        assert_eq!(report.reply.as_ref().unwrap().agency_name, "武昌区教育局");
    }

    #[test]
    fn steps_out_of_order_are_conflicts() {
        let report = sample(true);
        assert!(matches!(
            report.reply(staff(), Finding::Partly, "x", at("2022-12-16T09:00:00+08:00")),
            Err(Rejection::Conflict { .. })
        ));
        assert!(matches!(
            report.publish(staff(), None, at("2022-12-16T09:00:00+08:00")),
            Err(Rejection::Conflict { .. })
        ));
        let (accepted, _) = report.accept(staff(), at("2022-12-16T09:00:00+08:00")).unwrap();
        assert!(accepted.accept(staff(), at("2022-12-16T09:00:00+08:00")).is_err());
    }

    #[test]
    fn rating_needs_a_reply_and_happens_once() {
        let report = sample(false);
        let when = at("2022-12-21T09:00:00+08:00");
        assert!(matches!(
            report.rate(5, None, when),
            Err(Rejection::Conflict {
                code: "not_replied",
                ..
            })
        ));
        let (report, _) = report.accept(staff(), when).unwrap();
        let (report, _) = report
            .reply(staff(), Finding::Unsubstantiated, "经核查不属实", when)
            .unwrap();
        let (rated, event) = report.rate(4, Some("处理及时".into()), when).unwrap();
        assert_eq!(
            (rated.rating.as_ref().unwrap().stars, event.kind),
            (4, EventKind::Rated)
        );
        assert!(matches!(
            rated.rate(5, None, when),
            Err(Rejection::Conflict {
                code: "already_rated",
                ..
            })
        ));
    }

    #[test]
    fn only_public_replied_published_reports_reach_the_board() {
        let when = at("2022-12-21T09:00:00+08:00");
        for public in [true, false] {
            let (report, _) = sample(public).accept(staff(), when).unwrap();
            let (report, _) = report.reply(staff(), Finding::Substantiated, "已查处", when).unwrap();
            assert!(!report.is_on_public_board(), "replied but not published");
            match report.publish(staff(), Some("  已责令停止培训  ".into()), when) {
                Ok((published, _)) => {
                    assert!(public);
                    assert!(published.is_on_public_board());
                    assert_eq!(published.public_text.as_deref(), Some("已责令停止培训"));
                }
                Err(rejection) => {
                    assert!(!public);
                    assert!(matches!(rejection, Rejection::Conflict { code: "not_public", .. }));
                }
            }
        }
    }
}
