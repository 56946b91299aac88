//! The exports' sheets, typed cells, and cells a spreadsheet could mistake for a formula.
//!
//! Cells a spreadsheet could mistake for a formula. Excel, WPS and LibreOffice evaluate a cell
//! that starts with `=`, `+`, `-` or `@` (also after leading spaces, and a tab or carriage return
//! starts one too), so a citizen's `=HYPERLINK(…)` as the reported target would run in a clerk's
//! sheet. OWASP's rule (CSV Injection): prefix such a cell with a single quote, which the
//! spreadsheet shows as nothing and which makes the cell text; the value reads as typed.

use crate::domain::time::cst;
use chrono::{DateTime, FixedOffset};
use std::borrow::Cow;

/// One cell, typed, so that each format writes it as its kind: a workbook as a text, number or
/// date-time cell, a CSV as text a spreadsheet reads back the same.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Always a text cell: a serial stays 15 digits, a citizen's `=…` is never run.
    Text(String),
    /// A count or a measure; none is a blank cell.
    Number(Option<f64>),
    /// A share (0 to 1) shown as a percentage; none (nothing to measure) is a blank cell.
    Percent(Option<f64>),
    /// A date-time shown in China time; none is a blank cell.
    Time(Option<DateTime<FixedOffset>>),
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    pub fn count(n: i64) -> Cell {
        Cell::Number(Some(n as f64))
    }

    /// The cell as a CSV field: formula starts quoted, times `YYYY-MM-DD HH:MM:SS`, shares as
    /// `92.5%`.
    pub fn csv(&self) -> String {
        match self {
            Cell::Text(text) => safe_cell(text).into_owned(),
            Cell::Number(n) => n.map(|n| n.to_string()).unwrap_or_default(),
            Cell::Percent(share) => share.map(|s| format!("{:.1}%", s * 100.0)).unwrap_or_default(),
            Cell::Time(at) => at.as_ref().map(local_time).unwrap_or_default(),
        }
    }
}

/// `YYYY-MM-DD HH:MM:SS` in China time, as a spreadsheet reads a date-time.
pub fn local_time(at: &DateTime<FixedOffset>) -> String {
    at.with_timezone(&cst()).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// An export's file name, `{whose}-{what}-{period}.xlsx`: the period from two dates or months
/// (either form, dashes dropped; a range given backwards read the right way round, so
/// `20261101-20261130`), one end open (`20261101-`), or the day of `now` (China time) when neither
/// is given.
pub fn file_name(whose: &str, what: &str, from: Option<&str>, to: Option<&str>, now: &DateTime<FixedOffset>) -> String {
    let compact = |d: &str| d.replace('-', "");
    let period = match (from.map(compact), to.map(compact)) {
        (Some(a), Some(b)) => format!("{}-{}", a.clone().min(b.clone()), a.max(b)),
        (Some(from), None) => format!("{from}-"),
        (None, Some(to)) => format!("-{to}"),
        (None, None) => now.with_timezone(&cst()).format("%Y%m%d").to_string(),
    };
    format!("{whose}-{what}-{period}.xlsx")
}

/// A column: its Chinese header and its width in characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Column {
    pub header: &'static str,
    pub width: f64,
}

pub const fn column(header: &'static str, width: f64) -> Column {
    Column { header, width }
}

/// One sheet of a workbook: an optional title row above the header, then the rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    pub name: &'static str,
    pub title: Option<String>,
    pub columns: &'static [Column],
    pub rows: Vec<Vec<Cell>>,
}

const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// The cell as a spreadsheet shows it verbatim and never evaluates.
pub fn safe_cell(value: &str) -> Cow<'_, str> {
    let first = value.trim_start_matches(' ').chars().next();
    match first {
        Some(c) if FORMULA_STARTS.contains(&c) => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_quoted_and_everything_else_is_left_alone() {
        for live in [
            "=1+2",
            "+86 139",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "  =CONCATENATE(A1)",
            " @x",
        ] {
            assert_eq!(safe_cell(live), format!("'{live}"), "{live:?}");
        }
        for plain in [
            "",
            "某某培训学校",
            "261126000000001",
            "2026-11-26 09:00:00",
            "5",
            "'=already",
            "a=b",
        ] {
            assert!(matches!(safe_cell(plain), Cow::Borrowed(_)), "{plain:?}");
        }
    }

    #[test]
    fn file_names_carry_the_period_asked_for() {
        let now = DateTime::parse_from_rfc3339("2026-11-25T16:30:00Z").unwrap();
        let name = |from, to| file_name("武汉市", "举报件", from, to, &now);
        assert_eq!(
            name(Some("2026-11-30"), Some("2026-11-01")),
            "武汉市-举报件-20261101-20261130.xlsx"
        );
        assert_eq!(
            name(Some("2026-01"), Some("2026-11")),
            "武汉市-举报件-202601-202611.xlsx"
        );
        assert_eq!(name(Some("2026-01"), None), "武汉市-举报件-202601-.xlsx");
        assert_eq!(name(None, Some("2026-11-30")), "武汉市-举报件--20261130.xlsx");
        assert_eq!(name(None, None), "武汉市-举报件-20261126.xlsx", "the day in China");
    }

    #[test]
    fn csv_fields_read_back_as_the_cell_says() {
        let at = DateTime::parse_from_rfc3339("2026-11-26T03:22:15Z").unwrap();
        assert_eq!(Cell::Time(Some(at)).csv(), "2026-11-26 11:22:15", "China time");
        assert_eq!(Cell::text("=1+2").csv(), "'=1+2");
        assert_eq!(Cell::count(5).csv(), "5");
        assert_eq!(Cell::Number(Some(4.25)).csv(), "4.25");
        assert_eq!(Cell::Percent(Some(0.925)).csv(), "92.5%");
        for blank in [Cell::Number(None), Cell::Percent(None), Cell::Time(None)] {
            assert_eq!(blank.csv(), "");
        }
    }
}
