//! Pure domain: what a report is, who may change it how, and what each audience may see.

pub mod catalog;
pub mod dispatch;
pub mod error;
pub mod evidence;
pub mod idempotency;
pub mod input;
pub mod public;
pub mod rating;
pub mod regions;
pub mod report;
pub mod serial;
pub mod status;
pub mod time;
pub mod timeline;
pub mod views;

pub use error::Rejection;
