//! Cells a spreadsheet could mistake for a formula. Excel, WPS and LibreOffice evaluate a cell
//! that starts with `=`, `+`, `-` or `@` (also after leading spaces, and a tab or carriage return
//! starts one too), so a citizen's `=HYPERLINK(…)` as the reported target would run in a clerk's
//! sheet. OWASP's rule (CSV Injection): prefix such a cell with a single quote, which the
//! spreadsheet shows as nothing and which makes the cell text; the value reads as typed.

use std::borrow::Cow;

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
}
