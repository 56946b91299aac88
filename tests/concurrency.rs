//! Staff acting at once against the real store: two handlers replying to one report (one wins,
//! one event, one SMS), and 32 tasks applying random actions (each with the version it just read)
//! to 50 reports through the API at once while citizens rate what was replied, after which every
//! report, its timeline and every statistics counter agree with a recount.

use crate::harness::{Env, form};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::EventKind;
use shared::domain::reporting::stats::{Buckets, contributions};
use std::collections::{BTreeMap, BTreeSet};

const REPORTS: usize = 50;
const TASKS: usize = 32;
const STEPS: usize = 6;

const COUNTIES: [&str; 2] = ["420106", "420111"];

fn action(rng: &mut StdRng, version: u64) -> Value {
    let mut body = match rng.random_range(0..9) {
        0 | 1 => json!({"action": "accept"}),
        2 | 3 => json!({"action": "reply", "finding": "partly", "text": "已核查处理"}),
        4 => {
            json!({"action": "transfer", "to_agency": format!("{}-education", COUNTIES[rng.random_range(0..2)]), "reason": "属地"})
        }
        5 => json!({"action": "publish"}),
        6 => json!({"action": "note", "text": "备注"}),
        7 => json!({"action": "urge", "reason": "请加快"}),
        _ => json!({"action": "reopen", "reason": "不满意"}),
    };
    body["version"] = json!(version);
    body
}

#[tokio::test]
async fn two_handlers_replying_at_once_one_wins_one_event_one_sms() {
    let env = Env::new().await;
    let citizen = env.citizen();
    let serial = env.submit(&citizen, |_| {}).await;
    let first = env.handler("420106-education").await;
    let second = env.handler("420106-education").await;
    assert_ne!(first.sub, second.sub, "two people");
    assert_eq!(env.act(&first, &serial, json!({"action": "accept"})).await.status, 200);

    let reply = |text: &str| json!({"action": "reply", "version": 2, "finding": "substantiated", "text": text});
    let (a, b) = tokio::join!(
        env.act(&first, &serial, reply("甲的回复")),
        env.act(&second, &serial, reply("乙的回复"))
    );

    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let loser = if a.status == 409 { &a } else { &b };
    assert_eq!(loser.body["code"], "stale_version");
    let (report, events) = env.stored_with_timeline(&serial).await;
    assert_eq!(report.version, 3);
    assert_eq!(events.iter().filter(|e| e.kind == EventKind::Replied).count(), 1);
    env.deliver_stream().await;
    env.deliver_stream().await;
    let texts = env.sms_to(&citizen.phone).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains(serial.as_str()) && texts[0].contains("已处理完成"));
}

#[tokio::test]
async fn thirty_two_tasks_acting_at_once_leave_every_report_and_counter_whole() {
    let env = Env::new().await;
    let seed: u64 = rand::rng().random();
    println!("seed {seed}");
    let mut serials = Vec::new();
    for i in 0..REPORTS {
        let citizen = format!("many-{i}");
        let mut body = form();
        body["county"] = json!(COUNTIES[i % 2]);
        body["public"] = json!(i % 3 != 0);
        let reply = env.post("/v1/reports", &env.citizen_named(&citizen), &body).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        serials.push((reply.serial(), citizen));
    }
    let city = env.city_supervisor("420100").await;
    let mut handlers = Vec::new();
    for county in COUNTIES {
        handlers.push(env.handler(&format!("{county}-education")).await);
    }

    let tasks = (0..TASKS).map(|task| {
        let (env, serials, city, handlers) = (&env, &serials, &city, &handlers);
        async move {
            let mut rng = StdRng::seed_from_u64(seed.wrapping_add(task as u64));
            let mut applied: Vec<Serial> = Vec::new();
            for _ in 0..STEPS {
                let (serial, citizen) = &serials[rng.random_range(0..REPORTS)];
                let detail = env.get_path(format!("/v1/staff/reports/{serial}"), Some(city)).await;
                assert_eq!(detail.status, 200, "{}", detail.text);
                let version = detail.body["version"].as_u64().unwrap();
                let county = detail.body["agency"]["id"].as_str().unwrap_or_default().to_owned();
                if rng.random_bool(0.15) {
                    // The reporter rates, if it was replied.
                    let stars = rng.random_range(1..=5);
                    let rated = env
                        .post(
                            &format!("/v1/me/reports/{serial}/rating"),
                            &env.citizen_named(citizen),
                            &json!({"stars": stars}),
                        )
                        .await;
                    assert!([201, 409].contains(&rated.status), "{}", rated.text);
                    if rated.status == 201 {
                        applied.push(serial.clone());
                    }
                    continue;
                }
                let caller = if rng.random_bool(0.5) {
                    city
                } else if county.starts_with("420106") {
                    &handlers[0]
                } else {
                    &handlers[1]
                };
                let body = action(&mut rng, version);
                let answer = env
                    .post(&format!("/v1/staff/reports/{serial}/actions"), caller, &body)
                    .await;
                // 404: another task handed the report to an agency this handler does not see.
                assert!(
                    [200, 400, 403, 404, 409].contains(&answer.status),
                    "{body} → {} {}",
                    answer.status,
                    answer.text
                );
                if answer.status == 200 {
                    applied.push(serial.clone());
                }
            }
            applied
        }
    });
    let applied: Vec<Serial> = futures::future::join_all(tasks).await.into_iter().flatten().collect();
    assert!(
        applied.len() > TASKS,
        "enough changes happened to mean something: {}",
        applied.len()
    );

    let mut recount = Buckets::new();
    let mut changes: BTreeMap<&str, u64> = BTreeMap::new();
    for serial in &applied {
        *changes.entry(serial.as_str()).or_default() += 1;
    }
    for (serial, _) in &serials {
        let (report, timeline) = env.stored_with_timeline(serial).await;
        let seqs: Vec<u64> = timeline.iter().map(|e| e.seq).collect();
        assert_eq!(
            seqs,
            (1..=report.version).collect::<Vec<_>>(),
            "{serial}: every version, once"
        );
        assert_eq!(
            report.version,
            1 + changes.get(serial.as_str()).copied().unwrap_or(0),
            "{serial}: one version per answered change, none lost, none doubled"
        );
        for (bucket, counters) in contributions(&report) {
            let entry = recount.entry(bucket).or_default();
            for (name, value) in counters {
                *entry.entry(name).or_insert(0) += value;
            }
        }
    }
    let scopes: BTreeSet<&String> = recount.keys().map(|(scope, _)| scope).collect();
    for scope in scopes {
        let stored: BTreeMap<String, _> = env
            .app
            .records
            .stats(scope, "2000-01", "2999-12")
            .await
            .unwrap()
            .into_iter()
            .map(|(month, mut counters)| {
                counters.retain(|_, v| *v != 0);
                (month, counters)
            })
            .filter(|(_, counters)| !counters.is_empty())
            .collect();
        let expected: BTreeMap<String, _> = recount
            .iter()
            .filter(|((s, _), _)| s == scope)
            .map(|((_, month), counters)| {
                let mut counters = counters.clone();
                counters.retain(|_, v| *v != 0);
                (month.clone(), counters)
            })
            .collect();
        assert_eq!(stored, expected, "{scope}: counters equal the recount");
    }
}
