//! Repeat reports: linked by normalised target or address in the county, the newest first.

use crate::harness::Env;
use shared::domain::report::serial::Serial;

#[tokio::test]
async fn repeat_reports_are_linked_by_normalised_target_or_address_in_the_county() {
    let env = Env::new().await;
    let first = env.submit(&env.citizen(), |_| {}).await;
    // The same target spelled with full-width letters, spaces and other punctuation.
    let reporter = env.citizen();
    let second = env
        .submit(&reporter, |b| {
            b["target"] = serde_json::json!(format!(" {}。", b["target"].as_str().unwrap().replace("", " ").trim()));
            b["address"] = serde_json::json!("另一条路9号");
        })
        .await;
    // Another county: never linked, however alike.
    let elsewhere = env
        .submit(&env.citizen(), |b| {
            b["county"] = serde_json::json!("420111");
        })
        .await;
    let staff = env.handler("420106-education").await;
    let queue = env.get("/v1/staff/reports", Some(&staff)).await;
    let marked: Vec<(Serial, bool)> = queue
        .serials()
        .into_iter()
        .zip(queue.body["items"].as_array().unwrap())
        .map(|(serial, item)| (serial, item["repeat"].as_bool().unwrap()))
        .collect();
    assert_eq!(
        marked,
        [(second.clone(), true), (first.clone(), false)],
        "重复举报 marks the later one"
    );
    let detail = env.get(&format!("/v1/staff/reports/{second}"), Some(&staff)).await;
    assert_eq!(detail.body["repeats"][0]["serial"], first.as_str());
    assert_eq!(detail.body["repeats"][0]["status"], "pending");
    assert_eq!(detail.body["repeats"].as_array().unwrap().len(), 1);
    // Both ways: the earlier report shows the later one, with its outcome once answered.
    env.answer(&second, false).await;
    let earlier = env.get(&format!("/v1/staff/reports/{first}"), Some(&staff)).await;
    assert_eq!(earlier.body["repeats"][0]["serial"], second.as_str());
    assert_eq!(earlier.body["repeats"][0]["finding"], "substantiated");
    let other = env.handler("420111-education").await;
    let far = env.get(&format!("/v1/staff/reports/{elsewhere}"), Some(&other)).await;
    assert_eq!(far.body["repeats"], serde_json::json!([]));
    // Citizens see nothing of other people's reports.
    let mine = env.get(&format!("/v1/me/reports/{second}"), Some(&reporter)).await;
    assert!(!mine.text.contains(first.as_str()), "{}", mine.text);
}

#[tokio::test]
async fn a_much_reported_target_links_its_newest_repeats_and_reads_no_more() {
    use shared::domain::report::repeat::MAX_LINKED;
    let env = Env::new().await;
    let mut serials = Vec::new();
    for n in 0..MAX_LINKED + 3 {
        serials.push(env.submit(&env.citizen_named(&format!("many-{n}")), |_| {}).await);
    }
    let last = serials.pop().unwrap();
    // The newest earlier ones, newest first, whatever the way the store pages.
    let newest: Vec<String> = serials.iter().rev().take(MAX_LINKED).map(Serial::to_string).collect();
    assert_eq!(env.stored(&last).await.repeats, newest);
    let handler = env.handler("420106-education").await;
    let detail = env
        .get(&format!("/v1/staff/reports/{}", serials[0]), Some(&handler))
        .await;
    let linked: Vec<&str> = detail.body["repeats"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["serial"].as_str().unwrap())
        .collect();
    assert_eq!(
        linked.len(),
        MAX_LINKED,
        "the first report lists the newest of its repeats"
    );
    assert_eq!(linked[0], last.as_str());
}
