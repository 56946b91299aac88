//! The evidence package (导出证据包): what an investigator or a court receives. One ZIP holding
//! the sealed originals, `manifest.json` (the report as filed, without its reporter, and each
//! file's name, size, type, SHA-256, seal time and what its device recorded), `custody.json`
//! (the custody log up to and including this package's own entry), `manifest.sha256` (the
//! manifest's SHA-256 in `sha256sum` form), `manifest.sig` (the stack's KMS key's ECDSA P-256
//! signature over `manifest.sha256`) and `public-key.pem`.
//!
//! The manifest names the custody log's length and last hash: a log cut after its end, which the
//! chain alone cannot show, no longer matches what was signed.

use crate::domain::directory::regions::Regions;
use crate::domain::geo::Location;
use crate::domain::report::Report;
use crate::domain::report::custody::CustodyEntry;
use crate::domain::report::device::DeviceClaim;
use crate::domain::report::evidence::{EvidenceFile, EvidenceKind};
use crate::domain::report::questions::SealedFile;
use crate::domain::report::timeline::Actor;
use crate::domain::time::format;
use crate::domain::views::Subject;
use chrono::{DateTime, FixedOffset};
use serde::Serialize;

pub const FORMAT: &str = "suishoupai-evidence-package-v1";

#[derive(Debug, Clone, Serialize)]
pub struct Manifest {
    pub format: &'static str,
    pub serial: String,
    pub made_at: String,
    pub made_by: Actor,
    /// The report as the reporter filed it; never who the reporter is.
    pub report: Filed,
    pub files: Vec<PackagedFile>,
    pub custody: CustodySummary,
    pub signature: SignatureNote,
}

#[derive(Debug, Clone, Serialize)]
pub struct Filed {
    pub created_at: String,
    pub target: String,
    #[serde(flatten)]
    pub subject: Subject,
    pub address: String,
    pub content: String,
    pub location: Option<Location>,
    pub agency: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PackagedFile {
    /// Its name in the ZIP: `files/{n}.{ext}`.
    pub name: String,
    pub kind: EvidenceKind,
    pub content_type: String,
    pub size: u64,
    pub sha256: String,
    pub sealed_at: String,
    pub key: String,
    pub version_id: String,
    /// What the device recorded (its claim, editable), when the photo held any.
    pub device: Option<DeviceClaim>,
    /// The question (补充材料) whose answer brought it; absent for the report's own.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<usize>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CustodySummary {
    /// `custody.json`.
    pub file: &'static str,
    pub entries: u64,
    pub last_hash: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SignatureNote {
    pub file: &'static str,
    /// What the signature covers: the manifest's SHA-256, as `sha256sum` writes it.
    pub signed: &'static str,
    pub public_key: &'static str,
    pub algorithm: &'static str,
    pub key_spec: &'static str,
    pub key_id: String,
}

/// Where each file goes in the ZIP.
pub fn file_name(n: usize, file: &EvidenceFile) -> String {
    let ext = file.key.rsplit_once('.').map_or("bin", |(_, ext)| ext);
    format!("files/{n}.{ext}")
}

/// The manifest of `report`'s evidence (its own, then what the reporter sent with answers) with
/// its custody log as it stands (this package's entry last). `None` for a report without evidence.
pub fn manifest(
    report: &Report,
    custody: &[CustodyEntry],
    made_by: Actor,
    made_at: DateTime<FixedOffset>,
    key_id: &str,
    regions: &Regions,
) -> Option<Manifest> {
    let sealed = report.evidence_files();
    if sealed.is_empty() {
        return None;
    }
    let files = sealed
        .iter()
        .enumerate()
        .map(|(i, &SealedFile { answer, kind, file })| PackagedFile {
            name: file_name(i + 1, file),
            kind,
            answer,
            content_type: file.content_type.clone(),
            size: file.size,
            sha256: file.sha256.clone(),
            sealed_at: format(&file.sealed_at),
            key: file.key.clone(),
            version_id: file.version_id.clone(),
            device: file.device.clone(),
        })
        .collect();
    Some(Manifest {
        format: FORMAT,
        serial: report.serial.to_string(),
        made_at: format(&made_at),
        made_by,
        report: Filed {
            created_at: format(&report.created_at),
            target: report.target.clone(),
            subject: Subject::of(report, regions),
            address: report.address.clone(),
            content: report.content.clone(),
            location: report.location,
            agency: report.assignment.agency_name.clone(),
        },
        files,
        custody: CustodySummary {
            file: "custody.json",
            entries: custody.len() as u64,
            last_hash: custody.last().map(|e| e.hash.clone()).unwrap_or_default(),
        },
        signature: SignatureNote {
            file: "manifest.sig",
            signed: "manifest.sha256",
            public_key: "public-key.pem",
            algorithm: ALGORITHM,
            key_spec: KEY_SPEC,
            key_id: key_id.to_owned(),
        },
    })
}

/// The signed statement: `manifest.json`'s SHA-256 as `sha256sum` writes it, so that
/// `sha256sum -c manifest.sha256` checks the manifest against it.
pub fn statement(manifest_sha256: &str) -> String {
    format!("{manifest_sha256}  manifest.json\n")
}

/// ECDSA over P-256 with SHA-256 of the statement (`openssl dgst -sha256 -verify`).
pub const ALGORITHM: &str = "ECDSA_SHA_256";
pub const KEY_SPEC: &str = "ECC_NIST_P256";

/// How to check a package, for whoever opens it (README.txt in the ZIP).
pub const README: &str = "随手拍 证据包 / Suishoupai evidence package

本证据包包含:举证材料原件(files/)、清单 manifest.json、清单摘要 manifest.sha256、
清单签名 manifest.sig、平台公钥 public-key.pem、证据保管记录 custody.json。

校验方法(任何一项不符即说明证据包被改动):
1. 签名:sha256sum -c manifest.sha256 应输出 manifest.json: OK;
   openssl dgst -sha256 -verify public-key.pem -signature manifest.sig manifest.sha256
   应输出 Verified OK;公钥应与平台公开的公钥一致(GET /v1/public/evidence-key)。
2. 原件:sha256sum files/* 的结果应与 manifest.json 中各文件的 sha256 一致。
3. 保管记录:custody.json 的条数与最后一条的 hash 应与 manifest.json 的 custody 一致,
   且每条记录的 prev 等于上一条的 hash(计算方法见平台文档 docs/evidence.md)。
或运行平台提供的 scripts/verify-evidence-package 证据包.zip 一次完成以上校验。

Checks: the manifest against manifest.sha256 and its signature (sha256sum, openssl, above),
every file's SHA-256 against the manifest, and the
custody chain against the manifest's count and last hash; scripts/verify-evidence-package does all three.
";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::directory::Directory;
    use crate::domain::report::custody::seal_entry;
    use crate::domain::report::evidence::sealed_image;

    #[test]
    fn the_manifest_names_every_file_and_the_logs_end_and_never_the_reporter() {
        let at = DateTime::parse_from_rfc3339("2024-05-01T10:00:00+08:00").unwrap();
        let mut report = crate::domain::report::tests::sample(true);
        report.evidence = Some(sealed_image("evidence/a.jpg", &"ab".repeat(32), at));
        let seal = seal_entry(report.serial.as_str(), report.evidence.as_ref().unwrap()).unwrap();
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局");
        let manifest = manifest(
            &report,
            std::slice::from_ref(&seal),
            staff,
            at,
            "key-1",
            &Directory::hubei().regions,
        )
        .unwrap();
        assert_eq!(manifest.files[0].name, "files/1.jpg");
        assert_eq!(manifest.custody.entries, 1);
        assert_eq!(manifest.custody.last_hash, seal.hash);
        let text = serde_json::to_string(&manifest).unwrap();
        for secret in [
            report.reporter.name.as_str(),
            report.reporter.phone.reveal(),
            report.reporter.sub.as_str(),
        ] {
            assert!(!text.contains(secret), "{secret} in the package: {text}");
        }
    }
}
