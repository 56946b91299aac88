//! Staff actions on a report: parsed from `{"action": …, "version": …}`, checked against the
//! caller's role, then applied as one transition of the report.

use crate::domain::Rejection;
use crate::domain::calendar::Calendar;
use crate::domain::directory::catalog::Catalog;
use crate::domain::directory::regions::Level;
use crate::domain::directory::{Assignment, Directory, Placement};
use crate::domain::registry::institution::{Institution, is_id};
use crate::domain::report::deadlines::DeadlineRules;
use crate::domain::report::input::text;
use crate::domain::report::measures::{self, Measure, MeasureInput};
use crate::domain::report::rounds::FollowUpOutcome;
use crate::domain::report::timeline::{Actor, Event};
use crate::domain::report::{Finding, Report};
use crate::domain::staff::{Staff, StaffRole};
use chrono::{DateTime, FixedOffset};
use serde::Deserialize;

pub const MAX_REPLY_CHARS: usize = 2000;
pub const MAX_REASON_CHARS: usize = 500;
/// A question to the reporter (补充材料).
pub const MAX_QUESTION_CHARS: usize = 200;

/// The body of `POST /v1/staff/reports/{serial}/actions`.
#[derive(Debug, Clone, Deserialize)]
pub struct ActionInput {
    pub action: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::number::optional_whole")]
    pub version: Option<u64>,
    pub finding: Option<String>,
    pub text: Option<String>,
    pub to_agency: Option<String>,
    pub to: Option<String>,
    pub reason: Option<String>,
    pub public_text: Option<String>,
    /// `link_institution`: the registry id, or none to unlink.
    pub institution_id: Option<String>,
    /// `follow_up`: when the call was made (RFC 3339) and what it found.
    pub called_at: Option<String>,
    pub outcome: Option<String>,
    /// `reply`: the measures taken (处理措施).
    pub measures: Option<Vec<MeasureInput>>,
}

/// Where a transfer goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    Agency(String),
    /// Back to the city's agency of the same department, for re-dispatch.
    City,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Accept,
    Reply {
        finding: Finding,
        text: String,
        measures: Vec<Measure>,
    },
    Transfer {
        to: Target,
        reason: String,
    },
    Publish {
        public_text: Option<String>,
    },
    Unpublish,
    Note {
        text: String,
    },
    Urge {
        reason: String,
    },
    RevealContact,
    /// 退回重办, after a 1–2★ rating.
    Reopen {
        reason: String,
    },
    /// 督导重办, a supervisor's own decision.
    OrderRedo {
        reason: String,
    },
    /// 回访.
    FollowUp {
        called_at: DateTime<FixedOffset>,
        outcome: FollowUpOutcome,
        note: Option<String>,
    },
    /// 办结说明 of a dissatisfied round.
    Close {
        reason: String,
    },
    /// 补充材料: a question to the reporter.
    Ask {
        text: String,
    },
    /// 撤回 the open question.
    WithdrawQuestion,
    /// Link to a registry institution (`None`: unlink). The id is looked up by the caller, who
    /// then applies it with `link`.
    Link {
        institution_id: Option<String>,
    },
}

impl Action {
    pub fn name(&self) -> &'static str {
        match self {
            Action::Accept => "accept",
            Action::Reply { .. } => "reply",
            Action::Transfer { .. } => "transfer",
            Action::Publish { .. } => "publish",
            Action::Unpublish => "unpublish",
            Action::Note { .. } => "note",
            Action::Urge { .. } => "urge",
            Action::RevealContact => "reveal_contact",
            Action::Reopen { .. } => "reopen",
            Action::OrderRedo { .. } => "order_redo",
            Action::FollowUp { .. } => "follow_up",
            Action::Close { .. } => "close",
            Action::Link { .. } => "link_institution",
            Action::Ask { .. } => "ask",
            Action::WithdrawQuestion => "withdraw_question",
        }
    }
}

fn finding(text: Option<&str>) -> Result<Finding, Rejection> {
    match text {
        Some("substantiated") => Ok(Finding::Substantiated),
        Some("partly") => Ok(Finding::Partly),
        Some("unsubstantiated") => Ok(Finding::Unsubstantiated),
        // A finding the API knows that this province's catalog does not use.
        Some("unverifiable") if Catalog::get().reply.unverifiable => Ok(Finding::Unverifiable),
        Some("unverifiable") => Err(Rejection::conflict("finding_not_offered", "本省不使用“无法核实”结论")),
        _ => Err(Rejection::invalid("finding", "请选择处理结论(属实、部分属实或不属实)")),
    }
}

/// Reads the action and the version the caller saw.
pub fn read_action(input: &ActionInput) -> Result<(Action, u64), Rejection> {
    let version = input
        .version
        .ok_or_else(|| Rejection::invalid("version", "缺少版本号"))?;
    let reason = || text("reason", "原因", input.reason.as_deref(), MAX_REASON_CHARS);
    let action = match input.action.as_deref() {
        Some("accept") => Action::Accept,
        Some("reply") => {
            let finding = finding(input.finding.as_deref())?;
            Action::Reply {
                finding,
                text: text("text", "回复内容", input.text.as_deref(), MAX_REPLY_CHARS)?,
                measures: measures::checked(finding, input.measures.as_deref().unwrap_or_default())?,
            }
        }
        Some("transfer") => {
            let to = match (
                input.to_agency.as_deref().map(str::trim).filter(|a| !a.is_empty()),
                input.to.as_deref(),
            ) {
                (Some(agency), None) => Target::Agency(agency.to_owned()),
                (None, Some("city")) => Target::City,
                _ => {
                    return Err(Rejection::invalid(
                        "to_agency",
                        "请指定转办机构(to_agency)或退回地市(to: city)",
                    ));
                }
            };
            Action::Transfer { to, reason: reason()? }
        }
        Some("publish") => Action::Publish {
            public_text: match input.public_text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => Some(text("public_text", "公开内容", Some(t), MAX_REPLY_CHARS)?),
                None => None,
            },
        },
        Some("unpublish") => Action::Unpublish,
        Some("note") => Action::Note {
            text: text("text", "备注内容", input.text.as_deref(), MAX_REASON_CHARS)?,
        },
        Some("urge") => Action::Urge { reason: reason()? },
        Some("reveal_contact") => Action::RevealContact,
        Some("reopen") => Action::Reopen { reason: reason()? },
        Some("order_redo") => Action::OrderRedo { reason: reason()? },
        Some("close") => Action::Close { reason: reason()? },
        Some("follow_up") => Action::FollowUp {
            called_at: input
                .called_at
                .as_deref()
                .and_then(|t| DateTime::parse_from_rfc3339(t.trim()).ok())
                .ok_or_else(|| Rejection::invalid("called_at", "请填写回访时间"))?,
            outcome: input
                .outcome
                .as_deref()
                .and_then(FollowUpOutcome::parse)
                .ok_or_else(|| Rejection::invalid("outcome", "请选择回访结果(满意、不满意或未接通)"))?,
            note: match input.text.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(t) => Some(text("text", "回访记录", Some(t), MAX_REASON_CHARS)?),
                None => None,
            },
        },
        Some("ask") => Action::Ask {
            text: text("text", "补充材料的问题", input.text.as_deref(), MAX_QUESTION_CHARS)?,
        },
        Some("withdraw_question") => Action::WithdrawQuestion,
        Some("link_institution") => Action::Link {
            institution_id: match input.institution_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(id) if is_id(id) => Some(id.to_owned()),
                Some(_) => return Err(Rejection::invalid("institution_id", "所选机构不存在")),
            },
        },
        _ => return Err(Rejection::invalid("action", "未知的操作")),
    };
    Ok((action, version))
}

/// The agency a transfer goes to, checked against the caller's reach.
fn destination(report: &Report, staff: &Staff, to: &Target, directory: &Directory) -> Result<Assignment, Rejection> {
    let regions = &directory.regions;
    let current = &report.assignment;
    let Placement {
        region,
        agency,
        department,
    } = match to {
        Target::City => Placement {
            region: current.city.clone(),
            agency: directory
                .agency(&current.city, &current.department)
                .ok_or_else(|| Rejection::invalid("to", "地市暂无受理机构"))?,
            department: current.department.clone(),
        },
        Target::Agency(id) => directory
            .placement(id, &current.department)
            .ok_or_else(|| Rejection::invalid("to_agency", "转办机构不存在"))?,
    };
    let place = regions
        .get(&region)
        .ok_or_else(|| Rejection::invalid("to_agency", "转办机构不存在"))?;
    let city = regions
        .city_of(&place.code)
        .ok_or_else(|| Rejection::invalid("to_agency", "转办机构不存在"))?;
    // A handler hands on within its city; supervisors re-dispatch within their reach.
    let allowed = match staff.role {
        StaffRole::Handler => city.code == current.city,
        StaffRole::City => city.code == staff.region,
        StaffRole::Province => true,
    };
    if !allowed {
        return Err(Rejection::forbidden("无权转办至该机构"));
    }
    // Back at a city-level agency the report keeps its county; at a county agency it moves there.
    let county = if place.level == Level::County || regions.is_directly_administered(place) {
        place.code.clone()
    } else {
        current.county.clone()
    };
    Ok(Assignment {
        agency_id: agency.id,
        agency_name: agency.name,
        department,
        province: current.province.clone(),
        city: city.code.clone(),
        county,
    })
}

/// Applies `action` for `staff`, who can already see the report.
pub fn apply(
    report: &Report,
    staff: &Staff,
    action: &Action,
    directory: &Directory,
    rules: &DeadlineRules,
    calendar: &Calendar,
    at: DateTime<FixedOffset>,
) -> Result<(Report, Event), Rejection> {
    let actor = actor(staff, directory);
    let own_agency = staff.role == StaffRole::Handler && staff.agency_id == report.assignment.agency_id;
    let needs = |ok: bool, message: &str| if ok { Ok(()) } else { Err(Rejection::forbidden(message)) };
    match action {
        Action::Accept => {
            needs(own_agency, "只有受理机构可以签收")?;
            report.accept(actor, at)
        }
        Action::Reply {
            finding,
            text,
            measures,
        } => {
            needs(own_agency, "只有受理机构可以回复")?;
            report.reply_with(actor, *finding, text, measures.clone(), at)
        }
        Action::Transfer { to, reason } => {
            needs(own_agency || staff.is_supervisor(), "无权转办")?;
            let cap = Catalog::get().limits.transfers_per_report;
            if !staff.is_supervisor() && report.transfers >= cap {
                return Err(Rejection::conflict(
                    "transfer_limit",
                    format!("该举报已转办{cap}次,如需再次转办请联系市、省级督导"),
                ));
            }
            let assignment = destination(report, staff, to, directory)?;
            report.transfer(actor, assignment, reason, rules, calendar, at)
        }
        Action::Publish { public_text } => {
            needs(own_agency || staff.is_supervisor(), "无权公开")?;
            report.publish(actor, public_text.clone(), at)
        }
        Action::Unpublish => {
            needs(own_agency || staff.is_supervisor(), "无权取消公开")?;
            report.unpublish(actor, at)
        }
        Action::Note { text } => Ok(report.note(actor, text, at)),
        Action::Urge { reason } => {
            needs(staff.is_supervisor(), "只有市、省级督导人员可以督办")?;
            report.urge(actor, reason, at)
        }
        Action::RevealContact => Ok(report.reveal_contact(actor, at)),
        Action::Reopen { reason } => {
            needs(
                own_agency || staff.is_supervisor(),
                "只有受理机构或督导人员可以退回重办",
            )?;
            report.reopen(actor, reason, rules, calendar, at)
        }
        Action::OrderRedo { reason } => {
            needs(staff.is_supervisor(), "只有市、省级督导人员可以督导重办")?;
            report.order_redo(actor, reason, rules, calendar, at)
        }
        Action::FollowUp {
            called_at,
            outcome,
            note,
        } => {
            needs(
                own_agency || staff.is_supervisor(),
                "只有受理机构或督导人员可以记录回访",
            )?;
            report.follow_up(actor, *called_at, *outcome, note.clone(), at)
        }
        Action::Close { reason } => {
            needs(staff.is_supervisor(), "只有市、省级督导人员可以办结说明")?;
            report.close_dissatisfied(actor, reason, at)
        }
        Action::Ask { text } => {
            needs(own_agency, "只有受理机构可以请举报人补充材料")?;
            report.ask(actor, text, Catalog::get().questions.limit_days, calendar, at)
        }
        Action::WithdrawQuestion => {
            needs(own_agency, "只有受理机构可以撤回补充请求")?;
            report.withdraw_question(actor, Catalog::get().questions.limit_days, calendar, at)
        }
        Action::Link { institution_id: None } => link(report, staff, directory, None, at),
        // An id names nothing until the caller has read it from the registry.
        Action::Link {
            institution_id: Some(_),
        } => Err(Rejection::invalid("institution_id", "所选机构不存在")),
    }
}

/// 关联机构: links the report to `institution` as found in the registry (`None`: unlinks). The
/// assigned agency and supervisors may; the institution must be of the report's county.
pub fn link(
    report: &Report,
    staff: &Staff,
    directory: &Directory,
    institution: Option<&Institution>,
    at: DateTime<FixedOffset>,
) -> Result<(Report, Event), Rejection> {
    let own_agency = staff.role == StaffRole::Handler && staff.agency_id == report.assignment.agency_id;
    if !own_agency && !staff.is_supervisor() {
        return Err(Rejection::forbidden("无权关联机构"));
    }
    if let Some(institution) = institution
        && institution.county != report.assignment.county
    {
        return Err(Rejection::conflict(
            "institution_not_in_county",
            "所选机构不在该举报件所在区县的机构名录中",
        ));
    }
    let actor = Actor::staff(&staff.name, &staff.agency_id, &agency_name(staff, directory)).with_sub(&staff.sub);
    report.link_institution(actor, institution.map(Institution::reference), at)
}

/// The name staff act under in the timeline: their agency's, or their region's for supervisors.
/// A staff member as recorded in timelines and custody logs: id, name and agency.
pub fn actor(staff: &Staff, directory: &Directory) -> Actor {
    Actor::staff(&staff.name, &staff.agency_id, &agency_name(staff, directory)).with_sub(&staff.sub)
}

pub fn agency_name(staff: &Staff, directory: &Directory) -> String {
    if let Some(agency) = directory.agency_by_id(&staff.agency_id) {
        return agency.name;
    }
    directory
        .regions
        .get(&staff.region)
        .map(|r| format!("{}督导", r.name))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::status::Status;
    use crate::domain::report::tests::{at, sample};
    use crate::domain::staff::tests::staff;

    fn input(json: serde_json::Value) -> ActionInput {
        serde_json::from_value(json).unwrap()
    }

    fn run(report: &Report, who: &Staff, body: serde_json::Value) -> Result<(Report, Event), Rejection> {
        let (action, _) = read_action(&input(body))?;
        apply(
            report,
            who,
            &action,
            Directory::hubei(),
            &DeadlineRules::default(),
            Calendar::china(),
            at("2022-12-16T10:00:00+08:00"),
        )
    }

    #[test]
    fn actions_need_a_version_and_their_fields() {
        assert!(
            matches!(read_action(&input(serde_json::json!({"action": "accept"}))), Err(Rejection::Invalid { field, .. }) if field == "version")
        );
        assert!(
            matches!(read_action(&input(serde_json::json!({"action": "fly", "version": 1}))), Err(Rejection::Invalid { field, .. }) if field == "action")
        );
        assert!(
            matches!(read_action(&input(serde_json::json!({"action": "reply", "version": 1, "text": "x"}))), Err(Rejection::Invalid { field, .. }) if field == "finding")
        );
        assert!(
            matches!(read_action(&input(serde_json::json!({"action": "reply", "version": 1, "finding": "partly"}))), Err(Rejection::Invalid { field, .. }) if field == "text")
        );
        assert!(
            matches!(read_action(&input(serde_json::json!({"action": "transfer", "version": 1, "to_agency": "x"}))), Err(Rejection::Invalid { field, .. }) if field == "reason")
        );
        assert_eq!(
            read_action(&input(serde_json::json!({"action": "accept", "version": 3}))).unwrap(),
            (Action::Accept, 3)
        );
    }

    #[test]
    fn only_the_assigned_agency_signs_and_replies() {
        let report = sample(true);
        let handler = staff(StaffRole::Handler, "420106-education", "420106");
        let city = staff(StaffRole::City, "", "420100");
        assert!(run(&report, &handler, serde_json::json!({"action": "accept", "version": 1})).is_ok());
        assert!(matches!(
            run(&report, &city, serde_json::json!({"action": "accept", "version": 1})),
            Err(Rejection::Forbidden { .. })
        ));
    }

    #[test]
    fn only_supervisors_urge_and_reopen() {
        let report = sample(true);
        let handler = staff(StaffRole::Handler, "420106-education", "420106");
        let urge = serde_json::json!({"action": "urge", "version": 1, "reason": "请加快办理"});
        assert!(matches!(
            run(&report, &handler, urge.clone()),
            Err(Rejection::Forbidden { .. })
        ));
        let (urged, event) = run(&report, &staff(StaffRole::Province, "", "420000"), urge).unwrap();
        assert_eq!(urged.urges, 1);
        assert_eq!(event.actor.agency_name.as_deref(), Some("湖北省督导"));
    }

    #[test]
    fn handlers_hand_a_report_on_a_few_times_and_supervisors_beyond() {
        let mut report = sample(true);
        let cap = Catalog::get().limits.transfers_per_report;
        report.transfers = cap;
        let handler = staff(StaffRole::Handler, "420106-education", "420106");
        let body = serde_json::json!({"action": "transfer", "version": 1, "to_agency": "420111-education", "reason": "属洪山区"});
        assert!(matches!(
            run(&report, &handler, body.clone()),
            Err(Rejection::Conflict {
                code: "transfer_limit",
                ..
            })
        ));
        let (moved, _) = run(&report, &staff(StaffRole::City, "", "420100"), body).unwrap();
        assert_eq!(moved.transfers, cap + 1, "a supervisor lifts the cap for this report");
    }

    #[test]
    fn a_handler_hands_on_within_its_city_or_back_to_the_city() {
        let report = sample(true);
        let handler = staff(StaffRole::Handler, "420106-education", "420106");
        let (moved, _) = run(&report, &handler, serde_json::json!({"action": "transfer", "version": 1, "to_agency": "420111-education", "reason": "属洪山区"})).unwrap();
        assert_eq!(
            (moved.assignment.county.as_str(), moved.assignment.agency_name.as_str()),
            ("420111", "洪山区教育局")
        );
        assert_eq!(moved.status, Status::Pending);
        let far =
            serde_json::json!({"action": "transfer", "version": 1, "to_agency": "420202-education", "reason": "x"});
        assert!(matches!(
            run(&report, &handler, far.clone()),
            Err(Rejection::Forbidden { .. })
        ));
        assert!(
            run(&report, &staff(StaffRole::Province, "", "420000"), far).is_ok(),
            "the province re-dispatches anywhere"
        );
        let (back, _) = run(
            &report,
            &handler,
            serde_json::json!({"action": "transfer", "version": 1, "to": "city", "reason": "需市级协调"}),
        )
        .unwrap();
        assert_eq!(
            (back.assignment.agency_id.as_str(), back.assignment.agency_name.as_str()),
            ("420100-education", "武汉市教育局")
        );
        assert_eq!(back.assignment.county, "420106", "the place stays");
        let bogus =
            serde_json::json!({"action": "transfer", "version": 1, "to_agency": "420111-police", "reason": "x"});
        assert!(matches!(run(&report, &handler, bogus), Err(Rejection::Invalid { field, .. }) if field == "to_agency"));
    }

    #[test]
    fn staff_link_a_report_to_an_institution_of_its_county() {
        let directory = Directory::hubei();
        let registry = crate::domain::registry::import::parse_csv(
            "机构名称,区县\n某某学堂,420106\n远方学堂,420111\n",
            &directory.regions,
        )
        .unwrap();
        let report = sample(true);
        let when = at("2022-12-16T10:00:00+08:00");
        let handler = staff(StaffRole::Handler, "420106-education", "420106");
        let (linked, event) = link(&report, &handler, directory, Some(&registry[0]), when).unwrap();
        assert_eq!(linked.institution.as_ref().map(|i| i.name.as_str()), Some("某某学堂"));
        assert_eq!(event.note.as_deref(), Some("某某学堂"));
        assert!(event.kind.is_internal(), "the reporter's timeline does not show it");
        assert!(matches!(
            link(&report, &handler, directory, Some(&registry[1]), when),
            Err(Rejection::Conflict { .. })
        ));
        assert!(matches!(
            link(&linked, &handler, directory, Some(&registry[0]), when),
            Err(Rejection::Conflict { .. })
        ));
        let elsewhere = staff(StaffRole::Handler, "420111-education", "420111");
        assert!(matches!(
            link(&report, &elsewhere, directory, Some(&registry[0]), when),
            Err(Rejection::Forbidden { .. })
        ));
        let (unlinked, _) = run(
            &linked,
            &handler,
            serde_json::json!({"action": "link_institution", "version": 2}),
        )
        .unwrap();
        assert_eq!(unlinked.institution, None);
        let unresolved = serde_json::json!({"action": "link_institution", "version": 1, "institution_id": "N1"});
        assert!(matches!(
            run(&report, &handler, unresolved),
            Err(Rejection::Invalid { .. })
        ));
        let bad = serde_json::json!({"action": "link_institution", "version": 1, "institution_id": "a#b"});
        assert!(matches!(read_action(&input(bad)), Err(Rejection::Invalid { field, .. }) if field == "institution_id"));
    }

    #[test]
    fn a_report_is_handed_on_to_any_office_the_directory_defines() {
        let directory = crate::domain::directory::tests::changzhou();
        let mut report = sample(true);
        report.assignment = directory.dispatch("320400", "320412", "academic").unwrap();
        let handler = staff(StaffRole::Handler, "cz-wujin-a", "320412");
        let to_zone = Action::Transfer {
            to: Target::Agency("cz-jingkai-a".into()),
            reason: "位于经开区".into(),
        };
        let (moved, event) = apply(
            &report,
            &handler,
            &to_zone,
            &directory,
            &DeadlineRules::default(),
            Calendar::china(),
            at("2022-12-16T10:00:00+08:00"),
        )
        .unwrap();
        let a = &moved.assignment;
        assert_eq!(
            (a.agency_id.as_str(), a.agency_name.as_str(), a.county.as_str()),
            ("cz-jingkai-a", "经开区社会事业局", "320412")
        );
        assert_eq!(a.department, "education");
        assert_eq!(
            event.actor.agency_name.as_deref(),
            Some("武进区教育局"),
            "the office's name, not a pattern's"
        );
        let profile = crate::domain::views::profile::staff_profile(&handler, &directory);
        assert!(
            profile
                .transfer_targets
                .iter()
                .any(|t| t.id == "cz-jingkai-a" && t.region_name == "经开区(武进区)")
        );
    }
}
