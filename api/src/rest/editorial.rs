//! The newsroom's article endpoints: create, edit (`If-Match`), workflow actions, trash,
//! revisions and preview tokens. Each handler resolves the account and calls
//! `services::editorial`; nothing here decides what is allowed.

use actix_web::{
    HttpRequest, HttpResponse, delete, get,
    http::{StatusCode, header},
    patch, post, web,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::respond::private_json;
use crate::{
    auth,
    error::{AppError, AppResult, Problem},
    services::editorial::{
        articles::{self, resolve},
        content::ArticleContent,
        reads,
        revisions::{self, Revision},
        version_etag, version_from_etag,
        workflow::Transition,
    },
    services::permissions::Actor,
    state::AppState,
    views::ArticleDetail,
};

/// The version `If-Match` names: `None` when absent; a value that is not this article's
/// ETag can never match.
fn if_match(req: &HttpRequest, id: i64) -> Option<i32> {
    let value = req.headers().get(header::IF_MATCH)?;
    Some(value.to_str().ok().and_then(|v| version_from_etag(id, v)).unwrap_or(i32::MIN))
}

fn object(body: Value) -> AppResult<Map<String, Value>> {
    match body {
        Value::Object(map) => Ok(map),
        _ => Err(AppError::bad_param("body", "must be a JSON object of article fields")),
    }
}

/// The article as the newsroom sees it, with its version as the ETag.
async fn staff_answer(state: &AppState, actor: &Actor, id: i64, status: StatusCode) -> AppResult<HttpResponse> {
    let detail = reads::staff_article(state, actor, &id.to_string()).await?;
    staff_response(&detail, status)
}

/// An article with its editorial facts: private, with the version ETag `If-Match` wants.
pub fn staff_response(detail: &ArticleDetail, status: StatusCode) -> AppResult<HttpResponse> {
    let version = detail.editorial.as_ref().map_or(0, |e| e.version);
    let body = serde_json::to_vec(detail).map_err(|e| AppError::Internal(e.into()))?;
    let mut response = HttpResponse::build(status);
    response
        .content_type("application/json")
        .insert_header((header::ETAG, version_etag(detail.id, version)))
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::VARY, "Authorization"));
    if status == StatusCode::CREATED {
        response.insert_header((header::LOCATION, format!("/api/v1/articles/{}", detail.id)));
    }
    Ok(response.body(body))
}

/// Create a draft article.
///
/// `title` and `category_id` are required; the slug is made from the title when absent
/// (with a numeric suffix if taken). Bylines default to the account's author profile.
/// Paragraph HTML is sanitised. Invalid fields are all reported at once, each with its path.
#[utoipa::path(
    operation_id = "create_article",
    tag = "editorial",
    security(("bearer" = [])),
    request_body(content = ArticleContent, description = "Article fields; all optional but `title` and `category_id`"),
    responses(
        (status = 201, description = "The new draft", body = ArticleDetail, headers(("ETag" = String), ("Location" = String))),
        (status = 400, description = "The body is not a JSON object", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not create articles", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles")]
pub async fn create_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = articles::create(&state, &actor, &object(body.into_inner())?).await?;
    staff_answer(&state, &actor, id, StatusCode::CREATED).await
}

/// Edit an article.
///
/// Send only the fields to change (`null` clears an optional field; `slug: null` makes a new
/// slug from the title). `If-Match` must carry the ETag of the version being edited: a
/// stale one gets 412 and nothing is changed. A changed slug keeps the old one as a redirect.
#[utoipa::path(
    operation_id = "update_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("If-Match" = Option<String>, Header, description = "Required: ETag of the version being edited (428 without it)")),
    request_body(content = ArticleContent, description = "The fields to change"),
    responses(
        (status = 200, description = "The edited article", body = ArticleDetail, headers(("ETag" = String))),
        (status = 400, description = "The body is not a JSON object", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not edit this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article is in the trash", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/articles/{article}")]
pub async fn update_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Json<Value>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), &key).await?.id;
    articles::update(&state, &actor, id, if_match(&req, id), &object(body.into_inner())?).await?;
    staff_answer(&state, &actor, id, StatusCode::OK).await
}

/// Move an article to the trash.
///
/// It disappears from every public surface at once; `POST …/restore` brings it back.
#[utoipa::path(
    operation_id = "trash_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("If-Match" = Option<String>, Header, description = "Required: ETag of the current version (428 without it)")),
    responses(
        (status = 200, description = "The article, now in the trash", body = ArticleDetail),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not trash this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already in the trash", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/articles/{article}")]
pub async fn trash_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), &key).await?.id;
    articles::trash(&state, &actor, id, if_match(&req, id)).await?;
    staff_answer(&state, &actor, id, StatusCode::OK).await
}

/// Optional publication time for `publish`.
#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PublishRequest {
    /// In the future: the article is scheduled and becomes public at that moment. Absent:
    /// now.
    #[schema(value_type = Option<String>, format = DateTime, example = "2026-12-01T06:00:00+07:00")]
    published_at: Option<DateTime<Utc>>,
}

async fn act(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: &str,
    transition: Transition,
    published_at: Option<DateTime<Utc>>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), key).await?.id;
    articles::transition(&state, &actor, id, transition, if_match(&req, id), published_at).await?;
    staff_answer(&state, &actor, id, StatusCode::OK).await
}

/// Submit a draft for review (its author, or an editor).
#[utoipa::path(
    operation_id = "submit_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("If-Match" = Option<String>, Header, description = "Optional: ETag of the current version")),
    responses(
        (status = 200, description = "The article, now in review", body = ArticleDetail),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not submit this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not allowed from the current status; the allowed actions are named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/submit")]
pub async fn submit_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    act(req, state, &key, Transition::Submit, None).await
}

/// Publish an article now, or schedule it with a future `published_at` (editors).
#[utoipa::path(
    operation_id = "publish_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("If-Match" = Option<String>, Header, description = "Optional: ETag of the current version")),
    request_body(content = Option<PublishRequest>),
    responses(
        (status = 200, description = "The article, published or scheduled", body = ArticleDetail),
        (status = 400, description = "The body is not `{\"published_at\": …}`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not publish", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not allowed from the current status; the allowed actions are named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/publish")]
pub async fn publish_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
    body: web::Bytes,
) -> AppResult<HttpResponse> {
    let value: Value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        serde_json::from_slice(&body).map_err(|e| AppError::bad_param("body", format!("is not JSON: {e}")))?
    };
    let request: PublishRequest = match value {
        Value::Null => PublishRequest::default(),
        Value::Object(_) => serde_json::from_value(value)
            .map_err(|e| AppError::bad_param("published_at", format!("is not valid: {e}")))?,
        _ => return Err(AppError::bad_param("body", "must be a JSON object or empty")),
    };
    act(req, state, &key, Transition::Publish, request.published_at).await
}

/// Take an article back to draft: out of review, or off the site (editors).
#[utoipa::path(
    operation_id = "unpublish_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("If-Match" = Option<String>, Header, description = "Optional: ETag of the current version")),
    responses(
        (status = 200, description = "The article, now a draft", body = ArticleDetail),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not unpublish", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not allowed from the current status; the allowed actions are named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/unpublish")]
pub async fn unpublish_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    act(req, state, &key, Transition::Unpublish, None).await
}

/// Archive a published article: off the lists and pages, kept (editors).
#[utoipa::path(
    operation_id = "archive_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("If-Match" = Option<String>, Header, description = "Optional: ETag of the current version")),
    responses(
        (status = 200, description = "The article, now archived", body = ArticleDetail),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not archive", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not allowed from the current status; the allowed actions are named", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/archive")]
pub async fn archive_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    act(req, state, &key, Transition::Archive, None).await
}

/// Take an article out of the trash (editors).
#[utoipa::path(
    operation_id = "restore_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug")),
    responses(
        (status = 200, description = "The article, out of the trash in its former status", body = ArticleDetail),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not restore", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article is not in the trash", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/restore")]
pub async fn restore_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), &key).await?.id;
    articles::restore(&state, &actor, id).await?;
    staff_answer(&state, &actor, id, StatusCode::OK).await
}

/// Delete a trashed article for good, with its revisions (admins).
#[utoipa::path(
    operation_id = "purge_article",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Only admins purge", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The article is not in the trash", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/purge")]
pub async fn purge_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), &key).await?.id;
    articles::purge(&state, &actor, id).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// List an article's revisions, newest first.
#[utoipa::path(
    operation_id = "list_article_revisions",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug")),
    responses(
        (status = 200, description = "Every stored state, newest first", body = Vec<Revision>),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{article}/revisions")]
pub async fn list_revisions(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), &key).await?.id;
    private_json(&revisions::list(&state, &actor, id).await?)
}

/// Make a revision's content current again (stored as a new revision; status unchanged).
#[utoipa::path(
    operation_id = "restore_article_revision",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug"), ("revision" = i64, Path, description = "Revision id"),
        ("If-Match" = Option<String>, Header, description = "Required: ETag of the current version (428 without it)")),
    responses(
        (status = 200, description = "The article with the revision's content", body = ArticleDetail),
        (status = 400, description = "The revision id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not edit this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article or revision", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The article changed since that version", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The revision names records that no longer exist", body = Problem, content_type = "application/problem+json"),
        (status = 428, description = "`If-Match` is missing", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/revisions/{revision}/restore")]
pub async fn restore_revision(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> AppResult<HttpResponse> {
    let (key, revision) = path.into_inner();
    let revision = revision.parse::<i64>().map_err(|_| AppError::bad_param("revision", "must be an integer"))?;
    let actor = auth::viewer(&req, &state).await?.require()?;
    let id = resolve(state.db(), &key).await?.id;
    revisions::restore(&state, &actor, id, revision, if_match(&req, id)).await?;
    staff_answer(&state, &actor, id, StatusCode::OK).await
}

/// A preview token for one article.
#[derive(Serialize, ToSchema)]
pub struct PreviewToken {
    /// Send as `Authorization: Bearer <token>` to `GET /api/v1/articles/{article}` (or to
    /// GraphQL `article`) to read this article whatever its status.
    pub token: String,
    pub expires_at: DateTime<Utc>,
    /// The endpoint the token opens.
    pub article_url: String,
}

/// Get a short-lived token that lets a frontend fetch this draft through the public endpoints.
#[utoipa::path(
    operation_id = "create_preview_token",
    tag = "editorial",
    security(("bearer" = [])),
    params(("article" = String, Path, description = "Article id, or its slug")),
    responses(
        (status = 200, description = "The token", body = PreviewToken),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such article", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/articles/{article}/preview-token")]
pub async fn create_preview_token(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let (id, token, expires_at) = reads::preview_token(&state, &actor, &key).await?;
    private_json(&PreviewToken { token, expires_at, article_url: format!("{}/api/v1/articles/{id}", state.public_url) })
}
