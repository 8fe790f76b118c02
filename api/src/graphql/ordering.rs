//! Puts response fields in query order. async-graphql resolves sibling fields concurrently
//! and records them as they finish, so the same query could serialise differently from one run
//! to the next; query order makes responses byte-stable, which their ETags and caches need,
//! and is what the GraphQL specification asks of ordered serialisations.

use std::sync::{Arc, Mutex};

use async_graphql::{
    Name, Response, ServerResult, Value, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery},
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use indexmap::IndexMap;

/// Installs [`QueryOrder`] on a schema.
pub struct QueryOrder;

impl ExtensionFactory for QueryOrder {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueryOrderExtension { document: Mutex::new(None) })
    }
}

struct QueryOrderExtension {
    document: Mutex<Option<ExecutableDocument>>,
}

#[async_graphql::async_trait::async_trait]
impl Extension for QueryOrderExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        if let Ok(mut slot) = self.document.lock() {
            *slot = Some(document.clone());
        }
        Ok(document)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        let document = self.document.lock().ok().and_then(|mut slot| slot.take());
        if let Some(document) = document {
            let operation = document
                .operations
                .iter()
                .find(|(name, _)| operation_name.is_none() || name.map(|n| n.as_str()) == operation_name);
            if let Some((_, operation)) = operation {
                reorder(&mut response.data, &[&operation.node.selection_set.node], &document);
            }
        }
        response
    }
}

/// Response keys of `sets` in first-appearance order, each with the sub-selections under it.
fn keys<'a>(
    sets: &[&'a SelectionSet],
    document: &'a ExecutableDocument,
    depth: usize,
) -> IndexMap<&'a Name, Vec<&'a SelectionSet>> {
    let mut out: IndexMap<&Name, Vec<&SelectionSet>> = IndexMap::new();
    if depth > 64 {
        return out;
    }
    for set in sets {
        for selection in &set.items {
            match &selection.node {
                Selection::Field(field) => {
                    out.entry(&field.node.response_key().node).or_default().push(&field.node.selection_set.node);
                }
                Selection::InlineFragment(fragment) => {
                    for (key, subsets) in keys(&[&fragment.node.selection_set.node], document, depth + 1) {
                        out.entry(key).or_default().extend(subsets);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node) {
                        for (key, subsets) in keys(&[&fragment.node.selection_set.node], document, depth + 1) {
                            out.entry(key).or_default().extend(subsets);
                        }
                    }
                }
            }
        }
    }
    out
}

fn reorder(value: &mut Value, sets: &[&SelectionSet], document: &ExecutableDocument) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|item| reorder(item, sets, document)),
        Value::Object(map) => {
            let mut ordered = IndexMap::with_capacity(map.len());
            for (key, subsets) in keys(sets, document, 0) {
                if let Some((name, mut child)) = map.shift_remove_entry(key.as_str()) {
                    reorder(&mut child, &subsets, document);
                    ordered.insert(name, child);
                }
            }
            ordered.extend(map.drain(..));
            *map = ordered;
        }
        _ => {}
    }
}
