//! The evidence function's largest job, measured: `preview-memory make FILE [WIDTH HEIGHT]`
//! writes a photo of that size (default 16320 × 12240, the 200-megapixel sensors of current
//! phones) as a JPEG under the 60 MB upload limit; `preview-memory render FILE` makes its preview
//! and thumbnail as the function does, in a fresh process, and prints the time and the peak
//! resident memory (VmHWM), which is what the function's memory must hold. scripts/bench-preview
//! runs both.

use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb, RgbImage};
use std::time::Instant;

fn peak_rss_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0);
    kib / 1024
}

fn make(path: &str, width: u32, height: u32) {
    // Detail a photo has (edges, texture), so that the file is as large as a real one.
    let photo: RgbImage = ImageBuffer::from_fn(width, height, |x, y| {
        let noise = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503)) >> 27;
        Rgb([
            ((x / 7) % 256) as u8 ^ noise as u8,
            ((y / 5) % 256) as u8,
            ((x + y) / 9 % 256) as u8,
        ])
    });
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&photo)
        .expect("encoded");
    std::fs::write(path, &jpeg).expect("written");
    println!("{path}: {width} × {height}, {:.1} MB", jpeg.len() as f64 / 1e6);
}

fn render(path: &str) {
    let bytes = std::fs::read(path).expect("read");
    let started = Instant::now();
    let rendered = evidence::render::render(&bytes, "image/jpeg").expect("rendered");
    let elapsed = started.elapsed();
    println!(
        "| {:.1} MB | {} × {} and {} × {} | {:.2} s | {} MiB |",
        bytes.len() as f64 / 1e6,
        rendered.preview.width,
        rendered.preview.height,
        rendered.thumbnail.width,
        rendered.thumbnail.height,
        elapsed.as_secs_f64(),
        peak_rss_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("make") => {
            let size = |i: usize, default: u32| args.get(i).and_then(|s| s.parse().ok()).unwrap_or(default);
            make(&args[2], size(3, 16_320), size(4, 12_240));
        }
        Some("render") => render(&args[2]),
        _ => eprintln!("usage: preview-memory make FILE [WIDTH HEIGHT] | render FILE"),
    }
}
