//! 人员管理: `GET /v1/staff/roster` (everyone in the caller's reach),
//! `POST /v1/staff/roster` (add someone) and `POST /v1/staff/roster/{sub}` (disable, re-enable,
//! rename, change the duty phone). Supervisors only; every change is written with its entry in
//! the audit trail, conditional on what was read.

use crate::supervisors_only;
use serde::Serialize;
use shared::adapters::dynamo::{GuardedWrite, LogEntry};
use shared::adapters::sms::e164;
use shared::app::App;
use shared::domain::staff::roster::{Member, MemberChange, MemberInput, change_member, checked_sub, new_member};
use shared::domain::staff::{Staff, StaffRole};
use shared::domain::time::{format, now_cst};
use shared::domain::views::roster::{MemberView, roster_order};
use shared::http::ApiError;
use shared::http::request::decode_body;

#[derive(Debug, Serialize)]
pub struct Roster {
    pub items: Vec<MemberView>,
    /// `pool`: the platform's user pool, where the site creates users (by mobile); `issuer`: the
    /// province's own, where the supervisor gives each person's subject.
    pub identity: &'static str,
}

const SUPERVISORS_ONLY: &str = "仅市级、省级督导可管理人员";

pub async fn list(app: &App, staff: &Staff) -> Result<Roster, ApiError> {
    supervisors_only(staff, SUPERVISORS_ONLY)?;
    let scope = (staff.role == StaffRole::City).then_some(staff.region.as_str());
    let mut items: Vec<MemberView> = app
        .records
        .roster(scope)
        .await?
        .iter()
        .map(|m| MemberView::of(m, app.directory))
        .collect();
    items.sort_by(roster_order);
    let identity = if app.staff_pool.is_some() { "pool" } else { "issuer" };
    Ok(Roster { items, identity })
}

/// Someone added, and with a user pool the one-time password to hand over in person.
#[derive(Debug, Serialize)]
pub struct Added {
    #[serde(flatten)]
    pub member: MemberView,
    pub temporary_password: Option<String>,
}

/// With a user pool (Cognito), the person's user is created there first under their mobile and
/// the pool's subject goes on the roster; with a province's own issuer, the supervisor gives the
/// subject. The entry is checked before the pool is touched.
pub async fn add(app: &App, staff: &Staff, body: serde_json::Value) -> Result<Added, ApiError> {
    supervisors_only(staff, SUPERVISORS_ONLY)?;
    let input: MemberInput = decode_body(body)?;
    let now = now_cst();
    let at = format(&now);
    let (member, temporary_password) = match &app.staff_pool {
        None => (
            new_member(staff, &input, &checked_sub(&input.sub)?, app.directory, &at)?,
            None,
        ),
        Some(pool) => {
            let member = new_member(staff, &input, "pending", app.directory, &at)?;
            let phone =
                e164(&member.phone).ok_or_else(|| ApiError::invalid("phone", "请填写手机号:它是该人员的登录账号"))?;
            let user = pool.create(&phone, &member.name).await?;
            let sub = checked_sub(&user.sub)?;
            (Member { sub, ..member }, user.temporary_password)
        }
    };
    let scope = member.scope(app.directory);
    let log = LogEntry {
        detail: format!("新增 {}", member.describe(app.directory)),
        seq: member.version,
        ..LogEntry::by(staff, &scope, "staff", &at)
    };
    match app.records.save_member(&member, &scope, &log, now.timestamp()).await? {
        GuardedWrite::Written => Ok(Added {
            member: MemberView::of(&member, app.directory),
            temporary_password,
        }),
        _ => Err(ApiError::new(409, "already_on_roster", "该账号已在人员名单中")),
    }
}

/// A change; with a user pool, disabling, re-enabling and resetting the authenticator happen
/// there first (a retry after a failed roster write does them again, harmlessly).
pub async fn change(app: &App, staff: &Staff, sub: &str, body: serde_json::Value) -> Result<MemberView, ApiError> {
    supervisors_only(staff, SUPERVISORS_ONLY)?;
    let change: MemberChange = decode_body(body)?;
    let member = app.records.roster_member(sub).await?.ok_or_else(ApiError::not_found)?;
    let now = now_cst();
    let at = format(&now);
    let changed = change_member(staff, &member, &change, app.directory, &at)?;
    match &app.staff_pool {
        Some(pool) => {
            if changed.member.enabled != member.enabled {
                pool.set_enabled(&member.sub, changed.member.enabled).await?;
            }
            if change.reset_mfa == Some(true) {
                pool.reset_mfa(&member.sub).await?;
            }
        }
        None if change.reset_mfa == Some(true) => {
            return Err(ApiError::new(
                409,
                "mfa_elsewhere",
                "身份验证器由省统一身份认证平台管理,请在该平台重置",
            ));
        }
        None => {}
    }
    let scope = changed.member.scope(app.directory);
    let log = LogEntry {
        detail: format!("{} {}", changed.what, member.describe(app.directory)),
        seq: changed.member.version,
        ..LogEntry::by(staff, &scope, "staff", &at)
    };
    match app
        .records
        .save_member(&changed.member, &scope, &log, now.timestamp())
        .await?
    {
        GuardedWrite::Written => Ok(MemberView::of(&changed.member, app.directory)),
        _ => Err(ApiError::new(
            409,
            "stale_version",
            "该人员信息已被他人修改,请刷新后重试",
        )),
    }
}
