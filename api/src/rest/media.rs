//! `/api/v1/media` (the library: upload, list, read, describe, delete) and `/files/{key}`
//! (the stored bytes). Handlers adapt HTTP to `services::media`.

use actix_multipart::{Field, Multipart};
use actix_web::{
    HttpRequest, HttpResponse, delete, get,
    http::{StatusCode, header},
    patch, post, web,
};
use futures_util::TryStreamExt;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;
use utoipa::{IntoParams, ToSchema};

use super::{
    body::JsonObject,
    respond::{self, private_json},
};
use crate::{
    auth::{self, Viewer},
    error::{AppError, AppResult, Problem},
    imaging::FileKey,
    pagination::{Page, PageRequest},
    services::{
        self,
        media::{
            self as media_service,
            library::{self, Deleted, LibraryFilter, LibraryItem, MediaInput, UploadMeta},
        },
    },
    state::AppState,
    views::Image,
};

/// Longest text field accepted in an upload form.
const MAX_FIELD_BYTES: usize = 4 * 1024;

/// The parts of an upload form.
#[derive(ToSchema)]
pub struct UploadForm {
    /// The image: JPEG, PNG, WebP or GIF, decided by its bytes.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// Text alternative for screen readers; the caption is used when it is missing.
    pub alt: Option<String>,
    /// Caption printed under the photo.
    pub caption: Option<String>,
    /// Photographer or source.
    pub credit: Option<String>,
}

/// Upload a photo to the media library (editors and authors).
///
/// Send `multipart/form-data` with a `file` part and optional `alt`, `caption` and `credit`
/// fields. The file's bytes decide its type: JPEG, PNG, WebP and GIF are accepted. EXIF
/// orientation is applied and metadata (camera, location) removed; renditions of every
/// configured width are made in WebP and the original format before the answer.
#[utoipa::path(
    operation_id = "upload_media",
    tag = "media",
    security(("bearer" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "The stored item", body = LibraryItem, headers(("Location" = String))),
        (status = 400, description = "The form is malformed or lacks `file`", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not upload", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The file is over the upload limit", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not multipart, or the file is not an accepted image", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid text fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/media")]
pub async fn upload_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: web::Payload,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    library::may_upload(&actor)?;
    let limit = state.media.upload_limit;
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    // The form around the file adds a little; a body far over the limit is refused unread.
    if declared.is_some_and(|len| len > limit + 64 * 1024) {
        return Err(AppError::PayloadTooLarge { limit });
    }
    let (file, meta) = read_form(&req, payload, limit).await?;
    let saved = library::upload(&state, &actor, file, meta).await?;
    let mut response = private_json(&saved)?;
    *response.status_mut() = StatusCode::CREATED;
    if let Ok(location) = header::HeaderValue::from_str(&format!("/api/v1/media/{}", saved.image.id)) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Reads an upload form: the file goes to an anonymous temporary file as it arrives (never
/// whole into memory), the text fields are small.
async fn read_form(req: &HttpRequest, payload: web::Payload, limit: u64) -> AppResult<(std::fs::File, UploadMeta)> {
    let essence = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase());
    if essence.as_deref() != Some("multipart/form-data") {
        return Err(AppError::UnsupportedMedia("send the upload as multipart/form-data with a `file` part".into()));
    }
    let mut form = Multipart::new(req.headers(), payload);
    let mut file = None;
    let mut meta = UploadMeta::default();
    while let Some(field) = form.try_next().await.map_err(malformed)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if file.is_some() => return Err(AppError::bad_param("file", "must be sent once")),
            "file" => file = Some(spool(field, limit).await?),
            "alt" => meta.alt = Some(text_field(field, "alt").await?),
            "caption" => meta.caption = Some(text_field(field, "caption").await?),
            "credit" => meta.credit = Some(text_field(field, "credit").await?),
            other => {
                return Err(AppError::bad_param(
                    if other.is_empty() { "form" } else { other },
                    "is not a field of an upload (file, alt, caption, credit)",
                ));
            }
        }
    }
    let file = file.ok_or_else(|| AppError::bad_param("file", "is required: the image to upload"))?;
    Ok((file, meta))
}

fn malformed(err: actix_multipart::MultipartError) -> AppError {
    AppError::bad_param("form", format!("is not valid multipart/form-data: {err}"))
}

async fn spool(mut field: Field, limit: u64) -> AppResult<std::fs::File> {
    let temp = tempfile::tempfile().map_err(|e| AppError::Internal(e.into()))?;
    let mut out = tokio::fs::File::from_std(temp);
    let mut written = 0u64;
    while let Some(chunk) = field.try_next().await.map_err(malformed)? {
        written += chunk.len() as u64;
        if written > limit {
            return Err(AppError::PayloadTooLarge { limit });
        }
        out.write_all(&chunk).await.map_err(|e| AppError::Internal(e.into()))?;
    }
    out.flush().await.map_err(|e| AppError::Internal(e.into()))?;
    Ok(out.into_std().await)
}

async fn text_field(mut field: Field, name: &str) -> AppResult<String> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.try_next().await.map_err(malformed)? {
        if bytes.len() + chunk.len() > MAX_FIELD_BYTES {
            return Err(AppError::bad_param(name, format!("must be at most {MAX_FIELD_BYTES} bytes")));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::bad_param(name, "must be UTF-8 text"))
}

/// Filters of the media library.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LibraryParams {
    /// Words in the alt text, caption or credit; diacritics and case are ignored.
    #[param(example = "nguoi dan")]
    q: Option<String>,
    /// Id of the uploading account.
    uploaded_by: Option<String>,
    /// Uploaded at or after this time (RFC 3339, or a date in the site's time zone).
    uploaded_after: Option<String>,
    /// Uploaded before this time.
    uploaded_before: Option<String>,
    /// Page size, 1–100 (default 20).
    limit: Option<String>,
    /// `meta.next_cursor` of the previous page.
    cursor: Option<String>,
    /// Page number, instead of a cursor.
    page: Option<String>,
}

/// List the media library, newest first (editors and authors).
#[utoipa::path(
    operation_id = "list_media",
    tag = "media",
    security(("bearer" = [])),
    params(LibraryParams),
    responses(
        (status = 200, description = "A page of the library", body = Page<LibraryItem>),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The role may not browse the library", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The date range ends before it starts", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/media")]
pub async fn list_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<LibraryParams>,
) -> AppResult<HttpResponse> {
    let actor = auth::viewer(&req, &state).await?.require()?;
    let tz = state.snapshot().presenter.tz;
    let non_empty = |v: &Option<String>| v.as_deref().filter(|s| !s.trim().is_empty()).map(str::to_owned);
    let instant = |field: &str, v: &Option<String>| {
        non_empty(v).map(|raw| services::articles::parse_instant(field, &raw, tz)).transpose()
    };
    let filter = LibraryFilter {
        text: non_empty(&params.q),
        uploaded_by: non_empty(&params.uploaded_by)
            .map(|raw| raw.parse::<i64>().map_err(|_| AppError::bad_param("uploaded_by", "must be an account id")))
            .transpose()?,
        uploaded_after: instant("uploaded_after", &params.uploaded_after)?,
        uploaded_before: instant("uploaded_before", &params.uploaded_before)?,
    }
    .validated()?;
    let page = PageRequest::parse(
        &state.cursor_key,
        filter.fingerprint(),
        params.limit.as_deref(),
        params.cursor.as_deref(),
        params.page.as_deref(),
    )?;
    private_json(&library::list(&state, &actor, &filter, &page).await?)
}

fn media_id(raw: &str) -> AppResult<i64> {
    raw.parse::<i64>().map_err(|_| AppError::bad_param("id", "must be an integer"))
}

/// Get a media item's metadata.
///
/// Without a token only media used by a public article (or an author's portrait) is visible;
/// the newsroom sees every item.
#[utoipa::path(
    operation_id = "get_media",
    tag = "media",
    params(("id" = i64, Path, description = "Media item id")),
    responses(
        (status = 200, description = "The media item", body = Image, headers(("ETag" = String))),
        (status = 304, description = "Not modified since the `If-None-Match` ETag"),
        (status = 400, description = "The id is not an integer", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "The token is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No visible media item has this id", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/media/{id}")]
pub async fn get_media(req: HttpRequest, state: web::Data<AppState>, id: web::Path<String>) -> AppResult<HttpResponse> {
    let id = media_id(&id)?;
    if let Viewer::Staff(actor) = auth::viewer(&req, &state).await? {
        return private_json(&library::image(&state, &actor, id).await?);
    }
    respond::public(&req, &state, || async { respond::json(&media_service::get(&state, id).await?) }).await
}

/// Change a media item's alt text, caption or credit (editors; authors their own uploads);
/// every article showing it is updated at once.
#[utoipa::path(
    operation_id = "update_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Media item id")),
    request_body = MediaInput,
    responses(
        (status = 200, description = "The media item", body = LibraryItem),
        (status = 400, description = "The id or body is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Authors may edit only their own uploads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such media item", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/media/{id}")]
pub async fn update_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: JsonObject<MediaInput>,
) -> AppResult<HttpResponse> {
    let id = media_id(&id)?;
    let actor = auth::viewer(&req, &state).await?.require()?;
    private_json(&library::update(&state, &actor, id, body.0).await?)
}

/// Whether to take the image out of the articles that use it.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeleteParams {
    /// `true` deletes an item that articles use, removing it from their body, cover and
    /// social image first.
    force: Option<String>,
}

/// Delete a media item (editors; authors their own uploads). Refused with 409 while an
/// article or author profile uses it, unless `force=true`.
#[utoipa::path(
    operation_id = "delete_media",
    tag = "media",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Media item id"), DeleteParams),
    responses(
        (status = 200, description = "Deleted", body = Deleted),
        (status = 400, description = "A parameter is malformed", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No valid access token", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Authors may delete only their own uploads", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such media item", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "In use; delete with `force=true`", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/media/{id}")]
pub async fn delete_media(
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<DeleteParams>,
) -> AppResult<HttpResponse> {
    let id = media_id(&id)?;
    let force = match params.force.as_deref() {
        None | Some("" | "false") => false,
        Some("true") => true,
        Some(_) => return Err(AppError::bad_param("force", "must be true or false")),
    };
    let actor = auth::viewer(&req, &state).await?.require()?;
    private_json(&library::delete(&state, &actor, id, force).await?)
}

/// Download a media file: an original or one of its renditions.
///
/// Files are content-addressed: a URL never changes meaning, so it may be cached for a year.
/// Supports `Range` and `If-None-Match`. Files of media no public article uses are served
/// only to the newsroom.
#[utoipa::path(
    operation_id = "get_file",
    tag = "media",
    params(("key" = String, Path, description = "Content-addressed file name", example = "3f2a9c0d1b7e4a66-640.webp")),
    responses(
        (status = 200, description = "The file", content_type = "image/*"),
        (status = 206, description = "Part of the file, for a `Range` request"),
        (status = 304, description = "Not modified"),
        (status = 404, description = "No visible file has this name", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "The range is outside the file"),
    )
)]
#[get("/files/{key}")]
pub async fn get_file(req: HttpRequest, state: web::Data<AppState>, key: web::Path<String>) -> AppResult<HttpResponse> {
    let key = FileKey::parse(&key).ok_or(AppError::NotFound("file"))?;
    let public = media_service::is_public_file(&state, &key).await?;
    if !public {
        // Without a valid newsroom token a file that is not public does not exist.
        let Ok(Viewer::Staff(actor)) = auth::viewer(&req, &state).await else {
            return Err(AppError::NotFound("file"));
        };
        media_service::library::file_visible_to(&state, &actor, &key).await?;
    }
    let cache = if public { "public, max-age=31536000, immutable" } else { "private, max-age=31536000, immutable" };
    let etag = format!("\"{key}\"");
    let name = key.to_string();
    let matches_etag = |value: &str| value.split(',').any(|tag| matches!(tag.trim(), "*") || tag.trim() == etag);
    if let Some(tags) = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok())
        && matches_etag(tags)
    {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .insert_header((header::CACHE_CONTROL, cache))
            .finish());
    }
    let size = state.media.storage.size(&name).await?.ok_or(AppError::NotFound("file"))?;
    let if_range_ok = req.headers().get(header::IF_RANGE).and_then(|v| v.to_str().ok()).is_none_or(|v| v == etag);
    let range = match req.headers().get(header::RANGE).and_then(|v| v.to_str().ok()) {
        Some(raw) if if_range_ok => match actix_files::HttpRange::parse(raw, size) {
            Ok(ranges) if ranges.len() == 1 => Some((ranges[0].start, ranges[0].start + ranges[0].length)),
            // Several ranges at once: the whole file is a valid answer.
            Ok(_) => None,
            Err(_) => {
                return Ok(HttpResponse::RangeNotSatisfiable()
                    .insert_header((header::CONTENT_RANGE, format!("bytes */{size}")))
                    .finish());
            }
        },
        _ => None,
    };
    let stream = state.media.storage.stream(&name, range.map(|(start, end)| start..end)).await?;
    let mut response = match range {
        Some((start, end)) => {
            let mut r = HttpResponse::PartialContent();
            r.insert_header((header::CONTENT_RANGE, format!("bytes {start}-{}/{size}", end - 1)));
            r.no_chunking(end - start);
            r
        }
        None => {
            let mut r = HttpResponse::Ok();
            r.no_chunking(size);
            r
        }
    };
    Ok(response
        .content_type(key.format.mime())
        .insert_header((header::ETAG, etag))
        .insert_header((header::CACHE_CONTROL, cache))
        .insert_header((header::ACCEPT_RANGES, "bytes"))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .streaming(stream))
}
