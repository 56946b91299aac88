//! Load generator for `scripts/bench`: drives the local API with many citizens and an agency and
//! prints, per step, throughput and latency percentiles as a Markdown table. Bounded in count;
//! talks only to the address it is given (127.0.0.1).
//!
//! Usage: load BASE_URL REPORTS CONCURRENCY [SERVER_PID]

use serde_json::{Value, json};
use shared::domain::directory::catalog::Catalog;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, Semaphore};

/// Board reads sent through the simulated edge.
const EDGE_READS: usize = 10_000;

/// One CloudFront edge in front of the public routes, as `PublicApiCachePolicy` keeps them
/// (infra/template.yaml): keyed by path and query, each answer kept for its `Cache-Control`
/// max-age, concurrent misses collapsed into one origin request. Counts the reads and what
/// reaches the origin (docs/deploy.md, "The public API's CDN").
#[derive(Default)]
struct Edge {
    cache: Mutex<HashMap<String, (Instant, Value)>>,
    reads: AtomicUsize,
    origin: AtomicUsize,
}

impl Edge {
    async fn get(&self, http: &reqwest::Client, url: String) -> Result<Value, String> {
        self.reads.fetch_add(1, Ordering::Relaxed);
        // Held across the origin request: a read of a key being fetched waits for it.
        let mut cache = self.cache.lock().await;
        if let Some((until, body)) = cache.get(&url)
            && *until > Instant::now()
        {
            return Ok(body.clone());
        }
        self.origin.fetch_add(1, Ordering::Relaxed);
        let response = http.get(&url).send().await.map_err(|e| e.to_string())?;
        let max_age = response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|d| d.trim().strip_prefix("max-age=")?.parse::<u64>().ok())
            })
            .unwrap_or(0);
        if !response.status().is_success() {
            return Err(response.status().to_string());
        }
        let body: Value = response.json().await.map_err(|e| e.to_string())?;
        cache.insert(url, (Instant::now() + Duration::from_secs(max_age), body.clone()));
        Ok(body)
    }
}

struct Step {
    name: &'static str,
    latencies: Vec<Duration>,
    failures: usize,
    elapsed: Duration,
    /// CPU time the API process spent on the step (user + system), if its pid is known.
    server_cpu: Option<Duration>,
}

/// CPU time (user + system) of a process so far.
fn cpu_time(pid: Option<&str>) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{}/stat", pid?)).ok()?;
    // The fields after the command name, which is in parentheses and may contain spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10)) // 100 ticks a second on Linux
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// Runs `count` requests built by `make`, `concurrency` at a time.
async fn run<F, Fut>(
    name: &'static str,
    count: usize,
    concurrency: usize,
    pid: Option<&str>,
    make: F,
) -> (Step, Vec<Value>)
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = Result<Value, String>> + Send + 'static,
{
    let gate = Arc::new(Semaphore::new(concurrency));
    let cpu_before = cpu_time(pid);
    let started = Instant::now();
    let mut tasks = Vec::with_capacity(count);
    for i in 0..count {
        let permit = gate.clone().acquire_owned().await.expect("semaphore");
        let request = make(i);
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let result = request.await;
            drop(permit);
            (at.elapsed(), result)
        }));
    }
    let mut latencies = Vec::with_capacity(count);
    let mut bodies = Vec::with_capacity(count);
    let mut failures = 0;
    for task in tasks {
        let (latency, result) = task.await.expect("task");
        latencies.push(latency);
        match result {
            Ok(body) => bodies.push(body),
            Err(error) => {
                failures += 1;
                if failures <= 3 {
                    eprintln!("{name}: {error}");
                }
            }
        }
    }
    latencies.sort();
    (
        Step {
            name,
            latencies,
            failures,
            elapsed: started.elapsed(),
            server_cpu: cpu_time(pid)
                .zip(cpu_before)
                .map(|(after, before)| after.saturating_sub(before)),
        },
        bodies,
    )
}

async fn send(request: reqwest::RequestBuilder, expect: u16) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if status == expect {
        Ok(body)
    } else {
        Err(format!("{status} {body}"))
    }
}

/// A download: its size, when the status is the one expected.
async fn send_file(request: reqwest::RequestBuilder, expect: u16) -> Result<Value, String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status().as_u16();
    let bytes = response.bytes().await.map_err(|e| e.to_string())?;
    if status == expect {
        Ok(json!({"bytes": bytes.len()}))
    } else {
        Err(format!("{status} {}", String::from_utf8_lossy(&bytes)))
    }
}

/// A 1 MiB "photo": a JPEG's start of image, then filler (S3 stores bytes; submit reads the head).
fn photo_bytes() -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xD8, 0xFF, 0xD9];
    bytes.resize(1024 * 1024, 0x5A);
    bytes
}

/// Three photos uploaded through their presigned PUTs; their keys, for a report to cite.
async fn upload_three(http: &reqwest::Client, base: &str, token: &str, photo: &[u8]) -> Value {
    let file = json!({"content_type": "image/jpeg", "size": photo.len()});
    let issued = send(
        http.post(format!("{base}/v1/uploads"))
            .bearer_auth(token)
            .json(&json!({"kind": "image", "files": [file, file, file]})),
        200,
    )
    .await
    .expect("upload URLs");
    let mut keys = Vec::new();
    for upload in issued["uploads"].as_array().expect("uploads") {
        let mut put = http.put(upload["url"].as_str().expect("url")).body(photo.to_vec());
        for (name, value) in upload["headers"].as_object().expect("headers") {
            if name != "content-length" {
                put = put.header(name.as_str(), value.as_str().expect("header"));
            }
        }
        let status = put.send().await.expect("PUT").status();
        assert!(status.is_success(), "PUT answered {status}");
        keys.push(upload["key"].clone());
    }
    Value::Array(keys)
}

async fn token(http: &reqwest::Client, base: &str, body: Value) -> String {
    let answer: Value = http
        .post(format!("{base}/dev/token"))
        .json(&body)
        .send()
        .await
        .expect("token")
        .json()
        .await
        .expect("json");
    answer["token"].as_str().expect("token").to_owned()
}

fn peak_rss_mib(pid: &str) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Waits (up to two minutes) until the local SMS outbox holds at least `count` messages.
async fn drain_sms(http: &reqwest::Client, base: &str, count: usize) -> bool {
    for _ in 0..240 {
        let sent = send(http.get(format!("{base}/dev/sms")), 200)
            .await
            .ok()
            .and_then(|v| v["items"].as_array().map(Vec::len))
            .unwrap_or(0);
        if sent >= count {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    false
}

/// What citizens type before a suggestion helps: parts of a name, an alias, a width variant.
const TYPED: [&str; 8] = ["启明", "英语", "Ａ", "艺术", "星火 编程", "体育", "小", "博雅书"];

/// A registry file of `count` institutions of 武昌区, names varied as real ones are.
fn registry_csv(count: usize) -> String {
    const STEMS: [&str; 10] = [
        "启明",
        "星火",
        "博雅",
        "智多星",
        "阳光",
        "小蜜蜂",
        "英才",
        "ABC",
        "未来",
        "飞跃",
    ];
    const KINDS: [&str; 8] = [
        "英语学校",
        "艺术中心",
        "编程馆",
        "体育俱乐部",
        "书院",
        "托管中心",
        "培训学校",
        "教育咨询有限公司",
    ];
    let mut csv = String::from("机构名称,别名,统一社会信用代码,办学许可证号,区县,地址,类型,是否在全国监管平台,状态\n");
    for n in 0..count {
        let stem = STEMS[n % STEMS.len()];
        let kind = KINDS[(n / STEMS.len()) % KINDS.len()];
        csv.push_str(&format!(
            "{stem}{kind}{n},{stem}{n},,,420106,中南路{n}号,非学科类,是,正常\n"
        ));
    }
    csv
}

#[tokio::main]
async fn main() {
    // reqwest's rustls needs the process's crypto provider, as every client here does.
    shared::adapters::install_tls_provider();
    let args: Vec<String> = std::env::args().collect();
    let base = args.get(1).cloned().unwrap_or_else(|| "http://127.0.0.1:3000".into());
    let reports: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let concurrency: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(32);
    let pid = args.get(4).cloned();
    assert!(
        base.starts_with("http://127.0.0.1"),
        "the benchmark only targets this machine"
    );
    let http = reqwest::Client::new();
    let citizens = 100.min(reports);
    let mut tokens = Vec::with_capacity(citizens);
    for i in 0..citizens {
        tokens.push(token(&http, &base, json!({"role": "citizen", "sub": format!("bench-{i}"), "name": "压测", "phone": format!("1380000{i:04}")})).await);
    }
    let tokens = Arc::new(tokens);
    let staff = token(&http, &base, json!({"role": "staff", "sub": "demo-420106", "name": "王科员", "agency": "420106-education", "region": "420106", "staff_role": "handler"})).await;
    let city = token(
        &http,
        &base,
        json!({"role": "staff", "sub": "demo-420100", "name": "李督导", "region": "420100", "staff_role": "city"}),
    )
    .await;
    let form = json!({"target": "某某教育咨询有限公司", "city": "420100", "county": "420106", "address": "中南路1号", "category": "academic", "violation_types": ["unlicensed"], "content": "周末组织学科类培训", "public": true, "notice_version": Catalog::get().notice.version});

    let mut steps = Vec::new();
    let (step, receipts) = run("POST /v1/reports", reports, concurrency, pid.as_deref(), |i| {
        let request = http
            .post(format!("{base}/v1/reports"))
            .bearer_auth(&tokens[i % citizens])
            .json(&form);
        send(request, 201)
    })
    .await;
    steps.push(step);

    // Submissions citing three 1 MiB photos each (at most 200): the uploads are made first and not
    // timed; the step measures checking and sealing them with the report.
    let with_photos = reports.min(200);
    let photo = Arc::new(photo_bytes());
    let mut cited: Vec<Value> = Vec::with_capacity(with_photos);
    for i in 0..with_photos {
        cited.push(upload_three(&http, &base, &tokens[i % citizens], &photo).await);
    }
    let cited = Arc::new(cited);
    let (step, _) = run(
        "POST /v1/reports (3 photos)",
        with_photos,
        concurrency,
        pid.as_deref(),
        |i| {
            let mut body = form.clone();
            body["evidence"] = json!({"kind": "image", "keys": cited[i]});
            let request = http
                .post(format!("{base}/v1/reports"))
                .bearer_auth(&tokens[i % citizens])
                .json(&body);
            send(request, 201)
        },
    )
    .await;
    steps.push(step);
    let serials: Arc<Vec<String>> = Arc::new(
        receipts
            .iter()
            .filter_map(|r| r["serial"].as_str().map(str::to_owned))
            .collect(),
    );
    // Each report sends its agency an SMS through the stream: measure the reads after that work
    // is done, as the notify function does it elsewhere in AWS, not on the same two cores.
    // Every report goes to one agency, which is texted for at most the catalog's daily ceiling of
    // arrivals (issue 32): the arrivals past it are counted as capped, not sent.
    let drained = Instant::now();
    let submitted = serials.len() + with_photos;
    let ceiling = usize::try_from(Catalog::get().limits.agency_sms_per_day).unwrap_or(usize::MAX);
    let texted = submitted.min(ceiling);
    if drain_sms(&http, &base, texted).await {
        eprintln!(
            "notify sent {texted} SMS for {submitted} arrivals (the agency's daily ceiling: {ceiling}) within {:.1} s of the last submission",
            drained.elapsed().as_secs_f64()
        );
    } else {
        eprintln!(
            "notify had not sent {texted} SMS after {:.0} s; reads measured anyway",
            drained.elapsed().as_secs_f64()
        );
    }
    let (step, _) = run("GET /v1/me/reports", reports, concurrency, pid.as_deref(), |i| {
        send(
            http.get(format!("{base}/v1/me/reports"))
                .bearer_auth(&tokens[i % citizens]),
            200,
        )
    })
    .await;
    steps.push(step);
    let (step, _) = run("GET /v1/public/reports", reports, concurrency, pid.as_deref(), |_| {
        send(http.get(format!("{base}/v1/public/reports?city=420100&limit=3")), 200)
    })
    .await;
    steps.push(step);
    // The same reads through one simulated edge, 10,000 of them (a busy minute of a campaign's
    // board): the home page's three and the first full page, of each of five cities.
    let edge = Arc::new(Edge::default());
    let cities = ["420100", "420200", "420500", "420600", "421000"];
    let (step, _) = run(
        "GET /v1/public/reports (one CDN edge)",
        EDGE_READS,
        concurrency,
        pid.as_deref(),
        |i| {
            let (edge, http) = (edge.clone(), http.clone());
            let url = format!(
                "{base}/v1/public/reports?city={}&limit={}",
                cities[i % cities.len()],
                [3, 10][i / cities.len() % 2]
            );
            async move { edge.get(&http, url).await }
        },
    )
    .await;
    let edge_seconds = step.elapsed.as_secs_f64();
    steps.push(step);
    let (step, _) = run(
        "GET /v1/staff/reports",
        reports / 10,
        concurrency,
        pid.as_deref(),
        |_| {
            send(
                http.get(format!("{base}/v1/staff/reports?status=pending"))
                    .bearer_auth(&staff),
                200,
            )
        },
    )
    .await;
    steps.push(step);
    let (step, _) = run(
        "POST …/actions (accept)",
        serials.len(),
        concurrency,
        pid.as_deref(),
        |i| {
            let request = http
                .post(format!("{base}/v1/staff/reports/{}/actions", serials[i]))
                .bearer_auth(&staff)
                .json(&json!({"action": "accept", "version": 1}));
            send(request, 200)
        },
    )
    .await;
    steps.push(step);
    // A county's registry of 500 institutions, imported by the city, then the citizens'
    // suggestions against it as they type (a few characters each).
    let registry = registry_csv(500);
    let (step, _) = run("POST /v1/staff/institutions/import", 1, 1, pid.as_deref(), |_| {
        let request = http
            .post(format!("{base}/v1/staff/institutions/import"))
            .bearer_auth(&city)
            .header("content-type", "text/csv")
            .body(registry.clone());
        send(request, 200)
    })
    .await;
    steps.push(step);
    let (step, _) = run(
        "GET /v1/public/institutions",
        reports,
        concurrency,
        pid.as_deref(),
        |i| {
            let q = TYPED[i % TYPED.len()];
            send(
                http.get(format!("{base}/v1/public/institutions"))
                    .query(&[("county", "420106"), ("q", q)]),
                200,
            )
        },
    )
    .await;
    steps.push(step);
    let (step, _) = run("GET /v1/staff/stats", 50, concurrency, pid.as_deref(), |_| {
        send(
            http.get(format!("{base}/v1/staff/stats?region=420100"))
                .bearer_auth(&city),
            200,
        )
    })
    .await;
    steps.push(step);

    // The city's whole queue as one workbook, and its statistics report, one at a time as clerks
    // ask for them. The API's peak memory is reset first (`clear_refs` 5: Linux resets VmHWM to
    // the present), so that the peak after them is theirs.
    let peak_before = pid.as_deref().and_then(|pid| {
        std::fs::write(format!("/proc/{pid}/clear_refs"), "5").ok()?;
        peak_rss_mib(pid)
    });
    let (step, files) = run("GET /v1/staff/export?format=xlsx", 3, 1, pid.as_deref(), |_| {
        send_file(
            http.get(format!("{base}/v1/staff/export?format=xlsx"))
                .bearer_auth(&city),
            200,
        )
    })
    .await;
    steps.push(step);
    let workbook_bytes = files.first().map(|f| f["bytes"].clone()).unwrap_or_default();
    let (step, _) = run("GET /v1/staff/stats/export", 10, 1, pid.as_deref(), |_| {
        send_file(
            http.get(format!("{base}/v1/staff/stats/export?region=420100"))
                .bearer_auth(&city),
            200,
        )
    })
    .await;
    steps.push(step);
    let peak_after = pid.as_deref().and_then(peak_rss_mib);

    println!("| step | requests | failures | requests/s | p50 ms | p95 ms | p99 ms | max ms | API CPU ms/request |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for s in &steps {
        let rate = s.latencies.len() as f64 / s.elapsed.as_secs_f64();
        let max = s.latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0);
        println!(
            "| {} | {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {} |",
            s.name,
            s.latencies.len(),
            s.failures,
            rate,
            percentile(&s.latencies, 0.50),
            percentile(&s.latencies, 0.95),
            percentile(&s.latencies, 0.99),
            max,
            s.server_cpu.map_or("–".into(), |cpu| format!(
                "{:.2}",
                cpu.as_secs_f64() * 1000.0 / s.latencies.len().max(1) as f64
            ))
        );
    }
    if let Some(rss) = pid.as_deref().and_then(peak_rss_mib) {
        println!(
            "\nPeak resident memory of the API process (all six handlers, {concurrency} requests at a time): {rss:.1} MiB"
        );
    }
    if let (Some(before), Some(after)) = (peak_before, peak_after) {
        println!(
            "The workbook of {} reports: {workbook_bytes} bytes; the API's resident memory {before:.1} MiB before the exports, peak {after:.1} MiB during them",
            serials.len()
        );
    }
    let (reads, origin) = (edge.reads.load(Ordering::Relaxed), edge.origin.load(Ordering::Relaxed));
    println!(
        "Board reads through one simulated CDN edge: {reads} reads of 10 keys in {edge_seconds:.1} s, {origin} origin requests ({:.0} per 10,000 reads)",
        origin as f64 * 10_000.0 / reads.max(1) as f64
    );
    let failures: usize = steps.iter().map(|s| s.failures).sum();
    std::process::exit(i32::from(failures > 0));
}
