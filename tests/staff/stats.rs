//! The statistics agree with a count over the reports themselves, for every region level.

use crate::harness::{Env, placed};
use serde_json::{Value, json};
use shared::adapters::dynamo::QueueFilter;
use shared::domain::report::Report;
use shared::domain::report::status::Status;
use shared::domain::staff::Queue;
use std::collections::BTreeMap;

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
    let (mut reopened, mut reopenings, mut dissatisfied_open) = (0i64, 0i64, 0i64);
    let mut findings = BTreeMap::from([
        ("substantiated", 0i64),
        ("partly", 0),
        ("unsubstantiated", 0),
        ("unverifiable", 0),
    ]);
    let mut measures: BTreeMap<String, i64> = BTreeMap::new();
    // (replied, found, measures) per county and per category.
    let mut found_by: [BTreeMap<String, (i64, i64, i64)>; 2] = Default::default();
    // (county, id) → (name, reports, found, measures) per linked institution.
    let mut institutions: BTreeMap<(String, String), (String, i64, i64, i64)> = BTreeMap::new();
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
        if !r.rounds.is_empty() {
            reopened += 1;
            reopenings += r.rounds.len() as i64;
        }
        let latest_poor = r.rating.as_ref().is_some_and(|x| x.stars.get() <= 2);
        if r.status == Status::Replied && latest_poor && r.closure.is_none() {
            dissatisfied_open += 1;
        }
        if let Some(i) = &r.institution {
            let entry = institutions
                .entry((i.county.clone(), i.id.clone()))
                .or_insert_with(|| (i.name.clone(), 0, 0, 0));
            entry.1 += 1;
            if let (Status::Replied, Some(reply)) = (r.status, &r.reply) {
                entry.2 += i64::from(reply.finding.is_found());
                entry.3 += reply.measures.as_ref().map_or(0, |m| m.len() as i64);
            }
        }
        if let (Status::Replied, Some(reply)) = (r.status, &r.reply) {
            let code = serde_json::to_value(reply.finding).unwrap();
            *findings.get_mut(code.as_str().unwrap()).unwrap() += 1;
            let found = i64::from(matches!(code.as_str(), Some("substantiated" | "partly")));
            let taken = reply.measures.as_ref().map_or(0, |m| m.len() as i64);
            for m in reply.measures.iter().flatten() {
                *measures.entry(m.code.clone()).or_default() += 1;
            }
            for (by, key) in found_by.iter_mut().zip([&r.assignment.county, &r.category]) {
                let entry = by.entry(key.clone()).or_default();
                *entry = (entry.0 + 1, entry.1 + found, entry.2 + taken);
            }
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
    // Every month from the first report's to this one is listed, empty ones as zeros.
    if let Some(first) = by_month.keys().next().cloned() {
        let this_month = now.format("%Y-%m").to_string();
        let mut month = chrono::NaiveDate::parse_from_str(&format!("{first}-01"), "%Y-%m-%d").unwrap();
        while month.format("%Y-%m").to_string() <= this_month {
            let key = month.format("%Y-%m").to_string();
            by_month.entry(key.clone()).or_default();
            by_month_status
                .entry(key)
                .or_insert_with(|| BTreeMap::from([("pending", 0), ("processing", 0), ("replied", 0)]));
            month = month.checked_add_months(chrono::Months::new(1)).unwrap();
        }
    }
    // Most reported first, then by id; the top 10.
    let mut ranked: Vec<_> = institutions.into_iter().collect();
    ranked.sort_by(|a, b| b.1.1.cmp(&a.1.1).then_with(|| a.0.1.cmp(&b.0.1)));
    let institutions: Vec<Value> = ranked
        .into_iter()
        .take(10)
        .map(|((county, id), (name, count, found, measures))| {
            json!({"id": id, "county": county, "name": name, "count": count, "found": found, "measures": measures})
        })
        .collect();
    let replied: i64 = findings.values().sum();
    let finding_rate = if replied > 0 {
        json!((findings["substantiated"] + findings["partly"]) as f64 / replied as f64)
    } else {
        Value::Null
    };
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
        "reopened": reopened, "reopenings": reopenings, "dissatisfied_open": dissatisfied_open,
        "findings": {
            "substantiated": findings["substantiated"], "partly": findings["partly"],
            "unsubstantiated": findings["unsubstantiated"], "unverifiable": findings["unverifiable"],
            "rate": finding_rate,
        },
        "measures": measures,
        "found_by_county": found_json(&found_by[0]),
        "found_by_category": found_json(&found_by[1]),
        "institutions": institutions,
        "rating": {
            "count": ratings,
            "average": if ratings > 0 { json!(stars as f64 / ratings as f64) } else { Value::Null },
            "satisfied_share": if ratings > 0 { json!(satisfied as f64 / ratings as f64) } else { Value::Null },
            "distribution": distribution,
        },
    })
}

fn found_json(by: &BTreeMap<String, (i64, i64, i64)>) -> Value {
    by.iter()
        .map(|(k, (replied, found, measures))| {
            (k.clone(), json!({"replied": replied, "found": found, "rate": *found as f64 / *replied as f64, "measures": measures}))
        })
        .collect::<serde_json::Map<_, _>>()
        .into()
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
                env.submit(
                    &env.citizen_named(&format!("s-{i}-{j}")),
                    placed(city, county, category),
                )
                .await,
                format!("s-{i}-{j}"),
                *county,
                *category,
            ));
        }
    }
    let province = env.province_supervisor().await;
    // Two registry institutions; the reports of 武昌区 link the first, half of 洪山区's the second.
    let registry = "机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n\
                    统计测试学校甲,,,,武昌区,中南路1号,学科类,否,正常\n\
                    统计测试学校乙,,,,洪山区,珞喻路1号,非学科类,否,正常\n";
    let listed = shared::domain::registry::import::parse_csv(registry, &env.app.directory.regions).unwrap();
    env.app.records.save_institutions(&listed).await.unwrap();
    for (n, (serial, _, county, _)) in serials.iter().enumerate() {
        let Some(linked) = listed.iter().find(|i| i.county == *county) else {
            continue;
        };
        if *county == "420111" && n % 2 == 1 {
            continue;
        }
        let link = json!({"action": "link_institution", "institution_id": linked.id});
        assert_eq!(env.act(&province, serial, link).await.status, 200);
    }
    for (n, (serial, sub, county, category)) in serials.iter().enumerate() {
        let department = match *category {
            "academic" => "education",
            "technology" => "science",
            "arts" => "culture",
            _ => "sports",
        };
        let handler = env.handler(&format!("{county}-{department}")).await;
        if n % 5 == 0 {
            continue; // left pending
        }
        env.act(&handler, serial, json!({"action": "accept"})).await;
        if n % 5 == 1 {
            continue; // processing
        }
        if n % 5 == 2 && *county == "420106" {
            let moved = env
                .act(
                    &handler,
                    serial,
                    json!({"action": "transfer", "to_agency": "420111-education", "reason": "改派"}),
                )
                .await;
            assert_eq!(moved.status, 200, "{}", moved.text);
            continue;
        }
        // Findings and measures vary, so that 查实率 and the measure counts have something to count.
        let reply = match n % 3 {
            0 => {
                json!({"action": "reply", "finding": "substantiated", "text": "已处理", "measures": [{"code": "stop"}, {"code": "fine", "amount": 5000}]})
            }
            1 => {
                json!({"action": "reply", "finding": "partly", "text": "已处理", "measures": [{"code": "refund", "amount": 1200}]})
            }
            _ => json!({"action": "reply", "finding": "unsubstantiated", "text": "已处理"}),
        };
        let replied = env.act(&handler, serial, reply).await;
        assert_eq!(replied.status, 200, "{}", replied.text);
        let stars = [5, 2, 4, 1, 3][n % 5];
        let rated = env
            .post(
                &format!("/v1/me/reports/{serial}/rating"),
                &env.citizen_named(sub),
                &json!({"stars": stars}),
            )
            .await;
        assert_eq!(rated.status, 201);
        if stars <= 2 {
            env.act(&province, serial, json!({"action": "reopen", "reason": "复查"}))
                .await;
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
