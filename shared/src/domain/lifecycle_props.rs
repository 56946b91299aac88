//! The report state machine under random operation: random submissions, staff actions by random
//! callers (own and foreign handlers, supervisors of the right and the wrong city, the province,
//! with stale versions), ratings and the passing of time, applied as the API applies them
//! (visibility, then the version check, then the domain). After every step the invariants hold.

use crate::domain::calendar::Calendar;
use crate::domain::directory::Directory;
use crate::domain::report::deadlines::{DeadlineRules, Deadlines};
use crate::domain::report::input::{ReportInput, validate};
use crate::domain::report::phone::Phone;
use crate::domain::report::rating::Stars;
use crate::domain::report::serial::Serial;
use crate::domain::report::status::Status;
use crate::domain::report::timeline::{ActorRole, Event, EventKind};
use crate::domain::report::{Finding, Report, Reporter};
use crate::domain::reporting::stats::{Buckets, contributions, delta};
use crate::domain::staff::actions::{Action, Target, apply};
use crate::domain::staff::{Staff, StaffRole};
use chrono::{DateTime, Duration, FixedOffset};
use proptest::prelude::*;

const COUNTIES: [&str; 5] = ["420102", "420106", "420111", "420202", "420203"];
const CATEGORIES: [&str; 4] = ["academic", "technology", "arts", "sports"];

#[derive(Debug, Clone, Copy)]
enum Caller {
    OwnHandler,
    ForeignHandler,
    OwnCity,
    ForeignCity,
    Province,
}

#[derive(Debug, Clone, Copy)]
enum Kind {
    Accept,
    Reply,
    TransferTo(usize),
    TransferToCity,
    Publish,
    Unpublish,
    Note,
    Urge,
    Reveal,
    Reopen,
    OrderRedo,
    FollowUp,
    Close,
    Ask,
    Withdraw,
}

#[derive(Debug, Clone)]
enum Op {
    Submit {
        county: usize,
        category: usize,
        public: bool,
    },
    Act {
        report: usize,
        caller: Caller,
        kind: Kind,
        stale: bool,
    },
    Rate {
        report: usize,
        stars: u8,
    },
    /// The reporter answers the open question; or, with `lapse`, the housekeeping records an
    /// unanswered one.
    Answer {
        report: usize,
        lapse: bool,
    },
    Wait {
        hours: u16,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let caller = prop_oneof![
        Just(Caller::OwnHandler),
        Just(Caller::ForeignHandler),
        Just(Caller::OwnCity),
        Just(Caller::ForeignCity),
        Just(Caller::Province),
    ];
    let kind = prop_oneof![
        3 => Just(Kind::Accept),
        3 => Just(Kind::Reply),
        1 => (0..COUNTIES.len()).prop_map(Kind::TransferTo),
        1 => Just(Kind::TransferToCity),
        2 => Just(Kind::Publish),
        1 => Just(Kind::Unpublish),
        1 => Just(Kind::Note),
        1 => Just(Kind::Urge),
        1 => Just(Kind::Reveal),
        2 => Just(Kind::Reopen),
        1 => Just(Kind::OrderRedo),
        1 => Just(Kind::FollowUp),
        1 => Just(Kind::Close),
        2 => Just(Kind::Ask),
        1 => Just(Kind::Withdraw),
    ];
    prop_oneof![
        1 => (0..COUNTIES.len(), 0..CATEGORIES.len(), any::<bool>())
            .prop_map(|(county, category, public)| Op::Submit { county, category, public }),
        // Few reports, so that long histories (reply, rating, reopening, reply again) happen.
        8 => (0..3usize, caller, kind, prop::bool::weighted(0.15))
            .prop_map(|(report, caller, kind, stale)| Op::Act { report, caller, kind, stale }),
        2 => (0..3usize, 1..=5u8).prop_map(|(report, stars)| Op::Rate { report, stars }),
        2 => (0..3usize, any::<bool>()).prop_map(|(report, lapse)| Op::Answer { report, lapse }),
        1 => (1..200u16).prop_map(|hours| Op::Wait { hours }),
    ]
}

/// The platform as the API sees it: reports, their timelines, the statistics counters kept by
/// adding each change's delta, and the clock.
struct World {
    reports: Vec<Report>,
    timelines: Vec<Vec<Event>>,
    counters: Buckets,
    now: DateTime<FixedOffset>,
}

fn add(counters: &mut Buckets, change: Buckets) {
    for (bucket, values) in change {
        let entry = counters.entry(bucket).or_default();
        for (name, value) in values {
            *entry.entry(name).or_insert(0) += value;
        }
    }
    for values in counters.values_mut() {
        values.retain(|_, v| *v != 0);
    }
    counters.retain(|_, v| !v.is_empty());
}

fn caller_for(report: &Report, caller: Caller) -> Staff {
    let a = &report.assignment;
    let staff = |role, agency_id: String, region: &str| Staff {
        sub: "s".into(),
        name: "测试".into(),
        role,
        agency_id,
        region: region.to_owned(),
    };
    match caller {
        Caller::OwnHandler => staff(StaffRole::Handler, a.agency_id.clone(), &a.county),
        Caller::ForeignHandler => {
            let other = if a.county == "420111" { "420106" } else { "420111" };
            staff(StaffRole::Handler, format!("{other}-{}", a.department), other)
        }
        Caller::OwnCity => staff(StaffRole::City, String::new(), &a.city),
        Caller::ForeignCity => staff(
            StaffRole::City,
            String::new(),
            if a.city == "420100" { "420200" } else { "420100" },
        ),
        Caller::Province => staff(StaffRole::Province, String::new(), &a.province),
    }
}

fn action(kind: Kind, report: &Report) -> Action {
    match kind {
        Kind::Accept => Action::Accept,
        Kind::Reply => Action::Reply {
            finding: Finding::Partly,
            text: "已核查处理".into(),
            measures: vec![crate::domain::report::measures::Measure {
                code: "refund".into(),
                amount: Some(3000),
                to: None,
            }],
        },
        Kind::TransferTo(i) => Action::Transfer {
            to: Target::Agency(format!("{}-{}", COUNTIES[i], report.assignment.department)),
            reason: "属地".into(),
        },
        Kind::TransferToCity => Action::Transfer {
            to: Target::City,
            reason: "退回".into(),
        },
        Kind::Publish => Action::Publish { public_text: None },
        Kind::Unpublish => Action::Unpublish,
        Kind::Note => Action::Note { text: "备注".into() },
        Kind::Urge => Action::Urge {
            reason: "请加快".into(),
        },
        Kind::Reveal => Action::RevealContact,
        Kind::Reopen => Action::Reopen {
            reason: "不满意".into(),
        },
        Kind::OrderRedo => Action::OrderRedo {
            reason: "答复不充分".into(),
        },
        Kind::FollowUp => Action::FollowUp {
            called_at: report.reply.as_ref().map_or(report.created_at, |r| r.replied_at),
            outcome: crate::domain::report::rounds::FollowUpOutcome::Dissatisfied,
            note: None,
        },
        Kind::Close => Action::Close {
            reason: "诉求超出职责范围".into(),
        },
        Kind::Ask => Action::Ask {
            text: "请补充具体楼层".into(),
        },
        Kind::Withdraw => Action::WithdrawQuestion,
    }
}

fn expected_kind(action: &Action) -> EventKind {
    match action {
        Action::Accept => EventKind::Accepted,
        Action::Reply { .. } => EventKind::Replied,
        Action::Transfer { .. } => EventKind::Transferred,
        Action::Publish { .. } => EventKind::Published,
        Action::Unpublish => EventKind::Unpublished,
        Action::Note { .. } => EventKind::Noted,
        Action::Urge { .. } => EventKind::Urged,
        Action::RevealContact => EventKind::ContactRevealed,
        Action::Reopen { .. } => EventKind::Reopened,
        Action::OrderRedo { .. } => EventKind::RedoOrdered,
        Action::FollowUp { .. } => EventKind::FollowedUp,
        Action::Close { .. } => EventKind::Concluded,
        Action::Link { .. } => EventKind::InstitutionLinked,
        Action::Ask { .. } => EventKind::Asked,
        Action::WithdrawQuestion => EventKind::QuestionWithdrawn,
    }
}

/// The status changes the manual allows: 待受理 → 处理中 → 已回复, a hand-on back to 待受理,
/// reopening a dissatisfied reply, and anything that leaves the status alone.
fn allowed(before: Status, after: Status, kind: EventKind) -> bool {
    use Status::*;
    before == after
        || matches!(
            (before, after, kind),
            (Pending, Processing, EventKind::Accepted)
                | (Processing, Replied, EventKind::Replied)
                | (Processing, Pending, EventKind::Transferred)
                | (Replied, Processing, EventKind::Reopened)
                | (Replied, Processing, EventKind::RedoOrdered)
        )
}

impl World {
    fn new() -> World {
        World {
            reports: vec![],
            timelines: vec![],
            counters: Buckets::new(),
            now: DateTime::parse_from_rfc3339("2026-11-02T09:00:00+08:00").unwrap(),
        }
    }

    fn submit(&mut self, county: usize, category: usize, public: bool) {
        let directory = Directory::hubei();
        let county = COUNTIES[county];
        let city = directory.regions.city_of(county).unwrap().code.clone();
        let input = ReportInput {
            target: Some("某培训机构".into()),
            city: Some(city),
            county: Some(county.into()),
            address: Some("某路1号".into()),
            category: Some(CATEGORIES[category].into()),
            violation_types: Some(vec!["unlicensed".into()]),
            content: Some("周末组织培训".into()),
            public: Some(public),
            evidence: None,
            location: None,
            notice_version: Some(crate::domain::directory::catalog::Catalog::get().notice.version.clone()),
            institution_id: None,
        };
        let sub = format!("c-{}", self.reports.len());
        let draft = validate(&input, directory).unwrap();
        let reporter = Reporter {
            sub,
            name: "张三".into(),
            phone: Phone::new("13812341234"),
        };
        let serial = Serial::new(&self.now, u16::try_from(self.reports.len()).unwrap());
        let deadlines = Deadlines::new(&DeadlineRules::default(), Calendar::china(), &self.now, self.now);
        let (report, event) = Report::submit(serial, draft, reporter, None, deadlines, self.now);
        assert_eq!((report.version, event.seq, event.kind), (1, 1, EventKind::Submitted));
        add(&mut self.counters, delta(None, &report));
        self.reports.push(report);
        self.timelines.push(vec![event]);
    }

    /// A successful change: checks the step's own invariants, then records it.
    fn commit(&mut self, i: usize, after: Report, event: Event, kind: EventKind, by: ActorRole) {
        let before = &self.reports[i];
        assert_eq!(after.version, before.version + 1, "each change adds one version");
        assert_eq!(event.seq, after.version, "the event is numbered by the new version");
        assert_eq!(event.kind, kind, "the event records the action taken");
        assert_eq!(event.actor.role, by, "the event records who acted");
        assert!(
            allowed(before.status, after.status, kind),
            "{:?} → {:?} by {kind:?}",
            before.status,
            after.status
        );
        assert_eq!(after.serial, before.serial);
        assert_eq!(after.reporter, before.reporter, "nobody changes who reported");
        // Rounds only grow, each keeps its reply, and ratings reopen at most twice.
        assert!(
            after.rounds.starts_with(&before.rounds),
            "earlier rounds are never rewritten"
        );
        assert!(after.rounds.len() <= before.rounds.len() + 1);
        assert!(after.reopens_by_rating() <= crate::domain::report::rounds::MAX_REOPENS_BY_RATING);
        if after.rounds.len() > before.rounds.len() {
            assert_eq!(
                after.rounds.last().map(|r| &r.reply),
                before.reply.as_ref(),
                "the reply closes its round"
            );
            assert!(
                after.rating.is_none() && after.reply.is_none(),
                "a new round starts unanswered, unrated"
            );
        }
        add(&mut self.counters, delta(Some(before), &after));
        self.reports[i] = after;
        self.timelines[i].push(event);
    }

    fn act(&mut self, i: usize, caller: Caller, kind: Kind, stale: bool) {
        let report = self.reports[i].clone();
        let staff = caller_for(&report, caller);
        if !staff.can_see(&report) {
            return; // 404: outside the caller's reach
        }
        if stale {
            return; // 409: the conditional write refuses a version the caller did not read
        }
        let action = action(kind, &report);
        let directory = Directory::hubei();
        let result = apply(
            &report,
            &staff,
            &action,
            directory,
            &DeadlineRules::default(),
            Calendar::china(),
            self.now,
        );
        if let Ok((after, event)) = result {
            // Who may do what (the API answers 403 otherwise).
            let own = staff.role == StaffRole::Handler && staff.agency_id == report.assignment.agency_id;
            match action {
                Action::Accept | Action::Reply { .. } | Action::Ask { .. } | Action::WithdrawQuestion => {
                    assert!(own, "{action:?} by {caller:?}")
                }
                Action::Urge { .. } | Action::OrderRedo { .. } | Action::Close { .. } => {
                    assert!(staff.is_supervisor(), "{action:?}")
                }
                Action::Reopen { .. } | Action::FollowUp { .. } => assert!(own || staff.is_supervisor(), "{action:?}"),
                _ => {}
            }
            self.commit(i, after, event, expected_kind(&action), ActorRole::Staff);
        }
    }

    fn rate(&mut self, i: usize, stars: u8) {
        let report = self.reports[i].clone();
        let stars = Stars::new(stars).unwrap();
        if let Ok((after, event)) = report.rate(stars, None, self.now) {
            assert_eq!(report.status, Status::Replied, "only a replied report is rated");
            assert!(report.rating.is_none(), "rated once");
            self.commit(i, after, event, EventKind::Rated, ActorRole::Citizen);
        }
    }

    fn answer(&mut self, i: usize, lapse: bool) {
        let report = self.reports[i].clone();
        let (limit, calendar) = (5, Calendar::china());
        if lapse {
            if let Ok((after, event)) = report.lapse_question(limit, calendar, self.now) {
                assert_eq!(
                    after.deadlines.reply_by, report.deadlines.reply_by,
                    "a lapse leaves the deadline where the question put it"
                );
                self.commit(i, after, event, EventKind::QuestionLapsed, ActorRole::System);
            }
        } else if let Ok((after, event)) = report.answer("在3楼", None, limit, calendar, self.now) {
            assert!(
                report.open_question(&self.now).is_some(),
                "only an open question is answered"
            );
            assert!(
                after.deadlines.reply_by <= report.deadlines.reply_by,
                "an answer gives back unused days"
            );
            self.commit(i, after, event, EventKind::Answered, ActorRole::Citizen);
        }
    }

    /// What holds of the whole world after every step.
    fn check(&self) {
        let mut recount = Buckets::new();
        for (report, timeline) in self.reports.iter().zip(&self.timelines) {
            add(&mut recount, contributions(report));
            let seqs: Vec<u64> = timeline.iter().map(|e| e.seq).collect();
            let expected: Vec<u64> = (1..=report.version).collect();
            assert_eq!(seqs, expected, "the timeline is every version, in order, nothing lost");
            assert!(timeline.windows(2).all(|w| w[0].at <= w[1].at), "time runs forward");
            let deadline = report.open_deadline();
            assert_eq!(
                deadline.is_none(),
                report.status == Status::Replied,
                "open ⇔ a deadline"
            );
            assert_eq!(
                report.is_overdue(&self.now),
                deadline.is_some_and(|d| self.now > d),
                "overdue ⇔ past the open deadline"
            );
            assert!(report.deadlines.reply_by > report.created_at);
            assert!(report.deadlines.sign_by > report.deadlines.arrived_at);
            if report.published {
                assert!(
                    report.public && report.status == Status::Replied,
                    "only replied public reports are shown"
                );
            }
            assert_eq!(
                report.reply.is_some(),
                report.status == Status::Replied,
                "a reply ⇔ 已回复"
            );
            if report.status == Status::Pending {
                assert!(report.signed_at.is_none(), "待受理 is not signed for");
            }
            let transfers = timeline.iter().filter(|e| e.kind == EventKind::Transferred).count();
            assert_eq!(report.transfers as usize, transfers, "every hand-on is in the timeline");
            let urges = timeline.iter().filter(|e| e.kind == EventKind::Urged).count();
            assert_eq!(report.urges as usize, urges, "every urge is in the timeline");
            let asked = timeline.iter().filter(|e| e.kind == EventKind::Asked).count();
            assert_eq!(report.questions.len(), asked, "every question is in the timeline");
            assert!(
                report.questions.iter().rev().skip(1).all(|q| q.ended.is_some()),
                "only the last question may be unended"
            );
            if report.open_question(&self.now).is_some() {
                assert_eq!(
                    report.status,
                    Status::Processing,
                    "a question waits only on a report in hand"
                );
            }
        }
        assert_eq!(self.counters, recount, "statistics counters equal a recount");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_sequence_of_operations_keeps_every_invariant(ops in prop::collection::vec(op(), 1..60)) {
        let mut world = World::new();
        world.submit(1, 0, true);
        world.submit(3, 3, false);
        for op in ops {
            match op {
                Op::Submit { county, category, public } => world.submit(county, category, public),
                Op::Act { report, caller, kind, stale } => {
                    let i = report % world.reports.len();
                    world.act(i, caller, kind, stale);
                }
                Op::Rate { report, stars } => {
                    let i = report % world.reports.len();
                    world.rate(i, stars);
                }
                Op::Answer { report, lapse } => {
                    let i = report % world.reports.len();
                    world.answer(i, lapse);
                }
                Op::Wait { hours } => world.now += Duration::hours(i64::from(hours)),
            }
            world.check();
        }
    }
}
