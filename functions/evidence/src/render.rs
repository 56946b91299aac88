//! Making a preview and a thumbnail of one photo: decoded within a memory bound, brought down
//! to size, turned upright by the orientation the device recorded, and re-encoded as a bare
//! JPEG (the encoder writes no EXIF, no position, no device: nothing but pixels).

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use shared::domain::report::preview::{NoPreview, PREVIEW_SIDE, THUMBNAIL_SIDE, fit};
use std::io::Cursor;

/// The most a decoded photo may take: its pixels at 3 bytes each (RGB). 200 megapixels (the
/// largest phone sensors, 16320 × 12240) fit; the function's memory holds this, the original and
/// the decoder's own buffers (docs/performance.md has the measured peak).
pub const MAX_DECODED_BYTES: u64 = 640 * 1024 * 1024;
/// Neither side longer than this, whatever the total (a 1 × 200 000 strip is no photo).
pub const MAX_SIDE: u32 = 20_000;

/// JPEG quality of previews and thumbnails: sharp enough to read signs and faces of a notice.
const QUALITY: u8 = 82;

/// One encoded rendition.
#[derive(Debug)]
pub struct Jpeg {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug)]
pub struct Rendered {
    pub preview: Jpeg,
    pub thumbnail: Jpeg,
}

fn format_of(content_type: &str) -> Option<ImageFormat> {
    match content_type {
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/png" => Some(ImageFormat::Png),
        "image/webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

fn no_preview(error: &ImageError) -> NoPreview {
    match error {
        ImageError::Limits(_) => NoPreview::TooLarge,
        ImageError::Unsupported(_) => NoPreview::Unsupported,
        _ => NoPreview::Undecodable,
    }
}

/// The preview and thumbnail of a photo of `content_type`, or why there can be none.
pub fn render(bytes: &[u8], content_type: &str) -> Result<Rendered, NoPreview> {
    // HEIC and anything else no pure-Rust decoder reads.
    let format = format_of(content_type).ok_or(NoPreview::Unsupported)?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(|e| no_preview(&e))?;
    // A device that wrote a bad orientation gets its pixels as stored.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // Checked before a byte is allocated: a small file may claim a huge picture.
    if decoder.total_bytes() > MAX_DECODED_BYTES {
        return Err(NoPreview::TooLarge);
    }
    let decoded = DynamicImage::from_decoder(decoder).map_err(|e| no_preview(&e))?;
    // Brought down first, turned upright after: rotating the full picture would copy it whole.
    let mut preview = shrink(decoded, PREVIEW_SIDE);
    preview.apply_orientation(orientation);
    let thumbnail = shrink(preview.clone(), THUMBNAIL_SIDE);
    Ok(Rendered {
        preview: encode(&preview)?,
        thumbnail: encode(&thumbnail)?,
    })
}

/// The picture with its longest side at most `side` (area-averaged, as a downscale should be).
fn shrink(image: DynamicImage, side: u32) -> DynamicImage {
    let (width, height) = fit(image.width(), image.height(), side);
    if (width, height) == (image.width(), image.height()) {
        return image;
    }
    image.thumbnail_exact(width, height)
}

fn encode(image: &DynamicImage) -> Result<Jpeg, NoPreview> {
    // JPEG has no alpha: a transparent PNG is flattened to its colours.
    let rgb = image.to_rgb8();
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, QUALITY)
        .encode_image(&rgb)
        .map_err(|e| no_preview(&e))?;
    Ok(Jpeg {
        bytes,
        width: rgb.width(),
        height: rgb.height(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb, RgbImage};
    use shared::domain::report::device::{orientation_field, read_claim, sample_fields, with_exif};

    fn photo(width: u32, height: u32) -> Vec<u8> {
        let img: RgbImage = ImageBuffer::from_fn(width, height, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&img)
            .unwrap();
        bytes
    }

    fn dimensions(jpeg: &[u8]) -> (u32, u32) {
        image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg)
            .map(|i| (i.width(), i.height()))
            .unwrap()
    }

    #[test]
    fn a_photo_gets_a_preview_and_a_thumbnail_within_their_sizes() {
        let rendered = render(&photo(2400, 1800), "image/jpeg").unwrap();
        assert_eq!((rendered.preview.width, rendered.preview.height), (1600, 1200));
        assert_eq!((rendered.thumbnail.width, rendered.thumbnail.height), (320, 240));
        assert_eq!(dimensions(&rendered.preview.bytes), (1600, 1200));
        assert_eq!(dimensions(&rendered.thumbnail.bytes), (320, 240));
    }

    #[test]
    fn a_small_photo_is_never_enlarged() {
        let rendered = render(&photo(300, 200), "image/jpeg").unwrap();
        assert_eq!((rendered.preview.width, rendered.preview.height), (300, 200));
        assert_eq!((rendered.thumbnail.width, rendered.thumbnail.height), (300, 200));
    }

    #[test]
    fn the_device_metadata_does_not_survive_and_the_orientation_is_applied() {
        // sample_fields writes capture time, GPS and device; Orientation 6: turn 90° clockwise.
        let mut fields = sample_fields();
        fields.push(orientation_field(6));
        let tagged = with_exif(&photo(800, 600), &fields);
        assert!(read_claim(&tagged).is_some());
        let rendered = render(&tagged, "image/jpeg").unwrap();
        for jpeg in [&rendered.preview, &rendered.thumbnail] {
            assert!(read_claim(&jpeg.bytes).is_none());
            assert!(!jpeg.bytes.windows(4).any(|w| w == b"Exif"), "no APP1 Exif segment");
        }
        assert_eq!((rendered.preview.width, rendered.preview.height), (600, 800));
    }

    #[test]
    fn what_cannot_be_previewed_says_why() {
        assert_eq!(
            render(b"not a photo", "image/jpeg").unwrap_err(),
            NoPreview::Undecodable
        );
        assert_eq!(
            render(&photo(10, 10), "image/heic").unwrap_err(),
            NoPreview::Unsupported
        );
        // A strip longer than any photo: refused before its pixels are allocated.
        let mut png = Vec::new();
        let strip: RgbImage = ImageBuffer::new(MAX_SIDE + 1, 1);
        strip.write_to(&mut Cursor::new(&mut png), ImageFormat::Png).unwrap();
        assert_eq!(render(&png, "image/png").unwrap_err(), NoPreview::TooLarge);
    }

    #[test]
    fn a_png_and_a_webp_preview_too() {
        let img: RgbImage = ImageBuffer::from_fn(2000, 500, |x, _| Rgb([(x % 256) as u8, 0, 0]));
        for format in [ImageFormat::Png, ImageFormat::WebP] {
            let mut bytes = Vec::new();
            img.write_to(&mut Cursor::new(&mut bytes), format).unwrap();
            let content_type = format.to_mime_type();
            let rendered = render(&bytes, content_type).unwrap();
            assert_eq!((rendered.preview.width, rendered.preview.height), (1600, 400));
        }
    }
}
