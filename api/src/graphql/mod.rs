//! The GraphQL API for frontend teams: the same service layer as REST, exposed as a schema
//! with DataLoaders, depth and complexity limits, persisted queries and a GraphQL-over-HTTP
//! compliant endpoint.

pub mod documents;
pub mod errors;
pub mod http;
pub mod loaders;
pub mod mutation;
mod ordering;
pub mod query;
pub mod types;

use async_graphql::{Context, EmptySubscription, Schema};

use self::{mutation::MutationRoot, query::QueryRoot};
use crate::auth::Viewer;

pub type BantinSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// Who sent the request, attached by the HTTP handler.
pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> async_graphql::Result<&'a Viewer> {
    ctx.data::<Viewer>()
}

/// Limits applied before a query executes.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_depth: usize,
    pub max_complexity: usize,
    /// Largest `first` a list accepts.
    pub max_page_size: u64,
    pub introspection: bool,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_depth: 10, max_complexity: 2_000, max_page_size: 100, introspection: true }
    }
}

/// The schema, without request data; `http` attaches the state and loaders per request, and
/// handles persisted queries and response order itself (see [`documents`]).
pub fn schema(limits: Limits) -> BantinSchema {
    let mut builder = Schema::build(QueryRoot, MutationRoot, EmptySubscription)
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .data(limits);
    if !limits.introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The SDL committed as `schema/schema.graphql`.
pub fn sdl() -> String {
    schema(Limits::default()).sdl()
}
