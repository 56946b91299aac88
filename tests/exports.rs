//! Exports a clerk opens in Excel or WPS: the queue as CSV (safe for tools) and as a typed
//! workbook, and the statistics report (导出报表) whose figures equal `/v1/staff/stats`. Workbooks
//! are read back with `calamine`; the CSV and the workbooks are opened by a real spreadsheet
//! engine (LibreOffice, which `scripts/test` installs) to find no formula.

use crate::harness::{Env, form, placed};
use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use serde_json::{Value, json};
use shared::domain::directory::catalog::Catalog;
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::process::Command;

type Book = Xlsx<Cursor<Vec<u8>>>;

/// A download's bytes and `Content-Disposition`, asserting 200.
async fn download(env: &Env, path: &str, token: &str) -> (Vec<u8>, String) {
    let response = env
        .http
        .get(format!("{}{path}", env.base))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{path}");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    (response.bytes().await.unwrap().to_vec(), disposition)
}

fn book(bytes: Vec<u8>) -> Book {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn sheet(book: &mut Book, name: &str) -> Range<Data> {
    book.worksheet_range(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The data rows of a report sheet: under its title row and header.
fn rows(range: &Range<Data>) -> Vec<Vec<Data>> {
    range.rows().skip(2).map(<[Data]>::to_vec).collect()
}

fn number(cell: &Data) -> f64 {
    match cell {
        Data::Float(n) => *n,
        Data::Int(n) => *n as f64,
        other => panic!("not a number cell: {other:?}"),
    }
}

fn text(cell: &Data) -> &str {
    match cell {
        Data::String(s) => s,
        other => panic!("not a text cell: {other:?}"),
    }
}

fn close(a: f64, b: &Value, what: &str) {
    let b = b.as_f64().unwrap_or_else(|| panic!("{what}: {b}"));
    assert!((a - b).abs() < 0.005, "{what}: workbook {a}, stats {b}");
}

/// The statistics report for `query` holds `/v1/staff/stats`'s figures for the same query, sheet
/// by sheet; every sheet is titled with `scope_name`, and no cell is a formula.
pub async fn assert_report_matches_stats(env: &Env, token: &str, query: &str, scope_name: &str) {
    let stats = env.get_path(format!("/v1/staff/stats{query}"), Some(token)).await;
    assert_eq!(stats.status, 200, "{}", stats.text);
    let stats = stats.body;
    let (bytes, _) = download(env, &format!("/v1/staff/stats/export{query}"), token).await;
    let mut book = book(bytes);
    let names = book.sheet_names();
    assert_eq!(
        names,
        [
            "按状态",
            "按地区",
            "按分类",
            "按月份",
            "及时率",
            "满意度",
            "查实与处理措施",
            "名录机构",
            "超期举报件"
        ]
    );
    for name in &names {
        let range = sheet(&mut book, name);
        let title = text(range.get((0, 0)).unwrap());
        assert!(title.starts_with(scope_name), "{name}: {title}");
        let formulas = book.worksheet_formula(name).unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()), "{name}: a formula");
    }

    let by_status = rows(&sheet(&mut book, "按状态"));
    for (row, key) in by_status.iter().zip(["pending", "processing", "replied"]) {
        close(number(&row[1]), &stats["by_status"][key], key);
    }
    close(number(&by_status[3][1]), &stats["total"], "合计");

    // Regions: a province's are its cities, else the counties the stats count.
    let regions = &env.app.directory.regions;
    let province = stats["scope"].as_str().unwrap().starts_with("PROVINCE#");
    let mut expected: BTreeMap<String, f64> = BTreeMap::new();
    for (county, n) in stats["by_county"].as_object().unwrap() {
        let code = if province {
            regions.city_of(county).unwrap().code.clone()
        } else {
            county.clone()
        };
        *expected.entry(code).or_default() += n.as_f64().unwrap();
    }
    let found: BTreeMap<String, f64> = rows(&sheet(&mut book, "按地区"))
        .iter()
        .map(|row| (text(&row[0]).to_owned(), number(&row[2])))
        .collect();
    assert_eq!(found, expected, "按地区");

    let catalog = Catalog::get();
    let found: BTreeMap<String, f64> = rows(&sheet(&mut book, "按分类"))
        .iter()
        .map(|row| {
            let name = text(&row[0]);
            let code = catalog.categories.iter().find(|c| c.name == name).unwrap().code.clone();
            (code, number(&row[1]))
        })
        .collect();
    let expected: BTreeMap<String, f64> = stats["by_category"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(code, n)| (code.clone(), n.as_f64().unwrap()))
        .collect();
    assert_eq!(found, expected, "按分类");

    let months = rows(&sheet(&mut book, "按月份"));
    assert_eq!(months.len(), stats["by_month"].as_object().unwrap().len());
    for row in &months {
        let month = text(&row[0]);
        let by = &stats["by_month_status"][month];
        for (col, key) in [(1, "pending"), (2, "processing"), (3, "replied")] {
            close(number(&row[col]), &by[key], &format!("{month} {key}"));
        }
        close(number(&row[4]), &stats["by_month"][month], month);
    }

    let on_time = rows(&sheet(&mut book, "及时率"));
    for (row, (ok, late)) in on_time
        .iter()
        .zip([("signed_on_time", "signed_late"), ("replied_on_time", "replied_late")])
    {
        close(number(&row[1]), &stats[ok], ok);
        close(number(&row[2]), &stats[late], late);
        let (good, bad) = (stats[ok].as_f64().unwrap(), stats[late].as_f64().unwrap());
        if good + bad > 0.0 {
            close(number(&row[4]), &json!(good / (good + bad)), "rate");
        } else {
            assert_eq!(row[4], Data::Empty, "no rate without a measure");
        }
    }

    let rating = rows(&sheet(&mut book, "满意度"));
    for stars in 0..5 {
        close(
            number(&rating[stars][1]),
            &stats["rating"]["distribution"][stars],
            "distribution",
        );
    }
    close(number(&rating[5][1]), &stats["rating"]["count"], "count");
    match stats["rating"]["average"].as_f64() {
        Some(average) => close(number(&rating[6][1]), &json!(average), "average"),
        None => assert_eq!(rating[6][1], Data::Empty),
    }
    match stats["rating"]["satisfied_share"].as_f64() {
        Some(share) => close(number(&rating[7][2]), &json!(share), "satisfied"),
        None => assert_eq!(rating[7][2], Data::Empty),
    }

    // 查实与处理措施: the 合计 row holds the replies, the substantiated and the measures.
    let found = rows(&sheet(&mut book, "查实与处理措施"));
    let total = found.iter().find(|row| text(&row[0]) == "合计").expect("合计");
    let f = &stats["findings"];
    let replied: i64 = ["substantiated", "partly", "unsubstantiated", "unverifiable"]
        .iter()
        .map(|k| f[k].as_i64().unwrap())
        .sum();
    close(number(&total[1]), &json!(replied), "replied");
    close(
        number(&total[2]),
        &json!(f["substantiated"].as_i64().unwrap() + f["partly"].as_i64().unwrap()),
        "found",
    );
    let taken: i64 = stats["measures"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_i64().unwrap())
        .sum();
    close(number(&total[4]), &json!(taken), "measures");

    let institutions = rows(&sheet(&mut book, "名录机构"));
    let expected = stats["institutions"].as_array().unwrap();
    assert_eq!(institutions.len(), expected.len());
    for (row, counted) in institutions.iter().zip(expected) {
        assert_eq!(text(&row[1]), counted["name"].as_str().unwrap());
        close(number(&row[3]), &counted["count"], "institution");
        close(number(&row[4]), &counted["found"], "institution found");
        close(number(&row[5]), &counted["measures"], "institution measures");
    }

    let overdue = rows(&sheet(&mut book, "超期举报件"));
    let listed = overdue.iter().filter(|row| row.len() > 1 && row[1] != Data::Empty);
    assert_eq!(listed.count() as u64, stats["overdue_now"].as_u64().unwrap(), "超期");
    for row in overdue.iter().filter(|row| row.len() > 1 && row[1] != Data::Empty) {
        assert_eq!(text(&row[0]).len(), 15, "the serial is text");
        assert!(matches!(row[6], Data::DateTime(_)), "a date-time cell");
    }
}

/// LibreOffice converts `file` to flat ODF (`fods`: one XML file) as a clerk's spreadsheet opens
/// it, with its own profile so that tests may convert at once. CSV is read as Excel and WPS read
/// it: comma, double quote, UTF-8, formulas evaluated.
fn spreadsheet_engine(file: &Path) -> String {
    let dir = file.parent().unwrap();
    let profile = dir.join("profile");
    let mut command = Command::new("soffice");
    command
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--norestore", "--convert-to", "fods", "--outdir"])
        .arg(dir);
    if file.extension().is_some_and(|e| e == "csv") {
        command.arg("--infilter=CSV:44,34,76,1");
    }
    let output = command.arg(file).output().unwrap_or_else(|e| {
        panic!(
            "soffice (LibreOffice) is needed: scripts/test installs it (apt-get install libreoffice-calc-nogui): {e}"
        )
    });
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    std::fs::read_to_string(file.with_extension("fods")).unwrap()
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("suishoupai-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[tokio::test]
async fn a_spreadsheet_engine_opens_the_exports_and_runs_no_formula() {
    let env = Env::new().await;
    // What citizens may type, each a formula to a spreadsheet.
    let typed = [
        ("=1+2", "@SUM(1+2)"),
        ("+8613900000000", "-1号楼"),
        ("=CONCATENATE(A1)", "某区某路1号"),
    ];
    for (n, (target, address)) in typed.iter().enumerate() {
        let mut body = form();
        body["target"] = json!(target);
        body["address"] = json!(address);
        let reply = env
            .post("/v1/reports", &env.citizen_named(&format!("engine-{n}")), &body)
            .await;
        assert_eq!(reply.status, 201, "{}", reply.text);
    }
    env.old_report(40, "engine-old").await;
    let city = env.city_supervisor("420100").await;
    let dir = scratch("engine");

    let csv = env.get("/v1/staff/export", Some(&city)).await.text;
    std::fs::write(dir.join("queue.csv"), &csv).unwrap();
    let opened = spreadsheet_engine(&dir.join("queue.csv"));
    assert!(!opened.contains("table:formula"), "a formula in the CSV as opened");
    for (target, address) in typed {
        for cell in [target, address] {
            // Shown as typed behind the quote that keeps it text.
            let shown = format!("<text:p>&apos;{cell}</text:p>");
            assert!(
                cell.starts_with('某') || opened.contains(&shown),
                "{cell} not shown as text"
            );
        }
    }
    // The engine does run an unquoted one: the check above can fail.
    std::fs::write(dir.join("control.csv"), "对象\n=1+2\n").unwrap();
    assert!(spreadsheet_engine(&dir.join("control.csv")).contains("table:formula"));

    let (queue, _) = download(&env, "/v1/staff/export?format=xlsx", &city).await;
    std::fs::write(dir.join("queue.xlsx"), queue).unwrap();
    let opened = spreadsheet_engine(&dir.join("queue.xlsx"));
    assert!(!opened.contains("table:formula"));
    assert!(
        opened.contains("<text:p>=1+2</text:p>"),
        "the workbook shows it as typed"
    );
    assert!(opened.contains(r#"office:value-type="date""#), "times are dates");

    let (report, _) = download(&env, "/v1/staff/stats/export", &city).await;
    std::fs::write(dir.join("report.xlsx"), report).unwrap();
    let opened = spreadsheet_engine(&dir.join("report.xlsx"));
    assert!(!opened.contains("table:formula"));
    assert!(
        opened.contains(r#"office:value-type="percentage""#),
        "rates are percentages"
    );
    assert!(
        opened.contains(r#"office:value-type="float" office:value="4""#),
        "counts are numbers"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn the_statistics_report_holds_the_dashboards_figures() {
    let env = Env::new().await;
    local_server::seed::seed(env.app).await.unwrap();
    env.old_report(40, "report-old").await;
    let handler = env.handler("420106-education").await;
    let fresh = env.submit(&env.citizen(), |_| {}).await;
    env.act(&handler, &fresh, json!({"action": "accept"})).await;
    env.submit(&env.citizen(), placed("420100", "420111", "sports")).await;
    let province = env.province_supervisor().await;
    assert_report_matches_stats(&env, &province, "", "湖北省").await;
    assert_report_matches_stats(&env, &province, "?region=420100&from=2022-12&to=2022-01", "武汉市").await;
    assert_report_matches_stats(&env, &handler, "", "武昌区教育局").await;

    // Named for the region and the period, recorded, and within the caller's reach only.
    let city = env.city_supervisor("420100").await;
    let (_, disposition) = download(&env, "/v1/staff/stats/export?from=2026-01&to=2026-11", &city).await;
    // 武汉市-统计报表-202601-202611.xlsx
    assert!(
        disposition.contains("filename*=UTF-8''%E6%AD%A6%E6%B1%89%E5%B8%82%2D%E7%BB%9F%E8%AE%A1%E6%8A%A5%E8%A1%A8%2D202601%2D202611%2Exlsx"),
        "{disposition}"
    );
    let exports = env.app.records.audit_trail("EXPORTS#420100").await.unwrap();
    assert!(
        exports
            .iter()
            .any(|e| e.detail.starts_with("stats?from=2026-01&to=2026-11"))
    );
    let other = env.get("/v1/staff/stats/export?region=420200", Some(&city)).await;
    assert_eq!(other.error_code(403), "forbidden");
    // One end given beyond the other's default is read the right way round, by both routes.
    for path in ["/v1/staff/stats?to=1438-11", "/v1/staff/stats/export?from=7803-10"] {
        assert_eq!(env.get(path, Some(&city)).await.status, 200, "{path}");
    }
    let bad = env.get("/v1/staff/stats/export?from=2026-13", Some(&city)).await;
    assert_eq!(bad.error_code(400), "invalid_field");
    let mine = env.get("/v1/staff/stats/export?region=420100", Some(&handler)).await;
    assert_eq!(mine.status, 403);
}

#[tokio::test]
async fn the_export_is_excel_ready_csv_of_the_filtered_queue() {
    let env = Env::new().await;
    env.submit(&env.citizen(), |_| {}).await;
    env.submit(&env.citizen_named("x-2"), placed("420100", "420111", "sports"))
        .await;
    let city = env.city_supervisor("420100").await;
    let csv = env
        .http
        .get(format!("{}/v1/staff/export?category=sports", env.base))
        .bearer_auth(&city.token)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(
        csv.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("attachment")
    );
    let bytes = csv.bytes().await.unwrap();
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a BOM so Excel reads UTF-8");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("流水号,状态,地市,区县"));
    assert!(lines[1].contains("洪山区体育局") && lines[1].contains("待受理"));
    assert!(!text.contains(&env.phone_of("x-2")), "no reporter identity in exports");
}

#[tokio::test]
async fn a_long_export_comes_in_parts_that_join_into_the_whole() {
    let env = Env::with(crate::harness::Options {
        export_rows: 2,
        ..Default::default()
    })
    .await;
    for (n, county) in ["420106", "420111", "420102", "420103", "420106"]
        .into_iter()
        .enumerate()
    {
        env.submit(
            &env.citizen_named(&format!("part-{n}")),
            placed("420100", county, "academic"),
        )
        .await;
    }
    let city = env.city_supervisor("420100").await;
    let mut rows = Vec::new();
    let mut cursor = String::new();
    let mut parts = 0;
    loop {
        let part = env
            .http
            .get(format!("{}/v1/staff/export", env.base))
            .query(&[("cursor", &cursor)])
            .bearer_auth(&city.token)
            .send()
            .await
            .unwrap();
        assert_eq!(part.status(), 200);
        let next = part
            .headers()
            .get("x-export-next-cursor")
            .map(|v| v.to_str().unwrap().to_owned());
        let truncated = part.headers()["x-export-truncated"].to_str().unwrap().to_owned();
        assert_eq!(
            truncated == "true",
            next.is_some(),
            "truncated exactly when a part follows"
        );
        let text = part.text().await.unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("流水号,"), "each part has the header row");
        assert!(lines.len() - 1 <= 2, "a part holds at most EXPORT_ROWS rows: {text}");
        rows.extend(lines[1..].iter().map(|l| l.split(',').next().unwrap().to_owned()));
        parts += 1;
        match next {
            Some(next) => cursor = next,
            None => break,
        }
    }
    assert_eq!(parts, 3, "5 rows in parts of 2");
    let mut all = rows.clone();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 5, "every report once: {rows:?}");
    let exports = env.app.records.audit_trail("EXPORTS#420100").await.unwrap();
    assert_eq!(exports.len(), 3, "each part is recorded");
    let bad = env
        .get_path("/v1/staff/export?cursor=not-a-cursor".into(), Some(&city))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
}

#[tokio::test]
async fn an_exported_cell_is_never_a_formula() {
    let env = Env::new().await;
    let mut body = form();
    body["target"] = json!("=HYPERLINK(\"http://x.invalid\",\"点此\")");
    body["address"] = json!("  @SUM(1+2)");
    let reply = env.post("/v1/reports", &env.citizen(), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let city = env.city_supervisor("420100").await;
    let text = env.get_path("/v1/staff/export".into(), Some(&city)).await.text;
    let mut rows = csv::Reader::from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let row = rows.records().next().unwrap().unwrap();
    assert_eq!(
        &row[6], "'=HYPERLINK(\"http://x.invalid\",\"点此\")",
        "shown as typed, never run"
    );
    assert_eq!(&row[8], "'@SUM(1+2)", "(the address is stored trimmed)");
}

#[tokio::test]
async fn the_workbook_export_has_typed_cells_a_frozen_header_and_no_formula() {
    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
    let env = Env::new().await;
    let mut body = form();
    body["target"] = json!("=1+2");
    let reply = env.post("/v1/reports", &env.citizen(), &body).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let serial = reply.serial();
    let city = env.city_supervisor("420100").await;
    let response = env
        .http
        .get(format!(
            "{}/v1/staff/export?format=xlsx&from=2026-11-01&to=2099-12-31",
            env.base
        ))
        .bearer_auth(&city.token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    // 武汉市-举报件-20261101-20991231.xlsx, encoded as RFC 6266 says.
    assert!(
        disposition.contains(
            "filename*=UTF-8''%E6%AD%A6%E6%B1%89%E5%B8%82%2D%E4%B8%BE%E6%8A%A5%E4%BB%B6%2D20261101%2D20991231%2Exlsx"
        ),
        "{disposition}"
    );
    let bytes = response.bytes().await.unwrap().to_vec();
    let mut book: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("举报件").unwrap();
    assert_eq!(sheet.get((0, 0)), Some(&Data::String("流水号".into())));
    assert_eq!(
        sheet.get((1, 0)),
        Some(&Data::String(serial.to_string())),
        "the serial is text"
    );
    assert_eq!(sheet.get((1, 6)), Some(&Data::String("=1+2".into())), "shown as typed");
    assert!(
        matches!(sheet.get((1, 10)), Some(Data::DateTime(_))),
        "a date-time cell"
    );
    let formulas = book.worksheet_formula("举报件").unwrap();
    assert!(
        formulas.used_cells().all(|(_, _, f)| f.is_empty()),
        "no formula anywhere"
    );
    // Each workbook is recorded like a CSV export.
    let exports = env.app.records.audit_trail("EXPORTS#420100").await.unwrap();
    assert!(exports.iter().any(|e| e.detail.contains("format=xlsx")));
    let bad = env.get_path("/v1/staff/export?format=pdf".into(), Some(&city)).await;
    assert_eq!(bad.status, 400);
}

#[tokio::test]
async fn an_exports_rows_read_of_each_report_what_the_whole_report_shows() {
    use local_server::year::seed_year;
    use shared::adapters::dynamo::QueueFilter;
    use shared::domain::reporting::queue_row::ReportRow;
    use shared::domain::staff::Queue;
    let env = Env::new().await;
    seed_year(env.app, 80, 4, shared::domain::time::now_cst())
        .await
        .expect("seed");
    let queue = Queue::Province(env.app.directory.regions.province().code.clone());
    let filter = QueueFilter::default();
    let whole = env.app.records.queue(&queue, &filter, 100, None).await.unwrap();
    let rows = env.app.records.queue_rows(&queue, &filter, 100, None).await.unwrap();
    assert_eq!(whole.items.len(), 80);
    let expected: Vec<ReportRow> = whole.items.iter().map(ReportRow::from).collect();
    assert_eq!(rows.items, expected, "the projection reads every attribute a row shows");
    // Every part of a row was there to be read: replies, ratings and linked institutions.
    assert!(rows.items.iter().any(|r| r.reply.is_some()));
    assert!(rows.items.iter().any(|r| r.rating.is_some()));
    assert!(rows.items.iter().any(|r| r.institution.is_some()));

    // A filtered page with a cursor: the same reports in the same pages.
    let filter = QueueFilter {
        status: Some("replied".into()),
        ..QueueFilter::default()
    };
    let whole = env.app.records.queue(&queue, &filter, 7, None).await.unwrap();
    let rows = env.app.records.queue_rows(&queue, &filter, 7, None).await.unwrap();
    assert_eq!(rows.items, whole.items.iter().map(ReportRow::from).collect::<Vec<_>>());
    assert!(rows.next.is_some());
    let after = env
        .app
        .records
        .queue(&queue, &filter, 7, rows.next.as_deref())
        .await
        .unwrap();
    let rows_after = env
        .app
        .records
        .queue_rows(&queue, &filter, 7, whole.next.as_deref())
        .await
        .unwrap();
    assert_eq!(
        rows_after.items,
        after.items.iter().map(ReportRow::from).collect::<Vec<_>>()
    );
}
