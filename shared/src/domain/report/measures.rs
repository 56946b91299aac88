//! What an agency did about a substantiated report (处理措施), from the province's catalog:
//! 责令停止违规培训, 责令退费 (with the amount), 罚款 (with the amount), 移送 (to whom), … Recorded
//! with the reply; a reply made before measures were recorded has none (shown as 未记录).

use crate::domain::Rejection;
use crate::domain::directory::catalog::{Catalog, MeasureDetail};
use crate::domain::report::Finding;
use serde::{Deserialize, Serialize};

/// The largest amount a measure records, in yuan.
pub const MAX_AMOUNT_YUAN: u64 = 1_000_000_000;
/// The longest 移送 recipient.
pub const MAX_TO_CHARS: usize = 100;

/// One measure taken.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Measure {
    pub code: String,
    /// Yuan, for the measures that carry an amount (责令退费, 罚款).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<u64>,
    /// To whom, for 移送.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// A measure as a reply's body names it.
#[derive(Debug, Clone, Deserialize)]
pub struct MeasureInput {
    pub code: Option<String>,
    /// A number, so that `3000.0` (an integer to JSON Schema) is read as 3000.
    pub amount: Option<f64>,
    pub to: Option<String>,
}

/// The checked measures of a reply with `finding`. Measures follow a finding of 属实 or 部分属实
/// only; each is one the catalog offers, once, with its amount or recipient where it needs one.
/// Rules the request's schema holds are 400s; what the province's catalog or the finding rules
/// out of a schema-valid request is a 409.
pub fn checked(finding: Finding, inputs: &[MeasureInput]) -> Result<Vec<Measure>, Rejection> {
    if inputs.is_empty() {
        return Ok(Vec::new());
    }
    if !matches!(finding, Finding::Substantiated | Finding::Partly) {
        return Err(Rejection::conflict(
            "measures_need_finding",
            "只有属实或部分属实的回复可以填写处理措施",
        ));
    }
    let catalog = Catalog::get();
    let mut out: Vec<Measure> = Vec::new();
    for (i, input) in inputs.iter().enumerate() {
        let field = |name: &str| format!("measures[{i}].{name}");
        let code = input.code.as_deref().map(str::trim).unwrap_or_default();
        let Some(kind) = catalog.measure(code) else {
            return Err(Rejection::conflict("measure_not_offered", "所选处理措施不在本省目录中"));
        };
        if out.iter().any(|m| m.code == code) {
            return Err(Rejection::conflict(
                "duplicate_measure",
                format!("处理措施“{}”重复", kind.name),
            ));
        }
        let amount = match kind.detail {
            MeasureDetail::Amount => Some(
                input
                    .amount
                    .filter(|a| a.fract() == 0.0 && *a >= 1.0 && *a <= MAX_AMOUNT_YUAN as f64)
                    .map(|a| a as u64)
                    .ok_or_else(|| Rejection::invalid(field("amount"), format!("请填写{}金额(元)", kind.name)))?,
            ),
            _ => None,
        };
        let to = match kind.detail {
            MeasureDetail::To => {
                let to = input.to.as_deref().map(str::trim).unwrap_or_default();
                if to.is_empty() || to.chars().count() > MAX_TO_CHARS || to.chars().any(char::is_control) {
                    return Err(Rejection::invalid(
                        field("to"),
                        format!("请填写{}对象(最多{MAX_TO_CHARS}字)", kind.name),
                    ));
                }
                Some(to.to_owned())
            }
            _ => None,
        };
        out.push(Measure {
            code: code.to_owned(),
            amount,
            to,
        });
    }
    Ok(out)
}

/// A measure in words: 责令退费3000元, 移送县市场监管局.
pub fn describe(measure: &Measure) -> String {
    let name = Catalog::get()
        .measure(&measure.code)
        .map_or_else(|| measure.code.clone(), |k| k.name.clone());
    match (&measure.amount, &measure.to) {
        (Some(amount), _) => format!("{name}{amount}元"),
        (None, Some(to)) => format!("{name}至{to}"),
        (None, None) => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(code: &str, amount: Option<f64>, to: Option<&str>) -> MeasureInput {
        MeasureInput {
            code: Some(code.into()),
            amount,
            to: to.map(str::to_owned),
        }
    }

    #[test]
    fn measures_carry_their_amount_or_recipient_and_read_as_words() {
        let taken = checked(
            Finding::Substantiated,
            &[
                input("stop", None, None),
                input("refund", Some(3000.0), None),
                input("refer", None, Some("区市场监管局")),
            ],
        )
        .unwrap();
        let words: Vec<String> = taken.iter().map(describe).collect();
        assert_eq!(words, ["责令停止违规培训", "责令退费3000元", "移送至区市场监管局"]);
        assert_eq!(taken[0].amount, None, "no amount where none is asked");
    }

    #[test]
    fn a_reply_stored_before_measures_were_recorded_has_none_not_an_empty_list() {
        let stored = serde_json::json!({
            "finding": "substantiated", "text": "已查处", "replied_at": "2022-12-15T16:40:56+08:00",
            "agency_id": "420106-education", "agency_name": "武昌区教育局"
        });
        let old: crate::domain::report::Reply = serde_json::from_value(stored).unwrap();
        assert_eq!(old.measures, None);
        assert!(crate::domain::views::measure_views(&old).is_none(), "shown as 未记录");
    }

    #[test]
    fn bad_measures_are_refused_with_the_field_or_as_conflicts() {
        let field = |r: Result<Vec<Measure>, Rejection>| match r {
            Err(Rejection::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(checked(Finding::Partly, &[input("fine", None, None)])),
            "measures[0].amount"
        );
        assert_eq!(
            field(checked(Finding::Partly, &[input("fine", Some(1.5), None)])),
            "measures[0].amount"
        );
        assert_eq!(
            field(checked(
                Finding::Partly,
                &[input("stop", None, None), input("refer", None, Some(" "))]
            )),
            "measures[1].to"
        );
        let code = |r: Result<Vec<Measure>, Rejection>| match r {
            Err(Rejection::Conflict { code, .. }) => code,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            code(checked(Finding::Unsubstantiated, &[input("stop", None, None)])),
            "measures_need_finding"
        );
        assert_eq!(
            code(checked(Finding::Partly, &[input("jail", None, None)])),
            "measure_not_offered"
        );
        assert_eq!(
            code(checked(
                Finding::Partly,
                &[input("stop", None, None), input("stop", None, None)]
            )),
            "duplicate_measure"
        );
        assert!(checked(Finding::Unsubstantiated, &[]).unwrap().is_empty());
    }
}
