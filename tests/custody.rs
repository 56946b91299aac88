//! The custody log: one entry per link issued to an original, per reveal of the reporter's
//! contact, anchored on the seal and chained by hash; racing appends all land.

use crate::harness::{Env, JPEG, citing};
use serde_json::json;
use shared::domain::report::custody::{CustodyAction, verify};

#[tokio::test]
async fn the_log_has_one_entry_per_link_issued_and_reveal_chained_from_the_seal() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env
        .upload(&citizen, "image", &[("image/jpeg", JPEG), ("image/jpeg", JPEG)])
        .await;
    let serial = env.submit(&citizen, citing("image", &keys)).await;
    let sealed = env.stored_record(&serial).await.custody;
    assert_eq!(sealed.len(), 1, "the seal alone");
    assert_eq!(sealed[0].action, CustodyAction::Seal);
    let report = env.stored(&serial).await;
    for file in &report.evidence.as_ref().unwrap().files {
        assert!(
            sealed[0].subject.contains(&file.sha256),
            "the seal names each file's SHA-256"
        );
    }

    // The reporter opens the report once (two links). A handler reads the detail twice (previews
    // only: no entry), opens each original once and the first again (three links), then
    // reveals the contact.
    let handler = env.handler("420106-education").await;
    assert_eq!(
        env.get_path(format!("/v1/me/reports/{serial}"), Some(&citizen))
            .await
            .status,
        200
    );
    for _ in 0..2 {
        assert_eq!(
            env.get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
                .await
                .status,
            200
        );
    }
    for n in [1, 2, 1] {
        let original = env.original(&handler, &serial, n).await;
        assert_eq!(original.status, 200, "{}", original.text);
    }
    let revealed = env.act(&handler, &serial, json!({"action": "reveal_contact"})).await;
    assert_eq!(revealed.status, 200, "{}", revealed.text);

    let log = env.stored_record(&serial).await.custody;
    let count = |action: CustodyAction| log.iter().filter(|e| e.action == action).count();
    assert_eq!(count(CustodyAction::View), 2 + 3);
    assert_eq!(count(CustodyAction::Reveal), 1);
    assert_eq!(log.len(), 1 + 5 + 1);
    assert_eq!(verify(&log, true), Ok(()));
    let by_reporter = log
        .iter()
        .filter(|e| e.actor.role == shared::domain::report::timeline::ActorRole::Citizen);
    assert!(by_reporter.clone().count() == 2 && by_reporter.clone().all(|e| e.actor.sub.is_none()));
    let reveal = log.last().unwrap();
    assert_eq!(reveal.action, CustodyAction::Reveal);
    assert_eq!(reveal.actor.sub.as_deref(), Some(handler.sub.as_str()));
    assert_eq!(reveal.actor.agency_id.as_deref(), Some("420106-education"));

    // Staff read the log, verified, in the answer that made its last entries.
    let custody = &revealed.body["custody"];
    assert_eq!(custody["intact"], true);
    assert_eq!(custody["entries"].as_array().unwrap().len(), log.len());
    assert_eq!(custody["entries"][6]["action_name"], "查看举报人联系方式");
}

#[tokio::test]
async fn racing_looks_all_land_in_the_log_without_gaps() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env.upload(&citizen, "image", &[("image/jpeg", JPEG)]).await;
    let serial = env.submit(&citizen, citing("image", &keys)).await;
    let handler = env.handler("420106-education").await;
    let reads = (0..6).map(|_| env.original(&handler, &serial, 1));
    for reply in futures::future::join_all(reads).await {
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let log = env.stored_record(&serial).await.custody;
    assert_eq!(log.len(), 1 + 6, "every original's link is an entry");
    assert_eq!(verify(&log, true), Ok(()));
}

#[tokio::test]
async fn a_report_without_evidence_has_no_log_until_a_reveal() {
    let env = Env::new().await;
    let serial = env.submit(&env.citizen(), |_| {}).await;
    let handler = env.handler("420106-education").await;
    let detail = env
        .get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
        .await;
    assert_eq!(detail.body["custody"]["entries"], json!([]));
    assert_eq!(detail.body["custody"]["intact"], json!(null));
    let revealed = env.act(&handler, &serial, json!({"action": "reveal_contact"})).await;
    assert_eq!(revealed.body["custody"]["entries"][0]["action"], "reveal");
    assert_eq!(revealed.body["custody"]["intact"], true);
}

/// `scripts/verify-custody` on a detail answer saved to a file: its exit code and output.
fn verify_offline(answer: &serde_json::Value) -> (i32, String) {
    let file = std::env::temp_dir().join(format!("custody-{}.json", uuid::Uuid::new_v4()));
    std::fs::write(&file, answer.to_string()).unwrap();
    let run = std::process::Command::new("python3")
        .arg(crate::harness::repo_root().join("scripts/verify-custody"))
        .arg(&file)
        .output()
        .expect("python3");
    std::fs::remove_file(&file).ok();
    let output = String::from_utf8_lossy(&run.stdout).into_owned();
    (run.status.code().unwrap_or(-1), output)
}

#[tokio::test]
async fn the_offline_script_verifies_the_log_staff_read_and_finds_any_change() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let keys = env.upload(&citizen, "image", &[("image/jpeg", JPEG)]).await;
    let serial = env.submit(&citizen, citing("image", &keys)).await;
    let handler = env.handler("420106-education").await;
    assert_eq!(env.original(&handler, &serial, 1).await.status, 200);
    let answer = env
        .act(&handler, &serial, json!({"action": "reveal_contact"}))
        .await
        .body;
    let (code, output) = verify_offline(&answer);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("OK: 3 entries"), "{output}");

    let mut renamed = answer.clone();
    renamed["custody"]["entries"][2]["actor"]["name"] = json!("王五");
    let mut removed = answer.clone();
    removed["custody"]["entries"].as_array_mut().unwrap().remove(1);
    let mut unsealed = answer.clone();
    unsealed["custody"]["entries"].as_array_mut().unwrap().remove(0);
    for (tampered, why) in [(renamed, "rewritten"), (removed, "missing"), (unsealed, "not the seal")] {
        let (code, output) = verify_offline(&tampered);
        assert_eq!(code, 1, "{output}");
        assert!(output.contains(why), "{why}: {output}");
    }
}
