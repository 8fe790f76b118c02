//! Puts response fields in query order. async-graphql resolves sibling fields concurrently
//! and records them as they finish, so the same query could serialise differently from one run
//! to the next; query order makes responses byte-stable, which their ETags and caches need,
//! and is what the GraphQL specification asks of ordered serialisations.

use async_graphql::{
    Name, Value,
    parser::types::{ExecutableDocument, Selection, SelectionSet},
};
use indexmap::IndexMap;

/// The response keys of a selection in query order, each with the order of what it selects:
/// worked out once per query text and operation, and applied to every response.
#[derive(Debug, Default)]
pub struct Order(Vec<(Name, Order)>);

impl Order {
    /// The order of the operation `operation` (or the only one) of `document`, which must
    /// have passed validation (a cycle of fragments would never end).
    pub fn of(document: &ExecutableDocument, operation: Option<&str>) -> Order {
        let selected =
            document.operations.iter().find(|(name, _)| operation.is_none() || name.map(|n| n.as_str()) == operation);
        match selected {
            Some((_, operation)) => Order::of_sets(&[&operation.node.selection_set.node], document, 0),
            None => Order::default(),
        }
    }

    fn of_sets(sets: &[&SelectionSet], document: &ExecutableDocument, depth: usize) -> Order {
        if depth > MAX_DEPTH {
            return Order::default();
        }
        Order(
            keys(sets, document, 0)
                .into_iter()
                .map(|(key, subsets)| (key.clone(), Order::of_sets(&subsets, document, depth + 1)))
                .collect(),
        )
    }

    /// Puts `value`, an object or a list of objects of this selection, in this order.
    pub fn apply(&self, value: &mut Value) {
        match value {
            Value::List(items) => items.iter_mut().for_each(|item| self.apply(item)),
            Value::Object(map) => {
                // Fields that resolve at once finish in query order: most objects need no move.
                let keys = self.0.iter().map(|(key, _)| key);
                if !map.keys().zip(keys).all(|(have, want)| have == want) {
                    let rank = |name: &Name| self.0.iter().position(|(key, _)| key == name).unwrap_or(usize::MAX);
                    map.sort_by(|a, _, b, _| rank(a).cmp(&rank(b)));
                }
                for (key, under) in self.0.iter().filter(|(_, under)| !under.0.is_empty()) {
                    if let Some(child) = map.get_mut(key.as_str()) {
                        under.apply(child);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Deepest nesting of fields or fragments followed; far beyond the configured depth limit.
const MAX_DEPTH: usize = 64;

/// Response keys of `sets` in first-appearance order, each with the sub-selections under it.
fn keys<'a>(
    sets: &[&'a SelectionSet],
    document: &'a ExecutableDocument,
    depth: usize,
) -> IndexMap<&'a Name, Vec<&'a SelectionSet>> {
    let mut out: IndexMap<&Name, Vec<&SelectionSet>> = IndexMap::new();
    if depth > MAX_DEPTH {
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

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn keys_of(value: &Value) -> Vec<String> {
        match value {
            Value::Object(map) => map.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }

    #[test]
    fn responses_follow_the_query_through_fragments_aliases_and_lists() {
        let document = parse_query(
            "query Page { b: site { name } a ...F list { y ... on Item { x } } } \
             fragment F on Query { c } query Other { z }",
        )
        .expect("parses");
        let mut data = Value::from_json(serde_json::json!({
            "list": [{ "x": 1, "y": 2 }, { "x": 3, "y": 4 }],
            "c": 1, "a": 2, "b": { "name": "Tin" }
        }))
        .expect("value");
        let order = Order::of(&document, Some("Page"));
        order.apply(&mut data);
        assert_eq!(keys_of(&data), ["b", "a", "c", "list"]);
        let Value::Object(map) = &data else { panic!("an object") };
        let Value::List(items) = &map["list"] else { panic!("a list") };
        assert!(items.iter().all(|item| keys_of(item) == ["y", "x"]), "every item of the list");
        assert_eq!(Order::of(&document, Some("Other")).0.len(), 1);
        assert!(Order::of(&document, Some("Missing")).0.is_empty());
    }
}
