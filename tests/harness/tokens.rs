//! Who calls the API: citizens and staff with tokens this environment's issuer signs, as the
//! identity provider and the staff user pool would. Each new caller is someone else unless a test
//! names them; keep a `Caller` to act as the same person again.

use super::Env;
use local_server::demo_staff::{DemoClaims, put_on_roster};
use local_server::tokens::TokenRequest;
use shared::domain::staff::StaffRole;
use std::ops::Deref;
use std::sync::atomic::Ordering;

/// A signed-in caller: who they are and the bearer token the API takes.
#[derive(Debug, Clone)]
pub struct Caller {
    pub sub: String,
    pub token: String,
    /// A citizen's mobile number, from their claims (unique to the environment, so that SMS to it
    /// can be told apart from other tests' on the shared local AWS); empty for staff.
    pub phone: String,
}

/// A caller stands for its token wherever a request takes one.
impl Deref for Caller {
    type Target = str;

    fn deref(&self) -> &str {
        &self.token
    }
}

impl Env {
    /// A new citizen, someone no other call returned.
    pub fn citizen(&self) -> Caller {
        let sub = format!("citizen-{}", self.next_caller());
        self.citizen_named(&sub)
    }

    /// The citizen `sub`: the same person whenever the same name is asked for.
    pub fn citizen_named(&self, sub: &str) -> Caller {
        let phone = self.phone_of(sub);
        let request = TokenRequest {
            role: Some("citizen".into()),
            sub: Some(sub.into()),
            name: Some(format!("测试{sub}")),
            phone: Some(phone.clone()),
            agency: None,
            region: None,
            staff_role: None,
        };
        Caller {
            sub: sub.to_owned(),
            token: self.sign(&request),
            phone,
        }
    }

    /// A new handler of `agency` (an id of the directory), in the agency's region, on the roster.
    pub async fn handler(&self, agency: &str) -> Caller {
        let region = self
            .app
            .directory
            .placement(agency, "")
            .unwrap_or_else(|| panic!("no agency {agency} in the directory"))
            .region;
        self.staff_member("handler", agency, &region).await
    }

    /// A new city supervisor of `city`.
    pub async fn city_supervisor(&self, city: &str) -> Caller {
        self.staff_member("city", "", city).await
    }

    /// A new province supervisor.
    pub async fn province_supervisor(&self) -> Caller {
        let province = self.app.directory.regions.province().code.clone();
        self.staff_member("province", "", &province).await
    }

    /// A staff token as the user pool issues one, for someone put on the roster as that: `role`
    /// is handler, city or province.
    pub async fn staff_member(&self, role: &str, agency: &str, region: &str) -> Caller {
        let caller = self.staff_token(role, agency, region);
        let claims = serde_json::json!({
            "sub": caller.sub,
            "name": format!("{region}工作人员"),
            "custom:role": role,
            "custom:agency": agency,
            "custom:region": region,
        });
        self.enrol(&claims).await;
        caller
    }

    /// Puts the subject of raw staff claims (`custom:role`, `custom:agency`, `custom:region`) on
    /// the roster, for tests that build API Gateway events by hand.
    pub async fn enrol(&self, claims: &serde_json::Value) {
        let text = |name: &str| claims[name].as_str().unwrap_or_default().to_owned();
        let role = text("custom:role");
        let caller = DemoClaims {
            sub: text("sub"),
            name: text("name"),
            agency: text("custom:agency"),
            region: text("custom:region"),
            staff_role: StaffRole::parse(&role).unwrap_or(StaffRole::Handler).code(),
        };
        Box::pin(put_on_roster(&self.app.records, self.app.directory, &caller))
            .await
            .expect("roster");
    }

    /// Puts the staff of the sample events (`events/staff-action/`, `events/export/`) on the
    /// roster.
    pub async fn enrol_sample_staff(&self) {
        let root = super::repo_root();
        let mut seen = std::collections::BTreeSet::new();
        let entries = ["events/staff-action", "events/export"]
            .into_iter()
            .flat_map(|folder| std::fs::read_dir(root.join(folder)).expect("events"));
        for entry in entries {
            let text = std::fs::read_to_string(entry.expect("event").path()).expect("event");
            let event: serde_json::Value = serde_json::from_str(&text).expect("event json");
            let claims = &event["requestContext"]["authorizer"]["jwt"]["claims"];
            if seen.insert(claims["sub"].to_string()) {
                self.enrol(claims).await;
            }
        }
    }

    /// A staff token for someone the roster does not know (yet).
    pub fn staff_token(&self, role: &str, agency: &str, region: &str) -> Caller {
        let sub = format!("staff-{role}-{}", self.next_caller());
        let request = TokenRequest {
            role: Some("staff".into()),
            sub: Some(sub.clone()),
            name: Some(format!("{region}工作人员")),
            phone: None,
            agency: Some(agency.into()),
            region: Some(region.into()),
            staff_role: Some(role.into()),
        };
        Caller {
            sub,
            token: self.sign(&request),
            phone: String::new(),
        }
    }

    /// A staff token for `sub` whose claims say whatever the caller likes (role, agency, region),
    /// as a province's own issuer could send: the roster, not these, decides.
    pub fn claiming(&self, sub: &str, role: &str, agency: &str, region: &str) -> Caller {
        let request = TokenRequest {
            role: Some("staff".into()),
            sub: Some(sub.into()),
            name: Some("自称督导".into()),
            phone: None,
            agency: Some(agency.into()),
            region: Some(region.into()),
            staff_role: Some(role.into()),
        };
        Caller {
            sub: sub.into(),
            token: self.sign(&request),
            phone: String::new(),
        }
    }

    /// The mobile number of citizen `sub` in this environment.
    pub fn phone_of(&self, sub: &str) -> String {
        let mut hash: u64 = self.phone_seed;
        for b in sub.bytes() {
            hash = hash.wrapping_mul(31).wrapping_add(u64::from(b));
        }
        format!("139{:08}", hash % 100_000_000)
    }

    fn next_caller(&self) -> u64 {
        self.callers.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn sign(&self, request: &TokenRequest) -> String {
        self.issuer
            .issue(request, chrono::Utc::now().timestamp())
            .expect("token")
            .0
    }
}
