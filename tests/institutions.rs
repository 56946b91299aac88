//! The institution registry: an import writes what is new or changed, a re-import of
//! the same file changes nothing and says so; citizens get suggestions and link their report;
//! staff see, link, filter, count and export by institution; supervisors import files.

use crate::harness::{Env, form};
use serde_json::json;
use shared::adapters::dynamo::ImportCount;
use shared::domain::registry::import::parse_csv;
use shared::domain::registry::institution::{Kind, State};

const HEADER: &str = "机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n";

#[tokio::test]
async fn an_import_writes_what_changed_and_a_reimport_nothing() {
    let env = Env::new().await;
    let regions = &env.app.directory.regions;
    let mut text = HEADER.to_owned();
    for n in 0..60 {
        let county = if n % 2 == 0 { "武昌区" } else { "420111" };
        text.push_str(&format!("示例培训学校{n},,,,{county},示例路{n}号,非学科类,是,正常\n"));
    }
    let institutions = parse_csv(&text, regions).unwrap();
    let first = env.app.records.save_institutions(&institutions).await.unwrap();
    assert_eq!(
        first,
        ImportCount {
            added: 60,
            updated: 0,
            unchanged: 0
        }
    );
    let again = env.app.records.save_institutions(&institutions).await.unwrap();
    assert_eq!(
        again,
        ImportCount {
            added: 0,
            updated: 0,
            unchanged: 60
        }
    );

    let changed = text.replace(
        "示例培训学校0,,,,武昌区,示例路0号,非学科类,是,正常",
        "示例培训学校0,,,,武昌区,示例路0号,学科类,否,停办",
    );
    let counts = env
        .app
        .records
        .save_institutions(&parse_csv(&changed, regions).unwrap())
        .await
        .unwrap();
    assert_eq!(
        counts,
        ImportCount {
            added: 0,
            updated: 1,
            unchanged: 59
        }
    );

    let wuchang = env.app.records.institutions("420106").await.unwrap();
    assert_eq!(wuchang.len(), 30);
    let school = wuchang.iter().find(|i| i.name == "示例培训学校0").unwrap();
    assert_eq!(
        (school.kind, school.on_platform, school.state),
        (Kind::Subject, false, State::Suspended)
    );
    assert_eq!(env.app.records.institutions("420111").await.unwrap().len(), 30);
    assert!(env.app.records.institutions("420102").await.unwrap().is_empty());
}

/// A small registry of 武昌区 and 洪山区, imported as a province supervisor would.
async fn registry(env: &Env) -> Vec<shared::domain::registry::institution::Institution> {
    let text = format!(
        "{HEADER}ＡＢＣ 英语学校,小蜜蜂英语,,,武昌区,中南路1号,学科类,否,正常\n\
         英语之家,,91350100M000100Y43,教民001,武昌区,中南路2号,非学科类,是,停办\n\
         阳光英语(洪山),,,,洪山区,珞喻路1号,学科类,是,正常\n"
    );
    let list = parse_csv(&text, &env.app.directory.regions).unwrap();
    env.app.records.save_institutions(&list).await.unwrap();
    list
}

#[tokio::test]
async fn citizens_get_names_of_the_chosen_countys_institutions_best_first() {
    let env = Env::new().await;
    registry(&env).await;
    let names = |reply: &crate::harness::Reply| -> Vec<String> {
        reply.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let reply = env
        .get("/v1/public/institutions?county=420106&q=%E8%8B%B1%E8%AF%AD", None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // 英语之家 starts with it; ＡＢＣ 英语学校 only holds it; 洪山区's is another county's.
    assert_eq!(names(&reply), ["英语之家", "ＡＢＣ 英语学校"]);
    for item in reply.body["items"].as_array().unwrap() {
        let mut keys: Vec<&String> = item.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["id", "name"], "names and ids only");
    }
    assert_eq!(reply.headers["cache-control"], "public, max-age=300");
    // Half-width and lower case for full-width, spaces ignored, aliases matched.
    let reply = env
        .get("/v1/public/institutions?county=420106&q=abc%20%E8%8B%B1", None)
        .await;
    assert_eq!(names(&reply), ["ＡＢＣ 英语学校"]);
    let reply = env
        .get("/v1/public/institutions?county=420106&q=%E5%B0%8F%E8%9C%9C", None)
        .await;
    assert_eq!(names(&reply), ["ＡＢＣ 英语学校"]);
    // Punctuation alone matches nothing yet; bad input is a clear error.
    let reply = env.get("/v1/public/institutions?county=420106&q=%EF%BC%8C", None).await;
    assert_eq!((reply.status, names(&reply).len()), (200, 0));
    let reply = env.get("/v1/public/institutions?county=420100&q=a", None).await;
    assert_eq!(reply.status, 404, "a city with counties is no county");
    let reply = env.get("/v1/public/institutions?county=4201&q=a", None).await;
    assert_eq!((reply.status, reply.body["field"].as_str()), (400, Some("county")));
    let reply = env.get("/v1/public/institutions?county=420106", None).await;
    assert_eq!((reply.status, reply.body["field"].as_str()), (400, Some("q")));
    let long = "a".repeat(51);
    let reply = env
        .get_path(format!("/v1/public/institutions?county=420106&q={long}"), None)
        .await;
    assert_eq!(reply.status, 400);
}

#[tokio::test]
async fn a_chosen_institution_links_the_report_and_shows_on_the_board_once_published() {
    let env = Env::new().await;
    let list = registry(&env).await;
    let citizen = env.citizen();
    let wuchang = &list[1];
    let mut form = form();
    form["institution_id"] = json!(wuchang.id);
    let reply = env.post("/v1/reports", &citizen, &form).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let serial = reply.serial();
    let report = env.stored(&serial).await;
    let linked = report.institution.clone().unwrap();
    assert_eq!(
        (linked.id.as_str(), linked.name.as_str()),
        (wuchang.id.as_str(), "英语之家")
    );
    assert_eq!(report.target, form["target"], "the citizen's own words are kept");

    // An institution of another county, or none at all, is refused, and nothing is written.
    for id in [list[2].id.as_str(), "N000000ffffffffffffffff"] {
        let mut form = crate::harness::form();
        form["institution_id"] = json!(id);
        let reply = env.post("/v1/reports", &citizen, &form).await;
        assert_eq!(
            (reply.status, reply.body["field"].as_str()),
            (400, Some("institution_id"))
        );
    }
    assert_eq!(env.my_serials(&citizen).await, std::slice::from_ref(&serial));

    // The board names the institution only once the report is published.
    env.answer(&serial, false).await;
    let path = format!("/v1/public/reports/{serial}");
    assert_eq!(env.get(&path, None).await.status, 404);
    let report = env.stored(&serial).await;
    // 公开's preview is the board's own rendering, the institution's name included.
    let handler = env.handler(&report.assignment.agency_id).await;
    let detail = env.get(&format!("/v1/staff/reports/{serial}"), Some(&handler)).await;
    let preview = detail.body["board_preview"].clone();
    assert_eq!(preview["institution"], "英语之家", "{}", detail.text);
    let staff = shared::domain::report::timeline::Actor::staff("李四", &report.assignment.agency_id, "武昌区教育局");
    let (published, event) = report.publish(staff, None, shared::domain::time::now_cst()).unwrap();
    env.app.records.save(&report, &published, &event).await.unwrap();
    let reply = env.get(&path, None).await;
    assert_eq!(reply.body["institution"], "英语之家", "{}", reply.text);
    assert_eq!(reply.body, preview, "the board shows what the preview showed");
    let board = env.get("/v1/public/reports?city=420100", None).await;
    assert_eq!(board.body["items"][0]["institution"], "英语之家");
    assert!(!board.text.contains(&wuchang.id), "no registry id on the board");
}

#[tokio::test]
async fn staff_see_the_institution_and_its_earlier_reports_and_link_filter_count_and_export_by_it() {
    let env = Env::new().await;
    let list = registry(&env).await;
    let school = &list[0];
    let citizen = env.citizen();
    let mut serials = Vec::new();
    for n in 0..2 {
        let mut form = form();
        form["address"] = json!(format!("中南路{}号", 10 + n));
        form["target"] = json!(format!("机构{n}"));
        if n == 0 {
            form["institution_id"] = json!(school.id);
        }
        let reply = env.post("/v1/reports", &citizen, &form).await;
        assert_eq!(reply.status, 201, "{}", reply.text);
        serials.push(reply.serial());
    }
    let (earlier, later) = (&serials[0], &serials[1]);
    env.answer(earlier, false).await;
    let handler = env.handler("420106-education").await;

    // The handler links the later report (free text) to the same institution.
    let path = format!("/v1/staff/reports/{later}/actions");
    let reply = env
        .post(
            &path,
            &handler,
            &json!({"action": "link_institution", "version": 1, "institution_id": school.id}),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["institution"]["name"], "ＡＢＣ 英语学校");
    assert_eq!(reply.body["institution"]["kind_name"], "学科类");
    assert_eq!(reply.body["institution"]["on_platform"], false);
    assert_eq!(reply.body["institution"]["state_name"], "正常");
    let earlier_reports = reply.body["institution_reports"].as_array().unwrap();
    assert_eq!(earlier_reports.len(), 1);
    assert_eq!(earlier_reports[0]["serial"], earlier.as_str());
    assert_eq!(earlier_reports[0]["finding_name"], "属实");
    let entry = reply.body["timeline"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (entry["label"].as_str(), entry["note"].as_str()),
        (Some("关联机构"), Some("ＡＢＣ 英语学校"))
    );
    assert_eq!(entry["actor"]["name"], "420106工作人员");
    // Linking again to the same one changes nothing; another county's is refused.
    let again = json!({"action": "link_institution", "version": 2, "institution_id": school.id});
    assert_eq!(env.post(&path, &handler, &again).await.status, 409);
    let far = json!({"action": "link_institution", "version": 2, "institution_id": list[2].id});
    let refused = env.post(&path, &handler, &far).await;
    assert_eq!(
        (refused.status, refused.body["code"].as_str()),
        (409, Some("institution_not_in_county"))
    );
    // The citizen's timeline does not show the staff's classification.
    let mine = env.get_path(format!("/v1/me/reports/{later}"), Some(&citizen)).await;
    assert!(!mine.text.contains("关联机构"), "{}", mine.text);

    // The queue filtered by the institution, the statistics' most reported, the export column.
    let queue = env
        .get_path(format!("/v1/staff/reports?institution={}", school.id), Some(&handler))
        .await;
    assert_eq!(queue.serials(), [later.clone(), earlier.clone()]);
    assert_eq!(queue.body["items"][0]["institution_name"], "ＡＢＣ 英语学校");
    let other = env
        .get_path(format!("/v1/staff/reports?institution={}", list[1].id), Some(&handler))
        .await;
    assert!(other.serials().is_empty());
    let elsewhere = env.handler("420111-education").await;
    let hidden = env
        .get_path(format!("/v1/staff/reports?institution={}", school.id), Some(&elsewhere))
        .await;
    assert!(hidden.serials().is_empty(), "another agency sees none of them");
    let city = env.city_supervisor("420100").await;
    let stats = env.get("/v1/staff/stats", Some(&city)).await;
    assert_eq!(
        stats.body["institutions"][0]["name"], "ＡＢＣ 英语学校",
        "{}",
        stats.text
    );
    assert_eq!(stats.body["institutions"][0]["count"], 2);
    let export = env.get("/v1/staff/export", Some(&city)).await;
    let mut rows = csv::Reader::from_reader(export.text.trim_start_matches('\u{feff}').as_bytes());
    let header = rows.headers().unwrap().clone();
    let column = header.iter().position(|h| h == "关联机构").unwrap();
    let linked: Vec<String> = rows.records().map(|r| r.unwrap()[column].to_owned()).collect();
    assert_eq!(linked, ["ＡＢＣ 英语学校", "ＡＢＣ 英语学校"]);

    // Unlinking is recorded too, and the count follows.
    let unlink = json!({"action": "link_institution", "version": 2, "institution_id": null});
    let reply = env.post(&path, &handler, &unlink).await;
    assert_eq!((reply.status, reply.body["institution"].is_null()), (200, true));
    let stats = env.get("/v1/staff/stats", Some(&city)).await;
    assert_eq!(stats.body["institutions"][0]["count"], 1);
}

#[tokio::test]
async fn supervisors_import_a_registry_file_whole_or_not_at_all_and_each_import_is_recorded() {
    let env = Env::new().await;
    let city = env.city_supervisor("420100").await;
    let text = format!(
        "{HEADER}甲培训学校,,,,武昌区,,学科类,是,正常\n\
         乙艺术中心,乙艺术,,,洪山区,,非学科类,否,正常\n"
    );
    // As Excel saves it on a Chinese Windows: GBK.
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let import = "/v1/staff/institutions/import";
    let reply = env.post_bytes(import, &city, "text/csv", gbk.to_vec()).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body, json!({"rows": 2, "added": 2, "updated": 0, "unchanged": 0}));
    let reply = env
        .post_bytes(import, &city, "text/csv", text.clone().into_bytes())
        .await;
    assert_eq!(reply.body, json!({"rows": 2, "added": 0, "updated": 0, "unchanged": 2}));

    // A bad row, or a county of another city, and nothing is imported.
    let bad = format!("{text}丙,,,,襄城区,,,,\n,,,,武昌区,,培训类,,\n");
    let reply = env.post_bytes(import, &city, "text/csv", bad.into_bytes()).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body["code"], "invalid_rows");
    let at: Vec<(i64, &str)> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["column"].as_str().unwrap()))
        .collect();
    assert_eq!(at, [(4, "区县"), (5, "机构名称"), (5, "类型")]);
    assert!(env.app.records.institutions("420602").await.unwrap().is_empty());

    // Handlers do not import; staff read the registry of their reach.
    let handler = env.handler("420106-education").await;
    let reply = env
        .post_bytes(import, &handler, "text/csv", text.clone().into_bytes())
        .await;
    assert_eq!(reply.status, 403);
    let listed = env.get("/v1/staff/institutions?county=420106", Some(&handler)).await;
    assert_eq!(listed.body["items"][0]["name"], "甲培训学校", "{}", listed.text);
    assert_eq!(listed.body["items"][0]["kind_name"], "学科类");
    let elsewhere = env.get("/v1/staff/institutions?county=420111", Some(&handler)).await;
    assert_eq!(elsewhere.status, 403);
    let empty = env.post_bytes(import, &city, "text/csv", Vec::new()).await;
    assert_eq!(empty.status, 400);

    let trail = env.app.records.audit_trail("IMPORTS#420100").await.unwrap();
    let details: Vec<&str> = trail.iter().map(|e| e.detail.as_str()).collect();
    assert_eq!(trail.len(), 3, "{details:?}");
    assert!(
        details
            .iter()
            .any(|d| d.ends_with("2 rows, 2 added, 0 updated, 0 unchanged"))
    );
    assert!(details.iter().any(|d| d.ends_with("refused, 3 errors")));
    let log = env.get("/v1/staff/audit?kind=import", Some(&city)).await;
    let shown: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["detail"].as_str())
        .collect();
    assert!(
        shown.iter().any(|d| d.ends_with("2 行,新增 2,更新 0,未变 0")),
        "{shown:?}"
    );
    assert!(shown.iter().any(|d| d.starts_with("导入机构名录被拒")), "{shown:?}");
}
