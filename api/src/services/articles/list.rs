//! Article lists: one page by cursor or number, totals, and many first pages at once.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{
    ArticleFilter,
    summaries::{self, SharedSummary},
};
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    pagination::{Page, PageMeta, PageRequest, Position},
    services::visibility::push_public,
    sql::Sql,
    state::AppState,
    views::ArticleSummary,
};

/// A filter with its slugs resolved to ids.
#[derive(Default)]
pub(crate) struct Resolved {
    category_ids: Option<Vec<i64>>,
    tag_id: Option<i64>,
    author_id: Option<i64>,
    after: Option<DateTime<Utc>>,
    before: Option<DateTime<Utc>>,
}

impl Resolved {
    /// Whether the filter leaves every article in.
    pub(crate) fn is_empty(&self) -> bool {
        self.category_ids.is_none()
            && self.tag_id.is_none()
            && self.author_id.is_none()
            && self.after.is_none()
            && self.before.is_none()
    }
}

/// Looks up the ids of every slug in `slugs` from `table` in one statement.
async fn ids_by_slug(state: &AppState, table: &str, slugs: Vec<&str>) -> AppResult<HashMap<String, i64>> {
    let slugs: Vec<&str> = slugs.into_iter().filter(|s| Slug::parse(s).is_some()).collect();
    if slugs.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT id, slug FROM ")
        .push(table)
        .push(" WHERE slug IN ")
        .bind_list(slugs.into_iter().map(str::to_owned));
    state
        .db()
        .query_all_raw(sql.build())
        .await?
        .iter()
        .map(|r| Ok((r.try_get::<String>("", "slug")?, r.try_get::<i64>("", "id")?)))
        .collect()
}

/// Resolves one filter; an unknown slug is a 422.
pub(crate) async fn resolve_one(state: &AppState, filter: &ArticleFilter) -> AppResult<Resolved> {
    resolve(state, &[filter]).await?.pop().ok_or(AppError::NotFound("list"))
}

/// Resolves several filters with at most two statements; an unknown slug is a 422.
async fn resolve(state: &AppState, filters: &[&ArticleFilter]) -> AppResult<Vec<Resolved>> {
    let snapshot = state.snapshot();
    let tags = ids_by_slug(state, "tags", filters.iter().filter_map(|f| f.tag.as_deref()).collect()).await?;
    let authors = ids_by_slug(state, "authors", filters.iter().filter_map(|f| f.author.as_deref()).collect()).await?;
    filters
        .iter()
        .map(|filter| {
            let category_ids = match &filter.category {
                Some(slug) => {
                    let category =
                        snapshot.categories.by_slug(slug).ok_or_else(|| AppError::unknown_value("category", slug))?;
                    Some(snapshot.categories.subtree_ids(category.id))
                }
                None => None,
            };
            let lookup = |map: &HashMap<String, i64>, field: &str, slug: &Option<String>| {
                slug.as_deref()
                    .map(|s| map.get(s).copied().ok_or_else(|| AppError::unknown_value(field, s)))
                    .transpose()
            };
            Ok(Resolved {
                category_ids,
                tag_id: lookup(&tags, "tag", &filter.tag)?,
                author_id: lookup(&authors, "author", &filter.author)?,
                after: filter.published_after,
                before: filter.published_before,
            })
        })
        .collect()
}

/// Appends `FROM … WHERE …` for `filter`, restricted to `categories` (all of the filter's when
/// `None`), up to `bound` (now, or the end of the previous page) and after the cursor `after`.
fn push_from_where(
    sql: &mut Sql,
    filter: &Resolved,
    categories: Option<&[i64]>,
    bound: DateTime<Utc>,
    after: Option<(DateTime<Utc>, i64)>,
) {
    sql.push(" FROM articles a WHERE ");
    push_public(sql, "a", bound);
    push_conditions(sql, filter, categories);
    if let Some((at, id)) = after {
        sql.push(" AND (a.published_at < ").bind(at).push(" OR a.id < ").bind(id).push(")");
    }
}

/// Appends ` AND …` for each part of `filter` over articles aliased `a`, restricted to
/// `categories` (all of the filter's when `None`).
pub(crate) fn push_conditions(sql: &mut Sql, filter: &Resolved, categories: Option<&[i64]>) {
    if let Some(ids) = categories.or(filter.category_ids.as_deref()) {
        match ids {
            [one] => sql.push(" AND a.category_id = ").bind(*one),
            many => sql.push(" AND a.category_id IN ").bind_list(many.iter().copied()),
        };
    }
    if let Some(id) = filter.tag_id {
        sql.push(" AND a.id IN (SELECT t.article_id FROM article_tags t WHERE t.tag_id = ").bind(id).push(")");
    }
    if let Some(id) = filter.author_id {
        sql.push(" AND a.id IN (SELECT w.article_id FROM article_authors w WHERE w.author_id = ").bind(id).push(")");
    }
    if let Some(after) = filter.after {
        sql.push(" AND a.published_at >= ").bind(after);
    }
    if let Some(before) = filter.before {
        sql.push(" AND a.published_at < ").bind(before);
    }
}

/// Appends a newest-first page query selecting `columns` (over alias `a`). A section with
/// sub-sections becomes one index-ordered arm per category, merged: an `IN` list would make
/// the database sort every article of the section.
fn push_newest(
    sql: &mut Sql,
    columns: &str,
    filter: &Resolved,
    now: DateTime<Utc>,
    after: Option<(DateTime<Utc>, i64)>,
    take: u64,
    offset: u64,
) {
    // After a cursor, the page's upper bound replaces "now": one range on published_at that
    // both back ends walk down the index from.
    let bound = after.map_or(now, |(at, _)| at.min(now));
    match filter.category_ids.as_deref() {
        Some(ids) if ids.len() > 1 => {
            sql.push("SELECT ").push(columns).push(" FROM (");
            for (i, id) in ids.iter().enumerate() {
                if i > 0 {
                    sql.push(" UNION ALL ");
                }
                sql.push("SELECT * FROM (SELECT a.id, a.published_at");
                push_from_where(sql, filter, Some(std::slice::from_ref(id)), bound, after);
                sql.push(NEWEST_FIRST).bind(limit_value(take + offset)).push(") c").push(&i.to_string());
            }
            sql.push(") a");
        }
        _ => {
            sql.push("SELECT ").push(columns);
            push_from_where(sql, filter, None, bound, after);
        }
    }
    sql.push(NEWEST_FIRST).bind(limit_value(take));
    if offset > 0 {
        sql.push(" OFFSET ").bind(limit_value(offset));
    }
}

/// Newest first, then a `LIMIT` to bind.
pub(super) const NEWEST_FIRST: &str = " ORDER BY a.published_at DESC, a.id DESC LIMIT ";

/// A row count as SQL binds it.
pub(super) fn limit_value(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The cursor that continues `filter`'s list after `item`.
pub fn cursor_of(state: &AppState, filter: &ArticleFilter, item: &ArticleSummary) -> String {
    let t = item.published_at.timestamp_micros();
    state.cursor_key.encode(filter.fingerprint(), Position::Time { t, i: item.id })
}

/// A page of the summaries of `ids` (newest first, one more than `limit` when the list goes
/// on) from `found`.
fn page_of(
    state: &AppState,
    filter: &ArticleFilter,
    mut ids: Vec<i64>,
    found: &HashMap<i64, Arc<SharedSummary>>,
    limit: u64,
) -> Page<Arc<SharedSummary>> {
    let has_more = ids.len() as u64 > limit;
    ids.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    let data: Vec<Arc<SharedSummary>> = ids.iter().filter_map(|id| found.get(id).cloned()).collect();
    let next_cursor = has_more.then(|| data.last()).flatten().map(|last| cursor_of(state, filter, last));
    Page { data, meta: PageMeta { limit, next_cursor, has_more, ..PageMeta::default() } }
}

/// Newest public articles first, filtered, one page at a time.
pub async fn list(state: &AppState, filter: &ArticleFilter, page: &PageRequest) -> AppResult<Page<Arc<SharedSummary>>> {
    let resolved = resolve_one(state, filter).await?;
    let now = Utc::now();
    let after = match &page.after {
        Some(Position::Time { t, i }) => {
            let at =
                DateTime::from_timestamp_micros(*t).ok_or_else(|| AppError::bad_param("cursor", "is out of range"))?;
            Some((at, *i))
        }
        Some(Position::Slug { .. } | Position::Offset { .. }) => {
            return Err(AppError::bad_param("cursor", "does not belong to an article list"));
        }
        None => None,
    };
    let mut sql = Sql::new(state.db().get_database_backend());
    push_newest(&mut sql, "a.id", &resolved, now, after, page.limit + 1, page.offset());
    let rows = state.db().query_all_raw(sql.build()).await?;
    let ids = rows.iter().map(|r| r.try_get::<i64>("", "id")).collect::<Result<Vec<_>, _>>()?;
    let found = summaries::by_ids(state, &ids).await?;
    let mut result = page_of(state, filter, ids, &found, page.limit);
    if let Some(number) = page.page {
        let total = count_resolved(state, &resolved, now).await?;
        result.meta.page = Some(number);
        result.meta.total = Some(total);
        result.meta.total_pages = Some(total.div_ceil(page.limit));
    }
    Ok(result)
}

async fn count_resolved(state: &AppState, resolved: &Resolved, now: DateTime<Utc>) -> AppResult<u64> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT COUNT(*) AS n");
    push_from_where(&mut sql, resolved, None, now, None);
    Ok(match state.db().query_one_raw(sql.build()).await? {
        Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or_default(),
        None => 0,
    })
}

/// How many public articles match `filter`.
pub async fn count(state: &AppState, filter: &ArticleFilter) -> AppResult<u64> {
    let resolved = resolve_one(state, filter).await?;
    count_resolved(state, &resolved, Utc::now()).await
}

/// The first page of several lists at once (a homepage asks for the latest articles of
/// many sections): at most four statements, however many lists.
pub async fn first_pages(state: &AppState, lists: &[(ArticleFilter, u64)]) -> AppResult<Vec<Page<Arc<SharedSummary>>>> {
    if lists.is_empty() {
        return Ok(Vec::new());
    }
    // A batch arrives in any order; in a fixed order the same lists make the same statement
    // text, which PostgreSQL then parses and plans once instead of once per order.
    let mut order: Vec<usize> = (0..lists.len()).collect();
    order.sort_by_key(|&i| &lists[i]);
    let lists: Vec<&(ArticleFilter, u64)> = order.iter().map(|&i| &lists[i]).collect();
    let filters: Vec<&ArticleFilter> = lists.iter().map(|(f, _)| f).collect();
    let resolved = resolve(state, &filters).await?;
    let now = Utc::now();
    let mut sql = Sql::new(state.db().get_database_backend());
    for (k, (filter, (_, limit))) in resolved.iter().zip(&lists).enumerate() {
        if k > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT * FROM (");
        push_newest(&mut sql, &format!("{k} AS k, a.id"), filter, now, None, limit + 1, 0);
        sql.push(") q").push(&k.to_string());
    }
    let rows = state.db().query_all_raw(sql.build()).await?;
    let mut grouped: Vec<Vec<i64>> = lists.iter().map(|_| Vec::new()).collect();
    for row in &rows {
        let k = usize::try_from(row.try_get::<i32>("", "k")?).unwrap_or(usize::MAX);
        if let Some(group) = grouped.get_mut(k) {
            group.push(row.try_get("", "id")?);
        }
    }
    let found = summaries::by_ids(state, &grouped.concat()).await?;
    let mut pages: Vec<(usize, Page<Arc<SharedSummary>>)> = grouped
        .into_iter()
        .zip(lists)
        .zip(order)
        .map(|((mut ids, (filter, limit)), asked)| {
            // UNION ALL keeps no order across arms; restore newest first within each list.
            ids.sort_by_key(|id| std::cmp::Reverse(found.get(id).map(|s| (s.published_at, s.id))));
            (asked, page_of(state, filter, ids, &found, *limit))
        })
        .collect();
    pages.sort_unstable_by_key(|(asked, _)| *asked);
    Ok(pages.into_iter().map(|(_, page)| page).collect())
}
