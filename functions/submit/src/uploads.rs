//! Issuing uploads: validate the declaration, record it, sign a PUT and a POST form per file.

use serde::Serialize;
use shared::adapters::dynamo::{Allowance, UPLOADS_COUNTED, UploadOutcome};
use shared::adapters::post_policy::PostForm;
use shared::app::App;
use shared::domain::report::Reporter;
use shared::domain::report::evidence::{UploadRequest, plan_uploads};
use shared::domain::time::{day_key, format, now_cst};
use shared::http::ApiError;
use shared::http::request::decode_body;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct IssuedUpload {
    pub key: String,
    pub url: String,
    pub method: &'static str,
    pub headers: BTreeMap<String, String>,
    /// The same upload as a multipart POST (mini-programs' `uploadFile`); S3 checks its policy.
    pub post: PostForm,
    pub expires_at: String,
}

#[derive(Debug, Serialize)]
pub struct Issued {
    pub uploads: Vec<IssuedUpload>,
}

pub async fn issue(app: &App, citizen: &Reporter, body: serde_json::Value) -> Result<Issued, ApiError> {
    let request: UploadRequest = decode_body(body)?;
    let now = now_cst();
    let planned = plan_uploads(&request, &citizen.sub, now, || {
        uuid::Uuid::new_v4().simple().to_string()
    })?;
    let day = day_key(&now);
    let allowance = Allowance {
        sub: &citizen.sub,
        day: &day,
        counted: UPLOADS_COUNTED,
        limit: app.settings.uploads_per_day,
    };
    if app.records.put_uploads(&planned, &allowance, now.timestamp()).await? == UploadOutcome::QuotaExceeded {
        return Err(ApiError::quota(format!(
            "每人每天最多上传{}个举证文件,请明天再试",
            app.settings.uploads_per_day
        )));
    }
    let ttl = app.settings.upload_url_ttl;
    let expires_at = format(&(now + chrono::Duration::from_std(ttl).unwrap_or_default()));
    let signed = app.evidence.presign_uploads(&planned, ttl).await?;
    let uploads = planned
        .iter()
        .zip(signed)
        .map(|(upload, (put, post))| IssuedUpload {
            key: upload.key.clone(),
            url: put.url,
            method: "PUT",
            headers: put.headers,
            post,
            expires_at: expires_at.clone(),
        })
        .collect();
    Ok(Issued { uploads })
}
