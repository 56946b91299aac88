//! Who may call which staff route: every route × every kind of caller, against one report in
//! 武昌区 (武汉市) and one in 黄石港区 (黄石市). A failure names the route and the caller.

use crate::harness::{Caller, Env, Reply, placed};
use serde_json::json;
use shared::domain::report::serial::Serial;
use std::sync::atomic::{AtomicU32, Ordering};

/// The kinds of caller, relative to a report in 武昌区 on an academic matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    TheAgencysHandler,
    AnotherRegionsHandler,
    AnotherDepartmentsHandler,
    TheCitysSupervisor,
    AnotherCitysSupervisor,
    TheProvincesSupervisor,
    TheReporter,
    Nobody,
    /// A staff token claiming the province, for someone not on the roster.
    OffTheRoster,
    /// The agency's handler, disabled on the roster.
    Disabled,
}

impl Who {
    const ALL: [Who; 10] = [
        Who::TheAgencysHandler,
        Who::AnotherRegionsHandler,
        Who::AnotherDepartmentsHandler,
        Who::TheCitysSupervisor,
        Who::AnotherCitysSupervisor,
        Who::TheProvincesSupervisor,
        Who::TheReporter,
        Who::Nobody,
        Who::OffTheRoster,
        Who::Disabled,
    ];

    /// Staff the roster lets in.
    fn is_staff(self) -> bool {
        !matches!(self, Who::TheReporter | Who::Nobody) && !self.is_refused_staff()
    }

    /// Staff tokens the roster refuses, whatever their claims.
    fn is_refused_staff(self) -> bool {
        matches!(self, Who::OffTheRoster | Who::Disabled)
    }

    fn is_supervisor(self) -> bool {
        matches!(
            self,
            Who::TheCitysSupervisor | Who::AnotherCitysSupervisor | Who::TheProvincesSupervisor
        )
    }

    /// Whether the report in 武昌区 is within the caller's reach.
    fn reaches_wuchang(self) -> bool {
        matches!(
            self,
            Who::TheAgencysHandler | Who::TheCitysSupervisor | Who::TheProvincesSupervisor
        )
    }

    /// Whether the report in 黄石港区 (黄石市) is within the caller's reach.
    fn reaches_huangshi(self) -> bool {
        matches!(
            self,
            Who::AnotherRegionsHandler | Who::AnotherCitysSupervisor | Who::TheProvincesSupervisor
        )
    }

    /// Whether 武汉市's figures are the caller's to see.
    fn supervises_wuhan(self) -> bool {
        matches!(self, Who::TheCitysSupervisor | Who::TheProvincesSupervisor)
    }

    async fn caller(self, env: &Env, reporter: &Caller) -> Option<Caller> {
        Some(match self {
            Who::TheAgencysHandler => env.handler("420106-education").await,
            Who::AnotherRegionsHandler => env.handler("420202-education").await,
            Who::AnotherDepartmentsHandler => env.handler("420106-science").await,
            Who::TheCitysSupervisor => env.city_supervisor("420100").await,
            Who::AnotherCitysSupervisor => env.city_supervisor("420200").await,
            Who::TheProvincesSupervisor => env.province_supervisor().await,
            Who::TheReporter => reporter.clone(),
            Who::Nobody => return None,
            Who::OffTheRoster => env.staff_token("province", "", "420000"),
            Who::Disabled => {
                let handler = env.handler("420106-education").await;
                let province = env.province_supervisor().await;
                let path = format!("/v1/staff/roster/{}", handler.sub);
                let off = env.post(&path, &province, &json!({"enabled": false})).await;
                assert_eq!(off.status, 200, "{}", off.text);
                handler
            }
        })
    }
}

/// The staff routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Route {
    Queue,
    Detail,
    Note,
    Package,
    Stats,
    WuhanStats,
    Export,
    StatsExport,
    WuhanStatsExport,
    Templates,
    Me,
    Roster,
    AuditLog,
    AuditExport,
    Calendar,
    CalendarYear,
}

impl Route {
    const ALL: [Route; 16] = [
        Route::Queue,
        Route::Detail,
        Route::Note,
        Route::Package,
        Route::Stats,
        Route::WuhanStats,
        Route::Export,
        Route::StatsExport,
        Route::WuhanStatsExport,
        Route::Templates,
        Route::Me,
        Route::Roster,
        Route::AuditLog,
        Route::AuditExport,
        Route::Calendar,
        Route::CalendarYear,
    ];

    fn path(self, report: &Serial) -> String {
        match self {
            Route::Queue => "/v1/staff/reports".into(),
            Route::Detail => format!("/v1/staff/reports/{report}"),
            Route::Note => format!("/v1/staff/reports/{report}/actions"),
            Route::Package => format!("/v1/staff/reports/{report}/package"),
            Route::Stats => "/v1/staff/stats".into(),
            Route::WuhanStats => "/v1/staff/stats?region=420100".into(),
            Route::Export => "/v1/staff/export".into(),
            Route::StatsExport => "/v1/staff/stats/export".into(),
            Route::WuhanStatsExport => "/v1/staff/stats/export?region=420100".into(),
            Route::Templates => "/v1/staff/templates".into(),
            Route::Me => "/v1/staff/me".into(),
            Route::Roster => "/v1/staff/roster".into(),
            Route::AuditLog => "/v1/staff/audit".into(),
            Route::AuditExport => "/v1/staff/audit/export".into(),
            Route::Calendar => "/v1/staff/calendar".into(),
            Route::CalendarYear => format!("/v1/staff/calendar/{}", next_year()),
        }
    }

    /// What `who` gets: a staff token the roster refuses 403, anyone else but staff 401; a report
    /// out of reach 404 (not even its existence is told); another region's figures, or the roster
    /// to a handler, 403; everything of one's own 200 (but a package of a report without
    /// evidence, 409).
    fn expected_status(self, who: Who) -> u16 {
        match self {
            _ if who.is_refused_staff() => 403,
            _ if !who.is_staff() => 401,
            Route::Roster if !who.is_supervisor() => 403,
            Route::CalendarYear if who != Who::TheProvincesSupervisor => 403,
            Route::Detail | Route::Note | Route::Package if !who.reaches_wuchang() => 404,
            Route::Package => 409,
            Route::WuhanStats | Route::WuhanStatsExport if !who.supervises_wuhan() => 403,
            _ => 200,
        }
    }

    async fn call(self, env: &Env, report: &Serial, caller: Option<&Caller>) -> Reply {
        let token = caller.map(|c| c.token.as_str());
        let path = self.path(report);
        match self {
            Route::Note => {
                let version = env.stored(report).await.version;
                let note = json!({"action": "note", "version": version, "text": "核查中"});
                env.call("POST", &path, token, Some(&note)).await
            }
            Route::Package => env.call("POST", &path, token, Some(&json!({}))).await,
            Route::CalendarYear => {
                // A different entry each time, so that none is refused as no change.
                static ENTRIES: AtomicU32 = AtomicU32::new(1);
                let day = ENTRIES.fetch_add(1, Ordering::Relaxed) % 28 + 1;
                let year = next_year();
                let entry =
                    json!({"holidays": [format!("{year}-01-01"), format!("{year}-03-{day:02}")], "workdays": []});
                env.call("POST", &path, token, Some(&entry)).await
            }
            _ => env.get(&path, token).await,
        }
    }
}

fn next_year() -> i32 {
    chrono::Datelike::year(&shared::domain::time::now_cst()) + 1
}

struct Reports {
    reporter: Caller,
    wuchang: Serial,
    huangshi: Serial,
}

async fn two_cities_reports(env: &Env) -> Reports {
    let reporter = env.citizen();
    let wuchang = env.submit(&reporter, |_| {}).await;
    let huangshi = env.submit(&env.citizen(), placed("420200", "420202", "academic")).await;
    Reports {
        reporter,
        wuchang,
        huangshi,
    }
}

#[tokio::test]
async fn each_staff_route_answers_each_caller_as_its_reach_allows() {
    let env = Env::new().await;
    let reports = two_cities_reports(&env).await;
    let mut wrong = Vec::new();
    for who in Who::ALL {
        let caller = who.caller(&env, &reports.reporter).await;
        for route in Route::ALL {
            let reply = route.call(&env, &reports.wuchang, caller.as_ref()).await;
            let expected = route.expected_status(who);
            if reply.status != expected {
                wrong.push(format!(
                    "{route:?} as {who:?}: {} (expected {expected}) {}",
                    reply.status, reply.text
                ));
            } else if expected >= 400 {
                reply.error_code(expected);
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn each_staff_caller_lists_and_exports_only_the_reports_in_its_reach() {
    let env = Env::new().await;
    let reports = two_cities_reports(&env).await;
    let mut wrong = Vec::new();
    for who in Who::ALL.into_iter().filter(|w| w.is_staff()) {
        let caller = who.caller(&env, &reports.reporter).await.expect("staff");
        let queue = env.get("/v1/staff/reports", Some(&caller)).await.serials();
        let export = env.get("/v1/staff/export", Some(&caller)).await.text;
        let seen = [
            ("the queue", "武昌区", queue.contains(&reports.wuchang)),
            ("the queue", "黄石港区", queue.contains(&reports.huangshi)),
            ("the export", "武昌区", export.contains(reports.wuchang.as_str())),
        ];
        for (route, report, found) in seen {
            let expected = match report {
                "武昌区" => who.reaches_wuchang(),
                _ => who.reaches_huangshi(),
            };
            if found != expected {
                wrong.push(format!(
                    "{route} as {who:?}: {report}'s report found {found}, expected {expected}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}

#[tokio::test]
async fn every_staff_caller_has_somewhere_to_hand_a_report_on_to() {
    let env = Env::new().await;
    let reporter = env.citizen();
    for who in Who::ALL.into_iter().filter(|w| w.is_staff()) {
        let caller = who.caller(&env, &reporter).await.expect("staff");
        let me = env.get("/v1/staff/me", Some(&caller)).await;
        let targets = me.body["transfer_targets"].as_array().map(Vec::len).unwrap_or_default();
        assert!(targets > 0, "{who:?}: {}", me.text);
    }
}

#[tokio::test]
async fn each_staff_caller_finds_in_the_audit_log_only_the_steps_in_its_reach() {
    let env = Env::new().await;
    let reports = two_cities_reports(&env).await;
    // The 武昌区 handler opens the 武昌区 report; 黄石市's supervisor exports 黄石市's queue.
    let viewer = env.handler("420106-education").await;
    assert_eq!(
        env.get(&format!("/v1/staff/reports/{}", reports.wuchang), Some(&viewer))
            .await
            .status,
        200
    );
    let exporter = env.city_supervisor("420200").await;
    assert_eq!(env.get("/v1/staff/export", Some(&exporter)).await.status, 200);
    let mut wrong = Vec::new();
    for who in Who::ALL.into_iter().filter(|w| w.is_staff()) {
        let caller = who.caller(&env, &reports.reporter).await.expect("staff");
        let log = env.get("/v1/staff/audit", Some(&caller)).await;
        let entries = log.body["items"].as_array().cloned().unwrap_or_default();
        let found = |kind: &str, sub: &str| entries.iter().any(|e| e["kind"] == kind && e["sub"] == sub);
        let seen = [
            ("the 武昌区 view", found("view", &viewer.sub), who.supervises_wuhan()),
            (
                "黄石市's export",
                found("export", &exporter.sub),
                matches!(who, Who::AnotherCitysSupervisor | Who::TheProvincesSupervisor),
            ),
        ];
        for (step, found, expected) in seen {
            if found != expected {
                wrong.push(format!("{who:?}: {step} found {found}, expected {expected}"));
            }
        }
    }
    assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
}
