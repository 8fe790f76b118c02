//! Related news ("Tin khác"): other public articles ranked by tags shared with the article
//! (two points each) and the same category (one point), then by recency; the latest articles
//! fill the list when few are alike. Never the article itself.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::doc;
use crate::{
    domain::slug::Slug,
    error::{AppError, AppResult},
    read_model::SummaryDoc,
    services::visibility::push_public,
    sql::Sql,
    state::AppState,
    views::ArticleSummary,
};

/// Related news never lists more than this.
pub const MAX_RELATED: u64 = 20;
/// How many related articles a page gets when it does not say.
pub const DEFAULT_RELATED: u64 = 6;

/// Checks a requested number of related articles; `field` is the parameter's name.
pub fn related_limit(field: &str, requested: Option<i64>) -> AppResult<u64> {
    match requested {
        None => Ok(DEFAULT_RELATED),
        Some(n) => u64::try_from(n)
            .ok()
            .filter(|n| (1..=MAX_RELATED).contains(n))
            .ok_or_else(|| AppError::bad_param(field, format!("must be an integer from 1 to {MAX_RELATED}"))),
    }
}

/// How many recent articles per shared tag, and of the same category, are scored: bounds the
/// work per request whatever the size of the archive. Ids grow with time, so the highest ids
/// of a tag are its latest articles.
const CANDIDATES: i64 = 24;

/// Which articles to find related news for.
enum Subject<'a> {
    Slug(&'a str),
    Ids(&'a [i64]),
}

struct Anchor {
    id: i64,
    category_id: i64,
    tag_ids: Vec<i64>,
}

async fn anchors(state: &AppState, subject: Subject<'_>, now: DateTime<Utc>) -> AppResult<Vec<Anchor>> {
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push(
        "SELECT a.id, a.category_id, t.tag_id FROM articles a LEFT JOIN article_tags t ON t.article_id = a.id WHERE ",
    );
    match subject {
        Subject::Slug(slug) => sql.push("a.slug = ").bind(slug),
        Subject::Ids(ids) => sql.push("a.id IN ").bind_list(ids.iter().copied()),
    };
    sql.push(" AND ");
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.id, t.position");
    let mut anchors: Vec<Anchor> = Vec::new();
    for row in state.db.query_all_raw(sql.build()).await? {
        let id: i64 = row.try_get("", "id")?;
        let tag: Option<i64> = row.try_get("", "tag_id")?;
        match anchors.last_mut() {
            Some(last) if last.id == id => last.tag_ids.extend(tag),
            _ => anchors.push(Anchor {
                id,
                category_id: row.try_get("", "category_id")?,
                tag_ids: tag.into_iter().collect(),
            }),
        }
    }
    Ok(anchors)
}

fn push_ranked(sql: &mut Sql, k: usize, anchor: &Anchor, limit: u64, now: DateTime<Utc>) {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    sql.push("SELECT * FROM (SELECT ").push(&k.to_string()).push(
        " AS k, ranked.score AS score, r.summary_doc FROM articles r JOIN (SELECT c.id, SUM(c.points) AS score FROM (",
    );
    for tag_id in &anchor.tag_ids {
        sql.push("SELECT x.id, 2 AS points FROM (SELECT article_id AS id FROM article_tags WHERE tag_id = ")
            .bind(*tag_id)
            .push(" ORDER BY article_id DESC LIMIT ")
            .bind(CANDIDATES)
            .push(") x UNION ALL ");
    }
    sql.push("SELECT f.id, 0 AS points FROM (SELECT a.id FROM articles a WHERE ");
    push_public(sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ").bind(limit + 1).push(") f UNION ALL ");
    sql.push("SELECT s.id, 1 AS points FROM (SELECT a.id FROM articles a WHERE a.category_id = ")
        .bind(anchor.category_id)
        .push(" AND ");
    push_public(sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ")
        .bind(CANDIDATES)
        .push(") s) c GROUP BY c.id) ranked ON ranked.id = r.id WHERE r.id <> ")
        .bind(anchor.id)
        .push(" AND ");
    push_public(sql, "r", now);
    sql.push(" ORDER BY ranked.score DESC, r.published_at DESC, r.id DESC LIMIT ")
        .bind(limit)
        .push(") rel")
        .push(&k.to_string());
}

async fn related_for(
    state: &AppState,
    subject: Subject<'_>,
    limit: u64,
) -> AppResult<HashMap<i64, Vec<ArticleSummary>>> {
    let now = Utc::now();
    let anchors = anchors(state, subject, now).await?;
    if anchors.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(state.db.get_database_backend());
    for (k, anchor) in anchors.iter().enumerate() {
        if k > 0 {
            sql.push(" UNION ALL ");
        }
        push_ranked(&mut sql, k, anchor, limit, now);
    }
    let mut grouped: Vec<Vec<(i64, SummaryDoc)>> = anchors.iter().map(|_| Vec::new()).collect();
    for row in state.db.query_all_raw(sql.build()).await? {
        let k = usize::try_from(row.try_get::<i32>("", "k")?).unwrap_or(usize::MAX);
        let score = row.try_get::<i64>("", "score")?;
        if let Some(group) = grouped.get_mut(k) {
            group.push((score, doc(&row, "summary_doc")?));
        }
    }
    let presenter = &state.snapshot().presenter;
    Ok(anchors
        .iter()
        .zip(grouped)
        .map(|(anchor, mut items)| {
            // UNION ALL keeps no order across arms; restore the ranking within each list.
            items.sort_by(|(sa, a), (sb, b)| (sb, b.published_at, b.id).cmp(&(sa, a.published_at, a.id)));
            (anchor.id, items.into_iter().map(|(_, d)| presenter.summary(d)).collect())
        })
        .collect())
}

/// Related news of the public article `slug`.
pub async fn related(state: &AppState, slug: &str, limit: u64) -> AppResult<Vec<ArticleSummary>> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("article"))?;
    let mut found = related_for(state, Subject::Slug(slug.as_str()), limit).await?;
    found.drain().next().map(|(_, list)| list).ok_or(AppError::NotFound("article"))
}

/// Related news of several public articles at once, in two statements.
pub async fn related_many(state: &AppState, ids: &[i64], limit: u64) -> AppResult<HashMap<i64, Vec<ArticleSummary>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    related_for(state, Subject::Ids(ids), limit).await
}
