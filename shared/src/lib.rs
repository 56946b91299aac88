//! The common crate of every Suishoupai function.
//!
//! - [`domain`]: pure rules (no AWS types); almost all unit tests live there.
//! - [`adapters`]: one module per AWS service, the only code that speaks to it.
//! - [`http`]: request parsing, caller identity, one JSON error shape.
//! - [`app`]: the clients and settings a function builds once at cold start.
//! - [`reads`]: staff reads that both `staff-action` and `export` answer.

pub mod adapters;
pub mod app;
pub mod domain;
pub mod http;
pub mod reads;
pub mod routes;
pub mod stream;
pub mod telemetry;
