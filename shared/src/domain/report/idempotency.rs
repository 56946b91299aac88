//! `Idempotency-Key`: a retried submission with the same key and body gets the first answer;
//! the same key with another body is a conflict.

use crate::domain::Rejection;
use crate::domain::digest::sha256_hex;

pub const MAX_KEY_LEN: usize = 128;

/// Accepts 1–128 characters of `A–Z a–z 0–9 - _ . :` (UUIDs and the like).
pub fn check_key(key: &str) -> Result<(), Rejection> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(())
    } else {
        Err(Rejection::invalid("Idempotency-Key", "幂等键格式无效"))
    }
}

/// A fingerprint of the request body that ignores key order and white space.
pub fn fingerprint(body: &serde_json::Value) -> String {
    // serde_json's map is ordered by key, so serialising the parsed value is canonical.
    let canonical = serde_json::to_vec(body).unwrap_or_default();
    sha256_hex(&canonical, 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_short_and_plain() {
        assert!(check_key("6f1c2d4e-8a9b-4c3d-9e8f-0a1b2c3d4e5f").is_ok());
        for bad in ["", "a b", "键", &"x".repeat(MAX_KEY_LEN + 1)] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn fingerprints_ignore_key_order_but_not_values() {
        let a: serde_json::Value = serde_json::from_str(r#"{"a":1,"b":[1,2]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str("{ \"b\": [1, 2],\n \"a\": 1 }").unwrap();
        assert_eq!(fingerprint(&a), fingerprint(&b));
        assert_ne!(fingerprint(&a), fingerprint(&json!({"a": 2, "b": [1, 2]})));
    }
}
