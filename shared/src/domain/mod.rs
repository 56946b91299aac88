//! Pure domain: what a report is, who may change it how, and what each audience may see.
//!
//! Folders depend one way, each only on those before it (`tests/layers.rs` checks the order):
//!
//! 1. this root: small shared values ([`time`], [`calendar`], [`digest`], [`number`], [`text`],
//!    the [`Rejection`] every rule answers with);
//! 2. [`directory`]: where things are and who handles them (regions, the catalog, agencies,
//!    dispatch, reply templates);
//! 3. [`registry`]: the training institutions a province knows;
//! 4. [`report`]: the report itself and everything filed with it;
//! 5. [`staff`]: who works reports and the actions they take;
//! 6. [`views`]: what each audience sees (citizen, staff, public board, Open311);
//! 7. [`reporting`]: statistics and the spreadsheets built from them.

pub mod calendar;
pub mod digest;
pub mod error;
pub mod geo;
pub mod number;
pub mod text;
pub mod time;

pub mod directory;
pub mod registry;
pub mod report;
pub mod reporting;
pub mod staff;
pub mod views;

pub use error::Rejection;

/// Properties of the whole lifecycle (submission, every action, the statistics), across folders.
#[cfg(test)]
mod lifecycle_props;
