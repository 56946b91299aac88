//! A province's year of demo reports (`scripts/seed-year`): N reports over the twelve months
//! before now, across every county and category, each written and moved on through the domain
//! and the store exactly as real ones are. Each report's life is drawn at random (a fixed seed,
//! so runs repeat): signed within hours (some late), sometimes handed on to a neighbouring county,
//! replied within days (some late), published when the reporter allowed it, rated, and urged when
//! overdue; a life stops at the present, so recent reports are still 待受理 or 处理中, and a few
//! older ones are stuck, overdue.

use crate::demo_registry::{demo_name, demo_registry};
use crate::seed::{SeedError, demo_report, save_step};
use chrono::{DateTime, Duration, FixedOffset};
use futures::stream::{self, StreamExt};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use shared::adapters::dynamo::CreateOutcome;
use shared::app::App;
use shared::domain::directory::catalog::Catalog;
use shared::domain::registry::institution::{Institution, InstitutionRef};
use shared::domain::report::deadlines::Deadlines;
use shared::domain::report::input::{ReportInput, validate};
use shared::domain::report::measures::Measure;
use shared::domain::report::phone::Phone;
use shared::domain::report::rating::Stars;
use shared::domain::report::serial::Serial;
use shared::domain::report::{Finding, Report, Reporter};
use shared::domain::staff::actions::{Action, Target, apply};
use shared::domain::staff::{Staff, StaffRole};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What a seeding run wrote, by where each report ended.
#[derive(Debug, Default)]
pub struct YearSummary {
    pub written: usize,
    pub pending: usize,
    pub processing: usize,
    pub replied: usize,
    pub published: usize,
    pub rated: usize,
    pub transferred: usize,
}

const TARGETS: [&str; 12] = [
    "启智教育咨询有限公司",
    "博学文化传播有限公司",
    "金榜教育科技有限公司",
    "小状元托管中心",
    "思维训练工作室",
    "阳光艺术培训中心",
    "未来科技编程馆",
    "飞跃体育俱乐部",
    "书香家政服务部",
    "明德学堂",
    "优学一对一辅导",
    "星辰舞蹈工作室",
];
const STREETS: [&str; 8] = [
    "中山路",
    "解放大道",
    "建设路",
    "人民路",
    "胜利街",
    "长江路",
    "光明路",
    "文化路",
];
const CONTENTS: [&str; 6] = [
    "周末在居民楼内组织初中数学培训,约有二十名学生。",
    "寒假期间以托管名义开展语文、英语学科类培训。",
    "未取得办学许可,以教育咨询名义招收小学生补课。",
    "要求家长一次性预交一年学费,未使用监管账户。",
    "在职教师在该机构兼职授课,收取课时费。",
    "以思维训练班名义面向学龄前儿童开展线下学科类培训。",
];
const SURNAMES: [&str; 10] = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴"];
const REPLIES: [(Finding, &str); 3] = [
    (
        Finding::Substantiated,
        "经核查投诉属实,已责令该机构停止违规培训,并依法处理。",
    ),
    (Finding::Partly, "经核查投诉部分属实,已责令该机构限期整改。"),
    (Finding::Unsubstantiated, "经核查,该机构证照齐全、收费合规,投诉不属实。"),
];

fn pick<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.random_range(0..items.len())]
}

fn hours(rng: &mut StdRng, from: f64, to: f64) -> Duration {
    Duration::seconds((rng.random_range(from..to) * 3600.0) as i64)
}

/// A report's life, drawn up front so that concurrent writers stay repeatable.
struct Life {
    input: ReportInput,
    reporter: Reporter,
    submitted: DateTime<FixedOffset>,
    serial_suffix: u16,
    /// Delays from submission; `None` where the life stops.
    transfer_after: Option<Duration>,
    sign_after: Option<Duration>,
    reply_after: Option<Duration>,
    publish_after: Option<Duration>,
    rating: Option<(Stars, Option<&'static str>, Duration)>,
    urge: bool,
    reply: (Finding, &'static str),
    /// The demo registry institution the citizen picked from the suggestions, if they did.
    institution: Option<InstitutionRef>,
}

fn draw(rng: &mut StdRng, app: &App, registry: &[Institution], now: DateTime<FixedOffset>, citizens: usize) -> Life {
    let regions = &app.directory.regions;
    let cities: Vec<_> = regions.cities().collect();
    // 武汉市 carries about a third of the province's reports; the rest spread over the cities.
    let city = if rng.random_bool(0.33) {
        cities[0]
    } else {
        *pick(rng, &cities)
    };
    let county = pick(rng, &regions.counties_of(city)).code.clone();
    let category = match rng.random_range(0..100) {
        0..55 => "academic",
        55..75 => "arts",
        75..90 => "sports",
        _ => "technology",
    };
    let catalog = Catalog::get();
    let mut violations = vec![pick(rng, &catalog.violation_types).code.clone()];
    if rng.random_bool(0.3) {
        let second = pick(rng, &catalog.violation_types).code.clone();
        if !violations.contains(&second) {
            violations.push(second);
        }
    }
    let citizen = rng.random_range(0..citizens.max(1));
    let submitted = {
        let back = Duration::days(rng.random_range(0..365)) + Duration::hours(rng.random_range(0..24));
        let at = now - back;
        // Reports come by day: move night hours into the evening.
        let hour = chrono::Timelike::hour(&at);
        if hour < 8 { at + Duration::hours(12) } else { at }
    }
    .min(now);
    let stuck = rng.random_range(0..100);
    let sign_after = (stuck >= 1).then(|| {
        if rng.random_bool(0.08) {
            hours(rng, 72.0, 140.0)
        } else {
            hours(rng, 0.3, 20.0)
        }
    });
    let reply_after = sign_after.filter(|_| stuck >= 3).map(|signed| {
        signed
            + if rng.random_bool(0.1) {
                hours(rng, 24.0 * 16.0, 24.0 * 25.0)
            } else {
                hours(rng, 20.0, 24.0 * 12.0)
            }
    });
    let public = rng.random_bool(0.6);
    let publish_after = reply_after
        .filter(|_| public && rng.random_bool(0.7))
        .map(|r| r + hours(rng, 0.5, 48.0));
    let rating = reply_after.filter(|_| rng.random_bool(0.45)).and_then(|r| {
        let stars = match rng.random_range(0..100) {
            0..50 => 5,
            50..75 => 4,
            75..87 => 3,
            87..94 => 2,
            _ => 1,
        };
        let comment = rng
            .random_bool(0.3)
            .then(|| *pick(rng, &["处理及时,感谢!", "希望加强监管。", "还没有彻底解决。"]));
        Some((Stars::new(stars)?, comment, r + hours(rng, 1.0, 24.0 * 5.0)))
    });
    // A target the demo registry holds is mostly picked from the suggestions, so linked.
    let mut target = pick(rng, &TARGETS).to_string();
    let institution = registry
        .iter()
        .find(|i| i.county == county && i.name == demo_name(&target))
        .filter(|_| rng.random_bool(0.7))
        .map(Institution::reference);
    if let Some(linked) = &institution {
        target = linked.name.clone();
    }
    Life {
        input: ReportInput {
            target: Some(target),
            city: Some(city.code.clone()),
            county: Some(county),
            address: Some(format!("{}{}号", pick(rng, &STREETS), rng.random_range(1..300))),
            category: Some(category.into()),
            violation_types: Some(violations),
            content: Some(pick(rng, &CONTENTS).to_string()),
            public: Some(public),
            evidence: None,
            location: None,
            notice_version: Some(catalog.notice.version.clone()),
            institution_id: institution.as_ref().map(|i| i.id.clone()),
        },
        reporter: Reporter {
            sub: format!("year-citizen-{citizen}"),
            name: format!("{}市民{citizen}", pick(rng, &SURNAMES)),
            phone: Phone::new(format!("13{:09}", 100_000_000 + citizen)),
        },
        submitted,
        serial_suffix: rng.random_range(0..1000),
        transfer_after: sign_after.filter(|_| rng.random_bool(0.05)).map(|s| s / 2),
        sign_after,
        reply_after,
        publish_after,
        rating,
        urge: rng.random_bool(0.3),
        reply: *pick(rng, &REPLIES),
        institution,
    }
}

fn handler(report: &Report) -> Staff {
    Staff {
        sub: format!("year-{}", report.assignment.agency_id),
        name: "演示工作人员".into(),
        role: StaffRole::Handler,
        agency_id: report.assignment.agency_id.clone(),
        region: report.assignment.county.clone(),
    }
}

fn city_supervisor(report: &Report) -> Staff {
    Staff {
        sub: format!("year-{}", report.assignment.city),
        name: "演示督导".into(),
        role: StaffRole::City,
        agency_id: String::new(),
        region: report.assignment.city.clone(),
    }
}

async fn create(app: &App, life: &Life) -> Result<Option<Report>, SeedError> {
    let draft = validate(&life.input, app.directory)?;
    let deadlines = Deadlines::new(
        &app.settings.deadlines,
        app.holidays.base(),
        &life.submitted,
        life.submitted,
    );
    let stamp = life.submitted.format("%y%m%d%H%M%S").to_string();
    for attempt in 0..40u16 {
        let suffix = (life.serial_suffix + attempt * 37) % 1000;
        let serial = Serial::parse(&format!("{stamp}{suffix:03}")).ok_or_else(|| SeedError::Write(stamp.clone()))?;
        let (mut report, event) = Report::submit(
            serial,
            draft.clone(),
            life.reporter.clone(),
            None,
            deadlines.clone(),
            life.submitted,
        );
        report.institution = life.institution.clone();
        match app
            .records
            .create_report(&demo_report(&report, &event, None, &stamp[..6]))
            .await?
        {
            CreateOutcome::Created => return Ok(Some(report)),
            CreateOutcome::SerialTaken => continue,
            CreateOutcome::Contended => tokio::time::sleep(std::time::Duration::from_millis(5)).await,
            _ => return Err(SeedError::Write(report.serial.to_string())),
        }
    }
    Ok(None)
}

/// One report's life up to `now`; returns where it ended.
async fn live(app: &App, life: Life, now: DateTime<FixedOffset>, summary: &Counters) -> Result<(), SeedError> {
    let Some(mut report) = create(app, &life).await? else {
        return Ok(());
    };
    let written = summary.written.fetch_add(1, Ordering::Relaxed) + 1;
    if written.is_multiple_of(500) {
        // A year takes minutes: show the pace (it falls as the table grows).
        eprintln!(
            "{written} reports written in {:.0} s",
            summary.started.elapsed().as_secs_f64()
        );
    }
    let rules = &app.settings.deadlines;
    let at = |after: Duration| life.submitted + after;
    let step = |report: &Report, staff: &Staff, action: Action, when: DateTime<FixedOffset>| {
        apply(report, staff, &action, app.directory, rules, app.holidays.base(), when)
    };
    if let Some(after) = life.transfer_after.filter(|a| at(*a) <= now) {
        // Handed on to a neighbouring county of the same city, as a handler may.
        let neighbours = app
            .directory
            .regions
            .city_of(&report.assignment.county)
            .map(|city| app.directory.regions.counties_of(city))
            .unwrap_or_default();
        let to = neighbours
            .iter()
            .filter_map(|c| app.directory.agency(&c.code, &report.assignment.department))
            .find(|a| a.id != report.assignment.agency_id);
        if let Some(agency) = to {
            let action = Action::Transfer {
                to: Target::Agency(agency.id),
                reason: "经核实,该机构位于本辖区外".into(),
            };
            let next = step(&report, &handler(&report), action, at(after))?;
            report = save_step(app, &report, next).await?;
            summary.transferred.fetch_add(1, Ordering::Relaxed);
        }
    }
    if let Some(after) = life.sign_after.filter(|a| at(*a) <= now) {
        let next = step(&report, &handler(&report), Action::Accept, at(after))?;
        report = save_step(app, &report, next).await?;
    }
    if life.urge && report.is_overdue(&now) {
        let next = step(
            &report,
            &city_supervisor(&report),
            Action::Urge {
                reason: "请尽快办理".into(),
            },
            now,
        )?;
        report = save_step(app, &report, next).await?;
    }
    if let Some(after) = life.reply_after.filter(|a| at(*a) <= now && life.sign_after.is_some()) {
        let (finding, text) = life.reply;
        let next = step(
            &report,
            &handler(&report),
            Action::Reply {
                finding,
                text: text.into(),
                // A substantiated report's training was ordered to stop (处理措施).
                measures: if finding == Finding::Substantiated {
                    vec![Measure {
                        code: "stop".into(),
                        amount: None,
                        to: None,
                    }]
                } else {
                    Vec::new()
                },
            },
            at(after),
        )?;
        report = save_step(app, &report, next).await?;
    }
    if let Some(after) = life.publish_after.filter(|a| at(*a) <= now && report.reply.is_some()) {
        let next = step(
            &report,
            &handler(&report),
            Action::Publish { public_text: None },
            at(after),
        )?;
        report = save_step(app, &report, next).await?;
        summary.published.fetch_add(1, Ordering::Relaxed);
    }
    if let Some((stars, comment, after)) = life.rating.filter(|r| at(r.2) <= now && report.reply.is_some()) {
        let next = report.rate(stars, comment.map(str::to_owned), at(after))?;
        report = save_step(app, &report, next).await?;
        summary.rated.fetch_add(1, Ordering::Relaxed);
    }
    let counter = match report.status {
        shared::domain::report::status::Status::Pending => &summary.pending,
        shared::domain::report::status::Status::Processing => &summary.processing,
        shared::domain::report::status::Status::Replied => &summary.replied,
    };
    counter.fetch_add(1, Ordering::Relaxed);
    Ok(())
}

struct Counters {
    started: std::time::Instant,
    written: AtomicUsize,
    pending: AtomicUsize,
    processing: AtomicUsize,
    replied: AtomicUsize,
    published: AtomicUsize,
    rated: AtomicUsize,
    transferred: AtomicUsize,
}

/// Writes `reports` reports of the year before `now`, `concurrency` at a time.
pub async fn seed_year(
    app: &App,
    reports: usize,
    concurrency: usize,
    now: DateTime<FixedOffset>,
) -> Result<YearSummary, SeedError> {
    let registry = demo_registry(&app.directory.regions).map_err(SeedError::Registry)?;
    let count = app.records.save_institutions(&registry).await?;
    eprintln!(
        "demo registry: {} institutions ({} added, {} updated)",
        registry.len(),
        count.added,
        count.updated
    );
    let mut rng = StdRng::seed_from_u64(2026);
    let citizens = reports / 3;
    let lives: Vec<Life> = (0..reports)
        .map(|_| draw(&mut rng, app, &registry, now, citizens))
        .collect();
    let counters = Counters {
        started: std::time::Instant::now(),
        written: AtomicUsize::default(),
        pending: AtomicUsize::default(),
        processing: AtomicUsize::default(),
        replied: AtomicUsize::default(),
        published: AtomicUsize::default(),
        rated: AtomicUsize::default(),
        transferred: AtomicUsize::default(),
    };
    let results: Vec<Result<(), SeedError>> = stream::iter(lives)
        .map(|life| live(app, life, now, &counters))
        .buffer_unordered(concurrency.max(1))
        .collect()
        .await;
    if let Some(error) = results.into_iter().find_map(Result::err) {
        return Err(error);
    }
    let get = |c: &AtomicUsize| c.load(Ordering::Relaxed);
    Ok(YearSummary {
        written: get(&counters.written),
        pending: get(&counters.pending),
        processing: get(&counters.processing),
        replied: get(&counters.replied),
        published: get(&counters.published),
        rated: get(&counters.rated),
        transferred: get(&counters.transferred),
    })
}
