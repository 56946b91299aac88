//! HTTP glue: parsing with limits, the caller's identity from the authorizer's claims, and one
//! error type rendered as one JSON shape `{"code","message"}`.

pub mod error;
pub mod identity;
pub mod request;
pub mod response;
pub mod serve;
pub mod span;

pub use error::ApiError;
pub use lambda_http::{Body, Request, Response};
