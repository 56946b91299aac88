//! Least privilege, checked against the code: each function runs its routes (or its stream
//! batches) with clients that record every AWS operation they perform and on what, and the IAM
//! actions and resources those operations need must equal what the template's policy grants that
//! function: every call allowed, every grant used.

use crate::harness::{Env, Grant, JPEG, Recorder, api_event as event, citizen_claims, form, read_repo_file};
use local_server::gateway::dispatch;
use serde_json::{Value, json};
use serde_yaml_ng::Value as Yaml;
use shared::adapters::sns::Sns;
use shared::app::App;
use std::collections::{BTreeMap, BTreeSet};

fn handler() -> Value {
    json!({"sub": "h", "name": "王科员", "custom:role": "handler", "custom:agency": "420106-education", "custom:region": "420106"})
}

async fn call(app: &'static App, function: &str, request: lambda_http::Request) -> Value {
    let response = dispatch(app, function, request).await;
    let status = response.status().as_u16();
    let body = String::from_utf8_lossy(response.body().as_ref()).to_string();
    assert!(status < 300, "{function}: {status} {body}");
    serde_json::from_str(&body).unwrap_or(Value::Null)
}

/// A policy resource as the recorder names it: `!GetAtt X.Arn` is `X`, `!Sub "${X.Arn}/rest"` is
/// `X/rest`, `"*"` is `*`.
fn resource_name(resource: &Yaml) -> String {
    match resource {
        Yaml::String(text) => text.clone(),
        Yaml::Tagged(tagged) => {
            let text = tagged.value.as_str().expect("a resource expression");
            match tagged.tag.to_string().as_str() {
                "!GetAtt" => text.trim_end_matches(".Arn").to_owned(),
                "!Sub" => text.replacen(".Arn}", "", 1).replacen("${", "", 1),
                other => panic!("resource {other} {text}"),
            }
        }
        other => panic!("resource {other:?}"),
    }
}

/// The template's conditions that hold for the deployment these tests stand for.
const TESTED_CONDITIONS: [&str; 2] = ["SendsWithSns", "CreateStaffPool"];

/// What the template lets each function do (its own Allow statements, by binary name): each
/// action with each resource of its statement.
fn granted() -> BTreeMap<String, BTreeSet<Grant>> {
    let template: Yaml = serde_yaml_ng::from_str(&read_repo_file("infra/template.yaml")).unwrap();
    let mut out = BTreeMap::new();
    for resource in template["Resources"].as_mapping().unwrap().values() {
        if resource["Type"].as_str() != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource["Metadata"]["BuildProperties"]["Binary"]
            .as_str()
            .unwrap()
            .to_owned();
        let mut grants = BTreeSet::new();
        for policy in resource["Properties"]["Policies"].as_sequence().unwrap() {
            // A conditional policy (`!If [Condition, policy, AWS::NoValue]`) counts when the
            // tests run the deployment its condition describes: SMS through SNS. The directory
            // files' managed policy is not inline and never counts.
            let policy = match policy {
                Yaml::Tagged(tagged) if tagged.tag == "!If" => {
                    let branches = tagged.value.as_sequence().expect("!If [condition, then, else]");
                    if !TESTED_CONDITIONS.contains(&branches[0].as_str().unwrap_or_default()) {
                        continue;
                    }
                    &branches[1]
                }
                other => other,
            };
            let Some(statements) = policy.get("Statement").and_then(Yaml::as_sequence) else {
                continue;
            };
            for statement in statements.iter().filter(|s| s["Effect"].as_str() == Some("Allow")) {
                let resources: Vec<String> = match &statement["Resource"] {
                    Yaml::Sequence(list) => list.iter().map(resource_name).collect(),
                    one => vec![resource_name(one)],
                };
                for action in statement["Action"].as_sequence().unwrap() {
                    for resource in &resources {
                        grants.insert((action.as_str().unwrap().to_owned(), resource.clone()));
                    }
                }
            }
        }
        out.insert(binary, grants);
    }
    out
}

/// A grant covers a call with the same action on the same resource, or under a `/*` pattern.
fn covers(grant: &Grant, call: &Grant) -> bool {
    grant.0 == call.0
        && match grant.1.strip_suffix('*') {
            Some(prefix) => call.1.starts_with(prefix),
            None => grant.1 == call.1,
        }
}

#[tokio::test]
async fn each_functions_policy_grants_exactly_what_its_code_calls() {
    // The walk through every function is one long future: on the heap, not the test thread's
    // 2 MiB stack (a debug build's).
    Box::pin(every_function_called_once()).await;
}

async fn every_function_called_once() {
    let env = Env::with(crate::harness::Options {
        staff_pool: true,
        ..Default::default()
    })
    .await;
    for (role, agency, region, sub) in [
        ("handler", "420106-education", "420106", "h"),
        ("city", "", "420100", "city"),
        ("province", "", "420000", "province"),
        ("city", "", "420100", "c"),
    ] {
        let claims = json!({"sub": sub, "name": "李督办", "custom:role": role, "custom:agency": agency, "custom:region": region});
        env.enrol(&claims).await;
    }
    local_server::seed::seed(env.app).await.unwrap();
    let recorders: BTreeMap<&str, Recorder> = [
        "submit",
        "list-mine",
        "public-board",
        "rate",
        "staff-action",
        "export",
        "notify",
        "evidence",
    ]
    .into_iter()
    .map(|f| (f, Recorder::default()))
    .collect();
    let app = |f: &str| env.app_intercepted(recorders[f].clone());
    let none = Value::Null;

    // submit: an upload, the PUT, a report citing it, and a retry of that report.
    let submit = app("submit");
    let uploads = call(
        submit,
        "submit",
        event(
            "POST /v1/uploads",
            "/v1/uploads",
            none.clone(),
            none.clone(),
            Some(citizen_claims("p-1")),
            Some(json!({"kind": "image", "files": [{"content_type": "image/jpeg", "size": JPEG.len()}]})),
        ),
    )
    .await;
    let upload = &uploads["uploads"][0];
    let mut put = env.http.put(upload["url"].as_str().unwrap()).body(JPEG.to_vec());
    for (name, value) in upload["headers"].as_object().unwrap() {
        if name != "content-length" {
            put = put.header(name.as_str(), value.as_str().unwrap());
        }
    }
    assert!(put.send().await.unwrap().status().is_success());
    // Linked to a demo registry institution, so that its index is read too.
    let registry = local_server::demo_registry::demo_registry(&env.app.directory.regions).unwrap();
    let institution = registry.iter().find(|i| i.county == "420106").unwrap().id.clone();
    let mut body = form();
    body["evidence"] = json!({"kind": "image", "keys": [upload["key"].clone()]});
    body["institution_id"] = json!(institution);
    let mut report = event(
        "POST /v1/reports",
        "/v1/reports",
        none.clone(),
        none.clone(),
        Some(citizen_claims("p-1")),
        Some(body.clone()),
    );
    report
        .headers_mut()
        .insert("idempotency-key", "perm-1".parse().unwrap());
    let receipt = call(submit, "submit", report).await;
    let serial = receipt["serial"].as_str().unwrap().to_owned();
    let mut retry = event(
        "POST /v1/reports",
        "/v1/reports",
        none.clone(),
        none.clone(),
        Some(citizen_claims("p-1")),
        Some(body),
    );
    retry.headers_mut().insert("idempotency-key", "perm-1".parse().unwrap());
    call(submit, "submit", retry).await;

    // list-mine: the list and the detail (with an evidence link).
    let mine = app("list-mine");
    call(
        mine,
        "list-mine",
        event(
            "GET /v1/me/reports",
            "/v1/me/reports",
            none.clone(),
            none.clone(),
            Some(citizen_claims("p-1")),
            None,
        ),
    )
    .await;
    let path = format!("/v1/me/reports/{serial}");
    call(
        mine,
        "list-mine",
        event(
            "GET /v1/me/reports/{serial}",
            &path,
            json!({"serial": serial}),
            none.clone(),
            Some(citizen_claims("p-1")),
            None,
        ),
    )
    .await;

    // evidence: the stream so far (the submitted photo's previews, its upload deleted).
    let evidence_app = app("evidence");
    let worker = evidence::Worker {
        records: evidence_app.records.clone(),
        store: evidence_app.evidence.clone(),
    };
    for batch in env.pending_stream().await {
        assert!(worker.handle(batch).await.batch_item_failures.is_empty());
    }

    // staff-action: every route, including an action, a detail with previews and an original;
    // an overdue report, for the statistics report to read.
    env.old_report(40, "p-old").await;
    let staff = app("staff-action");
    for (route, path, query) in [
        (
            "GET /v1/staff/reports",
            "/v1/staff/reports".to_owned(),
            json!({"overdue": "true"}),
        ),
        (
            "GET /v1/staff/reports/{serial}",
            format!("/v1/staff/reports/{serial}"),
            none.clone(),
        ),
        ("GET /v1/staff/stats", "/v1/staff/stats".to_owned(), none.clone()),
        (
            "GET /v1/staff/templates",
            "/v1/staff/templates".to_owned(),
            none.clone(),
        ),
        ("GET /v1/staff/me", "/v1/staff/me".to_owned(), none.clone()),
        (
            "GET /v1/staff/institutions",
            "/v1/staff/institutions".to_owned(),
            json!({"county": "420106"}),
        ),
        (
            "GET /v1/staff/reports",
            "/v1/staff/reports".to_owned(),
            json!({"institution": institution}),
        ),
    ] {
        let params = if route.contains("{serial}") {
            json!({"serial": serial})
        } else {
            none.clone()
        };
        let response = dispatch(
            staff,
            "staff-action",
            event(route, &path, params, query, Some(handler()), None),
        )
        .await;
        assert_eq!(response.status().as_u16(), 200, "{route}");
    }
    // Supervisors read their queues from the city and province indexes.
    for (role, region) in [("city", "420100"), ("province", "420000")] {
        let claims =
            json!({"sub": role, "name": "李督办", "custom:role": role, "custom:agency": "", "custom:region": region});
        let response = dispatch(
            staff,
            "staff-action",
            event(
                "GET /v1/staff/reports",
                "/v1/staff/reports",
                none.clone(),
                none.clone(),
                Some(claims),
                None,
            ),
        )
        .await;
        assert_eq!(response.status().as_u16(), 200, "{role} queue");
    }
    // A city supervisor imports a registry file.
    let mut import = event(
        "POST /v1/staff/institutions/import",
        "/v1/staff/institutions/import",
        none.clone(),
        none.clone(),
        Some(
            json!({"sub": "c", "name": "李督办", "custom:role": "city", "custom:agency": "", "custom:region": "420100"}),
        ),
        None,
    );
    *import.body_mut() = lambda_http::Body::Text("机构名称,区县\n权限测试学校,420106\n".into());
    call(staff, "staff-action", import).await;
    let path = format!("/v1/staff/reports/{serial}/actions");
    for body in [
        json!({"action": "accept", "version": 1}),
        json!({"action": "reply", "version": 2, "finding": "partly", "text": "已处理"}),
    ] {
        call(
            staff,
            "staff-action",
            event(
                "POST /v1/staff/reports/{serial}/actions",
                &path,
                json!({"serial": serial}),
                none.clone(),
                Some(handler()),
                Some(body),
            ),
        )
        .await;
    }
    call(
        staff,
        "staff-action",
        event(
            "POST /v1/staff/reports/{serial}/evidence/{n}/original",
            &format!("/v1/staff/reports/{serial}/evidence/1/original"),
            json!({"serial": serial, "n": "1"}),
            none.clone(),
            Some(handler()),
            Some(json!({})),
        ),
    )
    .await;
    // export: that report's evidence package (the other files further on).
    call(
        app("export"),
        "export",
        event(
            "POST /v1/staff/reports/{serial}/package",
            &format!("/v1/staff/reports/{serial}/package"),
            json!({"serial": serial}),
            none.clone(),
            Some(handler()),
            Some(json!({})),
        ),
    )
    .await;

    // A city supervisor keeps the roster (creating, disabling, re-enabling and resetting the
    // person's user in the staff pool), the agencies' phones, and searches the 操作日志.
    let city =
        json!({"sub": "c", "name": "李督办", "custom:role": "city", "custom:agency": "", "custom:region": "420100"});
    let person = json!({"name": "周科员", "role": "handler", "agency_id": "420106-education", "phone": "13900007777"});
    let added = call(
        staff,
        "staff-action",
        event(
            "POST /v1/staff/roster",
            "/v1/staff/roster",
            none.clone(),
            none.clone(),
            Some(city.clone()),
            Some(person.clone()),
        ),
    )
    .await;
    assert!(added["temporary_password"].is_string(), "{added}");
    let sub = added["sub"].as_str().unwrap().to_owned();
    // Again: the pool has the mobile already, and finds its subject (already on the roster: 409).
    let again = dispatch(
        staff,
        "staff-action",
        event(
            "POST /v1/staff/roster",
            "/v1/staff/roster",
            none.clone(),
            none.clone(),
            Some(city.clone()),
            Some(person),
        ),
    )
    .await;
    assert_eq!(again.status().as_u16(), 409);
    let entry = format!("/v1/staff/roster/{sub}");
    for body in [
        json!({"enabled": false}),
        json!({"enabled": true}),
        json!({"reset_mfa": true}),
    ] {
        let request = event(
            "POST /v1/staff/roster/{sub}",
            &entry,
            json!({"sub": sub}),
            none.clone(),
            Some(city.clone()),
            Some(body),
        );
        call(staff, "staff-action", request).await;
    }
    let phones = json!({"duty": ["13900008888"], "public_phone": "027-88886666"});
    for (route, path, params, body) in [
        ("GET /v1/staff/roster", "/v1/staff/roster", none.clone(), None),
        ("GET /v1/staff/agencies", "/v1/staff/agencies", none.clone(), None),
        (
            "POST /v1/staff/agencies/{agency}/phones",
            "/v1/staff/agencies/420106-education/phones",
            json!({"agency": "420106-education"}),
            Some(phones),
        ),
        ("GET /v1/staff/audit", "/v1/staff/audit", none.clone(), None),
    ] {
        let request = event(route, path, params, none.clone(), Some(city.clone()), body);
        call(staff, "staff-action", request).await;
    }

    // export: the queue as CSV and as a workbook, the statistics and 操作日志's workbooks.
    // The queue's four indexes: an agency's, a province's, a city's and an institution's.
    let files = app("export");
    let province = json!({"sub": "province", "name": "李督办", "custom:role": "province", "custom:agency": "", "custom:region": "420000"});
    for (route, path, query, who) in [
        ("GET /v1/staff/export", "/v1/staff/export", none.clone(), handler()),
        (
            "GET /v1/staff/export",
            "/v1/staff/export",
            json!({"format": "xlsx"}),
            province,
        ),
        (
            "GET /v1/staff/export",
            "/v1/staff/export",
            json!({"format": "xlsx"}),
            city.clone(),
        ),
        (
            "GET /v1/staff/export",
            "/v1/staff/export",
            json!({"institution": institution}),
            city.clone(),
        ),
        (
            "GET /v1/staff/stats/export",
            "/v1/staff/stats/export",
            none.clone(),
            city.clone(),
        ),
        (
            "GET /v1/staff/audit/export",
            "/v1/staff/audit/export",
            none.clone(),
            city.clone(),
        ),
    ] {
        let request = event(route, path, none.clone(), query, Some(who), None);
        let response = dispatch(files, "export", request).await;
        assert_eq!(response.status().as_u16(), 200, "{route}");
    }

    // rate, and the public board.
    let path = format!("/v1/me/reports/{serial}/rating");
    call(
        app("rate"),
        "rate",
        event(
            "POST /v1/me/reports/{serial}/rating",
            &path,
            json!({"serial": serial}),
            none.clone(),
            Some(citizen_claims("p-1")),
            Some(json!({"stars": 5})),
        ),
    )
    .await;
    let board = app("public-board");
    call(
        board,
        "public-board",
        event("GET /v1/meta", "/v1/meta", none.clone(), none.clone(), None, None),
    )
    .await;
    call(
        board,
        "public-board",
        event(
            "GET /v1/public/evidence-key",
            "/v1/public/evidence-key",
            none.clone(),
            none.clone(),
            None,
            None,
        ),
    )
    .await;
    call(
        board,
        "public-board",
        event(
            "GET /v1/public/reports",
            "/v1/public/reports",
            none.clone(),
            json!({"city": "420100"}),
            None,
            None,
        ),
    )
    .await;
    call(
        board,
        "public-board",
        event(
            "GET /v1/public/institutions",
            "/v1/public/institutions",
            none.clone(),
            json!({"county": "420106", "q": "启智"}),
            None,
            None,
        ),
    )
    .await;
    let path = "/v1/public/reports/221215164056656";
    call(
        board,
        "public-board",
        event(
            "GET /v1/public/reports/{serial}",
            path,
            json!({"serial": "221215164056656"}),
            none.clone(),
            None,
            None,
        ),
    )
    .await;

    // notify: the whole stream so far (arrivals and a reply), through recording clients.
    let notify_app = app("notify");
    let sns = aws_sdk_sns::config::Builder::from(&env.sdk)
        .interceptor(recorders["notify"].clone())
        .build();
    let notifier = notify::Notifier {
        sender: Sns::new(sns),
        records: notify_app.records.clone(),
        // Every replied report is due, so that the retention rule runs too.
        reporter_data_days: -1,
        ..env.notifier(env.sns())
    };
    for batch in env.pending_stream().await {
        assert!(notifier.handle(batch).await.batch_item_failures.is_empty());
    }

    // notify's housekeeping, as the schedule invokes it.
    let task: notify::Invocation = serde_json::from_value(json!({"task": "housekeeping"})).unwrap();
    notifier.invoke(task).await.unwrap();

    let granted = granted();
    for (function, recorder) in &recorders {
        let mut grants = granted[*function].clone();
        if *function == "notify" {
            // Used by the stream mapping's on-failure destination, not by the code.
            grants.retain(|(_, resource)| !resource.starts_with("NotifyFailedBatchesBucket"));
        }
        let calls = recorder.calls();
        let refused: Vec<_> = calls.iter().filter(|c| !grants.iter().any(|g| covers(g, c))).collect();
        let unused: Vec<_> = grants.iter().filter(|g| !calls.iter().any(|c| covers(g, c))).collect();
        assert!(
            refused.is_empty() && unused.is_empty(),
            "{function}: calls the template does not grant {refused:?}; grants the code never uses {unused:?}"
        );
    }
}

/// Staff cannot change themselves in the pool with their own tokens: who they are (name, role,
/// agency, region, phone) is the roster's, kept in 人员管理. The client lists what they may write,
/// since no list at all (or an empty one) would mean every standard attribute.
#[test]
fn staff_write_nothing_the_platform_reads_about_them() {
    let template: Yaml = serde_yaml_ng::from_str(&read_repo_file("infra/template.yaml")).unwrap();
    let client = &template["Resources"]["StaffAdminClient"]["Properties"];
    let writable: Vec<&str> = client["WriteAttributes"]
        .as_sequence()
        .expect("WriteAttributes listed")
        .iter()
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(!writable.is_empty(), "an empty list is every standard attribute");
    for attribute in &writable {
        assert!(
            !["name", "phone_number", "email"].contains(attribute) && !attribute.starts_with("custom:"),
            "staff may write {attribute}"
        );
    }
}
