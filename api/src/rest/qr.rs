//! QR codes of public article URLs and of the site's social links, in SVG and PNG, cached
//! like every public answer.

use actix_web::{HttpRequest, HttpResponse, get, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::respond::{self, Computed, Fresh};
use crate::{
    domain::qr::{self, QrStyle},
    error::{AppError, AppResult, Problem},
    services::articles,
    state::AppState,
};

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QrParams {
    /// Side of the image in pixels, 64 to 2048 (default 256).
    #[param(value_type = Option<u32>, minimum = 64, maximum = 2048)]
    size: Option<String>,
    /// Quiet zone around the code, in modules, 0 to 16 (default 4).
    #[param(value_type = Option<u32>, minimum = 0, maximum = 16)]
    margin: Option<String>,
}

#[derive(Clone, Copy)]
enum Format {
    Svg,
    Png,
}

async fn answer(
    req: &HttpRequest,
    state: &AppState,
    params: &QrParams,
    format: Format,
    text: impl AsyncFnOnce() -> AppResult<String>,
) -> AppResult<HttpResponse> {
    let style = QrStyle::parse(params.size.as_deref(), params.margin.as_deref())?;
    let content_type = match format {
        Format::Svg => "image/svg+xml",
        Format::Png => "image/png",
    };
    respond::cached(req, state, req.uri().to_string(), content_type, || async {
        let text = text().await?;
        let body = match format {
            Format::Svg => qr::svg(&text, style)?.into_bytes(),
            Format::Png => qr::png(&text, style)?,
        };
        Ok(Computed::Store(Fresh::bytes(body)))
    })
    .await
}

async fn article_url(state: &AppState, key: &str) -> AppResult<String> {
    Ok(articles::get_following(state, key).await?.url.clone())
}

async fn social_url(state: &AppState, platform: &str) -> AppResult<String> {
    let snapshot = state.snapshot();
    let link = snapshot.site.social_links.iter().find(|l| l.platform == platform);
    link.map(|l| l.url.clone()).ok_or(AppError::NotFound("social link"))
}

/// A QR code (SVG) of a public article's URL on the portal.
///
/// The URL comes from the site settings, so a printed code leads readers to the article page.
#[utoipa::path(
    operation_id = "get_article_qr_svg",
    tag = "articles",
    params(("article" = String, Path, description = "Article slug, or its numeric id"), QrParams),
    responses(
        (status = 200, description = "The code", content_type = "image/svg+xml", body = String, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A size or margin out of bounds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{article}/qr.svg")]
pub async fn article_qr_svg(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
    params: web::Query<QrParams>,
) -> AppResult<HttpResponse> {
    answer(&req, &state, &params, Format::Svg, async || article_url(&state, &key).await).await
}

/// A QR code (PNG) of a public article's URL on the portal.
#[utoipa::path(
    operation_id = "get_article_qr_png",
    tag = "articles",
    params(("article" = String, Path, description = "Article slug, or its numeric id"), QrParams),
    responses(
        (status = 200, description = "The code", content_type = "image/png", body = Vec<u8>, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A size or margin out of bounds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No public article has this slug", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/articles/{article}/qr.png")]
pub async fn article_qr_png(
    req: HttpRequest,
    state: web::Data<AppState>,
    key: web::Path<String>,
    params: web::Query<QrParams>,
) -> AppResult<HttpResponse> {
    answer(&req, &state, &params, Format::Png, async || article_url(&state, &key).await).await
}

/// A QR code (SVG) of one of the site's social accounts (the fanpage …).
#[utoipa::path(
    operation_id = "get_social_link_qr_svg",
    tag = "site",
    params(("platform" = String, Path, description = "The link's platform, as in `/site`", example = "facebook"), QrParams),
    responses(
        (status = 200, description = "The code", content_type = "image/svg+xml", body = String, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A size or margin out of bounds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No social link on this platform", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/site/social-links/{platform}/qr.svg")]
pub async fn social_qr_svg(
    req: HttpRequest,
    state: web::Data<AppState>,
    platform: web::Path<String>,
    params: web::Query<QrParams>,
) -> AppResult<HttpResponse> {
    answer(&req, &state, &params, Format::Svg, async || social_url(&state, &platform).await).await
}

/// A QR code (PNG) of one of the site's social accounts.
#[utoipa::path(
    operation_id = "get_social_link_qr_png",
    tag = "site",
    params(("platform" = String, Path, description = "The link's platform, as in `/site`", example = "facebook"), QrParams),
    responses(
        (status = 200, description = "The code", content_type = "image/png", body = Vec<u8>, headers(("ETag" = String), ("Cache-Control" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "A size or margin out of bounds", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No social link on this platform", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/site/social-links/{platform}/qr.png")]
pub async fn social_qr_png(
    req: HttpRequest,
    state: web::Data<AppState>,
    platform: web::Path<String>,
    params: web::Query<QrParams>,
) -> AppResult<HttpResponse> {
    answer(&req, &state, &params, Format::Png, async || social_url(&state, &platform).await).await
}
