//! Application state shared by every request.

use std::sync::{Arc, RwLock};

use sea_orm::DatabaseConnection;

use crate::{
    auth::{limiter::LoginLimits, tokens::TokenKeys},
    cache::ResponseCache,
    imaging::RenditionSet,
    metrics::Metrics,
    pagination::CursorKey,
    services::site::{Snapshot, load_snapshot},
    services::visibility::Schedule,
    storage::Storage,
};

/// Media files: where they are kept, the sizes they are served at, the largest upload.
pub struct Media {
    pub storage: Storage,
    pub renditions: RenditionSet,
    pub upload_limit: u64,
}

/// Token keys and lifetimes, and the login limits.
pub struct Auth {
    pub tokens: TokenKeys,
    pub login_limits: LoginLimits,
    pub access_ttl_secs: i64,
    pub refresh_ttl_days: i64,
    pub preview_ttl_secs: i64,
}

pub struct AppState {
    pub db: DatabaseConnection,
    pub cursor_key: CursorKey,
    pub cache: ResponseCache,
    pub schedule: Schedule,
    pub metrics: Arc<Metrics>,
    pub media: Media,
    /// This API's public origin, e.g. `https://api.example.vn`.
    pub public_url: String,
    pub auth: Auth,
    snapshot: RwLock<Arc<Snapshot>>,
}

/// What [`AppState::new`] is made of.
pub struct Parts {
    pub db: DatabaseConnection,
    pub cursor_key: CursorKey,
    pub cache: ResponseCache,
    pub media: Media,
    pub public_url: String,
    pub snapshot: Snapshot,
    pub metrics: Arc<Metrics>,
    pub auth: Auth,
}

impl AppState {
    pub fn new(parts: Parts) -> Self {
        AppState {
            db: parts.db,
            cursor_key: parts.cursor_key,
            cache: parts.cache,
            schedule: Schedule::default(),
            metrics: parts.metrics,
            media: parts.media,
            public_url: parts.public_url,
            auth: parts.auth,
            snapshot: RwLock::new(Arc::new(parts.snapshot)),
        }
    }

    /// Site settings and the category tree: small, read on almost every request, so kept in
    /// memory and replaced whole when they change.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.snapshot.read() {
            Ok(guard) => guard.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Forgets everything derived from content after a write (here or, seen through the
    /// content generation, in another process): cached responses, the next scheduled
    /// publication, and the site and category snapshot.
    pub async fn content_changed(&self) -> anyhow::Result<()> {
        // A new cache generation also invalidates the schedule memo.
        self.cache.clear();
        let fresh = Arc::new(load_snapshot(&self.db, &self.public_url, &self.media.renditions).await?);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }
}
