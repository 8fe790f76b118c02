//! The candidates of related news: the latest public articles of a tag, of a category, and of
//! the whole site. Every article with that tag or category ranks the same list, so the lists
//! are kept in memory and shared by all requests. A list is read again once content has
//! changed since it was read (the response cache's generation, which also follows writes of
//! other processes) or once the next scheduled article has come due, so it is always what
//! the database would answer.

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

use super::{
    list::{NEWEST_FIRST, limit_value},
    shared::Memo,
};
use crate::{
    domain::title_terms::Terms,
    error::AppResult,
    services::visibility::{push_next_due, push_public},
    sql::Sql,
    state::AppState,
};

/// How many of the latest public articles of a tag or category are ranked: bounds the work of
/// a request whatever the size of the archive.
pub const PER_LIST: u64 = 24;

/// How many of a tag's latest articles by id (ids grow with time) are looked at for its list:
/// reading a tag's list then costs the same for a tag of three articles and one of thirty
/// thousand. Drafts and trashed articles among them make the list shorter, not the work longer.
const LOOKED_AT_PER_TAG: u64 = 4 * PER_LIST;

/// Memory for lists: each is a few kilobytes, so about 4,000 of them; the lists of rarely read
/// tags are dropped first.
const LISTS_KEPT_BYTES: u64 = 16 * 1024 * 1024;

/// Roughly what one candidate takes in memory, with its title terms.
const CANDIDATE_BYTES: usize = 160;

/// Which articles a list holds.
#[derive(Clone, Copy, Debug, Hash, PartialEq, Eq)]
pub enum ListKey {
    Tag(i64),
    Category(i64),
    /// The latest of the whole site, which fill related news when few articles are alike.
    Latest,
}

/// A public article as related news ranks it.
pub struct Candidate {
    pub id: i64,
    pub published_at: DateTime<Utc>,
    pub terms: Terms,
}

/// A list, newest first, with the next scheduled publication when it was read: from then on
/// it may miss one.
#[derive(Clone)]
struct List {
    valid_until: Option<DateTime<Utc>>,
    items: Arc<[Candidate]>,
}

/// The lists read so far, each within the content generation it was read in.
pub struct CandidateLists {
    lists: Memo<ListKey, List>,
}

impl Default for CandidateLists {
    fn default() -> Self {
        CandidateLists { lists: Memo::new(LISTS_KEPT_BYTES) }
    }
}

impl CandidateLists {
    /// The lists of `keys` as of `now`: those already current from memory, the others read in
    /// one statement.
    pub async fn get(
        &self,
        state: &AppState,
        keys: &[ListKey],
        now: DateTime<Utc>,
    ) -> AppResult<HashMap<ListKey, Arc<[Candidate]>>> {
        // Read before the statement: a list read while a write commits is kept under the
        // older generation, so it is never trusted after the write.
        let generation = state.cache.generation();
        let mut found = HashMap::with_capacity(keys.len());
        let mut missing: Vec<ListKey> = Vec::new();
        for key in keys {
            match self.lists.get(key, generation) {
                Some(list) if list.valid_until.is_none_or(|until| now < until) => {
                    found.insert(*key, list.items.clone());
                }
                _ if !missing.contains(key) => missing.push(*key),
                _ => {}
            }
        }
        if missing.is_empty() {
            return Ok(found);
        }
        // The next scheduled publication is shared with the response cache's memo; the
        // statement reads it too only when the memo has no current answer.
        let known = state.schedule.known(now, generation);
        let (read, due) = read_lists(state, &missing, now, known.is_none()).await?;
        let valid_until = match known {
            Some(known) => known,
            None => {
                state.schedule.remember(generation, due);
                due
            }
        };
        for (key, items) in missing.into_iter().zip(read) {
            let items: Arc<[Candidate]> = items.into();
            let weight = items.len().saturating_mul(CANDIDATE_BYTES).saturating_add(64);
            self.lists.keep(key, generation, weight, List { valid_until, items: items.clone() });
            found.insert(key, items);
        }
        Ok(found)
    }
}

/// Reads the lists of `keys` (in their order) in one statement: one newest-first arm per list,
/// each walking an index and stopping after [`PER_LIST`] public articles. With `due_too`, an arm
/// more reads the next scheduled publication (`k` = -1).
async fn read_lists(
    state: &AppState,
    keys: &[ListKey],
    now: DateTime<Utc>,
    due_too: bool,
) -> AppResult<(Vec<Vec<Candidate>>, Option<DateTime<Utc>>)> {
    let mut sql = Sql::new(state.db().get_database_backend());
    for (k, key) in keys.iter().enumerate() {
        if k > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT * FROM (SELECT ").push(&k.to_string());
        sql.push(" AS k, a.id, a.published_at, a.title_terms FROM ");
        match key {
            ListKey::Tag(tag) => {
                // A subquery with its own LIMIT is walked first: the planner cannot turn it into
                // a walk of every public article checking each for the tag, which a rare tag
                // would take to the end of the archive.
                sql.push("(SELECT t.article_id FROM article_tags t WHERE t.tag_id = ").bind(*tag);
                sql.push(" ORDER BY t.article_id DESC LIMIT ").bind(limit_value(LOOKED_AT_PER_TAG));
                sql.push(") t JOIN articles a ON a.id = t.article_id WHERE ");
            }
            ListKey::Category(category) => {
                sql.push("articles a WHERE a.category_id = ").bind(*category).push(" AND ");
            }
            ListKey::Latest => {
                sql.push("articles a WHERE ");
            }
        }
        push_public(&mut sql, "a", now);
        sql.push(NEWEST_FIRST).bind(limit_value(PER_LIST)).push(") l").push(&k.to_string());
    }
    if due_too {
        sql.push(
            " UNION ALL SELECT * FROM (SELECT -1 AS k, 0 AS id, a.published_at, CAST(NULL AS TEXT) AS title_terms",
        );
        push_next_due(&mut sql, now);
        sql.push(") due");
    }
    let mut lists: Vec<Vec<Candidate>> = keys.iter().map(|_| Vec::new()).collect();
    let mut next_publication = None;
    for row in state.db().query_all_raw(sql.build()).await? {
        let published_at: DateTime<Utc> = row.try_get("", "published_at")?;
        let k: i32 = row.try_get("", "k")?;
        match usize::try_from(k).ok().and_then(|k| lists.get_mut(k)) {
            Some(list) => list.push(Candidate {
                id: row.try_get("", "id")?,
                published_at,
                terms: Terms::parse(&row.try_get::<Option<String>>("", "title_terms")?.unwrap_or_default()),
            }),
            None => next_publication = Some(published_at),
        }
    }
    for list in &mut lists {
        // UNION ALL keeps no order across arms; restore newest first within each list.
        list.sort_by_key(|c| std::cmp::Reverse((c.published_at, c.id)));
    }
    Ok((lists, next_publication))
}
