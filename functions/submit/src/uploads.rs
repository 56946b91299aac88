//! Issuing presigned PUTs: validate the declaration, record it, sign it.

use serde::Serialize;
use shared::app::App;
use shared::domain::evidence::{UploadRequest, plan_uploads};
use shared::domain::report::Reporter;
use shared::domain::time::{format, now_cst};
use shared::http::ApiError;
use shared::http::request::parse;
use std::collections::BTreeMap;

#[derive(Debug, Serialize)]
pub struct IssuedUpload {
    pub key: String,
    pub url: String,
    pub method: &'static str,
    pub headers: BTreeMap<String, String>,
    pub expires_at: String,
}

#[derive(Debug, Serialize)]
pub struct Issued {
    pub uploads: Vec<IssuedUpload>,
}

pub async fn issue(app: &App, citizen: &Reporter, body: serde_json::Value) -> Result<Issued, ApiError> {
    let request: UploadRequest = parse(body)?;
    let now = now_cst();
    let planned = plan_uploads(&request, &citizen.sub, now, || {
        uuid::Uuid::new_v4().simple().to_string()
    })?;
    app.records.put_uploads(&planned, now.timestamp()).await?;
    let ttl = app.settings.upload_url_ttl;
    let expires_at = format(&(now + chrono::Duration::from_std(ttl).unwrap_or_default()));
    let mut uploads = Vec::with_capacity(planned.len());
    for upload in &planned {
        let presigned = app.evidence.presign_put(upload, ttl).await?;
        uploads.push(IssuedUpload {
            key: upload.key.clone(),
            url: presigned.url,
            method: "PUT",
            headers: presigned.headers,
            expires_at: expires_at.clone(),
        });
    }
    Ok(Issued { uploads })
}
