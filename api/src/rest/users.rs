//! `/api/v1/users` (admins manage accounts) and `/api/v1/audit` (admins read the trail).

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, patch, post, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{body::JsonObject, respond::private_json};
use crate::{
    auth,
    error::{AppError, AppResult, Problem},
    services::{
        audit::{self, AuditEntry},
        users::{self, NewUser, User, UserChanges},
    },
    state::AppState,
};

/// List newsroom accounts (admins).
#[utoipa::path(
    operation_id = "list_users",
    tag = "users",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Every account", body = Vec<User>),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    private_json(&users::list(&state, &actor).await?)
}

/// Create a newsroom account (admins).
#[utoipa::path(
    operation_id = "create_user",
    tag = "users",
    security(("bearer" = [])),
    request_body = NewUser,
    responses(
        (status = 201, description = "The account", body = User),
        (status = 400, description = "The body is not an account", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The email is taken", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonObject<NewUser>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let user = users::create(state.db(), Some(&actor), body.0).await?;
    let mut response = private_json(&user)?;
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// Change an account: name, role, active flag, password, author profile (admins).
///
/// Deactivating an account or changing its password ends its sessions.
#[utoipa::path(
    operation_id = "update_user",
    tag = "users",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Account id")),
    request_body = UserChanges,
    responses(
        (status = 200, description = "The account", body = User),
        (status = 400, description = "The body is not a change", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins manage accounts", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "An admin tried to lock themselves out", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/users/{id}")]
pub async fn update_user(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonObject<UserChanges>,
) -> AppResult<HttpResponse> {
    let id = id.parse::<i64>().map_err(|_| AppError::bad_param("id", "must be an integer"))?;
    let actor = auth::viewer(&req, &state).await?.require()?;
    private_json(&users::update(&state, &actor, id, body.0).await?)
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditParams {
    /// Entries per page, 1 to 200 (default 50).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    limit: Option<String>,
    /// Only entries older than this id (the last id of the previous page).
    #[param(value_type = Option<i64>)]
    before: Option<String>,
}

/// Read the audit trail of editorial actions, newest first (admins).
#[utoipa::path(
    operation_id = "list_audit_entries",
    tag = "users",
    security(("bearer" = [])),
    params(AuditParams),
    responses(
        (status = 200, description = "Entries, newest first", body = Vec<AuditEntry>),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins read the audit trail", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<AuditParams>,
) -> AppResult<HttpResponse> {
    let limit = match params.limit.as_deref() {
        None => 50,
        Some(raw) => raw
            .parse::<u64>()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| AppError::bad_param("limit", "must be an integer from 1 to 200"))?,
    };
    let before = params
        .before
        .as_deref()
        .map(|raw| raw.parse::<i64>().map_err(|_| AppError::bad_param("before", "must be an integer")))
        .transpose()?;
    let actor = auth::viewer(&req, &state).await?.require()?;
    private_json(&audit::list(&state, &actor, limit, before).await?)
}
