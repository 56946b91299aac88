//! Reading one stream record: which item changed, and the report before and after.

use aws_lambda_events::event::dynamodb::EventRecord;
use shared::domain::report::Report;
use shared::domain::report::timeline::EventKind;
use shared::stream::{image, key_text};

/// What one stream record says about the platform.
#[derive(Debug)]
pub enum Change {
    /// A report item was written: `before` is `None` for a new report.
    Report {
        before: Option<Box<Report>>,
        after: Box<Report>,
    },
    /// A timeline event was added.
    Event(EventKind),
    /// Anything else (SMS records, uploads, quotas, removals): nothing to do.
    Other,
}

/// Reads a record once; an item that cannot be read is an error (the record is retried, then
/// kept by the stream's on-failure destination), never silently skipped.
pub fn read(record: &EventRecord) -> Result<Change, String> {
    if !key_text(record, "pk").is_some_and(|pk| pk.starts_with("REPORT#")) {
        return Ok(Change::Other);
    }
    let sk = key_text(record, "sk").unwrap_or_default();
    if sk == "REPORT" {
        let Some(after) = image(&record.change.new_image)? else {
            return Ok(Change::Other);
        };
        let before = image(&record.change.old_image)?;
        return Ok(Change::Report { before, after });
    }
    if sk.starts_with("EVENT#") && record.event_name == "INSERT" {
        let kind = record
            .change
            .new_image
            .get("kind")
            .cloned()
            .ok_or_else(|| "event without a kind".to_owned())?;
        return serde_dynamo::from_attribute_value(kind)
            .map(Change::Event)
            .map_err(|e| e.to_string());
    }
    Ok(Change::Other)
}
