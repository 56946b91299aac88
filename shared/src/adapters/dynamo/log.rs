//! What the 操作日志 records of one step, in whichever item carries it: an audit entry, a roster
//! change, or a staff member's timeline event (`audit` reads them back).

use crate::domain::staff::Staff;
use aws_sdk_dynamodb::types::AttributeValue;

/// What the 操作日志 records of one step, in whichever item carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The city (or the province) whose supervisors see it.
    pub scope: String,
    /// view, reveal, export, import, action, staff or calendar.
    pub kind: String,
    /// RFC 3339, China time.
    pub at: String,
    pub sub: String,
    pub name: String,
    pub agency_id: String,
    pub detail: String,
    /// The report it concerns, if any.
    pub serial: String,
    /// Orders one person's steps of one kind within a second: the event's number, the roster
    /// entry's or the phones' version; 0 for reads.
    pub seq: u64,
}

impl LogEntry {
    /// The entry for `staff` doing `kind` in `scope`.
    pub fn by(staff: &Staff, scope: &str, kind: &str, at: &str) -> LogEntry {
        LogEntry {
            scope: scope.to_owned(),
            kind: kind.to_owned(),
            at: at.to_owned(),
            sub: staff.sub.clone(),
            name: staff.name.clone(),
            agency_id: staff.agency_id.clone(),
            detail: String::new(),
            serial: String::new(),
            seq: 0,
        }
    }

    /// The attributes that put an item in the `audit_log` index.
    pub(crate) fn attributes(&self) -> Vec<(String, AttributeValue)> {
        [
            ("log_pk", format!("LOG#{}", self.scope)),
            // Time first, so a period is a key range; the rest keeps one second's entries apart.
            (
                "log_sk",
                format!("{}#{}#{}#{}#{:06}", self.at, self.sub, self.kind, self.serial, self.seq),
            ),
            ("log_kind", self.kind.clone()),
            ("log_at", self.at.clone()),
            ("log_sub", self.sub.clone()),
            ("log_name", self.name.clone()),
            ("log_agency", self.agency_id.clone()),
            ("log_detail", self.detail.clone()),
            ("log_serial", self.serial.clone()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), AttributeValue::S(v)))
        .collect()
    }
}
