//! How a registry file, as a clerk saves it from Excel or WPS, becomes institutions: every row
//! checked, every error named by line and column, nothing taken from a file with any error.

use super::institution::{Institution, Kind, State, institution_id, valid_credit_code};
use super::search::search_keys;
use crate::domain::directory::regions::Regions;
use serde::Serialize;
use std::collections::HashMap;

/// One problem of one row, for the per-row error list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The file's line, counting the header as line 1.
    pub line: usize,
    pub column: &'static str,
    pub message: String,
}

/// The registry file's columns, in their order in a row's cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Name,
    Aliases,
    CreditCode,
    Licence,
    County,
    Address,
    Kind,
    OnPlatform,
    State,
}

impl Column {
    const ALL: [Column; 9] = [
        Column::Name,
        Column::Aliases,
        Column::CreditCode,
        Column::Licence,
        Column::County,
        Column::Address,
        Column::Kind,
        Column::OnPlatform,
        Column::State,
    ];

    /// The Chinese header a clerk's file has, and the English one read too.
    fn headers(self) -> (&'static str, &'static str) {
        match self {
            Column::Name => ("机构名称", "name"),
            Column::Aliases => ("别名", "aliases"),
            Column::CreditCode => ("统一社会信用代码", "credit_code"),
            Column::Licence => ("办学许可证号", "licence"),
            Column::County => ("区县", "county"),
            Column::Address => ("地址", "address"),
            Column::Kind => ("类型", "kind"),
            Column::OnPlatform => ("是否在全国监管平台", "on_platform"),
            Column::State => ("状态", "state"),
        }
    }

    fn header(self) -> &'static str {
        self.headers().0
    }

    /// A file without these cannot be read at all.
    fn is_required(self) -> bool {
        matches!(self, Column::Name | Column::County)
    }
}

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
    let columns: Vec<Option<usize>> = Column::ALL.iter().map(|c| position(c.headers())).collect();
    for (column, index) in Column::ALL.iter().zip(&columns) {
        if index.is_none() && column.is_required() {
            errors.push(RowError {
                line: 1,
                column: column.header(),
                message: format!("缺少“{}”列", column.header()),
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
                        column: Column::Name.header(),
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
    fn error(&self, column: Column, message: String) -> RowError {
        RowError {
            line: self.line,
            column: column.header(),
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
            errors.push(self.error(Column::Name, "机构名称不能为空".into()));
        } else if name.chars().count() > 100 {
            errors.push(self.error(Column::Name, "机构名称不能超过100个字".into()));
        }
        let credit_code = credit_code.to_uppercase();
        if !credit_code.is_empty() && !valid_credit_code(&credit_code) {
            errors.push(self.error(Column::CreditCode, format!("“{credit_code}”不是有效的统一社会信用代码")));
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
                errors.push(self.error(Column::County, message));
                String::new()
            }
        };
        if !county_code.is_empty() && !within(&county_code) {
            errors.push(self.error(Column::County, format!("“{county}”不在您的管辖范围内")));
        }
        let kind = Kind::parse(kind).unwrap_or_else(|| {
            errors.push(self.error(Column::Kind, format!("类型应为学科类、非学科类或未知，而不是“{kind}”")));
            Kind::Unknown
        });
        let on_platform = match on_platform {
            "是" | "yes" | "true" | "1" => true,
            "否" | "no" | "false" | "0" | "" => false,
            other => {
                errors.push(self.error(Column::OnPlatform, format!("应为是或否，而不是“{other}”")));
                false
            }
        };
        let state = State::parse(state).unwrap_or_else(|| {
            errors.push(self.error(Column::State, format!("状态应为正常、停办或注销，而不是“{state}”")));
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hubei() -> Regions {
        Regions::hubei().unwrap()
    }

    const HEADER: &str = "机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n";

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
    fn an_imported_row_can_be_found_by_its_names() {
        let text = format!("{HEADER}ＡＢＣ 英语学校,小蜜蜂,,,武昌区,,,,\n");
        let school = parse_csv(&text, &hubei()).unwrap().remove(0);
        assert_eq!(school.search, ["abc英语学校", "小蜜蜂"]);
    }
}
