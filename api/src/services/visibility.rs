//! The public-visibility rule, in one place.
//!
//! A reader sees an article when its status is `published` — or `scheduled` and due: a
//! scheduled article becomes public at its `published_at` with no job flipping its status —
//! when that time is not in the future, and when it is not in the trash. Every public query
//! appends [`push_public`] (searches [`push_public_indexed`]); the partial indexes of the first migration use the same predicate.

use std::sync::Mutex;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection};

use crate::{error::AppResult, services::search, sql::Sql};

/// Appends the rule for the article table aliased `alias`. `now` may be any moment up to the
/// present: a keyset page passes the time of the last article it showed, so the database has
/// one range bound on `published_at` (SQLite uses only one) and the rule still holds.
pub fn push_public(sql: &mut Sql, alias: &str, now: DateTime<Utc>) {
    push_released(sql, alias);
    sql.push(" AND ").push(alias).push(".published_at <= ").bind(now);
}

/// Appends the rule without its time: published or scheduled, and not in the trash.
fn push_released(sql: &mut Sql, alias: &str) {
    sql.push(alias).push(".status IN ('published', 'scheduled') AND ").push(alias).push(".deleted_at IS NULL");
}

/// Appends the condition and order that pick, from articles aliased `a`, the next one to
/// become public after `now` (add the columns before it).
pub fn push_next_due(sql: &mut Sql, now: DateTime<Utc>) {
    sql.push(" FROM articles a WHERE ");
    push_released(sql, "a");
    sql.push(" AND a.published_at > ").bind(now).push(" ORDER BY a.published_at LIMIT 1");
}

/// Which keys of the search index a condition from [`push_public_indexed`] covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IndexedKeys {
    /// Every key up to the present.
    All,
    /// Keys of seconds already past: public by the key alone.
    Settled,
    /// Keys of the current second, each checked against its article's exact time.
    ThisSecond,
}

/// Appends the rule for a row of the search index, whose doc key is `key` and article id
/// `article_id`, over the keys `keys` covers. The index holds only published and scheduled
/// articles out of the trash (it changes in their transaction), and its key orders by the
/// second of publication: a key below the current second's is public without a look at the
/// article, and only a key of the current second needs its article's exact time. So a search
/// walking the index newest first passes over scheduled articles with a comparison each
/// instead of a row lookup each. Asked for separately, the settled keys carry no subquery, so
/// PostgreSQL's planner prices the newest-first walk by its comparisons alone.
pub fn push_public_indexed(sql: &mut Sql, key: &str, article_id: &str, now: DateTime<Utc>, keys: IndexedKeys) {
    let (this_second, next_second) = search::index::second_keys(now);
    let exact_time = |sql: &mut Sql| {
        sql.push("EXISTS (SELECT 1 FROM articles p WHERE p.id = ").push(article_id);
        sql.push(" AND p.published_at <= ").bind(now).push(")");
    };
    match keys {
        IndexedKeys::Settled => {
            sql.push(key).push(" < ").bind(this_second);
        }
        IndexedKeys::ThisSecond => {
            sql.push(key).push(" >= ").bind(this_second).push(" AND ");
            sql.push(key).push(" < ").bind(next_second).push(" AND ");
            exact_time(sql);
        }
        IndexedKeys::All => {
            // The bound on its own lets PostgreSQL start its newest-first walk at the present.
            sql.push(key).push(" < ").bind(next_second);
            sql.push(" AND (").push(key).push(" < ").bind(this_second).push(" OR ");
            exact_time(sql);
            sql.push(")");
        }
    }
}

/// Remembers when the next scheduled article becomes public, so cached public responses can
/// be trusted exactly until then and no longer.
#[derive(Default)]
pub struct Schedule {
    /// The answer and the content generation it was read in; `None` until asked, and an
    /// inner `None` when nothing is scheduled.
    next: Mutex<Option<(u64, Option<DateTime<Utc>>)>>,
}

impl Schedule {
    /// The earliest future publication time, looked up again once it has passed or content
    /// changed (`generation` is the response cache's; an answer read before a write that
    /// raced it is never trusted after).
    pub async fn next_publication(
        &self,
        db: &DatabaseConnection,
        now: DateTime<Utc>,
        generation: u64,
    ) -> AppResult<Option<DateTime<Utc>>> {
        if let Some(known) = self.known(now, generation) {
            return Ok(known);
        }
        let mut sql = Sql::new(db.get_database_backend());
        sql.push("SELECT a.published_at AS at");
        push_next_due(&mut sql, now);
        let next = match db.query_one_raw(sql.build()).await? {
            Some(row) => Some(row.try_get::<DateTime<Utc>>("", "at")?),
            None => None,
        };
        self.remember(generation, next);
        Ok(next)
    }

    /// The answer, when one read in `generation` is still ahead of `now`.
    pub fn known(&self, now: DateTime<Utc>, generation: u64) -> Option<Option<DateTime<Utc>>> {
        let guard = self.next.lock().ok()?;
        let (read_in, known) = (*guard)?;
        (read_in == generation && known.is_none_or(|at| at > now)).then_some(known)
    }

    /// Keeps `next`, read with [`push_next_due`] in `generation`.
    pub fn remember(&self, generation: u64, next: Option<DateTime<Utc>>) {
        if let Ok(mut guard) = self.next.lock() {
            *guard = Some((generation, next));
        }
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::DbBackend;

    use super::*;

    /// The settled keys and the current second split the rule with no gap or overlap, and only
    /// the current second looks at the article.
    #[test]
    fn the_index_rule_splits_at_the_current_second() {
        let now = DateTime::from_timestamp(1_795_882_149, 376_000_000).expect("time");
        let (this_second, next_second) = search::index::second_keys(now);
        let built = |keys| {
            let mut sql = Sql::new(DbBackend::Postgres);
            push_public_indexed(&mut sql, "k", "id", now, keys);
            let statement = sql.build();
            (statement.sql, statement.values.map(|v| v.0).unwrap_or_default())
        };
        let (settled, values) = built(IndexedKeys::Settled);
        assert_eq!((settled.as_str(), values), ("k < $1", vec![this_second.into()]));
        let (current, values) = built(IndexedKeys::ThisSecond);
        assert!(current.starts_with("k >= $1 AND k < $2 AND EXISTS"), "{current}");
        assert_eq!(values[..2], [this_second.into(), next_second.into()]);
        let (all, _) = built(IndexedKeys::All);
        assert!(all.contains(" OR EXISTS"), "{all}");
    }
}
