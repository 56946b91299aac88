//! Fingerprints written as lower-case hex: SHA-256 prefixes for stable keys and versions (upload
//! owners, repeat markers, institution ids, the notice version, request fingerprints).

use sha2::{Digest, Sha256};

/// `bytes` as lower-case hex, two characters a byte.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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
}
