//! The shapes services return and both REST and GraphQL serve. They are built from the read
//! models plus what is only known when serving: the site's time zone and base URL and this
//! API's public origin (for media URLs).

use chrono::{DateTime, FixedOffset, Utc};
use chrono_tz::Tz;
use serde::Serialize;
use utoipa::ToSchema;

use crate::{
    domain::dates::display_vi,
    imaging::{FileKey, RenditionSet},
    read_model::{BlockDoc, Byline, CategoryRef, DetailDoc, ImageDoc, Source, SummaryDoc, TagRef},
    services::editorial::{Editorial, EditorialBrief},
};

/// An image ready to render.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct Image {
    /// Media item id (`GET /api/v1/media/{id}`).
    pub id: i64,
    /// Absolute URL of the file; content-addressed, so it can be cached forever.
    #[schema(example = "https://api.example.vn/files/3f2a9c0d1b7e4a66.jpg")]
    pub url: String,
    /// Width in pixels.
    #[schema(example = 1200)]
    pub width: i32,
    /// Height in pixels.
    #[schema(example = 800)]
    pub height: i32,
    /// MIME type of the file.
    #[schema(example = "image/jpeg")]
    pub mime: String,
    /// Text alternative for screen readers.
    pub alt: String,
    /// Caption under the image (for a body image: the per-use override when set).
    #[schema(example = "Quang cảnh buổi làm việc.")]
    pub caption: Option<String>,
    /// Photographer or agency.
    pub credit: Option<String>,
    /// The image at smaller widths, WebP first, then in its own format, each from narrow to
    /// wide (never wider than the original): ready for `srcset` and `<picture>`.
    pub renditions: Vec<Rendition>,
}

/// One size of an image, for `srcset` (`{url} {width}w`).
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct Rendition {
    /// Absolute URL of the file; content-addressed.
    #[schema(example = "https://api.example.vn/files/3f2a9c0d1b7e4a66-640.webp")]
    pub url: String,
    /// Width in pixels.
    #[schema(example = 640)]
    pub width: i32,
    /// Height in pixels.
    #[schema(example = 427)]
    pub height: i32,
    /// MIME type: `image/webp`, or the original's type.
    #[schema(example = "image/webp")]
    pub mime: String,
}

/// An article as shown in lists: no body.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ArticleSummary {
    pub id: i64,
    #[schema(example = "kiem-tra-nghi-quyet-tai-le-chan")]
    pub slug: String,
    pub title: String,
    /// The lead (sapo) shown under the title.
    pub summary: String,
    /// Public URL of the article on the portal.
    pub url: String,
    pub cover: Option<Image>,
    pub category: CategoryRef,
    /// Bylines in order.
    pub authors: Vec<Byline>,
    pub tags: Vec<TagRef>,
    /// RFC 3339 in the site's time zone.
    #[schema(value_type = String, format = DateTime, example = "2022-09-20T13:00:00+07:00")]
    pub published_at: DateTime<FixedOffset>,
    /// Ready to print: weekday in Vietnamese, dd/mm/yyyy HH:MM.
    #[schema(example = "Thứ Ba, 20/09/2022 13:00")]
    pub published_at_display: String,
    pub reading_minutes: i32,
    /// Status and version; only in answers to a signed-in newsroom account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editorial: Option<EditorialBrief>,
}

/// One block of an article body.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BodyBlock {
    /// A paragraph of text.
    Paragraph { text: String },
    /// A sub-heading; `level` 2 to 4.
    Heading { level: u8, text: String },
    /// A photo with its effective caption, alt text and credit.
    Image { image: Image },
    /// A quotation.
    Quote { text: String, attribution: Option<String> },
    /// A bulleted or numbered list.
    List { ordered: bool, items: Vec<String> },
}

/// Search-engine and social-sharing fields, with defaults already applied.
#[derive(Clone, Debug, Serialize, ToSchema, async_graphql::SimpleObject)]
pub struct Seo {
    /// `<title>`; the article title unless an editor set one.
    pub meta_title: String,
    /// Meta description; the lead unless an editor set one.
    pub meta_description: String,
    /// Canonical URL; the public URL unless an editor set one.
    pub canonical_url: String,
    /// Image for social cards; the cover unless an editor set one.
    pub social_image: Option<Image>,
}

/// A whole article, everything its page shows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ArticleDetail {
    pub id: i64,
    pub slug: String,
    pub title: String,
    /// The lead (sapo).
    pub summary: String,
    /// Public URL of the article on the portal.
    pub url: String,
    pub body: Vec<BodyBlock>,
    pub cover: Option<Image>,
    pub category: CategoryRef,
    /// From the top section down to the article's category.
    pub breadcrumb: Vec<CategoryRef>,
    /// Bylines in order, each with its role.
    pub authors: Vec<Byline>,
    pub tags: Vec<TagRef>,
    pub source: Option<Source>,
    pub seo: Seo,
    /// A QR code of the public URL (SVG; `qr.png` for a PNG), as printed under the article.
    pub qr_code_url: String,
    pub word_count: i32,
    pub reading_minutes: i32,
    /// RFC 3339 in the site's time zone.
    #[schema(value_type = String, format = DateTime, example = "2022-09-20T13:00:00+07:00")]
    pub published_at: DateTime<FixedOffset>,
    #[schema(example = "Thứ Ba, 20/09/2022 13:00")]
    pub published_at_display: String,
    #[schema(value_type = String, format = DateTime)]
    pub updated_at: DateTime<FixedOffset>,
    /// Status, version and editable content; only in answers to a signed-in newsroom account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub editorial: Option<Box<Editorial>>,
}

/// What turns stored documents into served views.
#[derive(Clone, Debug)]
pub struct Presenter {
    /// `{public origin}/files/`
    pub files_base: String,
    /// `{public origin}/api/v1`
    pub api_base: String,
    /// The site's public base URL, without a trailing slash.
    pub site_base: String,
    pub tz: Tz,
    pub renditions: RenditionSet,
}

impl Presenter {
    pub fn image(&self, doc: ImageDoc) -> Image {
        let renditions = match (FileKey::parse(&doc.file_key), u32::try_from(doc.width), u32::try_from(doc.height)) {
            (Some(original), Ok(width), Ok(height)) => self
                .renditions
                .plan(&original, width, height)
                .into_iter()
                .map(|p| Rendition {
                    url: format!("{}{}", self.files_base, p.key),
                    width: i32::try_from(p.width).unwrap_or(i32::MAX),
                    height: i32::try_from(p.height).unwrap_or(i32::MAX),
                    mime: p.key.format.mime().to_owned(),
                })
                .collect(),
            _ => Vec::new(),
        };
        Image {
            renditions,
            id: doc.id,
            url: format!("{}{}", self.files_base, doc.file_key),
            width: doc.width,
            height: doc.height,
            mime: doc.mime,
            alt: doc.alt,
            caption: doc.caption,
            credit: doc.credit,
        }
    }

    /// Public URL of an article on the portal.
    pub fn article_url(&self, slug: &str) -> String {
        format!("{}/tin-tuc/{slug}", self.site_base)
    }

    /// A time in the site's zone, with its Vietnamese display string.
    pub fn local(&self, at: DateTime<Utc>) -> (DateTime<FixedOffset>, String) {
        let local = at.with_timezone(&self.tz);
        (local.fixed_offset(), display_vi(&local))
    }

    pub fn summary(&self, doc: SummaryDoc) -> ArticleSummary {
        let (published_at, published_at_display) = self.local(doc.published_at.unwrap_or_default());
        ArticleSummary {
            url: self.article_url(&doc.slug),
            id: doc.id,
            slug: doc.slug,
            title: doc.title,
            summary: doc.summary,
            cover: doc.cover.map(|c| self.image(c)),
            category: doc.category,
            authors: doc.authors,
            tags: doc.tags,
            published_at,
            published_at_display,
            reading_minutes: doc.reading_minutes,
            editorial: None,
        }
    }

    pub fn detail(&self, doc: DetailDoc) -> ArticleDetail {
        // Only the newsroom and previews see unpublished articles; they show the last change.
        let (published_at, published_at_display) = self.local(doc.published_at.unwrap_or(doc.updated_at));
        let url = self.article_url(&doc.slug);
        let qr_code_url = format!("{}/articles/{}/qr.svg", self.api_base, doc.slug);
        let cover = doc.cover.map(|c| self.image(c));
        let seo = Seo {
            meta_title: doc.meta_title.unwrap_or_else(|| doc.title.clone()),
            meta_description: doc.meta_description.unwrap_or_else(|| doc.summary.clone()),
            canonical_url: doc.canonical_url.unwrap_or_else(|| url.clone()),
            social_image: doc.social_image.map(|i| self.image(i)).or_else(|| cover.clone()),
        };
        let body = doc
            .body
            .into_iter()
            .map(|block| match block {
                BlockDoc::Paragraph { text } => BodyBlock::Paragraph { text },
                BlockDoc::Heading { level, text } => BodyBlock::Heading { level, text },
                BlockDoc::Image { image } => BodyBlock::Image { image: self.image(image) },
                BlockDoc::Quote { text, attribution } => BodyBlock::Quote { text, attribution },
                BlockDoc::List { ordered, items } => BodyBlock::List { ordered, items },
            })
            .collect();
        ArticleDetail {
            id: doc.id,
            slug: doc.slug,
            title: doc.title,
            summary: doc.summary,
            url,
            body,
            cover,
            category: doc.category,
            breadcrumb: doc.breadcrumb,
            authors: doc.authors,
            tags: doc.tags,
            source: doc.source,
            seo,
            qr_code_url,
            word_count: doc.word_count,
            reading_minutes: doc.reading_minutes,
            published_at,
            published_at_display,
            updated_at: doc.updated_at.with_timezone(&self.tz).fixed_offset(),
            editorial: None,
        }
    }
}
