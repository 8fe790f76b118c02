//! The newsroom's media library: upload, browse and search, describe, delete. Editors manage
//! every item; authors upload and manage their own.

use std::collections::HashMap;

use async_graphql::{InputObject, MaybeUndefined, SimpleObject};
use bantin_entity::{article, article_media, author, media};
use chrono::{DateTime, SubsecRound, Utc};
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
    sea_query::{Expr, ExprTrait, LikeExpr},
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::{files, image_doc};
use crate::{
    domain::{
        blocks::Block,
        text::{fold, nfc},
    },
    error::{AppError, AppResult, FieldError},
    pagination::{Page, PageMeta, PageRequest, Position, list_fingerprint},
    services::{
        articles::ordered_range,
        audit, changes,
        editorial::read_models,
        permissions::{Action, Actor, authorize, authorize_media},
    },
    state::AppState,
    views::{Image, Presenter},
};

/// Longest alt text, caption or credit accepted.
const MAX_TEXT: usize = 500;

/// Media metadata to set; absent fields stay as they are, `null` clears caption or credit.
#[derive(Clone, Debug, Default, Deserialize, ToSchema, InputObject)]
#[serde(default, deny_unknown_fields)]
pub struct MediaInput {
    /// Text alternative for screen readers; may not be emptied.
    pub alt: Option<String>,
    /// Caption printed under the photo.
    #[schema(value_type = Option<String>)]
    pub caption: MaybeUndefined<String>,
    /// Photographer or source.
    #[schema(value_type = Option<String>)]
    pub credit: MaybeUndefined<String>,
}

/// The text sent with an upload.
#[derive(Clone, Debug, Default, InputObject)]
pub struct UploadMeta {
    /// Text alternative for screen readers; the caption is used when it is missing.
    pub alt: Option<String>,
    /// Caption printed under the photo.
    pub caption: Option<String>,
    /// Photographer or source.
    pub credit: Option<String>,
}

/// A media item as the newsroom sees it.
#[derive(Clone, Debug, Serialize, ToSchema, SimpleObject)]
pub struct LibraryItem {
    /// The image with its URLs and renditions, as articles show it.
    pub image: Image,
    /// Size of the served original in bytes.
    pub byte_size: i64,
    /// Id of the account that uploaded it; `null` for imported content.
    pub uploaded_by: Option<i64>,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
    /// Number of articles (any status) and author profiles that show it; deleting needs
    /// `force` while this is above zero.
    pub used_by: i64,
}

/// Which items to list.
#[derive(Clone, Debug, Default)]
pub struct LibraryFilter {
    /// Words in the alt text, caption or credit, diacritics ignored.
    pub text: Option<String>,
    pub uploaded_by: Option<i64>,
    pub uploaded_after: Option<DateTime<Utc>>,
    pub uploaded_before: Option<DateTime<Utc>>,
}

impl LibraryFilter {
    /// Refuses a date range that ends before it starts.
    pub fn validated(self) -> AppResult<Self> {
        ordered_range(("uploaded_after", self.uploaded_after), ("uploaded_before", self.uploaded_before))?;
        Ok(self)
    }

    pub fn fingerprint(&self) -> u64 {
        list_fingerprint(&format!(
            "media|{:?}|{:?}|{:?}|{:?}",
            self.text.as_deref().map(fold),
            self.uploaded_by,
            self.uploaded_after,
            self.uploaded_before
        ))
    }
}

fn invalid(field: &str, message: impl Into<String>) -> FieldError {
    FieldError { field: field.to_owned(), message: message.into() }
}

/// NFC, trimmed, empty as `None`, at most [`MAX_TEXT`] characters.
fn clean_text(field: &str, raw: Option<&str>, errors: &mut Vec<FieldError>) -> Option<String> {
    let text = raw.map(|t| nfc(t.trim())).filter(|t| !t.is_empty())?;
    if text.chars().count() > MAX_TEXT {
        errors.push(invalid(field, format!("must be at most {MAX_TEXT} characters")));
    }
    Some(text)
}

fn search_text(alt: &str, caption: Option<&str>, credit: Option<&str>) -> String {
    fold(&[Some(alt), caption, credit].into_iter().flatten().collect::<Vec<_>>().join(" "))
}

/// Validates upload metadata; an upload without alt text takes its caption as alt.
pub fn clean_upload_meta(meta: &UploadMeta) -> AppResult<(String, Option<String>, Option<String>)> {
    let mut errors = Vec::new();
    let caption = clean_text("caption", meta.caption.as_deref(), &mut errors);
    let credit = clean_text("credit", meta.credit.as_deref(), &mut errors);
    let alt = clean_text("alt", meta.alt.as_deref(), &mut errors).or_else(|| caption.clone());
    if alt.is_none() {
        errors.push(invalid("alt", "is required (a description for screen readers), or give a caption"));
    }
    match alt {
        Some(alt) if errors.is_empty() => Ok((alt, caption, credit)),
        _ => Err(AppError::invalid_fields(errors)),
    }
}

/// Whether `actor` may upload; asked before an upload's body is read.
pub fn may_upload(actor: &Actor) -> AppResult<()> {
    authorize(actor, Action::UploadMedia, None)
}

/// Serves the newsroom the files of items no public article uses yet (a photo for a draft).
pub async fn file_visible_to(state: &AppState, actor: &Actor, key: &crate::imaging::FileKey) -> AppResult<()> {
    authorize(actor, Action::BrowseMedia, None).map_err(|_| AppError::NotFound("file"))?;
    if super::serves(state, key, false).await? { Ok(()) } else { Err(AppError::NotFound("file")) }
}

/// Stores an uploaded image and adds it to the library.
pub async fn upload(state: &AppState, actor: &Actor, file: std::fs::File, meta: UploadMeta) -> AppResult<LibraryItem> {
    may_upload(actor)?;
    let (alt, caption, credit) = clean_upload_meta(&meta)?;
    let stored = files::store_upload(&state.media, file).await?;
    let txn = state.db().begin().await?;
    let row = media::Entity::insert(media::ActiveModel {
        file_key: Set(stored.key.to_string()),
        mime: Set(stored.key.format.mime().to_owned()),
        width: Set(i32::try_from(stored.width).unwrap_or(i32::MAX)),
        height: Set(i32::try_from(stored.height).unwrap_or(i32::MAX)),
        byte_size: Set(stored.byte_size),
        search_text: Set(search_text(&alt, caption.as_deref(), credit.as_deref())),
        alt: Set(alt),
        caption: Set(caption),
        credit: Set(credit),
        created_at: Set(Utc::now().trunc_subsecs(6)),
        uploaded_by: Set(Some(actor.user_id)),
        ..Default::default()
    })
    .exec_with_returning(&txn)
    .await?;
    audit::record(&txn, Some(actor), "media.upload", ("media", Some(row.id)), json!({ "file": row.file_key })).await?;
    txn.commit().await?;
    Ok(item(&state.snapshot().presenter, row, 0))
}

fn item(presenter: &Presenter, row: media::Model, used_by: i64) -> LibraryItem {
    LibraryItem {
        byte_size: row.byte_size,
        uploaded_by: row.uploaded_by,
        created_at: row.created_at,
        used_by,
        image: presenter.image(image_doc(row)),
    }
}

/// How many articles and author profiles show each of `ids`.
async fn usage<C: ConnectionTrait>(db: &C, ids: &[i64]) -> AppResult<HashMap<i64, i64>> {
    let mut counts: HashMap<i64, i64> = HashMap::new();
    if ids.is_empty() {
        return Ok(counts);
    }
    let uses: Vec<i64> = article_media::Entity::find()
        .select_only()
        .column(article_media::Column::MediaId)
        .filter(article_media::Column::MediaId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    let portraits: Vec<Option<i64>> = author::Entity::find()
        .select_only()
        .column(author::Column::AvatarMediaId)
        .filter(author::Column::AvatarMediaId.is_in(ids.to_vec()))
        .into_tuple()
        .all(db)
        .await?;
    for id in uses.into_iter().chain(portraits.into_iter().flatten()) {
        *counts.entry(id).or_default() += 1;
    }
    Ok(counts)
}

/// The library, newest first, filtered.
pub async fn list(
    state: &AppState,
    actor: &Actor,
    filter: &LibraryFilter,
    page: &PageRequest,
) -> AppResult<Page<LibraryItem>> {
    authorize(actor, Action::BrowseMedia, None)?;
    let mut query = media::Entity::find();
    if let Some(text) = &filter.text {
        for word in fold(text).split_whitespace() {
            let pattern = format!("%{}%", word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
            query = query.filter(Expr::col(media::Column::SearchText).like(LikeExpr::new(pattern).escape('\\')));
        }
    }
    if let Some(uploader) = filter.uploaded_by {
        query = query.filter(media::Column::UploadedBy.eq(uploader));
    }
    if let Some(after) = filter.uploaded_after {
        query = query.filter(media::Column::CreatedAt.gte(after));
    }
    if let Some(before) = filter.uploaded_before {
        query = query.filter(media::Column::CreatedAt.lt(before));
    }
    let total = if page.page.is_some() { Some(query.clone().count(state.db()).await?) } else { None };
    if let Some(Position::Time { t, i }) = &page.after {
        // Cursors hold microseconds; rows written with finer precision still sort inside
        // their microsecond, so "the same microsecond" is the half-open interval after `at`.
        let at = DateTime::<Utc>::from_timestamp_micros(*t).unwrap_or_default();
        let next = at + chrono::Duration::microseconds(1);
        query = query.filter(
            Condition::any()
                .add(media::Column::CreatedAt.lt(at))
                .add(Condition::all().add(media::Column::CreatedAt.lt(next)).add(media::Column::Id.lt(*i))),
        );
    }
    let rows = query
        .order_by_desc(media::Column::CreatedAt)
        .order_by_desc(media::Column::Id)
        .offset(page.offset())
        .limit(page.limit + 1)
        .all(state.db())
        .await?;
    let has_more = rows.len() as u64 > page.limit;
    let rows: Vec<media::Model> = rows.into_iter().take(usize::try_from(page.limit).unwrap_or(usize::MAX)).collect();
    let next_cursor = match rows.last() {
        Some(last) if has_more && page.page.is_none() => Some(
            state
                .cursor_key
                .encode(filter.fingerprint(), Position::Time { t: last.created_at.timestamp_micros(), i: last.id }),
        ),
        _ => None,
    };
    let counts = usage(state.db(), &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    let snapshot = state.snapshot();
    let data = rows
        .into_iter()
        .map(|row| {
            let used = counts.get(&row.id).copied().unwrap_or(0);
            item(&snapshot.presenter, row, used)
        })
        .collect();
    Ok(Page {
        data,
        meta: PageMeta {
            limit: page.limit,
            next_cursor,
            has_more,
            page: page.page,
            total,
            total_pages: total.map(|t| t.div_ceil(page.limit)),
        },
    })
}

/// One image of the library, whatever uses it.
pub async fn image(state: &AppState, actor: &Actor, id: i64) -> AppResult<Image> {
    authorize(actor, Action::BrowseMedia, None)?;
    let row = media::Entity::find_by_id(id).one(state.db()).await?.ok_or(AppError::NotFound("media"))?;
    Ok(state.snapshot().presenter.image(image_doc(row)))
}

/// Changes alt text, caption or credit, everywhere the item is shown.
pub async fn update(state: &AppState, actor: &Actor, id: i64, input: MediaInput) -> AppResult<LibraryItem> {
    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    let current = media::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound("media"))?;
    authorize_media(actor, current.uploaded_by)?;
    let mut errors = Vec::new();
    let alt = match input.alt.as_deref() {
        None => current.alt.clone(),
        Some(raw) => clean_text("alt", Some(raw), &mut errors).unwrap_or_else(|| {
            errors.push(invalid("alt", "may not be empty"));
            String::new()
        }),
    };
    let caption = match Option::<Option<String>>::from(input.caption) {
        None => current.caption.clone(),
        Some(value) => clean_text("caption", value.as_deref(), &mut errors),
    };
    let credit = match Option::<Option<String>>::from(input.credit) {
        None => current.credit.clone(),
        Some(value) => clean_text("credit", value.as_deref(), &mut errors),
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_fields(errors));
    }
    let saved = media::Entity::update(media::ActiveModel {
        id: Set(id),
        search_text: Set(search_text(&alt, caption.as_deref(), credit.as_deref())),
        alt: Set(alt),
        caption: Set(caption),
        credit: Set(credit),
        ..Default::default()
    })
    .exec(&txn)
    .await?;
    let uses = Uses::of(&txn, id).await?;
    read_models::rebuild(&txn, &uses.articles).await?;
    audit::record(&txn, Some(actor), "media.update", ("media", Some(id)), json!({})).await?;
    txn.commit().await?;
    state.content_changed().await?;
    Ok(item(&state.snapshot().presenter, saved, uses.count()))
}

/// Who shows one media item.
struct Uses {
    articles: Vec<i64>,
    portraits: u64,
}

impl Uses {
    async fn of<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<Uses> {
        let articles = article_media::Entity::find()
            .select_only()
            .column(article_media::Column::ArticleId)
            .filter(article_media::Column::MediaId.eq(id))
            .into_tuple::<i64>()
            .all(db)
            .await?;
        let portraits = author::Entity::find().filter(author::Column::AvatarMediaId.eq(id)).count(db).await?;
        Ok(Uses { articles, portraits })
    }

    fn count(&self) -> i64 {
        i64::try_from(self.articles.len() as u64 + self.portraits).unwrap_or(i64::MAX)
    }
}

/// What a delete did.
#[derive(Clone, Debug, Serialize, ToSchema, SimpleObject)]
pub struct Deleted {
    /// The deleted item.
    pub id: i64,
    /// Articles the image was taken out of (only with `force`): their image blocks, cover or
    /// social image lost it, and their version went up.
    pub detached_from: Vec<i64>,
}

/// Deletes an item. While articles or author profiles use it the delete is refused (409),
/// unless `force`: then the image is taken out of them first. Files go when no other item
/// shares them.
pub async fn delete(state: &AppState, actor: &Actor, id: i64, force: bool) -> AppResult<Deleted> {
    let txn = state.db().begin().await?;
    changes::bump(&txn).await?;
    let row = media::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound("media"))?;
    authorize_media(actor, row.uploaded_by)?;
    let uses = Uses::of(&txn, id).await?;
    let used = uses.count();
    if used > 0 && !force {
        return Err(AppError::Conflict {
            code: "media_in_use",
            detail: format!(
                "the media item is used by {used} article(s) or author profile(s); take it out first or delete with force=true"
            ),
        });
    }
    let articles = uses.articles;
    for article_id in &articles {
        detach(&txn, *article_id, id).await?;
    }
    article_media::Entity::delete_many().filter(article_media::Column::MediaId.eq(id)).exec(&txn).await?;
    author::Entity::update_many()
        .col_expr(author::Column::AvatarMediaId, Expr::value(Option::<i64>::None))
        .filter(author::Column::AvatarMediaId.eq(id))
        .exec(&txn)
        .await?;
    media::Entity::delete_by_id(id).exec(&txn).await?;
    read_models::rebuild(&txn, &articles).await?;
    let shared = media::Entity::find().filter(media::Column::FileKey.eq(&row.file_key)).count(&txn).await? > 0;
    audit::record(&txn, Some(actor), "media.delete", ("media", Some(id)), json!({ "detached_from": articles })).await?;
    txn.commit().await?;
    state.content_changed().await?;
    if !shared {
        remove_files(state, &row).await;
    }
    Ok(Deleted { id, detached_from: articles })
}

/// Takes media item `media_id` out of an article's body, cover and social image.
async fn detach<C: ConnectionTrait>(db: &C, article_id: i64, media_id: i64) -> AppResult<()> {
    let Some(row) = article::Entity::find_by_id(article_id).one(db).await? else { return Ok(()) };
    let blocks: Vec<Block> = serde_json::from_value(row.body.clone()).map_err(|e| AppError::Internal(e.into()))?;
    let kept: Vec<Block> =
        blocks.into_iter().filter(|b| !matches!(b, Block::Image { media_id: m, .. } if *m == media_id)).collect();
    article::Entity::update(article::ActiveModel {
        id: Set(article_id),
        body: Set(serde_json::to_value(kept).map_err(|e| AppError::Internal(e.into()))?),
        cover_media_id: Set(row.cover_media_id.filter(|m| *m != media_id)),
        social_image_id: Set(row.social_image_id.filter(|m| *m != media_id)),
        version: Set(row.version + 1),
        updated_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(db)
    .await?;
    Ok(())
}

/// Deletes an image's files. A failure leaves an orphan file, never a broken item, so it is
/// logged rather than reported.
async fn remove_files(state: &AppState, row: &media::Model) {
    let Some(original) = crate::imaging::FileKey::parse(&row.file_key) else { return };
    let (Ok(width), Ok(height)) = (u32::try_from(row.width), u32::try_from(row.height)) else { return };
    let mut keys: Vec<String> =
        state.media.renditions.plan(&original, width, height).into_iter().map(|p| p.key.to_string()).collect();
    keys.push(row.file_key.clone());
    keys.dedup();
    for key in keys {
        if let Err(err) = state.media.storage.delete(&key).await {
            tracing::warn!(error = ?err, key, "a deleted media item's file stays in the storage");
        }
    }
}
