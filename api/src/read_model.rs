//! Read models prepared at write time: each article row carries its public summary and
//! detail as JSON, with every relation (authors, category path, tags, media) already resolved.
//! A public read is then one indexed lookup, not one query per relation, and a list of 20 costs
//! the same number of statements as a list of 1.
//!
//! Whatever changes an input of these documents (an article, or an author, category, tag or
//! media item it embeds) rebuilds the documents of the articles concerned.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{blocks::Block, text::word_count, title_terms::title_terms};

/// Reading speed used for `reading_minutes`; Vietnamese news prose reads at about this pace.
const WORDS_PER_MINUTE: usize = 220;

/// A media item as embedded in documents; the URL is derived when serving.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ImageDoc {
    pub id: i64,
    pub file_key: String,
    pub mime: String,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// A category as referenced from an article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CategoryRef {
    pub id: i64,
    #[schema(example = "thoi-su")]
    pub slug: String,
    #[schema(example = "Thời sự")]
    pub name: String,
}

/// An author's byline on one article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema, async_graphql::SimpleObject)]
pub struct Byline {
    /// The author's id.
    pub id: i64,
    /// The author's slug (`GET /api/v1/authors/{slug}`, `author(slug:)`).
    #[schema(example = "hoang-tung")]
    pub slug: String,
    /// Name as printed in the byline.
    #[schema(example = "Hoàng Tùng")]
    pub name: String,
    /// Position at the newsroom, e.g. "Phóng viên".
    pub title: Option<String>,
    /// What this person did for the article: writer, photographer …
    #[schema(example = "writer")]
    pub role: String,
}

/// A tag as referenced from an article.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TagRef {
    pub id: i64,
    #[schema(example = "le-chan")]
    pub slug: String,
    #[schema(example = "Lê Chân")]
    pub name: String,
}

/// Where the news came from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema, async_graphql::SimpleObject)]
pub struct Source {
    /// Name of the source, printed under "Nguồn tin".
    #[schema(example = "Ban Tổ chức Thành ủy")]
    pub name: String,
    /// Link to the source, when there is one.
    pub url: Option<String>,
}

/// A body block with its image resolved; caption and alt are already the effective ones.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockDoc {
    Paragraph { text: String },
    Heading { level: u8, text: String },
    Image { image: ImageDoc },
    Quote { text: String, attribution: Option<String> },
    List { ordered: bool, items: Vec<String> },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryDoc {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub cover: Option<ImageDoc>,
    pub category: CategoryRef,
    pub authors: Vec<Byline>,
    pub tags: Vec<TagRef>,
    pub published_at: Option<DateTime<Utc>>,
    pub reading_minutes: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DetailDoc {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: Vec<BlockDoc>,
    pub cover: Option<ImageDoc>,
    pub category: CategoryRef,
    /// From the root section down to the article's own category.
    pub breadcrumb: Vec<CategoryRef>,
    pub authors: Vec<Byline>,
    pub tags: Vec<TagRef>,
    pub source: Option<Source>,
    pub meta_title: Option<String>,
    pub meta_description: Option<String>,
    pub canonical_url: Option<String>,
    pub social_image: Option<ImageDoc>,
    pub word_count: i32,
    pub reading_minutes: i32,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// Everything a document is built from, already loaded.
pub struct ArticleParts<'a> {
    pub id: i64,
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub body: &'a [Block],
    pub cover_media_id: Option<i64>,
    pub social_image_id: Option<i64>,
    /// Root first, the article's own category last.
    pub category_path: &'a [CategoryRef],
    pub authors: Vec<Byline>,
    pub tags: Vec<TagRef>,
    pub source: Option<Source>,
    pub meta_title: Option<&'a str>,
    pub meta_description: Option<&'a str>,
    pub canonical_url: Option<&'a str>,
    pub media: &'a HashMap<i64, ImageDoc>,
    pub published_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// The two documents of one article, serialised, plus the derived counts stored beside them.
pub struct Built {
    pub summary_doc: String,
    pub detail_doc: String,
    /// See [`title_terms`].
    pub title_terms: String,
    pub word_count: i32,
    pub reading_minutes: i32,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error("media item {0} does not exist")]
    MissingMedia(i64),
    #[error("the article has no category")]
    NoCategory,
    #[error(transparent)]
    Json(#[from] serde_json::Error),
}

pub fn build(parts: &ArticleParts<'_>) -> Result<Built, BuildError> {
    let media = |id: i64| parts.media.get(&id).cloned().ok_or(BuildError::MissingMedia(id));
    let body = parts
        .body
        .iter()
        .map(|block| {
            Ok(match block {
                Block::Paragraph { text } => BlockDoc::Paragraph { text: text.clone() },
                Block::Heading { level, text } => BlockDoc::Heading { level: *level, text: text.clone() },
                Block::Quote { text, attribution } => {
                    BlockDoc::Quote { text: text.clone(), attribution: attribution.clone() }
                }
                Block::List { ordered, items } => BlockDoc::List { ordered: *ordered, items: items.clone() },
                Block::Image { media_id, caption, alt } => {
                    let mut image = media(*media_id)?;
                    if let Some(caption) = caption {
                        image.caption = Some(caption.clone());
                    }
                    if let Some(alt) = alt {
                        image.alt = alt.clone();
                    }
                    BlockDoc::Image { image }
                }
            })
        })
        .collect::<Result<Vec<_>, BuildError>>()?;
    let words =
        word_count(parts.summary) + parts.body.iter().flat_map(Block::text_parts).map(word_count).sum::<usize>();
    let word_count = i32::try_from(words).unwrap_or(i32::MAX);
    let reading_minutes = i32::try_from(words.div_ceil(WORDS_PER_MINUTE).max(1)).unwrap_or(i32::MAX);
    let cover = parts.cover_media_id.map(media).transpose()?;
    let category = parts.category_path.last().cloned().ok_or(BuildError::NoCategory)?;

    let summary = SummaryDoc {
        id: parts.id,
        slug: parts.slug.to_owned(),
        title: parts.title.to_owned(),
        summary: parts.summary.to_owned(),
        cover: cover.clone(),
        category: category.clone(),
        authors: parts.authors.clone(),
        tags: parts.tags.clone(),
        published_at: parts.published_at,
        reading_minutes,
    };
    let detail = DetailDoc {
        id: parts.id,
        slug: parts.slug.to_owned(),
        title: parts.title.to_owned(),
        summary: parts.summary.to_owned(),
        body,
        cover,
        category,
        breadcrumb: parts.category_path.to_vec(),
        authors: parts.authors.clone(),
        tags: parts.tags.clone(),
        source: parts.source.clone(),
        meta_title: parts.meta_title.map(str::to_owned),
        meta_description: parts.meta_description.map(str::to_owned),
        canonical_url: parts.canonical_url.map(str::to_owned),
        social_image: parts.social_image_id.map(media).transpose()?,
        word_count,
        reading_minutes,
        published_at: parts.published_at,
        updated_at: parts.updated_at,
    };
    Ok(Built {
        summary_doc: serde_json::to_string(&summary)?,
        detail_doc: serde_json::to_string(&detail)?,
        title_terms: title_terms(parts.title),
        word_count,
        reading_minutes,
    })
}
