//! `/api/v1/categories`, `/api/v1/authors`, `/api/v1/tags`: the portal's sections, people and
//! topics.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::respond::{self, Fresh};
use crate::{
    error::{AppResult, Problem},
    pagination::{Page, PageRequest},
    read_model::TagRef,
    services::{
        authors::{self, Author, AuthorDetail},
        categories::{self, CategoryDetail, CategoryNode},
        tags::{self, TagDetail},
    },
    state::AppState,
};

/// Paging of alphabetical lists.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page size, 1 to 100 (default 20).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 100)]
    limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page number (1-based); adds totals to `meta`. Cannot be combined with `cursor`.
    #[param(value_type = Option<u32>, minimum = 1, maximum = 10000)]
    page: Option<String>,
}

impl ListParams {
    fn page(&self, state: &AppState, list: u64) -> AppResult<PageRequest> {
        PageRequest::parse(&state.cursor_key, list, self.limit.as_deref(), self.cursor.as_deref(), self.page.as_deref())
    }
}

/// Get the category tree.
///
/// Top-level sections in editorial order, each with its sub-categories.
#[utoipa::path(
    operation_id = "list_categories",
    tag = "categories",
    responses(
        (status = 200, description = "The category tree", body = Vec<CategoryNode>, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
    )
)]
#[get("/categories")]
pub async fn list_categories(req: HttpRequest, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    respond::public(&req, &state, || async { respond::json(&categories::tree(&state)) }).await
}

/// Get a category by slug.
///
/// Its place in the tree (parent, breadcrumb, children) and the number of public articles in
/// it and its sub-categories. Its articles: `GET /api/v1/articles?category={slug}`.
#[utoipa::path(
    operation_id = "get_category",
    tag = "categories",
    params(("slug" = String, Path, description = "Category slug", example = "thoi-su")),
    responses(
        (status = 200, description = "The category", body = CategoryDetail, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, description = "No category has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/categories/{slug}")]
pub async fn get_category(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    respond::public(&req, &state, || async { respond::json(&categories::get(&state, &slug).await?) }).await
}

/// List authors.
///
/// In slug order, that is alphabetically with diacritics folded.
#[utoipa::path(
    operation_id = "list_authors",
    tag = "authors",
    params(ListParams),
    responses(
        (status = 200, description = "A page of authors", body = Page<Author>, headers(("ETag" = String), ("Link" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/authors")]
pub async fn list_authors(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let page = params.page(&state, authors::list_fingerprint_of_authors())?;
    respond::public(&req, &state, || async {
        let list = authors::list(&state, &page).await?;
        let link = respond::list_links(&req, &state.public_url, &list.meta);
        Ok(Fresh { link, ..respond::json(&list)? })
    })
    .await
}

/// Get an author by slug.
///
/// With the number of public articles they signed. Their articles:
/// `GET /api/v1/articles?author={slug}`.
#[utoipa::path(
    operation_id = "get_author",
    tag = "authors",
    params(("slug" = String, Path, description = "Author slug", example = "hoang-tung")),
    responses(
        (status = 200, description = "The author", body = AuthorDetail, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, description = "No author has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/authors/{slug}")]
pub async fn get_author(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> AppResult<HttpResponse> {
    respond::public(&req, &state, || async { respond::json(&authors::get(&state, &slug).await?) }).await
}

/// List tags.
///
/// In slug order.
#[utoipa::path(
    operation_id = "list_tags",
    tag = "tags",
    params(ListParams),
    responses(
        (status = 200, description = "A page of tags", body = Page<TagRef>, headers(("ETag" = String), ("Link" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A malformed parameter", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tags")]
pub async fn list_tags(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<ListParams>,
) -> AppResult<HttpResponse> {
    let page = params.page(&state, tags::list_fingerprint_of_tags())?;
    respond::public(&req, &state, || async {
        let list = tags::list(&state, &page).await?;
        let link = respond::list_links(&req, &state.public_url, &list.meta);
        Ok(Fresh { link, ..respond::json(&list)? })
    })
    .await
}

/// Get a tag by slug.
///
/// With the number of public articles carrying it. Its articles: `GET /api/v1/articles?tag={slug}`.
#[utoipa::path(
    operation_id = "get_tag",
    tag = "tags",
    params(("slug" = String, Path, description = "Tag slug", example = "le-chan")),
    responses(
        (status = 200, description = "The tag", body = TagDetail, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, description = "No tag has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tags/{slug}")]
pub async fn get_tag(req: HttpRequest, state: web::Data<AppState>, slug: web::Path<String>) -> AppResult<HttpResponse> {
    respond::public(&req, &state, || async { respond::json(&tags::get(&state, &slug).await?) }).await
}
