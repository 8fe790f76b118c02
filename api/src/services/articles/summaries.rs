//! Article summaries as lists show them, kept in memory presented and, once an answer needs
//! it, written as JSON. Between two edits the same few hundred summaries fill the homepage,
//! the section fronts, related news and feeds thousands of times, and reading, parsing,
//! presenting and writing each one again was most of what a list cost. Which articles a list
//! shows is still asked of the database every time, so the visibility rule stays in SQL; only
//! the documents come from memory, and only within the content generation they were read in
//! (the response cache's, which every write moves on and which follows other processes).

use std::{collections::HashMap, sync::Arc};

use super::{
    parse_doc,
    shared::{Memo, Shared},
};
use crate::{
    error::AppResult,
    read_model::SummaryDoc,
    services::visibility::push_public,
    sql::Sql,
    state::AppState,
    views::{ArticleSummary, Presenter},
};
use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, QueryResult};

/// Memory for summaries: about 6,000 of them, far more than the lists readers open between
/// two edits.
const KEPT_BYTES: u64 = 32 * 1024 * 1024;

/// An article summary shared by every list that shows it.
pub type SharedSummary = Shared<ArticleSummary>;

/// The summaries read so far, by article id.
pub struct SummaryMemo {
    kept: Memo<i64, Arc<SharedSummary>>,
}

impl Default for SummaryMemo {
    fn default() -> Self {
        SummaryMemo { kept: Memo::new(KEPT_BYTES) }
    }
}

impl SummaryMemo {
    /// Which of `ids` are in memory for `generation`; the rest must be read.
    fn split(&self, ids: &[i64], generation: u64) -> (HashMap<i64, Arc<SharedSummary>>, Vec<i64>) {
        let mut found = HashMap::with_capacity(ids.len());
        let mut missing = Vec::new();
        for id in ids {
            match self.kept.get(id, generation) {
                Some(summary) => {
                    found.insert(*id, summary);
                }
                None => missing.push(*id),
            }
        }
        missing.sort_unstable();
        missing.dedup();
        (found, missing)
    }

    /// Presents the summary document of `row` (column `summary_doc`), read in `generation`,
    /// keeps it and adds it to `found`.
    fn keep(
        &self,
        presenter: &Presenter,
        generation: u64,
        row: &QueryResult,
        found: &mut HashMap<i64, Arc<SharedSummary>>,
    ) -> AppResult<()> {
        let json: String = row.try_get("", "summary_doc")?;
        let doc: SummaryDoc = parse_doc(&json)?;
        let id = doc.id;
        let summary = SharedSummary::new(presenter.summary(doc));
        // The view and its JSON (with every rendition's URL) together take about four times
        // the stored text.
        self.kept.keep(id, generation, json.len().saturating_mul(4), summary.clone());
        found.insert(id, summary);
        Ok(())
    }
}

/// The summaries of `ids`, which a statement of the caller found public: those in memory, the
/// others read in one statement.
pub async fn by_ids(state: &AppState, ids: &[i64]) -> AppResult<HashMap<i64, Arc<SharedSummary>>> {
    let generation = state.cache.generation();
    let (mut found, missing) = state.summaries.split(ids, generation);
    if !missing.is_empty() {
        let mut sql = Sql::new(state.db().get_database_backend());
        sql.push("SELECT a.id, a.summary_doc FROM articles a WHERE a.id IN ").bind_list(missing);
        let snapshot = state.snapshot();
        for row in state.db().query_all_raw(sql.build()).await? {
            state.summaries.keep(&snapshot.presenter, generation, &row, &mut found)?;
        }
    }
    Ok(found)
}

/// The summaries of the public articles among `ids`, in one statement that reads only the
/// documents not in memory.
pub async fn public_by_ids(
    state: &AppState,
    ids: &[i64],
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, Arc<SharedSummary>>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let generation = state.cache.generation();
    let (kept, missing) = state.summaries.split(ids, generation);
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.id");
    if !missing.is_empty() {
        sql.push(", CASE WHEN a.id IN ")
            .bind_list(missing.iter().copied())
            .push(" THEN a.summary_doc END AS summary_doc");
    }
    sql.push(" FROM articles a WHERE a.id IN ").bind_list(kept.keys().copied().chain(missing)).push(" AND ");
    push_public(&mut sql, "a", now);
    let mut found = HashMap::with_capacity(ids.len());
    let snapshot = state.snapshot();
    for row in state.db().query_all_raw(sql.build()).await? {
        let id: i64 = row.try_get("", "id")?;
        match kept.get(&id) {
            Some(summary) => {
                found.insert(id, summary.clone());
            }
            None => state.summaries.keep(&snapshot.presenter, generation, &row, &mut found)?,
        }
    }
    Ok(found)
}
