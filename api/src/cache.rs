//! The in-process cache of public responses.
//!
//! An entry is served only until the next scheduled publication known when it was filled, so
//! a scheduled article appears exactly on time. Every content write clears the cache; a
//! generation number makes sure a response computed before the write is not stored after it.

use std::sync::{
    Arc,
    atomic::{AtomicU64, Ordering},
};

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};

/// A response body ready to send again.
pub struct CachedResponse {
    pub body: Bytes,
    pub etag: String,
    pub link: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
    pub content_type: &'static str,
    /// Stale from this moment (the next scheduled publication), if any.
    pub valid_until: Option<DateTime<Utc>>,
    /// The cache generation the body was computed in.
    pub generation: u64,
}

impl CachedResponse {
    pub fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        self.valid_until.is_none_or(|until| now < until)
    }
}

pub struct ResponseCache {
    entries: Option<moka::future::Cache<String, Arc<CachedResponse>>>,
    generation: AtomicU64,
}

impl ResponseCache {
    pub fn new(enabled: bool, capacity: u64) -> Self {
        ResponseCache { entries: enabled.then(|| moka::future::Cache::new(capacity)), generation: AtomicU64::new(0) }
    }

    /// Read before computing a response, and stored with it.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Drops every entry, and refuses entries computed before now.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        if let Some(entries) = &self.entries {
            entries.invalidate_all();
        }
    }

    pub async fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Arc<CachedResponse>> {
        let entries = self.entries.as_ref()?;
        let hit = entries.get(key).await?;
        if hit.is_fresh(now) && hit.generation == self.generation() {
            Some(hit)
        } else {
            entries.invalidate(key).await;
            None
        }
    }

    pub async fn put(&self, key: String, response: Arc<CachedResponse>) {
        if let Some(entries) = &self.entries
            && response.generation == self.generation()
        {
            entries.insert(key, response).await;
        }
    }
}

/// A strong validator for a response body.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body))
}
