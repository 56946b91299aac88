//! Fingerprints written as lower-case hex: SHA-256 prefixes for stable keys and versions (upload
//! owners, repeat markers, institution ids, the notice version, request fingerprints).

use sha2::{Digest, Sha256};

/// `bytes` as lower-case hex, two characters a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A whole SHA-256 sent base64-encoded (as S3 answers `x-amz-checksum-sha256`), as hex; `None`
/// unless it is 32 bytes.
pub fn sha256_from_base64(encoded: &str) -> Option<String> {
    use base64::Engine;
    let bytes = base64::engine::general_purpose::STANDARD.decode(encoded).ok()?;
    (bytes.len() == 32).then(|| hex(&bytes))
}

/// The first `bytes` bytes (at most 32) of the SHA-256 of `data`, as hex.
pub fn sha256_hex(data: impl AsRef<[u8]>, bytes: usize) -> String {
    let digest = Sha256::digest(data);
    hex(&digest[..bytes.min(digest.len())])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prefix_of_the_published_digest_of_abc() {
        // FIPS 180-2's example: SHA-256("abc") = ba7816bf 8f01cfea …
        assert_eq!(sha256_hex("abc", 8), "ba7816bf8f01cfea");
        assert_eq!(sha256_hex("abc", 64).len(), 64);
        assert_eq!(hex(&[0, 15, 255]), "000fff");
    }

    #[test]
    fn s3s_base64_checksum_reads_as_the_hex_sha256sum_prints() {
        // SHA-256("hello"), as S3 answers it and as `sha256sum` prints it.
        assert_eq!(
            sha256_from_base64("LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=").as_deref(),
            Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
        );
        assert_eq!(sha256_from_base64("aGVsbG8="), None, "not 32 bytes");
        assert_eq!(sha256_from_base64("not base64!"), None);
    }
}
