//! 人员管理 as supervisors see it: each person with the names of their role, agency and region.

use crate::domain::directory::Directory;
use crate::domain::staff::StaffRole;
use crate::domain::staff::roster::{Member, role_label};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct MemberView {
    pub sub: String,
    pub name: String,
    pub role: StaffRole,
    pub role_name: &'static str,
    pub agency_id: String,
    pub agency_name: String,
    pub region: String,
    pub region_name: String,
    /// The whole number: the supervisor keeps it for the agency's duty SMS.
    pub phone: String,
    pub enabled: bool,
    pub changed_at: String,
    pub changed_by: String,
}

impl MemberView {
    pub fn of(member: &Member, directory: &Directory) -> MemberView {
        MemberView {
            sub: member.sub.clone(),
            name: member.name.clone(),
            role: member.role,
            role_name: role_label(member.role),
            agency_id: member.agency_id.clone(),
            agency_name: directory
                .agency_by_id(&member.agency_id)
                .map(|a| a.name)
                .unwrap_or_default(),
            region: member.region.clone(),
            region_name: directory
                .regions
                .get(&member.region)
                .map(|r| r.name.clone())
                .unwrap_or_default(),
            phone: member.phone.clone(),
            enabled: member.enabled,
            changed_at: member.changed_at.clone(),
            changed_by: member.changed_by.clone(),
        }
    }
}

/// Supervisors first, then by region and name: how a roster reads down the page.
pub fn roster_order(a: &MemberView, b: &MemberView) -> std::cmp::Ordering {
    let rank = |role: StaffRole| match role {
        StaffRole::Province => 0,
        StaffRole::City => 1,
        StaffRole::Handler => 2,
    };
    (rank(a.role), &a.region, &a.agency_id, &a.name).cmp(&(rank(b.role), &b.region, &b.agency_id, &b.name))
}
