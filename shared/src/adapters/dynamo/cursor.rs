//! Opaque page cursors: the query's LastEvaluatedKey as base64url JSON. A cursor is only
//! accepted for the partition it came from, so it cannot be used to page someone else's list.

use super::items::Item;
use crate::adapters::StoreError;
use crate::domain::Rejection;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::collections::BTreeMap;
use thiserror::Error;

/// One page of a list and the cursor of the next, if any.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next: Option<String>,
}

/// Listing fails either because the cursor is not ours or because the store failed.
#[derive(Debug, Error)]
pub enum ListError {
    #[error("bad cursor")]
    Cursor(Rejection),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub fn encode(key: &Item) -> Option<String> {
    let strings: BTreeMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|v| (k.as_str(), v.as_str())))
        .collect();
    let json = serde_json::to_vec(&strings).ok()?;
    Some(URL_SAFE_NO_PAD.encode(json))
}

/// Decodes a cursor that must hold exactly `attrs` and the partition value `partition`.
pub fn decode(cursor: &str, attrs: &[&str], partition: (&str, &str)) -> Result<Item, ListError> {
    let bad = || ListError::Cursor(Rejection::invalid("cursor", "分页参数无效"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor.as_bytes()).map_err(|_| bad())?;
    let strings: BTreeMap<String, String> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let mut names: Vec<&str> = strings.keys().map(String::as_str).collect();
    let mut expected = attrs.to_vec();
    names.sort_unstable();
    expected.sort_unstable();
    if names != expected || strings.get(partition.0).map(String::as_str) != Some(partition.1) {
        return Err(bad());
    }
    Ok(strings.into_iter().map(|(k, v)| (k, AttributeValue::S(v))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> Item {
        [
            ("pk", "REPORT#1"),
            ("sk", "REPORT"),
            ("reporter_pk", "REPORTER#a"),
            ("serial_sk", "1"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), AttributeValue::S(v.to_owned())))
        .collect()
    }

    const ATTRS: [&str; 4] = ["pk", "sk", "reporter_pk", "serial_sk"];

    #[test]
    fn a_cursor_round_trips_within_its_partition() {
        let cursor = encode(&key()).unwrap();
        assert_eq!(decode(&cursor, &ATTRS, ("reporter_pk", "REPORTER#a")).unwrap(), key());
    }

    #[test]
    fn another_partition_or_garbage_is_refused() {
        let cursor = encode(&key()).unwrap();
        assert!(matches!(
            decode(&cursor, &ATTRS, ("reporter_pk", "REPORTER#b")),
            Err(ListError::Cursor(_))
        ));
        assert!(matches!(
            decode("!!!", &ATTRS, ("reporter_pk", "REPORTER#a")),
            Err(ListError::Cursor(_))
        ));
        assert!(matches!(
            decode(&URL_SAFE_NO_PAD.encode("[]"), &ATTRS, ("reporter_pk", "REPORTER#a")),
            Err(ListError::Cursor(_))
        ));
        assert!(matches!(
            decode(&cursor, &ATTRS[..3], ("reporter_pk", "REPORTER#a")),
            Err(ListError::Cursor(_))
        ));
    }
}
