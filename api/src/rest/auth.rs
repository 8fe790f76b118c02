//! `/api/v1/auth/*` and `/api/v1/me`: signing in and out, and who am I.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{body::JsonObject, respond::private_json};
use crate::{
    auth,
    error::{AppResult, Problem},
    services::users::{self, Session, User},
    state::AppState,
};

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[schema(example = "bientap@example.vn")]
    email: String,
    password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of the current session.
    refresh_token: String,
}

/// The client address the login limits count; the TCP peer, which a client cannot forge.
fn client_of(req: &HttpRequest) -> String {
    req.peer_addr().map_or_else(|| "unknown".to_owned(), |a| a.ip().to_string())
}

/// Sign in with email and password.
///
/// Returns a short-lived access token and a single-use refresh token. A wrong email and a
/// wrong password get the same 401. Attempts are limited per client address and per account
/// (429 with `Retry-After`).
#[utoipa::path(
    operation_id = "login",
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = Session),
        (status = 400, description = "The body is not a login request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts", body = Problem, content_type = "application/problem+json", headers(("Retry-After" = u64))),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: JsonObject<LoginRequest>,
) -> AppResult<HttpResponse> {
    let session = users::login(&state, &client_of(&req), &body.0.email, &body.0.password).await?;
    private_json(&session)
}

/// Trade a refresh token for a new session.
///
/// Each refresh token works once; presenting a used one again ends the whole session.
#[utoipa::path(
    operation_id = "refresh",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new session", body = Session),
        (status = 400, description = "The body is not a refresh request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown, used or expired refresh token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(state: web::Data<AppState>, body: JsonObject<RefreshRequest>) -> AppResult<HttpResponse> {
    private_json(&users::refresh(&state, &body.0.refresh_token).await?)
}

/// Sign out: the refresh token and every token rotated from it stop working.
#[utoipa::path(
    operation_id = "logout",
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out"),
        (status = 400, description = "The body is not a refresh request", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Unknown refresh token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(state: web::Data<AppState>, body: JsonObject<RefreshRequest>) -> AppResult<HttpResponse> {
    users::logout(&state, &body.0.refresh_token).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The signed-in account.
#[utoipa::path(
    operation_id = "get_me",
    tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = User),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/me")]
pub async fn me(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    private_json(&users::me(&state, &actor).await?)
}
