//! S3: the evidence bucket. Clients upload straight to it, under `uploads/`, with a presigned PUT
//! whose content type, length and tag are signed or a presigned POST form whose policy says the
//! same, so S3 refuses any other file. Nothing in the bucket is public.
//!
//! Uploads are tagged `claim=pending`, which the bucket's lifecycle expires after a day. A report
//! seals each file it cites: S3 copies the very version that was checked to `evidence/`, which no
//! upload link reaches, computes the copy's SHA-256 and (in AWS) locks it for the retention
//! period; the upload is then deleted. Staff and reporters read sealed files through short-lived
//! presigned GETs pinned to the sealed version, its recorded type, and inline display.

use super::StoreError;
use super::post_policy::{PostForm, PostRules, SigningCredentials, bucket_url, presign_post, tagging_document};
use crate::domain::digest::sha256_from_base64;
use crate::domain::report::evidence::{Evidence, EvidenceFile, SealedCopy, StoredObject, Upload, sealed_key};
use crate::domain::time::{format, now_cst};
use crate::domain::views::EvidenceLink;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3::Client;
use aws_sdk_s3::operation::get_object::builders::GetObjectFluentBuilder;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{ChecksumAlgorithm, ObjectLockMode, TaggingDirective};
use chrono::{DateTime, FixedOffset};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// The tag every upload carries: the lifecycle expires it after a day.
pub const PENDING_TAG: &str = "claim=pending";
/// The tag of a sealed copy (the sealed prefix's own lifecycle rule keeps it).
pub const SEALED_TAG: &str = "claim=sealed";

#[derive(Debug, Clone)]
pub struct EvidenceStore {
    /// Built on first use: functions that never touch evidence (rate, public-board) never pay
    /// for an S3 client at cold start.
    client: Arc<OnceLock<Client>>,
    config: aws_sdk_s3::Config,
    bucket: String,
    /// What POST forms are signed with; the client's own signer covers everything else.
    credentials: Option<SharedCredentialsProvider>,
}

/// A presigned request: where to send it and the headers it must carry.
#[derive(Debug, Clone)]
pub struct Presigned {
    pub url: String,
    pub headers: BTreeMap<String, String>,
}

fn presigning(ttl: Duration) -> Result<PresigningConfig, StoreError> {
    PresigningConfig::expires_in(ttl).map_err(|e| StoreError::request("s3", "presigning", e))
}

/// The URL of `get` presigned for `ttl` (computed locally: no call to S3).
async fn signed_get(operation: &'static str, get: GetObjectFluentBuilder, ttl: Duration) -> Result<String, StoreError> {
    let request = get
        .presigned(presigning(ttl)?)
        .await
        .map_err(|e| StoreError::call("s3", operation, e))?;
    Ok(request.uri().to_owned())
}

impl EvidenceStore {
    pub fn new(
        config: aws_sdk_s3::Config,
        bucket: impl Into<String>,
        credentials: Option<SharedCredentialsProvider>,
    ) -> EvidenceStore {
        EvidenceStore {
            client: Arc::default(),
            config,
            bucket: bucket.into(),
            credentials,
        }
    }

    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    pub fn client(&self) -> &Client {
        self.client.get_or_init(|| Client::from_conf(self.config.clone()))
    }

    /// A PUT for exactly this upload: its content type and length are part of the signature.
    pub async fn presign_put(&self, upload: &Upload, ttl: Duration) -> Result<Presigned, StoreError> {
        let size = i64::try_from(upload.size).map_err(|e| StoreError::request("s3", "presign_put", e))?;
        let request = self
            .client()
            .put_object()
            .bucket(&self.bucket)
            .key(&upload.key)
            .content_type(&upload.content_type)
            .content_length(size)
            .tagging(PENDING_TAG)
            .presigned(presigning(ttl)?)
            .await
            .map_err(|e| StoreError::call("s3", "presign_put", e))?;
        let mut headers: BTreeMap<String, String> = request
            .headers()
            .map(|(name, value)| (name.to_ascii_lowercase(), value.to_owned()))
            .collect();
        // Browsers and mini-programs set these themselves, but they must match what was signed.
        headers.insert("content-type".into(), upload.content_type.clone());
        headers.insert("content-length".into(), upload.size.to_string());
        headers.insert("x-amz-tagging".into(), PENDING_TAG.into());
        Ok(Presigned {
            url: request.uri().to_owned(),
            headers,
        })
    }

    /// Both ways to upload exactly each of these files: a PUT, and a POST form for clients that
    /// can only send multipart forms (mini-programs), both valid for `ttl`. The credentials are
    /// read once for all of them.
    pub async fn presign_uploads(
        &self,
        uploads: &[Upload],
        ttl: Duration,
    ) -> Result<Vec<(Presigned, PostForm)>, StoreError> {
        let provider = self
            .credentials
            .as_ref()
            .ok_or_else(|| StoreError::request("s3", "presign_uploads", Unexpected("no credentials to sign with")))?;
        let credentials = provider
            .provide_credentials()
            .await
            .map_err(|e| StoreError::request("s3", "presign_uploads", e))?;
        let signing = SigningCredentials {
            access_key_id: credentials.access_key_id(),
            secret_access_key: credentials.secret_access_key(),
            session_token: credentials.session_token(),
        };
        let region = self
            .client()
            .config()
            .region()
            .ok_or_else(|| StoreError::request("s3", "presign_uploads", Unexpected("no region to sign for")))?;
        let tagging = tagging_document(&[("claim", "pending")]);
        let mut signed = Vec::with_capacity(uploads.len());
        for upload in uploads {
            let put = self.presign_put(upload, ttl).await?;
            let url = bucket_url(&put.url, &upload.key).ok_or_else(|| {
                StoreError::request(
                    "s3",
                    "presign_uploads",
                    Unexpected("a presigned URL that does not end in its key"),
                )
            })?;
            let rules = PostRules {
                bucket: &self.bucket,
                key: &upload.key,
                content_type: &upload.content_type,
                max_bytes: upload.size,
                tagging: &tagging,
            };
            let post = presign_post(url, &rules, &signing, region.as_ref(), SystemTime::now(), ttl);
            signed.push((put, post));
        }
        Ok(signed)
    }

    /// Seals one checked upload: S3 copies exactly `version_id` (whatever was put at the key since)
    /// to its sealed key, computes the copy's SHA-256, and, given a date, locks the copy in
    /// governance mode until then. Retrying makes another version of the same bytes. `None`: the
    /// version is gone (a racing report sealed it first and deleted it).
    pub async fn seal(
        &self,
        upload_key: &str,
        version_id: &str,
        retain_until: Option<DateTime<FixedOffset>>,
    ) -> Result<Option<SealedCopy>, StoreError> {
        let key = sealed_key(upload_key);
        let mut copy = self
            .client()
            .copy_object()
            .bucket(&self.bucket)
            .key(&key)
            .copy_source(format!("{}/{upload_key}?versionId={version_id}", self.bucket))
            .checksum_algorithm(ChecksumAlgorithm::Sha256)
            .tagging_directive(TaggingDirective::Replace)
            .tagging(SEALED_TAG);
        if let Some(until) = retain_until {
            copy = copy
                .object_lock_mode(ObjectLockMode::Governance)
                .object_lock_retain_until_date(aws_smithy_types::DateTime::from_secs(until.timestamp()));
        }
        let output = match copy.send().await {
            Ok(output) => output,
            Err(error) if error.raw_response().is_some_and(|r| r.status().as_u16() == 404) => return Ok(None),
            Err(error) => return Err(StoreError::call("s3", "seal", error)),
        };
        let sha256 = output
            .copy_object_result()
            .and_then(|result| result.checksum_sha256())
            .and_then(sha256_from_base64)
            .ok_or_else(|| StoreError::request("s3", "seal", Unexpected("a copy without its SHA-256")))?;
        let version_id = output
            .version_id()
            .ok_or_else(|| {
                StoreError::request("s3", "seal", Unexpected("a copy without a version (is versioning on?)"))
            })?
            .to_owned();
        Ok(Some(SealedCopy {
            key,
            version_id,
            sha256,
        }))
    }

    /// The first `bytes` bytes of one version of an object (all of it when shorter).
    pub async fn head_bytes(&self, key: &str, version_id: &str, bytes: u64) -> Result<Vec<u8>, StoreError> {
        let range = format!("bytes=0-{}", bytes.saturating_sub(1));
        self.version_bytes("head_bytes", key, version_id, Some(range)).await
    }

    /// One version of an object, or a range of it.
    async fn version_bytes(
        &self,
        operation: &'static str,
        key: &str,
        version_id: &str,
        range: Option<String>,
    ) -> Result<Vec<u8>, StoreError> {
        let output = self
            .get(key)
            .version_id(version_id)
            .set_range(range)
            .send()
            .await
            .map_err(|e| StoreError::call("s3", operation, e))?;
        let body = output
            .body
            .collect()
            .await
            .map_err(|e| StoreError::request("s3", operation, e))?;
        Ok(body.into_bytes().to_vec())
    }

    /// Deletes the version of an upload that was sealed, for good; anything put at the key since
    /// is still tagged pending and expires.
    pub async fn discard_upload(&self, key: &str, version_id: &str) -> Result<(), StoreError> {
        self.client()
            .delete_object()
            .bucket(&self.bucket)
            .key(key)
            .version_id(version_id)
            .send()
            .await
            .map_err(|e| StoreError::call("s3", "discard_upload", e))?;
        Ok(())
    }

    /// A GET of one sealed file's version, valid for `ttl`, answered with its recorded type and
    /// shown inline (never as a page of the bucket's origin, whatever the bytes are).
    pub async fn presign_file(&self, file: &EvidenceFile, ttl: Duration) -> Result<String, StoreError> {
        let get = self
            .get(&file.key)
            .version_id(&file.version_id)
            .response_content_type(&file.content_type)
            .response_content_disposition("inline");
        signed_get("presign_file", get, ttl).await
    }

    /// A GET of `key` in the bucket, to be signed.
    fn get(&self, key: &str) -> GetObjectFluentBuilder {
        self.client().get_object().bucket(&self.bucket).key(key)
    }

    /// A sealed file's bytes (its pinned version).
    pub async fn read_file(&self, file: &EvidenceFile) -> Result<Vec<u8>, StoreError> {
        self.version_bytes("read_file", &file.key, &file.version_id, None).await
    }

    /// Stores an evidence package under `packages/` (the lifecycle expires it after a day).
    pub async fn put_package(&self, key: &str, zip: Vec<u8>) -> Result<(), StoreError> {
        self.put("put_package", key, "application/zip", zip).await
    }

    /// Stores a preview or thumbnail (JPEG) under `previews/`.
    pub async fn put_preview(&self, key: &str, jpeg: Vec<u8>) -> Result<(), StoreError> {
        self.put("put_preview", key, "image/jpeg", jpeg).await
    }

    async fn put(
        &self,
        operation: &'static str,
        key: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<(), StoreError> {
        self.client()
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .content_type(content_type)
            .body(body.into())
            .send()
            .await
            .map_err(|e| StoreError::call("s3", operation, e))?;
        Ok(())
    }

    /// A GET of a preview or thumbnail, valid for `ttl`, shown inline as the JPEG it is.
    pub async fn preview_link(&self, key: &str, ttl: Duration) -> Result<String, StoreError> {
        let get = self
            .get(key)
            .response_content_type("image/jpeg")
            .response_content_disposition("inline");
        signed_get("preview_link", get, ttl).await
    }

    /// A GET of a package answered with `disposition` (ASCII: it is a header), valid for `ttl`;
    /// signed before the package is stored, as it needs nothing of it.
    pub async fn package_link(&self, key: &str, disposition: &str, ttl: Duration) -> Result<String, StoreError> {
        let get = self.get(key).response_content_disposition(disposition);
        signed_get("package_link", get, ttl).await
    }

    /// Short-lived links to every file of a report's evidence.
    pub async fn links(&self, evidence: Option<&Evidence>, ttl: Duration) -> Result<Vec<EvidenceLink>, StoreError> {
        let Some(evidence) = evidence else {
            return Ok(Vec::new());
        };
        let expires_at = format(&(now_cst() + chrono::Duration::from_std(ttl).unwrap_or_default()));
        let mut links = Vec::with_capacity(evidence.files.len());
        for file in &evidence.files {
            links.push(EvidenceLink::new(
                evidence.kind,
                file,
                self.presign_file(file, ttl).await?,
                expires_at.clone(),
            ));
        }
        Ok(links)
    }

    /// What S3 holds at `key`, or `None` if nothing was uploaded there.
    pub async fn head(&self, key: &str) -> Result<Option<StoredObject>, StoreError> {
        match self.client().head_object().bucket(&self.bucket).key(key).send().await {
            Ok(output) => Ok(Some(StoredObject {
                content_type: output.content_type,
                size: output.content_length.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
                version_id: output.version_id,
            })),
            Err(error) if error.as_service_error().is_some_and(|e| e.is_not_found()) => Ok(None),
            Err(error) => Err(StoreError::call("s3", "head", error)),
        }
    }
}

/// A configuration the SDK should never produce, reported as an S3 failure.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Unexpected(&'static str);
