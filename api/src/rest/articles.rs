//! `/api/v1/articles`: the public article list, article page and related news.

use actix_web::{HttpRequest, HttpResponse, get, http::StatusCode, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    editorial,
    respond::{self, Fresh},
};
use crate::{
    auth::{self, Viewer},
    error::{AppError, AppResult, Problem},
    pagination::{Page, PageRequest},
    services::articles::{self, ArticleFilter, RawFilter},
    services::editorial::reads::{self, StatusFilter},
    state::AppState,
    views::{ArticleDetail, ArticleSummary},
};

/// The article list's filters, shared by the list and search. Values are read as text and
/// validated by the service, so a bad value is reported with its parameter name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticleFilterParams {
    /// Category slug; articles of its sub-categories are included.
    #[param(example = "thoi-su", pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    category: Option<String>,
    /// Tag slug.
    #[param(pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    tag: Option<String>,
    /// Author slug.
    #[param(pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    author: Option<String>,
    /// Only articles published at or after this instant (RFC 3339, or a YYYY-MM-DD date at
    /// midnight in the site's time zone).
    #[param(example = "2022-09-01")]
    published_after: Option<String>,
    /// Only articles published before this instant (same formats).
    published_before: Option<String>,
}

impl ArticleFilterParams {
    pub fn parse(&self, state: &AppState) -> AppResult<ArticleFilter> {
        let raw = RawFilter {
            category: self.category.as_deref(),
            tag: self.tag.as_deref(),
            author: self.author.as_deref(),
            published_after: self.published_after.as_deref(),
            published_before: self.published_before.as_deref(),
        };
        ArticleFilter::parse(raw, state.snapshot().presenter.tz)
    }
}

/// Paging of the article list, and the newsroom's status lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListArticlesParams {
    #[serde(flatten)]
    #[param(ignore)]
    filter: ArticleFilterParams,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page number (1-based), for web UIs that show numbered pages; adds totals to `meta`.
    /// Cannot be combined with `cursor`.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: Option<String>,
    /// Newsroom only (needs a token): list articles of this status instead, most recently
    /// changed first, each with `editorial`. Authors see their own. Pages by `page`.
    #[param(pattern = "^(draft|in_review|scheduled|published|archived|trash)?$")]
    status: Option<String>,
}

/// List public articles, newest first.
///
/// Only articles the public may see are listed: published (or scheduled and due) and not
/// deleted. Paginate with `cursor` (stable while articles are added) or `page`.
#[utoipa::path(
    operation_id = "list_articles",
    tag = "articles",
    params(ArticleFilterParams, ListArticlesParams),
    responses(
        (status = 200, description = "A page of article summaries", body = Page<ArticleSummary>,
            headers(("ETag" = String), ("Cache-Control" = String), ("Link" = String, description = "RFC 8288 links to other pages"))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "`status` was given without a valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter names an unknown category, tag or author", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListArticlesParams>,
) -> AppResult<HttpResponse> {
    if let Some(status) = params.status.as_deref().filter(|s| !s.is_empty()) {
        let filter = StatusFilter::parse(status)?;
        let actor = auth::viewer(&req, &state).await?.require()?;
        if params.cursor.as_deref().is_some_and(|c| !c.is_empty()) {
            return Err(AppError::bad_param("cursor", "newsroom lists page by `page`"));
        }
        let page = PageRequest::parse(&state.cursor_key, 0, params.limit.as_deref(), None, params.page.as_deref())?;
        return respond::private_json(&reads::list(&state, &actor, filter, page.limit, page.page.unwrap_or(1)).await?);
    }
    let filter = params.filter.parse(&state)?;
    let page = PageRequest::parse(
        &state.cursor_key,
        filter.fingerprint(),
        params.limit.as_deref(),
        params.cursor.as_deref(),
        params.page.as_deref(),
    )?;
    respond::public(&req, &state, || async {
        let list = articles::list(&state, &filter, &page).await?;
        let link = respond::list_links(&req, &state.public_url, &list.meta);
        Ok(Fresh { link, ..respond::json(&list)? })
    })
    .await
}

/// Get an article by slug or id.
///
/// The whole article page: body blocks with images resolved (URL, size, alt, caption,
/// credit), bylines in order, category breadcrumb, tags, source, SEO fields, the public URL,
/// and the publication time in the site's time zone with a Vietnamese display string.
/// A former slug answers 301 to the current one. With a newsroom token, any article the role
/// may read, with `editorial` and its version as the `ETag`; with a preview token, that
/// token's article whatever its status.
#[utoipa::path(
    operation_id = "get_article",
    tag = "articles",
    params(("article" = String, Path, description = "Article slug, or its numeric id", example = "kiem-tra-nghi-quyet-tai-le-chan")),
    responses(
        (status = 200, description = "The article", body = ArticleDetail, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 301, description = "A former slug: `Location` names the current one", body = Problem, content_type = "application/problem+json", headers(("Location" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 401, description = "The token is invalid or expired", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not read this article", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    ),
    security((), ("bearer" = []))
)]
#[get("/articles/{article}")]
pub async fn get_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
) -> AppResult<HttpResponse> {
    match auth::viewer(&req, &state).await? {
        Viewer::Public => {
            respond::public(&req, &state, || async {
                let (detail, version) = articles::get_versioned(&state, &key).await?;
                Ok(Fresh { etag_prefix: Some(format!("{}.{version}", detail.id)), ..respond::json(&detail)? })
            })
            .await
        }
        Viewer::Staff(actor) => match reads::staff_article(&state, &actor, &key).await {
            Ok(detail) => editorial::staff_response(&detail, StatusCode::OK),
            Err(AppError::NotFound(_)) => Err(match articles::get(&state, &key).await {
                Err(moved @ AppError::Moved { .. }) => moved,
                _ => AppError::NotFound("article"),
            }),
            Err(other) => Err(other),
        },
        viewer @ Viewer::Preview { .. } => respond::private_json(&reads::article_for(&state, &viewer, &key).await?),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RelatedParams {
    /// How many related articles, 1 to 20 (default 6).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 20, example = 6)]
    limit: Option<String>,
}

/// List related public articles ("Tin khác").
///
/// Ranked by tags shared with the article, then the same category, then recency. Never
/// includes the article itself.
#[utoipa::path(
    operation_id = "list_related_articles",
    tag = "articles",
    params(("article" = String, Path, description = "Article slug, or its numeric id"), RelatedParams),
    responses(
        (status = 200, description = "Related article summaries, best first", body = Vec<ArticleSummary>, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{article}/related")]
pub async fn list_related_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    params: web::Query<RelatedParams>,
) -> AppResult<HttpResponse> {
    let requested = params
        .limit
        .as_deref()
        .map(|raw| raw.parse::<i64>().map_err(|_| AppError::bad_param("limit", "must be an integer")))
        .transpose()?;
    let limit = articles::related_limit("limit", requested)?;
    respond::public(&req, &state, || async { respond::json(&articles::related(&state, &slug, limit).await?) }).await
}
