//! A second province from its folder alone: the local server started with `PROVINCE=changzhou`
//! (provinces/changzhou/) serves Changzhou's regions, notice, offices (several departments in one,
//! a development zone's), dispatch, hand-on to an office by any id, and SMS texts. Its own
//! process: a process serves one province. Needs the local AWS of scripts/test
//! (`MOTO_ENDPOINT`, `DYNAMODB_ENDPOINT`).

use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Server {
    child: Child,
    base: String,
    http: reqwest::Client,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn endpoint(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test"))
}

impl Server {
    async fn start() -> Server {
        shared::adapters::install_tls_provider();
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let id = uuid::Uuid::new_v4().simple().to_string();
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let log = std::fs::File::create(std::env::temp_dir().join(format!("changzhou-{id}.log"))).expect("log");
        // Everything that can fail comes before the spawn: a child without its `Server` would
        // outlive the test.
        let http = reqwest::Client::new();
        let (moto, dynamodb) = (endpoint("MOTO_ENDPOINT"), endpoint("DYNAMODB_ENDPOINT"));
        let child = Command::new(env!("CARGO_BIN_EXE_suishoupai-local"))
            .current_dir(&root)
            .env("PROVINCE", "changzhou")
            .env("AWS_ENDPOINT_URL", moto)
            .env("AWS_ENDPOINT_URL_DYNAMODB", dynamodb)
            .env("AWS_REGION", "cn-north-1")
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("PORT", port.to_string())
            .env("TABLE_NAME", format!("cz-{id}"))
            .env("BUCKET_NAME", format!("cz-{id}"))
            .env_remove("AGENCIES_FILE")
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("suishoupai-local");
        let server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            http,
        };
        for _ in 0..600 {
            if let Ok(r) = server.http.get(format!("{}/dev/health", server.base)).send().await
                && r.status().is_success()
            {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the Changzhou server did not start");
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (u16, Value) {
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.expect("request");
        let status = response.status().as_u16();
        let text = response.text().await.expect("body");
        (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
    }

    async fn get(&self, path: &str, token: Option<&str>) -> Value {
        let (status, body) = self.call(reqwest::Method::GET, path, token, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        body
    }

    async fn post(&self, path: &str, token: &str, body: Value) -> Value {
        let (status, answer) = self.call(reqwest::Method::POST, path, Some(token), Some(body)).await;
        assert!(status < 300, "{path}: {status} {answer}");
        answer
    }

    async fn token(&self, claims: Value) -> String {
        let (_, body) = self.call(reqwest::Method::POST, "/dev/token", None, Some(claims)).await;
        body["token"].as_str().expect("token").to_owned()
    }

    /// A handler of `agency`, put on the roster by the demo province supervisor first.
    async fn handler(&self, sub: &str, name: &str, agency: &str) -> String {
        let province = self
            .token(json!({"role": "staff", "sub": "demo-320000", "name": "陈督导", "region": "320000", "staff_role": "province"}))
            .await;
        let entry = json!({"sub": sub, "name": name, "role": "handler", "agency_id": agency});
        let (status, body) = self
            .call(reqwest::Method::POST, "/v1/staff/roster", Some(&province), Some(entry))
            .await;
        assert_eq!(status, 201, "roster: {body}");
        // The token's own claims no longer matter: the roster says who this is.
        self.token(json!({"role": "staff", "sub": sub, "name": name, "region": "320000", "staff_role": "province"}))
            .await
    }
}

#[tokio::test]
async fn changzhou_runs_from_its_folder() {
    let server = Server::start().await;

    // The catalog, regions and notice are Changzhou's.
    let meta = server.get("/v1/meta", None).await;
    assert_eq!(meta["regions"]["province"]["name"], "江苏省");
    let cities: Vec<&str> = meta["regions"]["cities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cities, ["常州市"]);
    assert!(meta["notice"]["text"].as_str().unwrap().contains("校外培训家长端APP"));

    // 举报电话 as the city's notice lists them: one office for culture and sports in 天宁区.
    let offices = server.get("/v1/public/agencies?county=320402", None).await;
    let arts = offices["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["category"] == "arts")
        .unwrap();
    assert_eq!(arts["offices"][0]["name"], "天宁区文化体育和旅游局");
    assert_eq!(arts["offices"][0]["phone"], "0519-69661826");
    assert_eq!(arts["offices"][1]["name"], "常州市文化广电和旅游局");

    // The admin site's demo staff are Changzhou's.
    let staff = server.get("/dev/staff", None).await;
    assert_eq!(staff[0]["label"], "天宁区教育局 受理人员 王科员");
    assert_eq!(staff[3]["label"], "江苏省 省级督导 陈督导");

    // A report in 武进区 goes to 武进区教育局, which hands it on to the development zone's office.
    let citizen = server
        .token(json!({"role": "citizen", "sub": "cz-citizen", "name": "张三", "phone": "13812341234"}))
        .await;
    let form = json!({
        "target": "某培训中心", "city": "320400", "county": "320412", "address": "经开区某路1号",
        "category": "academic", "violation_types": ["unlicensed"], "content": "周末组织学科类培训",
        "public": false, "notice_version": meta["notice"]["version"]
    });
    let receipt = server.post("/v1/reports", &citizen, form).await;
    assert_eq!(receipt["agency"]["name"], "武进区教育局");
    let serial = receipt["serial"].as_str().unwrap().to_owned();
    let wujin = server.handler("cz-wujin", "王科员", "cz-wujin-a").await;
    let me = server.get("/v1/staff/me", Some(&wujin)).await;
    assert!(
        me["transfer_targets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == "cz-jingkai-a" && t["region_name"] == "经开区(武进区)"),
        "{me}"
    );
    let actions = format!("/v1/staff/reports/{serial}/actions");
    let handed = server
        .post(
            &actions,
            &wujin,
            json!({"action": "transfer", "version": 1, "to_agency": "cz-jingkai-a", "reason": "位于经开区"}),
        )
        .await;
    assert_eq!(handed["agency"]["name"], "经开区社会事业局", "{handed}");

    // The zone's office answers; the reporter's SMS is Changzhou's text.
    let zone = server.handler("cz-jingkai", "周科员", "cz-jingkai-a").await;
    server
        .post(&actions, &zone, json!({"action": "accept", "version": 2}))
        .await;
    server
        .post(
            &actions,
            &zone,
            json!({"action": "reply", "version": 3, "finding": "substantiated", "text": "已责令停止"}),
        )
        .await;
    // The office's statistics report is named for it, from the folder's directory.
    let report = server
        .http
        .get(format!("{}/v1/staff/stats/export", server.base))
        .bearer_auth(&zone)
        .send()
        .await
        .expect("request");
    assert_eq!(report.status(), 200);
    let disposition = report.headers()["content-disposition"].to_str().unwrap().to_owned();
    let encoded: String = "经开区社会事业局-统计报表-"
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(disposition.contains(&encoded), "{disposition}");

    // Changzhou sends the 受理 text with the expected reply date (its catalog has one), once,
    // then the reply's.
    let accepted = format!("【常州教育】您提交的违规校外培训举报(流水号为:{serial})已受理,预计于");
    let replied = format!("【常州教育】您提交的违规校外培训举报(流水号为:{serial})已处理完成");
    for _ in 0..200 {
        let sms = server.get("/dev/sms", None).await;
        let texts: Vec<&str> = sms["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|m| m["message"].as_str())
            .collect();
        if texts.iter().any(|t| t.starts_with(&replied)) {
            let acks: Vec<&&str> = texts.iter().filter(|t| t.starts_with(&accepted)).collect();
            assert_eq!(acks.len(), 1, "{texts:?}");
            assert!(acks[0].contains("日前答复"), "{}", acks[0]);
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no SMS to the reporter with Changzhou's text");
}
