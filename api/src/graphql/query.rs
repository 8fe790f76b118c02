//! The query root: what a frontend can read.

use async_graphql::{Context, ID, Object, Result};

use super::{
    errors::gql,
    types::{
        Article, ArticleConnection, ArticleFilterInput, Author, AuthorConnection, Category, SearchConnection, Tag,
        TagConnection, article_connection, author_connection, rename_cursor, search_connection, state, tag_connection,
    },
};
use crate::{
    error::AppError,
    graphql::viewer,
    pagination::PageRequest,
    services::{
        articles::SharedSummary,
        audit::{self, AuditEntry},
        authors,
        editorial::{
            reads::{self, StatusFilter},
            revisions,
        },
        media::library::{self, LibraryFilter, LibraryItem},
        site, tags,
        users::{self, User},
    },
};

/// One stored state of an article.
pub struct Revision(revisions::Revision);

/// One stored state of an article.
#[Object(name = "Revision")]
impl Revision {
    /// The revision id (`restoreRevision(revisionId:)`).
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The article's version after this change.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The account that made the change.
    async fn actor_id(&self) -> Option<ID> {
        self.0.actor_id.map(|id| ID(id.to_string()))
    }

    /// create, update, submit, publish, unpublish, archive, trash, restore, restore_revision.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// Names of the fields the change touched.
    async fn changes(&self) -> &[String] {
        &self.0.changes
    }

    /// When the change was made.
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.created_at
    }

    /// The whole editable content after the change, as REST's `ArticleContent`.
    async fn content(&self) -> async_graphql::Json<&crate::services::editorial::content::ArticleContent> {
        async_graphql::Json(&self.0.content)
    }
}

/// What a frontend can read: public content (published, or scheduled and due, not deleted),
/// and, with a newsroom token, what the account's role may read.
pub struct QueryRoot;

/// Filters of the media library.
#[derive(async_graphql::InputObject, Default)]
pub struct MediaFilterInput {
    /// Words in the alt text, caption or credit; diacritics and case are ignored.
    pub text: Option<String>,
    /// Only uploads of this account.
    pub uploaded_by: Option<ID>,
    /// Uploaded at or after this time.
    pub uploaded_after: Option<chrono::DateTime<chrono::Utc>>,
    /// Uploaded before this time.
    pub uploaded_before: Option<chrono::DateTime<chrono::Utc>>,
}

/// One page of the media library.
#[derive(async_graphql::SimpleObject)]
pub struct MediaLibraryPage {
    /// The items, newest first.
    pub items: Vec<LibraryItem>,
    /// Pass as `after` for the next page; null on the last page.
    pub next_cursor: Option<String>,
    /// Whether another page follows.
    pub has_more: bool,
}

/// What a frontend can read: public content (published, or scheduled and due, not deleted),
/// and, with a newsroom token, what the account's role may read.
#[Object(name = "Query")]
impl QueryRoot {
    /// An article by slug (a former slug works too) or by id; give one. Null when nothing
    /// public matches. With a newsroom token: any article the role may read; with a preview
    /// token: that token's article, whatever its status.
    async fn article(&self, ctx: &Context<'_>, slug: Option<String>, id: Option<ID>) -> Result<Option<Article>> {
        let state = state(ctx)?;
        let viewer = viewer(ctx)?;
        let key = match (slug, id) {
            (Some(slug), None) => slug,
            (None, Some(id)) => {
                id.parse::<i64>().map_err(|_| gql(AppError::bad_param("id", "must be an article id")))?.to_string()
            }
            _ => return Err(gql(AppError::bad_param("slug", "give exactly one of `slug` and `id`"))),
        };
        let found = match reads::article_for(state, viewer, &key).await {
            Err(AppError::Moved { slug }) => reads::article_for(state, viewer, &slug).await,
            other => other,
        };
        match found {
            Ok(detail) => Ok(Some(Article::from_detail(detail))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(gql(other)),
        }
    }

    /// Public articles, newest first.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        filter: Option<ArticleFilterInput>,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<ArticleConnection> {
        let filter = filter.unwrap_or_default().into_filter()?;
        article_connection(ctx, filter, first, after).await
    }

    /// Public articles matching `query`, best first. Accents, case and Unicode form do not
    /// matter for matching (`le chan` finds `Lê Chân`); results with the accents typed rank
    /// higher, title matches above text matches, newest first within a rank. `"…"` makes a
    /// phrase; in a query of several words, a last word without a trailing space matches as a
    /// prefix. Reaches the first 1,000 results.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to look for; at most 200 characters and 12 words.")] query: String,
        filter: Option<ArticleFilterInput>,
        #[graphql(desc = "Page size, 1 to the configured maximum (100 by default); 20 when omitted.")] first: Option<
            i32,
        >,
        #[graphql(desc = "`endCursor` of the previous page.")] after: Option<String>,
    ) -> Result<SearchConnection> {
        let filter = filter.unwrap_or_default().into_filter()?;
        search_connection(ctx, query, filter, first, after).await
    }

    /// Top-level sections; walk `children` for the tree.
    async fn categories(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        Ok(Category::top_level(state(ctx)?))
    }

    /// A category by slug; null when there is none.
    async fn category(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Category>> {
        Ok(Category::by_slug(state(ctx)?, &slug))
    }

    /// Authors in slug order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn authors(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<AuthorConnection> {
        author_connection(ctx, first, after).await
    }

    /// An author by slug; null when there is none.
    async fn author(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Author>> {
        match authors::find(state(ctx)?, &slug).await {
            Ok(found) => Ok(Some(Author(found))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(gql(other)),
        }
    }

    /// Tags in slug order.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn tags(&self, ctx: &Context<'_>, first: Option<i32>, after: Option<String>) -> Result<TagConnection> {
        tag_connection(ctx, first, after).await
    }

    /// A tag by slug; null when there is none.
    async fn tag(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Tag>> {
        match tags::find(state(ctx)?, &slug).await {
            Ok(found) => Ok(Some(Tag(found))),
            Err(AppError::NotFound(_)) => Ok(None),
            Err(other) => Err(gql(other)),
        }
    }

    /// The signed-in account.
    async fn me(&self, ctx: &Context<'_>) -> Result<User> {
        let actor = viewer(ctx)?.clone().require().map_err(gql)?;
        users::me(state(ctx)?, &actor).await.map_err(gql)
    }

    /// Newsroom list: articles of one status (or the trash), most recently changed first.
    /// Authors see their own. Needs an access token.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn newsroom_articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "draft, in_review, scheduled, published, archived or trash")] status: String,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Page number from 1 (default 1).")] page: Option<i32>,
    ) -> Result<Vec<Article>> {
        let actor = viewer(ctx)?.clone().require().map_err(gql)?;
        let filter = StatusFilter::parse(&status).map_err(gql)?;
        let first = u64::try_from(first.unwrap_or(20)).ok().filter(|n| (1..=100).contains(n));
        let first = first.ok_or_else(|| gql(AppError::bad_param("first", "must be from 1 to 100")))?;
        let page = u64::try_from(page.unwrap_or(1)).ok().filter(|n| (1..=10_000).contains(n));
        let page = page.ok_or_else(|| gql(AppError::bad_param("page", "must be from 1 to 10000")))?;
        let list = reads::list(state(ctx)?, &actor, filter, first, page).await.map_err(gql)?;
        Ok(list.data.into_iter().map(|s| Article::from_summary(SharedSummary::new(s))).collect())
    }

    /// The revisions of an article, newest first. Needs an access token.
    async fn revisions(&self, ctx: &Context<'_>, article_id: ID) -> Result<Vec<Revision>> {
        let actor = viewer(ctx)?.clone().require().map_err(gql)?;
        let id = article_id.parse::<i64>().map_err(|_| gql(AppError::bad_param("articleId", "must be an id")))?;
        let list = revisions::list(state(ctx)?, &actor, id).await.map_err(gql)?;
        Ok(list.into_iter().map(Revision).collect())
    }

    /// Newsroom accounts (admins).
    async fn users(&self, ctx: &Context<'_>) -> Result<Vec<User>> {
        let actor = viewer(ctx)?.clone().require().map_err(gql)?;
        users::list(state(ctx)?, &actor).await.map_err(gql)
    }

    /// The audit trail, newest first (admins).
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 200 (default 50).")] first: Option<i32>,
        #[graphql(desc = "Only entries older than this id.")] before: Option<ID>,
    ) -> Result<Vec<AuditEntry>> {
        let actor = viewer(ctx)?.clone().require().map_err(gql)?;
        let first = u64::try_from(first.unwrap_or(50)).ok().filter(|n| (1..=200).contains(n));
        let first = first.ok_or_else(|| gql(AppError::bad_param("first", "must be from 1 to 200")))?;
        let before = before
            .map(|b| b.parse::<i64>().map_err(|_| gql(AppError::bad_param("before", "must be an id"))))
            .transpose()?;
        audit::list(state(ctx)?, &actor, first, before).await.map_err(gql)
    }

    /// The media library, newest first (editors and authors). Needs an access token.
    #[graphql(complexity = "first.unwrap_or(20).clamp(0, 100) as usize * child_complexity")]
    async fn media_library(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Which items; all when absent.")] filter: Option<MediaFilterInput>,
        #[graphql(desc = "Page size, 1 to 100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "`nextCursor` of the previous page.")] after: Option<String>,
    ) -> Result<MediaLibraryPage> {
        let MediaFilterInput { text, uploaded_by, uploaded_after, uploaded_before } = filter.unwrap_or_default();
        let actor = viewer(ctx)?.clone().require().map_err(gql)?;
        let state = state(ctx)?;
        let uploaded_by = uploaded_by
            .map(|id| id.parse::<i64>().map_err(|_| gql(AppError::bad_param("uploadedBy", "must be an account id"))))
            .transpose()?;
        let filter =
            LibraryFilter { text: text.filter(|t| !t.trim().is_empty()), uploaded_by, uploaded_after, uploaded_before }
                .validated()
                .map_err(gql)?;
        let first = first.unwrap_or(20).to_string();
        let request = PageRequest::parse(&state.cursor_key, filter.fingerprint(), Some(&first), after.as_deref(), None)
            .map_err(|e| gql(rename_cursor(e)))?;
        let page = library::list(state, &actor, &filter, &request).await.map_err(gql)?;
        Ok(MediaLibraryPage { items: page.data, next_cursor: page.meta.next_cursor, has_more: page.meta.has_more })
    }

    /// The portal's settings.
    async fn site(&self, ctx: &Context<'_>) -> Result<site::Site> {
        Ok(site::get(state(ctx)?))
    }
}
