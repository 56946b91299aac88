//! Previews of sealed photos, for staff: a preview (longest side ≤ 1600 px) and a thumbnail
//! (≤ 320 px) per photo, re-encoded as JPEG with no metadata at all. The `evidence` function
//! makes them off the request path and records them on the report once (`Report::previews`);
//! until then a file's preview is pending. They are derived copies, never evidence: the sealed
//! original is what the custody log and the package speak of (docs/evidence.md).

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// Longest side of a preview and of a thumbnail, in pixels.
pub const PREVIEW_SIDE: u32 = 1600;
pub const THUMBNAIL_SIDE: u32 = 320;

/// How long after submission a report's previews count as being made; later, as missing.
pub const PREVIEW_WAIT_MINUTES: i64 = 10;

/// Where the previews live: beside the sealed files, under a prefix of their own.
pub const PREVIEW_PREFIX: &str = "previews/";

/// The preview and thumbnail keys of the sealed file at `sealed_key` (`evidence/{id}.{ext}`).
pub fn preview_keys(sealed_key: &str) -> (String, String) {
    let name = sealed_key.rsplit('/').next().unwrap_or(sealed_key);
    let id = name.split('.').next().unwrap_or(name);
    (
        format!("{PREVIEW_PREFIX}{id}-{PREVIEW_SIDE}.jpg"),
        format!("{PREVIEW_PREFIX}{id}-{THUMBNAIL_SIDE}.jpg"),
    )
}

/// One stored rendition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rendition {
    pub key: String,
    pub width: u32,
    pub height: u32,
    pub size: u64,
}

/// Why a file has no preview.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoPreview {
    /// A video: no decoder is practical in Lambda (docs/evidence.md); staff play the original.
    Video,
    /// A photo format no maintained pure-Rust decoder reads (HEIC).
    Unsupported,
    /// Larger than a preview can be decoded from within the function's memory.
    TooLarge,
    /// The file does not decode as what it claims to be.
    Undecodable,
}

impl NoPreview {
    /// What staff read in place of the preview.
    pub fn message(self) -> &'static str {
        match self {
            NoPreview::Video => "视频无预览,请播放原件",
            NoPreview::Unsupported => "该格式暂不支持预览,请查看原图",
            NoPreview::TooLarge => "图片尺寸过大,无法生成预览,请查看原图",
            NoPreview::Undecodable => "图片无法解码,请查看原图",
        }
    }
}

/// One file's previews, in the order of the report's evidence files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FilePreview {
    Made { preview: Rendition, thumbnail: Rendition },
    None { reason: NoPreview },
}

/// What the `evidence` function recorded on a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Previews {
    pub files: Vec<FilePreview>,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub made_at: DateTime<FixedOffset>,
}

/// The longest side of an image `width` × `height` brought to at most `side`, keeping its
/// proportions (never enlarged, never below one pixel).
pub fn fit(width: u32, height: u32, side: u32) -> (u32, u32) {
    let longest = width.max(height);
    if longest <= side || longest == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |edge: u32| ((u64::from(edge) * u64::from(side) + u64::from(longest) / 2) / u64::from(longest)).max(1);
    (
        u32::try_from(scale(width)).unwrap_or(side),
        u32::try_from(scale(height)).unwrap_or(side),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previews_sit_beside_the_sealed_file_under_their_own_prefix() {
        let (preview, thumbnail) = preview_keys("evidence/0b1c.jpg");
        assert_eq!(preview, "previews/0b1c-1600.jpg");
        assert_eq!(thumbnail, "previews/0b1c-320.jpg");
        assert_eq!(preview_keys("evidence/a.heic").0, "previews/a-1600.jpg");
    }

    #[test]
    fn fitting_keeps_proportions_and_never_enlarges() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 320), (240, 320));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(16320, 12240, 1600), (1600, 1200));
        assert_eq!(fit(10000, 1, 320), (320, 1));
        assert_eq!(fit(0, 0, 320), (1, 1));
    }

    #[test]
    fn a_file_without_previews_says_why_in_words() {
        let none = FilePreview::None {
            reason: NoPreview::Unsupported,
        };
        let stored = serde_json::to_value(&none).unwrap();
        assert_eq!(stored, serde_json::json!({"state": "none", "reason": "unsupported"}));
        assert!(NoPreview::Video.message().contains("视频"));
    }
}
