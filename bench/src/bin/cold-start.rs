//! `cold-start`: a local Lambda Runtime API (`next`, `response`, `error`, `init/error`) that
//! starts each function binary as Lambda would, feeds it a sample event, and times it. Run by
//! `scripts/bench-cold`, which also starts the local AWS behind the functions.
//!
//! Usage: `cold-start RUNS WARM NAME=BINARY:EVENT...` (the first NAME is the baseline). Each of
//! RUNS rounds starts every binary once, in turn: init is the time from exec to its first
//! `GET /runtime/invocation/next`; first is the first invocation (event handed out → response
//! posted); then WARM more invocations of the same event. Peak resident memory is the process's
//! `VmHWM` after them, and its time on a CPU in each phase. Each start first waits for a quiet
//! machine (`quiet_machine`). Prints a Markdown table, init also as a ratio to the baseline.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::{mpsc, oneshot};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A function waiting in `next`: when it asked, and where its event goes.
struct Waiting {
    at: Instant,
    event: oneshot::Sender<(String, Bytes)>,
}

/// What a function posted for an invocation.
struct Posted {
    at: Instant,
    request_id: String,
    outcome: Result<Bytes, String>,
}

#[derive(Clone)]
struct Api {
    waiting: mpsc::UnboundedSender<Waiting>,
    posted: mpsc::UnboundedSender<Posted>,
}

const PREFIX: &str = "/2018-06-01/runtime";
const TIMEOUT: Duration = Duration::from_secs(30);

async fn next(State(api): State<Api>) -> Result<(HeaderMap, Bytes), StatusCode> {
    let (event, delivered) = oneshot::channel();
    let at = Instant::now();
    api.waiting
        .send(Waiting { at, event })
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    // The driver drops the sender when it moves on to another process: this one was killed.
    let (request_id, body) = delivered.await.map_err(|_| StatusCode::GONE)?;
    let deadline = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default() + TIMEOUT;
    let mut headers = HeaderMap::new();
    let header = |value: String| HeaderValue::from_str(&value).map_err(|_| StatusCode::INTERNAL_SERVER_ERROR);
    headers.insert("lambda-runtime-aws-request-id", header(request_id)?);
    headers.insert("lambda-runtime-deadline-ms", header(deadline.as_millis().to_string())?);
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:cn-north-1:000000000000:function:bench"),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"),
    );
    headers.insert("content-type", HeaderValue::from_static("application/json"));
    Ok((headers, body))
}

async fn response(State(api): State<Api>, Path(request_id): Path<String>, body: Bytes) -> StatusCode {
    post_outcome(&api, request_id, Ok(body))
}

async fn error(State(api): State<Api>, Path(request_id): Path<String>, body: Bytes) -> StatusCode {
    post_outcome(&api, request_id, Err(String::from_utf8_lossy(&body).into_owned()))
}

async fn init_error(State(api): State<Api>, body: Bytes) -> StatusCode {
    post_outcome(&api, "init".into(), Err(String::from_utf8_lossy(&body).into_owned()))
}

fn post_outcome(api: &Api, request_id: String, outcome: Result<Bytes, String>) -> StatusCode {
    let posted = Posted {
        at: Instant::now(),
        request_id,
        outcome,
    };
    match api.posted.send(posted) {
        Ok(()) => StatusCode::ACCEPTED,
        Err(_) => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// One function under test.
struct Subject {
    name: String,
    binary: String,
    event: Bytes,
}

impl Subject {
    fn parse(arg: &str) -> Result<Subject, BoxError> {
        let (name, rest) = arg.split_once('=').ok_or("expected NAME=BINARY:EVENT")?;
        let (binary, event) = rest.split_once(':').ok_or("expected NAME=BINARY:EVENT")?;
        let event = std::fs::read(event).map_err(|e| format!("{event}: {e}"))?;
        Ok(Subject {
            name: name.to_owned(),
            binary: binary.to_owned(),
            event: Bytes::from(event),
        })
    }
}

/// What one cold start of one function measured.
struct Start {
    init: Duration,
    first: Duration,
    warm: Vec<Duration>,
    peak_kib: u64,
    /// On-CPU time of the process (all its threads) during init, the first invocation, and the
    /// warm ones on average: what of a wait was the function's own work.
    cpu: [Duration; 3],
}

struct Driver {
    port: u16,
    waiting: mpsc::UnboundedReceiver<Waiting>,
    posted: mpsc::UnboundedReceiver<Posted>,
    invocations: u64,
    /// Starts that began on a quiet machine (`quiet_machine`).
    settled: u32,
}

impl Driver {
    async fn waiting(&mut self, name: &str) -> Result<Waiting, BoxError> {
        match tokio::time::timeout(TIMEOUT, self.waiting.recv()).await {
            Ok(Some(waiting)) => Ok(waiting),
            _ => Err(format!("{name}: no call to next within {TIMEOUT:?}").into()),
        }
    }

    /// Hands the event to a waiting function and times its answer.
    async fn invoke(&mut self, subject: &Subject, waiting: Waiting) -> Result<Duration, BoxError> {
        self.invocations += 1;
        let request_id = format!("bench-{}", self.invocations);
        let sent = Instant::now();
        waiting
            .event
            .send((request_id.clone(), subject.event.clone()))
            .map_err(|_| format!("{}: next went away", subject.name))?;
        let posted = match tokio::time::timeout(TIMEOUT, self.posted.recv()).await {
            Ok(Some(posted)) => posted,
            _ => return Err(format!("{}: no answer within {TIMEOUT:?}", subject.name).into()),
        };
        if posted.request_id != request_id {
            return Err(format!(
                "{}: answer for {} instead of {request_id}",
                subject.name, posted.request_id
            )
            .into());
        }
        let body = posted
            .outcome
            .map_err(|e| format!("{}: the function failed: {e}", subject.name))?;
        // An HTTP function answers API Gateway's shape: a 5xx is a failure, not a figure.
        if let Ok(answer) = serde_json::from_slice::<serde_json::Value>(&body)
            && let Some(status) = answer.get("statusCode").and_then(|s| s.as_u64())
            && status >= 500
        {
            return Err(format!(
                "{}: answered {status}: {}",
                subject.name,
                String::from_utf8_lossy(&body)
            )
            .into());
        }
        Ok(posted.at - sent)
    }

    async fn cold_start(&mut self, subject: &Subject, warm: usize) -> Result<Start, BoxError> {
        self.settled += u32::from(quiet_machine().await?);
        let started = Instant::now();
        let mut child = Command::new(&subject.binary)
            .env("AWS_LAMBDA_RUNTIME_API", format!("127.0.0.1:{}", self.port))
            .env("AWS_LAMBDA_FUNCTION_NAME", &subject.name)
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{}", subject.name))
            .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
            .stdin(Stdio::null())
            // FUNCTION_LOGS=1: the function's own log lines, to see why it failed.
            .stdout(if std::env::var_os("FUNCTION_LOGS").is_some() {
                Stdio::inherit()
            } else {
                Stdio::null()
            })
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("{}: {e}", subject.binary))?;
        let result = self.measure(subject, warm, child.id(), started).await;
        drop(child.kill());
        drop(child.wait());
        // Only now may its last `next` fail: the process can no longer see the answer.
        result.map(|(start, idle)| {
            drop(idle);
            start
        })
    }

    /// The figures of one start, and the function's last call to `next`, still unanswered.
    async fn measure(
        &mut self,
        subject: &Subject,
        warm: usize,
        pid: u32,
        started: Instant,
    ) -> Result<(Start, Waiting), BoxError> {
        let waiting = self.waiting(&subject.name).await?;
        let init = waiting.at - started;
        let cpu_init = cpu_time(pid)?;
        let first = self.invoke(subject, waiting).await?;
        let mut warm_times = Vec::with_capacity(warm);
        let mut cpu_first = Duration::ZERO;
        for n in 0..warm {
            let waiting = self.waiting(&subject.name).await?;
            if n == 0 {
                cpu_first = cpu_time(pid)? - cpu_init;
            }
            warm_times.push(self.invoke(subject, waiting).await?);
        }
        // Wait for the next `next`, so that the process is idle when its memory is read.
        let idle = self.waiting(&subject.name).await?;
        let cpu_warm = match u32::try_from(warm) {
            Ok(n) if n > 0 => (cpu_time(pid)? - cpu_init - cpu_first) / n,
            _ => Duration::ZERO,
        };
        // RSS_DETAIL=1: each run's resident memory at its end, by mapping.
        if std::env::var_os("RSS_DETAIL").is_some() {
            eprintln!("{}", resident_by_mapping(pid)?);
        }
        let start = Start {
            init,
            first,
            warm: warm_times,
            peak_kib: peak_kib(pid)?,
            cpu: [cpu_init, cpu_first, cpu_warm],
        };
        Ok((start, idle))
    }
}

/// Resident KiB per mapped file (and `[heap]`, `[stack]`, anonymous), from `/proc/PID/smaps`;
/// the binary's pages written at start (its relocations) count under its own name.
fn resident_by_mapping(pid: u32) -> Result<String, BoxError> {
    let smaps = std::fs::read_to_string(format!("/proc/{pid}/smaps"))?;
    let mut totals: Vec<(String, u64)> = Vec::new();
    let mut current = String::new();
    for line in smaps.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.first().is_some_and(|f| f.contains('-') && !f.ends_with(':')) {
            current = fields
                .get(5)
                .map_or("[anon]".to_owned(), |p| p.rsplit('/').next().unwrap_or(p).to_owned());
        } else if fields.first() == Some(&"Rss:") {
            let kib: u64 = fields.get(1).and_then(|k| k.parse().ok()).unwrap_or(0);
            match totals.iter_mut().find(|(name, _)| *name == current) {
                Some((_, total)) => *total += kib,
                None => totals.push((current.clone(), kib)),
            }
        }
    }
    let total: u64 = totals.iter().map(|(_, kib)| kib).sum();
    let each = totals.iter().map(|(name, kib)| format!(" {name}={kib}"));
    Ok(format!("total={total}{}", each.collect::<String>()))
}

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_kib(pid: u32) -> Result<u64, BoxError> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .ok_or_else(|| "no VmHWM".into())
}

/// The machine's busy and total CPU time so far, all CPUs (`/proc/stat`, in clock ticks).
fn machine_ticks() -> Result<(u64, u64), BoxError> {
    let stat = std::fs::read_to_string("/proc/stat")?;
    let ticks: Vec<u64> = stat
        .lines()
        .next()
        .and_then(|cpu| cpu.strip_prefix("cpu "))
        .ok_or("/proc/stat: no cpu line")?
        .split_whitespace()
        .filter_map(|n| n.parse().ok())
        .collect();
    let total: u64 = ticks.iter().sum();
    // idle and iowait
    let idle = ticks.get(3).copied().unwrap_or(0) + ticks.get(4).copied().unwrap_or(0);
    Ok((total - idle, total))
}

/// The longest a start waits for a quiet machine, and the window it judges by.
const SETTLE_LIMIT: Duration = Duration::from_secs(2);
const SETTLE_WINDOW: Duration = Duration::from_millis(100);

/// Waits until the machine has been nearly idle for a window (a twentieth of its CPU time busy at
/// most, as `/proc/stat` counts it in ticks of 10 ms: one tick in a window on two CPUs):
/// the local AWS beside us (DynamoDB Local's JIT and collector, after the previous start's warm
/// invocations) would otherwise take caches and cores from the start being timed. True when it
/// settled within the limit; a start that did not is timed anyway.
async fn quiet_machine() -> Result<bool, BoxError> {
    let began = Instant::now();
    while began.elapsed() < SETTLE_LIMIT {
        let (busy, total) = machine_ticks()?;
        tokio::time::sleep(SETTLE_WINDOW).await;
        let (busy_after, total_after) = machine_ticks()?;
        let elapsed = total_after.saturating_sub(total);
        if elapsed > 0 && busy_after.saturating_sub(busy) * 20 <= elapsed {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The process's time on a CPU so far, all threads (`/proc/PID/task/*/schedstat`, in ns).
fn cpu_time(pid: u32) -> Result<Duration, BoxError> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))? {
        let stat = std::fs::read_to_string(task?.path().join("schedstat"))?;
        total += stat
            .split_whitespace()
            .next()
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Ok(Duration::from_nanos(total))
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort();
    values.get(values.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The figures of one function over all its starts.
struct Figures {
    name: String,
    init: f64,
    first: f64,
    warm: f64,
    peak_mb: f64,
    size: u64,
    cpu: [f64; 3],
}

fn figures(subject: &Subject, starts: &[Start]) -> Result<Figures, BoxError> {
    let peak = starts.iter().map(|s| s.peak_kib).max().unwrap_or(0);
    Ok(Figures {
        name: subject.name.clone(),
        init: ms(median(starts.iter().map(|s| s.init).collect())),
        first: ms(median(starts.iter().map(|s| s.first).collect())),
        warm: ms(median(starts.iter().flat_map(|s| s.warm.iter().copied()).collect())),
        peak_mb: peak as f64 / 1024.0,
        size: std::fs::metadata(&subject.binary)?.len(),
        cpu: [0, 1, 2].map(|i| ms(median(starts.iter().map(|s| s.cpu[i]).collect()))),
    })
}

fn print_table(all: &[Figures], runs: usize, warm: usize) {
    let Some(base) = all.first() else { return };
    println!("{runs} cold starts of each, {warm} warm invocations after each; medians (peak memory: the highest)\n");
    println!(
        "| function | init ms | init ÷ {} | first ms | warm p50 ms | first ÷ warm | peak RSS MB | binary bytes | CPU ms: init / first / warm |",
        base.name
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for f in all {
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} | {} | {:.2} / {:.2} / {:.2} |",
            f.name,
            f.init,
            f.init / base.init,
            f.first,
            f.warm,
            f.first / f.warm,
            f.peak_mb,
            f.size,
            f.cpu[0],
            f.cpu[1],
            f.cpu[2]
        );
    }
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [runs, warm, subjects @ ..] = args.as_slice() else {
        return Err("usage: cold-start RUNS WARM NAME=BINARY:EVENT...".into());
    };
    let (runs, warm): (usize, usize) = (runs.parse()?, warm.parse()?);
    let subjects = subjects
        .iter()
        .map(|s| Subject::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    if subjects.is_empty() || runs == 0 {
        return Err("at least one function and one run".into());
    }

    let (waiting_tx, waiting) = mpsc::unbounded_channel();
    let (posted_tx, posted) = mpsc::unbounded_channel();
    let api = Api {
        waiting: waiting_tx,
        posted: posted_tx,
    };
    let router = Router::new()
        .route(&format!("{PREFIX}/invocation/next"), get(next))
        .route(&format!("{PREFIX}/invocation/{{id}}/response"), post(response))
        .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(error))
        .route(&format!("{PREFIX}/init/error"), post(init_error))
        .with_state(api);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let port = listener.local_addr()?.port();
    tokio::spawn(async move { axum::serve(listener, router).await });

    let mut driver = Driver {
        port,
        waiting,
        posted,
        invocations: 0,
        settled: 0,
    };
    let mut starts: Vec<Vec<Start>> = subjects.iter().map(|_| Vec::new()).collect();
    // Round by round, so that every function meets the same machine conditions.
    for round in 0..runs {
        for (subject, starts) in subjects.iter().zip(starts.iter_mut()) {
            starts.push(driver.cold_start(subject, warm).await?);
        }
        eprintln!("round {} of {runs} done", round + 1);
    }
    let all = subjects
        .iter()
        .zip(&starts)
        .map(|(subject, starts)| figures(subject, starts))
        .collect::<Result<Vec<_>, _>>()?;
    println!(
        "{} of {} starts began on a quiet machine (the rest waited {SETTLE_LIMIT:?} for it)\n",
        driver.settled,
        runs * subjects.len()
    );
    print_table(&all, runs, warm);
    Ok(())
}
