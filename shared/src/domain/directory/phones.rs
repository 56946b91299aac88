//! 机构与电话: an agency's duty phones (who gets the new-report SMS; private) and its public
//! complaint phone (举报电话), as supervisors keep them in the admin site. An entry here overrides
//! the province folder's agency file, which seeds them; without one, the file's phones stand.

use crate::domain::Rejection;
use serde::{Deserialize, Serialize};

/// At most this many duty phones per agency: a duty roster, not a mailing list.
pub const MAX_DUTY_PHONES: usize = 5;

/// An agency's phones as a supervisor last saved them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyPhones {
    pub agency_id: String,
    /// Mainland mobiles, in order.
    pub duty: Vec<String>,
    /// The published complaint phone; empty for none.
    #[serde(default)]
    pub public_phone: String,
    /// Bumped by every change; each write is conditional on the version read (0: none yet).
    pub version: u64,
    pub changed_at: String,
    pub changed_by: String,
}

/// The phones as the site sends them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhonesInput {
    pub duty: Vec<String>,
    #[serde(default)]
    pub public_phone: String,
}

fn is_mobile(phone: &str) -> bool {
    phone.len() == 11 && phone.starts_with('1') && phone.bytes().all(|b| b.is_ascii_digit())
}

/// A landline with its area code (`027-87654321`), a mobile, or a short service number (`12345`):
/// digits and dashes, 5 to 20 characters, starting with a digit (the OpenAPI pattern).
fn is_public_phone(phone: &str) -> bool {
    (5..=20).contains(&phone.len())
        && phone.starts_with(|c: char| c.is_ascii_digit())
        && phone.bytes().all(|b| b.is_ascii_digit() || b == b'-')
}

/// The checked phones: at most five duty phones, each a mobile, kept once each. Nothing is
/// trimmed: a phone with a space is refused, as the OpenAPI pattern says.
pub fn checked(input: &PhonesInput) -> Result<(Vec<String>, String), Rejection> {
    if input.duty.len() > MAX_DUTY_PHONES {
        return Err(Rejection::invalid("duty", format!("值班手机号最多{MAX_DUTY_PHONES}个")));
    }
    let mut duty: Vec<String> = Vec::new();
    for (i, phone) in input.duty.iter().enumerate() {
        let phone = phone.as_str();
        if !is_mobile(phone) {
            return Err(Rejection::invalid(format!("duty[{i}]"), "值班手机号应为11位手机号"));
        }
        if !duty.iter().any(|d| d == phone) {
            duty.push(phone.to_owned());
        }
    }
    let public_phone = input.public_phone.as_str();
    if !public_phone.is_empty() && !is_public_phone(public_phone) {
        return Err(Rejection::invalid("public_phone", "举报电话格式有误,例如 027-87654321"));
    }
    Ok((duty, public_phone.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(duty: &[&str], public_phone: &str) -> PhonesInput {
        PhonesInput {
            duty: duty.iter().map(|d| (*d).to_owned()).collect(),
            public_phone: public_phone.into(),
        }
    }

    #[test]
    fn duty_phones_are_mobiles_once_each_and_few() {
        let (duty, public) = checked(&input(&["13900001111", "13900001111", "13900002222"], "027-87654321")).unwrap();
        assert_eq!(
            (duty, public.as_str()),
            (vec!["13900001111".to_owned(), "13900002222".to_owned()], "027-87654321")
        );
        assert!(checked(&input(&[], "12345")).is_ok(), "no duty phone: no SMS, a choice");
        let field = |i: PhonesInput| match checked(&i) {
            Err(Rejection::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(field(input(&["13900001111", "027-1234"], "")), "duty[1]");
        assert_eq!(
            field(input(
                &[
                    "13900000001",
                    "13900000002",
                    "13900000003",
                    "13900000004",
                    "13900000005",
                    "13900000006"
                ],
                ""
            )),
            "duty"
        );
        assert_eq!(field(input(&[], "电话")), "public_phone");
        assert_eq!(field(input(&[], "-123456")), "public_phone");
        assert_eq!(
            field(input(&[" 13900001111"], "")),
            "duty[0]",
            "no phone is trimmed into shape"
        );
    }
}
