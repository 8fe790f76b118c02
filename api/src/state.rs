//! Application state shared by every request.

use std::{
    path::PathBuf,
    sync::{Arc, RwLock},
};

use sea_orm::DatabaseConnection;

use crate::{
    cache::ResponseCache, metrics::Metrics, pagination::CursorKey, services::site::Snapshot,
    services::visibility::Schedule,
};

pub struct AppState {
    pub db: DatabaseConnection,
    pub cursor_key: CursorKey,
    pub cache: ResponseCache,
    pub schedule: Schedule,
    pub metrics: Arc<Metrics>,
    pub media_dir: PathBuf,
    /// This API's public origin, e.g. `https://api.example.vn`.
    pub public_url: String,
    snapshot: RwLock<Arc<Snapshot>>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        cursor_key: CursorKey,
        cache: ResponseCache,
        media_dir: PathBuf,
        public_url: String,
        snapshot: Snapshot,
        metrics: Arc<Metrics>,
    ) -> Self {
        AppState {
            db,
            cursor_key,
            cache,
            schedule: Schedule::default(),
            metrics,
            media_dir,
            public_url,
            snapshot: RwLock::new(Arc::new(snapshot)),
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
}
