//! S3: the evidence bucket. Clients upload straight to it, with a presigned PUT whose content type,
//! length and tag are signed or a presigned POST form whose policy says the same, so S3 refuses any
//! other file; staff and reporters read evidence through short-lived presigned GETs. Nothing in the
//! bucket is public.
//!
//! Uploads are tagged `claim=pending`, which the bucket's lifecycle expires after a day; a report
//! that cites a file re-tags it `claim=claimed`, kept for the evidence retention period.

use super::StoreError;
use super::post_policy::{PostForm, PostRules, SigningCredentials, bucket_url, presign_post, tagging_document};
use crate::domain::report::evidence::{Evidence, StoredObject, Upload};
use crate::domain::time::{format, now_cst};
use crate::domain::views::EvidenceLink;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_sdk_s3::Client;
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::types::{Tag, Tagging};
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

/// The tag every upload carries until a report cites it.
pub const PENDING_TAG: &str = "claim=pending";

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

    /// Marks a cited file as evidence, so the lifecycle keeps it for the retention period.
    /// Idempotent: a retried submission tags again.
    pub async fn mark_claimed(&self, key: &str) -> Result<(), StoreError> {
        let tag = Tag::builder()
            .key("claim")
            .value("claimed")
            .build()
            .map_err(|e| StoreError::request("s3", "mark_claimed", e))?;
        let tagging = Tagging::builder()
            .tag_set(tag)
            .build()
            .map_err(|e| StoreError::request("s3", "mark_claimed", e))?;
        self.client()
            .put_object_tagging()
            .bucket(&self.bucket)
            .key(key)
            .tagging(tagging)
            .send()
            .await
            .map_err(|e| StoreError::call("s3", "mark_claimed", e))?;
        Ok(())
    }

    /// A GET of one object, valid for `ttl`.
    pub async fn presign_get(&self, key: &str, ttl: Duration) -> Result<String, StoreError> {
        let request = self
            .client()
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .presigned(presigning(ttl)?)
            .await
            .map_err(|e| StoreError::call("s3", "presign_get", e))?;
        Ok(request.uri().to_owned())
    }

    /// Short-lived links to every file of a report's evidence.
    pub async fn links(&self, evidence: Option<&Evidence>, ttl: Duration) -> Result<Vec<EvidenceLink>, StoreError> {
        let Some(evidence) = evidence else {
            return Ok(Vec::new());
        };
        let expires_at = format(&(now_cst() + chrono::Duration::from_std(ttl).unwrap_or_default()));
        let mut links = Vec::with_capacity(evidence.files.len());
        for file in &evidence.files {
            links.push(EvidenceLink {
                kind: evidence.kind,
                content_type: file.content_type.clone(),
                size: file.size,
                url: self.presign_get(&file.key, ttl).await?,
                expires_at: expires_at.clone(),
            });
        }
        Ok(links)
    }

    /// What S3 holds at `key`, or `None` if nothing was uploaded there.
    pub async fn head(&self, key: &str) -> Result<Option<StoredObject>, StoreError> {
        match self.client().head_object().bucket(&self.bucket).key(key).send().await {
            Ok(output) => Ok(Some(StoredObject {
                content_type: output.content_type,
                size: output.content_length.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
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
