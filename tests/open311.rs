//! Open311 GeoReport v2 (read-only) over the public board: the spec's fields, formats, filters
//! and errors, paging by the Link header, and nothing a reporter gave beyond what the board shows.

use crate::harness::Env;
use serde_json::Value;
use shared::domain::report::serial::Serial;

/// The fields GeoReport v2 defines for a service request ("GET Service Requests").
const REQUEST_FIELDS: [&str; 17] = [
    "address",
    "address_id",
    "agency_responsible",
    "description",
    "expected_datetime",
    "lat",
    "long",
    "media_url",
    "requested_datetime",
    "service_code",
    "service_name",
    "service_notice",
    "service_request_id",
    "status",
    "status_notes",
    "updated_datetime",
    "zipcode",
];

async fn published(env: &Env, citizen: &str) -> Serial {
    let serial = env.submit(&env.citizen_named(citizen), |_| {}).await;
    env.answer(&serial, true).await;
    serial
}

fn ids(reply: &Value) -> Vec<String> {
    reply
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["service_request_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn requests_are_the_boards_reports_with_the_specs_fields_and_nothing_of_the_reporter() {
    let env = Env::new().await;
    let serial = published(&env, "o311-1").await;
    let unpublished = env.submit(&env.citizen(), |_| {}).await;
    let list = env.get("/open311/v2/requests.json?jurisdiction_id=420100", None).await;
    assert_eq!(list.status, 200, "{}", list.text);
    assert_eq!(
        ids(&list.body),
        [serial.as_str()],
        "published only, within the last 90 days"
    );
    let request = &list.body[0];
    let mut fields: Vec<&str> = request.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, REQUEST_FIELDS);
    assert_eq!(request["status"], "closed");
    assert_eq!(request["service_code"], "academic");
    assert_eq!(request["agency_responsible"], "武昌区教育局");
    assert_eq!(request["address"], "武汉市武昌区");
    assert_eq!(
        request["description"], "该机构已被责令停止违规培训",
        "the text staff published"
    );
    for secret in ["张三", "13812341234", "周末在居民楼内组织初中数学培训", "中南路"] {
        assert!(!list.text.contains(secret), "{secret} is not public");
    }
    let one = env.get(&format!("/open311/v2/requests/{serial}.json"), None).await;
    assert_eq!(one.body, list.body);
    let xml = env.get(&format!("/open311/v2/requests/{serial}.xml"), None).await;
    assert!(xml.headers["content-type"].to_str().unwrap().starts_with("text/xml"));
    assert!(
        xml.text
            .contains(&format!("<service_request_id>{serial}</service_request_id>"))
    );
    assert_eq!(xml.text.matches("<request>").count(), 1);
    let hidden = env.get(&format!("/open311/v2/requests/{unpublished}.json"), None).await;
    assert_eq!(hidden.status, 404);
    assert_eq!(hidden.body[0]["code"], 404, "the spec's error shape: {}", hidden.text);
}

#[tokio::test]
async fn filters_dates_status_and_pages_follow_the_spec() {
    let env = Env::new().await;
    local_server::seed::seed(env.app).await.unwrap();
    // The manual's four demo reports were made in December 2022.
    let december = "jurisdiction_id=420100&start_date=2022-12-01T00:00:00%2B08:00&end_date=2022-12-31T23:59:59%2B08:00";
    let all = env.get(&format!("/open311/v2/requests.json?{december}"), None).await;
    assert_eq!(ids(&all.body).len(), 4, "{}", all.text);
    let backwards =
        "jurisdiction_id=420100&start_date=2022-12-31T23:59:59%2B08:00&end_date=2022-12-01T00:00:00%2B08:00";
    assert_eq!(
        env.get(&format!("/open311/v2/requests.json?{backwards}"), None)
            .await
            .body,
        all.body
    );
    let sports = env
        .get(
            &format!("/open311/v2/requests.json?{december}&service_code=sports"),
            None,
        )
        .await;
    assert_eq!(ids(&sports.body), ["221220093015120"]);
    let open = env
        .get(&format!("/open311/v2/requests.json?{december}&status=open"), None)
        .await;
    assert_eq!(open.body, Value::Array(vec![]), "every published report is closed");

    // Two a page: the Link header leads through the rest, each once.
    let mut seen = Vec::new();
    let mut next = Some(format!("/open311/v2/requests.json?{december}&page_size=2"));
    while let Some(path) = next.take() {
        let page = env.get(&path, None).await;
        assert_eq!(page.status, 200, "{}", page.text);
        seen.extend(ids(&page.body));
        next = page.headers.get("link").map(|link| {
            let link = link.to_str().unwrap();
            assert!(link.ends_with("; rel=\"next\""), "{link}");
            link.trim_start_matches('<').split('>').next().unwrap().to_owned()
        });
    }
    assert_eq!(seen, ids(&all.body));

    let services = env.get("/open311/v2/services.json", None).await;
    let codes: Vec<&str> = services
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["service_code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["academic", "technology", "arts", "sports"]);
    let xml = env.get("/open311/v2/services.xml", None).await;
    assert_eq!(xml.text.matches("<service>").count(), 4);

    for (path, status) in [
        ("/open311/v2/requests.json", 400),
        ("/open311/v2/requests.json?jurisdiction_id=999999", 404),
        (
            "/open311/v2/requests.json?jurisdiction_id=420100&service_code=cooking",
            400,
        ),
        (
            "/open311/v2/requests.json?jurisdiction_id=420100&start_date=yesterday",
            400,
        ),
        ("/open311/v2/requests.json?jurisdiction_id=420100&page_size=101", 400),
        ("/open311/v2/requests/221215164056656", 404),
    ] {
        let reply = env.get(path, None).await;
        assert_eq!(reply.status, status, "{path}: {}", reply.text);
        assert_eq!(reply.body[0]["code"], status, "{path}: {}", reply.text);
    }
    let xml_error = env.get("/open311/v2/requests.xml", None).await;
    assert_eq!(xml_error.status, 400);
    assert!(
        xml_error.text.contains("<errors><error><code>400</code>"),
        "{}",
        xml_error.text
    );
}
