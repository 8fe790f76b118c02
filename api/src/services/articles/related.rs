//! Related news ("Tin khác"): first the articles an editor pinned (in their order, while
//! public), then other public articles ranked by tags shared with the article (two points
//! each), a title sharing a two-word term with the article's title (two points) and the same
//! category (one point), then by recency; the latest articles fill the list when few are
//! alike. Never the article itself. Candidates are the recent articles of each tag and of the
//! category, so the work per request is bounded whatever the size of the archive.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

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

struct Anchor {
    id: i64,
    category_id: i64,
    tag_ids: Vec<i64>,
    /// Adjacent word pairs of the title, folded: Vietnamese terms are mostly two syllables.
    title_pairs: Vec<[String; 2]>,
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

async fn anchors(state: &AppState, subject: Subject<'_>, now: DateTime<Utc>) -> AppResult<Vec<Anchor>> {
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push(
        "SELECT a.id, a.category_id, a.title, t.tag_id FROM articles a LEFT JOIN article_tags t ON t.article_id = a.id WHERE ",
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
                title_pairs: title_pairs(&row.try_get::<String>("", "title")?),
            }),
        }
    }
    Ok(anchors)
}

/// Points of a pinned article: far above anything relevance scores, and falling with the
/// pin's position, so pins come first in the editor's order.
const PIN_POINTS: i64 = 1_000_000;
/// Above every pin position (editors pin at most 20).
const PIN_SLOTS: i64 = 1_000;

/// Appends the scored candidates of one anchor, public and not the anchor itself: its pinned
/// articles, recent articles of each of its tags (two points a tag), of its category (one
/// point), and the latest articles (none).
fn push_candidates(sql: &mut Sql, k: usize, anchor: &Anchor, limit: u64, now: DateTime<Utc>) {
    let limit = i64::try_from(limit).unwrap_or(i64::MAX);
    sql.push("SELECT ").push(&k.to_string()).push(
        " AS k, ranked.score AS score, r.id, r.published_at, r.title FROM articles r \
         JOIN (SELECT c.id, CAST(SUM(c.points) AS BIGINT) AS score FROM (",
    );
    sql.push("SELECT p.related_id AS id, (")
        .bind(PIN_SLOTS)
        .push(" - p.position) * ")
        .bind(PIN_POINTS)
        .push(" AS points FROM article_related p WHERE p.article_id = ")
        .bind(anchor.id)
        .push(" UNION ALL ");
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
}

/// A scored candidate of one anchor.
struct Candidate {
    score: i64,
    id: i64,
    published_at: DateTime<Utc>,
    title: String,
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
        push_candidates(&mut sql, k, anchor, limit, now);
    }
    let mut grouped: Vec<Vec<Candidate>> = anchors.iter().map(|_| Vec::new()).collect();
    for row in state.db.query_all_raw(sql.build()).await? {
        let k = usize::try_from(row.try_get::<i32>("", "k")?).unwrap_or(usize::MAX);
        if let Some(group) = grouped.get_mut(k) {
            group.push(Candidate {
                score: row.try_get("", "score")?,
                id: row.try_get("", "id")?,
                published_at: row.try_get("", "published_at")?,
                title: row.try_get("", "title")?,
            });
        }
    }
    // A title sharing a two-word term with the anchor's adds two points; then the best of
    // each list (pins first), newest first among equals.
    let chosen: Vec<Vec<i64>> = anchors
        .iter()
        .zip(grouped)
        .map(|(anchor, mut candidates)| {
            for candidate in &mut candidates {
                if shares_a_pair(&anchor.title_pairs, &candidate.title) {
                    candidate.score += 2;
                }
            }
            candidates.sort_by_key(|c| std::cmp::Reverse((c.score, c.published_at, c.id)));
            candidates.into_iter().take(usize::try_from(limit).unwrap_or(usize::MAX)).map(|c| c.id).collect()
        })
        .collect();
    let docs = summaries(state, chosen.iter().flatten().copied()).await?;
    let presenter = &state.snapshot().presenter;
    Ok(anchors
        .iter()
        .zip(chosen)
        .map(|(anchor, ids)| {
            let list = ids.iter().filter_map(|id| docs.get(id).cloned()).map(|d| presenter.summary(d)).collect();
            (anchor.id, list)
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
    let mut sql = Sql::new(state.db.get_database_backend());
    sql.push("SELECT a.id, a.summary_doc FROM articles a WHERE a.id IN ").bind_list(ids);
    state
        .db
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

/// Related news of several public articles at once, in two statements.
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
