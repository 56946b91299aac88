//! A validated report form and its location: what `input::validate` makes of the wire form and
//! `Report::submit` turns into a report. Depends on neither.

use crate::domain::directory::Assignment;
use crate::domain::report::evidence::EvidenceKind;

/// Where the citizen was when reporting, if they shared it.
pub use crate::domain::geo::Location;

/// A report form that passed every check that needs no store, with its agency chosen. Only
/// `input::validate` builds one (`non_exhaustive`: no literal outside this crate).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Draft {
    pub target: String,
    pub address: String,
    pub category: String,
    pub violation_types: Vec<String>,
    pub content: String,
    pub public: bool,
    pub location: Option<Location>,
    /// The uploads the form cites, checked against the store later.
    pub evidence: Option<(EvidenceKind, Vec<String>)>,
    pub assignment: Assignment,
    /// The notice version the citizen agreed to: always the current one.
    pub notice_version: String,
    /// The suggested institution the citizen chose (an id of the county's registry, checked
    /// against the store later).
    pub institution_id: Option<String>,
}
