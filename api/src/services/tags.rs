//! Tags: topic labels on articles.

use bantin_entity::tag;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Serialize;
use utoipa::ToSchema;

use super::articles::{self, ArticleFilter};
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    pagination::{Page, PageMeta, PageRequest, Position, list_fingerprint},
    read_model::TagRef,
    state::AppState,
};

/// A tag's page.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct TagDetail {
    #[serde(flatten)]
    pub tag: TagRef,
    /// Public articles with this tag.
    pub article_count: u64,
}

pub fn list_fingerprint_of_tags() -> u64 {
    list_fingerprint("tags")
}

/// Tags in slug order.
pub async fn list(state: &AppState, page: &PageRequest) -> AppResult<Page<TagRef>> {
    let mut query = tag::Entity::find().order_by_asc(tag::Column::Slug);
    match &page.after {
        Some(Position::Slug { s }) => query = query.filter(tag::Column::Slug.gt(s.as_str())),
        Some(_) => return Err(AppError::bad_param("cursor", "does not belong to the tag list")),
        None => {}
    }
    let mut rows = query.offset(page.offset()).limit(page.limit + 1).all(state.db()).await?;
    let has_more = rows.len() as u64 > page.limit;
    rows.truncate(usize::try_from(page.limit).unwrap_or(usize::MAX));
    let next_cursor = has_more
        .then(|| rows.last())
        .flatten()
        .map(|last| state.cursor_key.encode(list_fingerprint_of_tags(), Position::Slug { s: last.slug.clone() }));
    let mut meta = PageMeta { limit: page.limit, next_cursor, has_more, ..PageMeta::default() };
    if let Some(number) = page.page {
        let total = tag::Entity::find().count(state.db()).await?;
        meta.page = Some(number);
        meta.total = Some(total);
        meta.total_pages = Some(total.div_ceil(page.limit));
    }
    let data = rows.into_iter().map(|t| TagRef { id: t.id, slug: t.slug, name: t.name }).collect();
    Ok(Page { data, meta })
}

/// A tag by slug.
pub async fn find(state: &AppState, slug: &str) -> AppResult<TagRef> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("tag"))?;
    let row = tag::Entity::find()
        .filter(tag::Column::Slug.eq(slug.as_str()))
        .one(state.db())
        .await?
        .ok_or(AppError::NotFound("tag"))?;
    Ok(TagRef { id: row.id, slug: row.slug, name: row.name })
}

/// A tag's page: the tag and how many public articles carry it.
pub async fn get(state: &AppState, slug: &str) -> AppResult<TagDetail> {
    let tag = find(state, slug).await?;
    let filter = ArticleFilter { tag: Some(tag.slug.clone()), ..ArticleFilter::default() };
    Ok(TagDetail { article_count: articles::count(state, &filter).await?, tag })
}
