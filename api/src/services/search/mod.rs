//! Public search over articles, with the article list's filters.
//!
//! Ranking is in four tiers, then newest first: the whole query found in the title with the
//! reader's accents, found in the title once folded, found anywhere with the reader's
//! accents, found anywhere folded (a query typed without accents has only the folded tiers). So `Hà` puts articles about Hà above those about Hạ, and a
//! title match above a passing mention. Each tier is one index query that walks the index
//! newest first and stops after the page, so a word found in half the archive costs no more
//! than a rare one; a deep page costs its offset, and results stop at [`MAX_RESULTS`].

pub mod index;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DbBackend};
use serde::Serialize;
use utoipa::ToSchema;

use super::{
    articles::{ArticleFilter, Resolved, doc, push_conditions, resolve_one},
    visibility::{IndexedKeys, push_public_indexed},
};
use crate::{
    domain::{
        blocks::Block,
        search::{
            highlight,
            query::{Completions, QueryError, SearchQuery, Spelling},
        },
    },
    error::{AppError, AppResult},
    pagination::{Page, PageMeta, PageRequest, Position, list_fingerprint},
    read_model::SummaryDoc,
    sql::Sql,
    state::AppState,
    views::ArticleSummary,
};

/// Results a search reaches at most; a reader who pages past them needs a narrower query.
pub const MAX_RESULTS: u64 = 1_000;

/// Reads the `q` parameter; `field` names it in errors.
pub fn parse_query(field: &str, raw: Option<&str>) -> AppResult<SearchQuery> {
    SearchQuery::parse(raw.unwrap_or_default()).map_err(|e: QueryError| AppError::bad_param(field, e.to_string()))
}

/// Identifies a search and its filters for cursors.
pub fn fingerprint(query: &SearchQuery, filter: &ArticleFilter) -> u64 {
    list_fingerprint(&format!("search|{}|{}", query.canonical(), filter.fingerprint()))
}

/// Where the query matched best.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema, async_graphql::Enum)]
#[serde(rename_all = "snake_case")]
#[graphql(name = "SearchMatchedIn")]
pub enum MatchedIn {
    /// The whole query is in the title.
    Title,
    /// The query is found in the lead or body (and not wholly in the title).
    Body,
}

/// The cursor that continues a search after its first `seen` results.
pub fn cursor_after(state: &AppState, query: &SearchQuery, filter: &ArticleFilter, seen: u64) -> String {
    state.cursor_key.encode(fingerprint(query, filter), Position::Offset { o: seen })
}

/// Where a page request starts in the ranking.
pub fn start_of(page: &PageRequest) -> u64 {
    match &page.after {
        Some(Position::Offset { o }) => *o,
        _ => page.offset(),
    }
}

/// One search result.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct SearchHit {
    pub article: ArticleSummary,
    /// Relevance from 0 to 1: 1 for the query in the title with the same accents, 0.75 in
    /// the title, 0.5 in the text with the same accents, 0.25 in the text. Equal scores are
    /// ordered newest first.
    #[schema(example = 1.0)]
    pub score: f32,
    pub matched_in: MatchedIn,
    /// Whether the accents of the match are the ones typed.
    pub exact_accents: bool,
    pub highlights: Highlights,
}

/// Text with the matched words in `<mark>`; everything else is HTML-escaped.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct Highlights {
    #[schema(example = "Kiểm tra <mark>nghị quyết</mark> tại Lê Chân")]
    pub title: String,
    /// A passage of the first paragraph (the lead or the body's) with a match, around it.
    pub body: String,
}

/// The four tiers, best first: (which spelling, restricted to title words).
const TIERS: [(Spelling, bool); 4] =
    [(Spelling::Exact, true), (Spelling::Folded, true), (Spelling::Exact, false), (Spelling::Folded, false)];

fn hit_facts(tier: usize) -> (f32, MatchedIn, bool) {
    let (spelling, title) = TIERS.get(tier).copied().unwrap_or((Spelling::Folded, false));
    let score = 1.0 - 0.25 * tier as f32;
    (score, if title { MatchedIn::Title } else { MatchedIn::Body }, spelling == Spelling::Exact)
}

/// Appends `FROM … WHERE` matching tier `tier` of `query` with the filter, for public articles
/// (alias `a`). Answers the expression to order by newest first: on SQLite it must be the
/// full-text table's own rowid, which FTS5 walks in order and stops early; ordering by an equal
/// column of a joined table makes SQLite collect and sort every match.
fn push_tier(
    sql: &mut Sql,
    query: &SearchQuery,
    tier: usize,
    filter: &Resolved,
    completions: &Completions,
    keys: IndexedKeys,
    now: chrono::DateTime<Utc>,
) -> &'static str {
    let (spelling, title_only) = TIERS[tier];
    match sql.backend() {
        DbBackend::Postgres => {
            sql.push(" FROM search_docs d");
            push_filtered_articles(sql, filter);
            sql.push(" WHERE ");
            push_vector_match(sql, query, tier);
            sql.push(" AND ");
            push_public_indexed(sql, "d.doc_key", "d.article_id", now, keys);
            push_conditions(sql, filter, None);
            "d.doc_key"
        }
        _ => {
            let (table, columns): (&str, &[&str]) = match (spelling, title_only) {
                (Spelling::Exact, true) => ("search_titles", &["title_e"]),
                (Spelling::Exact, false) => ("search_fts", &["title_e", "body_e"]),
                (Spelling::Folded, true) => ("search_titles", &["title_f"]),
                (Spelling::Folded, false) => ("search_fts", &["title_f", "body_f"]),
            };
            sql.push(" FROM ").push(table).push(" JOIN search_docs d ON d.doc_key = ").push(table).push(".rowid");
            push_filtered_articles(sql, filter);
            sql.push(" WHERE ")
                .push(table)
                .push(" MATCH ")
                .bind(query.fts5(columns, spelling, completions))
                .push(" AND ");
            // `+` keeps the bound away from FTS5, which honours a rowid bound on a newest-first
            // walk by reading the term's whole list; as a plain comparison it costs nothing.
            let key = if title_only { "+search_titles.rowid" } else { "+search_fts.rowid" };
            push_public_indexed(sql, key, "d.article_id", now, keys);
            push_conditions(sql, filter, None);
            if title_only { "search_titles.rowid" } else { "search_fts.rowid" }
        }
    }
}

/// Joins the articles (alias `a`) when the filter needs their columns; visibility alone does not.
fn push_filtered_articles(sql: &mut Sql, filter: &Resolved) {
    if !filter.is_empty() {
        sql.push(" JOIN articles a ON a.id = d.article_id");
    }
}

/// Appends PostgreSQL's match of tier `tier`: its vector column against the query.
fn push_vector_match(sql: &mut Sql, query: &SearchQuery, tier: usize) {
    let (spelling, title_only) = TIERS[tier];
    let column = match (spelling, title_only) {
        (Spelling::Exact, true) => "d.title_exact",
        (Spelling::Exact, false) => "d.exact",
        (Spelling::Folded, true) => "d.title_folded",
        (Spelling::Folded, false) => "d.folded",
    };
    sql.push(column).push(" @@ CAST(").bind(query.tsquery(spelling)).push(" AS tsquery)");
}

/// Appends one select of PostgreSQL's matches published in the current second, whatever
/// their tier (the best one each): a handful of rows at most, each checked against its
/// article's exact time, so one select serves every tier and the planner prices it once.
fn push_this_second(sql: &mut Sql, query: &SearchQuery, tiers: &[usize], filter: &Resolved, now: DateTime<Utc>) {
    sql.push("SELECT CASE");
    for tier in tiers {
        sql.push(" WHEN ");
        push_vector_match(sql, query, *tier);
        sql.push(" THEN ").push(&tier.to_string());
    }
    sql.push(" END AS tier, d.article_id AS id, d.doc_key AS doc_key FROM search_docs d");
    push_filtered_articles(sql, filter);
    sql.push(" WHERE (");
    for (i, tier) in tiers.iter().enumerate() {
        if i > 0 {
            sql.push(" OR ");
        }
        push_vector_match(sql, query, *tier);
    }
    sql.push(") AND ");
    push_public_indexed(sql, "d.doc_key", "d.article_id", now, IndexedKeys::ThisSecond);
    push_conditions(sql, filter, None);
}

/// Public articles matching `query` and `filter`, best first.
pub async fn search(
    state: &AppState,
    query: &SearchQuery,
    filter: &ArticleFilter,
    page: &PageRequest,
) -> AppResult<Page<SearchHit>> {
    let resolved = resolve_one(state, filter).await?;
    let offset = match &page.after {
        Some(Position::Offset { o }) => *o,
        Some(_) => return Err(AppError::bad_param("cursor", "does not belong to a search")),
        None => page.offset(),
    };
    if offset >= MAX_RESULTS {
        let field = if page.page.is_some() { "page" } else { "cursor" };
        return Err(AppError::bad_param(
            field,
            format!("a search shows its first {MAX_RESULTS} results; add words or filters to narrow it"),
        ));
    }
    let want = (offset + page.limit + 1).min(MAX_RESULTS);
    let now = Utc::now();
    let mut sql = Sql::new(state.db().get_database_backend());
    // Typed without accents, the query says nothing about them: the exact tiers would only
    // single out text written without its marks, so they are skipped.
    let tiers: Vec<usize> =
        (0..TIERS.len()).filter(|t| query.has_accents() || TIERS[*t].0 == Spelling::Folded).collect();
    let spellings: Vec<Spelling> = tiers.iter().map(|t| TIERS[*t].0).collect();
    // A tier needing a word the index never held is not asked: PostgreSQL would walk the
    // whole index looking for it.
    let vocabulary = index::Vocabulary::of(state.db(), query, &spellings).await?;
    let tiers: Vec<usize> = tiers.into_iter().filter(|t| vocabulary.has_whole_words(query, TIERS[*t].0)).collect();
    let completions = &vocabulary.completions;
    // PostgreSQL walks the settled keys of each tier and looks at the current second apart,
    // for all tiers at once (see `IndexedKeys`); SQLite's full-text walk would read a whole
    // term list for the second's bound, and takes the rule in one piece.
    let (keys, this_second) = match sql.backend() {
        DbBackend::Postgres => (IndexedKeys::Settled, !tiers.is_empty()),
        _ => (IndexedKeys::All, false),
    };
    for (i, tier) in tiers.iter().enumerate() {
        if i > 0 {
            sql.push(" UNION ALL ");
        }
        sql.push("SELECT * FROM (SELECT ")
            .push(&tier.to_string())
            .push(" AS tier, d.article_id AS id, d.doc_key AS doc_key");
        let newest = push_tier(&mut sql, query, *tier, &resolved, completions, keys, now);
        sql.push(" ORDER BY ").push(newest).push(" DESC LIMIT ").bind(i64::try_from(want).unwrap_or(i64::MAX));
        sql.push(") t").push(&i.to_string());
    }
    if this_second {
        sql.push(" UNION ALL ");
        push_this_second(&mut sql, query, &tiers, &resolved, now);
    }
    let rows = if tiers.is_empty() { Vec::new() } else { planned_for_its_words(state, sql).await? };
    let mut best: HashMap<i64, (usize, i64)> = HashMap::new();
    for row in rows {
        let tier = usize::try_from(row.try_get::<i32>("", "tier")?).unwrap_or(usize::MAX);
        let entry = best.entry(row.try_get("", "id")?).or_insert((tier, row.try_get("", "doc_key")?));
        entry.0 = entry.0.min(tier);
    }
    let mut ranked: Vec<(i64, usize, i64)> = best.into_iter().map(|(id, (tier, key))| (id, tier, key)).collect();
    ranked.sort_by_key(|&(id, tier, key)| (tier, std::cmp::Reverse(key), std::cmp::Reverse(id)));
    let reachable = ranked.len() as u64;
    let page_items: Vec<(i64, usize)> = ranked
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
        .map(|(id, tier, _)| (id, tier))
        .collect();
    let end = offset + page_items.len() as u64;
    let has_more = reachable > end && end < MAX_RESULTS;
    let data = hits(state, query, &page_items).await?;
    let next_cursor = has_more.then(|| cursor_after(state, query, filter, end));
    let mut meta = PageMeta { limit: page.limit, next_cursor, has_more, ..PageMeta::default() };
    if let Some(number) = page.page {
        let widest_possible = tiers.contains(&(TIERS.len() - 1));
        let total = if widest_possible { count(state, query, &resolved, completions).await? } else { 0 };
        meta.page = Some(number);
        meta.total = Some(total);
        meta.total_pages = Some(total.min(MAX_RESULTS).div_ceil(page.limit));
    }
    Ok(Page { data, meta })
}

/// How many public articles match (the widest tier).
async fn count(state: &AppState, query: &SearchQuery, filter: &Resolved, completions: &Completions) -> AppResult<u64> {
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT COUNT(*) AS n");
    push_tier(&mut sql, query, TIERS.len() - 1, filter, completions, IndexedKeys::All, Utc::now());
    Ok(match planned_for_its_words(state, sql).await?.first() {
        Some(row) => u64::try_from(row.try_get::<i64>("", "n")?).unwrap_or_default(),
        None => 0,
    })
}

/// Runs a full-text statement planned for the words it binds (see [`AppState::search_db`]).
async fn planned_for_its_words(state: &AppState, sql: Sql) -> AppResult<Vec<sea_orm::QueryResult>> {
    Ok(state.search_db().query_all_raw(sql.build()).await?)
}

/// The page's articles with their highlights, in ranking order. Snippets come from the lead
/// when it matches; only the other hits' bodies are read (a second statement), so a query
/// found in the leads never moves a body out of the database. The index keeps no second copy
/// of the text.
async fn hits(state: &AppState, query: &SearchQuery, items: &[(i64, usize)]) -> AppResult<Vec<SearchHit>> {
    if items.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(state.db().get_database_backend());
    sql.push("SELECT a.id, a.summary_doc FROM articles a WHERE a.id IN ").bind_list(items.iter().map(|(id, _)| *id));
    let mut found: HashMap<i64, (SummaryDoc, Option<String>)> = HashMap::new();
    for row in state.db().query_all_raw(sql.build()).await? {
        let summary: SummaryDoc = doc(&row, "summary_doc")?;
        let snippet = highlight::match_snippet(query, &summary.summary);
        found.insert(row.try_get("", "id")?, (summary, snippet));
    }
    let unmatched: Vec<i64> = found.iter().filter(|(_, (_, s))| s.is_none()).map(|(id, _)| *id).collect();
    if !unmatched.is_empty() {
        let mut sql = Sql::new(state.db().get_database_backend());
        sql.push("SELECT a.id, CAST(a.body AS TEXT) AS body FROM articles a WHERE a.id IN ").bind_list(unmatched);
        for row in state.db().query_all_raw(sql.build()).await? {
            let body: Vec<Block> = doc(&row, "body")?;
            if let Some((summary, snippet)) = found.get_mut(&row.try_get::<i64>("", "id")?) {
                *snippet = Some(highlight::passage_snippet(query, index::passages(&summary.summary, &body)));
            }
        }
    }
    let presenter = &state.snapshot().presenter;
    Ok(items
        .iter()
        .filter_map(|(id, tier)| {
            let (doc, snippet) = found.remove(id)?;
            let (score, matched_in, exact_accents) = hit_facts(*tier);
            let highlights =
                Highlights { title: highlight::mark_all(query, &doc.title), body: snippet.unwrap_or_default() };
            Some(SearchHit { article: presenter.summary(doc), score, matched_in, exact_accents, highlights })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_score_title_and_accents_in_that_order() {
        let facts: Vec<_> = (0..4).map(hit_facts).collect();
        assert_eq!(
            facts,
            [
                (1.0, MatchedIn::Title, true),
                (0.75, MatchedIn::Title, false),
                (0.5, MatchedIn::Body, true),
                (0.25, MatchedIn::Body, false)
            ]
        );
    }

    #[test]
    fn the_current_second_is_one_select_for_every_tier_each_row_checked_against_its_article() {
        let query = SearchQuery::parse("Hà nội").expect("query");
        let mut sql = Sql::new(DbBackend::Postgres);
        push_this_second(&mut sql, &query, &[0, 1, 2, 3], &Resolved::default(), Utc::now());
        let text = sql.build().sql;
        assert_eq!(text.matches(" WHEN ").count(), 4, "{text}");
        assert_eq!(text.matches(" @@ ").count(), 8, "each tier picks its rows and names their tier: {text}");
        assert!(text.contains("EXISTS (SELECT 1 FROM articles p WHERE p.id = d.article_id"), "{text}");
        assert!(!text.contains("nội") && !text.contains("noi"), "{text}");
    }

    #[test]
    fn every_tier_reads_both_back_ends_newest_first_without_reader_text_in_the_sql() {
        let query = SearchQuery::parse("\"hà nội\" OR nghi*").expect("query");
        let filter = Resolved::default();
        for backend in [DbBackend::Sqlite, DbBackend::Postgres] {
            for tier in 0..4 {
                let mut sql = Sql::new(backend);
                let newest =
                    push_tier(&mut sql, &query, tier, &filter, &Completions::default(), IndexedKeys::All, Utc::now());
                let text = sql.build().sql;
                let table = if tier < 2 { "search_titles" } else { "search_fts" };
                match backend {
                    DbBackend::Postgres => assert_eq!(newest, "d.doc_key"),
                    _ => assert_eq!(newest, format!("{table}.rowid"), "FTS5 orders only by its own rowid"),
                }
                assert!(!text.contains("nội") && !text.contains("nghi"), "{text}");
            }
        }
    }
}
