//! `evidence`: the second consumer of the table's stream, for the work sealing leaves behind,
//! kept off the citizen's request path and sized for it (docs/evidence.md):
//!
//! - a new report's photos get a preview and a thumbnail each, recorded on the report once;
//! - a claimed upload's sealed version is deleted (the sealed copy under `evidence/` stays).
//!
//! Both are safe to repeat: the stream delivers at least once, renditions are overwritten with
//! the same pixels, the previews are recorded only if none are, and deleting a deleted version
//! is no error. A record that fails for the store's sake is retried (batch item failure); a
//! photo that cannot be previewed is recorded as such, with the reason staff then read.

pub mod render;

use aws_lambda_events::event::dynamodb::{Event, EventRecord};
use aws_lambda_events::event::streams::DynamoDbEventResponse;
use render::{Jpeg, render};
use shared::adapters::StoreError;
use shared::adapters::dynamo::Records;
use shared::adapters::s3::EvidenceStore;
use shared::domain::report::Report;
use shared::domain::report::evidence::{EvidenceFile, EvidenceKind, Upload};
use shared::domain::report::preview::{FilePreview, NoPreview, Previews, Rendition, preview_keys};
use shared::domain::time::now_cst;
use shared::stream::{image, key_text};

/// What one stream record asks of this function.
#[derive(Debug)]
pub enum Work {
    /// A report was filed: preview its photos.
    Previews(Box<Report>),
    /// A report claimed an upload: delete the version it sealed.
    Discard { key: String, version_id: String },
    /// Anything else (the template's filter lets little else through).
    Nothing,
}

/// Reads what a record asks; an item that cannot be read is an error, retried, never skipped.
pub fn work(record: &EventRecord) -> Result<Work, String> {
    let (pk, sk) = (key_text(record, "pk").unwrap_or_default(), key_text(record, "sk"));
    match (record.event_name.as_str(), sk) {
        ("INSERT", Some("REPORT")) if pk.starts_with("REPORT#") => Ok(image::<Report>(&record.change.new_image)?
            .filter(|report| report.evidence.is_some() && report.previews.is_none())
            .map_or(Work::Nothing, |report| Work::Previews(Box::new(report)))),
        ("MODIFY", Some("UPLOAD")) => {
            let after = image::<Upload>(&record.change.new_image)?;
            Ok(match after {
                Some(Upload {
                    key,
                    serial: Some(_),
                    version_id: Some(version_id),
                    ..
                }) => Work::Discard { key, version_id },
                _ => Work::Nothing,
            })
        }
        _ => Ok(Work::Nothing),
    }
}

/// The table and the bucket: all this function touches.
pub struct Worker {
    pub records: Records,
    pub store: EvidenceStore,
}

impl Worker {
    pub async fn handle(&self, event: Event) -> DynamoDbEventResponse {
        shared::stream::each_record(&event, |record| self.process(record)).await
    }

    async fn process(&self, record: &EventRecord) -> Result<(), StoreError> {
        let work = work(record).map_err(|detail| StoreError::Corrupt {
            key: record.event_id.clone(),
            detail,
        })?;
        match work {
            Work::Previews(report) => {
                let previews = self.previews(&report).await?;
                let recorded = self.records.record_previews(&report.serial, &previews).await?;
                tracing::info!(recorded, files = previews.files.len(), "previews made");
                Ok(())
            }
            Work::Discard { key, version_id } => {
                self.store.discard_upload(&key, &version_id).await?;
                tracing::info!(%key, "sealed upload deleted");
                Ok(())
            }
            Work::Nothing => Ok(()),
        }
    }

    /// Every file's previews, one photo at a time: one decoded photo in memory at most.
    pub async fn previews(&self, report: &Report) -> Result<Previews, StoreError> {
        let mut files = Vec::new();
        if let Some(evidence) = &report.evidence {
            for file in &evidence.files {
                files.push(self.file_preview(evidence.kind, file).await?);
            }
        }
        Ok(Previews {
            files,
            made_at: now_cst(),
        })
    }

    async fn file_preview(&self, kind: EvidenceKind, file: &EvidenceFile) -> Result<FilePreview, StoreError> {
        if kind == EvidenceKind::Video {
            return Ok(FilePreview::None {
                reason: NoPreview::Video,
            });
        }
        let original = self.store.read_file(file).await?;
        let content_type = file.content_type.clone();
        // Decoding is seconds of CPU: off the runtime's threads (the local server's API shares them).
        let rendered = tokio::task::spawn_blocking(move || render(&original, &content_type))
            .await
            .map_err(|e| StoreError::request("evidence", "render", e))?;
        let rendered = match rendered {
            Ok(rendered) => rendered,
            Err(reason) => {
                tracing::warn!(key = %file.key, ?reason, "no preview");
                return Ok(FilePreview::None { reason });
            }
        };
        let (preview_key, thumbnail_key) = preview_keys(&file.key);
        let (preview, thumbnail) = tokio::try_join!(
            self.store_rendition(preview_key, rendered.preview),
            self.store_rendition(thumbnail_key, rendered.thumbnail),
        )?;
        Ok(FilePreview::Made { preview, thumbnail })
    }

    async fn store_rendition(&self, key: String, jpeg: Jpeg) -> Result<Rendition, StoreError> {
        let size = u64::try_from(jpeg.bytes.len()).unwrap_or(u64::MAX);
        self.store.put_preview(&key, jpeg.bytes).await?;
        Ok(Rendition {
            key,
            width: jpeg.width,
            height: jpeg.height,
            size,
        })
    }
}
