//! `/api/v1/media/{id}` (metadata) and `/files/{key}` (the stored bytes).

use actix_files::NamedFile;
use actix_web::{HttpRequest, HttpResponse, get, http::header, web};

use super::respond;
use crate::{
    error::{AppError, AppResult, Problem},
    services::media,
    state::AppState,
    views::Image,
};

/// Get a media item's metadata.
///
/// Only media used by a public article (or an author's portrait) is visible.
#[utoipa::path(
    operation_id = "get_media",
    tag = "media",
    params(("id" = i64, Path, description = "Media item id")),
    responses(
        (status = 200, description = "The media item", body = Image, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No public media item has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}")]
pub async fn get_media(req: HttpRequest, state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = id.parse::<i64>().map_err(|_| AppError::bad_param("id", "must be an integer"))?;
    respond::public(&req, &state, || async { respond::json(&media::get(&state, id).await?) }).await
}

/// Download a media file.
///
/// Files are content-addressed: a URL never changes meaning, so it may be cached for a year.
/// Supports `Range` and `If-None-Match`.
#[utoipa::path(
    operation_id = "get_file",
    tag = "media",
    params(("key" = String, Path, description = "Content-addressed file name", example = "3f2a9c0d1b7e4a66.jpg")),
    responses(
        (status = 200, description = "The file", content_type = "image/*"),
        (status = 206, description = "Part of the file, for a `Range` request"),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No public file has this name", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/files/{key}")]
pub async fn get_file(req: HttpRequest, state: web::Data<AppState>, key: web::Path<String>) -> AppResult<HttpResponse> {
    if !is_file_key(&key) {
        return Err(AppError::NotFound("file"));
    }
    let mime = media::public_file_mime(&state, &key).await?;
    let file =
        NamedFile::open_async(state.media_dir.join(key.as_str())).await.map_err(|_| AppError::NotFound("file"))?;
    let content_type = mime.parse().map_err(|_| AppError::NotFound("file"))?;
    let mut response = file.set_content_type(content_type).use_last_modified(false).into_response(&req);
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, header::HeaderValue::from_static("public, max-age=31536000, immutable"));
    Ok(response)
}

/// Content-addressed names are lower-case hex plus an image extension; anything else (a path
/// with `..`, a slash) never reaches the file system.
fn is_file_key(key: &str) -> bool {
    let Some((stem, ext)) = key.split_once('.') else { return false };
    (16..=64).contains(&stem.len())
        && stem.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && matches!(ext, "jpg" | "png" | "webp" | "gif")
}

#[cfg(test)]
mod tests {
    use super::is_file_key;

    #[test]
    fn only_content_addressed_names_are_files() {
        assert!(is_file_key("3f2a9c0d1b7e4a66.jpg"));
        for bad in [
            "../secret.key",
            "3f2a9c0d1b7e4a66",
            "3F2A9C0D1B7E4A66.jpg",
            "3f2a.jpg",
            "3f2a9c0d1b7e4a66.jpg.exe",
            "3f2a9c0d1b7e4a66.svg",
        ] {
            assert!(!is_file_key(bad), "{bad:?}");
        }
    }
}
