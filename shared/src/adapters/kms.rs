//! KMS: the stack's own asymmetric key (ECC_NIST_P256, sign and verify), which signs evidence
//! packages' manifests. The private key never leaves KMS; the public key is served publicly so
//! that anyone can check a package offline (docs/evidence.md).

use super::StoreError;
use aws_sdk_kms::Client;
use aws_sdk_kms::primitives::Blob;
use aws_sdk_kms::types::{MessageType, SigningAlgorithmSpec};
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone)]
pub struct EvidenceSigner {
    /// Built on first use: only the package and public-key routes touch KMS.
    client: Arc<OnceLock<Client>>,
    config: aws_sdk_kms::Config,
    key_id: String,
    /// The public key, read once: an asymmetric KMS key never rotates its key material.
    public: Arc<OnceLock<Vec<u8>>>,
}

impl EvidenceSigner {
    pub fn new(config: aws_sdk_kms::Config, key_id: impl Into<String>) -> EvidenceSigner {
        EvidenceSigner {
            client: Arc::default(),
            config,
            key_id: key_id.into(),
            public: Arc::default(),
        }
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    pub fn client(&self) -> &Client {
        self.client.get_or_init(|| Client::from_conf(self.config.clone()))
    }

    /// The DER ECDSA signature of `message` (at most 4,096 bytes: KMS hashes it with SHA-256).
    /// A raw message rather than a digest: moto hashes a digest again, AWS does not, and a short
    /// signed statement verifies the same with both (docs/evidence.md).
    pub async fn sign(&self, message: &[u8]) -> Result<Vec<u8>, StoreError> {
        let output = self
            .client()
            .sign()
            .key_id(&self.key_id)
            .message(Blob::new(message))
            .message_type(MessageType::Raw)
            .signing_algorithm(SigningAlgorithmSpec::EcdsaSha256)
            .send()
            .await
            .map_err(|e| StoreError::call("kms", "sign", e))?;
        output
            .signature
            .map(Blob::into_inner)
            .ok_or_else(|| StoreError::request("kms", "sign", "a signature without its bytes"))
    }

    /// The public key, DER SubjectPublicKeyInfo; read from KMS once per process.
    pub async fn public_key(&self) -> Result<Vec<u8>, StoreError> {
        if let Some(der) = self.public.get() {
            return Ok(der.clone());
        }
        let output = self
            .client()
            .get_public_key()
            .key_id(&self.key_id)
            .send()
            .await
            .map_err(|e| StoreError::call("kms", "public_key", e))?;
        let der = output
            .public_key
            .map(Blob::into_inner)
            .ok_or_else(|| StoreError::request("kms", "public_key", "a public key without its bytes"))?;
        Ok(self.public.get_or_init(|| der).clone())
    }
}

/// DER as PEM (`-----BEGIN PUBLIC KEY-----`, 64 characters a line), as openssl reads it.
pub fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let encoded = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = encoded
        .as_bytes()
        .chunks(64)
        .map(|chunk| std::str::from_utf8(chunk).unwrap_or_default())
        .collect();
    format!("-----BEGIN {label}-----\n{}\n-----END {label}-----\n", lines.join("\n"))
}
