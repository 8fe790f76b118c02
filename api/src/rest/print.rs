//! `GET /api/v1/articles/{article}/print`: the print edition of a public article.

use actix_web::{HttpRequest, HttpResponse, get, http::header, web};

use super::respond::{self, Computed, Fresh};
use crate::{
    error::{AppResult, Problem},
    print,
    services::articles,
    state::AppState,
};

/// The print edition of a public article.
///
/// A self-contained HTML5 page laid out for A4: title, date line, lead, body with captioned
/// photos, bylines, source, and a QR code of the online version. No scripts; images come from
/// this API and nothing from elsewhere (a Content-Security-Policy enforces it).
#[utoipa::path(
    operation_id = "get_article_print",
    tag = "articles",
    params(("article" = String, Path, description = "Article slug, or its numeric id")),
    responses(
        (status = 200, description = "The page", content_type = "text/html", body = String, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{article}/print")]
pub async fn get_article_print(
    req: HttpRequest,
    state: web::Data<AppState>,
    article: web::Path<String>,
) -> AppResult<HttpResponse> {
    let mut response = respond::cached(&req, &state, req.uri().to_string(), "text/html; charset=utf-8", || async {
        let detail = articles::get_following(&state, &article).await?;
        let page = print::render(&state.snapshot().site.name, &detail)?;
        Ok(Computed::Store(Fresh::bytes(page.into_bytes())))
    })
    .await?;
    let policy = format!("default-src 'none'; img-src 'self' {}; style-src 'unsafe-inline'", state.public_url);
    if let Ok(value) = header::HeaderValue::from_str(&policy) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Ok(response)
}
