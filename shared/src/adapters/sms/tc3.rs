//! Tencent Cloud API 3.0 request signing (TC3-HMAC-SHA256), for a JSON POST to `/` with the two
//! headers every call signs (`content-type`, `host`). Pure: the tests hold it to the provider's
//! published example byte for byte.

use crate::domain::digest::{hex, sha256_hex};
use chrono::DateTime;
use hmac::{Hmac, Mac};
use sha2::Sha256;

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The content type every call sends, and signs.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
const SIGNED_HEADERS: &str = "content-type;host";

fn hmac_sha256(key: &[u8], data: &str) -> Vec<u8> {
    // HMAC takes a key of any length: `new_from_slice` cannot fail for it.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
    mac.update(data.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Step 1: the canonical request of a JSON POST of `payload` to `host`.
pub fn canonical_request(host: &str, payload: &str) -> String {
    format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{host}\n\n{SIGNED_HEADERS}\n{}",
        sha256_hex(payload.as_bytes(), 32)
    )
}

/// The UTC day of `timestamp`, as the credential scope names it.
fn utc_date(timestamp: i64) -> String {
    DateTime::from_timestamp(timestamp, 0)
        .map(|at| at.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

/// Step 2: the string to sign, for `service` (`sms`, `cvm`, …) at `timestamp` (Unix seconds).
pub fn string_to_sign(timestamp: i64, service: &str, canonical_request: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{}/{service}/tc3_request\n{}",
        utc_date(timestamp),
        sha256_hex(canonical_request.as_bytes(), 32)
    )
}

/// Steps 3 and 4: the `Authorization` header of the request.
pub fn authorization(
    secret_id: &str,
    secret_key: &str,
    service: &str,
    host: &str,
    payload: &str,
    timestamp: i64,
) -> String {
    let date = utc_date(timestamp);
    let secret_date = hmac_sha256(format!("TC3{secret_key}").as_bytes(), &date);
    let secret_service = hmac_sha256(&secret_date, service);
    let secret_signing = hmac_sha256(&secret_service, "tc3_request");
    let to_sign = string_to_sign(timestamp, service, &canonical_request(host, payload));
    let signature = hex(&hmac_sha256(&secret_signing, &to_sign));
    format!(
        "{ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, SignedHeaders={SIGNED_HEADERS}, Signature={signature}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tencent Cloud's worked example ("Signature v3", API 3.0 common parameters): DescribeInstances
    // on cvm at 1551113065 with the documented body and SecretKey; every intermediate value below
    // is the one the document prints.
    const PAYLOAD: &str = r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const HOST: &str = "cvm.tencentcloudapi.com";
    const TIMESTAMP: i64 = 1_551_113_065;

    #[test]
    fn the_published_canonical_request_and_its_hash() {
        let canonical = canonical_request(HOST, PAYLOAD);
        assert_eq!(
            canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\n\
             content-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        assert_eq!(
            sha256_hex(canonical.as_bytes(), 32),
            "5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
    }

    #[test]
    fn the_published_string_to_sign_uses_the_utc_day() {
        // 1551113065 is 2019-02-26 00:44 in China but 2019-02-25 in UTC: the scope takes UTC.
        assert_eq!(
            string_to_sign(TIMESTAMP, "cvm", &canonical_request(HOST, PAYLOAD)),
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n\
             5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
    }

    #[test]
    fn the_published_authorization() {
        assert_eq!(
            authorization(
                "AKID**********************0123456789EXAMPLE",
                "Gu5t9xGARNpq86cd98joQYCN3EXAMPLE",
                "cvm",
                HOST,
                PAYLOAD,
                TIMESTAMP
            ),
            "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, \
             SignedHeaders=content-type;host, \
             Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }
}
