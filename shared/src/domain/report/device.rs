//! What a photo's device recorded in it (EXIF): capture time, GPS position, make and model. Read
//! once, at seal, for staff only, and always labelled as the device's claim: metadata can be
//! edited, and many phones and browsers strip it on upload.

use crate::domain::geo::Location;
use exif::{Exif, In, Reader, Tag, Value};
use serde::{Deserialize, Serialize};

/// How much of a photo's beginning is read for its EXIF: JPEG, PNG and WebP keep it near the
/// start, and phones write HEIC's metadata before the image data.
pub const EXIF_HEAD_BYTES: u64 = 256 * 1024;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeviceClaim {
    /// `DateTimeOriginal` (else `DateTime`) as the device wrote it, `YYYY-MM-DD HH:MM:SS`, with
    /// no time zone (EXIF 2.3 keeps it apart, and few devices write it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub taken_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Location>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub make: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
}

/// The device's claim in a photo's first bytes; `None` when it holds none of it.
pub fn read_claim(head: &[u8]) -> Option<DeviceClaim> {
    let exif = Reader::new()
        .read_from_container(&mut std::io::Cursor::new(head))
        .ok()?;
    let taken_at = text(&exif, Tag::DateTimeOriginal)
        .or_else(|| text(&exif, Tag::DateTime))
        .and_then(|t| exif_time(&t));
    let claim = DeviceClaim {
        taken_at,
        position: position(&exif),
        make: text(&exif, Tag::Make),
        model: text(&exif, Tag::Model),
    };
    let empty = claim.taken_at.is_none() && claim.position.is_none() && claim.make.is_none() && claim.model.is_none();
    (!empty).then_some(claim)
}

fn text(exif: &Exif, tag: Tag) -> Option<String> {
    match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Ascii(parts) => {
            let joined: String = parts
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            let trimmed = joined.trim_matches(|c: char| c == '\0' || c.is_whitespace()).to_owned();
            (!trimmed.is_empty()).then_some(trimmed)
        }
        _ => None,
    }
}

/// `2024:05:01 10:00:00` as `2024-05-01 10:00:00`; `None` for the all-blank or malformed.
fn exif_time(text: &str) -> Option<String> {
    let parsed = chrono::NaiveDateTime::parse_from_str(text, "%Y:%m:%d %H:%M:%S").ok()?;
    Some(parsed.format("%Y-%m-%d %H:%M:%S").to_string())
}

/// Degrees from EXIF's degrees, minutes, seconds and its N/S or E/W reference.
fn coordinate(exif: &Exif, value: Tag, reference: Tag, negative: &str) -> Option<f64> {
    let Value::Rational(parts) = &exif.get_field(value, In::PRIMARY)?.value else {
        return None;
    };
    let [d, m, s] = parts.as_slice() else {
        return None;
    };
    let degrees = d.to_f64() + m.to_f64() / 60.0 + s.to_f64() / 3600.0;
    if !degrees.is_finite() {
        return None;
    }
    let sign = if text(exif, reference).as_deref() == Some(negative) {
        -1.0
    } else {
        1.0
    };
    Some(sign * degrees)
}

fn position(exif: &Exif) -> Option<Location> {
    let lat = coordinate(exif, Tag::GPSLatitude, Tag::GPSLatitudeRef, "S")?;
    let lng = coordinate(exif, Tag::GPSLongitude, Tag::GPSLongitudeRef, "W")?;
    ((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lng)).then_some(Location { lat, lng })
}

/// A JPEG of `jpeg` with an EXIF block of these fields put first (for tests: the platform never
/// writes EXIF).
#[cfg(any(test, feature = "testing"))]
pub fn with_exif(jpeg: &[u8], fields: &[exif::Field]) -> Vec<u8> {
    let mut writer = exif::experimental::Writer::new();
    for field in fields {
        writer.push_field(field);
    }
    let mut tiff = std::io::Cursor::new(Vec::new());
    writer.write(&mut tiff, false).expect("EXIF written");
    let payload = [b"Exif\0\0".as_slice(), tiff.get_ref()].concat();
    let length = u16::try_from(payload.len() + 2).expect("an APP1 segment under 64 KB");
    let mut out = Vec::with_capacity(jpeg.len() + payload.len() + 4);
    out.extend_from_slice(&jpeg[..2]); // SOI
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// The EXIF fields of a photo taken at Wuhan's 中南路 on 2024-05-01 10:00:00 with a 华为 P60.
#[cfg(any(test, feature = "testing"))]
pub fn sample_fields() -> Vec<exif::Field> {
    use exif::{Field, Rational};
    let ascii = |tag: Tag, text: &str| Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Ascii(vec![text.as_bytes().to_vec()]),
    };
    let dms = |tag: Tag, d: u32, m: u32, s_hundredths: u32| Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Rational(vec![
            Rational::from((d, 1)),
            Rational::from((m, 1)),
            Rational::from((s_hundredths, 100)),
        ]),
    };
    vec![
        ascii(Tag::Make, "HUAWEI"),
        ascii(Tag::Model, "P60"),
        ascii(Tag::DateTimeOriginal, "2024:05:01 10:00:00"),
        ascii(Tag::GPSLatitudeRef, "N"),
        dms(Tag::GPSLatitude, 30, 32, 2400),
        ascii(Tag::GPSLongitudeRef, "E"),
        dms(Tag::GPSLongitude, 114, 19, 4800),
    ]
}

/// An EXIF Orientation field (6: the camera was turned; shown turned 90° clockwise).
#[cfg(any(test, feature = "testing"))]
pub fn orientation_field(value: u16) -> exif::Field {
    exif::Field {
        tag: Tag::Orientation,
        ifd_num: In::PRIMARY,
        value: Value::Short(vec![value]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Start and end of image only: the EXIF reader needs no image data.
    const BARE_JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xD9];

    #[test]
    fn a_photos_capture_time_position_and_device_are_read() {
        let photo = with_exif(BARE_JPEG, &sample_fields());
        let claim = read_claim(&photo).expect("a claim");
        assert_eq!(claim.taken_at.as_deref(), Some("2024-05-01 10:00:00"));
        assert_eq!(claim.make.as_deref(), Some("HUAWEI"));
        assert_eq!(claim.model.as_deref(), Some("P60"));
        let position = claim.position.expect("a position");
        assert!((position.lat - (30.0 + 32.0 / 60.0 + 24.0 / 3600.0)).abs() < 1e-9);
        assert!((position.lng - (114.0 + 19.0 / 60.0 + 48.0 / 3600.0)).abs() < 1e-9);
    }

    #[test]
    fn a_photo_without_exif_claims_nothing() {
        assert_eq!(read_claim(BARE_JPEG), None);
        assert_eq!(read_claim(b"not an image"), None);
        assert_eq!(read_claim(&[]), None);
    }

    #[test]
    fn southern_and_western_positions_are_negative() {
        let mut fields = sample_fields();
        for field in &mut fields {
            match field.tag {
                Tag::GPSLatitudeRef => field.value = Value::Ascii(vec![b"S".to_vec()]),
                Tag::GPSLongitudeRef => field.value = Value::Ascii(vec![b"W".to_vec()]),
                _ => {}
            }
        }
        let position = read_claim(&with_exif(BARE_JPEG, &fields)).unwrap().position.unwrap();
        assert!(position.lat < 0.0 && position.lng < 0.0);
    }
}
