//! Evidence (举证材料): up to 3 images of at most 60 MB each, or one video of at most 100 MB,
//! never both. Files go straight to S3 under the uploader's own prefix; a report may cite a file
//! only if it exists there, matches what was declared, and no other report cites it.

use crate::domain::Rejection;
use crate::domain::digest::sha256_hex;
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

/// One file the caller may put, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    pub key: String,
    /// The uploader's `sub`, hashed as in the key's prefix.
    pub owner: String,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub created_at: DateTime<FixedOffset>,
    /// The report that cites this file, once one does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// The hashed owner segment of a citizen's upload keys: stable, and it does not expose `sub`.
pub fn owner_of(sub: &str) -> String {
    sha256_hex(sub, 16)
}

/// Where a citizen's uploads live in the bucket.
pub fn prefix_of(owner: &str) -> String {
    format!("uploads/{owner}/")
}

/// Validates an upload request and names one key per file under the caller's prefix.
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
                key: format!("{}{}.{ext}", prefix_of(&owner), new_id()),
                owner: owner.clone(),
                kind,
                content_type,
                size,
                created_at: now,
                serial: None,
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
/// lies under the caller's own prefix.
pub fn check_citation(input: &EvidenceInput, sub: &str) -> Result<(EvidenceKind, Vec<String>), Rejection> {
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
    let prefix = prefix_of(&owner_of(sub));
    for (i, key) in keys.iter().enumerate() {
        if !key.starts_with(&prefix) || key.len() > 200 {
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

/// One file a report cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceFile {
    pub key: String,
    pub content_type: String,
    pub size: u64,
}

/// The evidence a report carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    pub files: Vec<EvidenceFile>,
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
    fn three_images_get_three_keys_under_the_callers_prefix() {
        let uploads = plan(&request(
            "image",
            &[("image/jpeg", 10), ("image/png", 20), ("image/webp", 30)],
        ))
        .unwrap();
        let prefix = prefix_of(&owner_of("citizen-1"));
        let keys: Vec<_> = uploads.iter().map(|u| u.key.clone()).collect();
        assert_eq!(
            keys,
            [
                format!("{prefix}id1.jpg"),
                format!("{prefix}id2.png"),
                format!("{prefix}id3.webp")
            ]
        );
        assert!(!keys[0].contains("citizen-1"), "the key does not expose the subject");
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
    fn a_citation_must_stay_under_the_callers_prefix_without_repeats() {
        let mine = format!("{}a.jpg", prefix_of(&owner_of("me")));
        let theirs = format!("{}a.jpg", prefix_of(&owner_of("them")));
        assert!(check_citation(&citation("image", std::slice::from_ref(&mine)), "me").is_ok());
        assert!(check_citation(&citation("image", &[theirs]), "me").is_err());
        assert!(check_citation(&citation("image", &[mine.clone(), mine.clone()]), "me").is_err());
        assert!(check_citation(&citation("video", &[mine.clone(), format!("{mine}2")]), "me").is_err());
        assert!(check_citation(&citation("image", &[]), "me").is_err());
        assert!(check_citation(&citation("both", std::slice::from_ref(&mine)), "me").is_err());
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
        }
    }

    #[test]
    fn an_upload_must_be_there_be_yours_and_match_its_declaration() {
        let object = StoredObject {
            content_type: Some("image/jpeg".into()),
            size: 100,
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
