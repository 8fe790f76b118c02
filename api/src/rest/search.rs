//! `/api/v1/search`: full-text search of public articles.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::{
    articles::ArticleFilterParams,
    respond::{self, Fresh},
};
use crate::{
    error::{AppResult, Problem},
    pagination::{Page, PageRequest},
    services::search::{self, SearchHit},
    state::AppState,
};

/// The query, the article list's filters, and paging.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What to look for, with or without accents (`le chan` finds `Lê Chân`). `"…"` makes a
    /// phrase; in a query of several words, a last word not followed by a space also matches
    /// as a prefix (`nghi quy` finds `nghị quyết`). At most 200 characters and 12 words.
    #[param(example = "nghi quyet le chan", max_length = 200)]
    q: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    filter: ArticleFilterParams,
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100, example = 20)]
    limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page number (1-based); adds totals to `meta`. Cannot be combined with `cursor`.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: Option<String>,
}

/// Search public articles.
///
/// Matching ignores accents, case and Unicode normalisation; the best results have the query
/// in the title with the accents typed, then in the title, then in the text with the accents
/// typed, then in the text, newest first within each. Each result carries its score and
/// highlights (`<mark>` around matched words, the rest escaped). A search reaches its first
/// 1,000 results.
#[utoipa::path(
    operation_id = "search_articles",
    tag = "articles",
    params(SearchParams, ArticleFilterParams),
    responses(
        (status = 200, description = "A page of results", body = Page<SearchHit>,
            headers(("ETag" = String), ("Cache-Control" = String), ("Link" = String, description = "RFC 8288 links to other pages"))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A missing, empty, too long or wordless `q`, or another malformed parameter", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter names an unknown category, tag or author", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/search")]
pub async fn search_articles(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> AppResult<HttpResponse> {
    let query = search::parse_query("q", params.q.as_deref())?;
    let filter = params.filter.parse(&state)?;
    let page = PageRequest::parse(
        &state.cursor_key,
        search::fingerprint(&query, &filter),
        params.limit.as_deref(),
        params.cursor.as_deref(),
        params.page.as_deref(),
    )?;
    respond::public(&req, &state, || async {
        let results = search::search(&state, &query, &filter, &page).await?;
        let link = respond::list_links(&req, &state.public_url, &results.meta);
        Ok(Fresh { link, ..respond::json(&results)? })
    })
    .await
}
