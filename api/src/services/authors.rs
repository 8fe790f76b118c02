//! Authors: the people who sign articles.

use bantin_entity::author;
use chrono::Utc;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::{media::docs_by_ids, visibility::push_public};
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    pagination::{Page, PageMeta, PageRequest, Position, list_fingerprint},
    sql::Sql,
    state::AppState,
    views::Image,
};

/// A person who signs articles.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Author {
    pub id: i64,
    #[schema(example = "hoang-tung")]
    pub slug: String,
    #[schema(example = "Hoàng Tùng")]
    pub name: String,
    /// Position at the newsroom.
    #[schema(example = "Phóng viên")]
    pub title: Option<String>,
    pub bio: Option<String>,
    pub avatar: Option<Image>,
}

/// An author's page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct AuthorDetail {
    #[serde(flatten)]
    pub author: Author,
    /// Public articles signed by this author.
    pub article_count: u64,
}

pub fn list_fingerprint_of_authors() -> u64 {
    list_fingerprint("authors")
}

async fn present(state: &AppState, rows: Vec<author::Model>) -> AppResult<Vec<Author>> {
    let avatars = docs_by_ids(&state.db, rows.iter().filter_map(|a| a.avatar_media_id).collect()).await?;
    let presenter = &state.snapshot().presenter;
    Ok(rows
        .into_iter()
        .map(|a| Author {
            avatar: a.avatar_media_id.and_then(|id| avatars.get(&id).cloned()).map(|doc| presenter.image(doc)),
            id: a.id,
            slug: a.slug,
            name: a.name,
            title: a.title,
            bio: a.bio,
        })
        .collect())
}

/// Authors in slug order (alphabetical without diacritics).
pub async fn list(state: &AppState, page: &PageRequest) -> AppResult<Page<Author>> {
    let mut query = author::Entity::find().order_by_asc(author::Column::Slug);
    match &page.after {
        Some(Position::Slug { s }) => query = query.filter(author::Column::Slug.gt(s.as_str())),
        Some(_) => return Err(AppError::bad_param("cursor", "does not belong to the author list")),
        None => {}
    }
    let mut rows = query.offset(page.offset()).limit(page.limit + 1).all(&state.db).await?;
    let has_more = rows.len() as u64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
    let next_cursor = has_more
        .then(|| rows.last())
        .flatten()
        .map(|last| state.cursor_key.encode(list_fingerprint_of_authors(), Position::Slug { s: last.slug.clone() }));
    let mut meta = PageMeta { limit: page.limit, next_cursor, has_more, ..PageMeta::default() };
    if let Some(number) = page.page {
        let total = author::Entity::find().count(&state.db).await?;
        meta.page = Some(number);
        meta.total = Some(total);
        meta.total_pages = Some(total.div_ceil(page.limit));
    }
    Ok(Page { data: present(state, rows).await?, meta })
}

pub async fn get(state: &AppState, slug: &str) -> AppResult<AuthorDetail> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("author"))?;
    let row = author::Entity::find()
        .filter(author::Column::Slug.eq(slug.as_str()))
        .one(&state.db)
        .await?
        .ok_or(AppError::NotFound("author"))?;
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT COUNT(*) AS n FROM article_authors w JOIN articles a ON a.id = w.article_id WHERE w.author_id = ")
        .bind(row.id)
        .push(" AND ");
    push_public(&mut sql, "a", Utc::now());
    let count = match state.db.query_one_raw(sql.build()).await? {
        Some(r) => r.try_get::<i64>("", "n")?,
        None => 0,
    };
    let author = present(state, vec![row]).await?.into_iter().next().ok_or(AppError::NotFound("author"))?;
    Ok(AuthorDetail { author, article_count: u64::try_from(count).unwrap_or_default() })
}
