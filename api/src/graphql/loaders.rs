//! DataLoaders: every relation a query can fan out to is loaded in batches, so the number of
//! SQL statements of a query does not grow with the number of nodes.

use std::{collections::HashMap, sync::Arc, time::Duration};

use actix_web::web;
use async_graphql::dataloader::{DataLoader, Loader};

use crate::{
    error::AppError,
    pagination::Page,
    services::articles::{self, ArticleFilter, SharedDetail, SharedSummary},
    state::AppState,
};

/// Whole articles by id (body, SEO …) for list items whose query asks for them.
pub struct DetailLoader(pub web::Data<AppState>);

impl Loader<i64> for DetailLoader {
    type Value = Arc<SharedDetail>;
    type Error = Arc<AppError>;

    async fn load(&self, ids: &[i64]) -> Result<HashMap<i64, Arc<SharedDetail>>, Self::Error> {
        articles::details_by_ids(&self.0, ids).await.map_err(Arc::new)
    }
}

/// First pages of article lists (a category's, an author's …), many at once.
pub struct FirstPageLoader(pub web::Data<AppState>);

impl Loader<(ArticleFilter, u64)> for FirstPageLoader {
    type Value = Page<Arc<SharedSummary>>;
    type Error = Arc<AppError>;

    async fn load(
        &self,
        keys: &[(ArticleFilter, u64)],
    ) -> Result<HashMap<(ArticleFilter, u64), Self::Value>, Self::Error> {
        let pages = articles::first_pages(&self.0, keys).await.map_err(Arc::new)?;
        Ok(keys.iter().cloned().zip(pages).collect())
    }
}

/// Related news of many articles at once.
pub struct RelatedLoader(pub web::Data<AppState>);

impl Loader<(i64, u64)> for RelatedLoader {
    type Value = Vec<Arc<SharedSummary>>;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[(i64, u64)]) -> Result<HashMap<(i64, u64), Self::Value>, Self::Error> {
        let mut by_limit: HashMap<u64, Vec<i64>> = HashMap::new();
        for (id, limit) in keys {
            by_limit.entry(*limit).or_default().push(*id);
        }
        let mut out = HashMap::new();
        for (limit, ids) in by_limit {
            for (id, list) in articles::related_many(&self.0, &ids, limit).await.map_err(Arc::new)? {
                out.insert((id, limit), list);
            }
        }
        Ok(out)
    }
}

/// The loaders of one request; created per request so nothing is cached across requests.
pub struct Loaders {
    pub detail: DataLoader<DetailLoader>,
    pub first_page: DataLoader<FirstPageLoader>,
    pub related: DataLoader<RelatedLoader>,
}

/// How long a loader waits for more keys before it loads. A request's sibling fields all ask
/// for their keys before the batch's task first runs, so a batch needs no wait of its own;
/// async-graphql's default (1 ms, 1–2 ms on tokio's timer) only delayed every response.
const GATHER: Duration = Duration::ZERO;

impl Loaders {
    pub fn new(state: &web::Data<AppState>) -> Self {
        Loaders {
            detail: DataLoader::new(DetailLoader(state.clone()), tokio::spawn).delay(GATHER),
            first_page: DataLoader::new(FirstPageLoader(state.clone()), tokio::spawn).delay(GATHER),
            related: DataLoader::new(RelatedLoader(state.clone()), tokio::spawn).delay(GATHER),
        }
    }
}
