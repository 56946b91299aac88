//! The agencies' side: who may do what (every route × every caller × own and other region),
//! races between staff, transfers, contact reveals, reopening, queue filters, export, stats.

use crate::harness::{Env, form};
use serde_json::{Value, json};
use shared::adapters::dynamo::QueueFilter;
use shared::domain::report::Report;
use shared::domain::report::status::Status;
use shared::domain::report::timeline::EventKind;
use shared::domain::staff::Queue;
use std::collections::BTreeMap;

pub async fn submit(env: &Env, citizen: &str, city: &str, county: &str, category: &str) -> String {
    let mut body = form();
    body["city"] = json!(city);
    body["county"] = json!(county);
    body["category"] = json!(category);
    let reply = env.post("/v1/reports", &env.citizen(citizen), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.body["serial"].as_str().unwrap().to_owned()
}

pub async fn version(env: &Env, serial: &str) -> u64 {
    env.stored(serial).await.version
}

pub async fn act(env: &Env, token: &str, serial: &str, mut body: Value) -> crate::harness::Reply {
    if body.get("version").is_none() {
        body["version"] = json!(version(env, serial).await);
    }
    env.post(&format!("/v1/staff/reports/{serial}/actions"), token, &body)
        .await
}

#[tokio::test]
async fn the_authorization_matrix() {
    let env = Env::new().await;
    let wuchang = submit(&env, "m-1", "420100", "420106", "academic").await;
    let huangshi = submit(&env, "m-2", "420200", "420202", "academic").await;
    let callers: Vec<(&str, Option<String>)> = vec![
        (
            "handler, own agency",
            Some(env.staff("handler", "420106-education", "420106")),
        ),
        (
            "handler, other region",
            Some(env.staff("handler", "420202-education", "420202")),
        ),
        (
            "handler, same county other department",
            Some(env.staff("handler", "420106-science", "420106")),
        ),
        ("city, own", Some(env.staff("city", "", "420100"))),
        ("city, other", Some(env.staff("city", "", "420200"))),
        ("province", Some(env.staff("province", "", "420000"))),
        ("citizen", Some(env.citizen("m-1"))),
        ("no token", None),
    ];
    for (who, token) in &callers {
        let token = token.as_deref();
        let reaches = matches!(*who, "handler, own agency" | "city, own" | "province");
        let staff = token.is_some() && *who != "citizen";
        let get = |path: String| env.get_path(path, token);
        let queue = get("/v1/staff/reports".into()).await;
        let detail = get(format!("/v1/staff/reports/{wuchang}")).await;
        let note = {
            let body = json!({"action": "note", "version": version(&env, &wuchang).await, "text": "核查中"});
            env.call(
                "POST",
                &format!("/v1/staff/reports/{wuchang}/actions"),
                token,
                Some(&body),
            )
            .await
        };
        let stats = get("/v1/staff/stats".into()).await;
        let city_stats = get("/v1/staff/stats?region=420100".into()).await;
        let export = get("/v1/staff/export".into()).await;
        let report = get("/v1/staff/stats/export".into()).await;
        let city_report = get("/v1/staff/stats/export?region=420100".into()).await;
        let templates = get("/v1/staff/templates".into()).await;
        let me = get("/v1/staff/me".into()).await;
        if !staff {
            for reply in [
                &queue,
                &detail,
                &note,
                &stats,
                &city_stats,
                &export,
                &report,
                &city_report,
                &templates,
                &me,
            ] {
                assert_eq!(reply.error_code(401), "unauthorized", "{who}");
            }
            continue;
        }
        assert_eq!(queue.status, 200, "{who}");
        assert_eq!(queue.serials().contains(&wuchang), reaches, "{who}: queue");
        assert_eq!(export.status, 200, "{who}");
        assert_eq!(export.text.contains(&wuchang), reaches, "{who}: export");
        assert_eq!(templates.status, 200, "{who}");
        assert_eq!(me.status, 200, "{who}: me");
        let targets = me.body["transfer_targets"].as_array().map(Vec::len).unwrap_or_default();
        assert!(targets > 0, "{who}: somewhere to transfer to");
        assert_eq!(stats.status, 200, "{who}: own stats");
        if reaches {
            assert_eq!(detail.status, 200, "{who}: detail");
            assert_eq!(note.status, 200, "{who}: note {}", note.text);
        } else {
            assert_eq!(detail.error_code(404), "not_found", "{who}: detail");
            assert_eq!(note.error_code(404), "not_found", "{who}: note");
        }
        let city_stats_allowed = matches!(*who, "city, own" | "province");
        assert_eq!(
            city_stats.status,
            if city_stats_allowed { 200 } else { 403 },
            "{who}: stats of 武汉市"
        );
        // The statistics report: the same reach as the figures.
        assert_eq!(report.status, 200, "{who}: own report");
        assert_eq!(
            city_report.status,
            if city_stats_allowed { 200 } else { 403 },
            "{who}: report of 武汉市"
        );
        // Only the province reaches both cities.
        let both = queue.serials().contains(&huangshi) && queue.serials().contains(&wuchang);
        assert_eq!(both, *who == "province", "{who}");
    }
}

#[tokio::test]
async fn two_staff_replying_at_once_one_wins_one_event_one_sms() {
    let env = Env::new().await;
    let serial = submit(&env, "race-citizen", "420100", "420106", "academic").await;
    let first = env.staff("handler", "420106-education", "420106");
    let second = env.staff("handler", "420106-education", "420106");
    assert_eq!(
        act(&env, &first, &serial, json!({"action": "accept"})).await.status,
        200
    );
    let body = |text: &str| json!({"action": "reply", "version": 2, "finding": "substantiated", "text": text});
    let (a, b) = tokio::join!(
        act(&env, &first, &serial, body("甲的回复")),
        act(&env, &second, &serial, body("乙的回复"))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort_unstable();
    assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
    let loser = if a.status == 409 { &a } else { &b };
    assert_eq!(loser.body["code"], "stale_version");
    let (report, events) = env.stored_with_timeline(&serial).await;
    assert_eq!(report.version, 3);
    assert_eq!(
        events
            .iter()
            .filter(|e| e.kind == shared::domain::report::timeline::EventKind::Replied)
            .count(),
        1
    );
    env.deliver_stream().await;
    env.deliver_stream().await;
    let texts = env.sms_to(&env.phone_of("race-citizen")).await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert!(texts[0].contains(&serial) && texts[0].contains("已处理完成"));
}

#[tokio::test]
async fn a_transfer_moves_the_report_and_texts_the_new_agency() {
    let env = Env::new().await;
    let serial = submit(&env, "t-1", "420100", "420106", "academic").await;
    let wuchang = env.staff("handler", "420106-education", "420106");
    let hongshan = env.staff("handler", "420111-education", "420111");
    let answer = act(
        &env,
        &wuchang,
        &serial,
        json!({"action": "transfer", "to_agency": "420111-education", "reason": "地址属洪山区"}),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.body["handed_on"], true);
    assert_eq!(answer.body["agency"]["name"], "洪山区教育局");
    assert_eq!(
        env.get(&format!("/v1/staff/reports/{serial}"), Some(&wuchang))
            .await
            .status,
        404,
        "out of the old agency's reach"
    );
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&hongshan)).await;
    assert_eq!(detail.status, 200);
    assert_eq!(detail.body["status"], "pending");
    assert_eq!(detail.body["county"], "420111");
    let transfer = detail.body["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "transferred")
        .unwrap()
        .clone();
    assert!(transfer["note"].as_str().unwrap().contains("地址属洪山区"));
    assert_eq!(
        transfer["actor"]["name"], "420106工作人员",
        "staff names are in the staff timeline"
    );
    // Out of the city: a handler may not; back to the city: it may.
    let far = act(
        &env,
        &hongshan,
        &serial,
        json!({"action": "transfer", "to_agency": "420202-education", "reason": "x"}),
    )
    .await;
    assert_eq!(far.error_code(403), "forbidden");
    let back = act(
        &env,
        &hongshan,
        &serial,
        json!({"action": "transfer", "to": "city", "reason": "需市级协调"}),
    )
    .await;
    assert_eq!(back.body["agency"]["id"], "420100-education");
    env.deliver_stream().await;
    for agency in ["420106-education", "420111-education", "420100-education"] {
        let texts = env.sms_to(&env.duty_phones[agency]).await;
        assert_eq!(texts.len(), 1, "{agency}: {texts:?}");
        assert!(texts[0].contains(&serial));
    }
    // The citizen sees the hand-on without names.
    let mine = env
        .get(&format!("/v1/me/reports/{serial}"), Some(&env.citizen("t-1")))
        .await;
    assert!(!mine.text.contains("工作人员"));
}

#[tokio::test]
async fn the_reporters_phone_is_masked_until_revealed_and_the_reveal_is_recorded() {
    let env = Env::new().await;
    let serial = submit(&env, "reveal-1", "420100", "420106", "academic").await;
    let handler = env.staff("handler", "420106-education", "420106");
    let phone = env.phone_of("reveal-1");
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert_eq!(
        detail.body["reporter"]["phone"],
        format!("{}****{}", &phone[..3], &phone[7..])
    );
    assert!(!detail.text.contains(&phone));
    let name = "测试reveal-1";
    assert_eq!(detail.body["reporter"]["name"], "测*********");
    assert!(!detail.text.contains(name), "the name is masked too");
    let revealed = act(&env, &handler, &serial, json!({"action": "reveal_contact"})).await;
    assert_eq!(revealed.body["reporter"]["phone"], phone.as_str());
    assert_eq!(revealed.body["reporter"]["phone_revealed"], true);
    assert_eq!(revealed.body["reporter"]["name"], name);
    let last = revealed.body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["kind"], "contact_revealed");
    assert_eq!(last["actor"]["agency_name"], "武昌区教育局");
    let again = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    assert!(!again.text.contains(&phone), "revealed only in that answer");
    let citizen = env
        .get(&format!("/v1/me/reports/{serial}"), Some(&env.citizen("reveal-1")))
        .await;
    assert!(
        !citizen.text.contains("contact_revealed"),
        "internal steps stay internal"
    );
}

#[tokio::test]
async fn supervisors_urge_and_reopen_a_dissatisfied_reply() {
    let env = Env::new().await;
    let serial = submit(&env, "reopen-1", "420100", "420106", "academic").await;
    let handler = env.staff("handler", "420106-education", "420106");
    let city = env.staff("city", "", "420100");
    assert_eq!(
        act(&env, &handler, &serial, json!({"action": "urge", "reason": "快"}))
            .await
            .error_code(403),
        "forbidden"
    );
    let urged = act(&env, &city, &serial, json!({"action": "urge", "reason": "请加快办理"})).await;
    assert_eq!(urged.body["urges"], 1);
    assert_eq!(
        act(&env, &city, &serial, json!({"action": "accept"}))
            .await
            .error_code(403),
        "forbidden",
        "supervisors do not sign"
    );
    act(&env, &handler, &serial, json!({"action": "accept"})).await;
    act(
        &env,
        &handler,
        &serial,
        json!({"action": "reply", "finding": "unsubstantiated", "text": "经核查不属实"}),
    )
    .await;
    let citizen = env.citizen("reopen-1");
    assert_eq!(
        act(&env, &city, &serial, json!({"action": "reopen", "reason": "复查"}))
            .await
            .error_code(409),
        "not_dissatisfied"
    );
    assert_eq!(
        env.post(
            &format!("/v1/me/reports/{serial}/rating"),
            &citizen,
            &json!({"stars": 1, "comment": "没有处理"})
        )
        .await
        .status,
        201
    );
    assert_eq!(
        act(&env, &handler, &serial, json!({"action": "reopen", "reason": "复查"}))
            .await
            .error_code(403),
        "forbidden"
    );
    let reopened = act(
        &env,
        &city,
        &serial,
        json!({"action": "reopen", "reason": "群众不满意,重新核查"}),
    )
    .await;
    assert_eq!(reopened.status, 200, "{}", reopened.text);
    assert_eq!(reopened.body["status"], "processing");
    assert!(reopened.body["reply"].is_null());
    let mine = env.get(&format!("/v1/me/reports/{serial}"), Some(&citizen)).await;
    assert_eq!(mine.body["status"], "processing");
    assert_eq!(
        mine.body["timeline"].as_array().unwrap().last().unwrap()["kind"],
        "reopened"
    );
}

#[tokio::test]
async fn publishing_follows_the_reporters_wish() {
    let env = Env::new().await;
    let handler = env.staff("handler", "420106-education", "420106");
    let private = {
        let mut body = form();
        body["public"] = json!(false);
        env.post("/v1/reports", &env.citizen("pub-1"), &body).await.body["serial"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    for serial in [&private] {
        act(&env, &handler, serial, json!({"action": "accept"})).await;
        act(
            &env,
            &handler,
            serial,
            json!({"action": "reply", "finding": "partly", "text": "部分属实,已整改"}),
        )
        .await;
    }
    assert_eq!(
        act(&env, &handler, &private, json!({"action": "publish"}))
            .await
            .error_code(409),
        "not_public"
    );
    let public = submit(&env, "pub-2", "420100", "420106", "academic").await;
    assert_eq!(
        act(&env, &handler, &public, json!({"action": "publish"}))
            .await
            .error_code(409),
        "wrong_status"
    );
    act(&env, &handler, &public, json!({"action": "accept"})).await;
    act(
        &env,
        &handler,
        &public,
        json!({"action": "reply", "finding": "substantiated", "text": "属实"}),
    )
    .await;
    assert_eq!(
        act(
            &env,
            &handler,
            &public,
            json!({"action": "publish", "public_text": "已查处"})
        )
        .await
        .status,
        200
    );
    assert_eq!(env.get(&format!("/v1/public/reports/{public}"), None).await.status, 200);
    assert_eq!(
        act(&env, &handler, &public, json!({"action": "unpublish"}))
            .await
            .status,
        200
    );
    assert_eq!(env.get(&format!("/v1/public/reports/{public}"), None).await.status, 404);
}

#[tokio::test]
async fn actions_refuse_bad_input_and_stale_versions_without_changing_anything() {
    let env = Env::new().await;
    let serial = submit(&env, "bad-act", "420100", "420106", "academic").await;
    let handler = env.staff("handler", "420106-education", "420106");
    for (body, field) in [
        (json!({"action": "accept"}), "version"),
        (json!({"action": "fly", "version": 1}), "action"),
        (json!({"action": "reply", "version": 1, "text": "x"}), "finding"),
        (
            json!({"action": "transfer", "version": 1, "to_agency": "420111-education"}),
            "reason",
        ),
        (
            json!({"action": "transfer", "version": 1, "to_agency": "nowhere", "reason": "x"}),
            "to_agency",
        ),
        (json!({"action": "note", "version": 1, "text": ""}), "text"),
    ] {
        let reply = env
            .post(&format!("/v1/staff/reports/{serial}/actions"), &handler, &body)
            .await;
        reply.error_code(400);
        assert_eq!(reply.body["field"], field, "{body}");
    }
    let stale = env
        .post(
            &format!("/v1/staff/reports/{serial}/actions"),
            &handler,
            &json!({"action": "accept", "version": 7}),
        )
        .await;
    assert_eq!(stale.error_code(409), "stale_version");
    assert_eq!(version(&env, &serial).await, 1, "nothing changed");
}

#[tokio::test]
async fn queues_filter_by_status_county_category_dates_and_overdue() {
    let env = Env::new().await;
    let late = env.old_report(40, "old-1").await;
    let fresh = submit(&env, "f-1", "420100", "420106", "academic").await;
    let science = submit(&env, "f-2", "420100", "420106", "technology").await;
    let hongshan = submit(&env, "f-3", "420100", "420111", "academic").await;
    let city = env.staff("city", "", "420100");
    let handler = env.staff("handler", "420106-education", "420106");
    act(&env, &handler, &fresh, json!({"action": "accept"})).await;
    let q = |query: &'static str| env.get_path(format!("/v1/staff/reports{query}"), Some(&city));
    assert_eq!(q("").await.serials().len(), 4);
    assert_eq!(q("?overdue=true").await.serials(), vec![late.clone()]);
    assert_eq!(q("?status=processing").await.serials(), vec![fresh.clone()]);
    assert_eq!(q("?category=technology").await.serials(), vec![science.clone()]);
    assert_eq!(q("?county=420111").await.serials(), vec![hongshan.clone()]);
    let today = shared::domain::time::now_cst().format("%Y-%m-%d").to_string();
    let dated = env
        .get_path(format!("/v1/staff/reports?from={today}&to={today}"), Some(&city))
        .await;
    assert_eq!(dated.serials().len(), 3, "the old one is outside today");
    let backwards = env
        .get_path(format!("/v1/staff/reports?from=2099-12-31&to={today}"), Some(&city))
        .await;
    assert_eq!(
        backwards.serials(),
        dated.serials(),
        "a range given backwards is read forwards"
    );
    let page = env
        .get_path("/v1/staff/reports?limit=1&status=pending".into(), Some(&city))
        .await;
    assert_eq!(page.serials().len(), 1);
    let next = env
        .get_path(
            format!(
                "/v1/staff/reports?limit=1&status=pending&cursor={}",
                page.body["next_cursor"].as_str().unwrap()
            ),
            Some(&city),
        )
        .await;
    assert_eq!(next.serials().len(), 1);
    assert_ne!(next.serials(), page.serials());
    let item = q("?overdue=true").await.body["items"][0].clone();
    assert_eq!(item["overdue"], true);
    // The overdue metric's sample counts the same report, under its city.
    let now = shared::domain::time::format(&shared::domain::time::now_cst());
    let by_city = env.app.records.overdue_by_city("420000", &now).await.unwrap();
    assert_eq!(by_city, [("420100".to_owned(), 1)].into());
    for bad in [
        "?status=done",
        "?category=x",
        "?overdue=yes",
        "?from=2024-13-01",
        "?county=420202",
        "?limit=",
    ] {
        q(bad).await.error_code(400);
    }
    // A handler's queue is its agency's, whatever the filter says.
    assert_eq!(
        env.get("/v1/staff/reports?county=420111", Some(&handler))
            .await
            .serials(),
        Vec::<String>::new()
    );
}

/// Counts over the reports themselves, computed here without the code under test.
fn brute_force(reports: &[Report]) -> Value {
    let mut by_status = BTreeMap::from([("pending", 0), ("processing", 0), ("replied", 0)]);
    let mut by_county: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_category: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_month: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_month_status: BTreeMap<String, BTreeMap<&str, i64>> = BTreeMap::new();
    let mut distribution = [0i64; 5];
    let (mut sign_ok, mut sign_late, mut reply_ok, mut reply_late, mut overdue) = (0, 0, 0, 0, 0);
    let (mut ratings, mut stars, mut satisfied) = (0i64, 0i64, 0i64);
    let now = shared::domain::time::now_cst();
    for r in reports {
        *by_status.get_mut(r.status.code()).unwrap() += 1;
        *by_county.entry(r.assignment.county.clone()).or_default() += 1;
        *by_category.entry(r.category.clone()).or_default() += 1;
        let month = r.created_at.format("%Y-%m").to_string();
        *by_month.entry(month.clone()).or_default() += 1;
        let statuses = by_month_status
            .entry(month)
            .or_insert_with(|| BTreeMap::from([("pending", 0), ("processing", 0), ("replied", 0)]));
        *statuses.get_mut(r.status.code()).unwrap() += 1;
        match r.signed_on_time {
            Some(true) => sign_ok += 1,
            Some(false) => sign_late += 1,
            None => {}
        }
        match r.replied_on_time {
            Some(true) => reply_ok += 1,
            Some(false) => reply_late += 1,
            None => {}
        }
        let late_sign = r.status == Status::Pending && now > r.deadlines.sign_by;
        let late_reply = r.status != Status::Replied && now > r.deadlines.reply_by;
        if late_sign || late_reply {
            overdue += 1;
        }
        if let Some(rating) = &r.rating {
            ratings += 1;
            stars += i64::from(rating.stars.get());
            distribution[usize::from(rating.stars.get()) - 1] += 1;
            if rating.stars.get() >= 4 {
                satisfied += 1;
            }
        }
    }
    json!({
        "total": reports.len(),
        "by_status": by_status,
        "by_county": by_county,
        "by_category": by_category,
        "by_month": by_month,
        "by_month_status": by_month_status,
        "signed_on_time": sign_ok, "signed_late": sign_late,
        "replied_on_time": reply_ok, "replied_late": reply_late,
        "overdue_now": overdue,
        "rating": {
            "count": ratings,
            "average": if ratings > 0 { json!(stars as f64 / ratings as f64) } else { Value::Null },
            "satisfied_share": if ratings > 0 { json!(satisfied as f64 / ratings as f64) } else { Value::Null },
            "distribution": distribution,
        },
    })
}

/// Which reports a region's figures cover.
type Keep = Box<dyn Fn(&Report) -> bool>;

#[tokio::test]
async fn the_stats_agree_with_a_brute_force_count() {
    let env = Env::new().await;
    env.old_report(45, "stats-old").await;
    let places = [
        ("420100", "420106", "academic"),
        ("420100", "420111", "sports"),
        ("420100", "420106", "arts"),
        ("420200", "420202", "academic"),
        ("429004", "429004", "technology"),
    ];
    let mut serials = Vec::new();
    for (i, (city, county, category)) in places.iter().enumerate() {
        for j in 0..2 {
            serials.push((
                submit(&env, &format!("s-{i}-{j}"), city, county, category).await,
                format!("s-{i}-{j}"),
                *county,
                *category,
            ));
        }
    }
    let province = env.staff("province", "", "420000");
    for (n, (serial, sub, county, category)) in serials.iter().enumerate() {
        let department = match *category {
            "academic" => "education",
            "technology" => "science",
            "arts" => "culture",
            _ => "sports",
        };
        let handler = env.staff("handler", &format!("{county}-{department}"), county);
        if n % 5 == 0 {
            continue; // left pending
        }
        act(&env, &handler, serial, json!({"action": "accept"})).await;
        if n % 5 == 1 {
            continue; // processing
        }
        if n % 5 == 2 && *county == "420106" {
            let moved = act(
                &env,
                &handler,
                serial,
                json!({"action": "transfer", "to_agency": "420111-education", "reason": "改派"}),
            )
            .await;
            assert_eq!(moved.status, 200, "{}", moved.text);
            continue;
        }
        let replied = act(
            &env,
            &handler,
            serial,
            json!({"action": "reply", "finding": "partly", "text": "已处理"}),
        )
        .await;
        assert_eq!(replied.status, 200, "{}", replied.text);
        let stars = [5, 2, 4, 1, 3][n % 5];
        let rated = env
            .post(
                &format!("/v1/me/reports/{serial}/rating"),
                &env.citizen(sub),
                &json!({"stars": stars}),
            )
            .await;
        assert_eq!(rated.status, 201);
        if stars <= 2 {
            act(&env, &province, serial, json!({"action": "reopen", "reason": "复查"})).await;
        }
    }
    // Brute force over every report the province queue lists, page by page.
    let mut all = Vec::new();
    let mut cursor = None;
    loop {
        let page = env
            .app
            .records
            .queue(
                &Queue::Province("420000".into()),
                &QueueFilter::default(),
                7,
                cursor.as_deref(),
            )
            .await
            .unwrap();
        all.extend(page.items);
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(all.len(), 11);
    let scopes: [(&str, &str, Keep); 4] = [
        ("", "湖北省", Box::new(|_| true)),
        ("?region=420100", "武汉市", Box::new(|r| r.assignment.city == "420100")),
        (
            "?region=420111",
            "洪山区",
            Box::new(|r| r.assignment.county == "420111"),
        ),
        ("?region=429004", "仙桃市", Box::new(|r| r.assignment.city == "429004")),
    ];
    for (query, name, keep) in scopes {
        let stats = env.get_path(format!("/v1/staff/stats{query}"), Some(&province)).await;
        assert_eq!(stats.status, 200, "{}", stats.text);
        let subset: Vec<Report> = all.iter().filter(|r| keep(r)).cloned().collect();
        let expected = brute_force(&subset);
        for (key, value) in expected.as_object().unwrap() {
            assert_eq!(&stats.body[key], value, "{query} {key}");
        }
        // The statistics report (导出报表) holds the same figures.
        crate::exports::assert_report_matches_stats(&env, &province, query, name).await;
    }
    // A month range keeps only those months.
    let this_month = shared::domain::time::now_cst().format("%Y-%m").to_string();
    let recent = env
        .get_path(
            format!("/v1/staff/stats?from={this_month}&to={this_month}"),
            Some(&province),
        )
        .await;
    assert_eq!(recent.body["total"], 10);
    assert_eq!(recent.body["by_month"].as_object().unwrap().len(), 1);
}

#[tokio::test]
async fn reply_templates_are_offered_per_violation_type() {
    let env = Env::new().await;
    let handler = env.staff("handler", "420106-education", "420106");
    let all = env.get("/v1/staff/templates", Some(&handler)).await;
    assert_eq!(all.body["items"].as_array().unwrap().len(), 24);
    let one = env
        .get("/v1/staff/templates?violation_type=holiday", Some(&handler))
        .await;
    let findings: Vec<&str> = one.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["finding"].as_str().unwrap())
        .collect();
    assert_eq!(findings, ["partly", "substantiated", "unsubstantiated"]);
}

#[tokio::test]
async fn the_audit_trail_records_who_acted_read_and_exported_and_every_text_shown() {
    let env = Env::new().await;
    let serial = submit(&env, "audit-1", "420100", "420106", "academic").await;
    let handler = env.staff("handler", "420106-education", "420106");
    let handler_sub = "staff-handler-420106-education-420106";
    for body in [
        json!({"action": "accept"}),
        json!({"action": "reply", "finding": "substantiated", "text": "第一次回复"}),
        json!({"action": "publish", "public_text": "公开内容一"}),
    ] {
        assert_eq!(act(&env, &handler, &serial, body).await.status, 200);
    }
    let (_, timeline) = env.stored_with_timeline(&serial).await;
    let accepted = timeline.iter().find(|e| e.kind == EventKind::Accepted).unwrap();
    assert_eq!(
        accepted.actor.sub.as_deref(),
        Some(handler_sub),
        "the staff member's id, not only a name"
    );
    let replied = timeline.iter().find(|e| e.kind == EventKind::Replied).unwrap();
    assert_eq!(
        replied.note.as_deref(),
        Some("属实:第一次回复"),
        "the reply's own text is kept"
    );
    let published = timeline.iter().find(|e| e.kind == EventKind::Published).unwrap();
    assert_eq!(
        published.note.as_deref(),
        Some("公开内容一"),
        "what the public saw is kept"
    );

    for _ in 0..2 {
        let seen = env
            .get_path(format!("/v1/staff/reports/{serial}"), Some(&handler))
            .await;
        assert_eq!(seen.status, 200);
    }
    let reads = env.app.records.audit_trail(&serial).await.unwrap();
    assert!(!reads.is_empty() && reads.len() <= 2, "{reads:?}");
    assert!(
        reads
            .iter()
            .all(|r| r.what == "viewed" && r.sub == handler_sub && r.agency_id == "420106-education")
    );
    let city = env.staff("city", "", "420100");
    assert_eq!(
        env.get_path("/v1/staff/export?category=academic".into(), Some(&city))
            .await
            .status,
        200
    );
    let exports = env.app.records.audit_trail("EXPORTS#420100").await.unwrap();
    assert_eq!(exports.len(), 1, "{exports:?}");
    assert_eq!(exports[0].what, "exported");
    assert_eq!(exports[0].detail, "category=academic (1 rows)");

    let mine = env
        .get_path(format!("/v1/me/reports/{serial}"), Some(&env.citizen("audit-1")))
        .await;
    assert_eq!(mine.status, 200);
    assert!(
        !mine.text.contains(handler_sub),
        "no staff id reaches the reporter: {}",
        mine.text
    );
}

#[tokio::test]
async fn reporters_data_is_removed_after_the_retention_period_and_the_report_kept() {
    let env = Env::new().await;
    let replied = submit(&env, "retention-1", "420100", "420106", "academic").await;
    let open = submit(&env, "retention-2", "420100", "420106", "academic").await;
    let handler = env.staff("handler", "420106-education", "420106");
    act(&env, &handler, &replied, json!({"action": "accept"})).await;
    act(
        &env,
        &handler,
        &replied,
        json!({"action": "reply", "finding": "partly", "text": "已处理"}),
    )
    .await;
    let housekeeping = || serde_json::from_value::<notify::Invocation>(json!({"task": "housekeeping"})).unwrap();

    // Within the period nothing changes.
    env.notifier(env.sns()).invoke(housekeeping()).await.unwrap();
    assert_eq!(env.stored(&replied).await.reporter.name, "测试retention-1");

    // Past it (a period that has always passed), the replied report loses its reporter's data.
    let mut notifier = env.notifier(env.sns());
    notifier.reporter_data_days = -1;
    notifier.invoke(housekeeping()).await.unwrap();
    let (report, timeline) = env.stored_with_timeline(&replied).await;
    assert_eq!(
        (report.reporter.name.as_str(), report.reporter.phone.reveal()),
        ("", "")
    );
    assert!(report.reporter_redacted_at.is_some());
    assert_eq!(timeline.last().unwrap().kind, EventKind::ReporterRedacted);
    assert_eq!(
        report.reply.as_ref().unwrap().text,
        "已处理",
        "the report itself is kept"
    );
    assert_eq!(
        env.stored(&open).await.reporter.name,
        "测试retention-2",
        "an open report keeps it"
    );
    let detail = env
        .get_path(format!("/v1/staff/reports/{replied}"), Some(&handler))
        .await;
    assert!(!detail.text.contains(&env.phone_of("retention-1")));
    let mine = env
        .get_path(format!("/v1/me/reports/{replied}"), Some(&env.citizen("retention-1")))
        .await;
    assert_eq!(mine.status, 200, "the reporter still sees their report");

    // Done once: the next run finds nothing due.
    notifier.invoke(housekeeping()).await.unwrap();
    assert_eq!(env.stored(&replied).await.version, report.version);
}

#[tokio::test]
async fn repeat_reports_are_linked_by_normalised_target_or_address_in_the_county() {
    let env = Env::new().await;
    let submit = |citizen: &str, change: fn(&mut serde_json::Value)| {
        let mut body = form();
        change(&mut body);
        let env = &env;
        let token = env.citizen(citizen);
        async move {
            let reply = env.post("/v1/reports", &token, &body).await;
            assert_eq!(reply.status, 201, "{}", reply.text);
            reply.body["serial"].as_str().unwrap().to_owned()
        }
    };
    let first = submit("r-1", |_| {}).await;
    // The same target spelled with full-width letters, spaces and other punctuation.
    let second = submit("r-2", |b| {
        b["target"] = serde_json::json!(format!(" {}。", b["target"].as_str().unwrap().replace("", " ").trim()));
        b["address"] = serde_json::json!("另一条路9号");
    })
    .await;
    // Another county: never linked, however alike.
    let elsewhere = submit("r-3", |b| {
        b["county"] = serde_json::json!("420111");
    })
    .await;
    let staff = env.staff("handler", "420106-education", "420106");
    let queue = env.get("/v1/staff/reports", Some(&staff)).await;
    let marked: Vec<(String, bool)> = queue.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["serial"].as_str().unwrap().to_owned(), i["repeat"].as_bool().unwrap()))
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
    let other = env.staff("handler", "420111-education", "420111");
    let far = env.get(&format!("/v1/staff/reports/{elsewhere}"), Some(&other)).await;
    assert_eq!(far.body["repeats"], serde_json::json!([]));
    // Citizens see nothing of other people's reports.
    let mine = env
        .get(&format!("/v1/me/reports/{second}"), Some(&env.citizen("r-2")))
        .await;
    assert!(!mine.text.contains(&first), "{}", mine.text);
}

#[tokio::test]
async fn a_much_reported_target_links_its_newest_repeats_and_reads_no_more() {
    use shared::domain::report::repeat::MAX_LINKED;
    let env = Env::new().await;
    let mut serials = Vec::new();
    for n in 0..MAX_LINKED + 3 {
        serials.push(submit(&env, &format!("many-{n}"), "420100", "420106", "academic").await);
    }
    let last = serials.pop().unwrap();
    // The newest earlier ones, newest first, whatever the way the store pages.
    let newest: Vec<String> = serials.iter().rev().take(MAX_LINKED).cloned().collect();
    assert_eq!(env.stored(&last).await.repeats, newest);
    let handler = env.staff("handler", "420106-education", "420106");
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
    assert_eq!(linked[0], last);
}
