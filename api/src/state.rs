//! Application state shared by every request.

use std::{
    cell::Cell,
    sync::{Arc, RwLock},
};

use sea_orm::DatabaseConnection;

use crate::{
    auth::{limiter::LoginLimits, tokens::TokenKeys},
    cache::ResponseCache,
    imaging::RenditionSet,
    metrics::Metrics,
    pagination::CursorKey,
    services::articles::{CandidateLists, PageMemo, Rankings, SummaryMemo},
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

thread_local! {
    /// Which of [`AppState::worker_pools`] the server worker on this thread uses.
    static WORKER: Cell<Option<usize>> = const { Cell::new(None) };
}

pub struct AppState {
    /// The pool for work outside the server's workers: start-up, reacting to changes.
    db: DatabaseConnection,
    /// One pool per server worker thread. Each worker runs its own event loop, and a
    /// connection's socket is served by the loop that opened it: a connection opened by one
    /// worker and used by another waits for the first one's loop to notice its replies, and
    /// costs a cross-thread wake-up for each. With its own pool a worker never does that.
    worker_pools: Vec<DatabaseConnection>,
    /// One pool per worker for full-text statements on PostgreSQL (empty on SQLite).
    search_pools: Vec<DatabaseConnection>,
    pub cursor_key: CursorKey,
    pub cache: ResponseCache,
    pub schedule: Schedule,
    /// The candidate lists of related news.
    pub candidates: CandidateLists,
    /// Related news as ranked from the candidate lists.
    pub rankings: Rankings,
    /// Article summaries as lists show them.
    pub summaries: SummaryMemo,
    /// Whole article pages.
    pub pages: PageMemo,
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
    pub worker_pools: Vec<DatabaseConnection>,
    pub search_pools: Vec<DatabaseConnection>,
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
            worker_pools: parts.worker_pools,
            search_pools: parts.search_pools,
            cursor_key: parts.cursor_key,
            cache: parts.cache,
            schedule: Schedule::default(),
            candidates: CandidateLists::default(),
            rankings: Rankings::default(),
            summaries: SummaryMemo::default(),
            pages: PageMemo::default(),
            metrics: parts.metrics,
            media: parts.media,
            public_url: parts.public_url,
            auth: parts.auth,
            snapshot: RwLock::new(Arc::new(parts.snapshot)),
        }
    }

    /// The database pool of the calling thread: its worker's own, or the shared one.
    pub fn db(&self) -> &DatabaseConnection {
        WORKER.with(Cell::get).and_then(|index| self.worker_pools.get(index)).unwrap_or(&self.db)
    }

    /// The pool for full-text statements. Every other read is planned once per session (the
    /// plan suits all values); a search is not, because the good plans differ by orders of
    /// magnitude with how common its words are: a common word walks the newest documents and
    /// stops after a page, a rare one collects its few matches from the GIN index and sorts
    /// them. On PostgreSQL these sessions plan each statement for its values; elsewhere it is
    /// the worker's own pool.
    pub fn search_db(&self) -> &DatabaseConnection {
        let worker = WORKER.with(Cell::get).unwrap_or_default();
        self.search_pools.get(worker).unwrap_or_else(|| self.db())
    }

    /// Makes the calling thread a server worker using pool `index` (modulo the number of
    /// pools); called once on each worker thread as it starts.
    pub fn enter_worker(&self, index: usize) {
        let pools = self.worker_pools.len();
        WORKER.with(|worker| worker.set((pools > 0).then(|| index % pools)));
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
    /// content generation, in another process): cached responses, summaries and pages, candidate
    /// lists, the next scheduled publication, and the site and category snapshot.
    pub async fn content_changed(&self) -> anyhow::Result<()> {
        // A new cache generation invalidates everything kept by generation.
        self.cache.clear();
        let fresh = Arc::new(load_snapshot(&self.db, &self.public_url, &self.media.renditions).await?);
        match self.snapshot.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        // Once more: what was presented meanwhile with the old snapshot (an old base URL or
        // time zone) must not be kept as current.
        self.cache.clear();
        Ok(())
    }
}
