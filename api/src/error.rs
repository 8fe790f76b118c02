//! One error type for the whole API, rendered as RFC 9457 problem+json.
//!
//! Each variant names its HTTP status; the `code` is stable and is what clients branch on.
//! Internal errors are logged once, here, with their cause chain, and never shown to clients.

use actix_web::{HttpResponse, ResponseError, http::StatusCode, http::header};
use serde::Serialize;
use utoipa::ToSchema;

pub type AppResult<T> = Result<T, AppError>;

/// A problem with one input field or parameter.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FieldError {
    /// The parameter or field path at fault, e.g. `limit` or `body[2].media_id`.
    #[schema(example = "limit")]
    pub field: String,
    /// What is wrong with it, for humans.
    #[schema(example = "must be an integer from 1 to 100")]
    pub message: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// 400: a parameter cannot be understood (not a number, a forged cursor …).
    #[error("{detail}")]
    BadRequest { code: &'static str, detail: String, errors: Vec<FieldError> },
    /// 401: no valid credentials; the detail says what was wrong with them.
    #[error("{0}")]
    Unauthenticated(&'static str),
    /// 403: the credentials are valid but the role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// 301: the article has a new slug; REST redirects to it, GraphQL follows it.
    #[error("the article moved to `{slug}`")]
    Moved { slug: String },
    /// 404: nothing public answers to this address.
    #[error("{0} not found")]
    NotFound(&'static str),
    /// 405: the path exists but not with this method; `allow` lists the methods it has.
    #[error("method not allowed")]
    MethodNotAllowed { allow: String },
    /// 409: the change conflicts with the current state (a record still in use …).
    #[error("{detail}")]
    Conflict { code: &'static str, detail: String },
    /// 412: the client edited an older version than the stored one.
    #[error("the article changed since version {expected}; it is now at version {current}")]
    StaleVersion { expected: i32, current: i32 },
    /// 428: a write that needs `If-Match` came without it.
    #[error("send the article's ETag in `If-Match` (GraphQL: `expectedVersion`)")]
    VersionRequired,
    /// 429: too many attempts; try again after `retry_after` seconds.
    #[error("too many attempts; try again in {retry_after} seconds")]
    TooManyRequests { retry_after: u64 },
    /// 422: the request is well-formed but names something that does not exist or is
    /// inconsistent (an unknown category, a date range that ends before it starts).
    #[error("{detail}")]
    Unprocessable { code: &'static str, detail: String, errors: Vec<FieldError> },
    /// 413: an upload over the configured limit; nothing was stored.
    #[error("the upload is larger than the limit of {limit} bytes")]
    PayloadTooLarge { limit: u64 },
    /// 415: a file whose bytes are not an accepted type; nothing was stored.
    #[error("{0}")]
    UnsupportedMedia(String),
    /// 503: a dependency (the database) is down or dropped the connection; worth retrying.
    #[error("service unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// 500: a bug or an unexpected failure; details go to the log only.
    #[error("internal error")]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 400 for one bad parameter.
    pub fn bad_param(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        AppError::BadRequest {
            code: "invalid_parameter",
            detail: format!("parameter `{field}` {message}"),
            errors: vec![FieldError { field: field.to_owned(), message }],
        }
    }

    /// A 422 listing every invalid field of a submitted document.
    pub fn invalid_fields(errors: Vec<FieldError>) -> Self {
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        AppError::Unprocessable {
            code: "validation_failed",
            detail: format!("invalid fields: {}", fields.join(", ")),
            errors,
        }
    }

    /// A 422 for a parameter naming something unknown.
    pub fn unknown_value(field: &str, value: &str) -> Self {
        let message = format!("no {field} named `{value}`");
        AppError::Unprocessable {
            code: "unknown_filter_value",
            detail: message.clone(),
            errors: vec![FieldError { field: field.to_owned(), message }],
        }
    }

    /// The stable machine-readable code shared by REST and GraphQL.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::BadRequest { code, .. } | AppError::Unprocessable { code, .. } => code,
            AppError::Unauthenticated(_) => "unauthenticated",
            AppError::Forbidden(_) => "forbidden",
            AppError::Moved { .. } => "moved",
            AppError::NotFound(_) => "not_found",
            AppError::MethodNotAllowed { .. } => "method_not_allowed",
            AppError::Conflict { code, .. } => code,
            AppError::StaleVersion { .. } => "version_conflict",
            AppError::VersionRequired => "version_required",
            AppError::TooManyRequests { .. } => "rate_limited",
            AppError::PayloadTooLarge { .. } => "payload_too_large",
            AppError::UnsupportedMedia(_) => "unsupported_media_type",
            AppError::Unavailable(_) => "unavailable",
            AppError::Internal(_) => "internal",
        }
    }

    fn title(&self) -> &'static str {
        match self {
            AppError::BadRequest { .. } => "Bad request",
            AppError::Unauthenticated(_) => "Unauthenticated",
            AppError::Forbidden(_) => "Forbidden",
            AppError::Moved { .. } => "Moved permanently",
            AppError::NotFound(_) => "Not found",
            AppError::MethodNotAllowed { .. } => "Method not allowed",
            AppError::Conflict { .. } => "Conflict",
            AppError::StaleVersion { .. } => "Precondition failed",
            AppError::VersionRequired => "Precondition required",
            AppError::TooManyRequests { .. } => "Too many requests",
            AppError::PayloadTooLarge { .. } => "Payload too large",
            AppError::UnsupportedMedia(_) => "Unsupported media type",
            AppError::Unprocessable { .. } => "Unprocessable request",
            AppError::Unavailable(_) => "Service unavailable",
            AppError::Internal(_) => "Internal server error",
        }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(err: sea_orm::DbErr) -> Self {
        if lost_connection(&err) {
            AppError::Unavailable(anyhow::Error::new(err).context("the database could not be reached"))
        } else {
            AppError::Internal(anyhow::Error::new(err).context("database query failed"))
        }
    }
}

/// Whether a database error says the connection failed rather than the statement: a restart,
/// a failover or an administrator closed it, or none could be had in time. Pooled connections
/// are not checked before each use (see [`crate::db`]), so a request can meet one the server
/// closed; it gets a 503 to retry, and the pool replaces the connection.
fn lost_connection(err: &sea_orm::DbErr) -> bool {
    use sea_orm::{DbErr, RuntimeErr, sqlx::Error};
    let sqlx_error = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e,
        _ => return false,
    };
    match &**sqlx_error {
        Error::Io(_) | Error::PoolTimedOut | Error::PoolClosed | Error::WorkerCrashed => true,
        // SQLSTATE class 08 is "connection exception", 57P "operator intervention" (shutdown,
        // crash recovery, a terminated backend).
        Error::Database(e) => e.code().is_some_and(|code| code.starts_with("08") || code.starts_with("57P")),
        _ => false,
    }
}

/// The problem+json document (RFC 9457) every error answers with.
#[derive(Serialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem; stable, one per `code`.
    #[schema(example = "urn:bantin:problem:invalid_parameter")]
    #[serde(rename = "type")]
    pub kind: String,
    /// Short human summary of the kind of problem.
    #[schema(example = "Bad request")]
    pub title: &'static str,
    /// The HTTP status code.
    #[schema(example = 400)]
    pub status: u16,
    /// What went wrong in this occurrence.
    #[schema(example = "parameter `limit` must be an integer from 1 to 100")]
    pub detail: String,
    /// Stable machine-readable code (the same in GraphQL `extensions.code`).
    #[schema(example = "invalid_parameter")]
    pub code: &'static str,
    /// The fields or parameters at fault, when there are any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::Moved { .. } => StatusCode::MOVED_PERMANENTLY,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::StaleVersion { .. } => StatusCode::PRECONDITION_FAILED,
            AppError::VersionRequired => StatusCode::PRECONDITION_REQUIRED,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMedia(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        let detail = match self {
            AppError::Internal(cause) => {
                tracing::error!(error = ?cause, "request failed");
                "the server failed to answer; the error has been logged".to_owned()
            }
            AppError::Unavailable(cause) => {
                tracing::warn!(error = ?cause, "dependency unavailable");
                "a dependency of the server is unavailable".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match self {
            AppError::BadRequest { errors, .. } | AppError::Unprocessable { errors, .. } => errors.clone(),
            _ => Vec::new(),
        };
        let problem = Problem {
            kind: format!("urn:bantin:problem:{}", self.code()),
            title: self.title(),
            status: status.as_u16(),
            detail,
            code: self.code(),
            errors,
        };
        let mut response = HttpResponse::build(status);
        response.insert_header((header::CONTENT_TYPE, "application/problem+json"));
        response.insert_header((header::CACHE_CONTROL, "no-store"));
        match self {
            AppError::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.as_str()));
            }
            AppError::Unauthenticated(_) => {
                response.insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"bantin\""));
            }
            AppError::Moved { slug } => {
                response.insert_header((header::LOCATION, format!("/api/v1/articles/{slug}")));
            }
            AppError::TooManyRequests { retry_after } => {
                response.insert_header((header::RETRY_AFTER, retry_after.to_string()));
            }
            AppError::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            _ => {}
        }
        response.body(serde_json::to_vec(&problem).unwrap_or_default())
    }
}
