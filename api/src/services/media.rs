//! Media items as the public sees them: only those a public article uses, or an author's
//! portrait. A photo attached to a draft stays private until the draft is published.

use std::collections::HashMap;

use bantin_entity::media;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter};

use super::visibility::push_public;
use crate::{
    error::{AppError, AppResult},
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
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT m.* FROM media m WHERE m.id = ").bind(id).push(" AND ");
    push_media_public(&mut sql);
    let row =
        media::Entity::find().from_raw_sql(sql.build()).one(&state.db).await?.ok_or(AppError::NotFound("media"))?;
    Ok(state.snapshot().presenter.image(image_doc(row)))
}

/// The MIME type of a stored file, if some public media item uses it.
pub async fn public_file_mime(state: &AppState, file_key: &str) -> AppResult<String> {
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT m.mime FROM media m WHERE m.file_key = ").bind(file_key).push(" AND ");
    push_media_public(&mut sql);
    sql.push(" LIMIT 1");
    let row = state.db.query_one_raw(sql.build()).await?.ok_or(AppError::NotFound("file"))?;
    Ok(row.try_get("", "mime")?)
}
