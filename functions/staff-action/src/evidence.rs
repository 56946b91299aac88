//! Evidence for staff: previews and thumbnails signed for the detail and the queue, and an
//! original on demand. Previews are derived copies and free to look at; every link to an
//! original is a custody entry, written before the link is answered.

use shared::adapters::dynamo::ReportRecord;
use shared::app::App;
use shared::domain::report::Report;
use shared::domain::report::custody::{Look, Tail};
use shared::domain::report::preview::Rendition;
use shared::domain::report::questions::SealedFile;
use shared::domain::report::serial::Serial;
use shared::domain::staff::Staff;
use shared::domain::staff::actions::actor;
use shared::domain::time::{format, now_cst};
use shared::domain::views::EvidenceLink;
use shared::domain::views::staff::{PreviewPlan, PreviewView, RenditionLink, preview_plans};
use shared::http::ApiError;
use shared::reads::report::record_in_reach;

/// The time every link of one answer expires at.
pub(crate) fn expiry(app: &App) -> String {
    format(&(now_cst() + chrono::Duration::from_std(app.settings.evidence_url_ttl).unwrap_or_default()))
}

async fn link(app: &App, rendition: &Rendition, expires_at: &str) -> Result<RenditionLink, ApiError> {
    let url = app
        .evidence
        .preview_link(&rendition.key, app.settings.evidence_url_ttl)
        .await?;
    Ok(RenditionLink::new(rendition, url, expires_at.to_owned()))
}

/// Each file's preview for the detail, its links signed (a local computation: no call to S3).
pub(crate) async fn previews(app: &App, report: &Report) -> Result<Vec<PreviewView>, ApiError> {
    let expires_at = expiry(app);
    let mut views = Vec::new();
    for plan in preview_plans(report, &now_cst()) {
        views.push(match plan {
            PreviewPlan::Link { preview, thumbnail } => PreviewView::ready(
                link(app, preview, &expires_at).await?,
                link(app, thumbnail, &expires_at).await?,
            ),
            PreviewPlan::Show(view) => view,
        });
    }
    Ok(views)
}

/// The first photo's thumbnail, for a queue row.
pub(crate) async fn thumbnail(app: &App, report: &Report, expires_at: &str) -> Result<Option<RenditionLink>, ApiError> {
    match preview_plans(report, &now_cst()).first() {
        Some(PreviewPlan::Link { thumbnail, .. }) => Ok(Some(link(app, thumbnail, expires_at).await?)),
        _ => Ok(None),
    }
}

/// `POST /v1/staff/reports/{serial}/evidence/{n}/original`: a link to the sealed original of
/// file `n` (from 1, numbered as `Report::evidence_files`), pinned to its version; the look is in the custody log before the answer.
pub async fn original(app: &App, staff: &Staff, serial: &Serial, n: Option<&str>) -> Result<EvidenceLink, ApiError> {
    let ReportRecord { report, custody, .. } = record_in_reach(app, staff, serial).await?;
    let missing = || ApiError::new(404, "evidence_not_found", "该举证材料不存在");
    let index = n
        .and_then(|n| n.parse::<usize>().ok())
        .and_then(|n| n.checked_sub(1))
        .ok_or_else(missing)?;
    // The report's own files, then those the reporter sent with answers (补充材料).
    let files = report.evidence_files();
    let SealedFile { kind, file, .. } = *files.get(index).ok_or_else(missing)?;
    let look = Look::view(actor(staff, app.directory), file);
    let (url, _) = tokio::try_join!(
        async { Ok::<_, ApiError>(app.evidence.presign_file(file, app.settings.evidence_url_ttl).await?) },
        async {
            let appended = app
                .records
                .append_custody(serial.as_str(), Tail::of(&custody), vec![look], now_cst())
                .await?;
            Ok::<_, ApiError>(appended)
        }
    )?;
    tracing::info!(%serial, n = index + 1, staff = %staff.sub, "original linked");
    Ok(EvidenceLink::new(kind, file, url, expiry(app)))
}
