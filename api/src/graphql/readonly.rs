//! Refuses mutations in requests that arrived over GET, after persisted queries have been
//! resolved: a hash-only GET names its query only by hash, so the HTTP layer cannot see it.

use std::sync::Arc;

use async_graphql::{
    ServerError, ServerResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery},
    parser::types::{ExecutableDocument, OperationType},
};

/// Marks a request that came over GET.
pub struct ViaGet;

/// The `extensions.code` of the refusal; the HTTP layer answers it with 405.
pub const CODE: &str = "mutation_over_get";

pub struct ReadOnlyGet;

impl ExtensionFactory for ReadOnlyGet {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ReadOnlyGetExtension)
    }
}

struct ReadOnlyGetExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for ReadOnlyGetExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        let writes = document.operations.iter().any(|(_, op)| op.node.ty != OperationType::Query);
        if writes && ctx.data_opt::<ViaGet>().is_some() {
            let mut error = ServerError::new("mutations must be sent with POST", None);
            let mut extensions = async_graphql::ErrorExtensionValues::default();
            extensions.set("code", CODE);
            error.extensions = Some(extensions);
            return Err(error);
        }
        Ok(document)
    }
}
