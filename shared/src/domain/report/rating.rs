//! The reporter's rating (满意度评价): 1–5 stars and an optional comment of at most 50 characters.

use crate::domain::Rejection;
use serde::{Deserialize, Serialize};

pub const MAX_COMMENT_CHARS: usize = 50;

/// One to five stars; no other number can be held, stored or read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(into = "u8", try_from = "u8")]
pub struct Stars(u8);

impl Stars {
    pub fn new(stars: u8) -> Option<Stars> {
        (1..=5).contains(&stars).then_some(Stars(stars))
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Stars {
    type Error = String;

    fn try_from(stars: u8) -> Result<Stars, String> {
        Stars::new(stars).ok_or_else(|| format!("{stars} stars is not 1 to 5"))
    }
}

impl From<Stars> for u8 {
    fn from(stars: Stars) -> u8 {
        stars.0
    }
}

#[derive(Debug, Deserialize)]
pub struct RatingInput {
    /// A number, so that `5.0` (an integer to JSON Schema) is read as 5.
    pub stars: Option<f64>,
    pub comment: Option<String>,
}

/// Checked stars and comment (a blank comment is no comment).
pub fn validate(input: &RatingInput) -> Result<(Stars, Option<String>), Rejection> {
    let stars = input
        .stars
        .filter(|s| s.fract() == 0.0 && (1.0..=5.0).contains(s))
        .and_then(|s| Stars::new(s as u8))
        .ok_or_else(|| Rejection::invalid("stars", "请选择1至5星评价"))?;
    let comment = input.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if let Some(comment) = comment {
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(Rejection::invalid(
                "comment",
                format!("评价内容最多{MAX_COMMENT_CHARS}个字"),
            ));
        }
        if comment.chars().any(char::is_control) {
            return Err(Rejection::invalid("comment", "评价内容含有无效字符"));
        }
    }
    Ok((stars, comment.map(str::to_owned)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(stars: Option<f64>, comment: Option<&str>) -> Result<(Stars, Option<String>), Rejection> {
        validate(&RatingInput {
            stars,
            comment: comment.map(str::to_owned),
        })
    }

    #[test]
    fn stars_hold_one_to_five_only_also_when_read_back() {
        assert_eq!(Stars::new(0), None);
        assert_eq!(Stars::new(6), None);
        assert_eq!(serde_json::from_str::<Stars>("4").unwrap().get(), 4);
        assert!(serde_json::from_str::<Stars>("0").is_err());
        assert!(serde_json::from_str::<Stars>("6").is_err());
        assert_eq!(serde_json::to_string(&Stars::new(5).unwrap()).unwrap(), "5");
    }

    #[test]
    fn one_to_five_stars() {
        for stars in 1..=5u8 {
            assert_eq!(check(Some(f64::from(stars)), None).unwrap().0.get(), stars);
        }
        for stars in [
            Some(0.0),
            Some(6.0),
            Some(-1.0),
            Some(261.0),
            Some(4.5),
            Some(f64::NAN),
            None,
        ] {
            assert!(matches!(check(stars, None), Err(Rejection::Invalid { field, .. }) if field == "stars"));
        }
    }

    #[test]
    fn comments_up_to_fifty_characters() {
        assert_eq!(
            check(Some(5.0), Some(&"好".repeat(50)))
                .unwrap()
                .1
                .unwrap()
                .chars()
                .count(),
            50
        );
        assert!(
            matches!(check(Some(5.0), Some(&"好".repeat(51))), Err(Rejection::Invalid { field, .. }) if field == "comment")
        );
        assert_eq!(check(Some(3.0), Some("   ")).unwrap().1, None);
        assert_eq!(
            check(Some(3.0), Some(" 处理及时 ")).unwrap().1.as_deref(),
            Some("处理及时")
        );
    }
}
