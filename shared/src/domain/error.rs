//! Why the domain refuses a request. The HTTP layer maps each variant to one status code.

use thiserror::Error;

/// A refusal the caller can act on; `message` is Chinese because users read it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Rejection {
    /// Input that breaks a rule (400). `field` names the JSON path at fault.
    #[error("invalid {field}: {message}")]
    Invalid { field: String, message: String },
    /// Input over a size limit (413).
    #[error("too large {field}: {message}")]
    TooLarge { field: String, message: String },
    /// The request conflicts with the report's current state (409).
    #[error("conflict {code}: {message}")]
    Conflict { code: &'static str, message: String },
    /// The caller may see the report but not do this to it (403).
    #[error("forbidden: {message}")]
    Forbidden { message: String },
    /// Nothing the caller may see exists here (404).
    #[error("not found")]
    NotFound,
    /// The caller has used up a quota (429).
    #[error("quota exceeded: {message}")]
    Quota { message: String },
}

impl Rejection {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn too_large(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::TooLarge {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::Forbidden {
            message: message.into(),
        }
    }

    pub fn conflict(code: &'static str, message: impl Into<String>) -> Self {
        Self::Conflict {
            code,
            message: message.into(),
        }
    }
}
