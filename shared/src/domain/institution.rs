//! The institution registry (issue 16): the training institutions a province knows, what the
//! national supervision platform (全国校外教育培训监管与服务综合平台) says of each, and how a
//! registry CSV, as a clerk saves it from Excel, becomes them: every row checked, every error
//! named by line and column, nothing taken from a file with any error.

use super::digest::sha256_hex;
use super::regions::Regions;
use super::repeat::normalise;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

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

    fn parse(text: &str) -> Option<Kind> {
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

    fn parse(text: &str) -> Option<State> {
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

/// A suggestion for the citizen typing a target: a name, and the id that links the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suggestion {
    pub id: String,
    pub name: String,
    /// What a suggestion is ranked by (`search_keys`), read with it and never answered.
    #[serde(default, skip_serializing)]
    pub search: Vec<String>,
}

/// Suggestions answered at most.
pub const MAX_SUGGESTIONS: usize = 10;
/// The longest query text taken.
pub const MAX_QUERY_CHARS: usize = 50;

impl Institution {
    pub fn reference(&self) -> InstitutionRef {
        InstitutionRef {
            id: self.id.clone(),
            name: self.name.clone(),
            county: self.county.clone(),
        }
    }
}

/// The normalised name, then each normalised alias: what suggestions match, computed once when
/// an institution is read from a file rather than for every query.
pub fn search_keys(name: &str, aliases: &[String]) -> Vec<String> {
    std::iter::once(name)
        .chain(aliases.iter().map(String::as_str))
        .map(normalise)
        .collect()
}

/// Whether `query` (normalised) names an institution with these `search_keys`, and how well: a
/// prefix of its name first, then of an alias, then a part of either.
pub fn rank(search: &[String], query: &str) -> Option<u8> {
    if query.is_empty() {
        return None;
    }
    let (name, aliases) = search.split_first()?;
    if name.starts_with(query) {
        Some(0)
    } else if aliases.iter().any(|a| a.starts_with(query)) {
        Some(1)
    } else if search.iter().any(|k| k.contains(query)) {
        Some(2)
    } else {
        None
    }
}

/// The best `MAX_SUGGESTIONS` for `query` (as typed): by rank, then the shorter name, then name.
/// Only the chosen few are copied.
pub fn suggest<'a>(candidates: impl IntoIterator<Item = &'a Suggestion>, query: &str) -> Vec<Suggestion> {
    let query = normalise(query);
    let mut found: Vec<(u8, &Suggestion)> = candidates
        .into_iter()
        .filter_map(|s| rank(&s.search, &query).map(|r| (r, s)))
        .collect();
    found.sort_by(|(ra, a), (rb, b)| (ra, a.name.chars().count(), &a.name).cmp(&(rb, b.name.chars().count(), &b.name)));
    found
        .into_iter()
        .take(MAX_SUGGESTIONS)
        .map(|(_, s)| Suggestion {
            id: s.id.clone(),
            name: s.name.clone(),
            search: Vec::new(),
        })
        .collect()
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

/// One problem of one row, for the per-row error list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The file's line, counting the header as line 1.
    pub line: usize,
    pub column: &'static str,
    pub message: String,
}

/// The registry file's columns, by their Chinese header (an English one is read too).
const COLUMNS: [(&str, &str); 9] = [
    ("机构名称", "name"),
    ("别名", "aliases"),
    ("统一社会信用代码", "credit_code"),
    ("办学许可证号", "licence"),
    ("区县", "county"),
    ("地址", "address"),
    ("类型", "kind"),
    ("是否在全国监管平台", "on_platform"),
    ("状态", "state"),
];

/// The text of a registry file as Excel or WPS saves it: UTF-8 (with or without a BOM) or GBK
/// ("CSV (逗号分隔)" on a Chinese Windows).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GBK.decode(bytes).0.into_owned(),
    }
}

/// Reads a registry file for the province of `regions`: every institution, or every row's
/// errors (then nothing is to be imported). A name repeated within one county is an error.
pub fn parse_csv(text: &str, regions: &Regions) -> Result<Vec<Institution>, Vec<RowError>> {
    parse_csv_within(text, regions, &|_| true)
}

/// `parse_csv` for someone who may import only counties `within` accepts (a city supervisor:
/// their city's); a row of another county is an error of that row.
pub fn parse_csv_within(
    text: &str,
    regions: &Regions,
    within: &dyn Fn(&str) -> bool,
) -> Result<Vec<Institution>, Vec<RowError>> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_owned()).collect(),
        Err(e) => {
            return Err(vec![RowError {
                line: 1,
                column: "",
                message: format!("无法读取表头：{e}"),
            }]);
        }
    };
    let position = |(chinese, english): (&str, &str)| header.iter().position(|h| h == chinese || h == english);
    let columns: Vec<Option<usize>> = COLUMNS.iter().map(|c| position(*c)).collect();
    for ((chinese, _), index) in COLUMNS.iter().zip(&columns) {
        if index.is_none() && matches!(*chinese, "机构名称" | "区县") {
            errors.push(RowError {
                line: 1,
                column: chinese,
                message: format!("缺少“{chinese}”列"),
            });
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let counties = county_names(regions);
    let mut institutions: Vec<Institution> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (n, record) in reader.records().enumerate() {
        // The file's own line (the reader skips blank lines; a quoted cell may span lines).
        let position = match &record {
            Ok(r) => r.position(),
            Err(e) => e.position(),
        };
        let line = position
            .and_then(|p| usize::try_from(p.byte()).ok())
            .map_or(n + 2, |byte| line_at(text.as_bytes(), byte));
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(RowError {
                    line,
                    column: "",
                    message: format!("无法读取该行：{e}"),
                });
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let cell = |i: usize| {
            columns[i]
                .and_then(|c| record.get(c))
                .map(str::trim)
                .unwrap_or_default()
        };
        let row = Row {
            line,
            cells: std::array::from_fn(cell),
        };
        match row.institution(regions, &counties, within) {
            Ok(institution) => {
                if let Some(first) = seen.insert(institution.id.clone(), line) {
                    errors.push(RowError {
                        line,
                        column: "机构名称",
                        message: format!("与第{first}行是同一机构"),
                    });
                } else {
                    institutions.push(institution);
                }
            }
            Err(mut row_errors) => errors.append(&mut row_errors),
        }
    }
    if errors.is_empty() {
        Ok(institutions)
    } else {
        Err(errors)
    }
}

/// The line of the record the reader says starts at `byte`: counted from the bytes, because the
/// reader's own count leaves out blank lines, and its offset points before the blank lines that
/// precede the record.
fn line_at(text: &[u8], byte: usize) -> usize {
    let (before, after) = text.split_at(byte.min(text.len()));
    let newlines = |bytes: &mut dyn Iterator<Item = &u8>| bytes.filter(|b| **b == b'\n').count();
    let blank = newlines(&mut after.iter().take_while(|b| matches!(b, b'\n' | b'\r')));
    newlines(&mut before.iter()) + blank + 1
}

/// County names of the province, each to its code; a name two counties share maps to none.
fn county_names(regions: &Regions) -> HashMap<String, Option<String>> {
    let mut names: HashMap<String, Option<String>> = HashMap::new();
    for city in regions.cities() {
        for county in regions.counties_of(city) {
            names
                .entry(county.name.clone())
                .and_modify(|code| *code = None)
                .or_insert_with(|| Some(county.code.clone()));
        }
    }
    names
}

struct Row<'a> {
    line: usize,
    cells: [&'a str; 9],
}

impl Row<'_> {
    fn error(&self, column: usize, message: String) -> RowError {
        RowError {
            line: self.line,
            column: COLUMNS[column].0,
            message,
        }
    }

    fn institution(
        &self,
        regions: &Regions,
        counties: &HashMap<String, Option<String>>,
        within: &dyn Fn(&str) -> bool,
    ) -> Result<Institution, Vec<RowError>> {
        let [
            name,
            aliases,
            credit_code,
            licence,
            county,
            address,
            kind,
            on_platform,
            state,
        ] = self.cells;
        let mut errors = Vec::new();
        if name.is_empty() {
            errors.push(self.error(0, "机构名称不能为空".into()));
        } else if name.chars().count() > 100 {
            errors.push(self.error(0, "机构名称不能超过100个字".into()));
        }
        let credit_code = credit_code.to_uppercase();
        if !credit_code.is_empty() && !valid_credit_code(&credit_code) {
            errors.push(self.error(2, format!("“{credit_code}”不是有效的统一社会信用代码")));
        }
        let county_code = if Regions::is_code(county) {
            regions.is_county(county).then(|| county.to_owned())
        } else {
            counties.get(county).cloned().flatten()
        };
        let county_code = match county_code {
            Some(code) => code,
            None => {
                let message = match counties.get(county) {
                    Some(None) => format!("“{county}”有重名区县，请填写6位区县代码"),
                    _ if county.is_empty() => "区县不能为空".into(),
                    _ => format!("“{county}”不是本省的区县"),
                };
                errors.push(self.error(4, message));
                String::new()
            }
        };
        if !county_code.is_empty() && !within(&county_code) {
            errors.push(self.error(4, format!("“{county}”不在您的管辖范围内")));
        }
        let kind = Kind::parse(kind).unwrap_or_else(|| {
            errors.push(self.error(6, format!("类型应为学科类、非学科类或未知，而不是“{kind}”")));
            Kind::Unknown
        });
        let on_platform = match on_platform {
            "是" | "yes" | "true" | "1" => true,
            "否" | "no" | "false" | "0" | "" => false,
            other => {
                errors.push(self.error(7, format!("应为是或否，而不是“{other}”")));
                false
            }
        };
        let state = State::parse(state).unwrap_or_else(|| {
            errors.push(self.error(8, format!("状态应为正常、停办或注销，而不是“{state}”")));
            State::Normal
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        let aliases: Vec<String> = aliases
            .split(['、', ';', '；', '|'])
            .map(str::trim)
            .filter(|a| !a.is_empty() && *a != name)
            .map(str::to_owned)
            .collect();
        let credit_code = (!credit_code.is_empty()).then_some(credit_code);
        let search = search_keys(name, &aliases);
        Ok(Institution {
            id: institution_id(&county_code, name, credit_code.as_deref()),
            name: name.to_owned(),
            aliases,
            credit_code,
            licence: (!licence.is_empty()).then(|| licence.to_owned()),
            county: county_code,
            address: address.to_owned(),
            kind,
            on_platform,
            state,
            search,
        })
    }
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

    fn hubei() -> Regions {
        Regions::from_csv(include_str!("../../data/hubei-regions.csv")).unwrap()
    }

    const HEADER: &str = "机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n";

    #[test]
    fn a_credit_code_is_checked_by_its_last_character() {
        assert!(valid_credit_code("91350100M000100Y43"), "the standard's example");
        assert!(!valid_credit_code("91350100M000100Y44"));
        assert!(!valid_credit_code("91350100M000100Y4"), "17 characters");
        assert!(!valid_credit_code("91350100M000100I43"), "I is not in the alphabet");
    }

    #[test]
    fn a_clean_file_gives_every_institution() {
        let text = format!(
            "{HEADER}某某学堂,学堂;某某教育,91350100M000100Y43,教民123,武昌区,中南路1号,学科类,是,正常\n\
             星星艺术中心,,,,420111,珞喻路2号,非学科类,否,停办\n"
        );
        let list = parse_csv(&text, &hubei()).unwrap();
        assert_eq!(list.len(), 2);
        assert_eq!(list[0].county, "420106");
        assert_eq!(list[0].aliases, ["学堂", "某某教育"]);
        assert_eq!(list[0].id, "91350100M000100Y43");
        assert!(list[0].on_platform);
        assert_eq!((list[1].kind, list[1].state), (Kind::NonSubject, State::Suspended));
        assert!(list[1].id.starts_with("N420111"));
    }

    #[test]
    fn every_bad_row_is_named_and_nothing_is_taken() {
        let text = format!(
            "{HEADER}好机构,,,,武昌区,,学科类,是,正常\n\
             ,,91350100M000100Y44,,不存在区,,培训类,也许,关门\n\
             好机构,,,,420106,,,,\n"
        );
        let errors = parse_csv(&text, &hubei()).unwrap_err();
        let at: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            at,
            [
                (3, "机构名称"),
                (3, "统一社会信用代码"),
                (3, "区县"),
                (3, "类型"),
                (3, "是否在全国监管平台"),
                (3, "状态"),
                (4, "机构名称")
            ]
        );
        assert!(errors[6].message.contains("第2行"), "{errors:?}");
    }

    #[test]
    fn a_row_outside_the_importers_reach_is_an_error_of_that_row() {
        let text = format!("{HEADER}甲,,,,武昌区,,,,\n\n乙,,,,襄城区,,,,\n");
        let errors = parse_csv_within(&text, &hubei(), &|county| county.starts_with("4201")).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!((errors[0].line, errors[0].column), (4, "区县"));
    }

    #[test]
    fn a_file_without_its_key_columns_says_so() {
        let errors = parse_csv("名称,地址\n甲,乙\n", &hubei()).unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(errors.iter().all(|e| e.line == 1));
    }

    #[test]
    fn gbk_and_a_bom_read_as_the_same_text() {
        let text = format!("{HEADER}某某学堂,,,,武昌区,,,,\n");
        let (gbk, _, _) = encoding_rs::GBK.encode(&text);
        assert_eq!(decode(&gbk), text);
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(decode(&bom), text);
    }

    #[test]
    fn suggestions_match_width_spaces_and_aliases() {
        let text = format!("{HEADER}ＡＢＣ 英语学校,小蜜蜂,,,武昌区,,,,\n");
        let school = parse_csv(&text, &hubei()).unwrap().remove(0);
        assert_eq!(school.search, ["abc英语学校", "小蜜蜂"]);
        assert_eq!(rank(&school.search, &normalise("abc英语")), Some(0));
        assert_eq!(rank(&school.search, &normalise("小 蜜")), Some(1));
        assert_eq!(rank(&school.search, &normalise("英语")), Some(2));
        assert_eq!(rank(&school.search, &normalise("数学")), None);
        assert_eq!(rank(&school.search, ""), None);
    }

    #[test]
    fn suggestions_come_best_first_and_a_few() {
        let named = |name: &str, alias: &str| {
            let aliases: Vec<String> = [alias]
                .iter()
                .filter(|a| !a.is_empty())
                .map(|a| a.to_string())
                .collect();
            Suggestion {
                id: name.into(),
                name: name.into(),
                search: search_keys(name, &aliases),
            }
        };
        let list = vec![
            named("小学英语辅导班", ""),
            named("星光英语", ""),
            named("英语之家培训学校", ""),
            named("阳光书院", "英语角"),
            named("英语乐园", ""),
        ];
        let names: Vec<String> = suggest(&list, "英语").into_iter().map(|s| s.name).collect();
        assert_eq!(
            names,
            ["英语乐园", "英语之家培训学校", "阳光书院", "星光英语", "小学英语辅导班"]
        );
        let many: Vec<Suggestion> = (0..30).map(|i| named(&format!("英语{i}"), "")).collect();
        assert_eq!(suggest(&many, "英语").len(), MAX_SUGGESTIONS);
        assert!(serde_json::to_value(named("甲", "")).unwrap().get("search").is_none());
        assert!(is_id("91350100M000100Y43") && is_id("N420106ab12cd34ef56ab78"));
        assert!(!is_id("") && !is_id("x#1") && !is_id(&"A".repeat(41)));
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
}
