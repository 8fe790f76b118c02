//! Related news ("Tin khác"): first the articles an editor pinned (in their order, while
//! public), then other public articles ranked by tags shared with the article (two points
//! each), a title sharing a two-word term with the article's title (two points) and the same
//! category (one point), then by recency; the latest articles fill the list when few are
//! alike. Never the article itself. Candidates are the recent articles of each tag and of the
//! category, so the work per request is bounded whatever the size of the archive.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use super::doc;
use crate::{
    domain::{
        slug::Slug,
        text::{fold, is_alphanumeric},
    },
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

/// A public article to find related news for, with its scored candidates.
struct Scored {
    id: i64,
    /// Adjacent word pairs of the title, folded: Vietnamese terms are mostly two syllables.
    title_pairs: Vec<[String; 2]>,
    candidates: Vec<Candidate>,
}

/// A scored candidate of one article.
struct Candidate {
    score: i64,
    id: i64,
    published_at: DateTime<Utc>,
    title: String,
}

impl Candidate {
    /// A row of the candidate statements: `k` (the subject), `score`, `id`, `published_at`,
    /// `title`.
    fn from_row(row: &QueryResult) -> AppResult<(i64, Candidate)> {
        let candidate = Candidate {
            score: row.try_get("", "score")?,
            id: row.try_get("", "id")?,
            published_at: row.try_get("", "published_at")?,
            title: row.try_get("", "title")?,
        };
        Ok((row.try_get("", "k")?, candidate))
    }
}

/// The folded words of a title: folded whole first, so the many candidate titles of a request
/// cost one pass each and no allocation per word.
fn folded_words(folded: &str) -> impl Iterator<Item = &str> {
    folded.split(|c: char| !is_alphanumeric(c)).filter(|w| !w.is_empty())
}

fn title_pairs(title: &str) -> Vec<[String; 2]> {
    let folded = fold(title);
    let words: Vec<&str> = folded_words(&folded).collect();
    let mut pairs: Vec<[String; 2]> = words.windows(2).map(|w| [w[0].to_owned(), w[1].to_owned()]).collect();
    pairs.dedup();
    pairs
}

/// Whether `title` has two adjacent words that are one of `pairs`.
fn shares_a_pair(pairs: &[[String; 2]], title: &str) -> bool {
    let folded = fold(title);
    let mut words = folded_words(&folded);
    let Some(mut previous) = words.next() else { return false };
    words.any(|word| {
        let found = pairs.iter().any(|[a, b]| a == previous && b == word);
        previous = word;
        found
    })
}

/// Points of a pinned article: far above anything relevance scores, and falling with the
/// pin's position, so pins come first in the editor's order.
const PIN_POINTS: i64 = 1_000_000;
/// Above every pin position (editors pin at most 20).
const PIN_SLOTS: i64 = 1_000;

/// Scores the candidates of the subject's public articles: in one statement on PostgreSQL,
/// whose lateral joins take each tag's latest articles inside the statement; in two on
/// SQLite, which has no lateral joins but no round trips either.
async fn score(state: &AppState, subject: Subject<'_>, limit: u64, now: DateTime<Utc>) -> AppResult<Vec<Scored>> {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    if state.db().get_database_backend() == DbBackend::Postgres {
        score_in_one_statement(state, subject, limit, now).await
    } else {
        score_in_two_statements(state, subject, limit, now).await
    }
}

async fn score_in_one_statement(
    state: &AppState,
    subject: Subject<'_>,
    limit: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<Scored>> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("WITH anchor AS (SELECT a.id, a.category_id, a.title FROM articles a WHERE ");
    subject.push_condition(&mut sql, now);
    sql.push("), latest AS (SELECT a.id FROM articles a WHERE ");
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ").bind(limit + 1);
    sql.push("), scored AS (SELECT c.anchor, c.id, CAST(SUM(c.points) AS BIGINT) AS score FROM (");
    sql.push("SELECT an.id AS anchor, p.related_id AS id, (")
        .bind(PIN_SLOTS)
        .push(" - p.position) * ")
        .bind(PIN_POINTS)
        .push(" AS points FROM anchor an JOIN article_related p ON p.article_id = an.id");
    sql.push(
        " UNION ALL SELECT an.id, x.article_id, 2 FROM anchor an JOIN article_tags t ON t.article_id = an.id \
         CROSS JOIN LATERAL (SELECT t2.article_id FROM article_tags t2 WHERE t2.tag_id = t.tag_id \
         ORDER BY t2.article_id DESC LIMIT ",
    )
    .bind(CANDIDATES)
    .push(") x");
    sql.push(" UNION ALL SELECT an.id, l.id, 0 FROM anchor an CROSS JOIN latest l");
    sql.push(
        " UNION ALL SELECT an.id, s.id, 1 FROM anchor an CROSS JOIN LATERAL \
         (SELECT a.id FROM articles a WHERE a.category_id = an.category_id AND ",
    );
    push_public(&mut sql, "a", now);
    sql.push(" ORDER BY a.published_at DESC, a.id DESC LIMIT ").bind(CANDIDATES).push(") s");
    sql.push(") c GROUP BY c.anchor, c.id) ");
    // One row per subject (its title), then one per candidate.
    sql.push(
        "SELECT an.id AS k, an.title AS anchor_title, CAST(NULL AS BIGINT) AS score, CAST(NULL AS BIGINT) AS id, \
         CAST(NULL AS TIMESTAMPTZ) AS published_at, CAST(NULL AS TEXT) AS title FROM anchor an \
         UNION ALL SELECT sc.anchor, NULL, sc.score, r.id, r.published_at, r.title \
         FROM scored sc JOIN articles r ON r.id = sc.id WHERE r.id <> sc.anchor AND ",
    );
    push_public(&mut sql, "r", now);
    let rows = state.db().query_all_raw(sql.build()).await?;
    let mut scored: Vec<Scored> = Vec::new();
    let mut candidates: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for row in &rows {
        match row.try_get::<Option<String>>("", "anchor_title")? {
            Some(title) => scored.push(Scored {
                id: row.try_get("", "k")?,
                title_pairs: title_pairs(&title),
                candidates: Vec::new(),
            }),
            None => {
                let (k, candidate) = Candidate::from_row(row)?;
                candidates.entry(k).or_default().push(candidate);
            }
        }
    }
    Ok(with_candidates(scored, candidates))
}

async fn score_in_two_statements(
    state: &AppState,
    subject: Subject<'_>,
    limit: i64,
    now: DateTime<Utc>,
) -> AppResult<Vec<Scored>> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push(
        "SELECT a.id, a.category_id, a.title, t.tag_id FROM articles a LEFT JOIN article_tags t ON t.article_id = a.id WHERE ",
    );
    subject.push_condition(&mut sql, now);
    sql.push(" ORDER BY a.id, t.position");
    // Each subject with its category and tags.
    let mut anchors: Vec<(Scored, i64, Vec<i64>)> = Vec::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let id: i64 = row.try_get("", "id")?;
        let tag: Option<i64> = row.try_get("", "tag_id")?;
        match anchors.last_mut() {
            Some((last, _, tags)) if last.id == id => tags.extend(tag),
            _ => anchors.push((
                Scored { id, title_pairs: title_pairs(&row.try_get::<String>("", "title")?), candidates: Vec::new() },
                row.try_get("", "category_id")?,
                tag.into_iter().collect(),
            )),
        }
    }
    if anchors.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    for (k, (anchor, category_id, tag_ids)) in anchors.iter().enumerate() {
        if k > 0 {
            sql.push(" UNION ALL ");
        }
        push_candidates(&mut sql, anchor.id, *category_id, tag_ids, limit, now);
    }
    let mut candidates: HashMap<i64, Vec<Candidate>> = HashMap::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let (k, candidate) = Candidate::from_row(&row)?;
        candidates.entry(k).or_default().push(candidate);
    }
    Ok(with_candidates(anchors.into_iter().map(|(subject, _, _)| subject).collect(), candidates))
}

/// Gives each subject its candidates, grouped by the subject's id.
fn with_candidates(mut scored: Vec<Scored>, mut candidates: HashMap<i64, Vec<Candidate>>) -> Vec<Scored> {
    for subject in &mut scored {
        subject.candidates = candidates.remove(&subject.id).unwrap_or_default();
    }
    scored
}

/// Appends the scored candidates of one article, public and not the article itself: its
/// pinned articles, recent articles of each of its tags (two points a tag), of its category
/// (one point), and the latest articles (none).
fn push_candidates(sql: &mut Sql, id: i64, category_id: i64, tag_ids: &[i64], limit: i64, now: DateTime<Utc>) {
    sql.push("SELECT ").bind(id).push(
        " AS k, ranked.score AS score, r.id, r.published_at, r.title FROM articles r \
         JOIN (SELECT c.id, CAST(SUM(c.points) AS BIGINT) AS score FROM (",
    );
    sql.push("SELECT p.related_id AS id, (")
        .bind(PIN_SLOTS)
        .push(" - p.position) * ")
        .bind(PIN_POINTS)
        .push(" AS points FROM article_related p WHERE p.article_id = ")
        .bind(id)
        .push(" UNION ALL ");
    for tag_id in tag_ids {
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
        .bind(category_id)
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
    let scored = score(state, subject, limit, Utc::now()).await?;
    // A title sharing a two-word term with the subject's adds two points; then the best of
    // each list (pins first), newest first among equals.
    let chosen: Vec<(i64, Vec<i64>)> = scored
        .into_iter()
        .map(|Scored { id, title_pairs, mut candidates }| {
            for candidate in &mut candidates {
                if shares_a_pair(&title_pairs, &candidate.title) {
                    candidate.score += 2;
                }
            }
            candidates.sort_by_key(|c| std::cmp::Reverse((c.score, c.published_at, c.id)));
            let ids = candidates.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX)).map(|c| c.id);
            (id, ids.collect())
        })
        .collect();
    let docs = summaries(state, chosen.iter().flat_map(|(_, ids)| ids.iter().copied())).await?;
    let presenter = &state.snapshot().presenter;
    Ok(chosen
        .into_iter()
        .map(|(id, ids)| {
            let list = ids.iter().filter_map(|id| docs.get(id).cloned()).map(|d| presenter.summary(d)).collect();
            (id, list)
        })
        .collect())
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn titles_share_a_term_whatever_their_accents_case_and_punctuation() {
        let pairs = title_pairs("Nghị quyết mới về cảng Lạch Huyện");
        assert!(shares_a_pair(&pairs, "NGHI QUYET cho thanh pho"));
        assert!(shares_a_pair(&pairs, "Mở rộng cảng: lạch huyện đón tàu"), "a pair after punctuation");
        assert!(!shares_a_pair(&pairs, "Quyết nghị của hội đồng"), "the words in the other order");
        assert!(!shares_a_pair(&pairs, "Cảng"), "one word has no pair");
        assert!(!shares_a_pair(&[], "Nghị quyết"));
    }

    proptest! {
        #[test]
        fn sharing_a_pair_is_having_a_pair_in_common(a in "[aăâbcdđeê ,.Ạ]{0,24}", b in "[aăâbcdđeê ,.Ạ]{0,24}") {
            let ours = title_pairs(&a);
            let theirs = title_pairs(&b);
            prop_assert_eq!(shares_a_pair(&ours, &b), theirs.iter().any(|pair| ours.contains(pair)));
        }
    }
}
