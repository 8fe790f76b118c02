//! Puts response fields in query order. async-graphql resolves sibling fields concurrently
//! and records them as they finish, so the same query could serialise differently from one run
//! to the next; query order makes responses byte-stable, which their ETags and caches need,
//! and is what the GraphQL specification asks of ordered serialisations.

use async_graphql::{
    Name, Value,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use indexmap::IndexMap;

/// Puts `data`, the result of the operation `operation` (or the document's only one) of
/// `document`, in query order.
pub fn in_query_order(data: &mut Value, document: &ExecutableDocument, operation: Option<&str>) {
    let selected =
        document.operations.iter().find(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation);
    if let Some((_, operation)) = selected {
        reorder(data, &[&operation.node.selection_set.node], document);
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

/// Puts `value`, an object or a list of objects of the selections `sets`, in query order.
fn reorder(value: &mut Value, sets: &[&SelectionSet], document: &ExecutableDocument) {
    if matches!(value, Value::List(_) | Value::Object(_)) {
        // Every item of a list has the same selections: their keys are worked out once.
        reorder_by(value, &keys(sets, document, 0), document);
    }
}

fn reorder_by(value: &mut Value, keys: &IndexMap<&Name, Vec<&SelectionSet>>, document: &ExecutableDocument) {
    match value {
        Value::List(items) => items.iter_mut().for_each(|item| reorder_by(item, keys, document)),
        Value::Object(map) => {
            let mut ordered = IndexMap::with_capacity(map.len());
            for (key, subsets) in keys {
                if let Some((name, mut child)) = map.shift_remove_entry(key.as_str()) {
                    reorder(&mut child, subsets, document);
                    ordered.insert(name, child);
                }
            }
            ordered.extend(map.drain(..));
            *map = ordered;
        }
        _ => {}
    }
}
