//! GraphQL object types, built from the service layer's views.

mod article;
mod body;
mod connection;
mod search;
mod taxonomy;

pub use article::{Article, ArticleFilterInput};
pub use body::BodyBlock;
pub use connection::{
    ArticleConnection, AuthorConnection, PageInfo, TagConnection, article_connection, author_connection, rename_cursor,
    tag_connection,
};
pub use search::{SearchConnection, search_connection};
pub use taxonomy::{Author, Category, Tag};

use actix_web::web;
use async_graphql::Context;

use super::{Limits, loaders::Loaders};
use crate::state::AppState;

/// The request's shared state, attached by the HTTP handler.
pub(crate) fn state<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a web::Data<AppState>> {
    ctx.data::<web::Data<AppState>>()
}

pub(crate) fn loaders<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Loaders> {
    ctx.data::<Loaders>()
}

pub(crate) fn limits(ctx: &Context<'_>) -> Limits {
    ctx.data_opt::<Limits>().copied().unwrap_or_default()
}
