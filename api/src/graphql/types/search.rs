//! Search results as a Relay-style connection.

use async_graphql::{Context, Result, SimpleObject};

use super::{Article, PageInfo, connection::page_size, rename_cursor, state};
use crate::{
    graphql::errors::gql,
    pagination::PageRequest,
    services::{
        articles::{ArticleFilter, SharedSummary},
        search::{self, MatchedIn},
    },
};

/// Matched text with the matched words in `<mark>`; everything else is HTML-escaped.
#[derive(SimpleObject)]
pub struct SearchHighlights {
    /// The title, marked.
    pub title: String,
    /// A passage of the first paragraph (the lead or the body's) with a match, around it, marked.
    pub body: String,
}

/// One search result and the cursor that continues the search after it.
#[derive(SimpleObject)]
pub struct SearchEdge {
    /// Pass as `after` to continue after this result.
    pub cursor: String,
    /// The article found.
    pub node: Article,
    /// Relevance from 0 to 1: 1 for the query in the title with the same accents, 0.75 in
    /// the title, 0.5 in the text with the same accents, 0.25 in the text.
    pub score: f32,
    /// Where the query matched best.
    pub matched_in: MatchedIn,
    /// Whether the accents of the match are the ones typed.
    pub exact_accents: bool,
    /// The title and a passage with the matches marked.
    pub highlights: SearchHighlights,
}

/// A page of search results, best first.
#[derive(SimpleObject)]
pub struct SearchConnection {
    /// The results of this page.
    pub edges: Vec<SearchEdge>,
    /// Where this page sits in the results.
    pub page_info: PageInfo,
}

/// Runs a search for the `search` field.
pub async fn search_connection(
    ctx: &Context<'_>,
    query: String,
    filter: ArticleFilter,
    first: Option<i32>,
    after: Option<String>,
) -> Result<SearchConnection> {
    let state = state(ctx)?;
    let limit = page_size(ctx, first)?;
    let query = search::parse_query("query", Some(&query)).map_err(gql)?;
    let after = after.filter(|a| !a.is_empty());
    let request =
        PageRequest::parse(&state.cursor_key, search::fingerprint(&query, &filter), None, after.as_deref(), None)
            .map_err(|e| gql(rename_cursor(e)))?;
    let request = PageRequest { limit, ..request };
    let start = search::start_of(&request);
    let page = search::search(state, &query, &filter, &request).await.map_err(|e| gql(rename_cursor(e)))?;
    let edges: Vec<SearchEdge> = page
        .data
        .into_iter()
        .zip(start + 1..)
        .map(|(hit, seen)| SearchEdge {
            cursor: search::cursor_after(state, &query, &filter, seen),
            node: Article::from_summary(SharedSummary::new(hit.article)),
            score: hit.score,
            matched_in: hit.matched_in,
            exact_accents: hit.exact_accents,
            highlights: SearchHighlights { title: hit.highlights.title, body: hit.highlights.body },
        })
        .collect();
    let page_info = PageInfo {
        has_next_page: page.meta.has_more,
        has_previous_page: after.is_some(),
        start_cursor: edges.first().map(|e| e.cursor.clone()),
        end_cursor: edges.last().map(|e| e.cursor.clone()),
    };
    Ok(SearchConnection { edges, page_info })
}
