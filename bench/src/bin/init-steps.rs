//! `init-steps`: what a function's cold start spends its CPU on, step by step, as
//! `shared::http::serve` runs them (telemetry, settings, the SDK configuration, the province's
//! files, the clients). Prints one line of CPU microseconds per step; `scripts/bench-cold`'s
//! environment. Run it many times: each step's first run in a process is the cold one.

use std::time::Duration;

/// This process's CPU time so far (`CLOCK_PROCESS_CPUTIME_ID`: exact to the nanosecond, where
/// `/proc/*/schedstat` of a running thread lags until the next tick).
fn cpu() -> Duration {
    let mut now = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `now` is a valid timespec for the call to fill.
    unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) };
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

/// Minor page faults so far: at a cold start, mostly the first touch of each page of code.
fn minor_faults() -> i64 {
    // SAFETY: zeroed is a valid rusage for the call to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    usage.ru_minflt
}

/// How deep the main thread's stack has been touched (`VmStk`: the stack mapping grows with the
/// deepest touch and stays resident).
fn stack_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("VmStk:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut steps: Vec<(&str, Duration, i64)> = Vec::new();
    // From exec: the loader's relocations and the runtime's start before `main`'s first line.
    let mut last = Duration::ZERO;
    let mut faults_before = 0;
    let mut mark = |name: &'static str, steps: &mut Vec<(&str, Duration, i64)>| {
        let now = cpu();
        let faults = minor_faults();
        steps.push((name, now - last, faults - faults_before));
        last = now;
        faults_before = faults;
    };
    mark("before_main", &mut steps);
    shared::telemetry::init();
    mark("telemetry", &mut steps);
    let settings = shared::app::Settings::from_env().expect("settings");
    mark("settings", &mut steps);
    let sdk = shared::adapters::sdk::load_in_lambda();
    mark("sdk_config", &mut steps);
    let directory = settings.load_province(&sdk).await.expect("province");
    mark("province_files", &mut steps);
    let app = shared::app::App::new(&sdk, settings, directory);
    mark("clients", &mut steps);
    drop(app);
    let line: Vec<String> = steps
        .iter()
        .map(|(n, d, f)| format!("{n}={} {n}_faults={f}", d.as_micros()))
        .collect();
    println!("{} stack_kib={}", line.join(" "), stack_kib());
}
