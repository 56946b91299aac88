//! 人员管理: the roster of who may sign in to the admin site, and as what. A token proves who
//! someone is; the roster says what they are (role, agency, region) and whether they may still
//! sign in. The same rule holds with Cognito and with a province's own OIDC issuer, whose claims
//! the platform does not control.
//!
//! City supervisors keep their city's handlers and city supervisors; the province supervisor
//! keeps everyone. Nobody disables themselves, so a province cannot lock out its last
//! supervisor by mistake.

use super::{Staff, StaffRole};
use crate::domain::Rejection;
use crate::domain::directory::Directory;
use crate::domain::directory::regions::Level;
use serde::{Deserialize, Serialize};

/// The longest subject a roster takes (Cognito's are 36; an OIDC issuer's may be longer).
const MAX_SUB_CHARS: usize = 128;
const MAX_NAME_CHARS: usize = 20;

/// One person on the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The subject (`sub`) of the person's tokens: Cognito's user id, or the province issuer's.
    pub sub: String,
    pub name: String,
    pub role: StaffRole,
    /// A handler's agency; empty for supervisors.
    #[serde(default)]
    pub agency_id: String,
    /// The agency's region (handler), the city, or the province.
    pub region: String,
    /// A mobile number for the agency's new-report SMS; empty when none.
    #[serde(default)]
    pub phone: String,
    pub enabled: bool,
    /// Bumped by every change; each write is conditional on the version read.
    pub version: u64,
    /// When and by whom it last changed.
    pub changed_at: String,
    pub changed_by: String,
}

/// A person to add, as the site sends it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    /// The subject at an external issuer; with Cognito the pool assigns it and this is empty.
    #[serde(default)]
    pub sub: String,
    pub name: String,
    pub role: String,
    /// A handler's agency.
    #[serde(default)]
    pub agency_id: String,
    /// A supervisor's city or province.
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub phone: String,
}

/// A change to someone on the roster; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberChange {
    pub enabled: Option<bool>,
    pub name: Option<String>,
    pub phone: Option<String>,
    /// Removes the person's authenticator app at the user pool (a lost phone): their next
    /// sign-in registers a new one.
    pub reset_mfa: Option<bool>,
}

impl Member {
    /// The signed-in staff member this entry makes of a token's subject.
    pub fn staff(&self) -> Staff {
        Staff {
            sub: self.sub.clone(),
            name: self.name.clone(),
            role: self.role,
            agency_id: self.agency_id.clone(),
            region: self.region.clone(),
        }
    }

    /// The city (or, for the province's own people, the province) whose roster holds this entry:
    /// what a city supervisor's list reads, and the audit scope of changes to it.
    pub fn scope(&self, directory: &Directory) -> String {
        directory.scope_of(&self.region)
    }

    /// Where the person works: a handler's agency, a supervisor's city or province.
    pub fn place(&self, directory: &Directory) -> String {
        match self.role {
            StaffRole::Handler => directory
                .agency_by_id(&self.agency_id)
                .map(|a| a.name)
                .unwrap_or_else(|| self.agency_id.clone()),
            _ => directory
                .regions
                .get(&self.region)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
        }
    }

    /// `王科员(武昌区教育局 受理人员)`: the entry as the audit trail names it.
    pub fn describe(&self, directory: &Directory) -> String {
        format!("{}({} {})", self.name, self.place(directory), role_label(self.role))
    }
}

pub fn role_label(role: StaffRole) -> &'static str {
    match role {
        StaffRole::Handler => "受理人员",
        StaffRole::City => "市级督导",
        StaffRole::Province => "省级督导",
    }
}

/// Whether `staff` keeps the roster entry of someone with `role` in `region`.
pub fn may_manage(staff: &Staff, role: StaffRole, region: &str, directory: &Directory) -> bool {
    match staff.role {
        StaffRole::Province => directory.regions.get(region).is_some(),
        StaffRole::City => role != StaffRole::Province && staff.covers_region(region, directory),
        StaffRole::Handler => false,
    }
}

fn checked_name(name: &str) -> Result<String, Rejection> {
    // Counted before trimming, as the OpenAPI document's maxLength counts.
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Rejection::invalid("name", format!("姓名不能超过{MAX_NAME_CHARS}个字")));
    }
    let name = name.trim();
    if name.is_empty() {
        return Err(Rejection::invalid("name", "请填写姓名"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(Rejection::invalid("name", format!("姓名不能超过{MAX_NAME_CHARS}个字")));
    }
    Ok(name.to_owned())
}

/// A mainland mobile number, or empty; not trimmed, as the OpenAPI pattern allows no space.
fn checked_phone(phone: &str) -> Result<String, Rejection> {
    let mobile = phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit());
    if !phone.is_empty() && !mobile {
        return Err(Rejection::invalid("phone", "手机号应为11位数字"));
    }
    Ok(phone.to_owned())
}

/// A subject as tokens carry it: no blanks, and no `#` (the roster's keys are joined with it).
pub fn checked_sub(sub: &str) -> Result<String, Rejection> {
    if sub.chars().count() > MAX_SUB_CHARS {
        return Err(Rejection::invalid("sub", "账号标识格式有误"));
    }
    let sub = sub.trim();
    if sub.is_empty() {
        return Err(Rejection::invalid("sub", "请填写账号标识"));
    }
    if sub.chars().count() > MAX_SUB_CHARS || sub.contains('#') || sub.chars().any(char::is_whitespace) {
        return Err(Rejection::invalid("sub", "账号标识格式有误"));
    }
    Ok(sub.to_owned())
}

/// Who `input` adds, checked against the directory and the caller's reach. `sub` is the
/// subject: the input's (external issuer) or the one the user pool assigned.
pub fn new_member(
    staff: &Staff,
    input: &MemberInput,
    sub: &str,
    directory: &Directory,
    at: &str,
) -> Result<Member, Rejection> {
    let role = StaffRole::parse(input.role.trim()).ok_or_else(|| Rejection::invalid("role", "请选择角色"))?;
    let (agency_id, region) = match role {
        StaffRole::Handler => {
            let agency = input.agency_id.trim();
            let placement = directory
                .placement(agency, "")
                .ok_or_else(|| Rejection::invalid("agency_id", "所选机构不存在"))?;
            (agency.to_owned(), placement.region)
        }
        StaffRole::City | StaffRole::Province => {
            let region = input.region.trim();
            let level = if role == StaffRole::City {
                Level::City
            } else {
                Level::Province
            };
            if directory.regions.get(region).map(|r| r.level) != Some(level) {
                let message = if role == StaffRole::City {
                    "请选择地市"
                } else {
                    "请选择本省"
                };
                return Err(Rejection::invalid("region", message));
            }
            (String::new(), region.to_owned())
        }
    };
    if !may_manage(staff, role, &region, directory) {
        return Err(Rejection::Forbidden {
            message: "只能管理本辖区的人员".into(),
        });
    }
    Ok(Member {
        sub: checked_sub(sub)?,
        name: checked_name(&input.name)?,
        role,
        agency_id,
        region,
        phone: checked_phone(&input.phone)?,
        enabled: true,
        version: 1,
        changed_at: at.to_owned(),
        changed_by: staff.name.clone(),
    })
}

/// Who the platform itself puts on the roster (the first province supervisor, the local demo):
/// as `new_member`, without a caller whose reach bounds it.
pub fn enrolled(input: &MemberInput, directory: &Directory, at: &str) -> Result<Member, Rejection> {
    let province = Staff {
        sub: String::new(),
        name: "系统".into(),
        role: StaffRole::Province,
        agency_id: String::new(),
        region: directory.regions.province().code.clone(),
    };
    new_member(&province, input, &input.sub, directory, at)
}

/// What a change does, for the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changed {
    pub member: Member,
    /// `停用` / `启用` / `修改姓名、电话`: what the trail says happened.
    pub what: String,
}

/// Applies `change` to `member` for `staff`; a change that changes nothing is refused, so every
/// entry in the trail is a real change.
pub fn change_member(
    staff: &Staff,
    member: &Member,
    change: &MemberChange,
    directory: &Directory,
    at: &str,
) -> Result<Changed, Rejection> {
    if !may_manage(staff, member.role, &member.region, directory) {
        return Err(Rejection::NotFound);
    }
    let mut next = member.clone();
    let mut what = Vec::new();
    if let Some(enabled) = change.enabled
        && enabled != member.enabled
    {
        if member.sub == staff.sub {
            return Err(Rejection::Conflict {
                code: "own_account",
                message: "不能停用或启用自己的账号".into(),
            });
        }
        next.enabled = enabled;
        what.push(if enabled { "启用" } else { "停用" });
    }
    if let Some(name) = &change.name {
        next.name = checked_name(name)?;
        if next.name != member.name {
            what.push("修改姓名");
        }
    }
    if let Some(phone) = &change.phone {
        next.phone = checked_phone(phone)?;
        if next.phone != member.phone {
            what.push("修改电话");
        }
    }
    if change.reset_mfa == Some(true) {
        what.push("重置身份验证器");
    }
    if what.is_empty() {
        return Err(Rejection::Conflict {
            code: "no_change",
            message: "没有需要保存的修改".into(),
        });
    }
    next.version += 1;
    next.changed_at = at.to_owned();
    next.changed_by = staff.name.clone();
    Ok(Changed {
        member: next,
        what: what.join("、"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::staff::tests::staff;

    const AT: &str = "2026-12-03T10:00:00+08:00";

    fn input(role: &str, agency: &str, region: &str) -> MemberInput {
        MemberInput {
            sub: "u-1".into(),
            name: " 周科员 ".into(),
            role: role.into(),
            agency_id: agency.into(),
            region: region.into(),
            phone: "13900001111".into(),
        }
    }

    #[test]
    fn a_handler_takes_the_region_of_its_agency() {
        let city = staff(StaffRole::City, "", "420100");
        let member = new_member(
            &city,
            &input("handler", "420106-education", ""),
            "u-1",
            Directory::hubei(),
            AT,
        )
        .unwrap();
        assert_eq!((member.region.as_str(), member.name.as_str()), ("420106", "周科员"));
        assert!(member.enabled && member.version == 1);
        assert_eq!(
            member.staff().queue(),
            crate::domain::staff::Queue::Agency("420106-education".into())
        );
        assert_eq!(member.scope(Directory::hubei()), "420100");
        assert_eq!(member.describe(Directory::hubei()), "周科员(武昌区教育局 受理人员)");
    }

    #[test]
    fn each_supervisor_keeps_only_its_reach() {
        let directory = Directory::hubei();
        let city = staff(StaffRole::City, "", "420100");
        let elsewhere = input("handler", "420202-education", "");
        assert!(matches!(
            new_member(&city, &elsewhere, "u-1", directory, AT),
            Err(Rejection::Forbidden { .. })
        ));
        let province_member = input("province", "", "420000");
        assert!(matches!(
            new_member(&city, &province_member, "u-1", directory, AT),
            Err(Rejection::Forbidden { .. })
        ));
        let province = staff(StaffRole::Province, "", "420000");
        assert!(new_member(&province, &elsewhere, "u-1", directory, AT).is_ok());
        assert!(new_member(&province, &province_member, "u-1", directory, AT).is_ok());
        let handler = staff(StaffRole::Handler, "420106-education", "420106");
        assert!(
            new_member(
                &handler,
                &input("handler", "420106-education", ""),
                "u-1",
                directory,
                AT
            )
            .is_err()
        );
    }

    #[test]
    fn bad_input_names_its_field() {
        let directory = Directory::hubei();
        let province = staff(StaffRole::Province, "", "420000");
        let field = |input: MemberInput, sub: &str| match new_member(&province, &input, sub, directory, AT) {
            Err(Rejection::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(input("boss", "", ""), "u"), "role");
        assert_eq!(field(input("handler", "nowhere", ""), "u"), "agency_id");
        assert_eq!(
            field(input("city", "", "420106"), "u"),
            "region",
            "a county is not a city"
        );
        assert_eq!(field(input("handler", "420106-education", ""), "a#b"), "sub");
        assert_eq!(field(input("handler", "420106-education", ""), " "), "sub");
        let mut long = input("handler", "420106-education", "");
        long.name = "名".repeat(21);
        assert_eq!(field(long, "u"), "name");
        let mut phone = input("handler", "420106-education", "");
        phone.phone = "0271234".into();
        assert_eq!(field(phone, "u"), "phone");
    }

    #[test]
    fn changes_are_real_and_never_to_oneself() {
        let directory = Directory::hubei();
        let city = staff(StaffRole::City, "", "420100");
        let member = new_member(&city, &input("handler", "420106-education", ""), "u-1", directory, AT).unwrap();
        let off = MemberChange {
            enabled: Some(false),
            ..Default::default()
        };
        let changed = change_member(&city, &member, &off, directory, AT).unwrap();
        assert_eq!(
            (changed.what.as_str(), changed.member.enabled, changed.member.version),
            ("停用", false, 2)
        );
        assert!(matches!(
            change_member(&city, &changed.member, &off, directory, AT),
            Err(Rejection::Conflict { code: "no_change", .. })
        ));
        let mut me = member.clone();
        me.sub = city.sub.clone();
        assert!(matches!(
            change_member(&city, &me, &off, directory, AT),
            Err(Rejection::Conflict {
                code: "own_account",
                ..
            })
        ));
        let other_city = staff(StaffRole::City, "", "420200");
        assert_eq!(
            change_member(&other_city, &member, &off, directory, AT),
            Err(Rejection::NotFound)
        );
        let both = MemberChange {
            enabled: None,
            name: Some("周科长".into()),
            phone: Some(String::new()),
            reset_mfa: None,
        };
        assert_eq!(
            change_member(&city, &member, &both, directory, AT).unwrap().what,
            "修改姓名、修改电话"
        );
    }
}
