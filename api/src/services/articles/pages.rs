//! The article page, by slug or id, kept in memory presented and, once an answer needs it,
//! written as JSON. A read still asks the database whether the article is public, and at
//! which version, every time, so the visibility rule stays in SQL; only the document (the
//! body with its photos, bylines, breadcrumb and tags, several kilobytes) comes from memory,
//! and only within the content generation it was read in: every write moves it on, in this
//! process at once and in others within a second (see [`crate::cache`]). Reading, parsing and
//! presenting the document again was about a fifth of what an article page cost.

use std::{collections::HashMap, sync::Arc};

use chrono::Utc;
use sea_orm::ConnectionTrait;

use super::{
    parse_doc,
    shared::{Memo, Shared},
};
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    read_model::DetailDoc,
    services::visibility::push_public,
    sql::Sql,
    state::AppState,
    views::ArticleDetail,
};

/// Memory for article pages: about 1,500 of the most read ones.
const KEPT_BYTES: u64 = 64 * 1024 * 1024;

/// A whole article shared by every answer that shows it.
pub type SharedDetail = Shared<ArticleDetail>;

/// How a reader names an article.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum PageKey {
    Slug(Slug),
    Id(i64),
}

impl PageKey {
    /// All digits name an id; anything else must be a well-formed slug.
    fn parse(key: &str) -> AppResult<PageKey> {
        if key.bytes().all(|b| b.is_ascii_digit())
            && let Ok(id) = key.parse::<i64>()
        {
            return Ok(PageKey::Id(id));
        }
        Slug::parse(key).map(PageKey::Slug).ok_or(AppError::NotFound("article"))
    }
}

/// A page with the article and version it shows.
#[derive(Clone)]
struct Kept {
    id: i64,
    version: i32,
    page: Arc<SharedDetail>,
}

/// The pages read so far, by the name they were asked for.
pub struct PageMemo {
    kept: Memo<PageKey, Kept>,
}

impl Default for PageMemo {
    fn default() -> Self {
        PageMemo { kept: Memo::new(KEPT_BYTES) }
    }
}

/// The whole public article, by slug or numeric id. A former slug of a public article
/// answers [`AppError::Moved`] with the current slug.
pub async fn get(state: &AppState, key: &str) -> AppResult<Arc<SharedDetail>> {
    get_versioned(state, key).await.map(|(detail, _)| detail)
}

/// Like [`get`], with the article's editorial version. One statement, which reads the
/// document only when memory has no page of this article at this version.
pub async fn get_versioned(state: &AppState, key: &str) -> AppResult<(Arc<SharedDetail>, i32)> {
    let key = PageKey::parse(key)?;
    let generation = state.cache.generation();
    let kept = state.pages.kept.get(&key, generation);
    let (kept_id, kept_version) = kept.as_ref().map_or((0, 0), |k| (k.id, k.version));
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.id, a.version, CASE WHEN a.id = ")
        .bind(kept_id)
        .push(" AND a.version = ")
        .bind(kept_version)
        .push(" THEN NULL ELSE a.detail_doc END AS detail_doc FROM articles a WHERE ");
    match &key {
        PageKey::Slug(slug) => sql.push("a.slug = ").bind(slug.as_str()),
        PageKey::Id(id) => sql.push("a.id = ").bind(*id),
    };
    sql.push(" AND ");
    push_public(&mut sql, "a", Utc::now());
    let Some(row) = state.db().query_one_raw(sql.build()).await? else {
        return match key {
            PageKey::Slug(slug) => Err(moved(state, slug.as_str())
                .await?
                .map_or(AppError::NotFound("article"), |slug| AppError::Moved { slug })),
            PageKey::Id(_) => Err(AppError::NotFound("article")),
        };
    };
    let (id, version): (i64, i32) = (row.try_get("", "id")?, row.try_get("", "version")?);
    let page = match (row.try_get::<Option<String>>("", "detail_doc")?, kept) {
        (Some(json), _) => {
            let page = SharedDetail::new(state.snapshot().presenter.detail(parse_doc::<DetailDoc>(&json)?));
            // The view and its JSON together take about four times the stored text.
            state.pages.kept.keep(
                key,
                generation,
                json.len().saturating_mul(4),
                Kept { id, version, page: page.clone() },
            );
            page
        }
        (None, Some(kept)) if (kept.id, kept.version) == (id, version) => kept.page,
        (None, _) => return Err(AppError::Internal(anyhow::anyhow!("article {id} has no read model"))),
    };
    Ok((page, version))
}

/// The current slug of the public article that used to have `old`.
async fn moved(state: &AppState, old: &str) -> AppResult<Option<String>> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.slug FROM article_slugs s JOIN articles a ON a.id = s.article_id WHERE s.slug = ")
        .bind(old)
        .push(" AND ");
    push_public(&mut sql, "a", Utc::now());
    Ok(match state.db().query_one_raw(sql.build()).await? {
        Some(row) => Some(row.try_get("", "slug")?),
        None => None,
    })
}

/// Like [`get`], following a former slug to the article (for GraphQL, which has no redirects).
pub async fn get_following(state: &AppState, key: &str) -> AppResult<Arc<SharedDetail>> {
    match get(state, key).await {
        Err(AppError::Moved { slug }) => get(state, &slug).await,
        other => other,
    }
}

/// Several public articles by id, in one statement; ids that are not public are absent.
pub async fn details_by_ids(state: &AppState, ids: &[i64]) -> AppResult<HashMap<i64, Arc<SharedDetail>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.id, a.detail_doc FROM articles a WHERE a.id IN ").bind_list(ids.iter().copied()).push(" AND ");
    push_public(&mut sql, "a", Utc::now());
    let rows = state.db().query_all_raw(sql.build()).await?;
    let presenter = &state.snapshot().presenter;
    rows.iter()
        .map(|row| {
            let doc = parse_doc(&row.try_get::<String>("", "detail_doc")?)?;
            Ok((row.try_get::<i64>("", "id")?, SharedDetail::new(presenter.detail(doc))))
        })
        .collect()
}
