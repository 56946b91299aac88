//! The custody log (证据保管记录) of a report's evidence: the seal, every link issued to an
//! original, every evidence package, every reveal of the reporter's contact. Each entry names the
//! SHA-256 of the one before it, so the log is a hash chain anchored on the seal: removing,
//! reordering or rewriting an entry breaks every hash after it.
//!
//! An entry's hash is the SHA-256 of its canonical text (`CustodyEntry::canonical`): one field a
//! line, in a fixed order, so that any tool recomputes it (`scripts/verify-custody`,
//! docs/evidence.md) without a JSON library's idea of key order or escaping.

use crate::domain::digest::sha256_hex;
use crate::domain::report::evidence::{Evidence, EvidenceFile};
use crate::domain::report::timeline::Actor;
use crate::domain::time::format;
use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};

/// The `prev` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// The first line of every entry's canonical text: names the format, so a later one can differ.
const FORMAT: &str = "suishoupai-custody-v1";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CustodyAction {
    /// The evidence was sealed (the first entry).
    Seal,
    /// A link to an original was issued.
    View,
    /// An evidence package was made.
    Package,
    /// The reporter's contact was shown to staff.
    Reveal,
}

impl CustodyAction {
    pub fn as_str(self) -> &'static str {
        match self {
            CustodyAction::Seal => "seal",
            CustodyAction::View => "view",
            CustodyAction::Package => "package",
            CustodyAction::Reveal => "reveal",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CustodyAction::Seal => "封存举证材料",
            CustodyAction::View => "查看原件",
            CustodyAction::Package => "导出证据包",
            CustodyAction::Reveal => "查看举报人联系方式",
        }
    }
}

/// What an entry is about, before it is placed in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Look {
    pub action: CustodyAction,
    pub actor: Actor,
    /// The file (`key@version sha256`), the package's id, or `contact`.
    pub subject: String,
}

impl Look {
    /// The seal: every file with its version, type, size and SHA-256.
    pub fn seal(evidence: &Evidence) -> Look {
        Look {
            action: CustodyAction::Seal,
            actor: Actor::system(),
            subject: sealed_files(evidence),
        }
    }

    /// The seal of the files the reporter sent with answer `number` (补充材料), after the report's.
    pub fn seal_answer(number: usize, evidence: &Evidence) -> Look {
        Look {
            action: CustodyAction::Seal,
            actor: Actor::citizen(),
            subject: format!("answer {number}: {}", sealed_files(evidence)),
        }
    }

    /// A link issued to one original.
    pub fn view(actor: Actor, file: &EvidenceFile) -> Look {
        Look {
            action: CustodyAction::View,
            actor,
            subject: format!("{}@{} sha256={}", file.key, file.version_id, file.sha256),
        }
    }

    /// An evidence package, by its id.
    pub fn package(actor: Actor, id: &str) -> Look {
        Look {
            action: CustodyAction::Package,
            actor,
            subject: format!("package {id}"),
        }
    }

    pub fn reveal(actor: Actor) -> Look {
        Look {
            action: CustodyAction::Reveal,
            actor,
            subject: "contact".into(),
        }
    }
}

/// Every file with its version, type, size and SHA-256.
fn sealed_files(evidence: &Evidence) -> String {
    let files: Vec<String> = evidence
        .files
        .iter()
        .map(|f| {
            format!(
                "{}@{} {} {} sha256={}",
                f.key, f.version_id, f.content_type, f.size, f.sha256
            )
        })
        .collect();
    files.join("; ")
}

/// One entry of the log, as stored and as exported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustodyEntry {
    pub serial: String,
    /// 1 for the seal, then one more for each entry.
    pub seq: u64,
    #[serde(with = "crate::domain::time::rfc3339")]
    pub at: DateTime<FixedOffset>,
    pub action: CustodyAction,
    pub actor: Actor,
    pub subject: String,
    /// The previous entry's hash (`GENESIS` for the first).
    pub prev: String,
    /// This entry's hash: SHA-256 of `canonical()`.
    pub hash: String,
}

impl CustodyEntry {
    /// The text the hash is taken of: one field a line, in this order, `\n`-separated, no final
    /// newline; absent actor fields are empty lines.
    pub fn canonical(&self) -> String {
        let field = |f: &Option<String>| f.clone().unwrap_or_default();
        [
            FORMAT.to_owned(),
            self.serial.clone(),
            self.seq.to_string(),
            format(&self.at),
            self.action.as_str().to_owned(),
            serde_json::to_value(self.actor.role)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            field(&self.actor.sub),
            field(&self.actor.name),
            field(&self.actor.agency_id),
            field(&self.actor.agency_name),
            self.subject.clone(),
            self.prev.clone(),
        ]
        .join("\n")
    }

    fn computed_hash(&self) -> String {
        sha256_hex(self.canonical(), 32)
    }
}

/// Where the next entries go: after the last one stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tail {
    pub seq: u64,
    pub hash: String,
}

impl Tail {
    /// The tail of an empty log.
    pub fn empty() -> Tail {
        Tail {
            seq: 0,
            hash: GENESIS.to_owned(),
        }
    }

    pub fn of(entries: &[CustodyEntry]) -> Tail {
        entries
            .iter()
            .max_by_key(|e| e.seq)
            .map_or_else(Tail::empty, |last| Tail {
                seq: last.seq,
                hash: last.hash.clone(),
            })
    }

    /// `looks` chained after this tail, in order, all at `at`.
    pub fn chain(&self, serial: &str, looks: Vec<Look>, at: DateTime<FixedOffset>) -> Vec<CustodyEntry> {
        let mut prev = self.hash.clone();
        let mut entries = Vec::with_capacity(looks.len());
        for (i, look) in looks.into_iter().enumerate() {
            let mut entry = CustodyEntry {
                serial: serial.to_owned(),
                seq: self.seq + 1 + i as u64,
                at,
                action: look.action,
                actor: look.actor,
                subject: look.subject,
                prev: prev.clone(),
                hash: String::new(),
            };
            entry.hash = entry.computed_hash();
            prev = entry.hash.clone();
            entries.push(entry);
        }
        entries
    }
}

/// The first entry of a report's log: the seal of its evidence, when the last file was sealed.
pub fn seal_entry(serial: &str, evidence: &Evidence) -> Option<CustodyEntry> {
    let at = evidence.files.iter().map(|f| f.sealed_at).max()?;
    Tail::empty().chain(serial, vec![Look::seal(evidence)], at).pop()
}

/// Why a log does not verify.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainBreak {
    #[error("the log is empty: no seal")]
    Empty,
    #[error("entry {seq}: expected number {expected} (an entry is missing or repeated)")]
    Gap { seq: u64, expected: u64 },
    #[error("entry {seq}: its hash is not the hash of its contents (rewritten)")]
    Rewritten { seq: u64 },
    #[error("entry {seq}: does not follow the entry before it")]
    Unlinked { seq: u64 },
    #[error("entry 1 is not the seal")]
    NotSealed,
}

/// Recomputes the chain: numbered 1, 2, … without gaps, the first from `GENESIS` (and, for a
/// report with evidence, the seal), each hash its contents' and each `prev` the previous hash.
pub fn verify(entries: &[CustodyEntry], sealed: bool) -> Result<(), ChainBreak> {
    let first = entries.first().ok_or(ChainBreak::Empty)?;
    if sealed && first.action != CustodyAction::Seal {
        return Err(ChainBreak::NotSealed);
    }
    let mut prev = GENESIS;
    for (i, entry) in entries.iter().enumerate() {
        let expected = i as u64 + 1;
        if entry.seq != expected {
            return Err(ChainBreak::Gap {
                seq: entry.seq,
                expected,
            });
        }
        if entry.hash != entry.computed_hash() {
            return Err(ChainBreak::Rewritten { seq: entry.seq });
        }
        if entry.prev != prev {
            return Err(ChainBreak::Unlinked { seq: entry.seq });
        }
        prev = &entry.hash;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::report::evidence::sealed_image;

    fn at() -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339("2024-05-01T10:00:00+08:00").unwrap()
    }

    fn evidence() -> Evidence {
        sealed_image(
            "evidence/a.jpg",
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
            at(),
        )
    }

    fn log() -> Vec<CustodyEntry> {
        let staff = Actor::staff("李四", "420106-education", "武昌区教育局").with_sub("s-1");
        let file = &evidence().files[0];
        let mut entries = vec![seal_entry("240501100000123", &evidence()).unwrap()];
        entries.extend(Tail::of(&entries).chain(
            "240501100000123",
            vec![Look::view(staff.clone(), file), Look::reveal(staff)],
            at(),
        ));
        entries
    }

    #[test]
    fn a_log_chains_from_the_seal_and_verifies() {
        let entries = log();
        assert_eq!(entries.iter().map(|e| e.seq).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(entries[0].prev, GENESIS);
        assert_eq!(entries[1].prev, entries[0].hash);
        assert_eq!(verify(&entries, true), Ok(()));
        assert!(
            entries[0].subject.contains("sha256=2cf24dba"),
            "the seal names each file's hash"
        );
    }

    #[test]
    fn the_canonical_text_is_one_field_a_line() {
        let entry = &log()[1];
        let text = entry.canonical();
        let lines: Vec<&str> = text.split('\n').collect();
        assert_eq!(lines.len(), 12);
        assert_eq!(lines[0], "suishoupai-custody-v1");
        assert_eq!(lines[2], "2");
        assert_eq!(lines[3], "2024-05-01T10:00:00+08:00");
        assert_eq!(
            &lines[4..10],
            ["view", "staff", "s-1", "李四", "420106-education", "武昌区教育局"]
        );
        assert_eq!(entry.hash, sha256_hex(text, 32));
    }

    #[test]
    fn a_removed_rewritten_or_reordered_entry_breaks_the_chain() {
        let mut removed = log();
        removed.remove(1);
        assert_eq!(verify(&removed, true), Err(ChainBreak::Gap { seq: 3, expected: 2 }));

        let mut rewritten = log();
        rewritten[1].actor.name = Some("王五".into());
        assert_eq!(verify(&rewritten, true), Err(ChainBreak::Rewritten { seq: 2 }));

        // Rewritten with a fresh hash: the next entry no longer follows it.
        let mut rehashed = log();
        rehashed[1].subject = "evidence/b.jpg".into();
        rehashed[1].hash = rehashed[1].computed_hash();
        assert_eq!(verify(&rehashed, true), Err(ChainBreak::Unlinked { seq: 3 }));

        let mut last_removed = log();
        last_removed.pop();
        assert_eq!(
            verify(&last_removed, true),
            Ok(()),
            "a cut tail is caught by the entry count the package signs"
        );

        assert_eq!(verify(&[], false), Err(ChainBreak::Empty));
        assert_eq!(verify(&log()[1..], true), Err(ChainBreak::NotSealed));
        let unsealed = Tail::empty().chain("240501100000123", vec![Look::reveal(Actor::system())], at());
        assert_eq!(
            verify(&unsealed, false),
            Ok(()),
            "a report without evidence starts with its first look"
        );
    }
}
