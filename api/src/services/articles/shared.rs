//! Presented documents shared by every answer that shows them until the content changes:
//! GraphQL resolves fields from them without copies, and REST writes their JSON, written once.
//! They are kept in memory only for the content generation they were read in (the response
//! cache's, which every write moves on, in other processes within a second).

use std::{
    hash::Hash,
    ops::Deref,
    sync::{Arc, OnceLock},
};

use serde::{Serialize, Serializer, ser::Error as _};
use serde_json::value::RawValue;

/// A presented view and, once an answer needs it, its JSON.
#[derive(Debug)]
pub struct Shared<T> {
    view: T,
    json: OnceLock<Box<RawValue>>,
}

impl<T> Shared<T> {
    pub fn new(view: T) -> Arc<Self> {
        Arc::new(Shared { view, json: OnceLock::new() })
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.view
    }
}

impl<T: Serialize> Serialize for Shared<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Some(json) = self.json.get() {
            return json.serialize(serializer);
        }
        let json = serde_json::value::to_raw_value(&self.view).map_err(S::Error::custom)?;
        self.json.get_or_init(|| json).serialize(serializer)
    }
}

/// Values kept by key, each valid only in the content generation it was read in, in at most
/// a given number of bytes.
pub struct Memo<K, V> {
    kept: moka::sync::Cache<K, Kept<V>>,
}

#[derive(Clone)]
struct Kept<V> {
    generation: u64,
    /// Roughly what the entry holds in memory, in bytes.
    weight: u32,
    value: V,
}

impl<K: Hash + Eq + Send + Sync + 'static, V: Clone + Send + Sync + 'static> Memo<K, V> {
    pub fn new(max_bytes: u64) -> Self {
        Memo {
            kept: moka::sync::Cache::builder()
                .max_capacity(max_bytes)
                .weigher(|_: &K, kept: &Kept<V>| kept.weight)
                .build(),
        }
    }

    /// The value of `key` if it was read in `generation`.
    pub fn get(&self, key: &K, generation: u64) -> Option<V> {
        self.kept.get(key).filter(|kept| kept.generation == generation).map(|kept| kept.value)
    }

    /// Keeps `value`, read in `generation` and taking about `weight` bytes.
    pub fn keep(&self, key: K, generation: u64, weight: usize, value: V) {
        let weight = u32::try_from(weight).unwrap_or(u32::MAX);
        self.kept.insert(key, Kept { generation, weight, value });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_is_the_views_and_written_once() {
        #[derive(Serialize)]
        struct View {
            title: &'static str,
        }
        let shared = Shared::new(View { title: "Cầu Rào \"mới\"" });
        let first = serde_json::to_string(&*shared).expect("json");
        assert_eq!(first, serde_json::to_string(&View { title: "Cầu Rào \"mới\"" }).expect("json"));
        assert!(shared.json.get().is_some(), "kept after the first answer");
        assert_eq!(serde_json::to_string(&*shared).expect("json"), first);
    }

    #[test]
    fn a_kept_value_holds_only_in_its_generation() {
        let memo: Memo<i64, &str> = Memo::new(1 << 20);
        memo.keep(7, 3, 100, "bài cũ");
        assert_eq!(memo.get(&7, 3), Some("bài cũ"));
        assert_eq!(memo.get(&7, 4), None, "a write moved the generation on");
        assert_eq!(memo.get(&8, 3), None);
    }
}
