//! 人员管理 and 操作日志: the roster decides who a staff token is, supervisors keep it within their
//! reach, and the audit log finds what was done, for those in reach only.

use crate::harness::{Caller, Env};
use serde_json::{Value, json};

/// Someone with a staff token whose claims say province supervisor, unknown to the roster.
fn stranger(env: &Env) -> Caller {
    env.staff_token("province", "", "420000")
}

async fn add(env: &Env, by: &Caller, body: Value) -> crate::harness::Reply {
    env.post("/v1/staff/roster", by, &body).await
}

async fn change(env: &Env, by: &Caller, sub: &str, body: Value) -> crate::harness::Reply {
    env.post(&format!("/v1/staff/roster/{sub}"), by, &body).await
}

#[tokio::test]
async fn the_roster_not_the_token_says_who_someone_is_and_whether_they_may_sign_in() {
    let env = Env::new().await;
    let city = env.city_supervisor("420100").await;
    let person = stranger(&env);
    let me = env.get("/v1/staff/me", Some(&person)).await;
    assert_eq!((me.status, me.code()), (403, "staff_not_on_roster"), "{}", me.text);
    assert!(me.body["message"].as_str().unwrap().contains("人员名单"));

    let added = add(
        &env,
        &city,
        json!({"sub": person.sub, "name": "周科员", "role": "handler", "agency_id": "420106-education", "phone": "13900001111"}),
    )
    .await;
    assert_eq!(added.status, 201, "{}", added.text);
    assert_eq!(added.body["region"], "420106", "a handler takes its agency's region");
    // The token claims a province supervisor; the roster makes a handler of 武昌区教育局.
    let me = env.get("/v1/staff/me", Some(&person)).await;
    assert_eq!(me.status, 200, "{}", me.text);
    assert_eq!(
        (me.body["role"].as_str(), me.body["agency"]["id"].as_str()),
        (Some("handler"), Some("420106-education"))
    );
    assert_eq!(env.get("/v1/staff/reports", Some(&person)).await.status, 200);
    let province_stats = env.get("/v1/staff/stats?region=420000", Some(&person)).await;
    assert_eq!(province_stats.status, 403, "{}", province_stats.text);

    let disabled = change(&env, &city, &person.sub, json!({"enabled": false})).await;
    assert_eq!(
        (disabled.status, disabled.body["enabled"].as_bool()),
        (200, Some(false)),
        "{}",
        disabled.text
    );
    let refused = env.get("/v1/staff/reports", Some(&person)).await;
    assert_eq!((refused.status, refused.code()), (403, "staff_disabled"));
    assert_eq!(refused.body["message"], "该账号已停用,请联系本地区督导");
    assert_eq!(
        change(&env, &city, &person.sub, json!({"enabled": true})).await.status,
        200
    );
    assert_eq!(env.get("/v1/staff/reports", Some(&person)).await.status, 200);

    // Every change is in the 操作日志, newest first.
    let log = env.get("/v1/staff/audit?kind=staff", Some(&city)).await;
    assert_eq!(log.status, 200, "{}", log.text);
    let details: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["sub"] == city.sub.as_str())
        .map(|e| e["detail"].as_str().unwrap())
        .collect();
    assert_eq!(
        details,
        [
            "启用 周科员(武昌区教育局 受理人员)",
            "停用 周科员(武昌区教育局 受理人员)",
            "新增 周科员(武昌区教育局 受理人员)"
        ]
    );
}

#[tokio::test]
async fn supervisors_keep_only_the_people_of_their_reach() {
    let env = Env::new().await;
    let city = env.city_supervisor("420100").await;
    let handler = env.handler("420106-education").await;
    let elsewhere = env.handler("420202-education").await;
    let province = env.province_supervisor().await;
    let body = |sub: &str, role: &str, agency: &str, region: &str| json!({"sub": sub, "name": "新人", "role": role, "agency_id": agency, "region": region});

    let other_city = add(&env, &city, body("n-1", "handler", "420202-education", "")).await;
    assert_eq!(other_city.status, 403, "{}", other_city.text);
    let above = add(&env, &city, body("n-2", "province", "", "420000")).await;
    assert_eq!(above.status, 403);
    let by_handler = add(&env, &handler, body("n-3", "handler", "420106-education", "")).await;
    assert_eq!(by_handler.status, 403);
    assert_eq!(env.get("/v1/staff/roster", Some(&handler)).await.status, 403);
    let wrong_level = add(&env, &province, body("n-4", "city", "", "420106")).await;
    assert_eq!((wrong_level.status, wrong_level.field()), (400, Some("region")));
    let again = add(&env, &province, body(&handler.sub, "handler", "420106-education", "")).await;
    assert_eq!((again.status, again.code()), (409, "already_on_roster"));

    let own = change(&env, &city, &city.sub, json!({"enabled": false})).await;
    assert_eq!((own.status, own.code()), (409, "own_account"));
    let nothing = change(&env, &city, &handler.sub, json!({"enabled": true})).await;
    assert_eq!((nothing.status, nothing.code()), (409, "no_change"));
    let outside = change(&env, &city, &elsewhere.sub, json!({"enabled": false})).await;
    assert_eq!(outside.status, 404, "someone outside the reach is not found");
    assert_eq!(
        change(&env, &city, "nobody", json!({"enabled": false})).await.status,
        404
    );
    let unknown_field = change(&env, &city, &handler.sub, json!({"role": "province"})).await;
    assert_eq!(unknown_field.status, 400, "the role is not changed in place");

    let listed = |reply: crate::harness::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["sub"].as_str().unwrap().to_owned())
            .collect()
    };
    let city_list = listed(env.get("/v1/staff/roster", Some(&city)).await);
    assert!(city_list.contains(&handler.sub) && city_list.contains(&city.sub));
    assert!(!city_list.contains(&elsewhere.sub) && !city_list.contains(&province.sub));
    let province_list = listed(env.get("/v1/staff/roster", Some(&province)).await);
    assert_eq!(province_list.first(), Some(&province.sub), "supervisors first");
    assert!(province_list.contains(&elsewhere.sub) && province_list.contains(&handler.sub));
}

#[tokio::test]
async fn the_audit_log_finds_the_export_and_the_reveal_just_made_only_for_those_in_reach() {
    let env = Env::new().await;
    let reporter = env.citizen();
    let serial = env.submit(&reporter, |_| {}).await;
    let handler = env.handler("420106-education").await;
    assert_eq!(
        env.act(&handler, &serial, json!({"action": "accept"})).await.status,
        200
    );
    let revealed = env.act(&handler, &serial, json!({"action": "reveal_contact"})).await;
    assert_eq!(revealed.status, 200, "{}", revealed.text);
    let city = env.city_supervisor("420100").await;
    assert_eq!(
        env.get("/v1/staff/export?category=academic", Some(&city)).await.status,
        200
    );

    let search = |who: &Caller, query: &'static str| {
        let path = format!("/v1/staff/audit?{query}");
        let token = who.token.clone();
        let env = &env;
        async move { env.get(&path, Some(&token)).await }
    };
    let kinds = |reply: &crate::harness::Reply| -> Vec<(String, String)> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["kind"].as_str().unwrap().to_owned(),
                    e["sub"].as_str().unwrap().to_owned(),
                )
            })
            .collect()
    };
    let found = search(&city, "").await;
    assert_eq!(found.status, 200, "{}", found.text);
    let entries = kinds(&found);
    assert!(entries.contains(&("reveal".into(), handler.sub.clone())), "{entries:?}");
    assert!(entries.contains(&("export".into(), city.sub.clone())), "{entries:?}");
    assert!(
        entries.contains(&("action".into(), handler.sub.clone())),
        "签收: {entries:?}"
    );
    let reveal = &found.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["kind"] == "reveal")
        .unwrap();
    assert_eq!(reveal["serial"], serial.as_str());
    assert_eq!(reveal["kind_name"], "查看联系方式");

    let province = env.province_supervisor().await;
    let reveals = kinds(&search(&province, "kind=reveal").await);
    assert_eq!(reveals, [("reveal".to_owned(), handler.sub.clone())]);
    let by_person = kinds(&search(&province, "kind=export").await);
    assert_eq!(by_person, [("export".to_owned(), city.sub.clone())]);

    // Another city's supervisor sees none of it (only their own enrolment, by 系统); the handler
    // sees only their own steps.
    let other = env.city_supervisor("420200").await;
    let theirs = search(&other, "").await;
    assert!(kinds(&theirs).iter().all(|(_, sub)| sub == "system"), "{}", theirs.text);
    let own = kinds(&search(&handler, "person=").await);
    assert!(
        !own.is_empty() && own.iter().all(|(_, sub)| *sub == handler.sub),
        "{own:?}"
    );
    let asked_for_others = kinds(&search(&handler, "kind=export").await);
    assert!(
        asked_for_others.is_empty(),
        "a handler cannot read the supervisor's export"
    );

    let bad = search(&city, "kind=everything").await;
    assert_eq!((bad.status, bad.field()), (400, Some("kind")));
    let long = search(&city, "from=2026-01-01&to=2026-12-01").await;
    assert_eq!((long.status, long.code()), (422, "period_too_long"));
    let workbook = search(&province, "kind=reveal").await;
    assert_eq!(workbook.status, 200);
    let export = env.get("/v1/staff/audit/export?kind=reveal", Some(&province)).await;
    assert_eq!(export.status, 200, "{}", export.text);
    let exported = kinds(&search(&province, "kind=export").await);
    assert_eq!(exported.len(), 2, "the log's own export is in the log: {exported:?}");
}

#[tokio::test]
async fn with_a_user_pool_the_site_creates_disables_and_re_enables_the_persons_user() {
    let env = Env::with(crate::harness::Options {
        staff_pool: true,
        ..Default::default()
    })
    .await;
    let city = env.city_supervisor("420100").await;
    let person = json!({"name": "周科员", "role": "handler", "agency_id": "420106-education"});
    let no_phone = add(&env, &city, person.clone()).await;
    assert_eq!(
        (no_phone.status, no_phone.field()),
        (400, Some("phone")),
        "the mobile is the username"
    );
    let mut with_phone = person.clone();
    with_phone["phone"] = json!(env.phone_of("pool-user"));
    let added = add(&env, &city, with_phone).await;
    assert_eq!(added.status, 201, "{}", added.text);
    let password = added.body["temporary_password"].as_str().unwrap();
    assert!(password.len() >= 12, "handed over once, changed at first sign-in");
    let sub = added.body["sub"].as_str().unwrap().to_owned();

    let pool_id = env.app.settings.staff_pool_id.clone().unwrap();
    let cognito = aws_sdk_cognitoidentityprovider::Client::from_conf(crate::harness::pool_config(&env.sdk).build());
    let enabled = |cognito: aws_sdk_cognitoidentityprovider::Client, pool_id: String, sub: String| async move {
        cognito
            .admin_get_user()
            .user_pool_id(pool_id)
            .username(sub)
            .send()
            .await
            .unwrap()
            .enabled()
    };
    assert!(enabled(cognito.clone(), pool_id.clone(), sub.clone()).await);
    assert_eq!(change(&env, &city, &sub, json!({"enabled": false})).await.status, 200);
    assert!(
        !enabled(cognito.clone(), pool_id.clone(), sub.clone()).await,
        "disabled in the pool too"
    );
    assert_eq!(change(&env, &city, &sub, json!({"enabled": true})).await.status, 200);
    assert!(enabled(cognito.clone(), pool_id.clone(), sub.clone()).await);
    let reset = change(&env, &city, &sub, json!({"reset_mfa": true})).await;
    assert_eq!(reset.status, 200, "{}", reset.text);
    let log = env.get("/v1/staff/audit?kind=staff", Some(&city)).await;
    assert!(log.text.contains("重置身份验证器 周科员"), "{}", log.text);
}

#[tokio::test]
async fn without_a_user_pool_the_authenticator_is_the_issuers_to_reset() {
    let env = Env::new().await;
    let city = env.city_supervisor("420100").await;
    let handler = env.handler("420106-education").await;
    let reset = change(&env, &city, &handler.sub, json!({"reset_mfa": true})).await;
    assert_eq!((reset.status, reset.code()), (409, "mfa_elsewhere"));
}

/// A handler's token claiming more (the province, another city's region, another agency) is still
/// the handler the roster says: claims never widen anyone's reach.
#[tokio::test]
async fn forged_claims_on_a_rostered_subject_change_nothing() {
    let env = Env::new().await;
    let handler = env.handler("420106-education").await;
    for (role, agency, region) in [
        ("province", "", "420000"),
        ("city", "", "420200"),
        ("handler", "420202-education", "420202"),
        ("handler", "420106-education", "420200"),
    ] {
        let forged = env.claiming(&handler.sub, role, agency, region);
        let me = env.get("/v1/staff/me", Some(&forged)).await;
        assert_eq!(
            (me.status, me.body["role"].as_str(), me.body["agency"]["id"].as_str()),
            (200, Some("handler"), Some("420106-education")),
            "{role} {agency} {region}: {}",
            me.text
        );
        assert_eq!(me.body["region"]["code"], "420106", "{}", me.text);
        for path in [
            "/v1/staff/roster",
            "/v1/staff/stats?region=420200",
            "/v1/staff/calendar/2099",
        ] {
            let refused = if path.ends_with("2099") {
                env.post(path, &forged, &json!({"holidays": ["2099-01-01"], "workdays": []}))
                    .await
            } else {
                env.get(path, Some(&forged)).await
            };
            assert_eq!(refused.status, 403, "{role} {agency} {region} {path}: {}", refused.text);
        }
    }
}
