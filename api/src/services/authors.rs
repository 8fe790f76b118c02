//! Authors: the people who sign articles.

use bantin_entity::author;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    articles::{self, ArticleFilter},
    media::docs_by_ids,
};
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    pagination::{Page, PageMeta, PageRequest, Position, list_fingerprint},
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
    let avatars = docs_by_ids(state.db(), rows.iter().filter_map(|a| a.avatar_media_id).collect()).await?;
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
    let mut rows = query.offset(page.offset()).limit(page.limit + 1).all(state.db()).await?;
    let has_more = rows.len() as u64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
    let next_cursor = has_more
        .then(|| rows.last())
        .flatten()
        .map(|last| state.cursor_key.encode(list_fingerprint_of_authors(), Position::Slug { s: last.slug.clone() }));
    let mut meta = PageMeta { limit: page.limit, next_cursor, has_more, ..PageMeta::default() };
    if let Some(number) = page.page {
        let total = author::Entity::find().count(state.db()).await?;
        meta.page = Some(number);
        meta.total = Some(total);
        meta.total_pages = Some(total.div_ceil(page.limit));
    }
    Ok(Page { data: present(state, rows).await?, meta })
}

/// An author by slug.
pub async fn find(state: &AppState, slug: &str) -> AppResult<Author> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("author"))?;
    let row = author::Entity::find()
        .filter(author::Column::Slug.eq(slug.as_str()))
        .one(state.db())
        .await?
        .ok_or(AppError::NotFound("author"))?;
    present(state, vec![row]).await?.into_iter().next().ok_or(AppError::NotFound("author"))
}

/// An author's page: the author and how many public articles they signed.
pub async fn get(state: &AppState, slug: &str) -> AppResult<AuthorDetail> {
    let author = find(state, slug).await?;
    let filter = ArticleFilter { author: Some(author.slug.clone()), ..ArticleFilter::default() };
    Ok(AuthorDetail { article_count: articles::count(state, &filter).await?, author })
}
