//! Bulk writes of whole articles with their links and read models, used by the seeders.
//! Ids are assigned here (not by the database) because each read model embeds its article's
//! id; PostgreSQL sequences are moved past them afterwards.

use std::collections::HashMap;

use anyhow::Context;
use bantin_entity::{article, article_author, article_media, article_tag, media};
use chrono::{DateTime, Utc};
use sea_orm::{ActiveValue::Set, ConnectionTrait, DbBackend, EntityTrait, Statement};

use crate::{
    domain::{
        blocks::Block,
        text::{fold, nfc},
    },
    read_model::{ArticleParts, Byline, ImageDoc, Source, TagRef, build},
    services::{categories::CategoryTree, media::image_doc, search},
};

/// Rows per INSERT statement: under both back ends' bound-parameter limits.
const BATCH: usize = 400;

/// Everything an article may refer to, loaded once.
#[derive(Clone)]
pub struct Catalog {
    pub categories: CategoryTree,
    /// Bylines keyed by author id; `role` is filled per article.
    pub authors: HashMap<i64, Byline>,
    pub tags: HashMap<i64, TagRef>,
    pub media: HashMap<i64, ImageDoc>,
}

/// A new article, as the seeders describe it.
pub struct NewArticle {
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: Vec<Block>,
    pub cover: Option<i64>,
    pub category_id: i64,
    pub authors: Vec<(i64, &'static str)>,
    pub tags: Vec<i64>,
    pub source: Option<Source>,
    pub status: &'static str,
    pub published_at: Option<DateTime<Utc>>,
    pub deleted_at: Option<DateTime<Utc>>,
}

/// A new media item for an already stored file.
pub struct NewMedia {
    pub file_key: String,
    pub byte_size: i64,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    pub caption: Option<String>,
    pub credit: Option<String>,
}

/// The next free id of `table`.
pub async fn next_id<C: ConnectionTrait>(db: &C, table: &str) -> anyhow::Result<i64> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            format!("SELECT COALESCE(MAX(id), 0) + 1 AS n FROM {table}"),
        ))
        .await?
        .context("MAX(id) returned no row")?;
    Ok(row.try_get("", "n")?)
}

/// Refreshes the planner's statistics after a bulk load, so the first queries after it are
/// planned for the real table sizes (and, on PostgreSQL, index-only scans work at once).
pub async fn refresh_statistics<C: ConnectionTrait>(db: &C) -> anyhow::Result<()> {
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "VACUUM ANALYZE",
        _ => "ANALYZE",
    };
    db.execute_unprepared(sql).await?;
    Ok(())
}

/// Moves PostgreSQL's id sequences past explicitly inserted ids.
pub async fn sync_sequences<C: ConnectionTrait>(db: &C) -> anyhow::Result<()> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(());
    }
    for table in ["articles", "authors", "categories", "tags", "media", "social_links"] {
        db.execute_unprepared(&format!(
            "SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))"
        ))
        .await?;
    }
    Ok(())
}

/// Media rows for new items with ids from `first_id`, text normalised.
pub fn media_models(first_id: i64, items: Vec<NewMedia>) -> Vec<media::Model> {
    let now = Utc::now();
    items
        .into_iter()
        .zip(first_id..)
        .map(|(m, id)| media::Model {
            id,
            file_key: m.file_key,
            mime: "image/jpeg".into(),
            width: m.width,
            height: m.height,
            byte_size: m.byte_size,
            alt: nfc(&m.alt),
            search_text: fold(
                &[Some(m.alt.as_str()), m.caption.as_deref(), m.credit.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" "),
            ),
            caption: m.caption.as_deref().map(nfc),
            credit: m.credit.as_deref().map(nfc),
            created_at: now,
            uploaded_by: None,
        })
        .collect()
}

pub async fn insert_media_models<C: ConnectionTrait>(db: &C, rows: &[media::Model]) -> anyhow::Result<()> {
    for chunk in rows.chunks(BATCH) {
        media::Entity::insert_many(chunk.iter().cloned().map(media::ActiveModel::from)).exec(db).await?;
    }
    Ok(())
}

/// Inserts new media items with ids from `first_id` and adds them to the catalog.
pub async fn insert_media<C: ConnectionTrait>(
    db: &C,
    first_id: i64,
    items: Vec<NewMedia>,
    catalog: &mut Catalog,
) -> anyhow::Result<()> {
    let rows = media_models(first_id, items);
    insert_media_models(db, &rows).await?;
    catalog.media.extend(rows.into_iter().map(|m| (m.id, image_doc(m))));
    Ok(())
}

fn normalise(block: &Block) -> Block {
    match block {
        Block::Paragraph { text } => Block::Paragraph { text: nfc(text) },
        Block::Heading { level, text } => Block::Heading { level: *level, text: nfc(text) },
        Block::Image { media_id, caption, alt } => {
            Block::Image { media_id: *media_id, caption: caption.as_deref().map(nfc), alt: alt.as_deref().map(nfc) }
        }
        Block::Quote { text, attribution } => {
            Block::Quote { text: nfc(text), attribution: attribution.as_deref().map(nfc) }
        }
        Block::List { ordered, items } => {
            Block::List { ordered: *ordered, items: items.iter().map(|i| nfc(i)).collect() }
        }
    }
}

/// Rows ready to insert: articles with their read models, bylines, tags and media uses.
pub struct PreparedArticles {
    rows: Vec<article::ActiveModel>,
    bylines: Vec<article_author::ActiveModel>,
    tag_links: Vec<article_tag::ActiveModel>,
    media_links: Vec<article_media::ActiveModel>,
    search: Vec<search::index::Entry>,
}

/// Inserts articles with ids from `first_id`, their bylines, tags, media uses and read models.
pub async fn insert_articles<C: ConnectionTrait>(
    db: &C,
    catalog: &Catalog,
    first_id: i64,
    articles: Vec<NewArticle>,
) -> anyhow::Result<()> {
    insert_prepared(db, prepare_articles(catalog, first_id, articles)?).await
}

/// Builds the rows and read models of new articles (ids from `first_id`) without touching the
/// database, so bulk loads can prepare one batch while the previous one is written.
pub fn prepare_articles(
    catalog: &Catalog,
    first_id: i64,
    articles: Vec<NewArticle>,
) -> anyhow::Result<PreparedArticles> {
    let now = Utc::now();
    let mut rows = Vec::with_capacity(articles.len());
    let mut bylines = Vec::new();
    let mut tag_links = Vec::new();
    let mut media_links = Vec::new();
    let mut search_entries = Vec::new();
    for (a, id) in articles.into_iter().zip(first_id..) {
        let title = nfc(&a.title);
        let summary = nfc(&a.summary);
        let body: Vec<Block> = a.body.iter().map(normalise).collect();
        let category_path = catalog.categories.path(a.category_id);
        let authors = a
            .authors
            .iter()
            .map(|(author_id, role)| {
                let byline = catalog.authors.get(author_id).with_context(|| format!("unknown author {author_id}"))?;
                Ok(Byline { role: (*role).to_owned(), ..byline.clone() })
            })
            .collect::<anyhow::Result<Vec<_>>>()?;
        let tags = a
            .tags
            .iter()
            .map(|t| catalog.tags.get(t).cloned().with_context(|| format!("unknown tag {t}")))
            .collect::<anyhow::Result<Vec<_>>>()?;
        let built = build(&ArticleParts {
            id,
            slug: &a.slug,
            title: &title,
            summary: &summary,
            body: &body,
            cover_media_id: a.cover,
            social_image_id: None,
            category_path: &category_path,
            authors,
            tags,
            source: a.source.clone(),
            meta_title: None,
            meta_description: None,
            canonical_url: None,
            media: &catalog.media,
            published_at: a.published_at,
            updated_at: now,
        })
        .with_context(|| format!("cannot prepare article {}", a.slug))?;

        for (position, (author_id, role)) in a.authors.iter().enumerate() {
            bylines.push(article_author::ActiveModel {
                article_id: Set(id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
                author_id: Set(*author_id),
                role: Set((*role).to_owned()),
            });
        }
        for (position, tag_id) in a.tags.iter().enumerate() {
            tag_links.push(article_tag::ActiveModel {
                article_id: Set(id),
                tag_id: Set(*tag_id),
                position: Set(i32::try_from(position).unwrap_or(i32::MAX)),
            });
        }
        let mut used: Vec<i64> = a
            .cover
            .into_iter()
            .chain(body.iter().filter_map(|b| match b {
                Block::Image { media_id, .. } => Some(*media_id),
                _ => None,
            }))
            .collect();
        used.sort_unstable();
        used.dedup();
        media_links.extend(
            used.into_iter()
                .map(|media_id| article_media::ActiveModel { article_id: Set(id), media_id: Set(media_id) }),
        );

        search_entries.extend(search::index::Entry::of(
            id,
            &title,
            &summary,
            &body,
            a.status,
            a.published_at,
            a.deleted_at.is_some(),
        ));
        rows.push(article::ActiveModel {
            id: Set(id),
            slug: Set(a.slug),
            title: Set(title),
            summary: Set(summary),
            body: Set(serde_json::to_value(&body)?),
            cover_media_id: Set(a.cover),
            category_id: Set(a.category_id),
            source_name: Set(a.source.as_ref().map(|s| nfc(&s.name))),
            source_url: Set(a.source.and_then(|s| s.url)),
            status: Set(a.status.to_owned()),
            published_at: Set(a.published_at),
            meta_title: Set(None),
            meta_description: Set(None),
            canonical_url: Set(None),
            social_image_id: Set(None),
            word_count: Set(built.word_count),
            reading_minutes: Set(built.reading_minutes),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(a.deleted_at),
            summary_doc: Set(built.summary_doc),
            detail_doc: Set(built.detail_doc),
            title_terms: Set(Some(built.title_terms)),
            created_by: Set(None),
        });
    }
    Ok(PreparedArticles { rows, bylines, tag_links, media_links, search: search_entries })
}

/// Writes prepared articles.
pub async fn insert_prepared<C: ConnectionTrait>(db: &C, prepared: PreparedArticles) -> anyhow::Result<()> {
    let PreparedArticles { mut rows, bylines, tag_links, media_links, search: entries } = prepared;
    while !rows.is_empty() {
        let chunk: Vec<_> = rows.drain(..rows.len().min(BATCH)).collect();
        article::Entity::insert_many(chunk).exec(db).await?;
    }
    for chunk in bylines.chunks(BATCH) {
        article_author::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    for chunk in tag_links.chunks(BATCH) {
        article_tag::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    for chunk in media_links.chunks(BATCH) {
        article_media::Entity::insert_many(chunk.to_vec()).exec(db).await?;
    }
    search::index::insert_new(db, &entries).await?;
    Ok(())
}
