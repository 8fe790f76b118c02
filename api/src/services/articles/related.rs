//! Related news ("Tin khác"): first the articles an editor pinned (in their order, while
//! public), then other public articles ranked by tags shared with the article (two points
//! each), a title sharing a two-word term with the article's title (two points) and the same
//! category (one point), then by recency; the latest articles fill the list when few are
//! alike. Never the article itself. Candidates are the recent articles of each tag and of the
//! category, so the work per request is bounded whatever the size of the archive.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use super::{doc, parse_doc};
use crate::{
    domain::{slug::Slug, title_terms::Terms},
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

impl Subject<'_> {
    /// Appends the condition that picks the subject's public articles, aliased `a`.
    fn push_condition(&self, sql: &mut Sql, now: DateTime<Utc>) {
        match self {
            Subject::Slug(slug) => sql.push("a.slug = ").bind(*slug),
            Subject::Ids(ids) => sql.push("a.id IN ").bind_list(ids.iter().copied()),
        };
        sql.push(" AND ");
        push_public(sql, "a", now);
    }
}

/// Points of a pinned article: far above anything relevance scores, and falling with the
/// pin's position, so pins come first in the editor's order.
const PIN_POINTS: i64 = 1_000_000;
/// Above every pin position (editors pin at most 20).
const PIN_SLOTS: i64 = 1_000;
/// Points of a tag shared with the subject, and of a title term shared with it.
const SHARED_POINTS: i64 = 2;

/// The summary documents of each subject's related news, best first: in one statement on
/// PostgreSQL, whose lateral joins take each tag's latest articles and whose arrays compare
/// title terms inside the statement; in three on SQLite, which has neither but no round trips
/// either.
async fn ranked(
    state: &AppState,
    subject: Subject<'_>,
    limit: u64,
    now: DateTime<Utc>,
) -> AppResult<Vec<(i64, Vec<SummaryDoc>)>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    if state.db().get_database_backend() == DbBackend::Postgres {
        ranked_in_one_statement(state, subject, limit, now).await
    } else {
        ranked_in_three_statements(state, subject, limit, now).await
    }
}

async fn ranked_in_one_statement(
    state: &AppState,
    subject: Subject<'_>,
    limit: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<(i64, Vec<SummaryDoc>)>> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("WITH anchor AS (SELECT a.id, a.category_id, a.title_hashes FROM articles a WHERE ");
    subject.push_condition(&mut sql, now);
    sql.push("), latest AS (SELECT a.id FROM articles a WHERE ");
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ").bind(limit + 1);
    // SUM of BIGINT is NUMERIC, whose arithmetic and sorting cost a sixth of the statement.
    sql.push("), scored AS (SELECT c.anchor, c.id, CAST(SUM(c.points) AS BIGINT) AS score FROM (");
    sql.push("SELECT an.id AS anchor, p.related_id AS id, (")
        .bind(PIN_SLOTS)
        .push(" - p.position) * ")
        .bind(PIN_POINTS)
        .push(" AS points FROM anchor an JOIN article_related p ON p.article_id = an.id");
    sql.push(" UNION ALL SELECT an.id, x.article_id, ").bind(SHARED_POINTS).push(
        " FROM anchor an JOIN article_tags t ON t.article_id = an.id \
         CROSS JOIN LATERAL (SELECT t2.article_id FROM article_tags t2 WHERE t2.tag_id = t.tag_id \
         ORDER BY t2.article_id DESC LIMIT ",
    );
    sql.bind(CANDIDATES).push(") x");
    sql.push(" UNION ALL SELECT an.id, l.id, 0 FROM anchor an CROSS JOIN latest l");
    sql.push(
        " UNION ALL SELECT an.id, s.id, 1 FROM anchor an CROSS JOIN LATERAL \
         (SELECT a.id FROM articles a WHERE a.category_id = an.category_id AND ",
    );
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ").bind(CANDIDATES).push(") s");
    sql.push(") c GROUP BY c.anchor, c.id), ");
    // `title_hashes` is `title_terms` as an array: `&&` is whether two share a term.
    sql.push(
        "ranked AS (SELECT sc.anchor, r.id, row_number() OVER (PARTITION BY sc.anchor ORDER BY sc.score + \
         CASE WHEN r.title_hashes && an.title_hashes THEN ",
    );
    sql.bind(SHARED_POINTS).push(
        " ELSE 0 END DESC, r.published_at DESC, r.id DESC) AS place \
         FROM scored sc JOIN anchor an ON an.id = sc.anchor JOIN articles r ON r.id = sc.id \
         WHERE r.id <> sc.anchor AND ",
    );
    push_public(&mut sql, "r", now);
    // One row per subject, so a subject with no related news is still found, then its list.
    sql.push(
        ") SELECT an.id AS k, 0 AS place, CAST(NULL AS TEXT) AS summary_doc FROM anchor an \
         UNION ALL SELECT rk.anchor, rk.place, d.summary_doc FROM ranked rk JOIN articles d ON d.id = rk.id \
         WHERE rk.place <= ",
    );
    sql.bind(limit).push(" ORDER BY k, place");
    let mut lists: Vec<(i64, Vec<SummaryDoc>)> = Vec::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let k: i64 = row.try_get("", "k")?;
        match row.try_get::<Option<String>>("", "summary_doc")? {
            None => lists.push((k, Vec::new())),
            Some(json) => {
                if let Some((_, list)) = lists.last_mut().filter(|(last, _)| *last == k) {
                    list.push(parse_doc(&json)?);
                }
            }
        }
    }
    Ok(lists)
}

/// A subject on SQLite: its id, title terms, category and tags.
struct Anchor {
    id: i64,
    terms: Terms,
    category_id: i64,
    tag_ids: Vec<i64>,
}

/// A scored candidate of one subject.
struct Candidate {
    score: i64,
    id: i64,
    published_at: DateTime<Utc>,
    terms: Option<String>,
}

impl Candidate {
    /// A row of the candidate statement: `k` (the subject), `score`, `id`, `published_at`,
    /// `title_terms`.
    fn from_row(row: &QueryResult) -> AppResult<(i64, Candidate)> {
        let candidate = Candidate {
            score: row.try_get("", "score")?,
            id: row.try_get("", "id")?,
            published_at: row.try_get("", "published_at")?,
            terms: row.try_get("", "title_terms")?,
        };
        Ok((row.try_get("", "k")?, candidate))
    }
}

async fn ranked_in_three_statements(
    state: &AppState,
    subject: Subject<'_>,
    limit: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<(i64, Vec<SummaryDoc>)>> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push(
        "SELECT a.id, a.category_id, a.title_terms, t.tag_id FROM articles a \
         LEFT JOIN article_tags t ON t.article_id = a.id WHERE ",
    );
    subject.push_condition(&mut sql, now);
    sql.push(" ORDER BY a.id, t.position");
    let mut anchors: Vec<Anchor> = Vec::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let id: i64 = row.try_get("", "id")?;
        let tag: Option<i64> = row.try_get("", "tag_id")?;
        match anchors.last_mut() {
            Some(last) if last.id == id => last.tag_ids.extend(tag),
            _ => anchors.push(Anchor {
                id,
                terms: Terms::parse(&row.try_get::<Option<String>>("", "title_terms")?.unwrap_or_default()),
                category_id: row.try_get("", "category_id")?,
                tag_ids: tag.into_iter().collect(),
            }),
        }
    }
    if anchors.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    for (k, anchor) in anchors.iter().enumerate() {
        if k > 0 {
            sql.push(" UNION ALL ");
        }
        push_candidates(&mut sql, anchor, limit, now);
    }
    let mut candidates: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let (k, candidate) = Candidate::from_row(&row)?;
        candidates.entry(k).or_default().push(candidate);
    }
    let chosen: Vec<(i64, Vec<i64>)> = anchors
        .iter()
        .map(|anchor| {
            let mut list = candidates.remove(&anchor.id).unwrap_or_default();
            for candidate in &mut list {
                if candidate.terms.as_deref().is_some_and(|terms| anchor.terms.shared_with(terms)) {
                    candidate.score += SHARED_POINTS;
                }
            }
            list.sort_by_key(|c| std::cmp::Reverse((c.score, c.published_at, c.id)));
            let best = list.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX));
            (anchor.id, best.map(|c| c.id).collect())
        })
        .collect();
    let docs = summaries(state, chosen.iter().flat_map(|(_, ids)| ids.iter().copied())).await?;
    Ok(chosen.into_iter().map(|(id, ids)| (id, ids.iter().filter_map(|id| docs.get(id).cloned()).collect())).collect())
}

/// Appends the scored candidates of one article, public and not the article itself: its
/// pinned articles, recent articles of each of its tags (two points a tag), of its category
/// (one point), and the latest articles (none).
fn push_candidates(sql: &mut Sql, anchor: &Anchor, limit: i64, now: DateTime<Utc>) {
    let id = anchor.id;
    sql.push("SELECT ").bind(id).push(
        " AS k, ranked.score AS score, r.id, r.published_at, r.title_terms FROM articles r \
         JOIN (SELECT c.id, CAST(SUM(c.points) AS BIGINT) AS score FROM (",
    );
    sql.push("SELECT p.related_id AS id, (")
        .bind(PIN_SLOTS)
        .push(" - p.position) * ")
        .bind(PIN_POINTS)
        .push(" AS points FROM article_related p WHERE p.article_id = ")
        .bind(id)
        .push(" UNION ALL ");
    for tag_id in &anchor.tag_ids {
        sql.push("SELECT x.id, ").bind(SHARED_POINTS);
        sql.push(" AS points FROM (SELECT article_id AS id FROM article_tags WHERE tag_id = ")
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
        .bind(id)
        .push(" AND ");
    push_public(sql, "r", now);
}

async fn related_for(
    state: &AppState,
    subject: Subject<'_>,
    limit: u64,
) -> AppResult<HashMap<i64, Vec<ArticleSummary>>> {
    let lists = ranked(state, subject, limit, Utc::now()).await?;
    let presenter = &state.snapshot().presenter;
    Ok(lists.into_iter().map(|(id, docs)| (id, docs.into_iter().map(|d| presenter.summary(d)).collect())).collect())
}

/// Summary documents by id, in one statement.
async fn summaries(state: &AppState, ids: impl Iterator<Item = i64>) -> AppResult<HashMap<i64, SummaryDoc>> {
    let mut ids: Vec<i64> = ids.collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.id, a.summary_doc FROM articles a WHERE a.id IN ").bind_list(ids);
    state
        .db()
        .query_all_raw(sql.build())
        .await?
        .iter()
        .map(|row| Ok((row.try_get::<i64>("", "id")?, doc(row, "summary_doc")?)))
        .collect()
}

/// Related news of the public article `slug`.
pub async fn related(state: &AppState, slug: &str, limit: u64) -> AppResult<Vec<ArticleSummary>> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("article"))?;
    let mut found = related_for(state, Subject::Slug(slug.as_str()), limit).await?;
    found.drain().next().map(|(_, list)| list).ok_or(AppError::NotFound("article"))
}

/// Related news of several public articles at once, in two or three statements.
pub async fn related_many(state: &AppState, ids: &[i64], limit: u64) -> AppResult<HashMap<i64, Vec<ArticleSummary>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    related_for(state, Subject::Ids(ids), limit).await
}
