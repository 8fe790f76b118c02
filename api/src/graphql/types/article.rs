//! The `Article` type: list fields come from the summary; page fields (body, SEO …) from the
//! whole article, loaded in a batch when a list asks for them.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, Result};
use chrono::{DateTime, FixedOffset, Utc};

use super::{BodyBlock, Category, Tag, loaders, state};
use crate::{
    error::AppError,
    graphql::errors::{gql, gql_shared},
    read_model::{Byline, Source},
    services::{
        articles::{ArticleFilter, SharedDetail, SharedSummary, related_limit},
        editorial::workflow::ArticleStatus,
    },
    views::{ArticleSummary, Image, Seo},
};

/// A news article.
pub struct Article {
    summary: Arc<SharedSummary>,
    detail: Option<Arc<SharedDetail>>,
}

impl Article {
    pub fn from_summary(summary: Arc<SharedSummary>) -> Self {
        Article { summary, detail: None }
    }

    pub fn from_detail(detail: Arc<SharedDetail>) -> Self {
        let summary = ArticleSummary {
            id: detail.id,
            slug: detail.slug.clone(),
            title: detail.title.clone(),
            summary: detail.summary.clone(),
            url: detail.url.clone(),
            cover: detail.cover.clone(),
            category: detail.category.clone(),
            authors: detail.authors.clone(),
            tags: detail.tags.clone(),
            published_at: detail.published_at,
            published_at_display: detail.published_at_display.clone(),
            reading_minutes: detail.reading_minutes,
            editorial: None,
        };
        Article { summary: SharedSummary::new(summary), detail: Some(detail) }
    }

    fn editorial_status(&self) -> Option<(ArticleStatus, i32)> {
        if let Some(e) = self.detail.as_ref().and_then(|d| d.editorial.as_ref()) {
            return Some((e.status, e.version));
        }
        self.summary.editorial.as_ref().map(|e| (e.status, e.version))
    }

    async fn whole(&self, ctx: &Context<'_>) -> Result<Arc<SharedDetail>> {
        if let Some(detail) = &self.detail {
            return Ok(detail.clone());
        }
        let detail = loaders(ctx)?.detail.load_one(self.summary.id).await.map_err(gql_shared)?;
        detail.ok_or_else(|| gql(AppError::NotFound("article")))
    }
}

/// Filters of article lists; they combine.
#[derive(InputObject, Default)]
pub struct ArticleFilterInput {
    /// Category slug; its sub-categories are included.
    pub category: Option<String>,
    /// Tag slug.
    pub tag: Option<String>,
    /// Author slug.
    pub author: Option<String>,
    /// Published at or after this instant.
    pub published_after: Option<DateTime<FixedOffset>>,
    /// Published before this instant.
    pub published_before: Option<DateTime<FixedOffset>>,
}

impl ArticleFilterInput {
    pub fn into_filter(self) -> Result<ArticleFilter> {
        let present = |s: Option<String>| s.filter(|s| !s.is_empty());
        ArticleFilter {
            category: present(self.category),
            tag: present(self.tag),
            author: present(self.author),
            published_after: self.published_after.map(|t| t.with_timezone(&Utc)),
            published_before: self.published_before.map(|t| t.with_timezone(&Utc)),
        }
        .validated()
        .map_err(gql)
    }
}

/// A news article.
#[Object]
impl Article {
    /// Stable identifier (`article(id:)`).
    async fn id(&self) -> ID {
        ID(self.summary.id.to_string())
    }

    /// URL slug, unique.
    async fn slug(&self) -> &str {
        &self.summary.slug
    }

    /// Headline.
    async fn title(&self) -> &str {
        &self.summary.title
    }

    /// The lead (sapo) shown under the title and in lists.
    async fn summary(&self) -> &str {
        &self.summary.summary
    }

    /// Public URL of the article on the portal.
    async fn url(&self) -> &str {
        &self.summary.url
    }

    /// A QR code (SVG) of the public URL, as printed under the article; `qr.png` for a PNG.
    async fn qr_code_url(&self, ctx: &Context<'_>) -> Result<String> {
        Ok(format!("{}/articles/{}/qr.svg", state(ctx)?.snapshot().presenter.api_base, self.summary.slug))
    }

    /// Cover photo.
    async fn cover(&self) -> Option<&Image> {
        self.summary.cover.as_ref()
    }

    /// The article's category.
    async fn category(&self, ctx: &Context<'_>) -> Result<Option<Category>> {
        Ok(Category::by_id(state(ctx)?, self.summary.category.id))
    }

    /// Bylines in order, each with its role.
    async fn authors(&self) -> &[Byline] {
        &self.summary.authors
    }

    /// Topic labels, in the editor's order.
    async fn tags(&self) -> Vec<Tag> {
        self.summary.tags.iter().cloned().map(Tag).collect()
    }

    /// Publication time in the site's time zone (RFC 3339).
    async fn published_at(&self) -> DateTime<FixedOffset> {
        self.summary.published_at
    }

    /// Publication time as the portal prints it: "Thứ Ba, 20/09/2022 13:00".
    async fn published_at_display(&self) -> &str {
        &self.summary.published_at_display
    }

    /// Estimated reading time in minutes.
    async fn reading_minutes(&self) -> i32 {
        self.summary.reading_minutes
    }

    /// The body, block by block.
    async fn body(&self, ctx: &Context<'_>) -> Result<Vec<BodyBlock>> {
        Ok(self.whole(ctx).await?.body.iter().cloned().map(BodyBlock::from).collect())
    }

    /// From the top section down to the article's category.
    async fn breadcrumb(&self, ctx: &Context<'_>) -> Result<Vec<Category>> {
        let state = state(ctx)?;
        Ok(self.whole(ctx).await?.breadcrumb.iter().filter_map(|c| Category::by_id(state, c.id)).collect())
    }

    /// Where the news came from.
    async fn source(&self, ctx: &Context<'_>) -> Result<Option<Source>> {
        Ok(self.whole(ctx).await?.source.clone())
    }

    /// Search-engine and social-sharing fields, defaults applied.
    async fn seo(&self, ctx: &Context<'_>) -> Result<Seo> {
        Ok(self.whole(ctx).await?.seo.clone())
    }

    /// Words in the lead and body.
    async fn word_count(&self, ctx: &Context<'_>) -> Result<i32> {
        Ok(self.whole(ctx).await?.word_count)
    }

    /// Last change, in the site's time zone.
    async fn updated_at(&self, ctx: &Context<'_>) -> Result<DateTime<FixedOffset>> {
        Ok(self.whole(ctx).await?.updated_at)
    }

    /// Workflow status; only for a signed-in newsroom account (null for the public).
    async fn status(&self) -> Option<ArticleStatus> {
        self.editorial_status().map(|(status, _)| status)
    }

    /// Version to send back as `expectedVersion`; only for a signed-in newsroom account.
    async fn version(&self) -> Option<i32> {
        self.editorial_status().map(|(_, version)| version)
    }

    /// "Tin khác": other articles ranked by shared tags, then category, then recency.
    #[graphql(complexity = "first.unwrap_or(6).clamp(0, 100) as usize * child_complexity")]
    async fn related(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many, 1 to 20 (default 6).")] first: Option<i32>,
    ) -> Result<Vec<Article>> {
        let limit = related_limit("first", first.map(i64::from)).map_err(gql)?;
        let list = loaders(ctx)?.related.load_one((self.summary.id, limit)).await.map_err(gql_shared)?;
        Ok(list.unwrap_or_default().into_iter().map(Article::from_summary).collect())
    }
}
