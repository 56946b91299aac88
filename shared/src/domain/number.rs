//! Whole numbers as JSON Schema reads them: `5` and `5.0` are the same integer, so a client (or a
//! generator) that writes either is understood alike. Anything with a fraction, negative or beyond
//! 2^53 (where JSON numbers stop being exact) is refused as the wrong type.

use serde::{Deserialize, Deserializer, de::Error};

/// Largest integer a JSON number holds exactly.
pub const MAX_EXACT: u64 = (1 << 53) - 1;

fn whole(value: f64) -> Option<u64> {
    (value.fract() == 0.0 && (0.0..=MAX_EXACT as f64).contains(&value)).then_some(value as u64)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Wire {
    Integer(u64),
    Number(f64),
}

/// For `#[serde(default, deserialize_with = "number::optional_whole")]` on an `Option<u64>`.
pub fn optional_whole<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<Wire>::deserialize(d)? {
        None => Ok(None),
        Some(Wire::Integer(n)) if n <= MAX_EXACT => Ok(Some(n)),
        Some(Wire::Number(x)) => whole(x).map(Some).ok_or_else(|| D::Error::custom("not a whole number")),
        Some(Wire::Integer(_)) => Err(D::Error::custom("too large")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Form {
        #[serde(default, deserialize_with = "optional_whole")]
        n: Option<u64>,
    }

    fn read(json: &str) -> Option<Option<u64>> {
        serde_json::from_str::<Form>(json).ok().map(|f| f.n)
    }

    #[test]
    fn integers_written_either_way_are_read_alike() {
        assert_eq!(read(r#"{"n": 419}"#), Some(Some(419)));
        assert_eq!(read(r#"{"n": 419.0}"#), Some(Some(419)));
        assert_eq!(read(r#"{"n": 4.19e2}"#), Some(Some(419)));
        assert_eq!(read(r#"{}"#), Some(None));
        assert_eq!(read(r#"{"n": null}"#), Some(None));
    }

    #[test]
    fn fractions_negatives_and_inexact_numbers_are_refused() {
        assert_eq!(read(r#"{"n": 419.5}"#), None);
        assert_eq!(read(r#"{"n": -1}"#), None);
        assert_eq!(read(r#"{"n": -1.0}"#), None);
        assert_eq!(read(r#"{"n": 9007199254740992}"#), None);
        assert_eq!(read(r#"{"n": 1e300}"#), None);
        assert_eq!(read(r#"{"n": "419"}"#), None);
    }
}
