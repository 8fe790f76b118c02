//! Feeds and sitemaps: RSS, Atom, the sitemap index, article sitemaps and the Google News
//! sitemap. Cached like every public answer, with `Last-Modified` from the last content change.

use std::future::Future;

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::respond::{self, Computed, Fresh};
use crate::{
    error::{AppError, AppResult, Problem},
    services::{
        articles::{ArticleFilter, RawFilter},
        changes, feeds, sitemaps,
    },
    state::AppState,
};

/// Which articles a feed follows; the whole site when none is given.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// Category slug; articles of its sub-categories are included.
    #[param(example = "thoi-su", pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    category: Option<String>,
    /// Tag slug.
    #[param(pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    tag: Option<String>,
    /// Author slug.
    #[param(pattern = "^([a-z0-9]+(-[a-z0-9]+)*)?$")]
    author: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Rss,
    Atom,
}

/// Answers an XML document computed by `render`, cached under the request URI.
async fn xml<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    content_type: &'static str,
    render: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: Future<Output = AppResult<Vec<u8>>>,
{
    respond::cached(req, state, req.uri().to_string(), content_type, || async {
        let last_modified = changes::last_change(state.db()).await?;
        Ok(Computed::Store(Fresh { last_modified, ..Fresh::bytes(render().await?) }))
    })
    .await
}

async fn feed(req: &HttpRequest, state: &AppState, params: &FeedParams, format: Format) -> AppResult<HttpResponse> {
    let raw = RawFilter {
        category: params.category.as_deref(),
        tag: params.tag.as_deref(),
        author: params.author.as_deref(),
        ..RawFilter::default()
    };
    let filter = ArticleFilter::parse(raw, state.snapshot().presenter.tz)?;
    let content_type = match format {
        Format::Rss => "application/rss+xml; charset=utf-8",
        Format::Atom => "application/atom+xml; charset=utf-8",
    };
    let self_url = format!("{}{}", state.public_url, req.uri());
    xml(req, state, content_type, || async {
        let feed = feeds::feed(state, &filter, self_url).await?;
        match format {
            Format::Rss => feeds::rss(&feed),
            Format::Atom => feeds::atom(&feed),
        }
    })
    .await
}

/// RSS 2.0 feed of the newest 50 public articles.
///
/// For the whole site, or filtered by `category` (with its sub-categories), `tag` or
/// `author`. Items carry the summary, authors (`dc:creator`), category, the cover photo as
/// `enclosure` and `media:content`, and the public URL from the site settings.
#[utoipa::path(
    operation_id = "rss_feed",
    tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "The feed", content_type = "application/rss+xml",
            headers(("ETag" = String), ("Last-Modified" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since `If-None-Match` or `If-Modified-Since`"),
        (status = 400, description = "A malformed slug", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown category, tag or author", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/rss.xml")]
pub async fn rss_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<FeedParams>,
) -> AppResult<HttpResponse> {
    feed(&req, &state, &params, Format::Rss).await
}

/// Atom 1.0 feed of the newest 50 public articles.
///
/// The same articles as the RSS feed with the same filters; entries carry `published` and
/// `updated`, authors, category, summary and the cover photo as an `enclosure` link.
#[utoipa::path(
    operation_id = "atom_feed",
    tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "The feed", content_type = "application/atom+xml",
            headers(("ETag" = String), ("Last-Modified" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since `If-None-Match` or `If-Modified-Since`"),
        (status = 400, description = "A malformed slug", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown category, tag or author", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/atom.xml")]
pub async fn atom_feed(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<FeedParams>,
) -> AppResult<HttpResponse> {
    feed(&req, &state, &params, Format::Atom).await
}

const SITEMAP_XML: &str = "application/xml; charset=utf-8";

/// Sitemap index.
///
/// Lists the article sitemaps (`/sitemaps/articles-{n}.xml`, 50,000 URLs each, oldest
/// articles first) with the latest change in each.
#[utoipa::path(
    operation_id = "sitemap_index",
    tag = "feeds",
    responses(
        (status = 200, description = "The sitemap index", content_type = "application/xml",
            headers(("ETag" = String), ("Last-Modified" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
    )
)]
#[get("/sitemap.xml")]
pub async fn sitemap_index(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    xml(&req, &state, SITEMAP_XML, || async { Ok(sitemaps::index(&state).await?.into_bytes()) }).await
}

/// One article sitemap.
///
/// Public article URLs with their last change, 50,000 per file, oldest first.
#[utoipa::path(
    operation_id = "article_sitemap",
    tag = "feeds",
    params(("page" = u32, Path, description = "Sitemap number, from 1", minimum = 1)),
    responses(
        (status = 200, description = "The sitemap", content_type = "application/xml",
            headers(("ETag" = String), ("Last-Modified" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No such sitemap", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sitemaps/articles-{page}.xml")]
pub async fn article_sitemap(
    req: HttpRequest,
    state: web::Data<AppState>,
    page: web::Path<String>,
) -> AppResult<HttpResponse> {
    let page = page.parse::<u64>().ok().filter(|p| *p >= 1).ok_or(AppError::NotFound("sitemap"))?;
    xml(&req, &state, SITEMAP_XML, || async { Ok(sitemaps::articles(&state, page).await?.into_bytes()) }).await
}

/// Google News sitemap.
///
/// Public articles published in the last 48 hours (at most 1,000), with the publication name
/// and language `vi`.
#[utoipa::path(
    operation_id = "news_sitemap",
    tag = "feeds",
    responses(
        (status = 200, description = "The news sitemap", content_type = "application/xml",
            headers(("ETag" = String), ("Last-Modified" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified"),
    )
)]
#[get("/sitemap-news.xml")]
pub async fn news_sitemap(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    xml(&req, &state, SITEMAP_XML, || async { Ok(sitemaps::news(&state).await?.into_bytes()) }).await
}
