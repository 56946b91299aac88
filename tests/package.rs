//! The evidence package: a ZIP anyone can verify offline (signature, every file, the custody
//! log); flipping any byte of any member, or removing a custody entry, fails the check.

use crate::harness::{Env, JPEG, citing, repo_root};
use serde_json::{Value, json};
use shared::domain::report::custody::CustodyAction;
use std::io::{Read, Write};

/// `scripts/verify-evidence-package` on these bytes: its exit code and output.
fn verify(zip: &[u8], public_key: Option<&str>) -> (i32, String) {
    let dir = std::env::temp_dir().join(format!("package-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("package.zip");
    std::fs::write(&file, zip).unwrap();
    let mut command = std::process::Command::new("python3");
    command
        .arg(repo_root().join("scripts/verify-evidence-package"))
        .arg(&file);
    if let Some(pem) = public_key {
        let key = dir.join("published.pem");
        std::fs::write(&key, pem).unwrap();
        command.arg("--public-key").arg(key);
    }
    let run = command.output().expect("python3");
    std::fs::remove_dir_all(&dir).ok();
    let output = String::from_utf8_lossy(&run.stdout).into_owned() + &String::from_utf8_lossy(&run.stderr);
    (run.status.code().unwrap_or(-1), output)
}

/// The members of a ZIP, in order.
fn members(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip)).unwrap();
    (0..archive.len())
        .map(|i| {
            let mut member = archive.by_index(i).unwrap();
            let mut bytes = Vec::new();
            member.read_to_end(&mut bytes).unwrap();
            (member.name().unwrap().into_owned(), bytes)
        })
        .collect()
}

fn rezip(members: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, bytes) in members {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

async fn packaged(env: &Env) -> (String, Value, Vec<u8>) {
    let citizen = env.citizen();
    let keys = env
        .upload(&citizen, "image", &[("image/jpeg", JPEG), ("image/jpeg", JPEG)])
        .await;
    let serial = env.submit(&citizen, citing("image", &keys)).await.to_string();
    let handler = env.handler("420106-education").await;
    let reply = env
        .post(&format!("/v1/staff/reports/{serial}/package"), &handler, &json!({}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let answer = env.http.get(reply.body["url"].as_str().unwrap()).send().await.unwrap();
    assert!(answer.status().is_success());
    let disposition = answer.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    (serial, reply.body, answer.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_package_verifies_offline_against_the_published_key_and_is_a_custody_entry() {
    let env = Env::new().await;
    let (serial, answer, zip) = packaged(&env).await;
    assert_eq!(answer["size"].as_u64().unwrap(), zip.len() as u64);
    let names: Vec<String> = members(&zip).into_iter().map(|(name, _)| name).collect();
    assert_eq!(
        names,
        [
            "README.txt",
            "manifest.json",
            "manifest.sha256",
            "manifest.sig",
            "public-key.pem",
            "custody.json",
            "files/1.jpg",
            "files/2.jpg"
        ]
    );
    let published = env.get("/v1/public/evidence-key", None).await;
    assert_eq!(published.status, 200, "{}", published.text);
    assert_eq!(published.body["key_spec"], "ECC_NIST_P256");
    let pem = published.body["public_key_pem"].as_str().unwrap();
    let (code, output) = verify(&zip, Some(pem));
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains("signature: Verified OK") && output.contains("custody: 2 entries"),
        "{output}"
    );

    let log = env.stored_record(&serial).await.custody;
    assert_eq!(
        log.last().unwrap().action,
        CustodyAction::Package,
        "the package is in the log it signs"
    );
    let manifest: Value = serde_json::from_slice(&members(&zip)[1].1).unwrap();
    assert_eq!(manifest["custody"]["last_hash"], log.last().unwrap().hash.as_str());
    let text = String::from_utf8_lossy(&members(&zip)[1].1).into_owned();
    assert!(
        !text.contains("13812341234") && !text.contains("张三"),
        "no reporter in the package"
    );
}

#[tokio::test]
async fn flipping_any_byte_of_any_member_or_removing_a_custody_entry_fails_verification() {
    let env = Env::new().await;
    let (_, _, zip) = packaged(&env).await;
    let original = members(&zip);
    for (i, (name, bytes)) in original.iter().enumerate() {
        if name == "README.txt" {
            continue; // instructions for people: signed by nothing, checked by nothing
        }
        let mut changed = original.clone();
        let at = bytes.len() / 2;
        changed[i].1[at] ^= 0x01;
        let (code, output) = verify(&rezip(&changed), None);
        assert_eq!(code, 1, "{name} with byte {at} flipped: {output}");
    }
    let mut cut = original.clone();
    let custody = cut.iter_mut().find(|(name, _)| name == "custody.json").unwrap();
    let mut entries: Vec<Value> = serde_json::from_slice(&custody.1).unwrap();
    entries.pop();
    custody.1 = serde_json::to_vec_pretty(&entries).unwrap();
    let (code, output) = verify(&rezip(&cut), None);
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("the manifest signed"), "{output}");
}

#[tokio::test]
async fn a_report_without_evidence_has_no_package() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let handler = env.handler("420106-education").await;
    let reply = env
        .post(&format!("/v1/staff/reports/{serial}/package"), &handler, &json!({}))
        .await;
    assert_eq!(reply.error_code(409), "no_evidence");
}

#[tokio::test]
async fn the_photo_a_reporter_sent_with_an_answer_is_packaged_after_the_reports_own_and_verifies() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env.upload(&citizen, "image", &[("image/jpeg", JPEG)]).await;
    let serial = env.submit(&citizen, citing("image", &keys)).await.to_string();
    let handler = env.handler("420106-education").await;
    env.act(&handler, &serial, json!({"action": "accept"})).await;
    let asked = env
        .act(&handler, &serial, json!({"action": "ask", "text": "请补充收费凭证"}))
        .await;
    assert_eq!(asked.status, 200, "{}", asked.text);
    let receipt = env.upload(&citizen, "image", &[("image/jpeg", JPEG)]).await;
    let body = json!({"evidence": {"kind": "image", "keys": receipt}});
    let answered = env
        .post(&format!("/v1/me/reports/{serial}/answer"), &citizen, &body)
        .await;
    assert_eq!(answered.status, 200, "{}", answered.text);
    let reply = env
        .post(&format!("/v1/staff/reports/{serial}/package"), &handler, &json!({}))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let zip = env
        .http
        .get(reply.body["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .to_vec();
    let all = members(&zip);
    let manifest: Value = serde_json::from_slice(&all[1].1).unwrap();
    let files = manifest["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert!(files[0].get("answer").is_none(), "the report's own photo first");
    assert_eq!(
        (files[1]["name"].as_str(), files[1]["answer"].as_u64()),
        (Some("files/2.jpg"), Some(1))
    );
    assert_eq!(all.iter().find(|(n, _)| n == "files/2.jpg").unwrap().1, JPEG);
    let (code, output) = verify(&zip, None);
    assert_eq!(code, 0, "{output}");
    assert!(
        output.contains("custody: 3 entries"),
        "seal, the answer's seal, the package: {output}"
    );
}
