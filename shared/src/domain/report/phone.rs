//! A reporter's phone number. It is never public, and staff see it masked unless they reveal it,
//! so the type shows it masked wherever it is printed (`Debug`, `Display`, logs, panics); the full
//! number comes out only through `reveal`, for the SMS to the reporter and 查看联系方式.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// As the identity provider gave it (the claims are trusted; SMS checks the format).
    pub fn new(number: impl Into<String>) -> Phone {
        Phone(number.into())
    }

    /// `138****1234`: enough to recognise, not enough to call.
    pub fn masked(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        if chars.len() < 7 {
            return "*".repeat(chars.len());
        }
        let head: String = chars[..3].iter().collect();
        let tail: String = chars[chars.len() - 4..].iter().collect();
        format!("{head}****{tail}")
    }

    /// The full number. Only notify (the reply SMS) and a staff member's recorded reveal use it.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Phone({})", self.masked())
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_it_is_masked_revealed_it_is_whole() {
        let phone = Phone::new("13812341234");
        assert_eq!(phone.masked(), "138****1234");
        assert_eq!(phone.to_string(), "138****1234");
        assert_eq!(format!("{phone:?}"), "Phone(138****1234)");
        assert_eq!(phone.reveal(), "13812341234");
        assert_eq!(Phone::new("123").masked(), "***");
        // Stored whole: the item is the one place it must be complete.
        assert_eq!(serde_json::to_string(&phone).unwrap(), "\"13812341234\"");
    }
}
