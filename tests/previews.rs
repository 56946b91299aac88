//! Staff previews: made by the `evidence` function from the stream, bare of metadata (as a peer,
//! Pillow, reads them), recorded on the report once, shown in the detail and the queue; the
//! original only on demand; the claimed upload deleted there, not by submit.

use crate::harness::{Env, JPEG, citing, repo_root};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageBuffer, Rgb, RgbImage};
use serde_json::{Value, json};
use shared::adapters::dynamo::SaveOutcome;
use shared::domain::report::device::{orientation_field, sample_fields, with_exif};
use shared::domain::report::preview::FilePreview;
use shared::domain::report::timeline::Actor;
use shared::domain::time::now_cst;
use std::io::Write;
use std::process::{Command, Stdio};

/// A 2400 × 1800 photo, EXIF first: capture time, GPS, device, and "turned" (orientation 6).
fn tagged_photo() -> Vec<u8> {
    let img: RgbImage = ImageBuffer::from_fn(2400, 1800, |x, y| Rgb([(x / 10 % 256) as u8, (y / 10 % 256) as u8, 90]));
    let mut jpeg = Vec::new();
    JpegEncoder::new_with_quality(&mut jpeg, 85).encode_image(&img).unwrap();
    let mut fields = sample_fields();
    fields.push(orientation_field(6));
    with_exif(&jpeg, &fields)
}

/// Pillow's reading of an image: format, size, EXIF tags and metadata blocks.
fn pillow(bytes: &[u8]) -> Value {
    let python = repo_root().join(".venv-tools/bin/python");
    let mut child = Command::new(&python)
        .arg(repo_root().join("tests/peers/image_facts.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} (run scripts/test, which installs it): {e}", python.display()));
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "Pillow could not read it");
    serde_json::from_slice(&output.stdout).unwrap()
}

async fn fetch(env: &Env, url: &str) -> Vec<u8> {
    let answer = env.http.get(url).send().await.unwrap();
    assert!(answer.status().is_success(), "{url}: {}", answer.status());
    answer.bytes().await.unwrap().to_vec()
}

#[tokio::test]
async fn previews_carry_no_metadata_and_staff_open_originals_only_on_demand() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let photo = tagged_photo();
    let taken = pillow(&photo);
    assert!(
        !taken["exif_tags"].as_array().unwrap().is_empty(),
        "the peer sees the photo's EXIF: {taken}"
    );
    // A HEIC (no pure-Rust decoder) beside it: 图片 without a preview, in words.
    let keys = env
        .upload(&citizen, "image", &[("image/jpeg", &photo), ("image/heic", JPEG)])
        .await;
    let serial = env.submit(&citizen, citing("image", &keys)).await;
    let handler = env.handler("420106-education").await;
    let path = format!("/v1/staff/reports/{serial}");

    let early = env.get_path(path.clone(), Some(&handler)).await;
    assert_eq!(early.body["evidence"][0]["preview"]["state"], "pending");
    assert!(
        early.body["evidence"][0].get("url").is_none(),
        "no original in the detail"
    );
    assert!(env.holds(&keys[0]).await, "the upload waits for the evidence function");

    env.deliver_evidence().await;
    assert!(
        !env.holds(&keys[0]).await && !env.holds(&keys[1]).await,
        "claimed uploads deleted"
    );
    let detail = env.get_path(path.clone(), Some(&handler)).await;
    assert_eq!(detail.status, 200, "{}", detail.text);
    let first = &detail.body["evidence"][0];
    assert_eq!(first["n"], 1);
    assert_eq!(
        first["device"]["taken_at"], "2024-05-01 10:00:00",
        "拍摄时间 from the original"
    );
    let preview = &first["preview"];
    assert_eq!(preview["state"], "ready", "{preview}");
    // Turned upright as the device said: 1800 × 2400 brought to 1200 × 1600.
    assert_eq!(
        (
            preview["preview"]["width"].as_u64(),
            preview["preview"]["height"].as_u64()
        ),
        (Some(1200), Some(1600))
    );
    assert_eq!(
        (
            preview["thumbnail"]["width"].as_u64(),
            preview["thumbnail"]["height"].as_u64()
        ),
        (Some(240), Some(320))
    );
    for (rendition, width, height) in [("preview", 1200, 1600), ("thumbnail", 240, 320)] {
        let bytes = fetch(&env, preview[rendition]["url"].as_str().unwrap()).await;
        let facts = pillow(&bytes);
        assert_eq!(facts["format"], "JPEG");
        assert_eq!(
            (facts["width"].as_u64(), facts["height"].as_u64()),
            (Some(width), Some(height))
        );
        assert_eq!(facts["exif_tags"], json!([]), "{rendition}: no EXIF tag at all");
        assert_eq!(facts["metadata"], json!([]), "{rendition}: no metadata block");
    }
    let heic = &detail.body["evidence"][1]["preview"];
    assert_eq!(heic["state"], "none");
    assert_eq!(heic["message"], "该格式暂不支持预览,请查看原图");

    // The queue row shows the first photo's thumbnail.
    let queue = env.get("/v1/staff/reports?limit=100", Some(&handler)).await;
    let row = queue.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["serial"] == serial.to_string())
        .unwrap();
    assert_eq!(row["thumbnail"]["width"], 240);
    assert!(row["thumbnail"]["url"].as_str().unwrap().contains("previews/"));

    // Reading the detail issued no link to an original; asking for one does, once each.
    assert_eq!(env.stored_record(&serial).await.custody.len(), 1, "the seal alone");
    let original = env.original(&handler, &serial, 1).await;
    assert_eq!(original.status, 200, "{}", original.text);
    assert_eq!(
        fetch(&env, original.body["url"].as_str().unwrap()).await,
        photo,
        "the original bytes"
    );
    assert_eq!(env.stored_record(&serial).await.custody.len(), 2);
    for n in ["3", "0", "x"] {
        let missing = env
            .post(
                &format!("/v1/staff/reports/{serial}/evidence/{n}/original"),
                &handler,
                &json!({}),
            )
            .await;
        assert_eq!(missing.error_code(404), "evidence_not_found", "file {n}");
    }
    let elsewhere = env.handler("420102-education").await;
    assert_eq!(env.original(&elsewhere, &serial, 1).await.error_code(404), "not_found");
    assert_eq!(
        env.stored_record(&serial).await.custody.len(),
        2,
        "refusals are no looks"
    );
}

#[tokio::test]
async fn previews_are_recorded_once_and_never_overwritten_by_a_staff_action() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env.upload(&citizen, "image", &[("image/jpeg", JPEG)]).await;
    let serial = env.submit(&citizen, citing("image", &keys)).await;
    let before = env.stored(&serial).await;
    env.deliver_evidence().await;
    let recorded = env.stored(&serial).await;
    let previews = recorded.previews.clone().expect("recorded");
    assert!(matches!(previews.files[0], FilePreview::Made { .. }));
    assert_eq!(
        recorded.version, before.version,
        "no one's form goes stale for previews"
    );

    // A write that read the report before the previews came is refused, not allowed to drop them.
    let staff = Actor::staff(
        "测试工作人员",
        &before.assignment.agency_id,
        &before.assignment.agency_name,
    );
    let (accepted, event) = before.accept(staff, now_cst()).unwrap();
    assert_eq!(
        env.app.records.save(&before, &accepted, &event).await.unwrap(),
        SaveOutcome::Stale
    );
    // Through the API the action is read again and lands, previews kept.
    let handler = env.handler("420106-education").await;
    let reply = env
        .act(
            &handler,
            &serial,
            json!({"action": "accept", "version": before.version}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(env.stored(&serial).await.previews, Some(previews.clone()));

    // A redelivered record changes nothing.
    let worker = env.evidence_worker();
    let report = env.stored(&serial).await;
    assert!(
        !env.app
            .records
            .record_previews(&report.serial, &worker.previews(&report).await.unwrap())
            .await
            .unwrap()
    );
    assert_eq!(env.stored(&serial).await.previews, Some(previews));
}

#[tokio::test]
async fn a_video_has_no_preview_and_says_so() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env
        .upload(&citizen, "video", &[("video/mp4", b"\0\0\0\x18ftypmp42")])
        .await;
    let serial = env.submit(&citizen, citing("video", &keys)).await;
    env.deliver_evidence().await;
    let handler = env.handler("420106-education").await;
    let detail = env
        .get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
        .await;
    let preview = &detail.body["evidence"][0]["preview"];
    assert_eq!(preview["state"], "none");
    assert_eq!(preview["message"], "视频无预览,请播放原件");
    assert!(!env.holds(&keys[0]).await);
}
