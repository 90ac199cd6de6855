//! The one error type resolvers return, and its single mapping to GraphQL errors with a string
//! `extensions.code`. Internal causes are logged (inside the request's span, so with its request id)
//! and replaced by a generic message.
//!
//! `AppError` deliberately does not implement `Display`: async-graphql converts any `Display` type
//! into an error without a code, and this keeps that conversion from ever applying to it.

use async_graphql::ErrorExtensions;

use crate::domain::InvalidInput;
use crate::store::StoreError;

pub type AppResult<T> = Result<T, AppError>;

/// Why a presented credential failed, as `extensions.reason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CredentialReason {
    /// The access token expired: `refreshSession` gives a new one.
    Expired,
    /// Malformed, forged, or not for this service: log in again.
    Invalid,
    /// The session ended (logout, password change) or the API token was revoked or outgrew its
    /// maker's role: log in again, or make a new token.
    Revoked,
    /// The token's user (or the session it names) no longer exists.
    UnknownUser,
}

impl CredentialReason {
    pub fn name(self) -> &'static str {
        match self {
            CredentialReason::Expired => "EXPIRED",
            CredentialReason::Invalid => "INVALID",
            CredentialReason::Revoked => "REVOKED",
            CredentialReason::UnknownUser => "UNKNOWN_USER",
        }
    }
}

#[derive(Debug, Clone)]
pub enum AppError {
    Unauthenticated(&'static str),
    /// A credential was presented and failed; `reason` tells a client whether refreshing helps.
    CredentialRefused(CredentialReason, &'static str),
    Forbidden(String),
    /// Also the answer for things in organizations the caller is not a member of. Names the input
    /// field when an ID passed in an input is the thing not found.
    NotFound(Option<&'static str>),
    BadInput {
        field: String,
        message: String,
    },
    Conflict {
        field: Option<String>,
        message: String,
    },
    /// `sendHandoff` met the send gate: everything that stands in the way, as `Handoff.sendBlockers`.
    SendBlocked(Vec<crate::domain::scorecard::SendBlocker>),
    /// An imported file had problems and nothing was written: the first of them, and how many.
    ImportRejected {
        count: u64,
        problems: Vec<crate::domain::import::Problem>,
    },
    /// The database cannot serve right now (HTTP 503); retrying later may succeed.
    Unavailable,
    /// Too many attempts; how long to wait when known.
    RateLimited(Option<std::time::Duration>),
    Internal(std::sync::Arc<dyn std::error::Error + Send + Sync>),
}

impl AppError {
    /// A refused input value; `field` is the input field's name as the client wrote it.
    pub fn bad_input(field: impl Into<String>, message: impl ToString) -> Self {
        Self::BadInput { field: field.into(), message: message.to_string() }
    }

    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> Self {
        Self::Conflict { field: field.map(str::to_owned), message: message.into() }
    }

    pub fn rate_limited(wait: chrono::Duration) -> Self {
        Self::RateLimited(wait.to_std().ok())
    }

    pub fn internal(cause: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self::Internal(std::sync::Arc::new(cause))
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) | Self::CredentialRefused(..) => "UNAUTHENTICATED",
            Self::Forbidden(_) => "FORBIDDEN",
            Self::NotFound(_) => "NOT_FOUND",
            Self::BadInput { .. } | Self::ImportRejected { .. } => "BAD_USER_INPUT",
            Self::Conflict { .. } => "CONFLICT",
            Self::SendBlocked(_) => "SEND_BLOCKED",
            Self::RateLimited(_) => "RATE_LIMITED",
            Self::Unavailable => "SERVICE_UNAVAILABLE",
            Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// The message a client may see.
    pub fn public_message(&self) -> String {
        match self {
            Self::Unauthenticated(why) | Self::CredentialRefused(_, why) => format!("not authenticated: {why}"),
            Self::Forbidden(why) => format!("forbidden: {why}"),
            Self::NotFound(None) => "not found".to_owned(),
            Self::NotFound(Some(field)) => format!("`{field}` names nothing this caller can see"),
            Self::BadInput { field, message } => format!("invalid value for `{field}`: {message}"),
            Self::Conflict { message, .. } => message.clone(),
            Self::SendBlocked(blockers) => crate::domain::scorecard::gate::blocked_message(blockers),
            Self::ImportRejected { count, problems } => {
                let first = problems.first().map_or(String::new(), |p| {
                    let column = p.column.as_deref().map_or(String::new(), |c| format!(", column {c}"));
                    format!("; the first, row {}{column}: {}", p.row, p.message)
                });
                format!("invalid value for `file`: {count} problem(s), nothing was imported{first}")
            }
            Self::RateLimited(None) => "too many requests; try again shortly".to_owned(),
            Self::RateLimited(Some(_)) => {
                format!("too many attempts; try again in {} seconds", self.retry_after_seconds().unwrap_or(1))
            }
            Self::Internal(_) => "internal server error".to_owned(),
            Self::Unavailable => "the service is temporarily unavailable; try again shortly".to_owned(),
        }
    }

    /// Whole seconds to wait before trying again, rounded up, when known.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            Self::RateLimited(Some(wait)) => Some(wait.as_secs_f64().ceil() as u64),
            _ => None,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Self::BadInput { field, .. } => Some(field),
            Self::ImportRejected { .. } => Some("file"),
            Self::Conflict { field, .. } => field.as_deref(),
            Self::NotFound(field) => *field,
            _ => None,
        }
    }
}

/// Lets `?` turn a parse failure into `BAD_USER_INPUT` once the field is named:
/// `Slug::parse(&input.slug).map_err(field("slug"))?`.
pub fn field(name: &'static str) -> impl FnOnce(InvalidInput) -> AppError {
    move |e| AppError::bad_input(name, e)
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => Self::NotFound(None),
            StoreError::Conflict { field, message } => Self::Conflict { field, message },
            StoreError::Db(db) if crate::store::is_unavailable(&db) => {
                tracing::error!(error = %db, "the database is unavailable");
                Self::Unavailable
            }
            StoreError::Db(db) => Self::internal(db),
            corrupt @ StoreError::Corrupt { .. } => Self::internal(corrupt),
        }
    }
}

impl From<crate::auth::password::PasswordError> for AppError {
    fn from(e: crate::auth::password::PasswordError) -> Self {
        match e {
            crate::auth::password::PasswordError::Busy => Self::RateLimited(Some(std::time::Duration::from_secs(1))),
            other => Self::internal(other),
        }
    }
}

impl From<crate::auth::jwt::JwtError> for AppError {
    fn from(e: crate::auth::jwt::JwtError) -> Self {
        Self::internal(e)
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(e: AppError) -> Self {
        if let AppError::Internal(cause) = &e {
            tracing::error!(error = %cause, "internal error while resolving a request");
        }
        let mut err = async_graphql::Error::new(e.public_message());
        err = err.extend_with(|_, ext| {
            ext.set("code", e.code());
            if let Some(field) = e.field() {
                ext.set("field", field);
            }
            if let Some(seconds) = e.retry_after_seconds() {
                ext.set("retryAfterSeconds", seconds);
                ext.set("retryAfter", seconds);
            }
            if let AppError::CredentialRefused(reason, _) = &e {
                ext.set("reason", reason.name());
            }
            if let AppError::ImportRejected { count, problems } = &e {
                ext.set("problemCount", *count);
                ext.set("problems", crate::graphql::imports::problems_extension(problems));
            }
            if let AppError::SendBlocked(blockers) = &e {
                ext.set("blockers", crate::graphql::handoffs::send_gate::extension(blockers));
            }
        });
        err
    }
}
