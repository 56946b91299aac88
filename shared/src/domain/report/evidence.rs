//! Evidence (举证材料): up to 3 images of at most 60 MB each, or one video of at most 100 MB,
//! never both. Files go straight to S3 under `uploads/`; a report may cite a file only if its
//! record names the caller, it exists there, matches what was declared, and no other report cites
//! it. The report then seals each file: a copy under `evidence/`, which no upload link or form can
//! reach, recorded with its version and SHA-256 (docs/evidence.md).

use crate::domain::Rejection;
use crate::domain::digest::sha256_hex;
use crate::domain::report::device::DeviceClaim;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

const MIB: u64 = 1024 * 1024;
pub const MAX_IMAGES: usize = 3;
pub const MAX_IMAGE_BYTES: u64 = 60 * MIB;
pub const MAX_VIDEOS: usize = 1;
pub const MAX_VIDEO_BYTES: u64 = 100 * MIB;

/// Accepted content types and the file extension each is stored with.
pub const IMAGE_TYPES: [(&str, &str); 4] = [
    ("image/jpeg", "jpg"),
    ("image/png", "png"),
    ("image/heic", "heic"),
    ("image/webp", "webp"),
];
pub const VIDEO_TYPES: [(&str, &str); 2] = [("video/mp4", "mp4"), ("video/quicktime", "mov")];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvidenceKind {
    Image,
    Video,
}

impl EvidenceKind {
    pub fn parse(text: &str) -> Option<EvidenceKind> {
        match text {
            "image" => Some(EvidenceKind::Image),
            "video" => Some(EvidenceKind::Video),
            _ => None,
        }
    }

    pub fn max_files(self) -> usize {
        match self {
            EvidenceKind::Image => MAX_IMAGES,
            EvidenceKind::Video => MAX_VIDEOS,
        }
    }

    pub fn max_bytes(self) -> u64 {
        match self {
            EvidenceKind::Image => MAX_IMAGE_BYTES,
            EvidenceKind::Video => MAX_VIDEO_BYTES,
        }
    }

    fn types(self) -> &'static [(&'static str, &'static str)] {
        match self {
            EvidenceKind::Image => &IMAGE_TYPES,
            EvidenceKind::Video => &VIDEO_TYPES,
        }
    }

    /// The extension a file of `content_type` is stored with, if this kind accepts that type.
    pub fn extension(self, content_type: &str) -> Option<&'static str> {
        self.types()
            .iter()
            .find(|(t, _)| *t == content_type)
            .map(|(_, ext)| *ext)
    }

    pub fn content_types(self) -> Vec<&'static str> {
        self.types().iter().map(|(t, _)| *t).collect()
    }

    fn label(self) -> &'static str {
        match self {
            EvidenceKind::Image => "图片",
            EvidenceKind::Video => "视频",
        }
    }
}

/// The body of `POST /v1/uploads`.
#[derive(Debug, Deserialize)]
pub struct UploadRequest {
    pub kind: Option<String>,
    pub files: Option<Vec<FileDeclaration>>,
}

#[derive(Debug, Deserialize)]
pub struct FileDeclaration {
    pub content_type: Option<String>,
    #[serde(default, deserialize_with = "crate::domain::number::optional_whole")]
    pub size: Option<u64>,
}

/// Where citizens upload. Keys carry no trace of who uploaded: ownership is the upload record's.
pub const UPLOAD_PREFIX: &str = "uploads/";
/// Where sealed evidence lives; upload links and forms name keys under `UPLOAD_PREFIX` only.
pub const SEALED_PREFIX: &str = "evidence/";

/// One file the caller may put, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub key: String,
    /// The uploader's `sub`, hashed (the record is never shown; the key carries no owner).
    pub owner: String,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    /// The report that cites this file, once one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// The version that report sealed: the one the `evidence` function then deletes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_id: Option<String>,
}

/// Who an upload record belongs to: stable, and it does not expose `sub`.
pub fn owner_of(sub: &str) -> String {
    sha256_hex(sub, 16)
}

/// Where a cited upload is sealed: the same random name under `SEALED_PREFIX`.
pub fn sealed_key(upload_key: &str) -> String {
    let name = upload_key.rsplit('/').next().unwrap_or(upload_key);
    format!("{SEALED_PREFIX}{name}")
}

/// Validates an upload request and names one random key per file.
pub fn plan_uploads(
    request: &UploadRequest,
    sub: &str,
    now: DateTime<FixedOffset>,
    mut new_id: impl FnMut() -> String,
) -> Result<Vec<Upload>, Rejection> {
    let kind = match request.kind.as_deref() {
        None => return Err(Rejection::invalid("kind", "请选择上传方式(图片或视频)")),
        Some(text) => EvidenceKind::parse(text)
            .ok_or_else(|| Rejection::invalid("kind", "上传方式只能是图片(image)或视频(video)"))?,
    };
    let files = request.files.as_deref().unwrap_or_default();
    if files.is_empty() {
        return Err(Rejection::invalid("files", "请至少选择一个文件"));
    }
    if files.len() > kind.max_files() {
        return Err(Rejection::invalid(
            "files",
            format!("{}最多上传{}个", kind.label(), kind.max_files()),
        ));
    }
    let owner = owner_of(sub);
    files
        .iter()
        .enumerate()
        .map(|(i, file)| {
            let field = |name: &str| format!("files[{i}].{name}");
            let content_type = file
                .content_type
                .as_deref()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase();
            let Some(ext) = kind.extension(&content_type) else {
                return Err(Rejection::invalid(
                    field("content_type"),
                    format!("{}仅支持以下格式:{}", kind.label(), kind.content_types().join("、")),
                ));
            };
            let size = file.size.unwrap_or(0);
            if size == 0 {
                return Err(Rejection::invalid(field("size"), "文件大小无效"));
            }
            if size > kind.max_bytes() {
                return Err(Rejection::too_large(
                    field("size"),
                    format!("{}大小不能超过{}M", kind.label(), kind.max_bytes() / MIB),
                ));
            }
            Ok(Upload {
                key: format!("{UPLOAD_PREFIX}{}.{ext}", new_id()),
                owner: owner.clone(),
                kind,
                content_type,
                size,
                created_at: now,
                serial: None,
                version_id: None,
            })
        })
        .collect()
}

/// The `evidence` of a report body: which uploads it cites.
#[derive(Debug, Clone, Deserialize)]
pub struct EvidenceInput {
    pub kind: Option<String>,
    pub keys: Option<Vec<String>>,
}

/// Checks what can be checked without the store: kind, count, uniqueness, and that every key
/// names an upload (ownership is checked against the upload's record).
pub fn check_citation(input: &EvidenceInput) -> Result<(EvidenceKind, Vec<String>), Rejection> {
    let kind = input
        .kind
        .as_deref()
        .and_then(EvidenceKind::parse)
        .ok_or_else(|| Rejection::invalid("evidence.kind", "举证方式只能是图片(image)或视频(video)其中一种"))?;
    let keys = input.keys.clone().unwrap_or_default();
    if keys.is_empty() {
        return Err(Rejection::invalid("evidence.keys", "请上传举证材料"));
    }
    if keys.len() > kind.max_files() {
        return Err(Rejection::invalid(
            "evidence.keys",
            format!("{}最多上传{}个", kind.label(), kind.max_files()),
        ));
    }
    for (i, key) in keys.iter().enumerate() {
        let name = key.strip_prefix(UPLOAD_PREFIX).unwrap_or_default();
        if name.is_empty() || name.contains('/') || key.len() > 200 {
            return Err(Rejection::invalid(
                format!("evidence.keys[{i}]"),
                "举证材料不存在或不属于您",
            ));
        }
        if keys[..i].contains(key) {
            return Err(Rejection::invalid(format!("evidence.keys[{i}]"), "举证材料重复"));
        }
    }
    Ok((kind, keys))
}

/// What S3 says of an uploaded object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    pub content_type: Option<String>,
    pub size: u64,
    /// The version checked: the one sealed, whatever is put at the key afterwards.
    pub version_id: Option<String>,
}

/// Checks one cited upload against its record and the object S3 holds.
pub fn check_upload(
    field: &str,
    kind: EvidenceKind,
    sub: &str,
    record: Option<&Upload>,
    object: Option<&StoredObject>,
) -> Result<(), Rejection> {
    let record = record
        .filter(|r| r.owner == owner_of(sub))
        .ok_or_else(|| Rejection::invalid(field, "举证材料不存在或不属于您"))?;
    if record.serial.is_some() {
        return Err(Rejection::conflict("evidence_in_use", "该举证材料已被其他举报引用"));
    }
    if record.kind != kind {
        return Err(Rejection::invalid(field, "举证材料类型与所选举证方式不符"));
    }
    let object = object.ok_or_else(|| Rejection::invalid(field, "举证材料尚未上传完成"))?;
    if object.size != record.size || object.content_type.as_deref() != Some(record.content_type.as_str()) {
        return Err(Rejection::invalid(field, "举证材料与申报的类型或大小不符"));
    }
    Ok(())
}

/// What sealing one file produced: S3's own version and SHA-256 of the stored copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedCopy {
    pub key: String,
    pub version_id: String,
    /// Lower-case hex, as `sha256sum` prints it.
    pub sha256: String,
}

/// One file a report cites: a sealed copy, pinned to its version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub key: String,
    pub version_id: String,
    pub content_type: String,
    pub size: u64,
    /// Of the stored bytes, computed by S3 when it made the copy.
    pub sha256: String,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub sealed_at: DateTime<FixedOffset>,
    /// What a photo's device recorded in it, read at seal (staff only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceClaim>,
}

impl EvidenceFile {
    /// The file as sealed from an upload whose record says what it is.
    pub fn sealed(
        upload: &Upload,
        copy: SealedCopy,
        device: Option<DeviceClaim>,
        at: DateTime<FixedOffset>,
    ) -> EvidenceFile {
        EvidenceFile {
            key: copy.key,
            version_id: copy.version_id,
            content_type: upload.content_type.clone(),
            size: upload.size,
            sha256: copy.sha256,
            sealed_at: at,
            device,
        }
    }
}

/// The evidence a report carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub files: Vec<EvidenceFile>,
}

/// One sealed photo, for tests.
#[cfg(test)]
pub(crate) fn sealed_image(key: &str, sha256: &str, sealed_at: DateTime<FixedOffset>) -> Evidence {
    Evidence {
        kind: EvidenceKind::Image,
        files: vec![EvidenceFile {
            key: key.into(),
            version_id: "v1".into(),
            content_type: "image/jpeg".into(),
            size: 5,
            sha256: sha256.into(),
            sealed_at,
            device: None,
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2024-05-01T10:00:00+08:00").unwrap()
    }

    fn request(kind: &str, files: &[(&str, u64)]) -> UploadRequest {
        UploadRequest {
            kind: Some(kind.into()),
            files: Some(
                files
                    .iter()
                    .map(|(t, s)| FileDeclaration {
                        content_type: Some((*t).into()),
                        size: Some(*s),
                    })
                    .collect(),
            ),
        }
    }

    fn plan(req: &UploadRequest) -> Result<Vec<Upload>, Rejection> {
        let mut n = 0;
        plan_uploads(req, "citizen-1", now(), || {
            n += 1;
            format!("id{n}")
        })
    }

    #[test]
    fn three_images_get_three_random_keys_that_name_no_owner() {
        let uploads = plan(&request(
            "image",
            &[("image/jpeg", 10), ("image/png", 20), ("image/webp", 30)],
        ))
        .unwrap();
        let keys: Vec<_> = uploads.iter().map(|u| u.key.clone()).collect();
        assert_eq!(keys, ["uploads/id1.jpg", "uploads/id2.png", "uploads/id3.webp"]);
        assert!(
            keys.iter()
                .all(|k| !k.contains(&owner_of("citizen-1")) && !k.contains("citizen-1")),
            "a key names no owner, hashed or not"
        );
        assert_eq!(uploads[0].owner, owner_of("citizen-1"));
    }

    #[test]
    fn a_fourth_image_or_a_second_video_is_refused() {
        let four = request("image", &[("image/jpeg", 1); 4]);
        assert!(matches!(plan(&four), Err(Rejection::Invalid { field, .. }) if field == "files"));
        let two = request("video", &[("video/mp4", 1); 2]);
        assert!(matches!(plan(&two), Err(Rejection::Invalid { field, .. }) if field == "files"));
    }

    #[test]
    fn sizes_are_bounded_per_kind() {
        assert!(plan(&request("image", &[("image/jpeg", MAX_IMAGE_BYTES)])).is_ok());
        assert!(matches!(
            plan(&request("image", &[("image/jpeg", MAX_IMAGE_BYTES + 1)])),
            Err(Rejection::TooLarge { .. })
        ));
        assert!(plan(&request("video", &[("video/mp4", MAX_VIDEO_BYTES)])).is_ok());
        assert!(matches!(
            plan(&request("video", &[("video/quicktime", MAX_VIDEO_BYTES + 1)])),
            Err(Rejection::TooLarge { .. })
        ));
        assert!(
            matches!(plan(&request("image", &[("image/jpeg", 0)])), Err(Rejection::Invalid { field, .. }) if field == "files[0].size")
        );
    }

    #[test]
    fn images_and_videos_do_not_mix_and_other_types_are_refused() {
        assert!(plan(&request("image", &[("video/mp4", 1)])).is_err());
        assert!(plan(&request("video", &[("image/jpeg", 1)])).is_err());
        assert!(plan(&request("image", &[("image/gif", 1)])).is_err());
        assert!(plan(&request("image", &[("text/html", 1)])).is_err());
        assert!(plan(&request("audio", &[("image/jpeg", 1)])).is_err());
        assert!(
            plan(&UploadRequest {
                kind: None,
                files: None
            })
            .is_err()
        );
        assert!(plan(&request("image", &[])).is_err());
    }

    #[test]
    fn content_types_are_matched_case_insensitively() {
        assert_eq!(
            plan(&request("image", &[("IMAGE/JPEG", 1)])).unwrap()[0].content_type,
            "image/jpeg"
        );
    }

    fn citation(kind: &str, keys: &[String]) -> EvidenceInput {
        EvidenceInput {
            kind: Some(kind.into()),
            keys: Some(keys.to_vec()),
        }
    }

    #[test]
    fn a_citation_names_uploads_only_without_repeats() {
        let upload = "uploads/a.jpg".to_owned();
        assert!(check_citation(&citation("image", std::slice::from_ref(&upload))).is_ok());
        for elsewhere in ["evidence/a.jpg", "uploads/", "uploads/x/a.jpg", "a.jpg"] {
            assert!(
                check_citation(&citation("image", &[elsewhere.into()])).is_err(),
                "{elsewhere}"
            );
        }
        assert!(check_citation(&citation("image", &[upload.clone(), upload.clone()])).is_err());
        assert!(check_citation(&citation("video", &[upload.clone(), format!("{upload}2")])).is_err());
        assert!(check_citation(&citation("image", &[])).is_err());
        assert!(check_citation(&citation("both", std::slice::from_ref(&upload))).is_err());
    }

    #[test]
    fn an_upload_is_sealed_under_its_own_name_out_of_uploads_reach() {
        assert_eq!(sealed_key("uploads/0a1b.jpg"), "evidence/0a1b.jpg");
        assert!(!sealed_key("uploads/0a1b.jpg").starts_with(UPLOAD_PREFIX));
    }

    fn record(sub: &str) -> Upload {
        Upload {
            key: "k".into(),
            owner: owner_of(sub),
            kind: EvidenceKind::Image,
            content_type: "image/jpeg".into(),
            size: 100,
            created_at: now(),
            serial: None,
            version_id: None,
        }
    }

    #[test]
    fn an_upload_must_be_there_be_yours_and_match_its_declaration() {
        let object = StoredObject {
            content_type: Some("image/jpeg".into()),
            size: 100,
            version_id: Some("v1".into()),
        };
        let ok = check_upload("f", EvidenceKind::Image, "me", Some(&record("me")), Some(&object));
        assert!(ok.is_ok());
        assert!(check_upload("f", EvidenceKind::Image, "me", Some(&record("them")), Some(&object)).is_err());
        assert!(check_upload("f", EvidenceKind::Image, "me", None, Some(&object)).is_err());
        assert!(check_upload("f", EvidenceKind::Image, "me", Some(&record("me")), None).is_err());
        assert!(check_upload("f", EvidenceKind::Video, "me", Some(&record("me")), Some(&object)).is_err());
        let bigger = StoredObject {
            size: 101,
            ..object.clone()
        };
        assert!(check_upload("f", EvidenceKind::Image, "me", Some(&record("me")), Some(&bigger)).is_err());
        let png = StoredObject {
            content_type: Some("image/png".into()),
            ..object.clone()
        };
        assert!(check_upload("f", EvidenceKind::Image, "me", Some(&record("me")), Some(&png)).is_err());
        let cited = Upload {
            serial: Some("221215170850330".into()),
            ..record("me")
        };
        assert!(matches!(
            check_upload("f", EvidenceKind::Image, "me", Some(&cited), Some(&object)),
            Err(Rejection::Conflict {
                code: "evidence_in_use",
                ..
            })
        ));
    }
}
