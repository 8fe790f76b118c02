//! Categories, authors and tags, each with its article list.

use actix_web::web;
use async_graphql::{Context, ID, Object, Result};
use bantin_entity::category;

use super::{ArticleConnection, article_connection, state};
use crate::{
    read_model::TagRef,
    services::{articles::ArticleFilter, authors},
    state::AppState,
    views::Image,
};

/// A section of the portal, in an ordered tree.
#[derive(Clone)]
pub struct Category(category::Model);

impl Category {
    pub fn by_id(state: &web::Data<AppState>, id: i64) -> Option<Category> {
        state.snapshot().categories.get(id).cloned().map(Category)
    }

    pub fn by_slug(state: &web::Data<AppState>, slug: &str) -> Option<Category> {
        state.snapshot().categories.by_slug(slug).cloned().map(Category)
    }

    pub fn top_level(state: &web::Data<AppState>) -> Vec<Category> {
        state.snapshot().categories.children_of(None).into_iter().cloned().map(Category).collect()
    }
}

/// A section of the portal, in an ordered tree.
#[Object]
impl Category {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL slug, unique.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// A sentence about the section.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The category above this one; none for a top-level section.
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<Category>> {
        Ok(self.0.parent_id.and_then(|id| state(ctx).ok().and_then(|s| Category::by_id(s, id))))
    }

    /// Sub-categories in editorial order.
    async fn children(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        let state = state(ctx)?;
        Ok(state.snapshot().categories.children_of(Some(self.0.id)).into_iter().cloned().map(Category).collect())
    }

    /// From the top section down to the parent (the breadcrumb, without this category).
    async fn ancestors(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        let state = state(ctx)?;
        let path = state.snapshot().categories.path(self.0.id);
        Ok(path.iter().take(path.len().saturating_sub(1)).filter_map(|c| Category::by_id(state, c.id)).collect())
    }

    /// Public articles of this category and its sub-categories, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = ArticleFilter { category: Some(self.0.slug.clone()), ..ArticleFilter::default() };
        article_connection(ctx, filter, first, after).await
    }
}

/// A person who signs articles.
#[derive(Clone)]
pub struct Author(pub authors::Author);

/// A person who signs articles.
#[Object]
impl Author {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL slug, unique.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Position at the newsroom.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// A few words about the author.
    async fn bio(&self) -> Option<&str> {
        self.0.bio.as_deref()
    }

    /// Portrait.
    async fn avatar(&self) -> Option<&Image> {
        self.0.avatar.as_ref()
    }

    /// Public articles this author signed, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = ArticleFilter { author: Some(self.0.slug.clone()), ..ArticleFilter::default() };
        article_connection(ctx, filter, first, after).await
    }
}

/// A topic label.
#[derive(Clone)]
pub struct Tag(pub TagRef);

/// A topic label.
#[Object]
impl Tag {
    /// Stable identifier.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// URL slug, unique.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Public articles with this tag, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = ArticleFilter { tag: Some(self.0.slug.clone()), ..ArticleFilter::default() };
        article_connection(ctx, filter, first, after).await
    }
}
