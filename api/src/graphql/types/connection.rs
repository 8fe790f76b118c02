//! Relay connections: `edges { cursor node }`, `nodes`, `pageInfo`, and `totalCount` computed
//! only when asked.

use std::sync::Arc;

use actix_web::web;
use async_graphql::{Context, Object, Result, SimpleObject};

use super::{Article, Author, Tag, limits, loaders, state};
use crate::{
    error::AppError,
    graphql::errors::{gql, gql_shared},
    pagination::{Page, PageRequest, Position},
    services::{
        articles::{self, ArticleFilter, SharedSummary},
        authors::{self, list_fingerprint_of_authors},
        tags::{self, list_fingerprint_of_tags},
    },
    state::AppState,
};

/// Where a page sits in its list.
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether another page follows; continue with `after: endCursor`.
    pub has_next_page: bool,
    /// True when the page was asked for with `after`.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item; pass it as `after` for the next page.
    pub end_cursor: Option<String>,
}

/// An article and the cursor that continues its list after it.
#[derive(SimpleObject)]
pub struct ArticleEdge {
    /// Pass as `after` to continue after this article.
    pub cursor: String,
    /// The article.
    pub node: Article,
}

/// A page of articles, newest first. Cursors are signed only when a query asks for them.
pub struct ArticleConnection {
    filter: ArticleFilter,
    items: Vec<Arc<SharedSummary>>,
    has_next: bool,
    has_previous: bool,
}

/// Validates `first` against the configured maximum page size.
pub fn page_size(ctx: &Context<'_>, first: Option<i32>) -> Result<u64> {
    let max = limits(ctx).max_page_size;
    u64::try_from(first.unwrap_or(20))
        .ok()
        .filter(|n| (1..=max).contains(n))
        .ok_or_else(|| gql(AppError::bad_param("first", format!("must be from 1 to {max}"))))
}

/// Resolves an article list: first pages go through the batching loader, later pages by cursor.
pub async fn article_connection(
    ctx: &Context<'_>,
    filter: ArticleFilter,
    first: Option<i32>,
    after: Option<String>,
) -> Result<ArticleConnection> {
    let state = state(ctx)?;
    let limit = page_size(ctx, first)?;
    let after = after.filter(|a| !a.is_empty());
    let has_previous = after.is_some();
    let page: Page<Arc<SharedSummary>> = match after {
        None => loaders(ctx)?
            .first_page
            .load_one((filter.clone(), limit))
            .await
            .map_err(gql_shared)?
            .ok_or_else(|| gql(AppError::NotFound("list")))?,
        Some(cursor) => {
            let request = PageRequest::parse(&state.cursor_key, filter.fingerprint(), None, Some(&cursor), None)
                .map_err(|e| gql(rename_cursor(e)))?;
            let request = PageRequest { limit, ..request };
            articles::list(state, &filter, &request).await.map_err(gql)?
        }
    };
    Ok(ArticleConnection { filter, items: page.data, has_next: page.meta.has_more, has_previous })
}

/// GraphQL calls the cursor argument `after`.
pub fn rename_cursor(err: AppError) -> AppError {
    match err {
        AppError::BadRequest { code, detail, mut errors } => {
            for e in &mut errors {
                if e.field == "cursor" {
                    e.field = "after".into();
                }
            }
            AppError::BadRequest { code, detail: detail.replace("`cursor`", "`after`"), errors }
        }
        other => other,
    }
}

/// A page of articles, newest first.
#[Object]
impl ArticleConnection {
    /// The articles of this page with their cursors.
    async fn edges(&self, ctx: &Context<'_>) -> Result<Vec<ArticleEdge>> {
        let state = state(ctx)?;
        Ok(self
            .items
            .iter()
            .map(|item| ArticleEdge {
                cursor: articles::cursor_of(state, &self.filter, item),
                node: Article::from_summary(item.clone()),
            })
            .collect())
    }

    /// The articles of this page, without cursors.
    async fn nodes(&self) -> Vec<Article> {
        self.items.iter().map(|item| Article::from_summary(item.clone())).collect()
    }

    /// Where this page sits in the list.
    async fn page_info(&self, ctx: &Context<'_>) -> Result<PageInfo> {
        let state = state(ctx)?;
        let cursor = |item: &Arc<SharedSummary>| articles::cursor_of(state, &self.filter, item);
        Ok(PageInfo {
            has_next_page: self.has_next,
            has_previous_page: self.has_previous,
            start_cursor: self.items.first().map(cursor),
            end_cursor: self.items.last().map(cursor),
        })
    }

    /// Number of public articles in the whole list; costs one count query.
    async fn total_count(&self, ctx: &Context<'_>) -> Result<i64> {
        let n = articles::count(state(ctx)?, &self.filter).await.map_err(gql)?;
        Ok(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// Declares the edge and connection types of a slug-ordered list of `$node`.
macro_rules! slug_connection {
    ($node:ident, $edge:ident, $connection:ident, $what:literal) => {
        #[doc = concat!("One ", $what, " and the cursor that continues the list after it.")]
        #[derive(SimpleObject)]
        pub struct $edge {
            /// Pass as `after` to continue after this item.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        #[doc = concat!("A page of ", $what, "s in slug order.")]
        #[derive(SimpleObject)]
        pub struct $connection {
            /// The items of this page with their cursors.
            pub edges: Vec<$edge>,
            /// The items of this page, without cursors.
            pub nodes: Vec<$node>,
            /// Where this page sits in the list.
            pub page_info: PageInfo,
        }

        impl From<(Vec<(String, $node)>, PageInfo)> for $connection {
            fn from((items, page_info): (Vec<(String, $node)>, PageInfo)) -> Self {
                let nodes = items.iter().map(|(_, node)| node.clone()).collect();
                let edges = items.into_iter().map(|(cursor, node)| $edge { cursor, node }).collect();
                $connection { edges, nodes, page_info }
            }
        }
    };
}

slug_connection!(Author, AuthorEdge, AuthorConnection, "author");
slug_connection!(Tag, TagEdge, TagConnection, "tag");

fn page_info<T>(items: &[(String, T)], has_next: bool, has_previous: bool) -> PageInfo {
    PageInfo {
        has_next_page: has_next,
        has_previous_page: has_previous,
        start_cursor: items.first().map(|(c, _)| c.clone()),
        end_cursor: items.last().map(|(c, _)| c.clone()),
    }
}

/// The page request of a slug-ordered list, and whether it continues an earlier page.
fn slug_request(
    ctx: &Context<'_>,
    list: u64,
    first: Option<i32>,
    after: Option<String>,
) -> Result<(PageRequest, bool)> {
    let state = state(ctx)?;
    let limit = page_size(ctx, first)?;
    let after = after.filter(|a| !a.is_empty());
    let request =
        PageRequest::parse(&state.cursor_key, list, None, after.as_deref(), None).map_err(|e| gql(rename_cursor(e)))?;
    Ok((PageRequest { limit, ..request }, after.is_some()))
}

/// Cursors for slug-ordered items, with the page's info.
fn with_cursors<T>(
    state: &AppState,
    list: u64,
    items: impl Iterator<Item = (String, T)>,
    has_next: bool,
    has_previous: bool,
) -> (Vec<(String, T)>, PageInfo) {
    let items: Vec<(String, T)> =
        items.map(|(slug, item)| (state.cursor_key.encode(list, Position::Slug { s: slug }), item)).collect();
    let info = page_info(&items, has_next, has_previous);
    (items, info)
}

pub async fn author_connection(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> Result<AuthorConnection> {
    let list = list_fingerprint_of_authors();
    let (request, has_previous) = slug_request(ctx, list, first, after)?;
    let state: &web::Data<AppState> = state(ctx)?;
    let page = authors::list(state, &request).await.map_err(gql)?;
    let items = page.data.into_iter().map(|a| (a.slug.clone(), Author(a)));
    Ok(with_cursors(state, list, items, page.meta.has_more, has_previous).into())
}

pub async fn tag_connection(ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<TagConnection> {
    let list = list_fingerprint_of_tags();
    let (request, has_previous) = slug_request(ctx, list, first, after)?;
    let state: &web::Data<AppState> = state(ctx)?;
    let page = tags::list(state, &request).await.map_err(gql)?;
    let items = page.data.into_iter().map(|t| (t.slug.clone(), Tag(t)));
    Ok(with_cursors(state, list, items, page.meta.has_more, has_previous).into())
}
