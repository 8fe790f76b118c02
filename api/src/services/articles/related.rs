//! Related news ("Tin khác"): first the articles an editor pinned (in their order, while
//! public), then other public articles ranked by tags shared with the article (two points
//! each), a title sharing a two-word term with the article's title (two points) and the same
//! category (one point), then by recency; the latest articles fill the list when few are
//! alike. Never the article itself.
//!
//! Candidates are the latest public articles of each tag and of the category: the work of a
//! request is bounded whatever the size of the archive, and the lists, shared by every article
//! of a tag, come from memory ([`super::candidates`]). So a request costs two indexed
//! statements on either back end, the subject and the winners' summaries, and ranks in code.
//! The ranking itself is kept for as long as the lists it came from ([`Rankings`]); then a
//! request is one statement, which checks that the subject and the winners are public and
//! reads the summaries not in memory.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{
    candidates::{Candidate, ListKey},
    shared::Memo,
    summaries::{self, SharedSummary},
};
use crate::{
    domain::{slug::Slug, title_terms::Terms},
    error::{AppError, AppResult},
    services::visibility::push_public,
    sql::Sql,
    state::AppState,
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

/// Which articles to find related news for.
enum Subject<'a> {
    Slug(&'a str),
    Ids(&'a [i64]),
}

/// One subject as a request names it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum SubjectKey {
    Slug(String),
    Id(i64),
}

impl SubjectKey {
    fn id(&self) -> Option<i64> {
        match self {
            SubjectKey::Id(id) => Some(*id),
            SubjectKey::Slug(_) => None,
        }
    }
}

impl Subject<'_> {
    fn keys(&self) -> Vec<SubjectKey> {
        match self {
            Subject::Slug(slug) => vec![SubjectKey::Slug((*slug).to_owned())],
            Subject::Ids(ids) => ids.iter().map(|id| SubjectKey::Id(*id)).collect(),
        }
    }

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

/// A subject: its id, title terms, category, tags, and its public pins in the editor's order.
struct Anchor {
    id: i64,
    terms: Terms,
    category_id: i64,
    tag_ids: Vec<i64>,
    pins: Vec<i64>,
}

/// The subjects, each with its tags and public pins, in one statement.
async fn anchors(state: &AppState, subject: &Subject<'_>, now: DateTime<Utc>) -> AppResult<Vec<Anchor>> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push(
        "SELECT a.id, a.category_id, a.title_terms, 0 AS kind, t.tag_id AS other, t.position FROM articles a \
         LEFT JOIN article_tags t ON t.article_id = a.id WHERE ",
    );
    subject.push_condition(&mut sql, now);
    sql.push(
        " UNION ALL SELECT a.id, a.category_id, a.title_terms, 1 AS kind, p.related_id AS other, p.position \
         FROM articles a JOIN article_related p ON p.article_id = a.id JOIN articles r ON r.id = p.related_id WHERE ",
    );
    subject.push_condition(&mut sql, now);
    sql.push(" AND ");
    push_public(&mut sql, "r", now);
    sql.push(" ORDER BY 1, 4, 6");
    let mut anchors: Vec<Anchor> = Vec::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let id: i64 = row.try_get("", "id")?;
        if anchors.last().is_none_or(|last| last.id != id) {
            anchors.push(Anchor {
                id,
                terms: Terms::parse(&row.try_get::<Option<String>>("", "title_terms")?.unwrap_or_default()),
                category_id: row.try_get("", "category_id")?,
                tag_ids: Vec::new(),
                pins: Vec::new(),
            });
        }
        let other: Option<i64> = row.try_get("", "other")?;
        if let Some(anchor) = anchors.last_mut() {
            match row.try_get::<i32>("", "kind")? {
                0 => anchor.tag_ids.extend(other),
                _ => anchor.pins.extend(other),
            }
        }
    }
    Ok(anchors)
}

/// The ids of `anchor`'s related news, best first: its pins, then candidates from the lists
/// of its tags (two points each), its category (one point) and the latest articles (none),
/// with two more points for a shared title term, by points then recency.
fn rank<'a>(anchor: &Anchor, lists: &'a HashMap<ListKey, Arc<[Candidate]>>, limit: usize) -> Vec<i64> {
    // Points so far by id, with the candidate itself once a list has it (a pin may be in none).
    let mut scored: HashMap<i64, (i64, Option<&'a Candidate>)> = HashMap::new();
    let mut add = |id: i64, points: i64, candidate: Option<&'a Candidate>| {
        let entry = scored.entry(id).or_insert((0, None));
        entry.0 += points;
        entry.1 = entry.1.or(candidate);
    };
    for (position, id) in (0..).zip(&anchor.pins) {
        add(*id, (PIN_SLOTS - position) * PIN_POINTS, None);
    }
    let list = |key| lists.get(&key).map_or(&[][..], |items| &items[..]);
    for tag in &anchor.tag_ids {
        for c in list(ListKey::Tag(*tag)) {
            add(c.id, SHARED_POINTS, Some(c));
        }
    }
    for c in list(ListKey::Category(anchor.category_id)) {
        add(c.id, 1, Some(c));
    }
    for c in list(ListKey::Latest).iter().take(limit.saturating_add(1)) {
        add(c.id, 0, Some(c));
    }
    scored.remove(&anchor.id);
    let mut ranked: Vec<(i64, DateTime<Utc>, i64)> = scored
        .into_iter()
        .map(|(id, (points, candidate))| match candidate {
            Some(c) if anchor.terms.shared_with(&c.terms) => (points + SHARED_POINTS, c.published_at, id),
            Some(c) => (points, c.published_at, id),
            None => (points, DateTime::<Utc>::MIN_UTC, id),
        })
        .collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    ranked.into_iter().take(limit).map(|(_, _, id)| id).collect()
}

/// Memory for rankings: a few hundred bytes each, tens of thousands of them.
const RANKINGS_KEPT_BYTES: u64 = 8 * 1024 * 1024;

/// A subject's ranked candidates, with when the lists they came from stop being current.
struct Ranking {
    subject: i64,
    ids: Vec<i64>,
    valid_until: Option<DateTime<Utc>>,
}

/// Rankings by subject and length. One holds exactly as long as the candidate lists it was
/// ranked from: within the content generation it was made in, until the next scheduled
/// publication (which may add a candidate or a pin). Whether the subject and the winners are
/// public is still asked of the database on every request.
pub struct Rankings {
    kept: Memo<(SubjectKey, usize), Arc<Ranking>>,
}

impl Default for Rankings {
    fn default() -> Self {
        Rankings { kept: Memo::new(RANKINGS_KEPT_BYTES) }
    }
}

impl Rankings {
    fn get(&self, key: &(SubjectKey, usize), generation: u64, now: DateTime<Utc>) -> Option<Arc<Ranking>> {
        self.kept.get(key, generation).filter(|r| r.valid_until.is_none_or(|until| now < until))
    }
}

/// Ranks `subject`'s articles and keeps the rankings: the subjects with their tags and pins,
/// then the candidate lists (from memory once read). Subjects that are not public are left out.
async fn rank_and_keep(
    state: &AppState,
    subject: &Subject<'_>,
    limit: usize,
    generation: u64,
    now: DateTime<Utc>,
) -> AppResult<Vec<Arc<Ranking>>> {
    let anchors = anchors(state, subject, now).await?;
    if anchors.is_empty() {
        return Ok(Vec::new());
    }
    let mut keys = vec![ListKey::Latest];
    for anchor in &anchors {
        keys.extend(anchor.tag_ids.iter().map(|tag| ListKey::Tag(*tag)));
        keys.push(ListKey::Category(anchor.category_id));
    }
    let lists = state.candidates.get(state, &keys, now).await?;
    // The lists are current until the next scheduled publication, which they have just made
    // known; without it, the ranking serves this request only.
    let valid_until = state.schedule.known(now, generation);
    let mut ranked = Vec::with_capacity(anchors.len());
    for anchor in &anchors {
        let key = match subject {
            Subject::Slug(slug) => SubjectKey::Slug((*slug).to_owned()),
            Subject::Ids(_) => SubjectKey::Id(anchor.id),
        };
        let ranking = Arc::new(Ranking {
            subject: anchor.id,
            ids: rank(anchor, &lists, limit),
            valid_until: valid_until.flatten(),
        });
        if valid_until.is_some() {
            let weight = ranking.ids.len().saturating_mul(8).saturating_add(96);
            state.rankings.kept.keep((key, limit), generation, weight, ranking.clone());
        }
        ranked.push(ranking);
    }
    Ok(ranked)
}

/// Each public subject's related news, best first, by subject id: the rankings (from memory,
/// or made for the subjects memory lacks), then one statement that keeps the subjects and
/// winners that are public and reads the summaries not in memory.
async fn related_for(
    state: &AppState,
    subject: Subject<'_>,
    limit: u64,
) -> AppResult<HashMap<i64, Vec<Arc<SharedSummary>>>> {
    let now = Utc::now();
    // Read before any statement: what is read while a write commits is kept under the older
    // generation, so it is never trusted after the write.
    let generation = state.cache.generation();
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut rankings = Vec::new();
    let mut missing = Vec::new();
    for key in subject.keys() {
        match state.rankings.get(&(key.clone(), limit), generation, now) {
            Some(ranking) => rankings.push(ranking),
            None => missing.push(key),
        }
    }
    if !missing.is_empty() {
        let missing_ids: Vec<i64> = missing.iter().filter_map(SubjectKey::id).collect();
        let unranked = match subject {
            Subject::Slug(slug) => Subject::Slug(slug),
            Subject::Ids(_) => Subject::Ids(&missing_ids),
        };
        rankings.extend(rank_and_keep(state, &unranked, limit, generation, now).await?);
    }
    let asked: Vec<i64> =
        rankings.iter().flat_map(|r| std::iter::once(r.subject).chain(r.ids.iter().copied())).collect();
    let found = summaries::public_by_ids(state, &asked, now).await?;
    Ok(rankings
        .iter()
        .filter(|r| found.contains_key(&r.subject))
        .map(|r| (r.subject, r.ids.iter().filter_map(|id| found.get(id).cloned()).collect()))
        .collect())
}

/// Related news of the public article `slug`.
pub async fn related(state: &AppState, slug: &str, limit: u64) -> AppResult<Vec<Arc<SharedSummary>>> {
    let slug = Slug::parse(slug).ok_or(AppError::NotFound("article"))?;
    let mut found = related_for(state, Subject::Slug(slug.as_str()), limit).await?;
    found.drain().next().map(|(_, list)| list).ok_or(AppError::NotFound("article"))
}

/// Related news of several public articles at once, in two statements (three when a candidate
/// list has to be read).
pub async fn related_many(
    state: &AppState,
    ids: &[i64],
    limit: u64,
) -> AppResult<HashMap<i64, Vec<Arc<SharedSummary>>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    related_for(state, Subject::Ids(ids), limit).await
}
