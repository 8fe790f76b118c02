//! The in-process cache of public responses.
//!
//! An entry is served only until the next scheduled publication known when it was filled, so
//! a scheduled article appears exactly on time. Content writes (the editorial API) must clear
//! what they change; until they exist, nothing else can change what the public sees.

use std::sync::Arc;

use actix_web::web::Bytes;
use chrono::{DateTime, Utc};

/// A response body ready to send again.
pub struct CachedResponse {
    pub body: Bytes,
    pub etag: String,
    pub link: Option<String>,
    pub content_type: &'static str,
    /// Stale from this moment (the next scheduled publication), if any.
    pub valid_until: Option<DateTime<Utc>>,
}

impl CachedResponse {
    pub fn is_fresh(&self, now: DateTime<Utc>) -> bool {
        self.valid_until.is_none_or(|until| now < until)
    }
}

pub struct ResponseCache {
    entries: Option<moka::future::Cache<String, Arc<CachedResponse>>>,
}

impl ResponseCache {
    pub fn new(enabled: bool, capacity: u64) -> Self {
        ResponseCache { entries: enabled.then(|| moka::future::Cache::new(capacity)) }
    }

    pub async fn get(&self, key: &str, now: DateTime<Utc>) -> Option<Arc<CachedResponse>> {
        let entries = self.entries.as_ref()?;
        let hit = entries.get(key).await?;
        if hit.is_fresh(now) {
            Some(hit)
        } else {
            entries.invalidate(key).await;
            None
        }
    }

    pub async fn put(&self, key: String, response: Arc<CachedResponse>) {
        if let Some(entries) = &self.entries {
            entries.insert(key, response).await;
        }
    }
}

/// A strong validator for a response body.
pub fn etag_of(body: &[u8]) -> String {
    format!("\"{:016x}\"", xxhash_rust::xxh3::xxh3_64(body))
}
