//! Staff reads that two functions answer: `staff-action` shows them as JSON, `export` writes the
//! same reads as files. Each parses its query string, checks it against the caller's reach, and
//! reads through the adapters.

pub mod audit;
pub mod queue;
pub mod report;
pub mod stats;
