//! How public GET responses are answered: served from the response cache when fresh, with a
//! strong `ETag`, `304 Not Modified` for a matching `If-None-Match`, and a `Cache-Control`
//! that never outlives the next scheduled publication.

use std::{
    future::Future,
    sync::{Arc, atomic::Ordering::Relaxed},
};

use actix_web::{HttpRequest, HttpResponse, http::header};
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::{
    cache::{CachedResponse, etag_of},
    error::{AppError, AppResult},
    state::AppState,
};

/// Longest time a shared cache (CDN) may keep a public response without asking again.
const MAX_AGE_SECS: i64 = 60;

/// A freshly computed response body.
pub struct Fresh {
    pub body: Vec<u8>,
    pub link: Option<String>,
    /// Goes before the body hash in the ETag: an article's `{id}.{version}`, so the ETag a
    /// reader sees is also one `If-Match` takes.
    pub etag_prefix: Option<String>,
    /// Sent as `Last-Modified`, and compared with `If-Modified-Since` when the request has no
    /// `If-None-Match`.
    pub last_modified: Option<DateTime<Utc>>,
}

impl Fresh {
    pub fn bytes(body: Vec<u8>) -> Self {
        Fresh { body, link: None, etag_prefix: None, last_modified: None }
    }
}

pub fn json<T: Serialize>(value: &T) -> AppResult<Fresh> {
    let body = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
    Ok(Fresh::bytes(body))
}

/// A response for one account's eyes: never stored by shared caches.
pub fn private_json<T: Serialize>(value: &T) -> AppResult<HttpResponse> {
    let body = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
    Ok(HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header((header::VARY, "Authorization"))
        .body(body))
}

/// Answers a public GET, computing the body only when the cache has no fresh copy.
pub async fn public<Fut>(req: &HttpRequest, state: &AppState, compute: impl FnOnce() -> Fut) -> AppResult<HttpResponse>
where
    Fut: Future<Output = AppResult<Fresh>>,
{
    cached(req, state, req.uri().to_string(), "application/json", || async { compute().await.map(Computed::Store) })
        .await
}

/// What a cache miss produced: a body to keep, or a response that must not be kept (an error
/// answered in the protocol's own format).
pub enum Computed {
    Store(Fresh),
    Pass(HttpResponse),
}

/// Like [`public`] for any content type, under an explicit cache key.
pub async fn cached<Fut>(
    req: &HttpRequest,
    state: &AppState,
    key: String,
    content_type: &'static str,
    compute: impl FnOnce() -> Fut,
) -> AppResult<HttpResponse>
where
    Fut: Future<Output = AppResult<Computed>>,
{
    let now = Utc::now();
    let entry = match state.cache.get(&key, now).await {
        Some(hit) => {
            state.metrics.cache_hits.fetch_add(1, Relaxed);
            hit
        }
        None => {
            state.metrics.cache_misses.fetch_add(1, Relaxed);
            let generation = state.cache.generation();
            let valid_until = state.schedule.next_publication(state.db(), now, generation).await?;
            let fresh = match compute().await? {
                Computed::Store(fresh) => fresh,
                Computed::Pass(response) => return Ok(response),
            };
            let entry = Arc::new(CachedResponse {
                etag: match &fresh.etag_prefix {
                    Some(prefix) => format!("\"{prefix}.{}", etag_of(&fresh.body).trim_start_matches('"')),
                    None => etag_of(&fresh.body),
                },
                body: fresh.body.into(),
                link: fresh.link,
                last_modified: fresh.last_modified,
                content_type,
                valid_until,
                generation,
            });
            state.cache.put(key, entry.clone()).await;
            entry
        }
    };
    Ok(respond(req, &entry, now))
}

fn respond(req: &HttpRequest, entry: &CachedResponse, now: DateTime<Utc>) -> HttpResponse {
    let max_age = entry.valid_until.map_or(MAX_AGE_SECS, |until| (until - now).num_seconds().clamp(0, MAX_AGE_SECS));
    let cache_control = format!("public, max-age={max_age}");
    // A signed-in request to the same URL may get a different (private) answer, so shared
    // caches must not hand this one to it.
    if if_none_match(req, &entry.etag) || not_modified_since(req, entry.last_modified) {
        return HttpResponse::NotModified()
            .insert_header((header::ETAG, entry.etag.as_str()))
            .insert_header((header::CACHE_CONTROL, cache_control))
            .insert_header((header::VARY, "Authorization"))
            .finish();
    }
    let mut response = HttpResponse::Ok();
    response
        .content_type(entry.content_type)
        .insert_header((header::ETAG, entry.etag.as_str()))
        .insert_header((header::CACHE_CONTROL, cache_control))
        .insert_header((header::VARY, "Authorization"));
    if let Some(link) = &entry.link {
        response.insert_header((header::LINK, link.as_str()));
    }
    if let Some(at) = entry.last_modified {
        response.insert_header((header::LAST_MODIFIED, http_date(at)));
    }
    response.body(entry.body.clone())
}

/// `If-Modified-Since` at or after the last modification, when there is no `If-None-Match`
/// (which takes precedence, RFC 9110 §13.1.3).
fn not_modified_since(req: &HttpRequest, last_modified: Option<DateTime<Utc>>) -> bool {
    let Some(last_modified) = last_modified else { return false };
    if req.headers().contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    req.headers()
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| DateTime::parse_from_rfc2822(v.trim()).ok())
        .is_some_and(|since| last_modified <= since)
}

/// An HTTP date (IMF-fixdate).
pub fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Whether the client already holds this representation (weak comparison, RFC 9110 §13.1.2).
pub fn if_none_match(req: &HttpRequest, etag: &str) -> bool {
    req.headers().get_all(header::IF_NONE_MATCH).filter_map(|v| v.to_str().ok()).any(|value| {
        value.split(',').map(str::trim).any(|candidate| candidate == "*" || candidate.trim_start_matches("W/") == etag)
    })
}

/// RFC 8288 `Link` header for a list: `next` by cursor, and `first`/`prev`/`next`/`last` by
/// page number when the client paginates by page.
pub fn list_links(req: &HttpRequest, public_url: &str, meta: &crate::pagination::PageMeta) -> Option<String> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    let base: Vec<(String, String)> = pairs.into_iter().filter(|(k, _)| k != "cursor" && k != "page").collect();
    let url = |extra: (&str, String)| {
        let mut query = base.clone();
        query.push((extra.0.to_owned(), extra.1));
        let encoded = serde_urlencoded::to_string(&query).unwrap_or_default();
        format!("{public_url}{}?{encoded}", req.path())
    };
    let mut links = Vec::new();
    match (meta.page, meta.total_pages) {
        (Some(page), Some(pages)) => {
            links.push(format!("<{}>; rel=\"first\"", url(("page", "1".into()))));
            if page > 1 {
                links.push(format!("<{}>; rel=\"prev\"", url(("page", (page - 1).to_string()))));
            }
            if page < pages {
                links.push(format!("<{}>; rel=\"next\"", url(("page", (page + 1).to_string()))));
            }
            links.push(format!("<{}>; rel=\"last\"", url(("page", pages.max(1).to_string()))));
        }
        _ => {
            if let Some(cursor) = &meta.next_cursor {
                links.push(format!("<{}>; rel=\"next\"", url(("cursor", cursor.clone()))));
            }
        }
    }
    (!links.is_empty()).then(|| links.join(", "))
}
