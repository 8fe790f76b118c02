//! `/api/v1/site` and the health probes.

use actix_web::{HttpRequest, HttpResponse, get, web};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use super::respond;
use crate::{
    error::{AppError, AppResult, Problem},
    services::site::{self, Site},
    state::AppState,
};

/// Get the site settings.
///
/// Name, public base URL, time zone, locale and social links.
#[utoipa::path(
    operation_id = "get_site",
    tag = "site",
    responses(
        (status = 200, description = "The site settings", body = Site, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
    )
)]
#[get("/site")]
pub async fn get_site(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    respond::public(&req, &state, || async { respond::json(&site::get(&state)) }).await
}

/// Health of the process or of its dependencies.
#[derive(Serialize, ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    status: &'static str,
}

/// Liveness: the process answers.
#[utoipa::path(operation_id = "get_healthz", tag = "health", responses((status = 200, body = Health)))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(Health { status: "ok" })
}

/// Readiness: the database answers.
#[utoipa::path(
    operation_id = "get_readyz",
    tag = "health",
    responses(
        (status = 200, body = Health),
        (status = 503, description = "The database does not answer", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    state.db().execute_unprepared("SELECT 1").await.map_err(|e| AppError::Unavailable(e.into()))?;
    Ok(HttpResponse::Ok().insert_header(("Cache-Control", "no-store")).json(Health { status: "ok" }))
}

/// Counters in the Prometheus text format.
#[utoipa::path(operation_id = "get_metrics", tag = "health", responses((status = 200, description = "Prometheus text exposition", body = String, content_type = "text/plain")))]
#[get("/metrics")]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .insert_header(("Cache-Control", "no-store"))
        .body(state.metrics.render())
}
