//! Evidence a citizen cites, a report's or an answer's (补充材料): each upload checked against its
//! record and S3, then sealed (a copy no upload link reaches, its SHA-256 recorded).

use shared::app::App;
use shared::domain::Rejection;
use shared::domain::report::Reporter;
use shared::domain::report::device::{EXIF_HEAD_BYTES, read_claim};
use shared::domain::report::evidence::{Evidence, EvidenceFile, EvidenceKind, Upload, check_upload};
use shared::domain::time::now_cst;
use shared::http::ApiError;

pub fn evidence_in_use() -> ApiError {
    Rejection::conflict("evidence_in_use", "该举证材料已被其他举报引用").into()
}

impl Checked {
    /// Each file's upload key with the version sealed, for the claims.
    pub fn claims(&self) -> Vec<(String, String)> {
        self.files
            .iter()
            .map(|f| (f.upload.key.clone(), f.version_id.clone()))
            .collect()
    }
}

/// Cited uploads as checked: each upload's record and the version of it S3 held.
pub struct Checked {
    pub kind: EvidenceKind,
    pub files: Vec<CheckedFile>,
}

pub struct CheckedFile {
    pub upload: Upload,
    pub version_id: String,
}

/// Each cited upload must be the caller's, unclaimed, in S3 and as declared.
pub async fn check_evidence(
    app: &App,
    citizen: &Reporter,
    cited: Option<&(EvidenceKind, Vec<String>)>,
) -> Result<Option<Checked>, ApiError> {
    let Some((kind, keys)) = cited else {
        return Ok(None);
    };
    // The records and every cited object at once: one round trip, not two.
    let (records, objects) = tokio::try_join!(
        app.records.uploads(keys),
        futures_util::future::try_join_all(keys.iter().map(|key| app.evidence.head(key)))
    )?;
    let mut files = Vec::with_capacity(keys.len());
    for ((i, key), object) in keys.iter().enumerate().zip(objects) {
        let field = format!("evidence.keys[{i}]");
        let record = records.get(key);
        check_upload(&field, *kind, &citizen.sub, record, object.as_ref())?;
        let version_id = object.and_then(|o| o.version_id);
        if let (Some(upload), Some(version_id)) = (record, version_id) {
            files.push(CheckedFile {
                upload: upload.clone(),
                version_id,
            });
        } else {
            tracing::error!(key = %key, "an upload without a version: is the bucket versioned?");
            return Err(ApiError::internal());
        }
    }
    Ok(Some(Checked { kind: *kind, files }))
}

/// Seals every checked file at once, reading each photo's EXIF beside its copy.
pub async fn seal(app: &App, checked: &Checked) -> Result<Evidence, ApiError> {
    let now = now_cst();
    let retain_until = app
        .settings
        .evidence_lock_days
        .map(|days| now + chrono::Duration::days(i64::from(days)));
    let sealed = futures_util::future::try_join_all(checked.files.iter().map(|file| async move {
        let (key, version) = (&file.upload.key, &file.version_id);
        let device = async {
            if checked.kind != EvidenceKind::Image {
                return Ok(None);
            }
            let head = app.evidence.head_bytes(key, version, EXIF_HEAD_BYTES).await?;
            Ok::<_, ApiError>(read_claim(&head))
        };
        let (copy, device) = tokio::try_join!(
            async { Ok::<_, ApiError>(app.evidence.seal(key, version, retain_until).await?) },
            device
        )?;
        Ok::<_, ApiError>(copy.map(|copy| EvidenceFile::sealed(&file.upload, copy, device, now)))
    }))
    .await?;
    let files = sealed
        .into_iter()
        .map(|file| file.ok_or_else(evidence_in_use))
        .collect::<Result<_, _>>()?;
    Ok(Evidence {
        kind: checked.kind,
        files,
    })
}
