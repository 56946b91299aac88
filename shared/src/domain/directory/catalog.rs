//! Categories, departments, violation types, statuses, rating levels, SMS texts and the report
//! notice: the facts of `data/catalog.json` and `data/notice.json`, compiled into the binary, or
//! a province's own (`Catalog::install`, from its folder: docs/province.md).

use crate::domain::digest::hex;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Named {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Category {
    pub code: String,
    pub name: String,
    /// The department whose agency handles this category (教育, 科技, 文化, 体育).
    pub department: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Department {
    pub code: String,
    /// Appended to a region's name to form the default agency name (武昌区 + 教育局).
    pub default_name_suffix: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Notice {
    /// Which text a citizen agreed to: the first 12 hex digits of the SHA-256 of the notice and
    /// the reportable types, so any change to what is shown gives a new version.
    #[serde(default)]
    pub version: String,
    pub title: String,
    pub text: String,
    pub reportable_types_title: String,
    pub agree_label: String,
}

/// Who runs the platform and where citizens sign in: the words the H5 shows in place of any one
/// province's name.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    /// The agency that issues the notice and runs the platform (湖北省教育厅).
    pub issuer: String,
    /// The host app citizens come from (鄂汇办).
    pub host_app: String,
    /// Whose accounts sign citizens in (湖北省统一身份认证平台).
    pub identity_provider: String,
    /// The city the board opens on when nothing else is known (the province capital).
    pub capital: String,
}

/// What a measure records besides itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureDetail {
    #[default]
    None,
    /// An amount in yuan (责令退费, 罚款).
    Amount,
    /// To whom (移送).
    To,
}

/// A measure the province records with replies (处理措施).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasureKind {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub detail: MeasureDetail,
}

/// What a reply may record beyond its finding and text.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ReplyRules {
    /// Whether 无法核实 is a finding here.
    #[serde(default)]
    pub unverifiable: bool,
    #[serde(default)]
    pub measures: Vec<MeasureKind>,
}

/// What the catalog says of questions to the reporter (补充材料): how long one may stay open and the ready-made ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRules {
    /// Working days a question may pause the reply deadline.
    #[serde(default = "default_limit")]
    pub limit_days: u32,
    /// Questions a handler picks instead of writing one.
    #[serde(default)]
    pub templates: Vec<String>,
}

fn default_limit() -> u32 {
    5
}

impl Default for QuestionRules {
    fn default() -> QuestionRules {
        QuestionRules {
            limit_days: default_limit(),
            templates: Vec::new(),
        }
    }
}

#[derive(Debug, Deserialize)]
struct Rating {
    level_names_inferred: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct Sms {
    to_reporter_on_reply_verbatim: String,
    to_agency_on_new_report: String,
    /// The 受理 text to the reporter when an agency signs for the report, with `{serial}` and
    /// `{reply_by}`; absent, none is sent (Hubei's manual names only the reply's).
    #[serde(default)]
    to_reporter_on_accept: Option<String>,
    /// The text to the reporter when an agency asks for more (补充材料), with `{serial}`.
    to_reporter_on_question: String,
}

#[derive(Debug, Deserialize)]
struct CatalogFile {
    statuses: Vec<Named>,
    categories: Vec<Category>,
    departments: Vec<Department>,
    violation_types: Vec<Named>,
    rating: Rating,
    sms: Sms,
    site: Site,
    #[serde(default)]
    reply: ReplyRules,
    #[serde(default)]
    questions: QuestionRules,
    #[serde(default)]
    limits: Limits,
}

/// Every fixed list the platform knows, by code.
#[derive(Debug)]
pub struct Catalog {
    pub statuses: Vec<Named>,
    pub categories: Vec<Category>,
    pub departments: Vec<Department>,
    pub violation_types: Vec<Named>,
    /// Names of rating levels, index 0 = 5 stars (非常满意) … index 4 = 1 star.
    pub rating_levels: Vec<String>,
    pub notice: Notice,
    pub sms_to_reporter: String,
    pub sms_to_agency: String,
    /// The 受理 text, if the province sends one.
    pub sms_on_accept: Option<String>,
    /// The 补充材料 text.
    pub sms_on_question: String,
    pub site: Site,
    pub reply: ReplyRules,
    /// How long a question to the reporter may pause the clock, and the ready-made ones.
    pub questions: QuestionRules,
    /// The agencies' SMS window and daily ceiling, the hand-ons per report.
    pub limits: Limits,
}

/// What bounds the agencies' SMS and the hand-ons of one report, so that no account can make the
/// platform text an agency over and over (issue 32).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// A report texts an agency it arrives at at most once in this many hours, however often it
    /// is handed back and forth.
    pub agency_sms_window_hours: u32,
    /// An agency's new-report SMS are sent for at most this many arrivals a day (China time);
    /// past it they are recorded unsent and `SmsCeilingReached` counts them (an alarm).
    pub agency_sms_per_day: u32,
    /// A handler may hand a report on this many times; past it only a city or province
    /// supervisor may (lifting the cap for that report, case by case).
    pub transfers_per_report: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            agency_sms_window_hours: 24,
            agency_sms_per_day: 300,
            transfers_per_report: 5,
        }
    }
}

impl Limits {
    fn checked(self) -> Result<Limits, String> {
        if !(1..=168).contains(&self.agency_sms_window_hours) {
            return Err("limits.agency_sms_window_hours must be 1 to 168".into());
        }
        if !(1..=100_000).contains(&self.agency_sms_per_day) {
            return Err("limits.agency_sms_per_day must be 1 to 100000".into());
        }
        if !(1..=50).contains(&self.transfers_per_report) {
            return Err("limits.transfers_per_report must be 1 to 50".into());
        }
        Ok(self)
    }
}

/// The longest a question to the reporter may pause the reply deadline, in working days.
const MAX_QUESTION_DAYS: u32 = 20;

/// The deployment's catalog: a province's, once installed at start, else the embedded one.
static CATALOG: OnceLock<Catalog> = OnceLock::new();

const EMBEDDED_CATALOG: &str = include_str!("../../../data/catalog.json");
const EMBEDDED_NOTICE: &str = include_str!("../../../data/notice.json");

impl Catalog {
    /// The deployment's catalog, parsed once.
    pub fn get() -> &'static Catalog {
        CATALOG.get_or_init(|| {
            Catalog::parse(EMBEDDED_CATALOG, EMBEDDED_NOTICE)
                .unwrap_or_else(|e| panic!("the embedded catalog is invalid: {e}"))
        })
    }

    /// Makes a province's catalog and notice (either may be `None`: the embedded one) the
    /// deployment's. Done at start, before anything reads the catalog; a second, different
    /// catalog is an error (a process serves one province).
    pub fn install(catalog: Option<&str>, notice: Option<&str>) -> Result<&'static Catalog, String> {
        let parsed = Catalog::parse(catalog.unwrap_or(EMBEDDED_CATALOG), notice.unwrap_or(EMBEDDED_NOTICE))
            .map_err(|e| e.to_string())?;
        let check = (
            parsed.notice.version.clone(),
            parsed.sms_to_agency.clone(),
            parsed.sms_to_reporter.clone(),
        );
        let installed = CATALOG.get_or_init(|| parsed);
        if (
            installed.notice.version.as_str(),
            installed.sms_to_agency.as_str(),
            installed.sms_to_reporter.as_str(),
        ) != (check.0.as_str(), check.1.as_str(), check.2.as_str())
        {
            return Err("another catalog is already in use in this process".into());
        }
        Ok(installed)
    }

    fn parse(catalog: &str, notice: &str) -> Result<Catalog, serde_json::Error> {
        let file: CatalogFile = serde_json::from_str(catalog)?;
        if !(1..=MAX_QUESTION_DAYS).contains(&file.questions.limit_days) {
            return Err(serde::de::Error::custom(format!(
                "questions.limit_days must be 1 to {MAX_QUESTION_DAYS} working days"
            )));
        }
        let limits = file.limits.checked().map_err(serde::de::Error::custom)?;
        let mut notice: Notice = serde_json::from_str(notice)?;
        notice.version = notice_version(&notice, &file.violation_types);
        Ok(Catalog {
            statuses: file.statuses,
            categories: file.categories,
            departments: file.departments,
            violation_types: file.violation_types,
            rating_levels: file.rating.level_names_inferred,
            notice,
            sms_to_reporter: file.sms.to_reporter_on_reply_verbatim,
            sms_to_agency: file.sms.to_agency_on_new_report,
            sms_on_accept: file.sms.to_reporter_on_accept,
            sms_on_question: file.sms.to_reporter_on_question,
            site: file.site,
            reply: file.reply,
            questions: file.questions,
            limits,
        })
    }

    pub fn category(&self, code: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.code == code)
    }

    pub fn department(&self, code: &str) -> Option<&Department> {
        self.departments.iter().find(|d| d.code == code)
    }

    /// A measure the province records, by code.
    pub fn measure(&self, code: &str) -> Option<&MeasureKind> {
        self.reply.measures.iter().find(|m| m.code == code)
    }

    pub fn violation_type(&self, code: &str) -> Option<&Named> {
        self.violation_types.iter().find(|v| v.code == code)
    }

    /// The Chinese name of a rating of `stars` (1–5).
    pub fn rating_level(&self, stars: u8) -> Option<&str> {
        let index = 5usize.checked_sub(usize::from(stars))?;
        self.rating_levels.get(index).map(String::as_str)
    }
}

fn notice_version(notice: &Notice, reportable: &[Named]) -> String {
    let mut hash = Sha256::new();
    for text in [
        &notice.title,
        &notice.text,
        &notice.reportable_types_title,
        &notice.agree_label,
    ] {
        hash.update(text.as_bytes());
        hash.update([0]);
    }
    for named in reportable {
        hash.update(named.name.as_bytes());
        hash.update([0]);
    }
    hex(&hash.finalize()[..6])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_version_follows_its_text() {
        let catalog = Catalog::get();
        assert_eq!(catalog.notice.version.len(), 12);
        let mut changed = catalog.notice.clone();
        changed.text.push('。');
        assert_ne!(
            notice_version(&changed, &catalog.violation_types),
            catalog.notice.version
        );
        assert_eq!(
            notice_version(&catalog.notice, &catalog.violation_types),
            catalog.notice.version
        );
    }

    #[test]
    fn embedded_catalog_has_the_four_categories_and_their_departments() {
        let catalog = Catalog::get();
        let pairs: Vec<_> = catalog
            .categories
            .iter()
            .map(|c| (c.code.as_str(), c.department.as_str()))
            .collect();
        assert_eq!(
            pairs,
            [
                ("academic", "education"),
                ("technology", "science"),
                ("arts", "culture"),
                ("sports", "sports")
            ]
        );
        for category in &catalog.categories {
            assert!(catalog.department(&category.department).is_some(), "{}", category.code);
        }
    }

    #[test]
    fn statuses_are_the_three_of_the_manual() {
        let names: Vec<_> = Catalog::get().statuses.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["待受理", "处理中", "已回复"]);
    }

    #[test]
    fn rating_levels_run_from_five_stars_down() {
        let catalog = Catalog::get();
        assert_eq!(catalog.rating_level(5), Some("非常满意"));
        assert_eq!(catalog.rating_level(1), Some("非常不满意"));
        assert_eq!(catalog.rating_level(0), None);
        assert_eq!(catalog.rating_level(6), None);
    }

    #[test]
    fn sms_templates_carry_the_serial_placeholder() {
        let catalog = Catalog::get();
        assert!(catalog.sms_to_reporter.contains("{serial}"));
        assert!(catalog.sms_to_agency.contains("{serial}"));
    }
}
