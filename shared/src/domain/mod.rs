//! Pure domain: what a report is, who may change it how, and what each audience may see.

pub mod actions;
pub mod agencies;
pub mod calendar;
pub mod catalog;
pub mod deadlines;
pub mod digest;
pub mod dispatch;
pub mod draft;
pub mod error;
pub mod evidence;
pub mod idempotency;
pub mod input;
pub mod institution;
#[cfg(test)]
mod lifecycle_props;
pub mod number;
pub mod open311;
pub mod phone;
pub mod public;
pub mod rating;
pub mod regions;
pub mod repeat;
pub mod report;
pub mod serial;
pub mod spreadsheet;
pub mod staff;
pub mod staff_profile;
pub mod staff_views;
pub mod stats;
pub mod stats_report;
pub mod status;
pub mod templates;
pub mod time;
pub mod timeline;
pub mod views;

pub use error::Rejection;
