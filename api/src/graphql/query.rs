//! The query root: what a frontend can read.

use async_graphql::{Context, ID, Object, Result};

use super::{
    errors::gql,
    types::{
        Article, ArticleConnection, ArticleFilterInput, Author, AuthorConnection, Category, Tag, TagConnection,
        article_connection, author_connection, state, tag_connection,
    },
};
use crate::{
    error::AppError,
    services::{articles, authors, site, tags},
};

/// What a frontend can read. Only public content: published (or scheduled and due), not deleted.
pub struct QueryRoot;

/// What a frontend can read. Only public content: published (or scheduled and due), not deleted.
#[Object(name = "Query")]
impl QueryRoot {
    /// A public article by slug or by id (give one). Null when nothing public matches.
    async fn article(&self, ctx: &Context<'_>, slug: Option<String>, id: Option<ID>) -> Result<Option<Article>> {
        let state = state(ctx)?;
        let found = match (slug, id) {
            (Some(slug), None) => articles::get(state, &slug).await,
            (None, Some(id)) => {
                let id = id.parse::<i64>().map_err(|_| gql(AppError::bad_param("id", "must be an article id")))?;
                articles::details_by_ids(state, &[id])
                    .await
                    .and_then(|mut found| found.remove(&id).ok_or(AppError::NotFound("article")))
            }
            _ => return Err(gql(AppError::bad_param("slug", "give exactly one of `slug` and `id`"))),
        };
        match found {
            Ok(detail) => Ok(Some(Article::from_detail(detail))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(gql(other)),
        }
    }

    /// Public articles, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilterInput>,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = filter.unwrap_or_default().into_filter()?;
        article_connection(ctx, filter, first, after).await
    }

    /// Top-level sections; walk `children` for the tree.
    async fn categories(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        Ok(Category::top_level(state(ctx)?))
    }

    /// A category by slug; null when there is none.
    async fn category(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Category>> {
        Ok(Category::by_slug(state(ctx)?, &slug))
    }

    /// Authors in slug order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn authors(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<AuthorConnection> {
        author_connection(ctx, first, after).await
    }

    /// An author by slug; null when there is none.
    async fn author(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Author>> {
        match authors::find(state(ctx)?, &slug).await {
            Ok(found) => Ok(Some(Author(found))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(gql(other)),
        }
    }

    /// Tags in slug order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn tags(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<TagConnection> {
        tag_connection(ctx, first, after).await
    }

    /// A tag by slug; null when there is none.
    async fn tag(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Tag>> {
        match tags::find(state(ctx)?, &slug).await {
            Ok(found) => Ok(Some(Tag(found))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(gql(other)),
        }
    }

    /// The portal's settings.
    async fn site(&self, ctx: &Context<'_>) -> Result<site::Site> {
        Ok(site::get(state(ctx)?))
    }
}
