//! Demo data for a local run: a few answered, published reports on 武汉市's public board, written
//! through the same domain steps and store calls as real ones (one with a photo, sealed as
//! submit seals one). Seeding twice changes nothing.

use crate::demo_registry::{DEMO_INSTITUTIONS, demo_name, demo_registry};
use chrono::{DateTime, FixedOffset};
use shared::adapters::StoreError;
use shared::adapters::dynamo::{CreateOutcome, NewReport, SaveOutcome};
use shared::app::App;
use shared::domain::Rejection;
use shared::domain::directory::catalog::Catalog;
use shared::domain::registry::institution::Institution;
use shared::domain::report::custody::{CustodyEntry, seal_entry};
use shared::domain::report::deadlines::Deadlines;
use shared::domain::report::device::read_claim;
use shared::domain::report::evidence::{Evidence, EvidenceFile, EvidenceKind, UPLOAD_PREFIX, Upload};
use shared::domain::report::input::{ReportInput, validate};
use shared::domain::report::phone::Phone;
use shared::domain::report::serial::Serial;
use shared::domain::report::timeline::{Actor, Event};
use shared::domain::report::{Finding, Report, Reporter};
use shared::domain::time::now_cst;
use thiserror::Error;

#[derive(Debug, Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("demo report is invalid: {0}")]
    Invalid(#[from] Rejection),
    #[error("demo report {0} could not be written")]
    Write(String),
    #[error("the demo registry is invalid: {0:?}")]
    Registry(Vec<shared::domain::registry::import::RowError>),
}

struct Demo {
    serial: &'static str,
    submitted: &'static str,
    county: &'static str,
    category: &'static str,
    violation: &'static str,
    /// The demo registry institution it names (`registry::DEMO_INSTITUTIONS`), if any.
    institution: Option<usize>,
    /// It carries `DEMO_PHOTO`, sealed: the staff detail's preview, 查看原图 and 导出证据包 have
    /// something to show locally, and the OpenAPI contract reaches an original.
    photo: bool,
    finding: Finding,
    reply: &'static str,
    replied: &'static str,
}

/// Modelled on the manual's screens (serials and times as shown there).
const DEMOS: [Demo; 4] = [
    Demo {
        serial: "221215164056656",
        submitted: "2022-12-15T16:40:56+08:00",
        county: "420106",
        category: "academic",
        violation: "unlicensed",
        institution: Some(0),
        photo: false,
        finding: Finding::Substantiated,
        reply: "经核查投诉属实,已于2022-12-15进行查处",
        replied: "2022-12-15T18:20:00+08:00",
    },
    Demo {
        serial: "221215170850330",
        submitted: "2022-12-15T17:08:50+08:00",
        county: "420111",
        category: "academic",
        violation: "disguised",
        institution: Some(2),
        photo: false,
        finding: Finding::Partly,
        reply: "经核查,该托管班存在部分学科类培训内容,已责令整改",
        replied: "2022-12-19T10:00:00+08:00",
    },
    Demo {
        serial: "221219151140900",
        submitted: "2022-12-19T15:11:40+08:00",
        county: "420103",
        category: "arts",
        violation: "prepayment",
        institution: None,
        photo: false,
        finding: Finding::Unsubstantiated,
        reply: "经核查,该机构已通过监管账户收费,投诉不属实",
        replied: "2022-12-21T16:30:00+08:00",
    },
    Demo {
        serial: "221220093015120",
        submitted: "2022-12-20T09:30:15+08:00",
        county: "420102",
        category: "sports",
        violation: "holiday",
        institution: None,
        photo: true,
        finding: Finding::Substantiated,
        reply: "经核查投诉属实,已依法责令停止违规培训并予以警告",
        replied: "2022-12-22T11:00:00+08:00",
    },
];

fn at(text: &str) -> Result<DateTime<FixedOffset>, SeedError> {
    DateTime::parse_from_rfc3339(text).map_err(|_| SeedError::Write(text.to_owned()))
}

/// The demo photo (64 × 48, no EXIF).
const DEMO_PHOTO: &[u8] = include_bytes!("../data/demo-photo.jpg");

/// Uploads the demo photo as a citizen would and seals it as submit does (copy, SHA-256, lock).
async fn demo_evidence(app: &App, serial: &str, at: DateTime<FixedOffset>) -> Result<Evidence, SeedError> {
    let key = format!("{UPLOAD_PREFIX}demo-{serial}.jpg");
    let put = app
        .evidence
        .client()
        .put_object()
        .bucket(app.evidence.bucket())
        .key(&key)
        .content_type("image/jpeg")
        .body(DEMO_PHOTO.to_vec().into())
        .send()
        .await
        .map_err(|e| StoreError::call("s3", "put_object", e))?;
    let version = put.version_id().ok_or_else(|| SeedError::Write(key.clone()))?;
    let retain_until = app
        .settings
        .evidence_lock_days
        .map(|days| now_cst() + chrono::Duration::days(i64::from(days)));
    let copy = app
        .evidence
        .seal(&key, version, retain_until)
        .await?
        .ok_or_else(|| SeedError::Write(key.clone()))?;
    let upload = Upload {
        key,
        owner: String::new(),
        kind: EvidenceKind::Image,
        content_type: "image/jpeg".into(),
        size: DEMO_PHOTO.len() as u64,
        created_at: at,
        serial: None,
        version_id: None,
    };
    Ok(Evidence {
        kind: EvidenceKind::Image,
        files: vec![EvidenceFile::sealed(&upload, copy, read_claim(DEMO_PHOTO), at)],
    })
}

/// A demo report's first write: no idempotency key, no uploads, no daily limit.
pub(crate) fn demo_report<'a>(
    report: &'a Report,
    event: &'a Event,
    seal: Option<&'a CustodyEntry>,
    quota_day: &'a str,
) -> NewReport<'a> {
    NewReport {
        report,
        event,
        seal,
        idempotency: None,
        uploads: &[],
        owner: "",
        quota_day,
        quota_limit: u32::MAX,
        now_epoch: report.created_at.timestamp(),
    }
}

/// Saves one step of a demo report, retrying while other writers hold the same counters.
pub(crate) async fn save_step(app: &App, before: &Report, next: (Report, Event)) -> Result<Report, SeedError> {
    let (report, event) = next;
    for attempt in 0..20u64 {
        match app.records.save(before, &report, &event).await? {
            SaveOutcome::Saved => return Ok(report),
            SaveOutcome::Contended => tokio::time::sleep(std::time::Duration::from_millis(5 * (attempt + 1))).await,
            SaveOutcome::Stale => break,
        }
    }
    Err(SeedError::Write(report.serial.to_string()))
}

/// Writes the demo registry and the demo reports that are not there yet; returns how many
/// reports were written.
pub async fn seed(app: &App) -> Result<usize, SeedError> {
    let registry = demo_registry(&app.directory.regions).map_err(SeedError::Registry)?;
    app.records.save_institutions(&registry).await?;
    let reporter = Reporter {
        sub: "demo-citizen".into(),
        name: "演示用户".into(),
        phone: Phone::new("13800000000"),
    };
    let mut written = 0;
    for demo in &DEMOS {
        // The demo reports are Hubei's (the manual's screens); another province gets none.
        if app.directory.regions.get(demo.county).is_none() {
            continue;
        }
        let institution = demo.institution.and_then(|n| {
            let name = demo_name(DEMO_INSTITUTIONS[n].0);
            registry.iter().find(|i| i.county == demo.county && i.name == name)
        });
        let input = ReportInput {
            target: Some(institution.map_or("某某教育咨询有限公司".into(), |i| i.name.clone())),
            city: Some("420100".into()),
            county: Some(demo.county.into()),
            address: Some("演示地址1号".into()),
            category: Some(demo.category.into()),
            violation_types: Some(vec![demo.violation.into()]),
            content: Some("演示数据:该机构在周末组织培训。".into()),
            public: Some(true),
            evidence: None,
            location: None,
            notice_version: Some(Catalog::get().notice.version.clone()),
            institution_id: None,
        };
        let draft = validate(&input, app.directory)?;
        let submitted = at(demo.submitted)?;
        let serial = Serial::parse(demo.serial).ok_or_else(|| SeedError::Write(demo.serial.into()))?;
        let deadlines = Deadlines::new(&app.settings.deadlines, app.holidays.base(), &submitted, submitted);
        // Sealed only for a report not written yet: a second start seals nothing more.
        let evidence = if demo.photo && app.records.report(&serial).await?.is_none() {
            Some(demo_evidence(app, demo.serial, submitted).await?)
        } else {
            None
        };
        let (mut report, event) = Report::submit(serial, draft, reporter.clone(), evidence, deadlines, submitted);
        report.institution = institution.map(Institution::reference);
        let seal = report.evidence.as_ref().and_then(|e| seal_entry(demo.serial, e));
        match app
            .records
            .create_report(&demo_report(&report, &event, seal.as_ref(), "demo"))
            .await?
        {
            CreateOutcome::Created => {}
            CreateOutcome::SerialTaken => continue,
            _ => return Err(SeedError::Write(demo.serial.into())),
        }
        let agency = &report.assignment;
        let staff = Actor::staff("演示工作人员", &agency.agency_id, &agency.agency_name);
        let replied = at(demo.replied)?;
        let accepted = save_step(app, &report, report.accept(staff.clone(), submitted)?).await?;
        let answered = save_step(
            app,
            &accepted,
            accepted.reply(staff.clone(), demo.finding, demo.reply, replied)?,
        )
        .await?;
        save_step(app, &answered, answered.publish(staff, None, replied)?).await?;
        written += 1;
    }
    Ok(written)
}
