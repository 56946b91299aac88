//! An institution as the registry holds it: its names, credit code, licence, county, kind and
//! state on the national supervision platform, its stable id, and what a report keeps of it.

use crate::domain::digest::sha256_hex;
use crate::domain::text::normalise;
use serde::{Deserialize, Serialize};

/// 学科类 / 非学科类 / 未知: a non-subject institution teaching school subjects is illegal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Subject,
    NonSubject,
    Unknown,
}

/// 正常 / 停办 / 注销.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    Normal,
    Suspended,
    Cancelled,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Subject => "学科类",
            Kind::NonSubject => "非学科类",
            Kind::Unknown => "未知",
        }
    }

    pub(super) fn parse(text: &str) -> Option<Kind> {
        match text {
            "学科类" | "学科" | "subject" => Some(Kind::Subject),
            "非学科类" | "非学科" | "non_subject" => Some(Kind::NonSubject),
            "未知" | "" | "unknown" => Some(Kind::Unknown),
            _ => None,
        }
    }
}

impl State {
    pub fn name(self) -> &'static str {
        match self {
            State::Normal => "正常",
            State::Suspended => "停办",
            State::Cancelled => "注销",
        }
    }

    pub(super) fn parse(text: &str) -> Option<State> {
        match text {
            "正常" | "" | "normal" => Some(State::Normal),
            "停办" | "suspended" => Some(State::Suspended),
            "注销" | "cancelled" => Some(State::Cancelled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Institution {
    /// Stable across re-imports: from the credit code when there is one, else from the county and
    /// the normalised name, so that importing the same file again updates in place.
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    /// 统一社会信用代码 (GB 32100-2015), checked.
    pub credit_code: Option<String>,
    /// 办学许可证号, as issued (no common format).
    pub licence: Option<String>,
    pub county: String,
    pub address: String,
    pub kind: Kind,
    /// Registered on the national supervision platform.
    pub on_platform: bool,
    pub state: State,
    /// `search_keys` of the name and aliases.
    #[serde(default)]
    pub search: Vec<String>,
}

/// What a report keeps of the institution it is linked to; the registry holds the rest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstitutionRef {
    pub id: String,
    pub name: String,
    /// The registry partition it is in (a report handed on to another county keeps the link).
    pub county: String,
}

impl Institution {
    pub fn reference(&self) -> InstitutionRef {
        InstitutionRef {
            id: self.id.clone(),
            name: self.name.clone(),
            county: self.county.clone(),
        }
    }
}

/// An institution id as `institution_id` makes them: letters and digits, at most 40.
pub fn is_id(text: &str) -> bool {
    (1..=40).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The registry's record as staff see it, with the names of its kind and state.
#[derive(Debug, Clone, Serialize)]
pub struct InstitutionView {
    pub id: String,
    pub name: String,
    pub aliases: Vec<String>,
    pub credit_code: Option<String>,
    pub licence: Option<String>,
    pub county: String,
    pub address: String,
    pub kind: Kind,
    pub kind_name: &'static str,
    pub on_platform: bool,
    pub state: State,
    pub state_name: &'static str,
}

impl From<&Institution> for InstitutionView {
    fn from(i: &Institution) -> InstitutionView {
        InstitutionView {
            id: i.id.clone(),
            name: i.name.clone(),
            aliases: i.aliases.clone(),
            credit_code: i.credit_code.clone(),
            licence: i.licence.clone(),
            county: i.county.clone(),
            address: i.address.clone(),
            kind: i.kind,
            kind_name: i.kind.name(),
            on_platform: i.on_platform,
            state: i.state,
            state_name: i.state.name(),
        }
    }
}

/// The characters of a unified social credit code, each worth its index (no I, O, S, V, Z).
const CREDIT_CODE_CHARS: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const CREDIT_CODE_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// A unified social credit code: 18 characters of its alphabet whose last is the check
/// character of the first 17 (GB 32100-2015, 5.2).
pub fn valid_credit_code(code: &str) -> bool {
    let values: Option<Vec<u32>> = code
        .chars()
        .map(|c| CREDIT_CODE_CHARS.find(c).and_then(|i| u32::try_from(i).ok()))
        .collect();
    let Some(values) = values else { return false };
    if values.len() != 18 {
        return false;
    }
    let sum: u32 = values.iter().zip(CREDIT_CODE_WEIGHTS).map(|(v, w)| v * w).sum();
    (31 - sum % 31) % 31 == values[17]
}

/// The registry's id of an institution: its credit code, or a digest of its county and its
/// normalised name.
pub fn institution_id(county: &str, name: &str, credit_code: Option<&str>) -> String {
    match credit_code {
        Some(code) => code.to_owned(),
        None => {
            format!("N{county}{}", sha256_hex(format!("{county}#{}", normalise(name)), 8))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_credit_code_is_checked_by_its_last_character() {
        assert!(valid_credit_code("91350100M000100Y43"), "the standard's example");
        assert!(!valid_credit_code("91350100M000100Y44"));
        assert!(!valid_credit_code("91350100M000100Y4"), "17 characters");
        assert!(!valid_credit_code("91350100M000100I43"), "I is not in the alphabet");
    }

    #[test]
    fn the_same_row_imported_twice_has_the_same_id() {
        assert_eq!(
            institution_id("420106", "某某 学堂", None),
            institution_id("420106", "某某学堂", None)
        );
        assert_ne!(
            institution_id("420106", "某某学堂", None),
            institution_id("420111", "某某学堂", None)
        );
    }

    #[test]
    fn an_id_is_letters_and_digits_up_to_forty() {
        assert!(is_id("91350100M000100Y43") && is_id("N420106ab12cd34ef56ab78"));
        assert!(!is_id("") && !is_id("x#1") && !is_id(&"A".repeat(41)));
    }
}
