//! `/api/v1/articles`: the public article list, article page and related news.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::respond::{self, Fresh};
use crate::{
    error::{AppError, AppResult, Problem},
    pagination::{Page, PageRequest},
    services::articles::{self, ArticleFilter, RawFilter},
    state::AppState,
    views::{ArticleDetail, ArticleSummary},
};

/// Filters and paging of the article list. Values are read as text and validated by the
/// service, so a bad value is reported with its parameter name.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListArticlesParams {
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
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page number (1-based), for web UIs that show numbered pages; adds totals to `meta`.
    /// Cannot be combined with `cursor`.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: Option<String>,
}

/// List public articles, newest first.
///
/// Only articles the public may see are listed: published (or scheduled and due) and not
/// deleted. Paginate with `cursor` (stable while articles are added) or `page`.
#[utoipa::path(
    operation_id = "list_articles",
    tag = "articles",
    params(ListArticlesParams),
    responses(
        (status = 200, description = "A page of article summaries", body = Page<ArticleSummary>,
            headers(("ETag" = String), ("Cache-Control" = String), ("Link" = String, description = "RFC 8288 links to other pages"))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter names an unknown category, tag or author", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles")]
pub async fn list_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListArticlesParams>,
) -> AppResult<HttpResponse> {
    let tz = state.snapshot().presenter.tz;
    let raw = RawFilter {
        category: params.category.as_deref(),
        tag: params.tag.as_deref(),
        author: params.author.as_deref(),
        published_after: params.published_after.as_deref(),
        published_before: params.published_before.as_deref(),
    };
    let filter = ArticleFilter::parse(raw, tz)?;
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

/// Get a public article by slug.
///
/// The whole article page: body blocks with images resolved (URL, size, alt, caption,
/// credit), bylines in order, category breadcrumb, tags, source, SEO fields, the public URL,
/// and the publication time in the site's time zone with a Vietnamese display string.
#[utoipa::path(
    operation_id = "get_article",
    tag = "articles",
    params(("slug" = String, Path, description = "Article slug", example = "kiem-tra-nghi-quyet-tai-le-chan")),
    responses(
        (status = 200, description = "The article", body = ArticleDetail, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{slug}")]
pub async fn get_article(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    respond::public(&req, &state, || async { respond::json(&articles::get(&state, &slug).await?) }).await
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
    params(("slug" = String, Path, description = "Article slug"), RelatedParams),
    responses(
        (status = 200, description = "Related article summaries, best first", body = Vec<ArticleSummary>, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{slug}/related")]
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
