//! `POST /v1/staff/reports/{serial}/package`: the evidence package (导出证据包), one ZIP a staff
//! member with the report in reach hands to a legal department: the sealed originals, the signed
//! manifest, the custody log and the public key (docs/evidence.md). Written to S3 and handed out
//! by a short link; the package is itself a custody entry, written before anything is built.

use serde::Serialize;
use sha2::{Digest, Sha256};
use shared::adapters::dynamo::ReportRecord;
use shared::adapters::kms::pem;
use shared::app::App;
use shared::domain::Rejection;
use shared::domain::digest::hex;
use shared::domain::report::custody::{Look, Tail};
use shared::domain::report::serial::Serial;
use shared::domain::staff::Staff;
use shared::domain::staff::actions::actor;
use shared::domain::time::{format, now_cst};
use shared::domain::views::package::{README, manifest, statement};
use shared::http::ApiError;
use shared::http::response::attachment;
use shared::reads::report::record_in_reach;
use std::io::Write;
use zip::write::SimpleFileOptions;

#[derive(Debug, Serialize)]
pub struct Packaged {
    /// A presigned GET that saves the ZIP, valid until `expires_at`.
    pub url: String,
    pub expires_at: String,
    pub file_name: String,
    pub size: u64,
    /// SHA-256 of `manifest.json`, the value the signature covers.
    pub manifest_sha256: String,
}

pub async fn package(app: &App, staff: &Staff, serial: &Serial) -> Result<Packaged, ApiError> {
    let Some(signer) = &app.signer else {
        tracing::error!("EVIDENCE_SIGNING_KEY is not set: no evidence package can be signed");
        return Err(ApiError::unavailable());
    };
    let ReportRecord {
        report, mut custody, ..
    } = record_in_reach(app, staff, serial).await?;
    let sealed = report.evidence_files();
    if sealed.is_empty() {
        return Err(Rejection::conflict("no_evidence", "该举报没有举证材料,无法导出证据包").into());
    }
    let now = now_cst();
    let who = actor(staff, app.directory);
    let id = uuid::Uuid::new_v4().simple().to_string();
    // Recorded first: the manifest then signs the log through this package's own entry.
    let recorded = app
        .records
        .append_custody(
            serial.as_str(),
            Tail::of(&custody),
            vec![Look::package(who.clone(), &id)],
            now,
        )
        .await?;
    custody.extend(recorded);
    let manifest = manifest(&report, &custody, who, now, signer.key_id(), &app.directory.regions)
        .ok_or_else(ApiError::internal)?;
    let manifest_json = serde_json::to_vec_pretty(&manifest).map_err(|_| ApiError::internal())?;
    let custody_json = serde_json::to_vec_pretty(&custody).map_err(|_| ApiError::internal())?;
    let digest = hex(&Sha256::digest(&manifest_json));
    let statement = statement(&digest);
    let file_name = format!("证据包-{serial}.zip");
    let disposition = attachment(&file_name, &format!("evidence-package-{serial}.zip"));
    let key = format!("packages/{serial}/{id}.zip");
    let ttl = app.settings.evidence_url_ttl;
    let (signature, public_key, originals, url) = tokio::try_join!(
        signer.sign(statement.as_bytes()),
        signer.public_key(),
        futures_util::future::try_join_all(sealed.iter().map(|s| app.evidence.read_file(s.file))),
        app.evidence.package_link(&key, &disposition, ttl)
    )?;
    let mut members: Vec<(String, Vec<u8>)> = vec![
        ("README.txt".into(), README.as_bytes().to_vec()),
        ("manifest.json".into(), manifest_json),
        ("manifest.sha256".into(), statement.into_bytes()),
        ("manifest.sig".into(), signature),
        ("public-key.pem".into(), pem("PUBLIC KEY", &public_key).into_bytes()),
        ("custody.json".into(), custody_json),
    ];
    members.extend(manifest.files.iter().map(|f| f.name.clone()).zip(originals));
    let zip = write_zip(members).map_err(|error| {
        tracing::error!(%error, "evidence package not written");
        ApiError::internal()
    })?;
    let size = zip.len() as u64;
    app.evidence.put_package(&key, zip).await?;
    tracing::info!(serial = %serial, staff = %staff.sub, package = %id, size, "evidence package made");
    Ok(Packaged {
        url,
        expires_at: format(&(now + chrono::Duration::from_std(ttl).unwrap_or_default())),
        file_name,
        size,
        manifest_sha256: digest,
    })
}

/// The members stored as they are (photos and videos do not compress).
fn write_zip(members: Vec<(String, Vec<u8>)>) -> zip::result::ZipResult<Vec<u8>> {
    let capacity = members.iter().map(|(_, bytes)| bytes.len() + 128).sum();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::with_capacity(capacity)));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Stored)
        .large_file(false);
    for (name, bytes) in members {
        zip.start_file(name, options)?;
        zip.write_all(&bytes)?;
    }
    Ok(zip.finish()?.into_inner())
}
