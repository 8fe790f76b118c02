//! Media items. The public sees only those a public article uses, or an author's portrait: a
//! photo attached to a draft stays private until the draft is published. The newsroom sees the
//! whole library (`library`); files are made and stored by `files`.

pub mod files;
pub mod library;

use std::collections::HashMap;

use bantin_entity::media;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::visibility::push_public;
use crate::{
    error::{AppError, AppResult},
    imaging::{FileKey, Format},
    read_model::ImageDoc,
    sql::Sql,
    state::AppState,
    views::Image,
};

pub fn image_doc(row: media::Model) -> ImageDoc {
    ImageDoc {
        id: row.id,
        file_key: row.file_key,
        mime: row.mime,
        width: row.width,
        height: row.height,
        alt: row.alt,
        caption: row.caption,
        credit: row.credit,
    }
}

/// Loads several media items in one query.
pub async fn docs_by_ids(db: &DatabaseConnection, ids: Vec<i64>) -> Result<HashMap<i64, ImageDoc>, sea_orm::DbErr> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(media::Entity::find()
        .filter(media::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|m| (m.id, image_doc(m)))
        .collect())
}

/// Appends "this media row (alias `m`) is publicly visible".
fn push_media_public(sql: &mut Sql) {
    let now = Utc::now();
    sql.push(
        "(EXISTS (SELECT 1 FROM article_media u JOIN articles a ON a.id = u.article_id WHERE u.media_id = m.id AND ",
    );
    push_public(sql, "a", now);
    sql.push(") OR EXISTS (SELECT 1 FROM authors p WHERE p.avatar_media_id = m.id))");
}

/// Metadata of a public media item.
pub async fn get(state: &AppState, id: i64) -> AppResult<Image> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT m.* FROM media m WHERE m.id = ").bind(id).push(" AND ");
    push_media_public(&mut sql);
    let row =
        media::Entity::find().from_raw_sql(sql.build()).one(state.db()).await?.ok_or(AppError::NotFound("media"))?;
    Ok(state.snapshot().presenter.image(image_doc(row)))
}

/// Whether `key` is a served file (the original or a rendition in the current set) of a
/// public media item.
pub async fn is_public_file(state: &AppState, key: &FileKey) -> AppResult<bool> {
    serves(state, key, true).await
}

/// Whether `key` is a served file of some media item (only public ones with `public_only`).
async fn serves(state: &AppState, key: &FileKey, public_only: bool) -> AppResult<bool> {
    let candidates: Vec<String> = Format::ALL.iter().map(|f| FileKey::original(&key.stem, *f).to_string()).collect();
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT m.file_key, m.width, m.height FROM media m WHERE m.file_key IN ");
    sql.bind_list(candidates);
    if public_only {
        sql.push(" AND ");
        push_media_public(&mut sql);
    }
    sql.push(" LIMIT 1");
    let Some(row) = state.db().query_one_raw(sql.build()).await? else { return Ok(false) };
    let (file_key, width, height): (String, i32, i32) =
        (row.try_get("", "file_key")?, row.try_get("", "width")?, row.try_get("", "height")?);
    let Some(original) = FileKey::parse(&file_key) else { return Ok(false) };
    if *key == original {
        return Ok(true);
    }
    let (Ok(width), Ok(height)) = (u32::try_from(width), u32::try_from(height)) else { return Ok(false) };
    Ok(state.media.renditions.plan(&original, width, height).iter().any(|p| p.key == *key))
}
